package tui

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/forkreview/forkreview/review"
)

// SortMode is the order of the commit list.
type SortMode int

const (
	// SortRange keeps the range's order: oldest first, as the commits will be merged.
	SortRange SortMode = iota
	// SortRisk puts the riskiest commits first (conflict, high, …, none, applied), range order
	// within a level.
	SortRisk
)

func (s SortMode) String() string {
	if s == SortRisk {
		return "risk"
	}
	return "range order"
}

// Filter narrows the commit list. A nil field lets everything through.
type Filter struct {
	Risk   *review.Risk
	Status *review.Status
	Area   *string
	Tag    *string
}

// Active reports whether any filter is set.
func (f Filter) Active() bool {
	return f.Risk != nil || f.Status != nil || f.Area != nil || f.Tag != nil
}

// String describes the filter for the header, "" when none is set.
func (f Filter) String() string {
	var parts []string
	if f.Risk != nil {
		parts = append(parts, "risk="+f.Risk.String())
	}
	if f.Status != nil {
		parts = append(parts, "status="+string(*f.Status))
	}
	if f.Area != nil {
		parts = append(parts, "area="+areaLabel(*f.Area))
	}
	if f.Tag != nil {
		parts = append(parts, "tag="+*f.Tag)
	}
	return strings.Join(parts, " ")
}

func (f Filter) match(c *review.Commit) bool {
	if f.Risk != nil && c.Risk != *f.Risk {
		return false
	}
	if f.Status != nil && status(c) != *f.Status {
		return false
	}
	if f.Area != nil && !slices.Contains(areaParts(c), *f.Area) {
		return false
	}
	if f.Tag != nil && !c.HasTag(*f.Tag) {
		return false
	}
	return true
}

func areaLabel(a string) string {
	if a == "" {
		return "(none)"
	}
	return a
}

func status(c *review.Commit) review.Status {
	if c.Review.Status == "" {
		return review.StatusPending
	}
	return c.Review.Status
}

// riskCycle is the order the risk filter steps through, most urgent first.
var riskCycle = []review.Risk{review.RiskConflict, review.RiskHigh, review.RiskMedium, review.RiskLow, review.RiskNone, review.RiskApplied}

// statusCycle is the order the status filter steps through: what is left to do first.
var statusCycle = []review.Status{review.StatusPending, review.StatusFollowUp, review.StatusReviewed, review.StatusNotApplicable}

// Model is the checklist without the screen: the report, the review state, which commits the
// filters let through in which order, and the selection. Every decision goes through it, so it
// is what the unit tests exercise; the views only render it.
type Model struct {
	rep      *review.Report
	state    *review.State
	reviewer string
	now      func() time.Time

	filter Filter
	sort   SortMode
	vis    []int // indexes into rep.Commits, in display order
	sel    int   // index into vis; -1 when vis is empty
}

// NewModel applies st to rep (so decisions made in other ranges show up) and lists every commit
// in range order.
func NewModel(rep *review.Report, st *review.State, reviewer string, now func() time.Time) *Model {
	if now == nil {
		now = time.Now
	}
	rep.ApplyState(st)
	m := &Model{rep: rep, state: st, reviewer: reviewer, now: now, sel: -1}
	m.rebuild("", 0)
	return m
}

// Report is the report the model shows.
func (m *Model) Report() *review.Report { return m.rep }

// Len is the number of commits the filters let through.
func (m *Model) Len() int { return len(m.vis) }

// At is the i-th commit of the list as shown.
func (m *Model) At(i int) *review.Commit {
	if i < 0 || i >= len(m.vis) {
		return nil
	}
	return &m.rep.Commits[m.vis[i]]
}

// Index is the position of the selection in the list, -1 when the list is empty.
func (m *Model) Index() int { return m.sel }

// Selected is the selected commit, nil when the list is empty.
func (m *Model) Selected() *review.Commit { return m.At(m.sel) }

