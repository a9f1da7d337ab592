package gitops

import (
	"os"
	"path/filepath"
	"strings"
)

// GitDir is the repository's common git directory, what `git rev-parse --git-common-dir` prints:
// the .git folder of a checkout, the repository itself when bare, and for a work tree added with
// `git worktree add` the main repository's .git (not .git/worktrees/NAME), so that every work
// tree of a fork shares what forkreview keeps there. It is "" when the repository does not live
// on disk.
func (r *Repo) GitDir() string {
	st := r.storage()
	if st == nil {
		return ""
	}
	dir := st.Filesystem().Root()
	if dir == "" {
		return ""
	}
	// A work tree's own git directory names the common one in its "commondir" file, relative
	// to itself or absolute (gitrepository-layout(5)).
	if b, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil {
		if c := strings.TrimSpace(string(b)); c != "" {
			if !filepath.IsAbs(c) {
				c = filepath.Join(dir, c)
			}
			dir = c
		}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return filepath.Clean(dir)
}
