package review_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// The classifier on what real repositories hold besides plain text files: symbolic links,
// mode changes, binary and very large files, file names and contents that are not UTF-8, CRLF
// files, submodules and long ranges. Each repository is generated; where git is installed its
// merge-tree verdict (risk-model.md's ground truth) is checked too.

// forkAndUpstream makes main with the files base tagged v1, and a branch "fork" at v1; HEAD
// is left on main, so the caller commits upstream's change, tags v2, then switches to the fork.
func forkAndUpstream(t *testing.T, base fixture.Files, opts ...fixture.CommitOption) *fixture.Repo {
	t.Helper()
	r := fixture.New(t)
	r.Commit("import", base, opts...)
	r.Tag("v1", true, "")
	r.Branch("fork", "v1")
	return r
}

// bySubject classifies v1..v2 against the fork and returns the commits by subject.
func bySubject(t *testing.T, r *fixture.Repo) map[string]review.Commit {
	t.Helper()
	m := map[string]review.Commit{}
	for _, c := range scanRepo(t, r.Dir, "fork", "v1", "v2") {
		m[c.Subject] = c
	}
	return m
}

// agreeWithGit checks the conflict and applied verdicts against git merge-tree, when git is
// installed.
func agreeWithGit(t *testing.T, r *fixture.Repo, got map[string]review.Commit) {
	t.Helper()
	if testing.Short() {
		return
	}
	needGit(t)
	want := gitVerdicts(t, r.Dir, "fork", "v1", "v2")
	for s, c := range got {
		if verdict(c.Risk) != want[c.Hash] {
			t.Errorf("%q: forkreview %s (%q), git merge-tree %s", s, c.Risk, c.Reasons, want[c.Hash])
		}
	}
}

func conflictKinds(c review.Commit) []string {
	var ks []string
	for _, k := range c.Conflicts {
		ks = append(ks, k.Path+":"+k.Kind)
	}
	return ks
}

func wantConflict(t *testing.T, c review.Commit, path, kind string) {
	t.Helper()
	if c.Risk != review.RiskConflict {
		t.Errorf("%q: risk %s (%q), want conflict", c.Subject, c.Risk, c.Reasons)
		return
	}
	for _, k := range c.Conflicts {
		if k.Path == path && k.Kind == kind {
			return
		}
	}
	t.Errorf("%q: conflicts %q, want %s:%s", c.Subject, conflictKinds(c), path, kind)
}

func TestSymlinksChangedOnBothSides(t *testing.T) {
	r := forkAndUpstream(t, fixture.Files{"README": "r\n", "bin/tool.sh": "#!/bin/sh\necho 1\n", "docs/a.md": "a\n"},
		fixture.WithSymlink("current", "releases/v1"), fixture.WithSymlink("docs/latest", "a.md"))
	r.Commit("point current at v2", nil, fixture.WithSymlink("current", "releases/v2"))
	r.Commit("tool.sh becomes a link", nil, fixture.WithSymlink("bin/tool.sh", "../scripts/tool.sh"))
	r.Commit("retarget docs link", nil, fixture.WithSymlink("docs/latest", "b.md"))
	r.Tag("v2", true, "")
	r.Checkout("fork")
	r.Commit("fork: point current at the fork's release", nil, fixture.WithSymlink("current", "releases/fork"))
	r.Commit("fork: edit tool.sh", r.Edit(nil, "bin/tool.sh", "echo 1", "echo fork"))
	r.Commit("fork: same docs link", nil, fixture.WithSymlink("docs/latest", "b.md"))

	got := bySubject(t, r)
	wantConflict(t, got["point current at v2"], "current", "symlink")
	wantConflict(t, got["tool.sh becomes a link"], "bin/tool.sh", "symlink")
	if c := got["retarget docs link"]; c.Risk != review.RiskApplied {
		t.Errorf("a link the fork already retargets the same way: %s %q", c.Risk, c.Reasons)
	}
	for _, c := range got {
		for _, f := range c.Files {
			if f.Additions != 0 || f.Deletions != 0 {
				t.Errorf("%s: a link's target is counted as lines (+%d -%d)", f.Path, f.Additions, f.Deletions)
			}
		}
	}
	agreeWithGit(t, r, got)
}

