package gitops

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/forkreview/forkreview/gitops/fixture"
)

// forkShape says what genFork builds.
type forkShape struct {
	release bool // FROM is tagged on a release branch that TO does not contain
	merge   bool // the fork merges commits of the range
	base    bool // --base is the last range commit the fork merged, not FROM
	skew    bool // some committers' clocks run behind
}

// genFork builds an upstream with a range FROM..TO full of feature branches, two-parent and
// criss-cross merges, and a fork branched at FROM, and returns the range as the user gives it.
func genFork(t testing.TB, seed int64, shape forkShape) (string, RangeSpec) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	r, err := fixture.InitMemory()
	if err != nil {
		t.Fatal(err)
	}
	clock := fixture.Epoch
	when := func() fixture.CommitOption {
		clock = clock.Add(time.Duration(1+rng.Intn(60)) * time.Minute)
		if shape.skew && rng.Intn(6) == 0 {
			return fixture.At(clock.Add(-time.Duration(1+rng.Intn(3*24)) * time.Hour))
		}
		return fixture.At(clock)
	}
	n := 0
	cur := fixture.DefaultBranch
	commit := func() string {
		// each commit adds its own files, so that no merge of this graph conflicts
		n++
		return r.Commit(fmt.Sprintf("%s: change %d", cur, n), fixture.Files{
			fmt.Sprintf("up/%s/%d.txt", strings.ReplaceAll(cur, "/", "-"), n): fmt.Sprintf("change %d\n", n),
			fmt.Sprintf("pkg%d/new%d.go", n%4, n):                             fmt.Sprintf("package pkg%d\n\nconst N%d = %d\n", n%4, n, n),
		}, when())
	}
	checkout := func(b string) {
		if b != cur {
			r.Checkout(b)
			cur = b
		}
	}

	shared := fixture.Files{}
	for i := 0; i < 8; i++ {
		shared[fmt.Sprintf("shared/s%d.go", i)] = textFile(rng, fmt.Sprintf("shared %d", i), 30)
	}
	r.Commit("import", shared, when())
	for i := 0; i < 4; i++ {
		commit()
	}
	from, to := "v1.13.15", "v1.14.0"
	if shape.release {
		r.Branch("release/1.13", "HEAD~1")
		checkout("release/1.13")
		commit()
		r.Tag("v1.13.14", false, "")
		commit()
		r.Tag(from, true, "")
		checkout(fixture.DefaultBranch)
	} else {
		r.Tag(from, true, "")
	}
	var upstream []string // range commits, in the order they were made
	branches := []string{fixture.DefaultBranch}
	for i := 0; i < 22; i++ {
		switch x := rng.Intn(10); {
		case x < 5:
			checkout(branches[rng.Intn(len(branches))])
			upstream = append(upstream, commit())
		case x < 7:
			name := fmt.Sprintf("feature%d", len(branches))
			r.Branch(name, upstream0(upstream, rng, r))
			branches = append(branches, name)
			checkout(name)
			upstream = append(upstream, commit())
		case x < 9:
			if len(branches) < 2 {
				continue
			}
			b := branches[1+rng.Intn(len(branches)-1)]
			checkout(fixture.DefaultBranch)
			if r.Resolve(b) == r.Resolve("") {
				continue
			}
			upstream = append(upstream, r.Merge("Merge branch "+b, b, when()))
		default: // criss-cross between main and a feature branch
			if len(branches) < 2 {
				continue
			}
			b := branches[1+rng.Intn(len(branches)-1)]
			tm, tb := r.Resolve(fixture.DefaultBranch), r.Resolve(b)
			if tm == tb {
				continue
			}
			checkout(fixture.DefaultBranch)
			upstream = append(upstream, r.Merge("criss "+b, tb, when()))
			checkout(b)
			upstream = append(upstream, r.Merge("cross main", tm, when()))
		}
	}
	checkout(fixture.DefaultBranch)
	upstream = append(upstream, commit())
	r.Tag(to, true, "")

	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	r.Branch("fork", from)
	checkout("fork")
	base := ""
	for i := 0; i < 10; i++ {
		if shape.merge && rng.Intn(3) == 0 {
			u := upstream[rng.Intn(len(upstream))]
			if r.Resolve(u) != "" {
				r.Merge("fork: take in "+u[:8], u, when())
				base = u
				continue
			}
		}
		n++
		p := fmt.Sprintf("shared/s%d.go", rng.Intn(8))
		r.Commit(fmt.Sprintf("fork: change %d", n), fixture.Files{
			p:                                   editLines(rng, r.File(p), 0.1),
			fmt.Sprintf("fork/f%d.go", n):       fmt.Sprintf("package fork\n\nconst F%d = %d\n", n, n),
			fmt.Sprintf("up/fork-own%d.txt", n): "fork\n",
		}, when())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := r.Save(dir); err != nil {
		t.Fatal(err)
	}
	spec := RangeSpec{From: from, To: to, Fork: "fork"}
	if shape.base && base != "" {
		spec.Base = base
	}
	return dir, spec
}

