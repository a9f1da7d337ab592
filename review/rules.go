package review

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

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
	// HardforkPaths are globs of the files where network upgrades are defined and gated (fork
	// gates, EVM jump tables, precompiles, gas tables): a commit changing one gets the tag
	// hardfork.
	HardforkPaths []string
	// HardforkNames are the names of the project's network upgrades ("Cancun", "Tangerine
	// Whistle"), oldest first. The hardfork reason names those that the commit's subject, body,
	// paths or changed lines mention, with the EIPs they mention.
	HardforkNames []string
	// SubjectPattern is the upstream project's subject convention, a regular expression with
	// the named groups "area" and "pr" (go-ethereum: "core/vm: text (#123)"). Decorate fills
	// Commit.Area and Commit.UpstreamPR from it where they are still empty.
	SubjectPattern string
	// SecurityWords are matched as whole words, case-insensitively, in the subject and body.
	SecurityWords []string
	// Features are the fork's forkdiff definitions, flattened in document order.
	Features []Feature
	// FeatureIgnore are forkdiff's top-level ignore globs: fork changes there belong to no
	// feature.
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

// Feature is one forkdiff definition: Title is the path of titles joined by " / " (the root
// definition's title left out, as it names the whole fork), Name the definition's own title.
type Feature struct {
	Title string
	Name  string
	// Level is the definition's depth in forkdiff's def tree (0 for the root). Together with
	// the document order it gives forkdiff's attribution order (see FeatureOf).
	Level int
	Globs []string
	// Ignore are the definition's own ignore globs: the files it claims without counting them.
	Ignore []string
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

// reCache holds compiled patterns by their source: Rules is plain data that callers copy, so
// it cannot carry a lazily compiled field.
var reCache sync.Map // string -> *regexp.Regexp (nil when the pattern does not compile)

func cachedRE(src string) *regexp.Regexp {
	if v, ok := reCache.Load(src); ok {
		return v.(*regexp.Regexp)
	}
	re, err := regexp.Compile(src)
	if err != nil {
		re = nil
	}
	reCache.Store(src, re)
	return re
}

// securityRE matches any of the words (plural and past forms too: "panics", "crashed",
// "panicking") and CVE or GHSA identifiers.
func securityRE(words []string) *regexp.Regexp {
	if len(words) == 0 {
		words = DefaultSecurityWords
	}
	q := make([]string, 0, len(words))
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" {
			q = append(q, regexp.QuoteMeta(strings.ToLower(w)))
		}
	}
	src := `(?i)\bCVE-\d{4}-\d+|\bGHSA(?:-[0-9a-z]{4}){3}\b`
	if len(q) > 0 {
		src += `|\b(?:` + strings.Join(q, "|") + `)(?:e?s|e?d|ing|king|ked)?\b`
	}
	return cachedRE(src)
}

// ParseSubject splits a subject by the upstream's convention (Rules.SubjectPattern): the area
// it names ("core/vm, params") and the pull request number at its end, "" and 0 where the
// subject does not say.
func (r *Rules) ParseSubject(subject string) (area string, pr int) {
	if r.SubjectPattern == "" {
		return "", 0
	}
	re := cachedRE(r.SubjectPattern)
	if re == nil {
		return "", 0
	}
	m := re.FindStringSubmatch(subject)
	if m == nil {
		return "", 0
	}
	for i, name := range re.SubexpNames() {
		switch name {
		case "area":
			area = m[i]
		case "pr":
			if n, err := strconv.Atoi(m[i]); err == nil {
				pr = n
			}
		}
	}
	return area, pr
}

// FeatureOf names the fork feature that owns the fork's change at p, as forkdiff attributes
// it: files under a top-level ignore glob belong to none; otherwise the definitions are tried
// children before their parent, in document order, and the first whose ignore globs match
// (the file is claimed but not counted) or whose globs match wins.
func (r *Rules) FeatureOf(p string) (Feature, bool) {
	return r.featureOf(p, postOrder(r.Features))
}

// featureOf is FeatureOf with the attribution order computed once per commit.
func (r *Rules) featureOf(p string, order []int) (Feature, bool) {
	if matchExact(r.FeatureIgnore, p) {
		return Feature{}, false
	}
	for _, i := range order {
		f := r.Features[i]
		if matchExact(f.Ignore, p) {
			return Feature{}, false
		}
		if matchExact(f.Globs, p) {
			return f, true
		}
	}
	return Feature{}, false
}

// matchExact is doublestar matching without MatchAny's base-name and prefix conveniences:
// forkdiff's own semantics, so that a file is named by the feature forkdiff's page lists it
// under.
func matchExact(globs []string, p string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
	}
	return false
}

