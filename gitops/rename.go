package gitops

import (
	"fmt"
	"path"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/forkreview/forkreview/review"
)

// Rename detection as git's merge-ort asks diffcore-rename for it (git 2.33 and later): exact
// renames, then renames between the only deleted and the only added file of a basename, then the
// best pairs by similarity score; empty files are never renamed, and the limit is merge's 7000
// files a side. The classifier needs git's merge view of a commit, and `git diff -M
// --no-rename-empty -l7000` prints the same pairs. Written by hand rather than go-git's DetectRenames, which scores
// with JGit's similarity index instead of git's, and pairs files in map order, so that the same
// diff could pair several moved look-alike files differently from one run to the next.

const (
	renameMinScore      = review.MaxScore / 2 // git's default -M50%
	renameBasenameScore = renameMinScore + (review.MaxScore-renameMinScore)/2
	renameLimit         = 7000 // merge.renameLimit's default
	renameCandidates    = 4    // NUM_CANDIDATE_PER_DST
	renameExactTries    = 100  // identical sources find_identical_files looks at for one file
)

// detectRenames turns pairs of a deleted and an added file of changes into renames, reading
// blobs through st.
func detectRenames(changes object.Changes, st storer.EncodedObjectStorer) (object.Changes, error) {
	var srcs, dsts []*object.Change
	var out object.Changes
	for _, c := range changes {
		switch {
		case c.From.Name == "" && c.To.Name != "" && c.To.TreeEntry.Hash != emptyBlob:
			dsts = append(dsts, c)
		case c.To.Name == "" && c.From.Name != "" && c.From.TreeEntry.Hash != emptyBlob:
			srcs = append(srcs, c)
		default:
			out = append(out, c)
		}
	}
	if len(srcs) == 0 || len(dsts) == 0 {
		return changes, nil
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].From.Name < srcs[j].From.Name })
	sort.Slice(dsts, func(i, j int) bool { return dsts[i].To.Name < dsts[j].To.Name })
	d := &renamer{srcs: srcs, dsts: dsts, st: st, srcUsed: make([]bool, len(srcs)), dstDone: make([]bool, len(dsts)),
		chunks: map[plumbing.Hash]review.Chunks{}, sizes: map[plumbing.Hash]int64{}}
	d.exact()
	if err := d.basenames(); err != nil {
		return nil, err
	}
	if err := d.matrix(); err != nil {
		return nil, err
	}
	out = append(out, d.renames...)
	for i, c := range srcs {
		if !d.srcUsed[i] {
			out = append(out, c)
		}
	}
	for i, c := range dsts {
		if !d.dstDone[i] {
			out = append(out, c)
		}
	}
	sort.Stable(out) // by path, as go-git's diff and git's own output are
	return out, nil
}

// emptyBlob is the id of the empty file, which merge-ort never pairs as a rename (an empty file
// "moved" could be any empty file).
var emptyBlob = plumbing.NewHash("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")

type renamer struct {
	srcs, dsts []*object.Change
	srcUsed    []bool
	dstDone    []bool
	renames    object.Changes
	st         storer.EncodedObjectStorer
	chunks     map[plumbing.Hash]review.Chunks
	sizes      map[plumbing.Hash]int64
}

func (d *renamer) pair(dst, src int) {
	d.renames = append(d.renames, &object.Change{From: d.srcs[src].From, To: d.dsts[dst].To})
	d.srcUsed[src], d.dstDone[dst] = true, true
}

func (d *renamer) src(i int) object.TreeEntry { return d.srcs[i].From.TreeEntry }
func (d *renamer) dst(i int) object.TreeEntry { return d.dsts[i].To.TreeEntry }

