package merge

import (
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// change is one hunk of an edit script, like xdiff's xdchange_t: records
// [i1, i1+chg1) of the old file are replaced by records [i2, i2+chg2) of the
// new file. Indexes are 0-based.
type change struct{ i1, chg1, i2, chg2 int }

// diffIDs computes the line diff of two interned files the way git's xdiff
// presents it. The longest common subsequence comes from go-diff (Myers'
// bisection, deterministic because no timeout is set); the result is then
// normalised with a port of xdl_change_compact and xdl_build_script, so that
// change groups slide to the same places git puts them: as far down as they
// can go, unless they can line up with a change in the other file.
func diffIDs(a, b []int32) []change {
	sa := newSide(a)
	sb := newSide(b)
	markChanges(sa, sb)
	compact(sa, sb)
	compact(sb, sa)
	return buildScript(sa, sb)
}

// side is one file of a two-way diff: its records and which of them the
// edit script marks as changed (xdfile_t's recs and rchg). chg has a false
// sentinel on each end, so chg[i+1] belongs to record i.
type side struct {
	ids []int32
	chg []bool
}

func newSide(ids []int32) *side {
	return &side{ids: ids, chg: make([]bool, len(ids)+2)}
}

func (s *side) n() int              { return len(s.ids) }
func (s *side) changed(i int) bool  { return s.chg[i+1] }
func (s *side) mark(i int, v bool)  { s.chg[i+1] = v }
func (s *side) match(i, j int) bool { return s.ids[i] == s.ids[j] }

// maxRuneID is the largest line identity that still maps onto a valid,
// non-surrogate rune; go-diff needs valid runes because it turns them into
// strings (invalid ones would all become U+FFFD and compare equal).
const maxRuneID = utf8.MaxRune - (0xE000 - 0xD800)

func idRune(id int32) rune {
	if id < 0xD800 {
		return rune(id)
	}
	return rune(id) + (0xE000 - 0xD800)
}

// markChanges sets the changed flags of both sides from go-diff's diff of
// the two record sequences.
func markChanges(a, b *side) {
	na, nb := a.n(), b.n()
	// go-diff trims the common ends itself; doing it here first saves
	// converting them to runes.
	pre := 0
	for pre < na && pre < nb && a.ids[pre] == b.ids[pre] {
		pre++
	}
	suf := 0
	for suf < na-pre && suf < nb-pre && a.ids[na-1-suf] == b.ids[nb-1-suf] {
		suf++
	}
	ea, eb := na-suf, nb-suf
	if pre == ea || pre == eb {
		for i := pre; i < ea; i++ {
			a.mark(i, true)
		}
		for i := pre; i < eb; i++ {
			b.mark(i, true)
		}
		return
	}
	keepA, keepB := discardUnmatched(a, b, pre, ea, eb)
	ra, okA := toRunes(a.ids, keepA)
	rb, okB := toRunes(b.ids, keepB)
	if !okA || !okB {
		// More distinct lines than runes: report the middle as one
		// replacement, which is a correct if coarse diff.
		for i := pre; i < ea; i++ {
			a.mark(i, true)
		}
		for i := pre; i < eb; i++ {
			b.mark(i, true)
		}
		return
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	ia, ib := 0, 0
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			ia += n
			ib += n
		case diffmatchpatch.DiffDelete:
			for k := 0; k < n; k++ {
				a.mark(keepA[ia+k], true)
			}
			ia += n
		case diffmatchpatch.DiffInsert:
			for k := 0; k < n; k++ {
				b.mark(keepB[ib+k], true)
			}
			ib += n
		}
	}
}

// Constants of xdiff's xprepare.c.
const (
	maxEqLimit    = 1024 // XDL_MAX_EQLIMIT
	simscanWindow = 100  // XDL_SIMSCAN_WINDOW
	kpdisRun      = 4    // XDL_KPDIS_RUN
)

