// Package prcomment renders the pull request comment of `forkreview ci comment` from a
// review.Report: the risk summary, the conflicts and high-risk commits with their reasons, a
// checklist of the commits that need review, and a link to the full report, within GitHub's
// size limit. All text that comes from commits or notes goes through Neutralize.
package prcomment

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/forkreview/forkreview/review"
)

// DefaultMarker is the hidden HTML comment that starts the comment, by which later runs find
// and edit it instead of adding another.
const DefaultMarker = "<!-- forkreview -->"

// GitHubLimit is the most characters GitHub accepts in a comment.
const GitHubLimit = 65536

// Options shape the comment.
type Options struct {
	// ReportURL links to the full report (an uploaded artifact, a Pages site, ...); may be "".
	ReportURL string
	// RunURL links to the workflow run (its log, step summary and artifacts); may be "". It
	// stands in for ReportURL when that is "".
	RunURL string
	// MaxChars bounds the comment's length in bytes, which are never fewer than the characters
	// GitHub counts; 0 means GitHubLimit. When the comment is longer, the least important
	// entries are left out and the comment says so.
	MaxChars int
}

// Limits on how much of one commit is shown; the full report has the rest.
const (
	foldAfter        = 10  // entries of a list shown before the rest goes into <details>
	maxReasons       = 6   // reasons per commit
	maxFiles         = 6   // files per commit
	maxDecls         = 4   // declarations per file
	maxSubjectDetail = 160 // runes of a subject in the conflict and high-risk lists
	maxSubjectCheck  = 100 // runes of a subject in the checklist
	maxReason        = 240 // runes of one reason
	maxNote          = 200 // runes of a reviewer's note
)

// NeedsReview reports whether a commit goes on the checklist: risk medium or higher, or tagged
// security or consensus (those deserve a look whatever they overlap), unless the fork already
// has the change (applied).
func NeedsReview(c *review.Commit) bool {
	if c.Risk == review.RiskApplied {
		return false
	}
	return c.Risk.AtLeast(review.RiskMedium) || c.HasTag("security") || c.HasTag("consensus")
}

// Done reports whether the committed review state settles the commit: reviewed, or not
// applicable. Follow-up is not done.
func Done(c *review.Commit) bool {
	return c.Review.Status == review.StatusReviewed || c.Review.Status == review.StatusNotApplicable
}

// sections of the comment that can be trimmed
const (
	secConflicts = iota
	secHigh
	secChecklist
	numSections
)

// unit is one entry of a trimmable list, rendered; tier orders what is left out first (see the
// tier constants).
type unit struct {
	sec  int
	tier int
	done bool
	idx  int // position in the report (oldest first)
	text string
}

type renderer struct {
	r      *review.Report
	opt    Options
	up     string // upstream web address, or "" when unknown or unsafe
	units  [numSections][]unit
	totals [numSections]int
}

// Render returns the whole comment body, marker first, at most opt.MaxChars bytes long.
func Render(r *review.Report, opt Options) string {
	if opt.MaxChars <= 0 {
		opt.MaxChars = GitHubLimit
	}
	rd := &renderer{r: r, opt: opt, up: strings.TrimSuffix(webURL(r.Upstream.URL), ".git")}
	rd.opt.ReportURL, rd.opt.RunURL = webURL(opt.ReportURL), webURL(opt.RunURL)
	rd.build()

	// Everything, if it fits.
	all := rd.allKept()
	if s := rd.render(all); len(s) <= opt.MaxChars {
		return s
	}
	// Otherwise keep the most important entries that fit: sizes add up, plus some slack for
	// the notes and folds whose text depends on what is kept.
	order := rd.dropOrder()
	kept := rd.noneKept()
	base := len(rd.render(kept))
	budget := opt.MaxChars - base - 512
	var keptOrder []unitRef
	// A detail entry that does not fit is skipped and smaller ones may follow; a checklist
	// item that does not fit ends the checklist, so that it never shows a lower risk while
	// leaving out a higher one.
	checklistFull := false
	for i := len(order) - 1; i >= 0; i-- {
		u := order[i]
		unit := &rd.units[u.sec][u.i]
		if u.sec == secChecklist && checklistFull {
			continue
		}
		n := len(unit.text)
		if n > budget {
			checklistFull = checklistFull || u.sec == secChecklist
			continue
		}
		budget -= n
		kept[u.sec][u.i] = true
		keptOrder = append(keptOrder, u)
	}
	for {
		s := rd.render(kept)
		if len(s) <= opt.MaxChars {
			return s
		}
		if len(keptOrder) == 0 {
			return rd.hardCut(s)
		}
		last := keptOrder[len(keptOrder)-1]
		keptOrder = keptOrder[:len(keptOrder)-1]
		kept[last.sec][last.i] = false
	}
}

