package merge

// Edit is one changed region of a line diff: base lines
// [OldStart, OldStart+OldLines) are replaced by new lines
// [NewStart, NewStart+NewLines). Line numbers are 1-based and follow the
// unified diff header convention: an empty range (an insertion's old side,
// a deletion's new side) starts at the line before it, so an insertion
// after line 3 of the old file has OldStart 3 and OldLines 0, and one at the
// very top has OldStart 0.
type Edit struct{ OldStart, OldLines, NewStart, NewLines int }

// Diff returns the line diff from a to b, the one Merge uses: the same
// hunks `git diff` with the default Myers algorithm prints (without the
// indent heuristic), barring ties that go-diff breaks differently from
// xdiff. An unchanged input gives no edits.
func Diff(a, b []byte) []Edit { return diffWith(a, b, Myers) }

func diffWith(a, b []byte, alg Algorithm) []Edit {
	in := newInterner(64)
	fa := in.split(a)
	fb := in.split(b)
	script := diffIDsWith(fa.ids, fb.ids, alg)
	if len(script) == 0 {
		return nil
	}
	edits := make([]Edit, len(script))
	for k, c := range script {
		edits[k] = Edit{
			OldStart: startLine(c.i1, c.chg1), OldLines: c.chg1,
			NewStart: startLine(c.i2, c.chg2), NewLines: c.chg2,
		}
	}
	return edits
}

// Stats counts added and deleted lines like `git diff --numstat`.
func Stats(a, b []byte) (additions, deletions int) {
	for _, e := range Diff(a, b) {
		additions += e.NewLines
		deletions += e.OldLines
	}
	return additions, deletions
}