func isRegular(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

// basenameSame is git's basename_same: the two paths end in the same file name.
func basenameSame(a, b string) bool { return path.Base(a) == path.Base(b) }

// exact is find_exact_renames: each added file, in path order, takes a deleted file with the
// same content and a compatible mode (regular files with regular files, others with the same
// mode), preferring one of the same file name, else the first in path order.
func (d *renamer) exact() {
	byHash := map[plumbing.Hash][]int{}
	for i := range d.srcs {
		h := d.src(i).Hash
		byHash[h] = append(byHash[h], i)
	}
	for j := range d.dsts {
		to := d.dst(j)
		best, bestScore, tries := -1, -1, renameExactTries
		for _, i := range byHash[to.Hash] {
			from := d.src(i)
			if (!isRegular(from.Mode) || !isRegular(to.Mode)) && from.Mode != to.Mode {
				continue
			}
			if d.srcUsed[i] {
				continue
			}
			score := 1
			if basenameSame(d.srcs[i].From.Name, d.dsts[j].To.Name) {
				score++
			}
			if score > bestScore {
				best, bestScore = i, score
				if score == 2 {
					break
				}
			}
			if tries--; tries == 0 {
				break
			}
		}
		if best >= 0 {
			d.pair(j, best)
		}
	}
}

// score is estimate_similarity: 0 for files that are not both regular or whose sizes differ
// too much, else git's similarity of their contents.
func (d *renamer) score(src, dst int) (int, error) {
	from, to := d.src(src), d.dst(dst)
	if !isRegular(from.Mode) || !isRegular(to.Mode) {
		return 0, nil
	}
	// the sizes first, from the objects' headers, as git does: a big generated file is never
	// read for a pair its size rules out
	sa, err := d.sizeOf(from.Hash)
	if err != nil {
		return 0, err
	}
	sb, err := d.sizeOf(to.Hash)
	if err != nil {
		return 0, err
	}
	if !review.SizesMayPair(int(sa), int(sb), renameMinScore) {
		return 0, nil
	}
	a, err := d.chunksOf(from.Hash)
	if err != nil {
		return 0, err
	}
	b, err := d.chunksOf(to.Hash)
	if err != nil {
		return 0, err
	}
	return review.Similarity(a, b), nil
}

func (d *renamer) sizeOf(h plumbing.Hash) (int64, error) {
	if n, ok := d.sizes[h]; ok {
		return n, nil
	}
	n, err := d.st.EncodedObjectSize(h)
	if err != nil {
		return 0, fmt.Errorf("rename detection: read blob %s: %w", short(h), err)
	}
	d.sizes[h] = n
	return n, nil
}

func (d *renamer) chunksOf(h plumbing.Hash) (review.Chunks, error) {
	if c, ok := d.chunks[h]; ok {
		return c, nil
	}
	b, err := readBlobFrom(d.st, h)
	if err != nil {
		return review.Chunks{}, fmt.Errorf("rename detection: read blob %s: %w", short(h), err)
	}
	c := review.NewChunks(b)
	d.chunks[h] = c
	return c, nil
}

// basenames is find_basename_matches: a deleted and an added file that are the only ones left
// with their file name pair up when they are at least 75% similar.
func (d *renamer) basenames() error {
	unique := func(n int, name func(int) string, skip func(int) bool) map[string]int {
		m := map[string]int{}
		for i := 0; i < n; i++ {
			if skip(i) {
				continue
			}
			b := path.Base(name(i))
			if _, seen := m[b]; seen {
				m[b] = -1
			} else {
				m[b] = i
			}
		}
		return m
	}
	srcs := unique(len(d.srcs), func(i int) string { return d.srcs[i].From.Name }, func(i int) bool { return d.srcUsed[i] })
	dsts := unique(len(d.dsts), func(j int) string { return d.dsts[j].To.Name }, func(j int) bool { return d.dstDone[j] })
	for i := range d.srcs {
		if d.srcUsed[i] {
			continue
		}
		b := path.Base(d.srcs[i].From.Name)
		if srcs[b] != i {
			continue
		}
		j, ok := dsts[b]
		if !ok || j < 0 || d.dstDone[j] {
			continue
		}
		s, err := d.score(i, j)
		if err != nil {
			return err
		}
		if s >= renameBasenameScore {
			d.pair(j, i)
		}
	}
	return nil
}

type candidate struct {
	dst, src  int // dst < 0: an empty slot
	score     int
	nameScore int
}

// less is git's score_compare: higher scores first, then the same file name, empty slots last.
func (a candidate) less(b candidate) bool { return compareCandidates(a, b) < 0 }

func compareCandidates(a, b candidate) int {
	switch {
	case a.dst < 0 && b.dst < 0:
		return 0
	case a.dst < 0:
		return 1
	case b.dst < 0:
		return -1
	case a.score == b.score:
		return b.nameScore - a.nameScore
	}
	return b.score - a.score
}

// matrix scores every remaining pair, keeps the four best sources of each added file
// (record_if_better), and pairs them best first (find_renames), unless there are more pairs
// than the rename limit allows.
func (d *renamer) matrix() error {
	var srcs, dsts []int
	for i, used := range d.srcUsed {
		if !used {
			srcs = append(srcs, i)
		}
	}
	for j, done := range d.dstDone {
		if !done {
			dsts = append(dsts, j)
		}
	}
	if len(srcs) == 0 || len(dsts) == 0 || len(srcs)*len(dsts) > renameLimit*renameLimit {
		return nil
	}
	mx := make([]candidate, 0, len(dsts)*renameCandidates)
	for _, j := range dsts {
		slots := [renameCandidates]candidate{}
		for k := range slots {
			slots[k].dst = -1
		}
		for _, i := range srcs {
			s, err := d.score(i, j)
			if err != nil {
				return err
			}
			c := candidate{dst: j, src: i, score: s}
			if basenameSame(d.srcs[i].From.Name, d.dsts[j].To.Name) {
				c.nameScore = 1
			}
			worst := 0
			for k := 1; k < renameCandidates; k++ {
				if compareCandidates(slots[k], slots[worst]) > 0 {
					worst = k
				}
			}
			if compareCandidates(slots[worst], c) > 0 {
				slots[worst] = c
			}
		}
		mx = append(mx, slots[:]...)
	}
	sort.SliceStable(mx, func(a, b int) bool { return mx[a].less(mx[b]) })
	for _, c := range mx {
		if c.dst < 0 || c.score < renameMinScore {
			break
		}
		if d.dstDone[c.dst] || d.srcUsed[c.src] {
			continue
		}
		d.pair(c.dst, c.src)
	}
	return nil
}
