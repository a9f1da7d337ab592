package review

import (
	"path"
	"regexp"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Rules is what the fork's team knows that no diff shows (../shared/docs/config.md), as data.
// The config package builds it from .forkreview.yaml, presets and forkdiff; the classifier uses
// it. The zero value is valid: no zones, nothing ignored, default security words.
type Rules struct {
	Zones   []Zone
	Ignore  []string // globs: changes there never raise a commit's risk
	Trivial []string // globs: conflicts there are listed but marked trivial
	// ConsensusPaths are globs of consensus-critical paths (tag consensus).
	ConsensusPaths []string
	// SecurityWords are matched as whole words, case-insensitively, in the subject and body.
	SecurityWords []string
	// Features are the fork's forkdiff definitions, flattened.
	Features      []Feature
	FeatureIgnore []string
	// UpstreamURL is the upstream project's web address, for links.
	UpstreamURL string
	// Preset names the preset in force ("geth" or "").
	Preset string
}

// Zone is a named part of the fork.
type Zone struct {
	Name      string
	Paths     []string
	Note      string
	MinRisk   *Risk
	Consensus bool
}

// Feature is one forkdiff definition: Title is the path of titles joined by " / ".
type Feature struct {
	Title string
	Globs []string
}

// DefaultSecurityWords are used when Rules.SecurityWords is empty.
var DefaultSecurityWords = []string{"dos", "panic", "crash", "overflow", "cve", "race", "security", "vulnerability", "exploit", "ghsa"}

// MatchAny reports whether p matches any of the doublestar globs. A glob without a slash also
// matches the base name ("go.sum" matches "a/go.sum"), as .gitignore does.
func MatchAny(globs []string, p string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
		if !strings.Contains(g, "/") {
			if ok, _ := doublestar.Match(g, path.Base(p)); ok {
				return true
			}
		}
		// "dir/" or "dir" as a prefix
		if d := strings.TrimSuffix(g, "/"); !strings.ContainsAny(d, "*?[{") && strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// Ignored reports whether changes at p must never raise a commit's risk.
func (r *Rules) Ignored(p string) bool { return MatchAny(r.Ignore, p) }

// wordRE caches compiled security word patterns.
func securityRE(words []string) *regexp.Regexp {
	if len(words) == 0 {
		words = DefaultSecurityWords
	}
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = regexp.QuoteMeta(strings.ToLower(w))
	}
	return regexp.MustCompile(`(?i)\b(` + strings.Join(q, "|") + `)s?\b|\bCVE-\d{4}-\d+|\bGHSA-[0-9a-z]{4}-`)
}

// Decorate adds the commit's tags (risk-model.md: security, consensus, test-only, docs-only,
// deps, merge, zone:NAME), raises its risk to zone floors, and names zones' notes and fork
// features in its reasons. The classifier calls it last, once per commit.
func (r *Rules) Decorate(c *Commit) {
	tags := map[string]bool{}
	for _, t := range c.Tags {
		tags[t] = true
	}
	if len(c.Parents) > 1 {
		tags["merge"] = true
	}
	if securityRE(r.SecurityWords).MatchString(c.Subject + "\n" + c.Body) {
		tags["security"] = true
	}
	allTest, allDocs := len(c.Files) > 0, len(c.Files) > 0
	for _, f := range c.Files {
		p := f.Path
		if !isTestPath(p) {
			allTest = false
		}
		if !isDocPath(p) {
			allDocs = false
		}
		if isDepPath(p) || (f.OldPath != "" && isDepPath(f.OldPath)) {
			tags["deps"] = true
		}
		if MatchAny(r.ConsensusPaths, p) {
			tags["consensus"] = true
		}
		for _, z := range r.Zones {
			if MatchAny(z.Paths, p) || (f.OldPath != "" && MatchAny(z.Paths, f.OldPath)) {
				tags["zone:"+z.Name] = true
				if z.Consensus {
					tags["consensus"] = true
				}
			}
		}
	}
	if allTest {
		tags["test-only"] = true
	}
	if allDocs {
		tags["docs-only"] = true
	}
	for _, z := range r.Zones {
		if !tags["zone:"+z.Name] {
			continue
		}
		if z.MinRisk != nil && c.Risk != RiskApplied && !c.Risk.AtLeast(*z.MinRisk) {
			c.Risk = *z.MinRisk
			c.Reasons = append(c.Reasons, "zone "+z.Name+" raises the risk to "+z.MinRisk.String())
		}
		if z.Note != "" {
			c.Reasons = append(c.Reasons, "zone "+z.Name+": "+z.Note)
		}
	}
	for i := range c.Conflicts {
		if MatchAny(r.Trivial, c.Conflicts[i].Path) {
			c.Conflicts[i].Trivial = true
		}
	}
	c.Tags = c.Tags[:0]
	for _, t := range tagOrder {
		if tags[t] {
			c.Tags = append(c.Tags, t)
			delete(tags, t)
		}
	}
	var rest []string
	for t := range tags {
		rest = append(rest, t)
	}
	sortStrings(rest)
	c.Tags = append(c.Tags, rest...)
	if c.Tags == nil {
		c.Tags = []string{}
	}
}

var tagOrder = []string{"security", "consensus", "hardfork", "merge", "deps", "test-only", "docs-only"}

func isTestPath(p string) bool {
	return strings.HasSuffix(p, "_test.go") || strings.Contains("/"+p, "/testdata/") || strings.HasPrefix(path.Base(p), "test_")
}

func isDocPath(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".md", ".rst", ".txt", ".adoc":
		return true
	}
	b := strings.ToUpper(path.Base(p))
	return strings.HasPrefix(p, "docs/") || strings.HasPrefix(b, "README") || b == "AUTHORS" || b == "LICENSE" || b == "COPYING"
}

func isDepPath(p string) bool {
	b := path.Base(p)
	return b == "go.mod" || b == "go.sum" || strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/") || b == "go.work" || b == "go.work.sum"
}
