package gitops

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// TestRenamesAreGitsAndStable: moving look-alike files pairs them as git does (an identical
// file of the same name first, then the first in path order; the only file left with a name
// goes with the only new one of that name) and the same way on every run.
func TestRenamesAreGitsAndStable(t *testing.T) {
	r := fixture.New(t)
	same := strings.Repeat("package main\n\nfunc main() {}\n", 3)
	r.Commit("add", fixture.Files{
		"fuzz/a/debug/main.go": same,
		"fuzz/b/debug/main.go": same,
		"fuzz/c/main.go":       same,
		"old/config.toml":      strings.Repeat("key = 1\n", 20),
		"old/notes.txt":        strings.Repeat("a line of notes\n", 20),
	})
	moved := r.Commit("move", fixture.Files{
		"fuzz/a/debug/main.go": fixture.Delete,
		"fuzz/b/debug/main.go": fixture.Delete,
		"fuzz/c/main.go":       fixture.Delete,
		"old/config.toml":      fixture.Delete,
		"old/notes.txt":        fixture.Delete,
		"tests/a_test.go":      same,
		"tests/b/main.go":      same,
		"tests/c/main.go":      same,
		// 80% alike, and the only config.toml on each side
		"new/config.toml": strings.Repeat("key = 1\n", 16) + strings.Repeat("key = 2\n", 4),
		"new/other.txt":   strings.Repeat("a line of notes\n", 20),
	})
	repo := openRepo(t, r.Dir)
	c, err := repo.Commit(plumbing.NewHash(moved))
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := 0; i < 20; i++ {
		chs, err := repo.TreeChanges(context.Background(), c.ParentHashes[0], c.Hash)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, tc := range chs {
			if tc.Status == review.StatusRenamed {
				fmt.Fprintf(&b, "%s -> %s\n", tc.OldPath, tc.Path)
			} else {
				fmt.Fprintf(&b, "%s %s\n", tc.Status, tc.Path)
			}
		}
		if i == 0 {
			first = b.String()
			continue
		}
		if b.String() != first {
			t.Fatalf("run %d paired the files differently:\n%s\nthe first run:\n%s", i, b.String(), first)
		}
	}
	// tests/a_test.go, first in path order, takes the first identical file; each main.go then
	// finds one of its own name
	want := "fuzz/a/debug/main.go -> tests/a_test.go\n" +
		"fuzz/b/debug/main.go -> tests/b/main.go\n" +
		"fuzz/c/main.go -> tests/c/main.go\n" +
		"old/config.toml -> new/config.toml\n" +
		"old/notes.txt -> new/other.txt\n"
	for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
		if !strings.Contains(first, line+"\n") {
			t.Errorf("want %q among the changes:\n%s", line, first)
		}
	}
}
