package gitops

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/forkreview/forkreview/review"
)

// RangeSpec is the range as the user gave it (cli.md): From may be "" (then the newest tag
// matching TagPattern that is an ancestor of the fork), Fork defaults to HEAD, Base to From.
type RangeSpec struct {
	From, To, Fork, Base string
	TagPattern           string
}

// Range is a resolved RangeSpec.
type Range struct {
	From, To, Fork, Base                         string
	FromCommit, ToCommit, ForkCommit, BaseCommit plumbing.Hash
	// Defaulted is set when no range was given: TO is the newest upstream release tag.
	Defaulted bool
}

// ErrBaseNotInFork is wrapped when --base (FROM by default) is not an ancestor of the fork.
var ErrBaseNotInFork = errors.New("base is not an ancestor of the fork")

// ResolveRange resolves the revisions of a range and checks that the base is in the fork.
func (r *Repo) ResolveRange(spec RangeSpec) (*Range, error) {
	rg := &Range{From: spec.From, To: spec.To, Fork: spec.Fork, Base: spec.Base}
	if rg.Fork == "" {
		rg.Fork = "HEAD"
	}
	var err error
	if rg.ForkCommit, err = r.Resolve(rg.Fork); err != nil {
		return nil, fmt.Errorf("--fork: %w", err)
	}
	if rg.To == "" {
		// no range at all: up to the newest upstream release
		pat := spec.TagPattern
		if pat == "" {
			pat = "v*"
		}
		t, err := r.LatestTag(pat)
		if err != nil {
			return nil, fmt.Errorf("no upstream range given and %v: give it as FROM..TO (for example v1.13.11..v1.13.12)", err)
		}
		rg.To = t.Name
		rg.Defaulted = true
	}
	if rg.ToCommit, err = r.Resolve(rg.To); err != nil {
		return nil, err
	}
	if rg.From == "" {
		pat := spec.TagPattern
		if pat == "" {
			pat = "v*"
		}
		t, err := r.NewestTag(rg.ForkCommit, pat)
		if err != nil {
			return nil, fmt.Errorf("find FROM: %w", err)
		}
		rg.From, rg.FromCommit = t.Name, t.Commit
	} else if rg.FromCommit, err = r.Resolve(rg.From); err != nil {
		return nil, err
	}
	if rg.Base == "" {
		rg.Base, rg.BaseCommit = rg.From, rg.FromCommit
	} else if rg.BaseCommit, err = r.Resolve(rg.Base); err != nil {
		return nil, fmt.Errorf("--base: %w", err)
	}
	ok, err := r.IsAncestor(rg.BaseCommit, rg.ForkCommit)
	if err != nil {
		return nil, err
	}
	if !ok {
		what := "--base " + rg.Base
		if spec.Base == "" {
			what = "--base (FROM, " + rg.From + ")"
		}
		return nil, fmt.Errorf("%w: %s is not an ancestor of %s: the fork has not taken it in; pass --base with the upstream release the fork last merged (or merge %s first)", ErrBaseNotInFork, what, rg.Fork, rg.Base)
	}
	// A TO from another project (or an orphan branch) would make the range all of its
	// history, and every commit's merge with the fork would fail; say so up front. A shallow
	// clone's cut history looks unrelated too, and has its own message later.
	if !r.IsShallow() {
		bs, err := r.MergeBases(rg.FromCommit, rg.ToCommit)
		if err != nil {
			return nil, err
		}
		if len(bs) == 0 {
			return nil, fmt.Errorf("%w: %s and %s have no common history, so the range would be all of %s's; check that both are revisions of the same upstream (git log --oneline -1 %s), and fetch upstream's tags with `git fetch upstream --tags`", ErrUnrelatedHistories, rg.From, rg.To, rg.To, rg.To)
		}
	}
	return rg, nil
}

// ErrUnrelatedHistories is wrapped when FROM and TO share no commit.
var ErrUnrelatedHistories = errors.New("unrelated histories")

// Load reads everything the classifier needs for a range: the upstream commits in order with
// their changes and merge bases, the fork's changes, and its own commits.
func (r *Repo) Load(ctx context.Context, rg *Range) (*review.Input, error) {
	return r.LoadWith(ctx, rg, nil)
}

