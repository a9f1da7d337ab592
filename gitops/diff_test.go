package gitops

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

var words = strings.Fields(`state trie block header receipt account nonce balance storage code
	hash root gas price limit fee tip blob sidecar peer handler server client engine payload
	fork chain config rules epoch slot proof witness journal snapshot cache index filter log
	topic bloom miner worker pool queue pending reorg head finalized safe genesis`)

// textFile makes n lines of random words; the first line is unique to tag, so that no two
// generated files are alike by chance.
func textFile(rng *rand.Rand, tag string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// %s\n", tag)
	for i := 1; i < n; i++ {
		k := 3 + rng.Intn(6)
		for j := 0; j < k; j++ {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.Intn(len(words))])
		}
		fmt.Fprintf(&b, " %d\n", rng.Intn(1000))
	}
	return b.String()
}

// editLines replaces about share of the lines of s (but never the first) with new ones.
func editLines(rng *rand.Rand, s string, share float64) string {
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	n := int(float64(len(ls)-1)*share + 0.5)
	if n < 1 {
		n = 1
	}
	for _, i := range rng.Perm(len(ls) - 1)[:min(n, len(ls)-1)] {
		ls[i+1] = fmt.Sprintf("edited %s line %d\n", words[rng.Intn(len(words))], rng.Intn(1e6))
	}
	return strings.Join(ls, "")
}

// gitRawDiff runs `git diff --raw -M --no-rename-empty -l7000 -z --no-abbrev a b` (the renames
// git's merge sees) and returns its changes in gitops'
// terms. git's T (type change, a file became a link) is a modification to gitops.
func gitRawDiff(t testing.TB, dir, a, b string) []review.TreeChange {
	t.Helper()
	out := gitOut(t, dir, "diff", "--raw", "-M", "--no-rename-empty", "-l7000", "-z", "--no-abbrev", a, b)
	f := strings.Split(out, "\x00")
	var chs []review.TreeChange
	for i := 0; i+1 < len(f); {
		meta := strings.Fields(strings.TrimPrefix(f[i], ":"))
		if len(meta) != 5 {
			t.Fatalf("git diff --raw: unexpected record %q", f[i])
		}
		om, _ := strconv.ParseUint(meta[0], 8, 32)
		nm, _ := strconv.ParseUint(meta[1], 8, 32)
		tc := review.TreeChange{OldMode: uint32(om), NewMode: uint32(nm), OldBlob: meta[2], NewBlob: meta[3]}
		if tc.OldBlob == plumbing.ZeroHash.String() {
			tc.OldBlob = ""
		}
		if tc.NewBlob == plumbing.ZeroHash.String() {
			tc.NewBlob = ""
		}
		switch st := meta[4]; st[0] {
		case 'A':
			tc.Status, tc.Path = review.StatusAdded, f[i+1]
		case 'D':
			tc.Status, tc.Path = review.StatusDeleted, f[i+1]
		case 'M', 'T':
			tc.Status, tc.Path = review.StatusModified, f[i+1]
		case 'R':
			tc.Status, tc.OldPath, tc.Path = review.StatusRenamed, f[i+1], f[i+2]
			i++
		default:
			t.Fatalf("git diff --raw: unexpected status %q", st)
		}
		chs = append(chs, tc)
		i += 2
	}
	sort.Slice(chs, func(i, j int) bool { return chs[i].Path < chs[j].Path })
	return chs
}

