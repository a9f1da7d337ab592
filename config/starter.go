package config

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Starter writes a commented .forkreview.yaml for the repository described by info: the
// preset when it looks like go-ethereum, the upstream remote and its address when there is
// one, forkdiff when the fork keeps a fork.yaml, and commented examples of everything else.
// The result loads with Load.
func Starter(info RepoInfo) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# forkreview configuration. Every key is optional; an unknown key is an error, so a typo\n")
	w("# cannot silently change a review. Paths are globs relative to the repository root, ** matching\n")
	w("# any number of folders. Reference: docs/config.md of forkreview.\n\n")

	geth := info.IsGeth()
	remote, remoteURL := starterRemote(info)
	if !geth {
		if u, ok := GitHubURL(remoteURL); ok && strings.EqualFold(u, GethURL) {
			geth = true
		}
	}
	if geth {
		w("# This repository is a go-ethereum fork: the geth preset marks consensus-critical paths and\n")
		w("# hardfork surfaces, treats go.sum as trivial and knows upstream's subject convention.\n")
		w("preset: geth\n\n")
	} else {
		w("# preset: geth   # for go-ethereum forks (applied by itself when the fork's or upstream's\n")
		w("#                # go.mod module is github.com/ethereum/go-ethereum); \"none\" turns presets off\n\n")
	}

	w("upstream:\n")
	switch {
	case remote != "":
		w("  remote: %s   # its tags are upstream releases; scan finds FROM among them\n", quote(remote))
	default:
		w("  # No upstream remote was found. Add one, so that scan can find the last upstream release:\n")
		if geth {
			w("  #   git remote add upstream %s.git && git fetch upstream --tags\n", GethURL)
		} else {
			w("  #   git remote add upstream URL && git fetch upstream --tags\n")
		}
		w("  remote: upstream\n")
	}
	switch u, ok := GitHubURL(remoteURL); {
	case ok:
		w("  url: %s   # links to upstream commits and pull requests\n", quote(u))
	case geth:
		w("  url: %s\n", quote(GethURL))
	default:
		w("  # url: https://github.com/OWNER/NAME   # links to upstream commits and pull requests\n")
	}
	w("  tag_pattern: \"%s\"   # release tags, in git's glob syntax\n\n", DefaultTagPattern)

	w("# Zones are named parts of the fork. A commit touching one gets the tag zone:NAME, the zone's\n")
	w("# note among its reasons, and at least the zone's min_risk (low, medium or high).\n")
	w("# zones:\n")
	w("#   - name: state\n")
	w("#     paths: [\"core/state/**\"]\n")
	w("#     note: \"The fork changed how state is committed; check every upstream change here.\"\n")
	w("#     min_risk: high\n")
	w("#     consensus: true   # commits here also get the consensus tag\n\n")

	w("# Changes here never raise a commit's risk.\n")
	w("ignore: []   # for example [\"docs/**\", \".github/**\"]\n\n")
	w("# Conflicts here are listed but marked trivial (regenerated, not merged by hand).\n")
	if geth {
		w("trivial: []   # the preset already holds go.sum\n\n")
	} else {
		w("trivial: [\"go.sum\"]\n\n")
	}

	if info.ForkYAML != nil {
		if feats, _, err := ParseForkDiff(info.ForkYAML); err == nil {
			w("# The fork's forkdiff definitions (%d): reasons name the fork feature a commit collides with.\n", len(feats))
		} else {
			w("# The fork's forkdiff definitions: reasons name the fork feature a commit collides with.\n")
			w("# It does not read yet; fix it before scanning: %s\n", oneLine(err.Error()))
		}
		w("forkdiff: %s\n\n", DefaultForkDiff)
	} else {
		w("# forkdiff: fork.yaml   # protolambda/forkdiff definitions, to name the fork feature a commit collides with\n\n")
	}

	w("# Words that tag a commit security (whole words, any case; CVE and GHSA ids always count).\n")
	w("# Setting them replaces the built-in list.\n")
	w("# security_words: [\"dos\", \"panic\", \"crash\", \"overflow\", \"cve\", \"race\", \"security\"]\n")
	return b.Bytes()
}

// starterRemote picks the upstream remote: one named upstream (in Remotes, or said to exist by
// HasUpstreamRemote), else one on go-ethereum's address. It returns "" when neither exists.
func starterRemote(info RepoInfo) (name, url string) {
	if u, ok := info.Remotes[DefaultRemote]; ok || info.HasUpstreamRemote {
		return DefaultRemote, u
	}
	names := make([]string, 0, len(info.Remotes))
	for n := range info.Remotes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if u, ok := GitHubURL(info.Remotes[n]); ok && strings.EqualFold(u, GethURL) && n != "origin" {
			return n, info.Remotes[n]
		}
	}
	return "", ""
}

// quote writes s as a YAML scalar that reads back as s, quoted only when it must be.
func quote(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