type unitRef struct{ sec, i int }

// dropOrder lists every unit, the first to leave out first.
func (rd *renderer) dropOrder() []unitRef {
	var refs []unitRef
	for s := range rd.units {
		for i := range rd.units[s] {
			refs = append(refs, unitRef{s, i})
		}
	}
	sort.SliceStable(refs, func(a, b int) bool {
		ua, ub := &rd.units[refs[a].sec][refs[a].i], &rd.units[refs[b].sec][refs[b].i]
		if ua.tier != ub.tier {
			return ua.tier < ub.tier
		}
		if ua.done != ub.done {
			return ua.done // settled commits go before open ones
		}
		return ua.idx > ub.idx // then the newest
	})
	return refs
}

func (rd *renderer) allKept() [numSections][]bool {
	var k [numSections][]bool
	for s := range rd.units {
		k[s] = make([]bool, len(rd.units[s]))
		for i := range k[s] {
			k[s][i] = true
		}
	}
	return k
}

func (rd *renderer) noneKept() [numSections][]bool {
	var k [numSections][]bool
	for s := range rd.units {
		k[s] = make([]bool, len(rd.units[s]))
	}
	return k
}

// hardCut is the last resort when even the summary does not fit MaxChars (a tiny limit): it
// cuts at a line end, which keeps the marker and never splits an escape.
func (rd *renderer) hardCut(s string) string {
	max := rd.opt.MaxChars
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexByte(s[:max], '\n')
	if cut < len(DefaultMarker) {
		return DefaultMarker
	}
	return s[:cut+1]
}

// Tiers, lowest left out first. The first few open conflicts and high-risk commits keep their
// details longer than the checklist, so a shortened comment still shows reasons.
const (
	tierCheckLow = iota * 2
	tierCheckMedium
	tierHighDetail
	tierCheckHigh
	tierConflictDetail
	tierCheckConflict
	tierTopDetail
)

func (rd *renderer) build() {
	checkTier := map[review.Risk]int{review.RiskConflict: tierCheckConflict, review.RiskHigh: tierCheckHigh, review.RiskMedium: tierCheckMedium}
	var check []int
	topConflicts, topHigh := 0, 0
	for i := range rd.r.Commits {
		c := &rd.r.Commits[i]
		switch c.Risk {
		case review.RiskConflict:
			tier := tierConflictDetail
			if !Done(c) && topConflicts < foldAfter {
				tier, topConflicts = tierTopDetail, topConflicts+1
			}
			rd.units[secConflicts] = append(rd.units[secConflicts], unit{sec: secConflicts, tier: tier, done: Done(c), idx: i, text: rd.detail(c)})
		case review.RiskHigh:
			tier := tierHighDetail
			if !Done(c) && topHigh < foldAfter {
				tier, topHigh = tierCheckHigh+1, topHigh+1
			}
			rd.units[secHigh] = append(rd.units[secHigh], unit{sec: secHigh, tier: tier, done: Done(c), idx: i, text: rd.detail(c)})
		}
		if NeedsReview(c) {
			check = append(check, i)
		}
	}
	// The checklist goes from the highest risk down, in report order within a risk.
	sort.SliceStable(check, func(a, b int) bool { return rd.r.Commits[check[a]].Risk > rd.r.Commits[check[b]].Risk })
	for _, i := range check {
		c := &rd.r.Commits[i]
		rd.units[secChecklist] = append(rd.units[secChecklist], unit{sec: secChecklist, tier: checkTier[c.Risk], done: Done(c), idx: i, text: rd.checkItem(c)})
	}
	for s := range rd.units {
		rd.totals[s] = len(rd.units[s])
	}
}

