package gitops

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/forkreview/forkreview/gitops/fixture"
)

// history is a random commit graph built with the fixture builder: branches forked from any
// commit, two-parent merges, criss-cross merges (several merge bases), octopus merges,
// lightweight and annotated tags, and committer clocks that run behind (children older than
// their parents).
type history struct {
	dir                                         string
	commits                                     []string // every commit, in the order they were made
	names                                       []string // branches and tags
	merges, crissCross, octopuses, tags, skewed int
}

// genHistory builds the history of seed with about steps operations.
func genHistory(t testing.TB, seed int64, steps int) *history {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	r, err := fixture.InitMemory()
	if err != nil {
		t.Fatal(err)
	}
	h := &history{}
	pick := func(xs []string) string { return xs[rng.Intn(len(xs))] }

	// Each branch has a clock offset: mostly none, sometimes days behind (a committer with a
	// wrong clock), so that runs of commits are older than their parents, as in the histories
	// that make git's limited walk need its slop.
	global, last := fixture.Epoch, fixture.Epoch
	offset := map[string]time.Duration{}
	when := func(branch string) fixture.CommitOption {
		global = global.Add(time.Duration(1+rng.Intn(90)) * time.Minute)
		switch rng.Intn(10) {
		case 0:
			offset[branch] = -time.Duration(1+rng.Intn(4*24*60)) * time.Minute
		case 1, 2:
			offset[branch] = 0
		}
		at := global.Add(offset[branch])
		if rng.Intn(12) == 0 {
			at = last // the same second as the previous commit
		}
		last = at
		return fixture.At(at)
	}

	cur := fixture.DefaultBranch
	branches := []string{cur}
	checkout := func(b string) {
		if b != cur {
			r.Checkout(b)
			cur = b
		}
	}
	n := 0
	commit := func() {
		n++
		r.Commit(fmt.Sprintf("commit %d on %s", n, cur), fixture.Files{
			fmt.Sprintf("d%d/f%d.txt", n%5, n): fmt.Sprintf("content of commit %d\n", n),
		}, when(cur))
		h.commits = append(h.commits, r.Head())
	}
	twoBranches := func() (string, string, bool) {
		if len(branches) < 2 {
			return "", "", false
		}
		a := pick(branches)
		b := pick(branches)
		if a == b || r.Resolve(a) == r.Resolve(b) {
			return "", "", false
		}
		return a, b, true
	}

	commit()
	for i := 0; i < steps; i++ {
		switch x := rng.Intn(100); {
		case x < 45:
			checkout(pick(branches))
			commit()
		case x < 57:
			name := fmt.Sprintf("b%d", len(branches))
			r.Branch(name, pick(h.commits))
			branches = append(branches, name)
			checkout(name)
			commit()
		case x < 74:
			a, b, ok := twoBranches()
			if !ok {
				continue
			}
			checkout(a)
			r.Merge("merge "+b+" into "+a, b, when(a))
			h.commits = append(h.commits, r.Head())
			h.merges++
		case x < 82:
			// criss-cross: each branch merges the other's old tip
			a, b, ok := twoBranches()
			if !ok {
				continue
			}
			ta, tb := r.Resolve(a), r.Resolve(b)
			checkout(a)
			r.Merge("criss "+b+" into "+a, tb, when(a))
			h.commits = append(h.commits, r.Head())
			checkout(b)
			r.Merge("cross "+a+" into "+b, ta, when(b))
			h.commits = append(h.commits, r.Head())
			h.merges += 2
			h.crissCross++
		case x < 86:
			a, b, ok := twoBranches()
			if !ok {
				continue
			}
			c := pick(branches)
			ta, tb, tc := r.Resolve(a), r.Resolve(b), r.Resolve(c)
			if tc == ta || tc == tb {
				continue
			}
			checkout(a)
			n++
			global = global.Add(time.Minute)
			h.commits = append(h.commits, octopus(t, r, fmt.Sprintf("octopus %d", n), global, tb, tc))
			h.octopuses++
		default:
			name := fmt.Sprintf("t%d", h.tags)
			r.Tag(name, rng.Intn(2) == 0, pick(h.commits))
			h.names = append(h.names, name)
			h.tags++
		}
	}
	if err := r.Err(); err != nil {
		t.Fatalf("history %d: %v", seed, err)
	}
	h.names = append(h.names, branches...)
	h.dir = t.TempDir()
	if err := r.Save(h.dir); err != nil {
		t.Fatalf("history %d: %v", seed, err)
	}
	return h
}

