package gitops_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/forkreview/forkreview/gitops"
	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// Repositories as they come: unrelated histories, ranges that are empty or backwards, objects
// missing from the store, corrupt objects, a partial clone, file names that are not UTF-8.
// Each must end in one clear error or a sensible result, never a panic.

// upstreamAndFork is main with v1 and v2 (two commits apart) and a branch fork at v1 with one
// commit of its own; HEAD is on fork.
func upstreamAndFork(t *testing.T) *fixture.Repo {
	t.Helper()
	r := fixture.New(t)
	r.Commit("import", fixture.Files{"a.txt": "a\n", "dir/b.txt": "1\n2\n3\n"})
	r.Tag("v1", true, "")
	r.Commit("upstream one", fixture.Files{"a.txt": "a\nupstream\n"})
	r.Commit("upstream two", fixture.Files{"dir/b.txt": "1\n2\n3\n4\n"})
	r.Tag("v2", true, "")
	r.Branch("fork", "v1")
	r.Checkout("fork")
	r.Commit("fork one", fixture.Files{"dir/b.txt": "fork\n2\n3\n"})
	return r
}

func open(t *testing.T, dir string) *gitops.Repo {
	t.Helper()
	repo, err := gitops.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return repo
}

// load resolves and loads a range, and classifies it.
func load(repo *gitops.Repo, spec gitops.RangeSpec) (*review.Result, error) {
	rg, err := repo.ResolveRange(spec)
	if err != nil {
		return nil, err
	}
	in, err := repo.Load(context.Background(), rg)
	if err != nil {
		return nil, err
	}
	return review.Classify(context.Background(), in, repo, review.Options{})
}

// oneClearLine checks an error for the parts a user needs, on one line, without Go's own
// panic or type noise.
func oneClearLine(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", parts)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Contains(msg, "panic") || strings.Contains(msg, "runtime error") {
		t.Errorf("error is not one clear line: %q", msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not say %q", msg, p)
		}
	}
}