// render writes the comment with the kept entries.
func (rd *renderer) render(kept [numSections][]bool) string {
	var b strings.Builder
	omitted := 0
	for s := range kept {
		for _, k := range kept[s] {
			if !k {
				omitted++
			}
		}
	}

	b.WriteString(DefaultMarker)
	b.WriteString("\n")
	b.WriteString(rd.headline())
	b.WriteString("\n\n")
	b.WriteString(rd.overview())
	b.WriteString("\n\n")
	if omitted > 0 {
		fmt.Fprintf(&b, "> [!NOTE]\n> This comment is shortened to fit GitHub's limit of %s characters: %s of the least important entries are not shown. See the %s.\n\n",
			thousands(rd.opt.MaxChars), thousands(omitted), rd.fullReport())
	}
	b.WriteString(rd.table())
	b.WriteString("\n")

	if rd.totals[secConflicts] > 0 {
		fmt.Fprintf(&b, "### Conflicts (%s)\n\nThese do not merge cleanly into the fork; each needs resolving by hand.\n\n", thousands(rd.totals[secConflicts]))
		rd.list(&b, secConflicts, kept[secConflicts], "conflicts")
	}
	if rd.totals[secHigh] > 0 {
		fmt.Fprintf(&b, "### High risk (%s)\n\nThese merge cleanly but change what the fork changed.\n\n", thousands(rd.totals[secHigh]))
		rd.list(&b, secHigh, kept[secHigh], "high-risk commits")
	}
	need, done := rd.checkCounts()
	fmt.Fprintf(&b, "### Checklist (%s of %s done)\n\n", thousands(done), thousands(need))
	if need == 0 {
		b.WriteString("No commit in this range needs review.\n\n")
	} else {
		b.WriteString("Commits at medium risk or higher, and those tagged security or consensus. A box is ticked when the committed review state marks the commit reviewed or not applicable.\n\n")
		rd.list(&b, secChecklist, kept[secChecklist], "commits")
	}
	b.WriteString(rd.footer())
	return b.String()
}

// list writes the kept entries of a section: the first foldAfter in view, the rest folded.
func (rd *renderer) list(b *strings.Builder, sec int, kept []bool, noun string) {
	shown, hidden := 0, 0
	for i, u := range rd.units[sec] {
		if !kept[i] {
			hidden++
			continue
		}
		if shown == foldAfter {
			rest := 0
			for j := i; j < len(kept); j++ {
				if kept[j] {
					rest++
				}
			}
			fmt.Fprintf(b, "\n<details><summary>%s more %s</summary>\n\n", thousands(rest), noun)
		}
		b.WriteString(u.text)
		shown++
	}
	if shown > foldAfter {
		b.WriteString("\n</details>\n")
	}
	if hidden > 0 {
		fmt.Fprintf(b, "\n_%s more not shown: see the %s._\n", thousands(hidden), rd.fullReport())
	}
	b.WriteString("\n")
}

func (rd *renderer) checkCounts() (need, done int) {
	for i := range rd.r.Commits {
		c := &rd.r.Commits[i]
		if NeedsReview(c) {
			need++
			if Done(c) {
				done++
			}
		}
	}
	return need, done
}

func (rd *renderer) headline() string {
	u := rd.r.Upstream
	from, to := u.From, u.To
	if from == "" {
		from = short(u.FromCommit)
	}
	if to == "" {
		to = short(u.ToCommit)
	}
	rng := code(from) + " → " + code(to)
	if rd.up != "" && u.From != "" && u.To != "" {
		rng = fmt.Sprintf("[%s](%s/compare/%s...%s)", rng, rd.up, url.PathEscape(u.From), url.PathEscape(u.To))
	}
	return "### forkreview: upstream " + rng
}

