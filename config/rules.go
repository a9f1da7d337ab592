package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/forkreview/forkreview/review"
)

// RepoInfo is what the caller found in the repository, for Rules and Starter.
type RepoInfo struct {
	// ModulePath is the module line of go.mod at the fork commit ("" when there is none).
	ModulePath string
	// UpstreamModulePath is the module line of go.mod at the upstream side (TO, or the
	// newest release tag): a fork that renamed its module (scroll-tech/go-ethereum) is still
	// a fork of go-ethereum when upstream's module is go-ethereum's.
	UpstreamModulePath string
	// ForkYAML is the content of the forkdiff file (Config.ForkDiffPath) at the fork commit,
	// nil when there is none.
	ForkYAML []byte
	// Remotes maps remote names to their fetch URLs.
	Remotes map[string]string
	// HasUpstreamRemote is set when the configured upstream remote exists.
	HasUpstreamRemote bool
}

// PresetFor returns the preset that applies: the configured one, else geth when the
// repository looks like go-ethereum (the fork's or upstream's go.mod module, or an upstream
// remote on github.com/ethereum/go-ethereum), else "". "none" is returned as "".
func (c *Config) PresetFor(info RepoInfo) string {
	p := ""
	if c != nil {
		p = c.Preset
	}
	switch p {
	case PresetNone:
		return ""
	case "":
		if info.IsGeth() {
			return PresetGeth
		}
		if u, ok := GitHubURL(info.Remotes[c.Remote()]); ok && strings.EqualFold(u, GethURL) {
			return PresetGeth
		}
		return ""
	}
	return p
}

// IsGeth reports whether the fork's or upstream's go.mod names go-ethereum's module.
func (info RepoInfo) IsGeth() bool {
	return info.ModulePath == GethModule || info.UpstreamModulePath == GethModule
}

// Rules builds the classifier's rules from the preset, the configuration and the fork's
// forkdiff definitions. A nil *Config is a repository without a configuration file.
func (c *Config) Rules(info RepoInfo) (*review.Rules, error) {
	if c == nil {
		c = Default()
	}
	r := &review.Rules{}
	name := c.PresetFor(info)
	if name != "" {
		p, ok := presets[name]
		if !ok {
			return nil, fmt.Errorf("config %s: unknown preset %q: use %q or %q", c.File, name, PresetGeth, PresetNone)
		}
		r.Preset = p.Name
		r.ConsensusPaths = append(r.ConsensusPaths, p.ConsensusPaths...)
		r.HardforkPaths = append(r.HardforkPaths, p.HardforkPaths...)
		r.HardforkNames = append(r.HardforkNames, p.HardforkNames...)
		r.Ignore = append(r.Ignore, p.Ignore...)
		r.Trivial = append(r.Trivial, p.Trivial...)
		r.SecurityWords = append(r.SecurityWords, p.SecurityWords...)
		r.SubjectPattern = p.SubjectPattern
		r.UpstreamURL = p.UpstreamURL
	}
	for _, z := range c.Zones {
		rz := review.Zone{Name: z.Name, Paths: append([]string(nil), z.Paths...), Note: z.Note, Consensus: z.Consensus}
		if z.MinRisk != nil {
			m := *z.MinRisk
			rz.MinRisk = &m
		}
		r.Zones = append(r.Zones, rz)
	}
	r.Ignore = appendNew(r.Ignore, c.Ignore...)
	r.Trivial = appendNew(r.Trivial, c.Trivial...)
	if len(c.SecurityWords) > 0 {
		r.SecurityWords = append([]string(nil), c.SecurityWords...)
	}
	switch {
	case c.Upstream.URL != "":
		r.UpstreamURL = c.Upstream.URL
	default:
		if u, ok := GitHubURL(info.Remotes[c.Remote()]); ok {
			r.UpstreamURL = u
		}
	}
	path, explicit := c.ForkDiffPath()
	switch {
	case info.ForkYAML != nil:
		feats, ignore, err := parseForkDiff(path, info.ForkYAML)
		if err != nil {
			return nil, err
		}
		r.Features, r.FeatureIgnore = feats, ignore
	case explicit:
		return nil, fmt.Errorf("config %s: forkdiff file %s is not in the fork's tree: commit it, or remove the forkdiff key", c.File, path)
	}
	return r, nil
}

// appendNew appends the strings of add that list does not hold yet.
func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if !contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// ghNameRE is what GitHub allows in owner and repository names.
var ghNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// GitHubURL turns a remote URL on github.com into the repository's web address:
// git@github.com:o/r.git, ssh://git@github.com/o/r.git, git://github.com/o/r and
// https://github.com/o/r(.git)(/) all become https://github.com/o/r. It reports false for
// anything else (other hosts, local paths, extra path segments).
func GitHubURL(remoteURL string) (string, bool) {
	s := strings.TrimSpace(remoteURL)
	var host, p string
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", false
		}
		switch u.Scheme {
		case "https", "http", "ssh", "git", "git+ssh", "ssh+git":
		default:
			return "", false
		}
		host, p = u.Hostname(), u.Path
	} else {
		// scp-like syntax: [user@]host:path
		at := strings.Index(s, "@")
		colon := strings.Index(s, ":")
		if colon < 0 || (at >= 0 && at > colon) {
			return "", false
		}
		host, p = s[at+1:colon], s[colon+1:]
	}
	if !strings.EqualFold(host, "github.com") && !strings.EqualFold(host, "www.github.com") {
		return "", false
	}
	p = strings.TrimSuffix(strings.Trim(p, "/"), ".git")
	parts := strings.Split(p, "/")
	if len(parts) != 2 || !ghNameRE.MatchString(parts[0]) || !ghNameRE.MatchString(parts[1]) || parts[1] == "." || parts[1] == ".." {
		return "", false
	}
	return "https://github.com/" + parts[0] + "/" + parts[1], true
}
