package review

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestLockStateExcludesSecondHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	unlock, err := LockState(path)
	if err != nil {
		t.Fatalf("first lock: %v", err)
	}
	b, err := os.ReadFile(path + ".lock")
	if err != nil {
		t.Fatalf("lock file: %v", err)
	}
	host, _ := os.Hostname()
	if want := fmt.Sprintf("pid %d\nhost %s\n", os.Getpid(), host); string(b) != want {
		t.Errorf("lock file holds %q, want %q", b, want)
	}

	_, err = LockState(path)
	if !errors.Is(err, ErrStateLocked) {
		t.Fatalf("second lock: err = %v, want ErrStateLocked", err)
	}
	msg := err.Error()
	for _, want := range []string{path + ".lock", strconv.Itoa(os.Getpid()), "delete"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}

	if err := unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file still there after unlock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("second unlock: %v", err)
	}
	unlock2, err := LockState(path)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// The test binary run with a filter that matches nothing exits at once.
	cmd := exec.Command(exe, "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot start a child process: %v", err)
	}
	return cmd.Process.Pid
}

func TestLockStateTakesOverStaleLock(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("process liveness is checked with kill -0")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	host, _ := os.Hostname()
	pid := deadPID(t)
	if err := os.WriteFile(path+".lock", []byte(fmt.Sprintf("pid %d\nhost %s\n", pid, host)), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := LockState(path)
	if err != nil {
		t.Fatalf("stale lock of exited process %d not taken over: %v", pid, err)
	}
	b, _ := os.ReadFile(path + ".lock")
	if !strings.Contains(string(b), fmt.Sprintf("pid %d\n", os.Getpid())) {
		t.Errorf("lock file after takeover holds %q", b)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLockStateKeepsLiveOrForeignLock(t *testing.T) {
	dir := t.TempDir()
	host, _ := os.Hostname()
	cases := []struct {
		name, content, want string
	}{
		// The parent of the test process is alive (go test, or a shell).
		{"live process", fmt.Sprintf("pid %d\nhost %s\n", os.Getppid(), host), strconv.Itoa(os.Getppid())},
		// A process on another machine cannot be checked, so its lock stands.
		{"other host", "pid 999999\nhost elsewhere.example\n", "elsewhere.example"},
		{"garbage", "not a lock\n", "names no process"},
		{"empty", "", "names no process"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
			if err := os.WriteFile(path+".lock", []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LockState(path)
			if !errors.Is(err, ErrStateLocked) {
				t.Fatalf("err = %v, want ErrStateLocked", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			b, _ := os.ReadFile(path + ".lock")
			if string(b) != tc.content {
				t.Errorf("lock file changed to %q", b)
			}
		})
	}
}

func TestUnlockLeavesLockTakenOverByOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	unlock, err := LockState(path)
	if err != nil {
		t.Fatal(err)
	}
	other := []byte("pid 1\nhost elsewhere.example\n")
	if err := os.WriteFile(path+".lock", other, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path + ".lock"); string(b) != string(other) {
		t.Errorf("unlock removed or changed a lock that was not its own: %q", b)
	}
}