func (rd *renderer) overview() string {
	r := rd.r
	n := len(r.Commits)
	counts := map[review.Risk]int{}
	for i := range r.Commits {
		counts[r.Commits[i].Risk]++
	}
	fork := code(r.Fork.Ref)
	if fork == "" {
		fork = "the fork"
	}
	if h := short(r.Fork.Commit); h != "" {
		fork += " (" + code(h) + ")"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** upstream %s checked against %s: **%s** %s, **%s** high risk, **%s** medium.",
		thousands(n), plural(n, "commit", "commits"), fork,
		thousands(counts[review.RiskConflict]), plural(counts[review.RiskConflict], "conflict", "conflicts"),
		thousands(counts[review.RiskHigh]), thousands(counts[review.RiskMedium]))
	need, done := rd.checkCounts()
	follow := 0
	for i := range r.Commits {
		if NeedsReview(&r.Commits[i]) && r.Commits[i].Review.Status == review.StatusFollowUp {
			follow++
		}
	}
	fmt.Fprintf(&b, " Reviewed **%s of %s** that need review", thousands(done), thousands(need))
	if follow > 0 {
		fmt.Fprintf(&b, ", %s marked for follow-up", thousands(follow))
	}
	b.WriteString(".")
	return b.String()
}

// table counts commits per risk and review status, computed from the commits so that the two
// always agree.
func (rd *renderer) table() string {
	var b strings.Builder
	b.WriteString("| risk | commits | pending | reviewed | follow-up | not applicable |\n|:--|--:|--:|--:|--:|--:|\n")
	order := []review.Risk{review.RiskConflict, review.RiskHigh, review.RiskMedium, review.RiskLow, review.RiskNone, review.RiskApplied}
	type row struct {
		total int
		by    [4]int
	}
	rows := map[review.Risk]*row{}
	var all row
	for _, k := range order {
		rows[k] = &row{}
	}
	for i := range rd.r.Commits {
		c := &rd.r.Commits[i]
		rw := rows[c.Risk]
		if rw == nil {
			rw = &row{}
			rows[c.Risk] = rw
			order = append(order, c.Risk)
		}
		j := statusIndex(c.Review.Status)
		rw.by[j]++
		all.by[j]++
		rw.total++
		all.total++
	}
	for _, k := range order {
		rw := rows[k]
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", k, thousands(rw.total),
			thousands(rw.by[0]), thousands(rw.by[1]), thousands(rw.by[2]), thousands(rw.by[3]))
	}
	fmt.Fprintf(&b, "| **all** | **%s** | **%s** | **%s** | **%s** | **%s** |\n", thousands(all.total),
		thousands(all.by[0]), thousands(all.by[1]), thousands(all.by[2]), thousands(all.by[3]))
	return b.String()
}

func statusIndex(s review.Status) int {
	switch s {
	case review.StatusReviewed:
		return 1
	case review.StatusFollowUp:
		return 2
	case review.StatusNotApplicable:
		return 3
	}
	return 0 // pending, or ""
}

// commitRef is the commit's short hash, linked to upstream when the address is known, and its
// subject with the upstream pull request linked.
func (rd *renderer) commitRef(c *review.Commit, subjectRunes int) string {
	var b strings.Builder
	h := short(c.Hash)
	if hexRE.MatchString(c.Hash) && rd.up != "" {
		fmt.Fprintf(&b, "[%s](%s/commit/%s)", code(h), rd.up, c.Hash)
	} else {
		b.WriteString(code(h))
	}
	subject := oneLine(c.Subject)
	pr := ""
	if c.UpstreamPR > 0 {
		tail := fmt.Sprintf("(#%d)", c.UpstreamPR)
		subject = strings.TrimSpace(strings.TrimSuffix(subject, tail))
		if rd.up != "" {
			pr = fmt.Sprintf(" ([#%d](%s/pull/%d))", c.UpstreamPR, rd.up, c.UpstreamPR)
		} else {
			pr = fmt.Sprintf(" (upstream #%s%d)", zwsp, c.UpstreamPR)
		}
	}
	if subject == "" {
		subject = "(no subject)"
	}
	b.WriteString(" ")
	b.WriteString(Neutralize(truncate(subject, subjectRunes)))
	b.WriteString(pr)
	return b.String()
}

