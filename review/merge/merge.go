// Package merge is a line-level three-way merge of text that behaves like
// git's: it follows xdiff/xmerge.c (what `git merge-file`, `git merge-tree`
// and every content merge in git run) rule for rule, on line diffs from
// github.com/sergi/go-diff normalised the way xdiff normalises its own.
//
// Written by hand because no Go library reproduces git's merge: which
// changes conflict (overlapping or touching ones), how conflicts are
// refined ("zealous" levels), the conflict markers, end-of-line handling of
// CRLF files and of files without a final newline.
package merge

import "bytes"

// Level is how hard the merge works to shrink conflicts; the names are
// xdiff's XDL_MERGE_* levels. The zero value is git merge-file's default.
type Level int

const (
	// LevelZealousAlnum is LevelZealous, and also joins conflicts separated
	// only by lines without ASCII letters or digits (XDL_MERGE_ZEALOUS_ALNUM,
	// the level of `git merge-file`).
	LevelZealousAlnum Level = iota
	// LevelZealous diffs the two sides of each conflict against each other
	// and keeps only the lines that differ, then joins conflicts at most 3
	// lines apart (XDL_MERGE_ZEALOUS, the level of merge-ort, `git merge`
	// and `git merge-tree`). Note that merge-ort also diffs with the
	// histogram algorithm where this package, like `git merge-file`, uses
	// Myers, so the two can place a conflict differently.
	LevelZealous
	// LevelEager treats identical changes on both sides as clean
	// (XDL_MERGE_EAGER).
	LevelEager
	// LevelMinimal marks every pair of overlapping or touching changes as a
	// conflict, even identical ones (XDL_MERGE_MINIMAL).
	LevelMinimal
)

// xdiffLevel maps a Level to xdiff's numbering, where larger is more zealous.
func (l Level) xdiffLevel() int {
	switch l {
	case LevelMinimal:
		return levelMinimal
	case LevelEager:
		return levelEager
	case LevelZealous:
		return levelZealous
	default:
		return levelZealousAlnum
	}
}

const (
	levelMinimal = iota
	levelEager
	levelZealous
	levelZealousAlnum
)

// Style is the conflict presentation, like merge.conflictStyle.
type Style int

const (
	// StyleMerge shows ours and theirs (the default "merge" style).
	StyleMerge Style = iota
	// StyleDiff3 also shows the base between "|||||||" and "=======". As in
	// git, conflicts are not refined in this style (level at most
	// LevelEager), because the base would no longer match.
	StyleDiff3
	// StyleZealousDiff3 is git's "zdiff3": diff3, with lines common to the
	// start or end of both sides moved out of the conflict.
	StyleZealousDiff3
)

// DefaultMarkerSize is the length of conflict markers, as in git.
const DefaultMarkerSize = 7

// Options are the settings of `git merge-file`.
type Options struct {
	// Labels printed after the markers (git merge-file -L); "" prints the
	// bare marker.
	OursLabel, BaseLabel, TheirsLabel string
	// Level of conflict refinement; the zero value is merge-file's default.
	Level Level
	// Style of conflict markers.
	Style Style
	// MarkerSize is the marker length (--marker-size); 0 means 7.
	MarkerSize int
	// Algorithm is the line diff; the zero value is merge-file's (Myers). git's merge-ort,
	// and so `git merge` and `git merge-tree`, uses Histogram.
	Algorithm Algorithm
}

// Hunk is one conflict: 1-based start lines and line counts in each input,
// and the text of each side (lines with their terminators, as in the
// inputs). A range of zero lines starts at the line before it, as in a
// unified diff header ("-3,0" is the empty range after line 3).
//
// Git does not attribute base lines to a conflict it refined (levels
// LevelZealous and up); for such a conflict the base range is the whole base
// region of the overlapping changes it was carved from.
type Hunk struct {
	BaseStart, BaseLines     int
	OursStart, OursLines     int
	TheirsStart, TheirsLines int
	Base, Ours, Theirs       string
}

// Result is the outcome of a merge.
type Result struct {
	// Content is the merged text, with conflict markers around every
	// conflict, byte for byte what `git merge-file -p` prints.
	Content []byte
	// Conflicts lists the conflicts in file order; git merge-file's exit
	// status is their count.
	Conflicts []Hunk
}

// Clean reports whether the merge has no conflicts.
func (r Result) Clean() bool { return len(r.Conflicts) == 0 }