// upstream0 picks where a feature branch starts: a range commit, or main's HEAD.
func upstream0(upstream []string, rng *rand.Rand, r *fixture.Repo) string {
	if len(upstream) == 0 || rng.Intn(3) == 0 {
		return r.Resolve(fixture.DefaultBranch)
	}
	return upstream[rng.Intn(len(upstream))]
}

// checkLoad loads the range and compares it with git: the commits with rev-list, each
// commit's merge base with `git merge-base FORK u^`, the fork's own commits with rev-list
// --no-merges, and ForkAt with TreeChanges. It returns how many merge bases it compared and
// how many of them are not the base.
func checkLoad(t *testing.T, dir string, spec RangeSpec) (compared, moved int, fast bool) {
	t.Helper()
	ctx := context.Background()
	repo := openRepo(t, dir)
	rg, err := repo.ResolveRange(spec)
	if err != nil {
		t.Fatalf("ResolveRange(%+v): %v", spec, err)
	}
	in, err := repo.Load(ctx, rg)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	fork := rg.ForkCommit.String()
	if in.Base != rg.BaseCommit.String() || in.Fork != fork {
		t.Errorf("Load: Base %s, Fork %s; want %s, %s", in.Base, in.Fork, rg.BaseCommit, fork)
	}
	var got []string
	for _, c := range in.Commits {
		got = append(got, c.Hash)
	}
	want := lines(gitOut(t, dir, "rev-list", "--topo-order", "--reverse", spec.To, "^"+spec.From))
	if !equalStrings(got, want) {
		t.Errorf("Load's commits differ from git rev-list --topo-order --reverse %s ^%s: %s", spec.To, spec.From, describeDiff(got, want))
	}
	for _, c := range in.Commits {
		if len(c.Parents) == 0 {
			continue
		}
		if in.ForkHas[c.Hash] {
			// the fork merged this commit: it is applied as it is, and Load computes no W(u)
			if want := strings.TrimSpace(gitOut(t, dir, "merge-base", "--is-ancestor", c.Hash, fork)); want != "" {
				t.Errorf("merge-base --is-ancestor printed %q", want)
			}
			continue
		}
		mb := strings.TrimSpace(gitOut(t, dir, "merge-base", fork, c.Hash+"^"))
		compared++
		if c.MergeBase != mb {
			t.Errorf("commit %.8s (%s): MergeBase %.8s, git merge-base FORK u^ says %.8s", c.Hash, firstLineOf(c.Message), c.MergeBase, mb)
		}
		if c.MergeBase != in.Base {
			moved++
		}
		if _, ok := in.ForkAt[c.MergeBase]; !ok {
			t.Errorf("commit %.8s: ForkAt has no entry for its merge base %.8s", c.Hash, c.MergeBase)
		}
	}
	for m, chs := range in.ForkAt {
		want := gitRawDiff(t, dir, m, fork)
		if formatChanges(chs) != formatChanges(want) {
			t.Errorf("ForkAt[%.8s] differs from git diff --raw -M M FORK:%s", m, changeDiff(chs, want))
		}
	}
	wantFork := lines(gitOut(t, dir, "rev-list", "--topo-order", "--no-merges", fork, "^"+rg.BaseCommit.String()))
	if !equalStrings(in.ForkCommits, wantFork) {
		t.Errorf("ForkCommits differ from git rev-list --topo-order --no-merges FORK ^BASE: %s", describeDiff(in.ForkCommits, wantFork))
	}
	for _, h := range in.ForkCommits[:min(3, len(in.ForkCommits))] {
		chs, err := in.ForkCommitChanges(h)
		if err != nil {
			t.Fatalf("ForkCommitChanges(%.8s): %v", h, err)
		}
		if want := gitRawDiff(t, dir, h+"^", h); formatChanges(chs) != formatChanges(want) {
			t.Errorf("ForkCommitChanges(%.8s) differs from git:%s", h, changeDiff(chs, want))
		}
	}
	rc, err := repo.RangeCommits(rg.ToCommit, rg.FromCommit)
	if err != nil {
		t.Fatal(err)
	}
	fo, err := repo.RangeCommits(rg.ForkCommit, rg.BaseCommit)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := repo.newMergeBaser(rg, rc, fo)
	if err != nil {
		t.Fatal(err)
	}
	return compared, moved, mb.fast
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestLoadMergeBasesAgainstGit checks that Load's merge base of every upstream commit u, the
// base of W(u), is `git merge-base FORK u^`, both through the fast path (the fork holds none
// of the range) and the general one (the fork merged range commits; --base is not FROM).
func TestLoadMergeBasesAgainstGit(t *testing.T) {
	requireGit(t)
	cases := []struct {
		name  string
		seed  int64
		shape forkShape
	}{
		// like go-ethereum's v1.13.15 (on release/1.13) to v1.14.0 (on master)
		{"release branch", 1, forkShape{release: true}},
		{"fork merged range commits", 2, forkShape{merge: true}},
		{"base differs from FROM", 3, forkShape{merge: true, base: true}},
		{"release branch, base differs", 4, forkShape{release: true, merge: true, base: true}},
		{"clock skew", 5, forkShape{skew: true}},
	}
	for seed := int64(10); seed < 20; seed++ {
		rng := rand.New(rand.NewSource(seed))
		cases = append(cases, struct {
			name  string
			seed  int64
			shape forkShape
		}{fmt.Sprintf("random %d", seed), seed, forkShape{release: rng.Intn(2) == 0, merge: rng.Intn(2) == 0, base: rng.Intn(2) == 0, skew: rng.Intn(3) == 0}})
	}
	var total, moved, fast int
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, spec := genFork(t, c.seed, c.shape)
			if c.shape.base && spec.Base == "" {
				t.Logf("the fork merged nothing of the range; --base stays FROM")
			}
			if c.shape.release {
				if out, code := gitRun(t, dir, "", []int{1}, "merge-base", "--is-ancestor", spec.From, spec.To); code == 0 {
					t.Fatalf("FROM %s is an ancestor of TO %s: %s", spec.From, spec.To, out)
				}
			}
			n, m, f := checkLoad(t, dir, spec)
			total, moved = total+n, moved+m
			if f {
				fast++
			}
		})
	}
	t.Logf("%d ranges (%d through the fast path): %d merge bases compared with git merge-base FORK u^, %d of them not the base", len(cases), fast, total, moved)
}