func (rd *renderer) tags(c *review.Commit) string {
	if len(c.Tags) == 0 {
		return ""
	}
	parts := make([]string, 0, len(c.Tags))
	for _, t := range c.Tags {
		parts = append(parts, code(truncate(t, 40)))
	}
	return " · " + strings.Join(parts, " ")
}

func status(c *review.Commit) string {
	by := ""
	if c.Review.Reviewer != "" {
		by = " by " + Neutralize(truncate(c.Review.Reviewer, 60))
	}
	switch c.Review.Status {
	case review.StatusReviewed:
		return " · reviewed" + by
	case review.StatusNotApplicable:
		return " · not applicable" + by
	case review.StatusFollowUp:
		return " · **follow-up**" + by
	}
	return ""
}

func note(c *review.Commit) string {
	if strings.TrimSpace(c.Review.Note) == "" {
		return ""
	}
	return Neutralize(truncate(c.Review.Note, maxNote))
}

// detail is one entry of the conflict or high-risk list.
func (rd *renderer) detail(c *review.Commit) string {
	var b strings.Builder
	b.WriteString("- ")
	b.WriteString(rd.commitRef(c, maxSubjectDetail))
	b.WriteString(rd.tags(c))
	b.WriteString(status(c))
	b.WriteString("\n")
	for i, r := range c.Reasons {
		if i == maxReasons {
			fmt.Fprintf(&b, "  - and %d more %s\n", len(c.Reasons)-i, plural(len(c.Reasons)-i, "reason", "reasons"))
			break
		}
		b.WriteString("  - ")
		b.WriteString(Neutralize(truncate(r, maxReason)))
		b.WriteString("\n")
	}
	if s := conflictFiles(c); s != "" {
		b.WriteString("  - conflicts in: " + s + "\n")
	}
	// tree-level conflicts say in words what happened to the file
	shown := 0
	for _, k := range c.Conflicts {
		if k.Detail == "" || shown == maxReasons {
			continue
		}
		shown++
		b.WriteString("  - " + code(truncate(k.Path, maxReason)) + ": " + Neutralize(truncate(k.Detail, maxReason)) + "\n")
	}
	if s := overlapFiles(c); s != "" {
		b.WriteString("  - files: " + s + "\n")
	}
	if s := note(c); s != "" {
		b.WriteString("  - note: " + s + "\n")
	}
	return b.String()
}