// Merge merges the changes from base to ours and from base to theirs, like
// `git merge-file -p ours base theirs`. The inputs are treated as text;
// git refuses to merge binary files (those with a NUL byte), which callers
// should check themselves if they need git's behaviour there.
func Merge(base, ours, theirs []byte, opt Options) Result {
	in := newInterner(bytes.Count(base, []byte{'\n'}) + 16)
	fb := in.split(base)
	fo := in.split(ours)
	ft := in.split(theirs)

	x1 := diffIDsWith(fb.ids, fo.ids, opt.Algorithm)
	x2 := diffIDsWith(fb.ids, ft.ids, opt.Algorithm)
	// xdl_merge: when one side did not change anything, the result is the
	// other side verbatim.
	if len(x1) == 0 {
		return Result{Content: bytes.Clone(theirs)}
	}
	if len(x2) == 0 {
		return Result{Content: bytes.Clone(ours)}
	}
	m := &merger{base: fb, ours: fo, theirs: ft, opt: opt}
	return m.merge(x1, x2)
}

// region is xdiff's xdmerge_t: one stretch of the result.
type region struct {
	mode int // modeConflict, modeOurs, modeTheirs or modeResolved
	// Ranges in base (i0), ours (i1) and theirs (i2), 0-based.
	i0, chg0 int
	i1, chg1 int
	i2, chg2 int
}

const (
	modeConflict = 0
	modeOurs     = 1 // no conflict, take ours
	modeTheirs   = 2 // no conflict, take theirs
	modeResolved = 4 // refined away: both sides made the same change
)

type merger struct {
	base, ours, theirs *file
	opt                Options
	regions            []region
}

// appendRegion is xdl_append_merge: a region that overlaps or touches the
// previous one, in ours or in theirs, is folded into it, and becomes a
// conflict if the two wanted different sides.
func (m *merger) appendRegion(mode, i0, chg0, i1, chg1, i2, chg2 int) {
	if n := len(m.regions); n > 0 {
		r := &m.regions[n-1]
		if i1 <= r.i1+r.chg1 || i2 <= r.i2+r.chg2 {
			if mode != r.mode {
				r.mode = modeConflict
			}
			r.chg0 = i0 + chg0 - r.i0
			r.chg1 = i1 + chg1 - r.i1
			r.chg2 = i2 + chg2 - r.i2
			return
		}
	}
	m.regions = append(m.regions, region{mode: mode, i0: i0, chg0: chg0, i1: i1, chg1: chg1, i2: i2, chg2: chg2})
}

// merge is xdl_do_merge. x1 is base→ours, x2 is base→theirs; in a change
// i1/chg1 is the base range and i2/chg2 the side's.
func (m *merger) merge(x1, x2 []change) Result {
	level := m.opt.Level.xdiffLevel()
	style := m.opt.Style
	if style == StyleDiff3 || style == StyleZealousDiff3 {
		// "diff3 -m" output does not make sense for anything more
		// aggressive than XDL_MERGE_EAGER: the base is shown and would not
		// match a refined conflict.
		if level > levelEager {
			level = levelEager
		}
	}
	m.regions = make([]region, 0, len(x1)+len(x2))

	p1, p2 := 0, 0
	for p1 < len(x1) && p2 < len(x2) {
		c1, c2 := x1[p1], x2[p2]
		// A change strictly before the other side's next change (at least
		// one untouched base line between them) is clean.
		if c1.i1+c1.chg1 < c2.i1 {
			m.appendRegion(modeOurs,
				c1.i1, c1.chg1,
				c1.i2, c1.chg2,
				c2.i2-c2.i1+c1.i1, c1.chg1)
			p1++
			continue
		}
		if c2.i1+c2.chg1 < c1.i1 {
			m.appendRegion(modeTheirs,
				c2.i1, c2.chg1,
				c1.i2-c1.i1+c2.i1, c2.chg1,
				c2.i2, c2.chg2)
			p2++
			continue
		}
		// Overlapping or touching changes: a conflict unless both sides
		// made exactly the same change.
		if level == levelMinimal || c1.i1 != c2.i1 || c1.chg1 != c2.chg1 || c1.chg2 != c2.chg2 ||
			!m.sameLines(c1.i2, c2.i2, c1.chg2) {
			off := c1.i1 - c2.i1
			ffo := off + c1.chg1 - c2.chg1
			i0, i1, i2 := c1.i1, c1.i2, c2.i2
			if off > 0 {
				i0 -= off
				i1 -= off
			} else {
				i2 += off
			}
			chg0 := c1.i1 + c1.chg1 - i0
			chg1 := c1.i2 + c1.chg2 - i1
			chg2 := c2.i2 + c2.chg2 - i2
			if ffo < 0 {
				chg0 -= ffo
				chg1 -= ffo
			} else {
				chg2 += ffo
			}
			m.appendRegion(modeConflict, i0, chg0, i1, chg1, i2, chg2)
		}
		end1 := c1.i1 + c1.chg1
		end2 := c2.i1 + c2.chg1
		if end1 >= end2 {
			p2++
		}
		if end2 >= end1 {
			p1++
		}
	}
	for ; p1 < len(x1); p1++ {
		c1 := x1[p1]
		m.appendRegion(modeOurs,
			c1.i1, c1.chg1,
			c1.i2, c1.chg2,
			c1.i1+m.theirs.n()-m.base.n(), c1.chg1)
	}
	for ; p2 < len(x2); p2++ {
		c2 := x2[p2]
		m.appendRegion(modeTheirs,
			c2.i1, c2.chg1,
			c2.i1+m.ours.n()-m.base.n(), c2.chg1,
			c2.i2, c2.chg2)
	}

	switch {
	case style == StyleZealousDiff3:
		m.refineZdiff3()
	case level >= levelZealous:
		m.refine()
		m.simplifyNonConflicts(level > levelZealous)
	}
	return Result{Content: m.output(), Conflicts: m.conflicts()}
}

