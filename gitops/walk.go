package gitops

import (
	"container/heap"
	"fmt"
	"math"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
)

// dateQueue is a max-heap of commits by committer time, the order git's revision walk uses;
// commits of the same time come out in the order they went in, as in git's prio_queue and
// commit_list_insert_by_date.
type dateQueue struct {
	items []queued
	seq   uint64
}

type queued struct {
	n   *commitNode
	seq uint64
}

func (q *dateQueue) Len() int { return len(q.items) }
func (q *dateQueue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	if a.n.when != b.n.when {
		return a.n.when > b.n.when
	}
	return a.seq < b.seq
}
func (q *dateQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *dateQueue) Push(x any) {
	q.items = append(q.items, queued{x.(*commitNode), q.seq})
	q.seq++
}
func (q *dateQueue) Pop() any {
	old := q.items
	it := old[len(old)-1]
	q.items = old[:len(old)-1]
	return it.n
}

// walkByDate visits the history of starts newest first; visit returns false to stop.
func (r *Repo) walkByDate(starts []plumbing.Hash, visit func(*commitNode) bool) error {
	seen := map[plumbing.Hash]bool{}
	q := &dateQueue{}
	for _, h := range starts {
		n, err := r.node(h)
		if err != nil {
			return err
		}
		if !seen[h] {
			seen[h] = true
			heap.Push(q, n)
		}
	}
	for q.Len() > 0 {
		n := heap.Pop(q).(*commitNode)
		if !visit(n) {
			return nil
		}
		for _, p := range n.parents {
			if seen[p] {
				continue
			}
			seen[p] = true
			pn, err := r.node(p)
			if err != nil {
				return err
			}
			heap.Push(q, pn)
		}
	}
	return nil
}

// slop is how many commits the limited walk goes on after only excluded commits are left and
// they are older than the last commit it kept, to survive clock skew: git's SLOP (revision.c).
const slop = 5

// RangeCommits returns the commits reachable from to and not from any of exclude (git rev-list
// to ^exclude...), in git's --topo-order, oldest first (as `git rev-list --topo-order --reverse`).
// go-git's log cannot stop at another commit's ancestors, so this walk is written here: it is
// git's limited walk (revision.c limit_list, with still_interesting's stop rule, so that clock
// skew gives the answer git gives) with the same painting of uninteresting commits, then git's
// sort_in_topological_order in graph order.
func (r *Repo) RangeCommits(to plumbing.Hash, exclude ...plumbing.Hash) ([]plumbing.Hash, error) {
	const uninteresting, seenFlag = 1, 2
	flags := map[plumbing.Hash]uint8{}
	q := &dateQueue{}
	push := func(h plumbing.Hash, f uint8) (*commitNode, error) {
		n, err := r.node(h)
		if err != nil {
			return nil, err
		}
		flags[h] |= f
		if flags[h]&seenFlag == 0 {
			flags[h] |= seenFlag
			heap.Push(q, n)
		}
		return n, nil
	}
	// paintParents is git's mark_parents_uninteresting: it paints n's parents and, through
	// the commits already read, their ancestors.
	paintParents := func(n *commitNode) {
		stack := append([]plumbing.Hash(nil), n.parents...)
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if flags[x]&uninteresting != 0 {
				continue
			}
			flags[x] |= uninteresting
			if flags[x]&seenFlag == 0 {
				continue // painted before it was read; its parents are painted when it is
			}
			r.mu.Lock()
			pn := r.commits[x]
			r.mu.Unlock()
			stack = append(stack, pn.parents...)
		}
	}
	// as git's rev-list TO ^FROM: TO first, so that it goes first among commits of its time
	if _, err := push(to, 0); err != nil {
		return nil, err
	}
	for _, h := range exclude {
		n, err := push(h, uninteresting)
		if err != nil {
			return nil, err
		}
		paintParents(n) // git's handle_commit
	}
	var order []*commitNode
	left, date := slop, int64(math.MaxInt64)
	for q.Len() > 0 {
		n := heap.Pop(q).(*commitNode)
		if flags[n.hash]&uninteresting != 0 {
			for _, p := range n.parents {
				flags[p] |= uninteresting
				pn, err := push(p, uninteresting)
				if err != nil {
					return nil, err
				}
				paintParents(pn)
			}
			// still_interesting: go on while a kept commit is not older than the queue's
			// newest, or an interesting commit is queued; then for slop more commits
			switch {
			case q.Len() == 0:
				left = 0
			case date <= q.items[0].n.when || !everybodyUninteresting(q, flags, uninteresting):
				left = slop
			default:
				left--
			}
			if left == 0 {
				break
			}
			continue
		}
		for _, p := range n.parents {
			if _, err := push(p, 0); err != nil {
				return nil, err
			}
		}
		date = n.when
		order = append(order, n)
	}
	in := map[plumbing.Hash]*commitNode{}
	var list []*commitNode
	for _, n := range order {
		if flags[n.hash]&uninteresting == 0 {
			in[n.hash] = n
			list = append(list, n)
		}
	}
	topo := topoSort(list, in)
	out := make([]plumbing.Hash, len(topo))
	for i, n := range topo {
		out[len(topo)-1-i] = n.hash
	}
	return out, nil
}

