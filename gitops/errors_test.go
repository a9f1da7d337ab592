package gitops

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/forkreview/forkreview/gitops/fixture"
)

// smallFork is main with v1.0.0 and v1.1.0 and a fork branched at v1.0.0, on disk.
func smallFork(t *testing.T) *fixture.Repo {
	t.Helper()
	r := fixture.New(t)
	r.Commit("import", fixture.Files{"a.go": "package a\n", "sub/dir/b.go": "package dir\n"})
	r.Tag("v1.0.0", true, "")
	r.Commit("upstream change", fixture.Files{"a.go": "package a\n\nconst A = 1\n"})
	r.Commit("upstream change 2", fixture.Files{"c.go": "package a\n"})
	r.Tag("v1.1.0", false, "")
	r.Branch("fork", "v1.0.0")
	r.Checkout("fork")
	r.Commit("fork change", fixture.Files{"fork.go": "package a\n"})
	return r
}

func wantErr(t *testing.T, err error, target error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", parts)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("error %q does not wrap %q", err, target)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

func TestOpenNotARepository(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	wantErr(t, err, ErrNotRepository, dir, "--repo")
	_, err = Open(filepath.Join(dir, "missing"))
	wantErr(t, err, nil, "missing")
}

func TestResolveErrors(t *testing.T) {
	requireGit(t)
	r := smallFork(t)
	repo := openRepo(t, r.Dir)
	_, err := repo.Resolve("v9.9.9")
	wantErr(t, err, ErrUnknownRevision, `"v9.9.9"`, "git fetch upstream --tags")
	_, err = repo.Resolve("")
	wantErr(t, err, ErrUnknownRevision, "empty")
	_, err = repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "v2.0.0", Fork: "fork"})
	wantErr(t, err, ErrUnknownRevision, `"v2.0.0"`)
	_, err = repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "v1.1.0", Fork: "nofork"})
	wantErr(t, err, ErrUnknownRevision, "--fork", `"nofork"`)
	_, err = repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "v1.1.0", Fork: "fork", Base: "nobase"})
	wantErr(t, err, ErrUnknownRevision, "--base", `"nobase"`)

	// A ref named like an abbreviated hash is the ref, as in git; fewer than 4 hex digits are
	// no abbreviation at all.
	head := r.Head()
	main := r.Resolve(fixture.DefaultBranch)
	r.Branch(main[:4], "fork")
	r.Tag(main[:2], false, "fork")
	for _, rev := range []string{main[:4], main[:2], main[:4] + "~1", main[:7]} {
		want := strings.TrimSpace(gitOut(t, r.Dir, "rev-parse", rev+"^{commit}"))
		if got := mustResolve(t, repo, rev); got.String() != want {
			t.Errorf("Resolve(%s) = %s, git rev-parse says %s", rev, got, want)
		}
	}
	if got := mustResolve(t, repo, main[:4]); got.String() != head {
		t.Errorf("Resolve(%s), a branch at the fork, = %s, want %s", main[:4], got, head)
	}
	if _, code := gitRun(t, r.Dir, "", []int{1, 128}, "rev-parse", "--verify", "-q", main[:3]); code == 0 {
		t.Fatalf("git takes %s as a hash", main[:3])
	}
	_, err = repo.Resolve(main[:3])
	wantErr(t, err, ErrUnknownRevision, main[:3])
}

func TestBaseNotInFork(t *testing.T) {
	r := smallFork(t)
	repo := openRepo(t, r.Dir)
	_, err := repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "v1.1.0", Fork: "fork", Base: "v1.1.0"})
	wantErr(t, err, ErrBaseNotInFork, "--base v1.1.0", "is not an ancestor of fork")
	// FROM is the base when --base is not given, and the message says so
	_, err = repo.ResolveRange(RangeSpec{From: "v1.1.0", To: "v1.1.0", Fork: "fork"})
	wantErr(t, err, ErrBaseNotInFork, "--base (FROM, v1.1.0)", "pass --base")
	if _, err := repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "v1.1.0", Fork: "fork"}); err != nil {
		t.Errorf("ResolveRange of a good range: %v", err)
	}
}