// LoadWith is Load; forkReady, when set, is called as soon as the fork's side of the input
// (Base, Fork, ForkChanges, ModulePath) is read, before the upstream commits are, so the caller
// can start on it meanwhile. The rest of the input must not be read until LoadWith returns.
func (r *Repo) LoadWith(ctx context.Context, rg *Range, forkReady func(*review.Input)) (*review.Input, error) {
	in := &review.Input{Base: rg.BaseCommit.String(), Fork: rg.ForkCommit.String(), ForkAt: map[string][]review.TreeChange{}}
	var err error
	if in.ForkChanges, err = r.TreeChanges(ctx, rg.BaseCommit, rg.ForkCommit); err != nil {
		return nil, err
	}
	in.ForkAt[in.Base] = in.ForkChanges
	in.ModulePath = r.ModulePath(rg.ForkCommit)
	if forkReady != nil {
		forkReady(in)
	}
	hashes, err := r.RangeCommits(rg.ToCommit, rg.FromCommit)
	if err != nil {
		return nil, err
	}
	forkOnly, err := r.RangeCommits(rg.ForkCommit, rg.BaseCommit)
	if err != nil {
		return nil, err
	}
	mb, err := r.newMergeBaser(rg, hashes, forkOnly)
	if err != nil {
		return nil, err
	}
	forkHas := make(map[plumbing.Hash]bool, len(forkOnly))
	for _, h := range forkOnly {
		forkHas[h] = true
	}
	commits := make([]review.UpstreamCommit, len(hashes))
	parents := make([]plumbing.Hash, len(hashes))
	for i, h := range hashes {
		n, err := r.node(h)
		if err != nil {
			return nil, err
		}
		c := n.commit
		u := review.UpstreamCommit{
			Hash:      h.String(),
			Author:    c.Author.Name + " <" + c.Author.Email + ">",
			Date:      c.Author.When.UTC(),
			Message:   c.Message,
			MergeBase: in.Base,
		}
		for _, p := range c.ParentHashes {
			u.Parents = append(u.Parents, p.String())
		}
		if len(c.ParentHashes) > 0 && !forkHas[h] {
			// (a commit the fork merged needs no W(u): it is applied as it is)
			parents[i] = c.ParentHashes[0]
			m, err := mb.mergeBase(parents[i])
			if err != nil {
				return nil, err
			}
			u.MergeBase = m.String()
			if _, ok := in.ForkAt[u.MergeBase]; !ok {
				in.ForkAt[u.MergeBase] = nil // filled below
			}
		}
		commits[i] = u
	}
	// the tree diffs, in parallel: each goroutine reads through its own storage
	type job struct {
		i    int
		a, b plumbing.Hash
		into *[]review.TreeChange
	}
	var jobs []job
	for i := range commits {
		if len(commits[i].Parents) > 0 && parents[i].IsZero() {
			parents[i] = plumbing.NewHash(commits[i].Parents[0])
		}
		jobs = append(jobs, job{i, parents[i], hashes[i], &commits[i].Changes})
	}
	forkAt := map[string]*[]review.TreeChange{}
	for m, chs := range in.ForkAt {
		if chs == nil {
			forkAt[m] = new([]review.TreeChange)
			jobs = append(jobs, job{-1, plumbing.NewHash(m), rg.ForkCommit, forkAt[m]})
		}
	}
	if err := r.parallel(ctx, len(jobs), func(k int) error {
		chs, err := r.TreeChanges(ctx, jobs[k].a, jobs[k].b)
		*jobs[k].into = chs
		return err
	}); err != nil {
		return nil, err
	}
	for m, p := range forkAt {
		in.ForkAt[m] = *p
	}
	in.Commits = commits
	in.ForkHas = make(map[string]bool, len(forkOnly))
	for _, h := range forkOnly {
		in.ForkHas[h.String()] = true
	}
	for i := len(forkOnly) - 1; i >= 0; i-- { // newest first
		n, err := r.node(forkOnly[i])
		if err != nil {
			return nil, err
		}
		if len(n.parents) == 1 {
			in.ForkCommits = append(in.ForkCommits, n.hash.String())
		}
	}
	in.ForkCommitTouches = r.touches
	in.PathExists = func(commit, p string) (bool, error) {
		e, err := r.entryAt(plumbing.NewHash(commit), p)
		return e != "", err
	}
	in.FilesUnder = func(commit, dir string) (map[string]string, error) {
		return r.filesUnder(plumbing.NewHash(commit), dir)
	}
	in.ForkCommitChanges = func(h string) ([]review.TreeChange, error) {
		n, err := r.node(plumbing.NewHash(h))
		if err != nil {
			return nil, err
		}
		return r.TreeChanges(ctx, n.parents[0], n.hash)
	}
	return in, nil
}