// sameLines reports whether ours[i1:i1+n] equals theirs[i2:i2+n].
func (m *merger) sameLines(i1, i2, n int) bool {
	for k := 0; k < n; k++ {
		if m.ours.ids[i1+k] != m.theirs.ids[i2+k] {
			return false
		}
	}
	return true
}

// refine is xdl_refine_conflicts: the two sides of each conflict are
// diffed against each other, and only the parts that differ stay
// conflicts. A conflict whose sides turn out identical is resolved.
func (m *merger) refine() {
	out := m.regions[:0:0]
	for _, r := range m.regions {
		if r.mode != modeConflict || r.chg1 == 0 || r.chg2 == 0 {
			out = append(out, r)
			continue
		}
		script := diffIDsWith(m.ours.ids[r.i1:r.i1+r.chg1], m.theirs.ids[r.i2:r.i2+r.chg2], m.opt.Algorithm)
		if len(script) == 0 {
			r.mode = modeResolved
			out = append(out, r)
			continue
		}
		for _, c := range script {
			out = append(out, region{
				mode: modeConflict,
				i0:   r.i0, chg0: r.chg0,
				i1: r.i1 + c.i1, chg1: c.chg1,
				i2: r.i2 + c.i2, chg2: c.chg2,
			})
		}
	}
	m.regions = out
}

// refineZdiff3 is xdl_refine_zdiff3_conflicts: lines common to the start or
// the end of both sides of a conflict are moved out of it.
func (m *merger) refineZdiff3() {
	o, t := m.ours.ids, m.theirs.ids
	for k := range m.regions {
		r := &m.regions[k]
		if r.mode != modeConflict {
			continue
		}
		for r.chg1 > 0 && r.chg2 > 0 && o[r.i1] == t[r.i2] {
			r.chg1--
			r.chg2--
			r.i1++
			r.i2++
		}
		for r.chg1 > 0 && r.chg2 > 0 && o[r.i1+r.chg1-1] == t[r.i2+r.chg2-1] {
			r.chg1--
			r.chg2--
		}
	}
}

// simplifyNonConflicts is xdl_simplify_non_conflicts: two conflicts with at
// most 3 lines between them become one, since that takes no more lines to
// show; with alnum, so do conflicts separated only by lines without letters
// or digits.
func (m *merger) simplifyNonConflicts(alnum bool) {
	rs := m.regions
	if len(rs) == 0 {
		return
	}
	out := rs[:1]
	for _, next := range rs[1:] {
		r := &out[len(out)-1]
		begin, end := r.i1+r.chg1, next.i1
		if r.mode != modeConflict || next.mode != modeConflict ||
			(end-begin > 3 && (!alnum || m.oursContainAlnum(begin, end))) {
			out = append(out, next)
			continue
		}
		r.chg1 = next.i1 + next.chg1 - r.i1
		r.chg2 = next.i2 + next.chg2 - r.i2
		r.chg0 = max(r.i0+r.chg0, next.i0+next.chg0) - r.i0
	}
	m.regions = out
}

func (m *merger) oursContainAlnum(begin, end int) bool {
	for i := begin; i < end; i++ {
		if containsAlnum(m.ours.line(i)) {
			return true
		}
	}
	return false
}