func TestShallowClone(t *testing.T) {
	requireGit(t)
	r := smallFork(t)
	dst := filepath.Join(t.TempDir(), "shallow")
	gitOut(t, r.Dir, "clone", "-q", "--depth", "1", "--branch", "fork", "file://"+r.Dir, dst)
	repo := openRepo(t, dst)
	if !repo.IsShallow() {
		t.Fatal("IsShallow is false for a --depth 1 clone")
	}
	old := r.Resolve("v1.0.0")
	_, err := repo.Resolve("v1.0.0")
	wantErr(t, err, ErrUnknownRevision, "shallow", "git fetch --unshallow", `"v1.0.0"`)
	_, err = repo.Resolve(old)
	wantErr(t, err, nil, "shallow", "git fetch --unshallow")
	_, err = repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "HEAD"})
	wantErr(t, err, nil, "shallow", "git fetch --unshallow")
	// what the clone has still resolves, and walks stop at its boundary as git's do
	head := mustResolve(t, repo, "HEAD")
	got, err := repo.RangeCommits(head)
	if err != nil {
		t.Fatal(err)
	}
	if want := lines(gitOut(t, dst, "rev-list", "--topo-order", "--reverse", "HEAD")); !equalStrings(hashes(got), want) {
		t.Errorf("RangeCommits(HEAD) in a shallow clone: %s", describeDiff(hashes(got), want))
	}
}

func TestBareRepository(t *testing.T) {
	requireGit(t)
	r := smallFork(t)
	bare := filepath.Join(t.TempDir(), "bare.git")
	gitOut(t, r.Dir, "clone", "-q", "--bare", r.Dir, bare)
	for _, dir := range []string{bare, filepath.Join(bare, "refs", "heads"), filepath.Join(bare, "objects")} {
		repo := openRepo(t, dir)
		if !repo.Bare || !sameDir(t, repo.Root, bare) {
			t.Errorf("Open(%s): Bare %v, Root %s; want a bare repository at %s", dir, repo.Bare, repo.Root, bare)
		}
		for _, rev := range []string{"v1.0.0", "v1.1.0", "fork", "HEAD"} {
			want := strings.TrimSpace(gitOut(t, bare, "rev-parse", rev+"^{commit}"))
			if got := mustResolve(t, repo, rev); got.String() != want {
				t.Errorf("Open(%s): Resolve(%s) = %s, git says %s", dir, rev, got, want)
			}
		}
		if _, err := repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "v1.1.0", Fork: "fork"}); err != nil {
			t.Errorf("Open(%s): ResolveRange: %v", dir, err)
		}
	}
}

func TestWorktree(t *testing.T) {
	requireGit(t)
	r := smallFork(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gitOut(t, r.Dir, "worktree", "add", "-q", "-b", "review", wt, "v1.1.0")
	sub := filepath.Join(wt, "sub", "dir")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{wt, sub} {
		repo := openRepo(t, dir)
		if repo.Bare || !sameDir(t, repo.Root, wt) {
			t.Errorf("Open(%s): Bare %v, Root %s; want the work tree %s", dir, repo.Bare, repo.Root, wt)
		}
		// HEAD is the work tree's own, not the main checkout's
		for _, rev := range []string{"HEAD", "review", "fork", "v1.0.0"} {
			want := strings.TrimSpace(gitOut(t, wt, "rev-parse", rev+"^{commit}"))
			if got := mustResolve(t, repo, rev); got.String() != want {
				t.Errorf("Open(%s): Resolve(%s) = %s, git says %s", dir, rev, got, want)
			}
		}
		rg, err := repo.ResolveRange(RangeSpec{From: "v1.0.0", To: "v1.1.0"})
		if err != nil {
			t.Fatalf("Open(%s): ResolveRange with the work tree's HEAD as the fork: %v", dir, err)
		}
		if rg.ForkCommit.String() != r.Resolve("v1.1.0") {
			t.Errorf("Open(%s): the fork is %s, want the work tree's HEAD", dir, rg.ForkCommit)
		}
	}
}

func sameDir(t *testing.T, a, b string) bool {
	t.Helper()
	ea, err1 := filepath.EvalSymlinks(a)
	eb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ea == eb
}
