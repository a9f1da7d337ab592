package gitops

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitDir checks GitDir against `git rev-parse --git-common-dir` in a checkout, a folder
// inside it, a bare repository and a work tree of `git worktree add`.
func TestGitDir(t *testing.T) {
	requireGit(t)
	r := smallFork(t)
	bare := filepath.Join(t.TempDir(), "bare.git")
	gitOut(t, r.Dir, "clone", "-q", "--bare", r.Dir, bare)
	wt := filepath.Join(t.TempDir(), "wt")
	gitOut(t, r.Dir, "worktree", "add", "-q", "-b", "review", wt, "v1.1.0")
	sub := filepath.Join(wt, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{r.Dir, bare, wt, sub} {
		got := openRepo(t, dir).GitDir()
		want := strings.TrimSpace(gitOut(t, dir, "rev-parse", "--path-format=absolute", "--git-common-dir"))
		if !sameDir(t, got, want) {
			t.Errorf("GitDir in %s = %q, git says %q", dir, got, want)
		}
	}
	if got, want := openRepo(t, wt).GitDir(), filepath.Join(r.Dir, ".git"); !sameDir(t, got, want) {
		t.Errorf("GitDir of a work tree = %q, want the main checkout's %q", got, want)
	}
}