func TestModeChangesOnBothSides(t *testing.T) {
	text := "#!/bin/sh\n" + strings.Repeat("echo step\n", 3) + "echo middle\n" + strings.Repeat("echo more\n", 10)
	r := forkAndUpstream(t, fixture.Files{"build.sh": text, "run.sh": text, "same.sh": text})
	r.Commit("add gen.sh executable", fixture.Files{"gen.sh": "#!/bin/sh\n"}, fixture.WithMode("gen.sh", filemode.Executable))
	r.Commit("edit build.sh at the end", fixture.Files{"build.sh": text + "echo end\n"})
	r.Chmod("same.sh", filemode.Executable)
	r.Commit("make same.sh executable", nil)
	r.Tag("v2", true, "")
	r.Checkout("fork")
	r.Commit("fork: add gen.sh not executable", fixture.Files{"gen.sh": "#!/bin/sh\n"})
	r.Chmod("build.sh", filemode.Executable)
	r.Commit("fork: make build.sh executable", nil)
	r.Chmod("same.sh", filemode.Executable)
	r.Commit("fork: make same.sh executable too", nil)

	got := bySubject(t, r)
	// the same file added on both sides, once executable: git's add/add with differing modes
	wantConflict(t, got["add gen.sh executable"], "gen.sh", "mode")
	// a mode change on one side and a content change on the other merge cleanly
	if c := got["edit build.sh at the end"]; c.Risk == review.RiskConflict || c.Risk == review.RiskApplied {
		t.Errorf("content edit over a fork's chmod: %s %q", c.Risk, c.Reasons)
	}
	if c := got["make same.sh executable"]; c.Risk != review.RiskApplied {
		t.Errorf("a chmod the fork made too: %s %q", c.Risk, c.Reasons)
	}
	agreeWithGit(t, r, got)
}

func TestBinaryFilesChangedDifferently(t *testing.T) {
	img := func(seed byte) string {
		b := make([]byte, 4096)
		for i := range b {
			b[i] = byte(i*7) ^ seed
		}
		b[10] = 0 // a NUL byte: binary to git
		return string(b)
	}
	r := forkAndUpstream(t, fixture.Files{"assets/logo.png": img(1), "assets/icon.png": img(2), "main.go": "package main\n"})
	r.Commit("new logo", fixture.Files{"assets/logo.png": img(3)})
	r.Commit("new icon", fixture.Files{"assets/icon.png": img(4)})
	r.Tag("v2", true, "")
	r.Checkout("fork")
	r.Commit("fork: own logo", fixture.Files{"assets/logo.png": img(5)})
	r.Commit("fork: the same new icon", fixture.Files{"assets/icon.png": img(4)})

	got := bySubject(t, r)
	wantConflict(t, got["new logo"], "assets/logo.png", "binary")
	if c := got["new icon"]; c.Risk != review.RiskApplied {
		t.Errorf("identical binary change: %s %q", c.Risk, c.Reasons)
	}
	for _, c := range got {
		for _, f := range c.Files {
			if !f.Binary || f.Additions != 0 || f.Deletions != 0 {
				t.Errorf("%s: binary %v, +%d -%d", f.Path, f.Binary, f.Additions, f.Deletions)
			}
		}
		for _, k := range c.Conflicts {
			if k.Fork != "" || k.Upstream != "" || k.Base != "" {
				t.Errorf("%s: a binary conflict carries file content", k.Path)
			}
		}
	}
	agreeWithGit(t, r, got)
}

// TestLargeFileComparedByContent: a 50 MB generated file that both sides change is compared by
// content, never diffed or merged line by line (review.MaxTextSize): it is reported as a binary
// conflict with no line counts, and the scan makes far fewer allocations than the file has
// lines.
func TestLargeFileComparedByContent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a repository with a 50 MB file")
	}
	const size = 50 << 20
	var sb strings.Builder
	sb.Grow(size + 100)
	for i := 0; sb.Len() < size; i++ {
		fmt.Fprintf(&sb, "var generated%07d = %d\n", i, i*31)
	}
	big := sb.String()
	if len(big) <= review.MaxTextSize {
		t.Fatal("the generated file is not above MaxTextSize")
	}
	edit := func(line, repl string) string { return strings.Replace(big, line, repl, 1) }
	r := forkAndUpstream(t, fixture.Files{"gen/big.go": big, "gen/small.go": "package gen\n"})
	r.Commit("regenerate big.go", fixture.Files{"gen/big.go": edit("var generated0000100 = 3100\n", "var generated0000100 = 0\n")})
	r.Tag("v2", true, "")
	r.Checkout("fork")
	r.Commit("fork: patch big.go", fixture.Files{"gen/big.go": edit("var generated0900000 = 27900000\n", "var generated0900000 = 1\n")})
	big = ""
	sb = strings.Builder{}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got := bySubject(t, r)
	runtime.ReadMemStats(&after)
	c := got["regenerate big.go"]
	wantConflict(t, c, "gen/big.go", "binary")
	if len(c.Files) != 1 || !c.Files[0].Binary || c.Files[0].Additions != 0 || c.Files[0].Deletions != 0 || len(c.Files[0].Hunks) != 0 {
		t.Errorf("files %+v: want one binary file without line counts or hunks", c.Files)
	}
	// Diffing or merging the file line by line costs an allocation or more per line (1.6
	// million for merge.Stats on this file alone); reading and comparing whole blobs costs a
	// few large ones, however big the file.
	mallocs := after.Mallocs - before.Mallocs
	t.Logf("scan of a 50 MB file changed on both sides: %d allocations, %d MiB allocated, %d MiB heap at most", mallocs, (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapSys>>20)
	if mallocs > 300_000 {
		t.Errorf("the scan made %d allocations for one file of %d lines: is it diffed line by line?", mallocs, size/25)
	}
}