// isEOLCRLF is is_eol_crlf: 1 if record i ends in CRLF (for a last line
// without a newline, the line before it decides), 0 if it ends in LF, -1 if
// it cannot tell.
func isEOLCRLF(f *file, i int) int {
	n := f.n()
	if i < n-1 {
		return crlf(f.line(i))
	}
	if n == 0 {
		return -1
	}
	if l := f.line(i); l[len(l)-1] == '\n' {
		return crlf(l)
	}
	if i == 0 {
		return -1
	}
	return crlf(f.line(i - 1))
}

func crlf(line []byte) int {
	if n := len(line); n > 1 && line[n-2] == '\r' && line[n-1] == '\n' {
		return 1
	}
	return 0
}

// needsCR is is_cr_needed: marker lines (and newlines git adds after a
// side's last line) end in CRLF when the lines before the conflict in both
// sides do, and the base's first line agrees where they cannot tell.
func (m *merger) needsCR(r region) bool {
	prev := func(i int) int {
		if i > 0 {
			return i - 1
		}
		return 0
	}
	needs := isEOLCRLF(m.ours, prev(r.i1))
	if needs != 0 {
		needs = isEOLCRLF(m.theirs, prev(r.i2))
	}
	if needs != 0 {
		needs = isEOLCRLF(m.base, 0)
	}
	return needs > 0
}

// output is xdl_fill_merge_buffer.
func (m *merger) output() []byte {
	var out bytes.Buffer
	out.Grow(len(m.ours.data) + len(m.theirs.data)/8 + 64)
	i := 0
	for _, r := range m.regions {
		switch r.mode {
		case modeConflict:
			m.writeConflict(&out, i, r)
		case modeOurs:
			out.Write(m.ours.span(i, r.i1+r.chg1-i))
		case modeTheirs:
			out.Write(m.ours.span(i, r.i1-i))
			out.Write(m.theirs.span(r.i2, r.chg2))
		default:
			// Resolved: ours has the same lines; they are copied with
			// the unchanged text that follows.
			continue
		}
		i = r.i1 + r.chg1
	}
	out.Write(m.ours.span(i, m.ours.n()-i))
	return out.Bytes()
}

// writeConflict is fill_conflict_hunk: the unchanged ours lines since i,
// then the conflict with markers. Each side's text gets a newline if its
// last line has none, so that the marker after it starts a line.
func (m *merger) writeConflict(out *bytes.Buffer, i int, r region) {
	size := m.opt.MarkerSize
	if size <= 0 {
		size = DefaultMarkerSize
	}
	eol := "\n"
	if m.needsCR(r) {
		eol = "\r\n"
	}
	marker := func(c byte, label string) {
		for k := 0; k < size; k++ {
			out.WriteByte(c)
		}
		if label != "" {
			out.WriteByte(' ')
			out.WriteString(label)
		}
		out.WriteString(eol)
	}
	lines := func(f *file, start, count int) {
		b := f.span(start, count)
		out.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			out.WriteString(eol)
		}
	}

	out.Write(m.ours.span(i, r.i1-i))
	marker('<', m.opt.OursLabel)
	lines(m.ours, r.i1, r.chg1)
	if m.opt.Style == StyleDiff3 || m.opt.Style == StyleZealousDiff3 {
		marker('|', m.opt.BaseLabel)
		lines(m.base, r.i0, r.chg0)
	}
	marker('=', "")
	lines(m.theirs, r.i2, r.chg2)
	marker('>', m.opt.TheirsLabel)
}

// conflicts describes the conflict regions as Hunks.
func (m *merger) conflicts() []Hunk {
	var hs []Hunk
	for _, r := range m.regions {
		if r.mode != modeConflict {
			continue
		}
		hs = append(hs, Hunk{
			BaseStart: startLine(r.i0, r.chg0), BaseLines: r.chg0,
			OursStart: startLine(r.i1, r.chg1), OursLines: r.chg1,
			TheirsStart: startLine(r.i2, r.chg2), TheirsLines: r.chg2,
			Base:   string(m.base.span(r.i0, r.chg0)),
			Ours:   string(m.ours.span(r.i1, r.chg1)),
			Theirs: string(m.theirs.span(r.i2, r.chg2)),
		})
	}
	return hs
}

// startLine converts a 0-based range start to the 1-based line number of
// a unified diff header: the first line of the range, or for an empty
// range the line before it.
func startLine(i, count int) int {
	if count == 0 {
		return i
	}
	return i + 1
}