// conflictFiles names each conflicting path once with its kinds, trivial ones marked.
func conflictFiles(c *review.Commit) string {
	type entry struct {
		kinds            []string
		trivial          bool
		regenerate       string
		path             string
		seenKind, seenRe map[string]bool
	}
	var order []*entry
	byPath := map[string]*entry{}
	for _, k := range c.Conflicts {
		e := byPath[k.Path]
		if e == nil {
			e = &entry{path: k.Path, trivial: true, seenKind: map[string]bool{}}
			byPath[k.Path] = e
			order = append(order, e)
		}
		if kind := k.Kind; kind != "" && !e.seenKind[kind] {
			e.seenKind[kind] = true
			e.kinds = append(e.kinds, kind)
		}
		e.trivial = e.trivial && k.Trivial
		if k.Regenerate != "" {
			e.regenerate = k.Regenerate
		}
	}
	var parts []string
	for i, e := range order {
		if i == maxFiles {
			parts = append(parts, fmt.Sprintf("and %d more", len(order)-i))
			break
		}
		var info []string
		for _, k := range e.kinds {
			info = append(info, Neutralize(truncate(k, 30)))
		}
		if e.trivial {
			info = append(info, "trivial")
		}
		if e.regenerate != "" {
			info = append(info, "regenerate: "+code(truncate(e.regenerate, 80)))
		}
		s := code(truncate(e.path, 120))
		if ds := decls(c, e.path); ds != "" {
			s += " in " + ds
		}
		if len(info) > 0 {
			s += " (" + strings.Join(info, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// overlapFiles names the files where the commit meets the fork (overlap declaration or file;
// conflicts are listed apart), with the declarations both changed.
func overlapFiles(c *review.Commit) string {
	var parts []string
	n := 0
	total := 0
	for _, f := range c.Files {
		if f.Overlap != review.OverlapDeclaration && f.Overlap != review.OverlapFile {
			continue
		}
		total++
		if n == maxFiles {
			continue
		}
		n++
		s := code(truncate(f.Path, 120))
		if ds := declList(f.Declarations); ds != "" {
			s += " (" + ds + ")"
		}
		parts = append(parts, s)
	}
	if total > n {
		parts = append(parts, fmt.Sprintf("and %d more", total-n))
	}
	return strings.Join(parts, ", ")
}

// decls lists the declarations the commit changed in path, as the classifier recorded them.
func decls(c *review.Commit, path string) string {
	for _, f := range c.Files {
		if f.Path == path {
			return declList(f.Declarations)
		}
	}
	return ""
}

func declList(ds []string) string {
	var out []string
	for i, d := range ds {
		if i == maxDecls {
			out = append(out, fmt.Sprintf("and %d more", len(ds)-i))
			break
		}
		out = append(out, code(truncate(d, 80)))
	}
	return strings.Join(out, ", ")
}

// checkItem is one line of the checklist.
func (rd *renderer) checkItem(c *review.Commit) string {
	box := "- [ ] "
	if Done(c) {
		box = "- [x] "
	}
	var b strings.Builder
	b.WriteString(box)
	b.WriteString("**" + c.Risk.String() + "** ")
	b.WriteString(rd.commitRef(c, maxSubjectCheck))
	b.WriteString(rd.tags(c))
	b.WriteString(status(c))
	if c.Review.Status == review.StatusFollowUp {
		if s := note(c); s != "" {
			b.WriteString(": " + s)
		}
	}
	b.WriteString("\n")
	return b.String()
}

func (rd *renderer) fullReport() string {
	if rd.opt.ReportURL != "" {
		return "[full report](" + rd.opt.ReportURL + ")"
	}
	if rd.opt.RunURL != "" {
		return "full report in the [workflow run](" + rd.opt.RunURL + ")"
	}
	return "full report (`forkreview export --format html`)"
}

func (rd *renderer) footer() string {
	var parts []string
	if rd.opt.ReportURL != "" {
		parts = append(parts, "[Full report]("+rd.opt.ReportURL+")")
	}
	if rd.opt.RunURL != "" {
		parts = append(parts, "[workflow run]("+rd.opt.RunURL+")")
	}
	if rd.opt.ReportURL == "" && rd.opt.RunURL == "" {
		parts = append(parts, "Full report: `forkreview export --format html`")
	}
	tool := "forkreview"
	if v := strings.TrimSpace(rd.r.Tool.Version); v != "" {
		tool += " " + truncate(v, 40)
	}
	parts = append(parts, Neutralize(tool))
	return "---\n<sub>" + strings.Join(parts, " · ") +
		". The checklist follows the review state committed with the fork: review with `forkreview review` and commit the state file; boxes ticked here are overwritten on the next run.</sub>\n"
}

var hexRE = regexp.MustCompile(`^[0-9a-f]{4,64}$`)

// short abbreviates a hash to 10 characters, as review.Commit.Short does.
func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// webURL returns an http(s) address without a trailing slash, fit to put in a Markdown link
// target, or "" when s is not one.
func webURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return ""
	}
	out := strings.TrimRight(u.String(), "/")
	if strings.ContainsAny(out, " ()<>\"'`\\[]") {
		return ""
	}
	return out
}

// thousands writes n with comma separators: 65,536.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
