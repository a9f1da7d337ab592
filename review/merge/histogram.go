package merge

// Algorithm is the line diff a merge uses to find each side's changes.
type Algorithm int

const (
	// Myers is xdiff's default, which `git merge-file` uses.
	Myers Algorithm = iota
	// Histogram is xdiff's histogram diff, which git's merge-ort (`git merge`, `git
	// merge-tree`) uses for every content merge.
	Histogram
)

// diffIDsWith is diffIDs with the given algorithm.
func diffIDsWith(a, b []int32, alg Algorithm) []change {
	if alg != Histogram {
		return diffIDs(a, b)
	}
	sa, sb := newSide(a), newSide(b)
	markHistogram(sa, sb)
	compact(sa, sb)
	compact(sb, sa)
	return buildScript(sa, sb)
}

// markHistogram sets the changed flags of a and b as git's histogram diff does. It is a port
// of xdiff's xhistogram.c, written by hand because go-diff has no histogram diff: the longest
// common run of lines that are rare in a (at most 64 occurrences) splits the files, and each
// side of it is diffed the same way; where every common line is more frequent than that, the
// range falls back to Myers. Lines are 1-based inside, as in xhistogram.c, so that 0 can mean
// "none". Unlike xdiff it never gives up on a hash chain longer than 64 records, which depends
// on xdiff's line hash and takes 64 distinct lines colliding in one bucket.
func markHistogram(a, b *side) {
	// The whole files: xdiff trims the common ends (xdl_trim_ends) only for Myers, and the
	// histogram can match a line of a common end elsewhere.
	maxID := int32(0)
	for _, ids := range [][]int32{a.ids, b.ids} {
		for _, id := range ids {
			maxID = max(maxID, id)
		}
	}
	h := &histogram{a: a, b: b, recOf: make([]int32, maxID+1), stamp: make([]uint32, maxID+1)}
	h.diff(1, a.n(), 1, b.n())
}

const histMaxChain = 64 // max_chain_length

// histogram holds the index of one find_lcs call. xhistogram.c frees it before it recurses,
// so one set of buffers serves every call.
type histogram struct {
	a, b *side

	// recOf maps a line identity to its record (index+1 in recs) when stamp says that it
	// belongs to the current call.
	recOf    []int32
	stamp    []uint32
	gen      uint32
	recs     []histRecord
	lineMap  []int32 // per line of the indexed range (ptr - shift): its record
	nextPtrs []int   // per line: the next occurrence of the same line, 0 for none
	shift    int
	cnt      int
	common   bool
}

// histRecord is one distinct line of the indexed range of a: its first occurrence and how
// often it occurs.
type histRecord struct {
	ptr, cnt int
}

func (h *histogram) recA(line int) int32 { return h.a.ids[line-1] }
func (h *histogram) recB(line int) int32 { return h.b.ids[line-1] }

// diff is histogram_diff.
func (h *histogram) diff(line1, count1, line2, count2 int) {
	for {
		if count1 <= 0 && count2 <= 0 {
			return
		}
		if count1 <= 0 {
			for ; count2 > 0; count2-- {
				h.b.mark(line2-1, true)
				line2++
			}
			return
		}
		if count2 <= 0 {
			for ; count1 > 0; count1-- {
				h.a.mark(line1-1, true)
				line1++
			}
			return
		}
		var lcs struct{ begin1, end1, begin2, end2 int }
		h.scanA(line1, count1)
		h.cnt = histMaxChain + 1
		for bPtr := line2; bPtr <= line2+count2-1; {
			bPtr = h.tryLCS(&lcs.begin1, &lcs.end1, &lcs.begin2, &lcs.end2, bPtr, line1, count1, line2, count2)
		}
		switch {
		case h.common && histMaxChain < h.cnt:
			h.fallBack(line1, count1, line2, count2)
			return
		case lcs.begin1 == 0 && lcs.begin2 == 0:
			for ; count1 > 0; count1-- {
				h.a.mark(line1-1, true)
				line1++
			}
			for ; count2 > 0; count2-- {
				h.b.mark(line2-1, true)
				line2++
			}
			return
		}
		h.diff(line1, lcs.begin1-line1, line2, lcs.begin2-line2)
		end1, end2 := line1+count1-1, line2+count2-1
		count1, line1 = end1-lcs.end1, lcs.end1+1
		count2, line2 = end2-lcs.end2, lcs.end2+1
	}
}

