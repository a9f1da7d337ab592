package export

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/forkreview/forkreview/review"
)

// Data is what the Markdown, HTML and custom (--template) reports are made from. Its fields are
// documented for template authors in docs/export-template.md; add fields, never rename them.
type Data struct {
	// Title is Options.Title, or "Upstream review FROM..TO"; TitleSet tells which.
	Title    string
	TitleSet bool
	// Range is "FROM..TO".
	Range string
	// Generated is Options.Now, or the report's GeneratedAt when that is zero.
	Generated time.Time
	// UpstreamURL is the upstream's web address, "" when unknown or not http(s); UpstreamName
	// is the same without the scheme ("github.com/ethereum/go-ethereum").
	UpstreamURL  string
	UpstreamName string
	Report       *review.Report
	Tool         review.Tool
	Upstream     review.Upstream
	Fork         review.Fork
	Summary      review.Summary
	// Commits are all the commits, in the report's order (oldest first).
	Commits []*Commit
	// Sections are the attention sections, always all five in this order: conflicts, high,
	// follow-up, security, consensus (see Section).
	Sections []*Section
	// Areas hold the commits that no section shows, grouped by area, sorted by name; Rest
	// counts them.
	Areas []*Area
	Rest  int
	// Risks counts commits per level, most severe first (conflict … none, then applied).
	Risks []Count
	// Statuses counts commits per review status (pending, reviewed, follow-up, not-applicable).
	Statuses []Count
	// Matrix counts commits per level (rows, as Risks) and status (columns, as Statuses).
	Matrix    []MatrixRow
	Progress  Progress
	Reviewers []Reviewer
	// Tags lists every tag present, with how many commits carry it, most common first.
	Tags []Count
	// AreaNames lists every place a commit area names, sorted ("core, eth" names two).
	AreaNames []string
	// FoldAfter is the length beyond which the built-in reports fold a list into <details>.
	FoldAfter int
}

// Commit is one commit as reports show it: the domain commit plus what the reports derive.
type Commit struct {
	*review.Commit
	// Status is Review.Status, pending when unset.
	Status review.Status
	// Title is the subject without its trailing " (#N)" when UpstreamPR is N: reports link
	// the pull request separately.
	Title string
	// URL and PRURL link the upstream commit and pull request ("" when unknown).
	URL   string
	PRURL string
	// Shared are the files that meet the fork's changes (overlap conflict, declaration or file),
	// with the declarations both sides changed.
	Shared []Shared
	// Home is the ID of the section that shows the commit in full, "" when it is under Areas.
	Home string
	// In lists the IDs of every section the commit belongs to.
	In []string
	// AuthorName is Author without the mail address.
	AuthorName string
	// AreaName is Area, or "(no area)".
	AreaName string
	// HunkCount counts Files[].Hunks; Files[].Hunks and Conflicts hold the text.
	HunkCount int
}

// Shared is one changed file that meets the fork's changes.
type Shared struct {
	Path         string
	Overlap      review.Overlap
	Declarations []string
}

// Section is one attention section. A commit appears in full in the first section it belongs
// to (its Home) and as a short cross-reference (Also) in the later ones, so that a report read
// top to bottom shows each commit once.
type Section struct {
	ID          string // "conflicts", "high", "follow-up", "security", "consensus"
	Title       string
	Description string
	Commits     []*Commit // shown here in full
	Also        []*Commit // belong here too but are shown in full in an earlier section
}

// Len counts every commit of the section, Also included.
func (s *Section) Len() int { return len(s.Commits) + len(s.Also) }

// HasNote reports whether a reviewer wrote a note on the commit.
func (c *Commit) HasNote() bool { return strings.TrimSpace(c.Review.Note) != "" }

// Area is the rest of the commits of one area.
type Area struct {
	Name    string
	Commits []*Commit
	Risks   []Count // per level, only those present, most severe first
}

// Count is a name and how many commits have it.
type Count struct {
	Name    string
	Count   int
	Percent int // of all commits, rounded down
}

// MatrixRow is one level's commits per review status, in the order of Data.Statuses.
type MatrixRow struct {
	Risk     string
	Total    int
	ByStatus []int
}

// Progress is how far the review got. A commit is decided when its status is anything but
// pending; follow-ups are decided but still ask for work.
type Progress struct {
	Total, Decided, Pending, Reviewed, FollowUp, NotApplicable int
	Percent                                                    int // Decided of Total, rounded down; 0 for no commits
}