// parallel runs f(0..n-1) on as many goroutines as there are storages to lend, and returns
// the first error.
func (r *Repo) parallel(ctx context.Context, n int, f func(i int) error) error {
	workers := min(cap(r.pool), n)
	next := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					errs <- err
					for range next {
					}
					return
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

// touches reports whether commit h changed path against its first parent, by comparing the
// path's entry in both trees: far cheaper than a whole tree diff.
func (r *Repo) touches(h, path string) (bool, error) {
	n, err := r.node(plumbing.NewHash(h))
	if err != nil {
		return false, err
	}
	if len(n.parents) == 0 {
		return true, nil
	}
	a, err := r.entryAt(n.parents[0], path)
	if err != nil {
		return false, err
	}
	b, err := r.entryAt(n.hash, path)
	if err != nil {
		return false, err
	}
	return a != b, nil
}

// filesUnder lists the files below folder dir of a commit (paths relative to dir, each with
// its hash and mode), nil when the folder is absent.
func (r *Repo) filesUnder(commit plumbing.Hash, dir string) (map[string]string, error) {
	e, err := r.entryAt(commit, dir)
	if err != nil || e == "" || !strings.HasSuffix(e, filemode.Dir.String()) {
		return nil, err
	}
	st, release := r.reader()
	defer release()
	out := map[string]string{}
	var walk func(h plumbing.Hash, prefix string) error
	walk = func(h plumbing.Hash, prefix string) error {
		es, err := r.treeCache.get(st, h)
		if err != nil {
			return err
		}
		for _, x := range es {
			if x.Mode == filemode.Dir {
				if err := walk(x.Hash, prefix+x.Name+"/"); err != nil {
					return err
				}
				continue
			}
			out[prefix+x.Name] = x.Hash.String() + x.Mode.String()
		}
		return nil
	}
	return out, walk(plumbing.NewHash(e[:40]), "")
}

// entryAt is the hash (with its mode) of path in a commit's tree, "" when absent. The trees
// come through the shared cache of decoded entries, since neighbouring commits share most.
func (r *Repo) entryAt(commit plumbing.Hash, path string) (string, error) {
	c, err := r.Commit(commit)
	if err != nil {
		return "", err
	}
	st, release := r.reader()
	defer release()
	th := c.TreeHash
	parts := strings.Split(path, "/")
	for i, name := range parts {
		es, err := r.treeCache.get(st, th)
		if err != nil {
			return "", err
		}
		var found *object.TreeEntry
		for k := range es {
			if es[k].Name == name {
				found = &es[k]
				break
			}
		}
		switch {
		case found == nil:
			return "", nil
		case i == len(parts)-1:
			return found.Hash.String() + found.Mode.String(), nil
		case found.Mode != filemode.Dir:
			return "", nil // a file where the path wants a folder
		}
		th = found.Hash
	}
	return "", nil
}

// mergeBaser answers merge-base(F, u^) for the first parents of the range: W(u)'s base.
//
// When the base is FROM and the fork holds none of the range's commits (the usual case), the
// common ancestors of F and a parent p are exactly the ancestors of p's boundary commits: the
// first commits outside the range met going down from p, all ancestors of FROM. So the merge
// base is the boundary commit that no other boundary commit descends from, computed once for
// the whole range in topological order instead of one history walk per commit. Otherwise it
// falls back to git's merge-base walk.
type mergeBaser struct {
	r        *Repo
	rg       *Range
	fast     bool
	inRange  map[plumbing.Hash]bool
	boundary map[plumbing.Hash][]plumbing.Hash
	cache    map[plumbing.Hash]plumbing.Hash
}

func (r *Repo) newMergeBaser(rg *Range, rangeCommits, forkOnly []plumbing.Hash) (*mergeBaser, error) {
	m := &mergeBaser{r: r, rg: rg, inRange: map[plumbing.Hash]bool{}, cache: map[plumbing.Hash]plumbing.Hash{}}
	for _, h := range rangeCommits {
		m.inRange[h] = true
	}
	m.fast = rg.BaseCommit == rg.FromCommit
	for _, h := range forkOnly {
		if m.inRange[h] {
			m.fast = false
			break
		}
	}
	if !m.fast {
		return m, nil
	}
	// With skewed committer clocks git's walk can keep commits that FROM reaches (it stops
	// SLOP commits into FROM's side), and the boundary argument fails for them. Each such
	// commit comes down to a bottom commit of the range (no parent in it) that FROM reaches,
	// which git's merge-base painting, exact whatever the dates, tells at the cost of one
	// short walk per bottom commit.
	for _, h := range rangeCommits {
		n, err := r.node(h)
		if err != nil {
			return nil, err
		}
		bottom := true
		for _, p := range n.parents {
			bottom = bottom && !m.inRange[p]
		}
		if !bottom {
			continue
		}
		bs, err := r.MergeBases(h, rg.FromCommit)
		if err != nil {
			return nil, err
		}
		if len(bs) == 1 && bs[0] == h {
			m.fast = false
			return m, nil
		}
	}
	m.boundary = map[plumbing.Hash][]plumbing.Hash{}
	for _, h := range rangeCommits { // oldest first: parents before children
		n, err := r.node(h)
		if err != nil {
			return nil, err
		}
		var b []plumbing.Hash
		for _, p := range n.parents {
			if m.inRange[p] {
				b = appendUnique(b, m.boundary[p]...)
			} else {
				b = appendUnique(b, p)
			}
		}
		m.boundary[h] = b
	}
	return m, nil
}

func appendUnique(list []plumbing.Hash, hs ...plumbing.Hash) []plumbing.Hash {
outer:
	for _, h := range hs {
		for _, x := range list {
			if x == h {
				continue outer
			}
		}
		list = append(list, h)
	}
	return list
}

func (m *mergeBaser) mergeBase(p plumbing.Hash) (plumbing.Hash, error) {
	if b, ok := m.cache[p]; ok {
		return b, nil
	}
	var res plumbing.Hash
	switch {
	case m.fast && !m.inRange[p]:
		// p is an ancestor of FROM, so of the fork
		res = p
	case m.fast:
		res = m.bestOf(m.boundary[p])
	}
	if res.IsZero() {
		b, err := m.r.MergeBase(m.rg.ForkCommit, p)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("merge base of the fork and %s: %w", short(p), err)
		}
		res = b
	}
	m.cache[p] = res
	return res, nil
}