// discardUnmatched is xdl_cleanup_records: before running Myers, xdiff
// marks as changed every line of [pre, end) that does not occur in the
// other file at all, and lines that occur very often in the other file
// when they sit among such lines. Only the remaining lines are diffed,
// which steers the diff towards the one git picks. It returns the indexes
// of the lines kept in each file.
func discardUnmatched(a, b *side, pre, ea, eb int) (keepA, keepB []int) {
	cntA, cntB := lineCounts(a.ids, b.ids)
	keepA = keepMatched(a, cntB, pre, ea)
	keepB = keepMatched(b, cntA, pre, eb)
	return keepA, keepB
}

// counter maps a line identity to its number of occurrences in one file.
type counter func(id int32) int32

// lineCounts counts the occurrences of each line in a and in b. Identities
// are dense over all files of a merge, so a slice indexed by them is the
// fast choice, but not for the small regions refinement diffs: there a map
// keeps the work proportional to the region.
func lineCounts(a, b []int32) (counter, counter) {
	maxID := int32(-1)
	for _, id := range a {
		maxID = max(maxID, id)
	}
	for _, id := range b {
		maxID = max(maxID, id)
	}
	if int(maxID) > 4*(len(a)+len(b)) {
		ma := make(map[int32]int32, len(a))
		mb := make(map[int32]int32, len(b))
		for _, id := range a {
			ma[id]++
		}
		for _, id := range b {
			mb[id]++
		}
		return func(id int32) int32 { return ma[id] }, func(id int32) int32 { return mb[id] }
	}
	sa := make([]int32, maxID+1)
	sb := make([]int32, maxID+1)
	for _, id := range a {
		sa[id]++
	}
	for _, id := range b {
		sb[id]++
	}
	return func(id int32) int32 { return sa[id] }, func(id int32) int32 { return sb[id] }
}

func keepMatched(s *side, otherCount counter, pre, end int) []int {
	mlim := int32(min(bogosqrt(s.n()), maxEqLimit))
	dis := make([]byte, end)
	for i := pre; i < end; i++ {
		switch nm := otherCount(s.ids[i]); {
		case nm == 0:
			dis[i] = 0
		case nm >= mlim:
			dis[i] = 2
		default:
			dis[i] = 1
		}
	}
	keep := make([]int, 0, end-pre)
	for i := pre; i < end; i++ {
		if dis[i] == 1 || dis[i] == 2 && !cleanMultiMatch(dis, i, pre, end-1) {
			keep = append(keep, i)
		} else {
			s.mark(i, true)
		}
	}
	return keep
}

// cleanMultiMatch is xdl_clean_mmatch: a line with many matches (dis 2)
// is discarded when the lines around it are mostly unmatched ones.
func cleanMultiMatch(dis []byte, i, s, e int) bool {
	if i-s > simscanWindow {
		s = i - simscanWindow
	}
	if e-i > simscanWindow {
		e = i + simscanWindow
	}
	rdis0, rpdis0 := 0, 1
	for r := 1; i-r >= s; r++ {
		if dis[i-r] == 0 {
			rdis0++
		} else if dis[i-r] == 2 {
			rpdis0++
		} else {
			break
		}
	}
	if rdis0 == 0 {
		return false
	}
	rdis1, rpdis1 := 0, 1
	for r := 1; i+r <= e; r++ {
		if dis[i+r] == 0 {
			rdis1++
		} else if dis[i+r] == 2 {
			rpdis1++
		} else {
			break
		}
	}
	if rdis1 == 0 {
		return false
	}
	rdis1 += rdis0
	rpdis1 += rpdis0
	return rpdis1*kpdisRun < rpdis1+rdis1
}

// bogosqrt is xdl_bogosqrt, xdiff's rough integer square root.
func bogosqrt(n int) int {
	i := 1
	for ; n > 0; n >>= 2 {
		i <<= 1
	}
	return i
}

func toRunes(ids []int32, keep []int) ([]rune, bool) {
	rs := make([]rune, len(keep))
	for k, i := range keep {
		if ids[i] > maxRuneID {
			return nil, false
		}
		rs[k] = idRune(ids[i])
	}
	return rs, true
}