func TestNonUTF8NamesAndContents(t *testing.T) {
	name := "docs/caf\xe9-\xff.txt" // Latin-1 and a byte that is never UTF-8
	lines := func(mid string) string {
		return "r\xe9sum\xe9 1\n" + "na\xefve 2\n" + mid + "\n" + "\xfe\xfe 4\n" + strings.Repeat("filler\n", 10)
	}
	r := forkAndUpstream(t, fixture.Files{name: lines("base \xe0 3"), "b\xe4r/x.txt": "x\n"})
	r.Commit("upstream edits line 3", fixture.Files{name: lines("upstream \xe8 3")})
	r.Commit("upstream edits the other", fixture.Files{"b\xe4r/x.txt": "y\n"})
	r.Tag("v2", true, "")
	r.Checkout("fork")
	r.Commit("fork edits line 3", fixture.Files{name: lines("fork \xf1 3")})

	got := bySubject(t, r)
	c := got["upstream edits line 3"]
	wantConflict(t, c, name, "content")
	if len(c.Conflicts) == 1 {
		k := c.Conflicts[0]
		if k.Fork != "fork \xf1 3\n" || k.Upstream != "upstream \xe8 3\n" || k.Base != "base \xe0 3\n" || k.BaseStart != 3 {
			t.Errorf("conflict text is not the files' bytes: %#v", k)
		}
	}
	if c.Files[0].Path != name || c.Files[0].Additions != 1 || c.Files[0].Deletions != 1 || c.Files[0].Binary {
		t.Errorf("file %#v", c.Files[0])
	}
	if c := got["upstream edits the other"]; c.Risk != review.RiskNone || c.Files[0].Path != "b\xe4r/x.txt" {
		t.Errorf("other file: %s %#v", c.Risk, c.Files)
	}
	agreeWithGit(t, r, got)
}

func TestCRLFFiles(t *testing.T) {
	crlf := func(edit map[int]string) string {
		var b strings.Builder
		for i := 1; i <= 30; i++ {
			l := fmt.Sprintf("line %d", i)
			if e, ok := edit[i]; ok {
				l = e
			}
			b.WriteString(l + "\r\n")
		}
		return b.String()
	}
	r := forkAndUpstream(t, fixture.Files{"win/a.txt": crlf(nil), "win/b.txt": crlf(nil), "win/c.txt": crlf(nil)})
	r.Commit("edit a far from the fork", fixture.Files{"win/a.txt": crlf(map[int]string{25: "upstream 25"})})
	r.Commit("edit b where the fork did", fixture.Files{"win/b.txt": crlf(map[int]string{5: "upstream 5"})})
	r.Commit("convert c to LF", fixture.Files{"win/c.txt": strings.ReplaceAll(crlf(nil), "\r\n", "\n")})
	r.Tag("v2", true, "")
	r.Checkout("fork")
	r.Commit("fork edits a, b and c", fixture.Files{
		"win/a.txt": crlf(map[int]string{5: "fork 5"}),
		"win/b.txt": crlf(map[int]string{5: "fork 5"}),
		"win/c.txt": crlf(map[int]string{5: "fork 5"}),
	})

	got := bySubject(t, r)
	a := got["edit a far from the fork"]
	if a.Risk != review.RiskMedium || a.Files[0].Additions != 1 || a.Files[0].Deletions != 1 {
		t.Errorf("CRLF edit far from the fork's: %s %q +%d -%d", a.Risk, a.Reasons, a.Files[0].Additions, a.Files[0].Deletions)
	}
	b := got["edit b where the fork did"]
	wantConflict(t, b, "win/b.txt", "content")
	if len(b.Conflicts) == 1 && (b.Conflicts[0].Fork != "fork 5\r\n" || b.Conflicts[0].Upstream != "upstream 5\r\n") {
		t.Errorf("conflict lost the CR: %#v", b.Conflicts[0])
	}
	c := got["convert c to LF"]
	wantConflict(t, c, "win/c.txt", "content")
	if c.Files[0].Additions != 30 || c.Files[0].Deletions != 30 {
		t.Errorf("line ending conversion: +%d -%d, want every line", c.Files[0].Additions, c.Files[0].Deletions)
	}
	agreeWithGit(t, r, got)
}