// postOrder returns the indexes of the document-ordered (pre-order) features so that every
// definition comes after all of its descendants, the order in which forkdiff hydrates them.
func postOrder(fs []Feature) []int {
	out := make([]int, 0, len(fs))
	var stack []int
	for i, f := range fs {
		for len(stack) > 0 && fs[stack[len(stack)-1]].Level >= f.Level {
			out = append(out, stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, i)
	}
	for len(stack) > 0 {
		out = append(out, stack[len(stack)-1])
		stack = stack[:len(stack)-1]
	}
	return out
}

// Regenerate returns the command that regenerates the file at p, or "" when the file is not
// known to be generated. head is the start of the file's content (nil when unknown); Go's
// convention for generated files (a "// Code generated ... DO NOT EDIT." line before the
// package clause, as written by gencodec, stringer, abigen and protoc-gen-go) decides for Go
// files. A conflict in such a file is resolved by rerunning the generator, not by a hand merge.
func (r *Rules) Regenerate(p string, head []byte) string {
	dir := path.Dir(p)
	switch path.Base(p) {
	case "go.sum":
		if dir == "." {
			return "go mod tidy"
		}
		return "cd " + dir + " && go mod tidy"
	case "go.work.sum":
		if dir == "." {
			return "go work sync"
		}
		return "cd " + dir + " && go work sync"
	}
	if !strings.HasSuffix(p, ".go") {
		return ""
	}
	gen := false
	if head != nil {
		gen = IsGenerated(head)
	} else if r.Preset == "geth" {
		// Without the content, go-ethereum's naming tells: gencodec writes gen_*.go.
		gen, _ = path.Match("gen_*.go", path.Base(p))
	}
	if !gen {
		return ""
	}
	if dir == "." {
		return "go generate ."
	}
	return "go generate ./" + dir
}

// generatedRE is Go's convention for generated files (https://go.dev/s/generatedcode).
var generatedRE = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

// IsGenerated reports whether Go source text carries the generated-code comment before its
// package clause. Only the comments and blank lines at the top are read.
func IsGenerated(src []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	inBlock := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if generatedRE.MatchString(line) {
			return true
		}
		t := strings.TrimSpace(line)
		switch {
		case inBlock:
			if strings.Contains(t, "*/") {
				inBlock = false
			}
		case t == "" || strings.HasPrefix(t, "//"):
		case strings.HasPrefix(t, "/*"):
			inBlock = !strings.Contains(t[2:], "*/")
		default:
			return false
		}
	}
	return false
}

