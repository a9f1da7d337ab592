package gitops

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/forkreview/forkreview/gitops/fixture"
)

// The tests in this package compare gitops with the git CLI, the reference for every answer
// gitops gives (rev-list, merge-base, diff --raw, patch-id). They skip when git is missing.

// requireGit skips the test when the git CLI is not installed.
func requireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not found in PATH: this test compares gitops with git and needs it")
	}
}

// gitEnv isolates git from the user's and the system's configuration, so that no alias,
// diff.renames setting or commit-graph option of the machine changes the oracle's answers.
func gitEnv(dir string) []string {
	return append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"HOME="+dir,
		"LC_ALL=C",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Oracle", "GIT_AUTHOR_EMAIL=oracle@example.com",
		"GIT_COMMITTER_NAME=Oracle", "GIT_COMMITTER_EMAIL=oracle@example.com",
	)
}

// gitRun runs git in dir and returns its standard output and exit code; it fails the test
// when git cannot run or exits with a code other than those in ok (0 is always fine).
func gitRun(t testing.TB, dir, stdin string, ok []int, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(dir)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	if code != 0 {
		allowed := false
		for _, c := range ok {
			allowed = allowed || c == code
		}
		if !allowed {
			t.Fatalf("git %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
		}
	}
	return out.String(), code
}

// gitOut runs git in dir and returns its standard output; any failure fails the test.
func gitOut(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, _ := gitRun(t, dir, "", nil, args...)
	return out
}

// lines splits git's output into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func hashes(hs []plumbing.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}

// openRepo opens dir with gitops and closes it when the test ends.
func openRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mustResolve(t testing.TB, r *Repo, rev string) plumbing.Hash {
	t.Helper()
	h, err := r.Resolve(rev)
	if err != nil {
		t.Fatalf("resolve %s: %v", rev, err)
	}
	return h
}

// octopus makes a merge commit with HEAD and others as parents on the current branch, keeping
// HEAD's tree. The fixture builder's Merge takes one other branch; an octopus merge is written
// here with go-git's plumbing, which is all the graph tests need of it.
func octopus(t testing.TB, r *fixture.Repo, msg string, when time.Time, others ...string) string {
	t.Helper()
	head, err := r.Git.Head()
	if err != nil {
		t.Fatalf("octopus: %v", err)
	}
	hc, err := r.Git.CommitObject(head.Hash())
	if err != nil {
		t.Fatalf("octopus: %v", err)
	}
	sig := object.Signature{Name: fixture.DefaultName, Email: fixture.DefaultEmail, When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg + "\n", TreeHash: hc.TreeHash, ParentHashes: []plumbing.Hash{head.Hash()}}
	for _, o := range others {
		c.ParentHashes = append(c.ParentHashes, plumbing.NewHash(o))
	}
	obj := r.Git.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		t.Fatalf("octopus: %v", err)
	}
	h, err := r.Git.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatalf("octopus: %v", err)
	}
	if err := r.Git.Storer.SetReference(plumbing.NewHashReference(head.Name(), h)); err != nil {
		t.Fatalf("octopus: %v", err)
	}
	return h.String()
}