func everybodyUninteresting(q *dateQueue, flags map[plumbing.Hash]uint8, bit uint8) bool {
	for _, it := range q.items {
		if flags[it.n.hash]&bit == 0 {
			return false
		}
	}
	return true
}

// topoSort is git's sort_in_topological_order with REV_SORT_IN_GRAPH_ORDER (commit.c): a
// commit is emitted only after all its children in the list; the work queue is a stack, so
// the last parent of a merge is followed first. list is in walk order; the result newest first.
func topoSort(list []*commitNode, in map[plumbing.Hash]*commitNode) []*commitNode {
	indeg := make(map[plumbing.Hash]int, len(list))
	for _, n := range list {
		indeg[n.hash] = 1
	}
	for _, n := range list {
		for _, p := range n.parents {
			if indeg[p] > 0 {
				indeg[p]++
			}
		}
	}
	var stack []*commitNode
	for _, n := range list {
		if indeg[n.hash] == 1 {
			stack = append(stack, n)
		}
	}
	// tips are shown in the order the walk gave them: reverse so the first pops first.
	for i, j := 0, len(stack)-1; i < j; i, j = i+1, j-1 {
		stack[i], stack[j] = stack[j], stack[i]
	}
	out := make([]*commitNode, 0, len(list))
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range n.parents {
			if indeg[p] == 0 {
				continue
			}
			indeg[p]--
			if indeg[p] == 1 {
				stack = append(stack, in[p])
			}
		}
		indeg[n.hash] = 0
		out = append(out, n)
	}
	return out
}

// MergeBases returns the best common ancestors of a and b, like `git merge-base --all a b`
// (commit-reach.c paint_down_to_common, then removal of redundant results).
func (r *Repo) MergeBases(a, b plumbing.Hash) ([]plumbing.Hash, error) {
	if a == b {
		return []plumbing.Hash{a}, nil
	}
	const p1, p2, stale, result = 1, 2, 4, 8
	flags := map[plumbing.Hash]uint8{}
	q := &dateQueue{}
	for _, x := range []struct {
		h plumbing.Hash
		f uint8
	}{{a, p1}, {b, p2}} {
		n, err := r.node(x.h)
		if err != nil {
			return nil, err
		}
		flags[x.h] |= x.f
		heap.Push(q, n)
	}
	var results []plumbing.Hash
	for q.Len() > 0 {
		if allStale(q, flags, stale) {
			break
		}
		n := heap.Pop(q).(*commitNode)
		f := flags[n.hash] & (p1 | p2 | stale)
		if f == p1|p2 {
			if flags[n.hash]&result == 0 {
				flags[n.hash] |= result
				results = append(results, n.hash)
			}
			f |= stale
		}
		for _, p := range n.parents {
			if flags[p]&f == f {
				continue
			}
			pn, err := r.node(p)
			if err != nil {
				return nil, err
			}
			flags[p] |= f
			heap.Push(q, pn)
		}
	}
	if len(results) <= 1 {
		return results, nil
	}
	// remove results that are ancestors of other results
	var out []plumbing.Hash
	for i, x := range results {
		redundant := false
		for j, y := range results {
			if i == j {
				continue
			}
			anc, err := r.IsAncestor(x, y)
			if err != nil {
				return nil, err
			}
			if anc {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, x)
		}
	}
	// git lists the merge bases newest first (commit_list_insert_by_date), the first being
	// what `git merge-base` prints; the walk found them in queue order, which clock skew
	// can make differ.
	sort.SliceStable(out, func(i, j int) bool { return r.when(out[i]) > r.when(out[j]) })
	return out, nil
}

// when is the committer time of a commit already read.
func (r *Repo) when(h plumbing.Hash) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := r.commits[h]; n != nil {
		return n.when
	}
	return 0
}

func allStale(q *dateQueue, flags map[plumbing.Hash]uint8, bit uint8) bool {
	for _, it := range q.items {
		if flags[it.n.hash]&bit == 0 {
			return false
		}
	}
	return true
}

// MergeBase returns one best common ancestor of a and b, like `git merge-base a b`.
func (r *Repo) MergeBase(a, b plumbing.Hash) (plumbing.Hash, error) {
	bs, err := r.MergeBases(a, b)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if len(bs) == 0 {
		return plumbing.ZeroHash, fmt.Errorf("%s and %s have no common history", a.String()[:10], b.String()[:10])
	}
	return bs[0], nil
}

// IsAncestor reports whether a is an ancestor of b (or b itself), like
// `git merge-base --is-ancestor a b`. The walk goes newest first, so a true answer comes
// quickly; a false one reads b's whole history.
func (r *Repo) IsAncestor(a, b plumbing.Hash) (bool, error) {
	if a == b {
		return true, nil
	}
	if _, err := r.node(a); err != nil {
		return false, err
	}
	found := false
	err := r.walkByDate([]plumbing.Hash{b}, func(n *commitNode) bool {
		if n.hash == a {
			found = true
			return false
		}
		return true
	})
	return found, err
}