func TestSubmodulesChangedOnBothSides(t *testing.T) {
	sub := func(n int) string { return fmt.Sprintf("%040x", 0xabc000+n) } // commits of another repository
	r := fixture.New(t)
	r.Commit("import", fixture.Files{".gitmodules": "[submodule \"lib\"]\n\tpath = lib\n\turl = ../lib\n", "main.go": "package main\n"})
	link := func(branch, path string, n int, msg string) {
		r.CommitEntries(branch, msg, map[string]fixture.Entry{path: {Gitlink: sub(n)}})
	}
	link("main", "lib", 1, "add lib")
	link("main", "tests", 100, "add tests")
	r.Tag("v1", true, "")
	r.Branch("fork", "v1")
	link("main", "lib", 2, "bump lib to 2")
	link("main", "tests", 101, "bump tests")
	link("main", "vendor", 200, "add vendor submodule")
	r.Tag("v2", true, "")
	link("fork", "lib", 3, "fork: bump lib to 3")
	link("fork", "vendor", 200, "fork: the same vendor submodule")

	got := bySubject(t, r)
	wantConflict(t, got["bump lib to 2"], "lib", "submodule")
	if c := got["bump tests"]; c.Risk == review.RiskConflict || c.Risk == review.RiskApplied {
		t.Errorf("a submodule only upstream moves: %s %q", c.Risk, c.Reasons)
	}
	if c := got["add vendor submodule"]; c.Risk != review.RiskApplied {
		t.Errorf("a submodule the fork added at the same commit: %s %q", c.Risk, c.Reasons)
	}
	for _, c := range got {
		for _, f := range c.Files {
			if !f.Binary || f.Additions != 0 {
				t.Errorf("%s: a gitlink is shown as text (+%d)", f.Path, f.Additions)
			}
		}
	}
	agreeWithGit(t, r, got)
}

// TestLongRange classifies a range of 5,000 upstream commits built in memory: every commit is
// listed in order, the ten that edit the fork's line conflict, and the rest are classified
// by where they are.
func TestLongRange(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 5,000 commits")
	}
	const n = 5000
	r, err := fixture.InitMemory()
	if err != nil {
		t.Fatal(err)
	}
	files := fixture.Files{"fork/hook.go": "package fork\n\nvar hook = 0\n\nvar other = 0\n", "fork/doc.go": "package fork\n"}
	for i := 0; i < 40; i++ {
		files[fmt.Sprintf("pkg%d/file.go", i)] = fmt.Sprintf("package pkg%d\n\nvar v = 0\n", i)
	}
	r.Commit("import", files)
	r.Tag("v1", true, "")
	r.Branch("fork", "v1")
	for i := 1; i <= n; i++ {
		switch {
		case i%500 == 0:
			r.Commit(fmt.Sprintf("upstream %d: hook", i), fixture.Files{"fork/hook.go": fmt.Sprintf("package fork\n\nvar hook = %d\n\nvar other = 0\n", i)})
		case i%100 == 0:
			r.Commit(fmt.Sprintf("upstream %d: doc", i), fixture.Files{"fork/doc.go": fmt.Sprintf("package fork\n\n// %d\n", i)})
		default:
			p := fmt.Sprintf("pkg%d/file.go", i%40)
			r.Commit(fmt.Sprintf("upstream %d", i), fixture.Files{p: fmt.Sprintf("package pkg%d\n\nvar v = %d\n", i%40, i)})
		}
	}
	r.Tag("v2", true, "")
	r.Checkout("fork")
	r.Commit("fork: own hook", fixture.Files{"fork/hook.go": "package fork\n\nvar hook = -1\n\nvar other = 0\n"})
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if err := r.Save(t.TempDir()); err != nil {
		t.Fatal(err)
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	commits := scanRepo(t, r.Dir, "fork", "v1", "v2")
	runtime.ReadMemStats(&after)
	t.Logf("%d commits: %d MiB allocated, %d MiB heap in use after", len(commits), (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapInuse>>20)
	if len(commits) != n {
		t.Fatalf("%d commits, want %d", len(commits), n)
	}
	counts := map[review.Risk]int{}
	for i, c := range commits {
		if want := fmt.Sprintf("upstream %d", i+1); !strings.HasPrefix(c.Subject, want) {
			t.Fatalf("commit %d is %q, want %q: not oldest first", i, c.Subject, want)
		}
		counts[c.Risk]++
		switch {
		case (i+1)%500 == 0 && c.Risk != review.RiskConflict,
			(i+1)%500 != 0 && (i+1)%100 == 0 && c.Risk != review.RiskLow,
			(i+1)%100 != 0 && c.Risk != review.RiskNone:
			t.Errorf("%q: %s %q", c.Subject, c.Risk, c.Reasons)
		}
	}
	t.Logf("risks: %v", counts)
}