// TestLoadSample loads the fixture package's sample fork (the demo's) and checks it the same
// way.
func TestLoadSample(t *testing.T) {
	requireGit(t)
	s, err := fixture.BuildSample(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n, _, _ := checkLoad(t, s.Dir, RangeSpec{From: s.From, To: s.To, Fork: s.Fork})
	if n == 0 {
		t.Fatal("the sample's range is empty")
	}
}

// TestResolveRangeFromTag checks that an empty FROM is the newest tag the fork contains, as
// `git describe --tags --abbrev=0 FORK` says.
func TestResolveRangeFromTag(t *testing.T) {
	requireGit(t)
	dir, spec := genFork(t, 7, forkShape{release: true})
	repo := openRepo(t, dir)
	rg, err := repo.ResolveRange(RangeSpec{To: spec.To, Fork: spec.Fork})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(gitOut(t, dir, "describe", "--tags", "--abbrev=0", "--match", "v*", spec.Fork))
	if rg.From != want || rg.Base != want || rg.BaseCommit != rg.FromCommit {
		t.Errorf("ResolveRange without FROM: From %q Base %q; git describe says %q", rg.From, rg.Base, want)
	}
	if _, err := repo.ResolveRange(RangeSpec{To: spec.To, Fork: spec.Fork, TagPattern: "release-*"}); err == nil || !strings.Contains(err.Error(), `"release-*"`) {
		t.Errorf("ResolveRange with a pattern no tag matches: %v", err)
	}
	// without TO: the newest release tag, in git's version order
	tags := lines(gitOut(t, dir, "tag", "--list", "v*", "--sort=version:refname"))
	if rg, err := repo.ResolveRange(RangeSpec{From: spec.From, Fork: spec.Fork}); err != nil || rg.To != tags[len(tags)-1] || !rg.Defaulted {
		t.Errorf("ResolveRange without TO: %+v %v; git's newest tag is %s", rg, err, tags[len(tags)-1])
	}
	if _, err := repo.ResolveRange(RangeSpec{From: spec.From, Fork: spec.Fork, TagPattern: "release-*"}); err == nil || !strings.Contains(err.Error(), "FROM..TO") {
		t.Errorf("ResolveRange without TO and no matching tag: %v", err)
	}
}

// TestLoadSkewedFromSide builds a range that git's limited walk gets wrong on purpose: FROM
// merges a run of commits dated years before the range, which descend from a range commit B.
// git's walk stops SLOP commits into that run, before it paints B, so rev-list TO ^FROM keeps
// B although FROM reaches it. Load must still take `git merge-base FORK u^` for each commit:
// B's child's merge base is B itself, not the commit below B.
func TestLoadSkewedFromSide(t *testing.T) {
	requireGit(t)
	r := fixture.New(t)
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Commit("root", fixture.Files{"root.txt": "root\n"}, fixture.At(old.Add(-time.Hour)))
	a := r.Commit("A", fixture.Files{"a.txt": "a\n"}, fixture.At(old.Add(-time.Minute)))
	b := r.Commit("B", fixture.Files{"b.txt": "b\n"}, fixture.At(fixture.Epoch))
	r.Commit("C", fixture.Files{"c.txt": "c\n"}, fixture.At(fixture.Epoch.Add(time.Hour)))
	r.Commit("D", fixture.Files{"d.txt": "d\n"}, fixture.At(fixture.Epoch.Add(2*time.Hour)))
	r.Tag("to", false, "")
	r.Branch("x", b)
	r.Checkout("x")
	for i := 0; i < 8; i++ { // a committer whose clock is 23 years behind
		r.Commit(fmt.Sprintf("X%d", i), fixture.Files{fmt.Sprintf("x%d.txt", i): "x\n"}, fixture.At(old.Add(time.Duration(i)*time.Minute)))
	}
	r.Branch("rel", a)
	r.Checkout("rel")
	r.Merge("FROM: merge x", "x", fixture.At(old.Add(time.Hour)))
	r.Tag("from", false, "")
	r.Branch("fork", "from")
	r.Checkout("fork")
	r.Commit("fork change", fixture.Files{"fork.txt": "fork\n"}, fixture.At(fixture.Epoch.Add(3*time.Hour)))

	rl := lines(gitOut(t, r.Dir, "rev-list", "--topo-order", "--reverse", "to", "^from"))
	if len(rl) == 0 || rl[0] != b {
		t.Fatalf("the history does not make git's walk keep B: rev-list gives %v", rl)
	}
	n, _, _ := checkLoad(t, r.Dir, RangeSpec{From: "from", To: "to", Fork: "fork"})
	if n < 2 {
		t.Fatalf("compared %d merge bases, want the range's C and D", n)
	}
}