// Select moves the selection to position i, clamped to the list.
func (m *Model) Select(i int) {
	if len(m.vis) == 0 {
		m.sel = -1
		return
	}
	m.sel = max(0, min(i, len(m.vis)-1))
}

// Move moves the selection by d rows.
func (m *Model) Move(d int) { m.Select(m.sel + d) }

// SelectHash selects the commit with that hash if the filters show it.
func (m *Model) SelectHash(hash string) bool {
	for i, ci := range m.vis {
		if m.rep.Commits[ci].Hash == hash {
			m.sel = i
			return true
		}
	}
	return false
}

// Filter is the filter in force.
func (m *Model) Filter() Filter { return m.filter }

// SetFilter replaces the filter, keeping the selected commit selected when it still shows.
func (m *Model) SetFilter(f Filter) {
	m.filter = f
	m.rebuildKeep()
}

// Sort is the order in force.
func (m *Model) Sort() SortMode { return m.sort }

// CycleSort switches between range order and risk order.
func (m *Model) CycleSort() {
	m.sort = (m.sort + 1) % 2
	m.rebuildKeep()
}

// CycleRisk steps the risk filter: all, conflict, high, medium, low, none, applied, all.
func (m *Model) CycleRisk(step int) {
	m.filter.Risk = cycle(riskCycle, m.filter.Risk, step)
	m.rebuildKeep()
}

// CycleStatus steps the status filter: all, pending, follow-up, reviewed, not-applicable, all.
func (m *Model) CycleStatus(step int) {
	m.filter.Status = cycle(statusCycle, m.filter.Status, step)
	m.rebuildKeep()
}

// cycle returns the value step places after cur in order, where nil (no filter) sits before
// the first element.
func cycle[T comparable](order []T, cur *T, step int) *T {
	pos := 0 // 0 is "all", i+1 is order[i]
	if cur != nil {
		for i, v := range order {
			if v == *cur {
				pos = i + 1
			}
		}
	}
	n := len(order) + 1
	pos = ((pos+step)%n + n) % n
	if pos == 0 {
		return nil
	}
	v := order[pos-1]
	return &v
}

// SetArea filters by area; nil shows every area.
func (m *Model) SetArea(a *string) {
	m.filter.Area = a
	m.rebuildKeep()
}

// SetTag filters by tag; nil shows every tag.
func (m *Model) SetTag(t *string) {
	m.filter.Tag = t
	m.rebuildKeep()
}

// ClearFilters shows every commit again.
func (m *Model) ClearFilters() {
	m.filter = Filter{}
	m.rebuildKeep()
}

func (m *Model) rebuildKeep() {
	hash := ""
	if c := m.Selected(); c != nil {
		hash = c.Hash
	}
	m.rebuild(hash, m.sel)
}

// rebuild recomputes the list and selects hash if it shows, else the row at fallback.
func (m *Model) rebuild(hash string, fallback int) {
	order := make([]int, len(m.rep.Commits))
	for i := range order {
		order[i] = i
	}
	if m.sort == SortRisk {
		sort.SliceStable(order, func(a, b int) bool {
			return m.rep.Commits[order[a]].Risk > m.rep.Commits[order[b]].Risk
		})
	}
	m.vis = m.vis[:0]
	for _, i := range order {
		if m.filter.match(&m.rep.Commits[i]) {
			m.vis = append(m.vis, i)
		}
	}
	if hash == "" || !m.SelectHash(hash) {
		m.Select(fallback)
	}
}

// Change is one decision the model recorded, for the status line.
type Change struct {
	Commit *review.Commit
	From   review.Status
	To     review.Status
	Hidden bool // the filter no longer shows the commit
}