// bestOf picks the boundary commit that is not an ancestor of another one; FROM wins at once.
// It returns zero when there is no single best one (git would find several merge bases), and
// the caller falls back to the full walk.
func (m *mergeBaser) bestOf(bs []plumbing.Hash) plumbing.Hash {
	for _, b := range bs {
		if b == m.rg.FromCommit {
			return b
		}
	}
	if len(bs) == 1 {
		return bs[0]
	}
	var best []plumbing.Hash
	for i, x := range bs {
		redundant := false
		for j, y := range bs {
			if i != j {
				if anc, err := m.r.IsAncestor(x, y); err == nil && anc {
					redundant = true
					break
				}
			}
		}
		if !redundant {
			best = append(best, x)
		}
	}
	if len(best) == 1 {
		return best[0]
	}
	return plumbing.ZeroHash
}

// CommitDiff is the unified diff of a commit against its first parent (the root commit: against
// the empty tree), with renames, as `git show -M --format= C` prints it. It implements
// tui.DiffSource.
func (r *Repo) CommitDiff(hash string) (string, error) {
	c, err := r.Commit(plumbing.NewHash(hash))
	if err != nil {
		return "", err
	}
	var from *object.Tree
	if len(c.ParentHashes) > 0 {
		if from, err = r.tree(c.ParentHashes[0]); err != nil {
			return "", err
		}
	}
	to, err := r.tree(c.Hash)
	if err != nil {
		return "", err
	}
	r.io.Lock()
	defer r.io.Unlock()
	ctx := context.Background()
	changes, err := diffTrees(ctx, r.Git.Storer, from, to)
	if err != nil {
		return "", fmt.Errorf("diff %s: %w", short(c.Hash), err)
	}
	p, err := changes.PatchContext(ctx)
	if err != nil {
		return "", fmt.Errorf("diff %s: %w", short(c.Hash), err)
	}
	return p.String(), nil
}