// fetchInto copies every object of src into dst and points dst's tag name at src's rev, as
// `git fetch SRC REV:refs/tags/NAME` would.
func fetchInto(t *testing.T, dst, src *fixture.Repo, rev, name string) {
	t.Helper()
	iter, err := src.Git.Storer.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		t.Fatal(err)
	}
	err = iter.ForEach(func(o plumbing.EncodedObject) error {
		_, err := dst.Git.Storer.SetEncodedObject(o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := plumbing.NewHashReference(plumbing.NewTagReferenceName(name), plumbing.NewHash(src.Resolve(rev)))
	if err := dst.Git.Storer.SetReference(ref); err != nil {
		t.Fatal(err)
	}
}

func TestUnrelatedHistories(t *testing.T) {
	r := upstreamAndFork(t)
	other, err := fixture.InitMemory()
	if err != nil {
		t.Fatal(err)
	}
	other.Commit("another project", fixture.Files{"a.txt": "a\n", "c.txt": "c\n"})
	other.Commit("another project, later", fixture.Files{"a.txt": "other\n"})
	fetchInto(t, r, other, "HEAD", "other-v2")
	repo := open(t, r.Dir)

	_, err = repo.ResolveRange(gitops.RangeSpec{From: "v1", To: "other-v2"})
	if !errors.Is(err, gitops.ErrUnrelatedHistories) {
		t.Errorf("error %v does not wrap ErrUnrelatedHistories", err)
	}
	oneClearLine(t, err, "v1 and other-v2 have no common history", "git fetch upstream --tags")
	// a related range in the same repository still works
	if res, err := load(repo, gitops.RangeSpec{From: "v1", To: "v2"}); err != nil || len(res.Commits) != 2 {
		t.Errorf("v1..v2 beside an unrelated tag: %v", err)
	}
}

// TestBackwardsAndEmptyRanges: FROM after TO (TO an ancestor of FROM) and FROM equal to TO are
// empty ranges, not errors: git rev-list TO ^FROM lists nothing.
func TestBackwardsAndEmptyRanges(t *testing.T) {
	r := upstreamAndFork(t)
	r.Checkout("main")
	r.Branch("fork2", "")
	r.Checkout("fork2")
	r.Commit("fork2 one", fixture.Files{"f.txt": "f\n"})
	repo := open(t, r.Dir)
	for _, spec := range []gitops.RangeSpec{
		{From: "v2", To: "v1", Fork: "fork2"},
		{From: "v2", To: "v2", Fork: "fork2"},
		{From: "v2", To: "v1~0", Fork: "fork2", Base: "v1"},
	} {
		res, err := load(repo, spec)
		if err != nil {
			t.Errorf("%s..%s: %v", spec.From, spec.To, err)
			continue
		}
		if len(res.Commits) != 0 {
			t.Errorf("%s..%s: %d commits, want none", spec.From, spec.To, len(res.Commits))
		}
	}
}

// looseObject returns the file of a loose object in a repository built by fixture.New.
func looseObject(t *testing.T, dir, id string) string {
	t.Helper()
	p := filepath.Join(dir, ".git", "objects", id[:2], id[2:])
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("object %s is not a loose object: %v", id, err)
	}
	return p
}

// blobOf returns the blob id of path at rev.
func blobOf(t *testing.T, r *fixture.Repo, rev, path string) string {
	t.Helper()
	c, err := r.Git.CommitObject(plumbing.NewHash(r.Resolve(rev)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.File(path)
	if err != nil {
		t.Fatal(err)
	}
	return f.Hash.String()
}

// TestMissingObjects deletes objects from the store, as a damaged repository or an
// interrupted copy has them: each scan ends in one line that names what is missing and wraps
// plumbing.ErrObjectNotFound, which the command line explains.
func TestMissingObjects(t *testing.T) {
	tree := func(r *fixture.Repo) string {
		c, _ := r.Git.CommitObject(plumbing.NewHash(r.Resolve("v2")))
		return c.TreeHash.String()
	}
	cases := []struct {
		name string
		id   func(r *fixture.Repo) string // the object to delete
		says func(r *fixture.Repo) string // what the error names
	}{
		{"upstream blob", func(r *fixture.Repo) string { return blobOf(t, r, "v2", "dir/b.txt") }, nil},
		{"fork blob", func(r *fixture.Repo) string { return blobOf(t, r, "fork", "dir/b.txt") }, nil},
		{"range commit", func(r *fixture.Repo) string { return r.Resolve("v2~1") }, nil},
		{"tree", tree, func(r *fixture.Repo) string { return "tree of " + r.Resolve("v2")[:10] }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := upstreamAndFork(t)
			id := c.id(r)
			says := "blob " + id[:10]
			if c.says != nil {
				says = c.says(r)
			} else if c.name == "range commit" {
				says = "commit " + id[:10]
			}
			if err := os.Remove(looseObject(t, r.Dir, id)); err != nil {
				t.Fatal(err)
			}
			_, err := load(open(t, r.Dir), gitops.RangeSpec{From: "v1", To: "v2", Fork: "fork"})
			oneClearLine(t, err, says)
			if !errors.Is(err, plumbing.ErrObjectNotFound) {
				t.Errorf("error %q does not wrap plumbing.ErrObjectNotFound", err)
			}
		})
	}
}

// TestCorruptObject truncates a loose object: an error, not a panic or a wrong verdict.
func TestCorruptObject(t *testing.T) {
	r := upstreamAndFork(t)
	p := looseObject(t, r.Dir, blobOf(t, r, "v2", "dir/b.txt"))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = load(open(t, r.Dir), gitops.RangeSpec{From: "v1", To: "v2", Fork: "fork"})
	oneClearLine(t, err, blobOf(t, r, "v2", "dir/b.txt")[:10], "damaged", "git fsck")
}

// TestPartialClone scans a clone made with --filter=blob:none, whose old blobs are promised by
// the remote but not there: forkreview reads objects itself and cannot fetch them, so it
// names what is missing (the command line says how to get it).
func TestPartialClone(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: making a partial clone needs it")
	}
	r := upstreamAndFork(t)
	git := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", args, err, out)
		}
	}
	git(r.Dir, "config", "uploadpack.allowFilter", "true")
	dst := filepath.Join(t.TempDir(), "partial")
	git(r.Dir, "clone", "-q", "--filter=blob:none", "--no-checkout", "--branch", "fork", "file://"+r.Dir, dst)
	_, err := load(open(t, dst), gitops.RangeSpec{From: "v1", To: "v2"})
	oneClearLine(t, err, "read blob")
	if !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("error %q does not wrap plumbing.ErrObjectNotFound", err)
	}
}

// TestNonUTF8Paths: file names are bytes in git; they come through a tree diff unchanged.
func TestNonUTF8Paths(t *testing.T) {
	r := fixture.New(t)
	r.Commit("import", fixture.Files{"caf\xe9/\xff.txt": "1\n", "ok.txt": "1\n"})
	r.Commit("edit", fixture.Files{"caf\xe9/\xff.txt": "2\n", "[red]<b>@team.txt": "x\n"})
	repo := open(t, r.Dir)
	chs, err := repo.TreeChanges(context.Background(), plumbing.NewHash(r.Resolve("HEAD~1")), plumbing.NewHash(r.Resolve("HEAD")))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, c := range chs {
		paths = append(paths, c.Path)
	}
	if len(paths) != 2 || paths[0] != "[red]<b>@team.txt" || paths[1] != "caf\xe9/\xff.txt" {
		t.Errorf("paths %q", paths)
	}
}