// Decorate adds the commit's tags (risk-model.md: security, consensus, hardfork, test-only,
// docs-only, deps, merge, zone:NAME), raises its risk to zone floors, names zones' notes,
// hardfork surfaces and fork features in its reasons, marks trivial and regenerable conflicts,
// and fills Area and UpstreamPR from the subject convention where they are empty. Changes in
// ignored paths count for no zone, consensus, hardfork or feature. The classifier calls it
// last, once per commit.
func (r *Rules) Decorate(c *Commit) {
	tags := map[string]bool{}
	for _, t := range c.Tags {
		tags[t] = true
	}
	if len(c.Parents) > 1 {
		tags["merge"] = true
	}
	if re := securityRE(r.SecurityWords); re != nil && re.MatchString(c.Subject+"\n"+c.Body) {
		tags["security"] = true
	}
	if c.Area == "" || c.UpstreamPR == 0 {
		area, pr := r.ParseSubject(c.Subject)
		if c.Area == "" {
			c.Area = area
		}
		if c.UpstreamPR == 0 {
			c.UpstreamPR = pr
		}
	}
	var hardforkFiles []string
	var featureOrder []string
	var order []int
	featureFiles := map[string][]string{}
	featureName := map[string]string{}
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
		if r.Ignored(p) && (f.OldPath == "" || r.Ignored(f.OldPath)) {
			continue
		}
		if MatchAny(r.ConsensusPaths, p) || (f.OldPath != "" && MatchAny(r.ConsensusPaths, f.OldPath)) {
			tags["consensus"] = true
		}
		if MatchAny(r.HardforkPaths, p) || (f.OldPath != "" && MatchAny(r.HardforkPaths, f.OldPath)) {
			tags["hardfork"] = true
			hardforkFiles = append(hardforkFiles, p)
		}
		for _, z := range r.Zones {
			if MatchAny(z.Paths, p) || (f.OldPath != "" && MatchAny(z.Paths, f.OldPath)) {
				tags["zone:"+z.Name] = true
				if z.Consensus {
					tags["consensus"] = true
				}
			}
		}
		if f.Overlap.Rank() >= OverlapFile.Rank() && len(r.Features) > 0 {
			if order == nil {
				order = postOrder(r.Features)
			}
			feat, ok := r.featureOf(p, order)
			if !ok && f.OldPath != "" {
				feat, ok = r.featureOf(f.OldPath, order)
			}
			if ok {
				if _, seen := featureFiles[feat.Title]; !seen {
					featureOrder = append(featureOrder, feat.Title)
					featureName[feat.Title] = feat.Name
				}
				featureFiles[feat.Title] = append(featureFiles[feat.Title], p)
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
	if len(hardforkFiles) > 0 {
		reason := "hardfork surface changed: " + listPaths(hardforkFiles)
		if names := r.hardforkMentions(c); len(names) > 0 {
			reason += " (mentions " + strings.Join(names, ", ") + ")"
		}
		c.Reasons = append(c.Reasons, reason)
	}
	if len(featureOrder) > 0 {
		c.Features = c.Features[:0]
		for _, t := range featureOrder {
			c.Features = append(c.Features, t)
			c.Reasons = append(c.Reasons, fmt.Sprintf("collides with fork feature '%s' (%s)", featureName[t], listPaths(featureFiles[t])))
		}
	}
	for i := range c.Conflicts {
		cf := &c.Conflicts[i]
		if MatchAny(r.Trivial, cf.Path) {
			cf.Trivial = true
		}
		// The classifier asks Regenerate with the file's content; what the name alone decides
		// (go.sum) is filled in here for conflicts it did not ask about.
		if cf.Regenerate == "" && !strings.HasSuffix(cf.Path, ".go") {
			cf.Regenerate = r.Regenerate(cf.Path, nil)
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
	sort.Strings(rest)
	c.Tags = append(c.Tags, rest...)
	if c.Tags == nil {
		c.Tags = []string{}
	}
}

// listPaths joins up to three paths and counts the rest.
func listPaths(ps []string) string {
	const max = 3
	if len(ps) <= max {
		return strings.Join(ps, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ps[:max], ", "), len(ps)-max)
}

// eipRE finds EIP numbers as go-ethereum spells them: "EIP-1559", "eip1559" (package names),
// "IsEIP155", "EIP150Block", and the jump table's "enable7702".
var eipRE = regexp.MustCompile(`(?:^|[^A-Za-z])[Ee][Ii][Pp][-_ ]?(\d{1,5})|EIP[-_]?(\d{1,5})|\benable(\d{3,5})\b`)

// hardforkMentions lists the network upgrades (in Rules.HardforkNames order) and EIPs (by
// number) that the commit's subject, body, paths and changed lines mention.
func (r *Rules) hardforkMentions(c *Commit) []string {
	var b strings.Builder
	b.WriteString(c.Subject)
	b.WriteByte('\n')
	b.WriteString(c.Body)
	b.WriteByte('\n')
	for _, f := range c.Files {
		b.WriteString(f.Path)
		b.WriteByte('\n')
		for _, h := range f.Hunks {
			for _, line := range strings.Split(h.Text, "\n") {
				if strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-") {
					b.WriteString(line[1:])
					b.WriteByte('\n')
				}
			}
		}
	}
	for _, cf := range c.Conflicts {
		b.WriteString(cf.Upstream)
		b.WriteByte('\n')
	}
	text := b.String()
	var out []string
	toks := words(text)
	for _, name := range r.HardforkNames {
		if containsSeq(toks, words(name)) {
			out = append(out, name)
		}
	}
	eips := map[int]bool{}
	if lower := strings.ToLower(text); strings.Contains(lower, "eip") || strings.Contains(lower, "enable") {
		for _, m := range eipRE.FindAllStringSubmatch(text, -1) {
			for _, g := range m[1:] {
				if n, err := strconv.Atoi(g); err == nil && n > 0 {
					eips[n] = true
				}
			}
		}
	}
	nums := make([]int, 0, len(eips))
	for n := range eips {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		out = append(out, "EIP-"+strconv.Itoa(n))
	}
	return out
}

// words splits text into lower-case words the way identifiers read: at non-alphanumerics,
// between a lower-case letter and an upper-case one ("IsCancun"), before the last capital of
// an upper-case run followed by lower case ("DAOFork"), and between letters and digits
// ("BPO1"). So "comparison" never reads as "Paris" while "newPragueInstructionSet" reads as
// "Prague".
func words(s string) []string {
	var out []string
	rs := []rune(s)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, c := range rs {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsDigit(c) != unicode.IsDigit(prev):
			flush(i)
		case unicode.IsUpper(c) && unicode.IsLower(prev):
			flush(i)
		case unicode.IsLower(c) && unicode.IsUpper(prev) && i-1 > start:
			flush(i - 1)
		}
		if start < 0 {
			start = i
			if unicode.IsLower(c) && unicode.IsUpper(prev) {
				start = i - 1
			}
		}
	}
	flush(len(rs))
	return out
}

// containsSeq reports whether seq occurs as consecutive words in toks.
func containsSeq(toks, seq []string) bool {
	if len(seq) == 0 {
		return false
	}
outer:
	for i := 0; i+len(seq) <= len(toks); i++ {
		for j := range seq {
			if toks[i+j] != seq[j] {
				continue outer
			}
		}
		return true
	}
	return false
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