// countSkewed counts the commits older than one of their parents.
func countSkewed(t testing.TB, r *Repo, commits []string) int {
	n := 0
	for _, c := range commits {
		co, err := r.Commit(plumbing.NewHash(c))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range co.ParentHashes {
			pc, err := r.Commit(p)
			if err != nil {
				t.Fatal(err)
			}
			if co.Committer.When.Before(pc.Committer.When) {
				n++
				break
			}
		}
	}
	return n
}

// TestWalkAgainstGit compares RangeCommits, MergeBases, MergeBase, IsAncestor and Resolve with
// git on random histories: rev-list --topo-order --reverse TO ^FROM exactly (order included),
// merge-base --all as a set, merge-base's single answer, and merge-base --is-ancestor.
func TestWalkAgainstGit(t *testing.T) {
	requireGit(t)
	const histories, pairs = 30, 12
	var total, rangeOK, basesOK, baseOK, ancOK, multiBase, nonEmpty, skewKept int
	var skewed, merges, crissCross, octopuses, tags, commits int
	for seed := int64(1); seed <= histories; seed++ {
		h := genHistory(t, seed, 70)
		r := openRepo(t, h.dir)
		merges, crissCross, octopuses, tags = merges+h.merges, crissCross+h.crissCross, octopuses+h.octopuses, tags+h.tags
		commits += len(h.commits)
		skewed += countSkewed(t, r, h.commits)

		// Resolve: branches and tags (annotated ones peeled), full and short hashes.
		revs := append([]string{}, h.names...)
		revs = append(revs, h.commits[0], h.commits[len(h.commits)-1][:9])
		args := []string{"rev-parse"}
		for _, rev := range revs {
			args = append(args, rev+"^{commit}")
		}
		want := lines(gitOut(t, h.dir, args...))
		for i, rev := range revs {
			if got := mustResolve(t, r, rev); got.String() != want[i] {
				t.Errorf("history %d: Resolve(%s) = %s, git rev-parse says %s", seed, rev, got, want[i])
			}
		}

		rng := rand.New(rand.NewSource(seed * 7919))
		pickRev := func() string {
			if rng.Intn(4) == 0 {
				return h.names[rng.Intn(len(h.names))]
			}
			return h.commits[rng.Intn(len(h.commits))]
		}
		for i := 0; i < pairs; i++ {
			to, from := pickRev(), pickRev()
			if i%3 == 0 { // FROM older than TO in the making, as a release range is
				j := rng.Intn(len(h.commits))
				to, from = h.commits[j], h.commits[rng.Intn(j+1)]
			}
			toH, fromH := mustResolve(t, r, to), mustResolve(t, r, from)
			total++

			got, err := r.RangeCommits(toH, fromH)
			if err != nil {
				t.Fatalf("history %d: RangeCommits(%s, %s): %v", seed, to, from, err)
			}
			wantRange := lines(gitOut(t, h.dir, "rev-list", "--topo-order", "--reverse", to, "^"+from))
			if len(wantRange) > 0 {
				nonEmpty++
			}
			// git's walk stops SLOP commits into a run of excluded commits, so clock skew can
			// keep a commit FROM reaches; RangeCommits must keep it too
			reach := map[plumbing.Hash]bool{}
			if err := r.walkByDate([]plumbing.Hash{fromH}, func(n *commitNode) bool { reach[n.hash] = true; return true }); err != nil {
				t.Fatal(err)
			}
			for _, c := range got {
				if reach[c] {
					skewKept++
					break
				}
			}
			if g := hashes(got); equalStrings(g, wantRange) {
				rangeOK++
			} else {
				t.Errorf("history %d: RangeCommits(%s, ^%s) differs from git rev-list --topo-order --reverse: %s",
					seed, to, from, describeDiff(g, wantRange))
			}

			bases, err := r.MergeBases(toH, fromH)
			if err != nil {
				t.Fatalf("history %d: MergeBases(%s, %s): %v", seed, to, from, err)
			}
			out, _ := gitRun(t, h.dir, "", []int{1}, "merge-base", "--all", to, from)
			wantBases := lines(out)
			if len(wantBases) > 1 {
				multiBase++
			}
			if equalStrings(sorted(hashes(bases)), sorted(wantBases)) {
				basesOK++
			} else {
				t.Errorf("history %d: MergeBases(%s, %s) = %v, git merge-base --all says %v", seed, to, from, hashes(bases), wantBases)
			}
			if len(wantBases) > 0 {
				// git merge-base prints the first of --all's answers
				if b, err := r.MergeBase(toH, fromH); err != nil {
					t.Errorf("history %d: MergeBase(%s, %s): %v", seed, to, from, err)
				} else if b.String() == wantBases[0] {
					baseOK++
				} else {
					t.Errorf("history %d: MergeBase(%s, %s) = %s, git merge-base says %s (of %v)", seed, to, from, b, wantBases[0], wantBases)
				}
			} else {
				baseOK++
			}

			anc, err := r.IsAncestor(fromH, toH)
			if err != nil {
				t.Fatalf("history %d: IsAncestor: %v", seed, err)
			}
			_, code := gitRun(t, h.dir, "", []int{1}, "merge-base", "--is-ancestor", from, to)
			if anc == (code == 0) {
				ancOK++
			} else {
				t.Errorf("history %d: IsAncestor(%s, %s) = %v, git merge-base --is-ancestor exits %d", seed, from, to, anc, code)
			}
		}
	}
	t.Logf("%d histories, %d commits (%d merges, %d criss-cross pairs, %d octopus, %d older than a parent), %d tags",
		histories, commits, merges, crissCross, octopuses, skewed, tags)
	t.Logf("%d pairs (%d with a non-empty range, %d with several merge bases, %d where clock skew makes git keep commits FROM reaches): RangeCommits %d/%d equal to git rev-list, MergeBases %d/%d, MergeBase %d/%d, IsAncestor %d/%d",
		total, nonEmpty, multiBase, skewKept, rangeOK, total, basesOK, total, baseOK, total, ancOK, total)
	if multiBase == 0 || skewed == 0 || octopuses == 0 {
		t.Errorf("the random histories miss a case: %d pairs with several merge bases, %d skewed commits, %d octopus merges", multiBase, skewed, octopuses)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

// describeDiff says how two commit lists differ: in membership, or in order only.
func describeDiff(got, want []string) string {
	in := map[string]bool{}
	for _, h := range want {
		in[h] = true
	}
	var extra, missing []string
	have := map[string]bool{}
	for _, h := range got {
		have[h] = true
		if !in[h] {
			extra = append(extra, h[:8])
		}
	}
	for _, h := range want {
		if !have[h] {
			missing = append(missing, h[:8])
		}
	}
	if len(extra) == 0 && len(missing) == 0 {
		short := func(xs []string) string {
			var b strings.Builder
			for _, x := range xs {
				b.WriteString(x[:8] + " ")
			}
			return b.String()
		}
		return fmt.Sprintf("same %d commits in another order:\n got  %s\n want %s", len(got), short(got), short(want))
	}
	return fmt.Sprintf("got %d commits, git %d; extra %v, missing %v", len(got), len(want), extra, missing)
}