// Mark gives the selected commit status st, or sets it back to pending when it already has st,
// keeping its note; reviewer and time are recorded. With advance, the selection then moves to
// the commit that followed it (space: mark and go on). ok is false when the list is empty.
func (m *Model) Mark(st review.Status, advance bool) (ch Change, ok bool) {
	c := m.Selected()
	if c == nil {
		return Change{}, false
	}
	from := status(c)
	to := st
	if from == st {
		to = review.StatusPending
	}
	next, nextIdx := c.Hash, m.sel
	if advance && m.sel+1 < len(m.vis) {
		next, nextIdx = m.At(m.sel+1).Hash, m.sel+1
	}
	c.Review = m.state.Set(c.Hash, oneLine(c.Subject), to, c.Review.Note, m.reviewer, m.now())
	m.rep.Summarize()
	hidden := !m.filter.match(c)
	if hidden && next == c.Hash {
		// The commit left the list; whatever took its place is the natural next one.
		next = ""
	} else if hidden {
		nextIdx-- // the rows after it moved up by one
	}
	m.rebuild(next, nextIdx)
	return Change{Commit: c, From: from, To: to, Hidden: hidden}, true
}

// SetNote records the note of commit hash (keeping its status). It reports whether the note
// changed.
func (m *Model) SetNote(hash, note string) bool {
	for i := range m.rep.Commits {
		c := &m.rep.Commits[i]
		if c.Hash != hash {
			continue
		}
		if c.Review.Note == note {
			return false
		}
		c.Review = m.state.Set(c.Hash, oneLine(c.Subject), status(c), note, m.reviewer, m.now())
		m.rep.Summarize()
		m.rebuildKeep()
		return true
	}
	return false
}

// Progress is how many commits have a decision (any status but pending) out of all of them.
func (m *Model) Progress() (done, total int) {
	s := m.rep.Summary
	return s.Commits - s.ByStatus[string(review.StatusPending)], s.Commits
}

// Matches reports whether commit c matches the search query: its subject contains it (ignoring
// case), or, for a query of four or more hex digits, its hash starts with it.
func Matches(c *review.Commit, query string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return false
	}
	if len(q) >= 4 && isHex(q) && strings.HasPrefix(strings.ToLower(c.Hash), q) {
		return true
	}
	return strings.Contains(strings.ToLower(c.Subject), q)
}

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// Find returns the position of the first commit of the list that matches query, starting at
// from and going in direction dir (+1 or -1), wrapping around; -1 when none matches.
func (m *Model) Find(query string, from, dir int) int {
	n := len(m.vis)
	if n == 0 || strings.TrimSpace(query) == "" {
		return -1
	}
	if dir >= 0 {
		dir = 1
	} else {
		dir = -1
	}
	from = ((from % n) + n) % n
	for k := 0; k < n; k++ {
		i := ((from+dir*k)%n + n) % n
		if Matches(m.At(i), query) {
			return i
		}
	}
	return -1
}

// MatchInfo is the number of listed commits that match query and the ordinal (1-based) of the
// selected one among them, 0 when it does not match.
func (m *Model) MatchInfo(query string) (ordinal, count int) {
	for i := range m.vis {
		if Matches(m.At(i), query) {
			count++
			if i == m.sel {
				ordinal = count
			}
		}
	}
	return ordinal, count
}

// Count is a name with how many commits carry it.
type Count struct {
	Name string
	N    int
}

// Areas lists the areas of all commits, the most frequent first.
func (m *Model) Areas() []Count {
	return counts(m.rep.Commits, areaParts)
}

// areaParts are the places of a commit's area ("core, eth" is in core and in eth), or "" for
// none, so that the area list and its filter name each package once.
func areaParts(c *review.Commit) []string {
	if ps := review.AreaParts(c.Area); len(ps) > 0 {
		return ps
	}
	return []string{""}
}

// Tags lists the tags of all commits, the most frequent first.
func (m *Model) Tags() []Count {
	return counts(m.rep.Commits, func(c *review.Commit) []string { return c.Tags })
}

func counts(cs []review.Commit, keys func(*review.Commit) []string) []Count {
	n := map[string]int{}
	for i := range cs {
		for _, k := range keys(&cs[i]) {
			n[k]++
		}
	}
	out := make([]Count, 0, len(n))
	for k, v := range n {
		out = append(out, Count{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Name < out[j].Name
	})
	return out
}