// group is a run of changed records [start, end) of one side; an empty
// group sits between two unchanged records (xdiff's struct xdlgroup).
type group struct{ start, end int }

func (s *side) groupInit() group {
	g := group{}
	for s.changed(g.end) {
		g.end++
	}
	return g
}

// groupNext moves to the group after g; false at the end of the file.
func (s *side) groupNext(g *group) bool {
	if g.end == s.n() {
		return false
	}
	g.start = g.end + 1
	g.end = g.start
	for s.changed(g.end) {
		g.end++
	}
	return true
}

// groupPrevious moves to the group before g; false at the start of the file.
func (s *side) groupPrevious(g *group) bool {
	if g.start == 0 {
		return false
	}
	g.end = g.start - 1
	g.start = g.end
	for s.changed(g.start - 1) {
		g.start--
	}
	return true
}

// slideDown shifts g down by one record when the record after it equals its
// first one, absorbing any group it runs into.
func (s *side) slideDown(g *group) bool {
	if g.end < s.n() && s.match(g.start, g.end) {
		s.mark(g.start, false)
		g.start++
		s.mark(g.end, true)
		g.end++
		for s.changed(g.end) {
			g.end++
		}
		return true
	}
	return false
}

// slideUp shifts g up by one record when the record before it equals its
// last one, absorbing any group it runs into.
func (s *side) slideUp(g *group) bool {
	if g.start > 0 && s.match(g.start-1, g.end-1) {
		g.start--
		s.mark(g.start, true)
		g.end--
		s.mark(g.end, false)
		for s.changed(g.start - 1) {
			g.start--
		}
		return true
	}
	return false
}

func syncBroken(where string) {
	panic("merge: internal error: diff group sync broken " + where)
}

// compact is xdl_change_compact without the indent heuristic (git
// merge-file does not enable it): every group of changes in x is slid as far
// up and then as far down as it goes, merging with groups it meets, and
// finally moved back up to line up with a change in o if it passed one.
func compact(x, o *side) {
	g := x.groupInit()
	og := o.groupInit()
	for {
		if g.end != g.start {
			var earliestEnd int
			endMatchingOther := -1
			for {
				groupsize := g.end - g.start
				endMatchingOther = -1
				for x.slideUp(&g) {
					if !o.groupPrevious(&og) {
						syncBroken("sliding up")
					}
				}
				earliestEnd = g.end
				if og.end > og.start {
					endMatchingOther = g.end
				}
				for x.slideDown(&g) {
					if !o.groupNext(&og) {
						syncBroken("sliding down")
					}
					if og.end > og.start {
						endMatchingOther = g.end
					}
				}
				if groupsize == g.end-g.start {
					break
				}
			}
			if g.end != earliestEnd && endMatchingOther != -1 {
				for og.end == og.start {
					if !x.slideUp(&g) {
						syncBroken("match disappeared")
					}
					if !o.groupPrevious(&og) {
						syncBroken("sliding to match")
					}
				}
			}
		}
		if !x.groupNext(&g) {
			break
		}
		if !o.groupNext(&og) {
			syncBroken("moving to next group")
		}
	}
}

// buildScript turns the changed flags into hunks (xdl_build_script):
// unchanged records pair up one to one, and each maximal stretch of changed
// records between two pairs is one change.
func buildScript(a, b *side) []change {
	var out []change
	na, nb := a.n(), b.n()
	for i1, i2 := 0, 0; i1 < na || i2 < nb; {
		if (i1 < na && a.changed(i1)) || (i2 < nb && b.changed(i2)) {
			s1, s2 := i1, i2
			for i1 < na && a.changed(i1) {
				i1++
			}
			for i2 < nb && b.changed(i2) {
				i2++
			}
			out = append(out, change{i1: s1, chg1: i1 - s1, i2: s2, chg2: i2 - s2})
			continue
		}
		i1++
		i2++
	}
	return out
}
