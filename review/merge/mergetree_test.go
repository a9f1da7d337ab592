package merge

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHistogramMergeAgainstMergeTree merges generated triples with Histogram, as the
// classifier does, and compares with `git merge-tree`, whose merge-ort diffs with the
// histogram algorithm: the clean/conflict outcome and the merged text, markers included.
func TestHistogramMergeAgainstMergeTree(t *testing.T) {
	git := gitBinary(t, "git merge-tree")
	dir := t.TempDir()
	env := append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org",
		"GIT_AUTHOR_DATE=1700000000 +0000", "GIT_COMMITTER_DATE=1700000000 +0000")
	run := func(stdin io.Reader, args ...string) ([]byte, int) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir, cmd.Env, cmd.Stdin = dir, env, stdin
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			return out, 1
		}
		if err != nil {
			t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
		}
		return out, 0
	}
	run(nil, "init", "-q", "--bare", ".")

	// every triple as three commits, in one fast-import stream
	r := rand.New(rand.NewSource(oracleSeed + 3))
	const n = 400
	var triples []triple
	var stream bytes.Buffer
	data := func(b []byte) { fmt.Fprintf(&stream, "data %d\n%s\n", len(b), b) }
	for k := 0; k < n; k++ {
		c := genTriple(r)
		if bytes.IndexByte(c.base, 0) >= 0 || bytes.IndexByte(c.ours, 0) >= 0 || bytes.IndexByte(c.theirs, 0) >= 0 {
			continue
		}
		triples = append(triples, c)
		k := len(triples) - 1
		for i, side := range []struct {
			ref  string
			text []byte
		}{{"b", c.base}, {"o", c.ours}, {"t", c.theirs}} {
			fmt.Fprintf(&stream, "commit refs/heads/%s%d\nmark :%d\ncommitter t <t@example.org> 1700000000 +0000\n", side.ref, k, 3*k+i+1)
			data([]byte("c"))
			if i > 0 {
				fmt.Fprintf(&stream, "from :%d\n", 3*k+1)
			}
			fmt.Fprintf(&stream, "M 100644 inline f\n")
			data(side.text)
		}
	}
	run(&stream, "fast-import", "--quiet")

	var outcome, text int
	for k, c := range triples {
		ours, theirs := fmt.Sprintf("o%d", k), fmt.Sprintf("t%d", k)
		out, code := run(nil, "merge-tree", "--write-tree", ours, theirs)
		tree := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
		want, _ := run(nil, "cat-file", "blob", tree+":f")
		got := Merge(c.base, c.ours, c.theirs, Options{OursLabel: ours, TheirsLabel: theirs, Level: LevelZealous, Algorithm: Histogram})
		if got.Clean() == (code == 0) {
			outcome++
		} else {
			t.Errorf("triple %d: Merge clean=%v, git merge-tree exit %d\nbase %q\nours %q\ntheirs %q", k, got.Clean(), code, c.base, c.ours, c.theirs)
		}
		if bytes.Equal(got.Content, want) {
			text++
		}
	}
	report := fmt.Sprintf("git merge-tree agreement over %d triples (histogram): outcome %d, merged text %d", len(triples), outcome, text)
	t.Log(report)
	if text < len(triples)*99/100 {
		t.Errorf("merged text equals git merge-tree's for only %d of %d triples (want 99%%)", text, len(triples))
	}
}