// changeDiff lists the changes only one side has.
func changeDiff(got, want []review.TreeChange) string {
	g := strings.Split(formatChanges(got), "\n")
	w := strings.Split(formatChanges(want), "\n")
	in := func(xs []string, x string) bool {
		for _, y := range xs {
			if y == x {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, x := range g {
		if x != "" && !in(w, x) {
			b.WriteString("\n  gitops:" + x)
		}
	}
	for _, x := range w {
		if x != "" && !in(g, x) {
			b.WriteString("\n  git:   " + x)
		}
	}
	return b.String()
}

func formatChanges(chs []review.TreeChange) string {
	var b strings.Builder
	for _, c := range chs {
		fmt.Fprintf(&b, "\n    %-8s %06o %06o %.7s %.7s %s", c.Status, c.OldMode, c.NewMode, c.OldBlob, c.NewBlob, c.Path)
		if c.OldPath != "" {
			fmt.Fprintf(&b, " (from %s)", c.OldPath)
		}
	}
	return b.String()
}

// TestTreeChangesAgainstGit compares TreeChanges with `git diff --raw -M` on generated commits:
// edits, adds, deletes, exact renames, renames with small and with large edits (the latter
// fall below git's 50% and are a delete and an add), moves into new folders, mode changes,
// symbolic links (added, retargeted, replacing a file) and an empty file.
func TestTreeChangesAgainstGit(t *testing.T) {
	requireGit(t)
	ctx := context.Background()
	const seeds, commitsPerSeed = 6, 8
	var pairs, agree int
	seen := map[review.FileStatus]int{}
	var modeChanges, links int
	for seed := int64(1); seed <= seeds; seed++ {
		rng := rand.New(rand.NewSource(seed))
		r, err := fixture.InitMemory()
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		base := fixture.Files{"empty/.keep": ""}
		files["empty/.keep"] = ""
		dirs := []string{"core", "core/vm", "core/state", "eth/protocols/snap", "p2p", "rpc", "cmd/tool"}
		for i := 0; i < 24; i++ {
			p := fmt.Sprintf("%s/file%d.go", dirs[rng.Intn(len(dirs))], i)
			base[p] = textFile(rng, p, 10+rng.Intn(50))
			files[p] = base[p]
		}
		base["scripts/run.sh"] = "#!/bin/sh\necho run\n"
		files["scripts/run.sh"] = base["scripts/run.sh"]
		commits := []string{r.Commit("base", base, fixture.WithSymlink("link", "core"))}
		r.Chmod("scripts/run.sh", filemode.Executable)
		commits = append(commits, r.Commit("make run.sh executable", nil))
		modeChanges++
		links++

		next := 100
		newPath := func() string {
			next++
			return fmt.Sprintf("%s/new%d.go", dirs[rng.Intn(len(dirs))], next)
		}
		for c := 0; c < commitsPerSeed; c++ {
			used := map[string]bool{}
			pickFile := func() string {
				var ps []string
				for p := range files {
					if !used[p] && strings.HasSuffix(p, ".go") {
						ps = append(ps, p)
					}
				}
				if len(ps) == 0 {
					return ""
				}
				sort.Strings(ps)
				p := ps[rng.Intn(len(ps))]
				used[p] = true
				return p
			}
			change := fixture.Files{}
			var opts []fixture.CommitOption
			for k := 0; k < 3+rng.Intn(4); k++ {
				switch op := rng.Intn(9); op {
				case 0, 1: // edit a few lines
					if p := pickFile(); p != "" {
						change[p] = editLines(rng, files[p], 0.1)
						files[p] = change[p]
					}
				case 2: // add
					p := newPath()
					change[p] = textFile(rng, p, 5+rng.Intn(30))
					files[p] = change[p]
					used[p] = true
				case 3: // delete
					if p := pickFile(); p != "" {
						change[p] = fixture.Delete
						delete(files, p)
					}
				case 4, 5, 6: // rename: exact, with a small edit, or rewritten (below 50%)
					p := pickFile()
					if p == "" {
						continue
					}
					to := newPath()
					if rng.Intn(3) == 0 {
						to = fmt.Sprintf("moved/deep/er/%d/%s", next, p[strings.LastIndex(p, "/")+1:])
					}
					r.Rename(p, to)
					used[to] = true
					content := files[p]
					delete(files, p)
					switch op {
					case 5:
						content = editLines(rng, content, 0.15)
						change[to] = content
					case 6:
						content = editLines(rng, content, 0.8)
						change[to] = content
					}
					files[to] = content
				case 7: // mode change
					if p := pickFile(); p != "" {
						mode := filemode.Executable
						if rng.Intn(3) == 0 {
							// a mode change with an edit
							change[p] = editLines(rng, files[p], 0.1)
							files[p] = change[p]
						}
						r.Chmod(p, mode)
						modeChanges++
					}
				case 8: // symbolic links: new, retargeted, or replacing a file
					links++
					switch rng.Intn(3) {
					case 0:
						opts = append(opts, fixture.WithSymlink(fmt.Sprintf("links/l%d", next), "../core"))
						next++
					case 1:
						opts = append(opts, fixture.WithSymlink("link", fmt.Sprintf("target%d", next)))
						next++
					default:
						if p := pickFile(); p != "" {
							opts = append(opts, fixture.WithSymlink(p, "elsewhere.go"))
							delete(files, p)
						}
					}
				}
			}
			if len(change) == 0 && len(opts) == 0 {
				change[newPath()] = "added so that the commit is not empty\n"
			}
			commits = append(commits, r.Commit(fmt.Sprintf("change %d", c), change, opts...))
		}
		// look-alike files moved at once, as go-ethereum's fuzzers were: identical ones (ties
		// among exact renames), near-identical ones (ties among scored ones), a file name that
		// stays unique (the basename pass) and one that does not
		lookAlike := textFile(rng, "lookalike", 30)
		near := func(i int) string { return strings.Replace(lookAlike, "\n", fmt.Sprintf(" // v%d\n", i), 1) }
		spread := fixture.Files{}
		for i, d := range []string{"fuzz/a", "fuzz/b", "fuzz/c"} {
			spread[d+"/debug/main.go"] = lookAlike
			spread[d+"/near.go"] = near(i)
		}
		spread["fuzz/only/unique_name.go"] = editLines(rng, lookAlike, 0.05)
		commits = append(commits, r.Commit("add look-alikes", spread))
		moved := fixture.Files{}
		for p := range spread {
			moved[p] = fixture.Delete
		}
		for i, d := range []string{"x", "y", "z/deeper"} {
			moved["tests/"+d+"/main_test.go"] = lookAlike
			moved["tests/"+d+"/near_test.go"] = near(2 - i)
		}
		moved["tests/debug/main.go"] = lookAlike
		moved["elsewhere/unique_name.go"] = editLines(rng, spread["fuzz/only/unique_name.go"], 0.15)
		commits = append(commits, r.Commit("move look-alikes", moved))
		// an empty file moved elsewhere (a delete and an add for git's merge)
		r.Rename("empty/.keep", "kept/.keep")
		commits = append(commits, r.Commit("move .keep", nil))
		if err := r.Err(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		dir := t.TempDir()
		if err := r.Save(dir); err != nil {
			t.Fatal(err)
		}
		repo := openRepo(t, dir)

		// every commit against its parent, and wider spans
		type span struct{ a, b string }
		var spans []span
		for i := 1; i < len(commits); i++ {
			spans = append(spans, span{commits[i-1], commits[i]})
		}
		spans = append(spans, span{commits[0], commits[len(commits)-1]}, span{commits[2], commits[len(commits)/2]})
		for _, sp := range spans {
			got, err := repo.TreeChanges(ctx, plumbing.NewHash(sp.a), plumbing.NewHash(sp.b))
			if err != nil {
				t.Fatalf("TreeChanges: %v", err)
			}
			want := gitRawDiff(t, dir, sp.a, sp.b)
			pairs++
			if formatChanges(got) == formatChanges(want) {
				agree++
			} else {
				t.Errorf("seed %d: TreeChanges(%.7s, %.7s) differs from git diff --raw -M --no-rename-empty:%s", seed, sp.a, sp.b, changeDiff(got, want))
			}
			for _, c := range want {
				seen[c.Status]++
			}
		}
	}
	t.Logf("%d diffs (%d added, %d modified, %d deleted, %d renamed files; %d mode changes, %d link changes made): %d/%d equal to git diff --raw -M --no-rename-empty",
		pairs, seen[review.StatusAdded], seen[review.StatusModified], seen[review.StatusDeleted], seen[review.StatusRenamed], modeChanges, links, agree, pairs)
	for _, st := range []review.FileStatus{review.StatusAdded, review.StatusModified, review.StatusDeleted, review.StatusRenamed} {
		if seen[st] == 0 {
			t.Errorf("the generated commits have no %s file", st)
		}
	}
}

// TestTreeChangesRoot diffs the first commit against the empty tree, as `git diff --raw
// EMPTY C` (git show of a root commit) does.
func TestTreeChangesRoot(t *testing.T) {
	requireGit(t)
	r := fixture.New(t)
	root := r.Commit("root", fixture.Files{"a.txt": "a\n", "d/b.txt": "b\n"}, fixture.WithSymlink("l", "a.txt"))
	repo := openRepo(t, r.Dir)
	got, err := repo.TreeChanges(context.Background(), plumbing.ZeroHash, plumbing.NewHash(root))
	if err != nil {
		t.Fatal(err)
	}
	emptyTree := strings.TrimSpace(gitOut(t, r.Dir, "hash-object", "-t", "tree", "/dev/null"))
	if want := gitRawDiff(t, r.Dir, emptyTree, root); formatChanges(got) != formatChanges(want) {
		t.Errorf("TreeChanges(root) differs from git:\n  got:%s\n  git:%s", formatChanges(got), formatChanges(want))
	}
}

// TestRenameThresholdAgainstGit renames files with between a third and two thirds of their
// lines rewritten, around git's 50% similarity threshold, where go-git's estimate (JGit's
// line hashes, with 1% of the score from the path) and git's (diffcore-delta's chunk
// hashes) can disagree. It reports how often they agree and requires nearly always.
func TestRenameThresholdAgainstGit(t *testing.T) {
	requireGit(t)
	rng := rand.New(rand.NewSource(99))
	r, err := fixture.InitMemory()
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	files := fixture.Files{}
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("pkg%d/file%d.go", i%6, i)
		files[p] = textFile(rng, p, 20+rng.Intn(40))
	}
	commits := []string{r.Commit("base", files)}
	for i := 0; i < n; i++ {
		from := fmt.Sprintf("pkg%d/file%d.go", i%6, i)
		to := fmt.Sprintf("moved%d/file%d.go", i%4, i)
		if i%2 == 0 {
			to = fmt.Sprintf("pkg%d/renamed%d.go", i%6, i) // same folder
		}
		r.Rename(from, to)
		share := 0.3 + 0.4*float64(i)/n
		commits = append(commits, r.Commit(fmt.Sprintf("rename %d", i), fixture.Files{to: editLines(rng, files[from], share)}))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := r.Save(dir); err != nil {
		t.Fatal(err)
	}
	repo := openRepo(t, dir)
	agree, renamed := 0, 0
	var differ []string
	for i := 1; i < len(commits); i++ {
		got, err := repo.TreeChanges(context.Background(), plumbing.NewHash(commits[i-1]), plumbing.NewHash(commits[i]))
		if err != nil {
			t.Fatal(err)
		}
		want := gitRawDiff(t, dir, commits[i-1], commits[i])
		if len(want) == 1 {
			renamed++
		}
		if formatChanges(got) == formatChanges(want) {
			agree++
		} else {
			differ = append(differ, fmt.Sprintf("rename %d:%s", i-1, changeDiff(got, want)))
		}
	}
	t.Logf("%d renames with 30%%-70%% of the lines rewritten: git calls %d renames; TreeChanges agrees on %d/%d", n, renamed, agree, n)
	for _, d := range differ {
		t.Log(d)
	}
	if renamed == 0 || renamed == n {
		t.Errorf("the edits do not straddle git's threshold: %d of %d are renames to git", renamed, n)
	}
	if agree < n*9/10 {
		t.Errorf("TreeChanges agrees with git on %d of %d renames near the threshold, want 90%%", agree, n)
	}
}