// Reviewer is one person in the review state and what they did in this report.
type Reviewer struct {
	Name      string
	Commits   int // commits they decided or annotated
	FollowUps int
	Notes     int
}

// severityOrder lists the levels most severe first, as people read a summary.
var severityOrder = []review.Risk{review.RiskConflict, review.RiskHigh, review.RiskMedium, review.RiskLow, review.RiskNone, review.RiskApplied}

type sectionDef struct {
	id, title, desc string
	match           func(c *Commit) bool
}

var sectionDefs = []sectionDef{
	{"conflicts", "Conflicts", "Applying these on the fork conflicts: someone merges them by hand.",
		func(c *Commit) bool { return c.Risk == review.RiskConflict }},
	{"high", "High risk", "They merge cleanly but change what the fork changed: the same declarations, or lines next to the fork's.",
		func(c *Commit) bool { return c.Risk == review.RiskHigh }},
	{"follow-up", "Follow-ups", "Reviewers marked these for work after the merge.",
		func(c *Commit) bool { return c.Status == review.StatusFollowUp }},
	{"security", "Security fixes", "Upstream fixes of crashes, panics, DoS, overflows, races or CVEs: the fork needs them as much as upstream does.",
		func(c *Commit) bool { return c.HasTag("security") }},
	{"consensus", "Consensus-critical changes", "They touch consensus-critical code: a difference here can split the fork from the network.",
		func(c *Commit) bool { return c.HasTag("consensus") }},
}

const defaultFoldAfter = 8

// NewData derives the reports' data from a report. It does not change r.
func NewData(r *review.Report, opt Options) *Data {
	d := &Data{
		Title:       oneLine(opt.Title),
		Range:       r.Upstream.From + ".." + r.Upstream.To,
		Generated:   opt.Now,
		UpstreamURL: upstreamBase(r.Upstream.URL),
		Report:      r,
		Tool:        r.Tool,
		Upstream:    r.Upstream,
		Fork:        r.Fork,
		FoldAfter:   defaultFoldAfter,
	}
	if d.Generated.IsZero() {
		d.Generated = r.GeneratedAt
	}
	d.Generated = d.Generated.UTC()
	d.UpstreamName = strings.TrimPrefix(strings.TrimPrefix(d.UpstreamURL, "https://"), "http://")
	d.TitleSet = d.Title != ""
	if d.Title == "" {
		d.Title = "Upstream review " + d.Range
	}
	for i := range r.Commits {
		d.Commits = append(d.Commits, newCommit(&r.Commits[i], d.UpstreamURL))
	}
	d.Summary = summarize(r)

	for _, def := range sectionDefs {
		s := &Section{ID: def.id, Title: def.title, Description: def.desc}
		for _, c := range d.Commits {
			if !def.match(c) {
				continue
			}
			c.In = append(c.In, def.id)
			if c.Home == "" {
				c.Home = def.id
				s.Commits = append(s.Commits, c)
			} else {
				s.Also = append(s.Also, c)
			}
		}
		d.Sections = append(d.Sections, s)
	}

	areas := map[string]*Area{}
	for _, c := range d.Commits {
		if c.Home != "" {
			continue
		}
		a := areas[c.AreaName]
		if a == nil {
			a = &Area{Name: c.AreaName}
			areas[c.AreaName] = a
			d.Areas = append(d.Areas, a)
		}
		a.Commits = append(a.Commits, c)
		d.Rest++
	}
	sort.Slice(d.Areas, func(i, j int) bool { return d.Areas[i].Name < d.Areas[j].Name })
	for _, a := range d.Areas {
		a.Risks = riskCounts(a.Commits, false)
	}

	d.Risks = riskCounts(d.Commits, true)
	total := len(d.Commits)
	for _, st := range review.Statuses {
		n := d.Summary.ByStatus[string(st)]
		d.Statuses = append(d.Statuses, Count{Name: string(st), Count: n, Percent: percent(n, total)})
	}
	for _, rc := range d.Risks {
		row := MatrixRow{Risk: rc.Name, Total: rc.Count, ByStatus: make([]int, len(review.Statuses))}
		for _, c := range d.Commits {
			if c.Risk.String() != rc.Name {
				continue
			}
			for j, st := range review.Statuses {
				if c.Status == st {
					row.ByStatus[j]++
				}
			}
		}
		d.Matrix = append(d.Matrix, row)
	}
	p := Progress{Total: total}
	p.Pending = d.Summary.ByStatus[string(review.StatusPending)]
	p.Reviewed = d.Summary.ByStatus[string(review.StatusReviewed)]
	p.FollowUp = d.Summary.ByStatus[string(review.StatusFollowUp)]
	p.NotApplicable = d.Summary.ByStatus[string(review.StatusNotApplicable)]
	p.Decided = total - p.Pending
	p.Percent = percent(p.Decided, total)
	d.Progress = p

	d.Reviewers = reviewers(d.Commits)
	d.Tags = tagCounts(d.Commits)
	seen := map[string]bool{}
	for _, c := range d.Commits {
		places := review.AreaParts(c.Area) // "core, eth" is in core and in eth
		if len(places) == 0 {
			places = []string{c.AreaName}
		}
		for _, a := range places {
			if !seen[a] {
				seen[a] = true
				d.AreaNames = append(d.AreaNames, a)
			}
		}
	}
	sort.Strings(d.AreaNames)
	return d
}

