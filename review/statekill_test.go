package review_test

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forkreview/forkreview/review"
)

// killEnv names the state file the helper process saves into; unset, TestHelperProcess is a
// no-op.
const killEnv = "FORKREVIEW_TEST_STATEKILL"

// killNote is the note of the i-th decision: long enough that a save takes a while to write,
// and different per entry so a torn or mixed file would show.
func killNote(i int) string {
	return fmt.Sprintf("decision %d: ", i) + strings.Repeat(fmt.Sprintf("<%d> \x1b[1m\"quoted\"\n", i), 60)
}

// TestHelperProcess is the child of TestKillMidSave, not a test of its own: it loads the state
// file, then records one decision more and saves, over and over, printing "saved N" after each
// save returns, until it is killed.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(killEnv)
	if path == "" {
		t.Skip("helper process of TestKillMidSave")
	}
	st, err := review.LoadState(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := len(st.Reviews) + 1; i < 100000; i++ {
		st.Set(hash(i), fmt.Sprintf("commit %d", i), review.StatusReviewed, killNote(i), "Kim <kim@example.com>", time.Unix(int64(i), 0))
		if err := st.Save(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Printf("saved %d\n", i)
	}
	os.Exit(0)
}

// TestKillMidSave kills a process that saves the review state in a loop with SIGKILL at random
// moments, many times, and checks after each kill that the file parses and holds exactly the
// decisions of a prefix of the saves: every save that returned, and at most the one under way.
func TestKillMidSave(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	rounds := 120
	if testing.Short() {
		rounds = 25
	}
	seed := time.Now().UnixNano()
	rnd := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	dir := t.TempDir()
	path := filepath.Join(dir, "v1..v2.json")
	if err := review.NewState().Save(path); err != nil {
		t.Fatal(err)
	}
	have, killedMidRun := 0, 0
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(exe, "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), killEnv+"="+path)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked atomic.Int64
		ready := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				line := sc.Text()
				if line == "ready" {
					close(ready)
				} else if n, ok := strings.CutPrefix(line, "saved "); ok {
					v, _ := strconv.Atoi(n)
					acked.Store(int64(v))
				}
			}
		}()
		// Most kills land in the save loop; some during start-up or the first load.
		if rnd.Intn(8) != 0 {
			select {
			case <-ready:
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the helper process never became ready")
			}
			time.Sleep(time.Duration(rnd.Intn(4000)) * time.Microsecond)
		}
		_ = cmd.Process.Kill() // SIGKILL on Unix: no deferred function, no cleanup runs
		<-done
		werr := cmd.Wait()
		if werr == nil || stderr.Len() > 0 {
			t.Fatalf("round %d: the helper ended on its own (%v): %s", round, werr, stderr.String())
		}

		st, err := review.LoadState(path)
		if err != nil {
			t.Fatalf("round %d: after a kill the state file does not load: %v", round, err)
		}
		n := len(st.Reviews)
		for i := 1; i <= n; i++ {
			e, ok := st.Reviews[hash(i)]
			if !ok || e.Note != killNote(i) || e.Status != review.StatusReviewed || e.Subject != fmt.Sprintf("commit %d", i) {
				t.Fatalf("round %d: %d entries, but entry %d is missing or torn: %.60q", round, n, i, e.Note)
			}
		}
		a := int(acked.Load())
		if a > 0 && (n < a || n > a+1) {
			t.Fatalf("round %d: the file holds %d decisions, but %d saves had returned: want %d or %d", round, n, a, a, a+1)
		}
		if n < have {
			t.Fatalf("round %d: the file holds %d decisions, it held %d before: saved decisions were lost", round, n, have)
		}
		if n > have {
			killedMidRun++
		}
		have = n
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	t.Logf("%d kills, %d decisions saved, %d temporary files left by killed saves", rounds, have, len(tmp))
	if killedMidRun < rounds/4 {
		t.Errorf("only %d of %d rounds saved anything before the kill: the test did not exercise saving", killedMidRun, rounds)
	}
}
