// Package config reads .forkreview.yaml (../../shared/docs/config.md, docs/config.md), the
// built-in presets and the fork's forkdiff fork.yaml, and turns them into the review.Rules the
// classifier applies. Loading is strict: a typo must not silently change a review, so an
// unknown key or a value of the wrong type is an error naming the key and its line.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/forkreview/forkreview/review"
	"gopkg.in/yaml.v3"
)

// FileName is the configuration's name at the repository root.
const FileName = ".forkreview.yaml"

// Defaults of the upstream section.
const (
	DefaultRemote     = "upstream"
	DefaultTagPattern = "v*"
	// DefaultForkDiff is where forkdiff keeps its definitions, read when present even without
	// a forkdiff key.
	DefaultForkDiff = "fork.yaml"
)

// Presets.
const (
	PresetGeth = "geth"
	PresetNone = "none"
)

// Config is .forkreview.yaml as written; Rules combines it with the preset and forkdiff. The
// zero value (and a nil *Config) is the configuration of a repository without the file.
type Config struct {
	// File is where the configuration was read from, "" for the defaults.
	File string
	// Preset is "geth", "none", or "" to detect it from the repository.
	Preset   string
	Upstream Upstream
	Zones    []Zone
	Ignore   []string
	Trivial  []string
	// ForkDiff is the path of the fork's forkdiff definitions; "" reads fork.yaml when present.
	ForkDiff string
	// SecurityWords replace the preset's (or the built-in) words when set.
	SecurityWords []string
}

// Upstream says where upstream lives.
type Upstream struct {
	// Remote is the remote whose tags are upstream releases; "upstream" unless set.
	Remote string
	// URL is the upstream project's web address, normalised without a trailing slash or .git.
	URL string
	// TagPattern selects release tags (git's glob syntax); "v*" unless set.
	TagPattern string
}

// Zone is one named part of the fork.
type Zone struct {
	Name      string
	Paths     []string
	Note      string
	MinRisk   *review.Risk
	Consensus bool
	// Line is where the zone starts in the file, for messages.
	Line int
}

// Default is the configuration of a repository without a .forkreview.yaml.
func Default() *Config {
	return &Config{Upstream: Upstream{Remote: DefaultRemote, TagPattern: DefaultTagPattern}}
}

// Load reads and validates the configuration at path. A missing file is an error that wraps
// fs.ErrNotExist, so a caller looking for the optional default file can tell.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config %s: no such file (write one with: forkreview init): %w", path, err)
		}
		return nil, fmt.Errorf("config %s cannot be read: %w; make it a YAML file you can read, or pass --config with another one", path, err)
	}
	return Parse(path, b)
}

var (
	topKeys      = []string{"preset", "upstream", "zones", "ignore", "trivial", "forkdiff", "security_words"}
	upstreamKeys = []string{"remote", "url", "tag_pattern"}
	zoneKeys     = []string{"name", "paths", "note", "min_risk", "consensus"}
	// zoneNameRE keeps zone:NAME tags one word, safe in any report format.
	zoneNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// remoteNameRE is what git accepts as a remote name, conservatively.
	remoteNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)
)

// Parse validates the configuration in b; name is the file's name in messages. Every problem
// is reported, each as an *Error with its line.
func Parse(name string, b []byte) (*Config, error) {
	d := &decoder{kind: "config", file: name}
	c := Default()
	c.File = name
	root := d.document(b)
	if root == nil || isNull(root) {
		return c, d.err()
	}
	for _, f := range d.mapping(root, "", topKeys) {
		switch f.key {
		case "preset":
			if s, ok := d.str(f.value, f.key); ok {
				switch s {
				case PresetGeth, PresetNone:
					c.Preset = s
				default:
					d.errorf(f.value, "preset: unknown preset %q: use %q or %q", s, PresetGeth, PresetNone)
				}
			}
		case "upstream":
			d.upstream(f.value, &c.Upstream)
		case "zones":
			c.Zones = d.zones(f.value)
		case "ignore":
			c.Ignore = d.globs(f.value, f.key)
		case "trivial":
			c.Trivial = d.globs(f.value, f.key)
		case "forkdiff":
			if s, ok := d.str(f.value, f.key); ok {
				if msg := pathProblem(s); msg != "" {
					d.errorf(f.value, "forkdiff: %s", msg)
				} else {
					c.ForkDiff = s
				}
			}
		case "security_words":
			for i, w := range d.strings(f.value, f.key) {
				if strings.TrimSpace(w) == "" {
					d.errorf(resolve(f.value.Content[i]), "security_words[%d]: empty word", i)
					continue
				}
				c.SecurityWords = append(c.SecurityWords, strings.TrimSpace(w))
			}
		}
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func (d *decoder) upstream(n *yaml.Node, u *Upstream) {
	if isNull(n) {
		return
	}
	for _, f := range d.mapping(n, "upstream", upstreamKeys) {
		where := "upstream." + f.key
		s, ok := d.str(f.value, where)
		if !ok {
			continue
		}
		switch f.key {
		case "remote":
			if !remoteNameRE.MatchString(s) || strings.Contains(s, "..") {
				d.errorf(f.value, "%s: %q is not a remote name (see: git remote)", where, s)
				continue
			}
			u.Remote = s
		case "url":
			norm, err := normaliseURL(s)
			if err != nil {
				d.errorf(f.value, "%s: %v", where, err)
				continue
			}
			u.URL = norm
		case "tag_pattern":
			if msg := globProblem(s); msg != "" {
				d.errorf(f.value, "%s: %s", where, msg)
				continue
			}
			u.TagPattern = s
		}
	}
}

// normaliseURL accepts a web address or a GitHub remote URL and returns the web address.
func normaliseURL(s string) (string, error) {
	if gh, ok := GitHubURL(s); ok {
		return gh, nil
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not a web address: write it as https://host/owner/name", s)
	}
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), ".git")
	return u.String(), nil
}

