package review_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/forkreview/forkreview/gitops"
	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// gitVerdicts runs risk-model.md's ground-truth script with the git CLI: for each upstream
// commit of from..to, "applied", "conflict" or "clean".
func gitVerdicts(t testing.TB, dir, fork, from, to string) map[string]string {
	t.Helper()
	script, err := filepath.Abs("../scripts/git-oracle.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script, fork, from, to)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git oracle: %v\n%s", err, out)
	}
	v := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			v[f[0]] = f[1]
		}
	}
	return v
}

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: the differential test against git merge-tree needs it")
	}
	out, err := exec.Command("git", "merge-tree", "-h").CombinedOutput()
	if !strings.Contains(string(out), "write-tree") {
		t.Skipf("git is older than 2.38 (merge-tree has no --write-tree): %v", err)
	}
}

// scanRepo classifies from..to against fork in dir, as forkreview scan does.
func scanRepo(t testing.TB, dir, fork, from, to string) []review.Commit {
	t.Helper()
	repo, err := gitops.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	rg, err := repo.ResolveRange(gitops.RangeSpec{From: from, To: to, Fork: fork})
	if err != nil {
		t.Fatal(err)
	}
	in, err := repo.Load(context.Background(), rg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := review.Classify(context.Background(), in, repo, review.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Commits
}

func verdict(r review.Risk) string {
	switch r {
	case review.RiskApplied:
		return "applied"
	case review.RiskConflict:
		return "conflict"
	}
	return "clean"
}

// TestClassifyAgreesWithGit builds random fork/upstream histories (edits that overlap, touch
// and miss each other, identical changes, backports, renames, deletes, adds, merges) and
// compares conflict and applied with git merge-tree, as risk-model.md defines them.
func TestClassifyAgreesWithGit(t *testing.T) {
	needGit(t)
	seeds := 24
	if testing.Short() {
		seeds = 6
	}
	total, agree := 0, 0
	counts := map[string]int{}
	only := int64(0)
	if s := os.Getenv("FORKREVIEW_SEED"); s != "" {
		fmt.Sscan(s, &only)
	}
	for seed := 1; seed <= seeds; seed++ {
		if only != 0 && int64(seed) != only {
			continue
		}
		h := newHistory(t, int64(seed))
		got := scanRepo(t, h.r.Dir, "fork", "v1", "v2")
		want := gitVerdicts(t, h.r.Dir, "fork", "v1", "v2")
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d commits, git lists %d", seed, len(got), len(want))
		}
		for _, c := range got {
			total++
			counts[want[c.Hash]]++
			if verdict(c.Risk) == want[c.Hash] {
				agree++
				continue
			}
			if keep := os.Getenv("FORKREVIEW_KEEP"); keep != "" {
				_ = exec.Command("cp", "-r", h.r.Dir, filepath.Join(keep, fmt.Sprint(seed))).Run()
			}
			t.Logf("seed %d (%s): %s %q: forkreview %s, git %s; reasons %q", seed, h.r.Dir, c.Short(), c.Subject, c.Risk, want[c.Hash], c.Reasons)
		}
	}
	rate := float64(agree) / float64(total) * 100
	t.Logf("agreement with git merge-tree: %d/%d commits (%.2f%%); git verdicts %v", agree, total, rate, counts)
	fmt.Printf("classify vs git merge-tree: %d/%d commits agree (%.2f%%), git verdicts %v\n", agree, total, rate, counts)
	if rate < 99 {
		t.Fatalf("agreement %.2f%% is below 99%%", rate)
	}
	if counts["conflict"] == 0 || counts["applied"] == 0 || counts["clean"] == 0 {
		t.Fatalf("the generated histories must exercise every outcome, got %v", counts)
	}
}

// history is a random upstream with tags v1 and v2 and a fork branched at v1.
type history struct {
	r     *fixture.Repo
	rnd   *rand.Rand
	files map[string][]string // current content per path on the branch being built
}

func newHistory(t testing.TB, seed int64) *history {
	h := &history{r: fixture.New(t), rnd: rand.New(rand.NewSource(seed)), files: map[string][]string{}}
	init := fixture.Files{}
	for i := 0; i < 8; i++ {
		p := fmt.Sprintf("pkg%d/file%d.txt", i%3, i)
		lines := make([]string, 20+h.rnd.Intn(30))
		for j := range lines {
			lines[j] = fmt.Sprintf("%s line %d", p, j)
		}
		h.files[p] = lines
		init[p] = join(lines)
	}
	h.r.Commit("initial", init)
	h.r.Tag("v1", true, "")
	base := copyFiles(h.files)

	// upstream: a run of commits on main, with a side branch merged in
	var upstream []fixture.Files
	for i := 0; i < 10; i++ {
		ch := h.randomChange(fmt.Sprintf("up%d", i))
		upstream = append(upstream, ch)
		h.r.Commit(fmt.Sprintf("upstream change %d", i), ch, fixture.AllowEmpty())
	}
	h.r.Branch("side", "")
	h.r.Checkout("side")
	sideFiles := copyFiles(h.files)
	for i := 0; i < 3; i++ {
		h.r.Commit(fmt.Sprintf("side change %d", i), h.randomChange(fmt.Sprintf("side%d", i)), fixture.AllowEmpty())
	}
	h.r.Checkout("main")
	h.files = sideFiles
	h.files = h.mergedFiles(t)
	for i := 10; i < 14; i++ {
		ch := h.randomChange(fmt.Sprintf("up%d", i))
		upstream = append(upstream, ch)
		h.r.Commit(fmt.Sprintf("upstream change %d", i), ch, fixture.AllowEmpty())
	}
	h.r.Tag("v2", true, "")

	// the fork: from v1, its own changes near and far from upstream's, and backports
	h.r.Branch("fork", "v1")
	h.r.Checkout("fork")
	h.files = base
	for i := 0; i < 6; i++ {
		h.r.Commit(fmt.Sprintf("fork change %d", i), h.randomChange(fmt.Sprintf("fork%d", i)), fixture.AllowEmpty())
	}
	// backport: the exact change of a random upstream commit, where it applies cleanly
	for k := 0; k < 2; k++ {
		ch := upstream[h.rnd.Intn(len(upstream))]
		back := fixture.Files{}
		for p, c := range ch {
			if _, ok := h.files[p]; ok || c != fixture.Delete {
				back[p] = c
			}
		}
		if len(back) == 0 {
			continue
		}
		h.apply(back)
		h.r.Commit(fmt.Sprintf("backport %d", k), back, fixture.AllowEmpty())
	}
	return h
}

// mergedFiles merges side into main with the builder and returns main's files afterwards.
func (h *history) mergedFiles(t testing.TB) map[string][]string {
	t.Helper()
	h.r.Merge("Merge branch 'side'", "side")
	files := map[string][]string{}
	err := filepath.Walk(h.r.Dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if fi.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(h.r.Dir, p)
		files[filepath.ToSlash(rel)] = split(string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func (h *history) apply(ch fixture.Files) {
	for p, c := range ch {
		if c == fixture.Delete {
			delete(h.files, p)
		} else {
			h.files[p] = split(c)
		}
	}
}

// randomChange edits one to three files: replaced, inserted and deleted lines, sometimes a new
// file, a deleted file or a renamed one (delete + add of similar content).
func (h *history) randomChange(tag string) fixture.Files {
	ch := fixture.Files{}
	paths := make([]string, 0, len(h.files))
	for p := range h.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return fixture.Files{"new-" + tag + ".txt": tag + "\n"}
	}
	switch x := h.rnd.Intn(20); {
	case x == 0:
		p := fmt.Sprintf("pkg%d/%s.txt", h.rnd.Intn(3), tag)
		ch[p] = tag + " one\n" + tag + " two\n"
	case x == 1 && len(paths) > 3:
		ch[paths[h.rnd.Intn(len(paths))]] = fixture.Delete
	case x == 2:
		p := paths[h.rnd.Intn(len(paths))]
		lines := append([]string(nil), h.files[p]...)
		if len(lines) > 2 {
			lines[h.rnd.Intn(len(lines))] = tag + " renamed edit"
		}
		ch[p] = fixture.Delete
		ch[strings.TrimSuffix(p, ".txt")+"-"+tag+".txt"] = join(lines)
	default:
		for n := 1 + h.rnd.Intn(2); n > 0; n-- {
			p := paths[h.rnd.Intn(len(paths))]
			lines := append([]string(nil), h.files[p]...)
			for e := 1 + h.rnd.Intn(3); e > 0 && len(lines) > 0; e-- {
				i := h.rnd.Intn(len(lines))
				switch h.rnd.Intn(4) {
				case 0:
					lines[i] = lines[i] + " " + tag
				case 1:
					lines = append(lines[:i], append([]string{tag + " inserted"}, lines[i:]...)...)
				case 2:
					lines = append(lines[:i], lines[i+1:]...)
				case 3: // the same edit a rival side would make: identical changes
					lines[i] = strings.Fields(lines[i])[0] + " common edit " + fmt.Sprint(i)
				}
			}
			ch[p] = join(lines)
		}
	}
	h.apply(ch)
	return ch
}

func copyFiles(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func join(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

func split(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// TestForkMergedPartOfTheRange: a fork that already merged upstream commits of the range (an
// earlier release, say) has them as applied, as git does: they are ancestors of W(u).
func TestForkMergedPartOfTheRange(t *testing.T) {
	needGit(t)
	r := fixture.New(t)
	r.Commit("initial", fixture.Files{"a.txt": "a1\na2\na3\n", "b.txt": "b1\nb2\nb3\n", "c.txt": "c1\nc2\nc3\n"})
	r.Tag("v1", true, "")
	r.Commit("upstream: a", fixture.Files{"a.txt": "a1\nA2\na3\n"})
	mid := r.Commit("upstream: b", fixture.Files{"b.txt": "b1\nB2\nb3\n"})
	r.Commit("upstream: c", fixture.Files{"c.txt": "c1\nC2\nc3\n", "b.txt": "b1\nB2\nb3 more\n"})
	r.Tag("v2", true, "")
	r.Branch("fork", "v1")
	r.Checkout("fork")
	r.Commit("fork: own change", fixture.Files{"c.txt": "c1\nc2 fork\nc3\n"})
	r.Merge("Merge upstream up to b", mid)
	// a fork change right next to b's, after the merge: merging b again line by line would
	// conflict, but git sees b in the fork's history
	r.Commit("fork: next to b", fixture.Files{"b.txt": "b1\nB2\nb3 fork\n"})
	got := scanRepo(t, r.Dir, "fork", "v1", "v2")
	want := gitVerdicts(t, r.Dir, "fork", "v1", "v2")
	risks := map[string]review.Risk{}
	for _, c := range got {
		risks[c.Subject] = c.Risk
		if verdict(c.Risk) != want[c.Hash] {
			t.Errorf("%q: forkreview %s, git %s; %q", c.Subject, c.Risk, want[c.Hash], c.Reasons)
		}
	}
	if risks["upstream: a"] != review.RiskApplied || risks["upstream: b"] != review.RiskApplied || risks["upstream: c"] != review.RiskConflict {
		t.Errorf("risks %v", risks)
	}
}

// TestEmptyFileMovesAreNotRenames: git's merge never pairs empty files as renames (any empty
// file is like any other), so upstream moving an empty file that the fork deleted is a delete
// and an add that merge cleanly, not a rename/delete conflict; moving one the fork kept is clean.
func TestEmptyFileMovesAreNotRenames(t *testing.T) {
	needGit(t)
	r := fixture.New(t)
	r.Commit("initial", fixture.Files{"a/.keep": "", "a/x.txt": "x\n", "c/__init__.py": "", "c/y.py": "y\n"})
	r.Tag("v1", true, "")
	r.Rename("a/.keep", "b/.keep")
	r.Commit("move .keep", nil)
	r.Rename("c/__init__.py", "d/__init__.py")
	r.Commit("move __init__.py", nil)
	r.Tag("v2", true, "")
	r.Branch("fork", "v1")
	r.Checkout("fork")
	r.Commit("fork: drop .keep", fixture.Files{"a/.keep": fixture.Delete})
	got := scanRepo(t, r.Dir, "fork", "v1", "v2")
	want := gitVerdicts(t, r.Dir, "fork", "v1", "v2")
	if len(got) != 2 {
		t.Fatalf("%d commits", len(got))
	}
	for _, c := range got {
		if c.Risk == review.RiskConflict || verdict(c.Risk) != want[c.Hash] {
			t.Errorf("%q: forkreview %s (%q), git %s", c.Subject, c.Risk, c.Reasons, want[c.Hash])
		}
	}
}

// TestDirectoryRenamesAgreeWithGit: upstream commits that move whole folders (all at once,
// split between two places with and without a majority, a nested folder, into the top folder,
// with edits, or leaving a file behind), against forks that added files in those folders or
// elsewhere, or moved a file out themselves; git's directory rename detection decides, and
// forkreview must agree with it commit by commit.
func TestDirectoryRenamesAgreeWithGit(t *testing.T) {
	needGit(t)
	total, conflicts := 0, 0
	for seed := int64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewSource(seed))
		r := fixture.New(t)
		files := fixture.Files{}
		for _, p := range []string{"A/a1.go", "A/a2.go", "A/a3.go", "A/a4.go", "A/sub/s1.go", "A/sub/s2.go", "C/c1.go", "C/c2.go", "top.go"} {
			files[p] = movable(p, 6+rng.Intn(6))
		}
		r.Commit("initial", files)
		r.Tag("v1", true, "")
		moves := []func(){
			func() { // the whole folder, at once
				for _, p := range []string{"A/a1.go", "A/a2.go", "A/a3.go", "A/a4.go", "A/sub/s1.go", "A/sub/s2.go"} {
					r.Rename(p, "B/"+strings.TrimPrefix(p, "A/"))
				}
				r.Commit("move A to B", nil)
			},
			func() { // split between two places: a tie
				r.Rename("A/a1.go", "B/a1.go")
				r.Rename("A/a2.go", "B/a2.go")
				r.Rename("A/a3.go", "E/a3.go")
				r.Rename("A/a4.go", "E/a4.go")
				r.Commit("split A", nil)
			},
			func() { // split with a majority, and an edit on the way
				r.Rename("A/a1.go", "B/a1.go")
				r.Rename("A/a2.go", "B/a2.go")
				r.Rename("A/a3.go", "B/a3.go")
				r.Rename("A/a4.go", "E/a4.go")
				r.Commit("mostly to B", fixture.Files{"B/a1.go": files["A/a1.go"] + "one more line\n"})
			},
			func() { // a nested folder
				r.Rename("A/sub/s1.go", "X/sub/s1.go")
				r.Rename("A/sub/s2.go", "X/sub/s2.go")
				r.Commit("move A/sub to X/sub", nil)
			},
			func() { // into the top folder
				r.Rename("C/c1.go", "c1.go")
				r.Rename("C/c2.go", "c2.go")
				r.Commit("flatten C", nil)
			},
			func() { // a file stays behind: the folder is not removed
				r.Rename("C/c1.go", "D/c1.go")
				r.Commit("move c1 only", nil)
			},
		}
		k := rng.Intn(len(moves))
		moves[k]()
		if rng.Intn(2) == 0 {
			r.Commit("unrelated", fixture.Files{"top.go": files["top.go"] + "tail\n"})
		}
		r.Tag("v2", true, "")
		r.Branch("fork", "v1")
		r.Checkout("fork")
		forkFiles := fixture.Files{}
		for _, p := range []string{"A/fork.go", "A/sub/fork.go", "C/fork.go", "A/deeper/new.go", "F/fork.go"} {
			if rng.Intn(2) == 0 {
				forkFiles[p] = movable("fork "+p, 3)
			}
		}
		if len(forkFiles) == 0 {
			forkFiles["F/fork.go"] = movable("fork", 3)
		}
		r.Commit("fork: add files", forkFiles)
		switch rng.Intn(4) {
		case 0:
			r.Rename("A/a4.go", "F/a4.go")
			r.Commit("fork: move a4 out", nil)
		case 1: // a file the fork moves into a folder upstream moves away moves along too
			r.Rename("C/c2.go", "A/c2.go")
			r.Commit("fork: move c2 into A", nil)
		}
		n, k := compareWithGit(t, r.Dir, fmt.Sprintf("seed %d (the fork added %v)", seed, keys(forkFiles)))
		total, conflicts = total+n, conflicts+k
	}
	t.Logf("%d upstream commits, %d of them conflicts for git", total, conflicts)
	if conflicts == 0 {
		t.Error("no scenario made git report a conflict")
	}
}

// movable is the content of a file of n lines that rename detection recognises when it moves.
func movable(tag string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s line %d of a file that is long enough to be recognised when moved\n", tag, i)
	}
	return b.String()
}

// compareWithGit classifies v1..v2 against the branch fork in dir and reports every commit
// whose verdict differs from git's; it returns how many commits there were and how many git
// found in conflict.
func compareWithGit(t *testing.T, dir, what string) (commits, conflicts int) {
	t.Helper()
	got := scanRepo(t, dir, "fork", "v1", "v2")
	want := gitVerdicts(t, dir, "fork", "v1", "v2")
	for _, c := range got {
		commits++
		if want[c.Hash] == "conflict" {
			conflicts++
		}
		if verdict(c.Risk) != want[c.Hash] {
			t.Errorf("%s, %q: forkreview %s %q, git %s", what, c.Subject, c.Risk, c.Reasons, want[c.Hash])
		}
	}
	return commits, conflicts
}

func keys(f fixture.Files) []string {
	var ks []string
	for k := range f {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestForkDirectoryRenamesAgreeWithGit is the other direction: the fork moved a folder (whole,
// split, nested), and upstream commits add files to it, edit its files, or work elsewhere.
func TestForkDirectoryRenamesAgreeWithGit(t *testing.T) {
	needGit(t)
	total, conflicts := 0, 0
	for seed := int64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewSource(seed))
		r := fixture.New(t)
		files := fixture.Files{}
		for _, p := range []string{"A/a1.go", "A/sub/s1.go", "A/sub/s2.go", "C/c1.go", "C/c2.go", "C/c3.go", "top.go"} {
			files[p] = movable(p, 6+rng.Intn(6))
		}
		r.Commit("initial", files)
		r.Tag("v1", true, "")
		adds := []fixture.Files{
			{"C/new.go": movable("up C", 4)},
			{"A/sub/new.go": movable("up sub", 4)},
			{"top2.go": movable("up top", 4)},
			{"C/c1.go": files["C/c1.go"] + "an upstream line\n"},
			{"C/deep/new.go": movable("up deep", 4)},
		}
		for _, k := range rng.Perm(len(adds))[:1+rng.Intn(2)] {
			r.Commit(fmt.Sprintf("upstream change %d", k), adds[k])
		}
		r.Tag("v2", true, "")
		r.Branch("fork", "v1")
		r.Checkout("fork")
		switch rng.Intn(4) {
		case 0:
			for _, p := range []string{"C/c1.go", "C/c2.go", "C/c3.go"} {
				r.Rename(p, "G/"+strings.TrimPrefix(p, "C/"))
			}
			r.Commit("fork: move C to G", nil)
		case 1:
			r.Rename("C/c1.go", "G/c1.go")
			r.Rename("C/c2.go", "H/c2.go")
			r.Rename("C/c3.go", "I/c3.go")
			r.Commit("fork: split C", nil)
		case 2:
			r.Rename("A/sub/s1.go", "Y/sub/s1.go")
			r.Rename("A/sub/s2.go", "Y/sub/s2.go")
			r.Commit("fork: move A/sub", nil)
		default:
			r.Commit("fork: elsewhere", fixture.Files{"F/fork.go": movable("fork", 3)})
		}
		n, k := compareWithGit(t, r.Dir, fmt.Sprintf("seed %d", seed))
		total, conflicts = total+n, conflicts+k
	}
	t.Logf("%d upstream commits, %d of them conflicts for git", total, conflicts)
	if conflicts == 0 {
		t.Error("no scenario made git report a conflict")
	}
}