// scanA indexes lines [line1, line1+count1) of a, from the last to the first, so that each
// record points at the line's first occurrence and nextPtrs chains the later ones.
func (h *histogram) scanA(line1, count1 int) {
	h.gen++
	h.recs = h.recs[:0]
	h.lineMap = grow(h.lineMap, count1)
	h.nextPtrs = grow(h.nextPtrs, count1)
	h.shift, h.common = line1, false
	for ptr := line1 + count1 - 1; ptr >= line1; ptr-- {
		id := h.recA(ptr)
		if h.stamp[id] == h.gen {
			r := h.recOf[id] - 1
			rec := &h.recs[r]
			h.nextPtrs[ptr-line1] = rec.ptr
			rec.ptr = ptr
			rec.cnt++
			h.lineMap[ptr-line1] = r
			continue
		}
		h.recs = append(h.recs, histRecord{ptr: ptr, cnt: 1})
		h.stamp[id], h.recOf[id] = h.gen, int32(len(h.recs))
		h.nextPtrs[ptr-line1] = 0
		h.lineMap[ptr-line1] = int32(len(h.recs) - 1)
	}
}

// grow returns s resized to n elements, reusing its array when it is big enough.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// record returns the record of line bPtr of b, or nil when the indexed range of a lacks it.
func (h *histogram) record(bPtr int) *histRecord {
	id := h.recB(bPtr)
	if h.stamp[id] != h.gen {
		return nil
	}
	return &h.recs[h.recOf[id]-1]
}

func (h *histogram) next(ptr int) int  { return h.nextPtrs[ptr-h.shift] }
func (h *histogram) count(ptr int) int { return h.recs[h.lineMap[ptr-h.shift]].cnt }

// tryLCS is try_lcs: the longest run of common lines through line bPtr of b, among those
// that start at a rarest line; it returns the next line of b to try.
func (h *histogram) tryLCS(begin1, end1, begin2, end2 *int, bPtr, line1, count1, line2, count2 int) int {
	bNext := bPtr + 1
	rec := h.record(bPtr)
	if rec == nil {
		return bNext
	}
	h.common = true
	if rec.cnt > h.cnt {
		return bNext
	}
	last1, last2 := line1+count1-1, line2+count2-1
	as := rec.ptr
	for {
		np := h.next(as)
		bs, ae, be, rc := bPtr, as, bPtr, rec.cnt
		for line1 < as && line2 < bs && h.recA(as-1) == h.recB(bs-1) {
			as--
			bs--
			if 1 < rc {
				rc = min(rc, h.count(as))
			}
		}
		for ae < last1 && be < last2 && h.recA(ae+1) == h.recB(be+1) {
			ae++
			be++
			if 1 < rc {
				rc = min(rc, h.count(ae))
			}
		}
		if bNext <= be {
			bNext = be + 1
		}
		if *end1-*begin1 < ae-as || rc < h.cnt {
			*begin1, *begin2, *end1, *end2 = as, bs, ae, be
			h.cnt = rc
		}
		if np == 0 {
			return bNext
		}
		for np <= ae {
			if np = h.next(np); np == 0 {
				return bNext
			}
		}
		as = np
	}
}

// fallBack is xdl_fall_back_diff: Myers on the range, as a diff of its own.
func (h *histogram) fallBack(line1, count1, line2, count2 int) {
	sa := newSide(h.a.ids[line1-1 : line1-1+count1])
	sb := newSide(h.b.ids[line2-1 : line2-1+count2])
	markChanges(sa, sb)
	for i := 0; i < count1; i++ {
		h.a.mark(line1-1+i, sa.changed(i))
	}
	for i := 0; i < count2; i++ {
		h.b.mark(line2-1+i, sb.changed(i))
	}
}