func (d *decoder) zones(n *yaml.Node) []Zone {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "zones: expected a list of zones (- name: ...), found %s", kindName(n))
		return nil
	}
	var out []Zone
	lines := map[string]int{}
	for i, zn := range n.Content {
		zn = resolve(zn)
		where := fmt.Sprintf("zones[%d]", i)
		z := Zone{Line: zn.Line}
		before := len(d.errs)
		fields := d.mapping(zn, where, zoneKeys)
		if zn.Kind != yaml.MappingNode {
			continue
		}
		// A misspelt key already explains a missing name or paths.
		ok := len(d.errs) == before
		hasName, hasPaths := false, false
		for _, f := range fields {
			at := where + "." + f.key
			switch f.key {
			case "name":
				s, good := d.str(f.value, at)
				if !good {
					ok = false
					break
				}
				hasName = true
				if !zoneNameRE.MatchString(s) {
					d.errorf(f.value, "%s: %q is not a zone name: use letters, digits, '.', '_' and '-' (it becomes the tag zone:NAME)", at, s)
					ok = false
					break
				}
				if line, dup := lines[s]; dup {
					d.errorf(f.value, "%s: zone %q is already defined at line %d", at, s, line)
					ok = false
					break
				}
				lines[s] = f.value.Line
				z.Name = s
			case "paths":
				z.Paths = d.globs(f.value, at)
				hasPaths = !isNull(f.value) && (f.value.Kind != yaml.SequenceNode || len(f.value.Content) > 0)
			case "note":
				if s, good := d.str(f.value, at); good {
					z.Note = strings.TrimSpace(s)
				}
			case "min_risk":
				s, good := d.str(f.value, at)
				if !good {
					break
				}
				r, err := review.ParseRisk(s)
				if err != nil || (r != review.RiskLow && r != review.RiskMedium && r != review.RiskHigh) {
					d.errorf(f.value, "%s: %q is not a risk floor: use low, medium or high", at, s)
					break
				}
				z.MinRisk = &r
			case "consensus":
				if b, good := d.boolean(f.value, at); good {
					z.Consensus = b
				}
			}
		}
		if !hasName && ok {
			d.errorf(zn, "%s: a zone needs a name", where)
		}
		if !hasPaths && ok {
			label := where
			if z.Name != "" {
				label = fmt.Sprintf("%s (%s)", where, z.Name)
			}
			d.errorf(zn, "%s: a zone needs paths, a list of globs", label)
		}
		out = append(out, z)
	}
	return out
}

// pathProblem says what is wrong with a file path relative to the repository root, or "".
func pathProblem(p string) string {
	switch {
	case strings.TrimSpace(p) == "":
		return "empty path"
	case strings.HasPrefix(p, "/"):
		return fmt.Sprintf("%q is absolute: give the path relative to the repository root", p)
	case p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../"):
		return fmt.Sprintf("%q leaves the repository: give a path inside it", p)
	case strings.Contains(p, `\`):
		return fmt.Sprintf("%q: use / between folders", p)
	}
	return ""
}

// Remote is the upstream remote's name; nil-safe.
func (c *Config) Remote() string {
	if c == nil || c.Upstream.Remote == "" {
		return DefaultRemote
	}
	return c.Upstream.Remote
}

// TagPattern is the glob of upstream release tags; nil-safe.
func (c *Config) TagPattern() string {
	if c == nil || c.Upstream.TagPattern == "" {
		return DefaultTagPattern
	}
	return c.Upstream.TagPattern
}

// ForkDiffPath is where to read the fork's forkdiff definitions at the fork commit, and
// whether the configuration names it explicitly (then a missing file is an error); nil-safe.
func (c *Config) ForkDiffPath() (path string, explicit bool) {
	if c == nil || c.ForkDiff == "" {
		return DefaultForkDiff, false
	}
	return c.ForkDiff, true
}