// summarize recomputes the summary on a copy, so that counts always match the commits shown
// even when the caller filtered them by hand.
func summarize(r *review.Report) review.Summary {
	cp := review.Report{Commits: r.Commits}
	cp.Summarize()
	return cp.Summary
}

func newCommit(c *review.Commit, base string) *Commit {
	v := &Commit{Commit: c, Status: statusOf(c), Title: oneLine(c.Subject)}
	if c.UpstreamPR > 0 {
		suffix := fmt.Sprintf("(#%d)", c.UpstreamPR)
		if t := strings.TrimSpace(strings.TrimSuffix(v.Title, suffix)); t != v.Title && t != "" {
			v.Title = t
		}
	}
	v.URL = commitURL(base, c.Hash)
	v.PRURL = pullURL(base, c.UpstreamPR)
	v.AuthorName = c.Author
	if i := strings.Index(v.AuthorName, " <"); i > 0 && strings.HasSuffix(v.AuthorName, ">") {
		v.AuthorName = v.AuthorName[:i]
	}
	v.AuthorName = oneLine(v.AuthorName)
	v.AreaName = c.Area
	if v.AreaName == "" {
		v.AreaName = "(no area)"
	}
	for _, f := range c.Files {
		v.HunkCount += len(f.Hunks)
		if f.Overlap.Rank() >= review.OverlapFile.Rank() || len(f.Declarations) > 0 {
			v.Shared = append(v.Shared, Shared{Path: f.Path, Overlap: f.Overlap, Declarations: f.Declarations})
		}
	}
	return v
}

func riskCounts(cs []*Commit, all bool) []Count {
	n := map[review.Risk]int{}
	for _, c := range cs {
		n[c.Risk]++
	}
	var out []Count
	for _, r := range severityOrder {
		if all || n[r] > 0 {
			out = append(out, Count{Name: r.String(), Count: n[r], Percent: percent(n[r], len(cs))})
		}
	}
	return out
}

func tagCounts(cs []*Commit) []Count {
	n := map[string]int{}
	for _, c := range cs {
		for _, t := range c.Tags {
			n[t]++
		}
	}
	out := make([]Count, 0, len(n))
	for t, k := range n {
		out = append(out, Count{Name: t, Count: k, Percent: percent(k, len(cs))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func reviewers(cs []*Commit) []Reviewer {
	byName := map[string]*Reviewer{}
	var out []*Reviewer
	for _, c := range cs {
		name := oneLine(c.Review.Reviewer)
		if name == "" || (c.Status == review.StatusPending && c.Review.Note == "") {
			continue
		}
		rv := byName[name]
		if rv == nil {
			rv = &Reviewer{Name: name}
			byName[name] = rv
			out = append(out, rv)
		}
		rv.Commits++
		if c.Status == review.StatusFollowUp {
			rv.FollowUps++
		}
		if strings.TrimSpace(c.Review.Note) != "" {
			rv.Notes++
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Commits != out[j].Commits {
			return out[i].Commits > out[j].Commits
		}
		return out[i].Name < out[j].Name
	})
	res := make([]Reviewer, len(out))
	for i, r := range out {
		res[i] = *r
	}
	return res
}

func percent(n, total int) int {
	if total == 0 {
		return 0
	}
	return n * 100 / total
}
