package review

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrStateLocked is wrapped by LockState when another process holds the lock.
var ErrStateLocked = errors.New("review state file is in use")

// LockState keeps a second checklist from writing the same state file: it creates PATH.lock
// with O_EXCL (as git does with index.lock) and writes its process id and host name into it.
// A lock left behind by a process that is gone (same host, process not running) is taken
// over. unlock removes the lock if it is still this process's; it is safe to call twice.
//
// The lock is advisory: it guards against two forkreview sessions, not against editors.
func LockState(path string) (unlock func() error, err error) {
	lockPath := path + ".lock"
	host, _ := os.Hostname()
	mine := []byte(fmt.Sprintf("pid %d\nhost %s\n", os.Getpid(), host))
	for attempt := 0; ; attempt++ {
		err := createExclusive(lockPath, mine)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		held, rerr := os.ReadFile(lockPath)
		if errors.Is(rerr, os.ErrNotExist) && attempt < 3 {
			continue // released between our create and read
		}
		if rerr != nil {
			return nil, fmt.Errorf("lock %s: %w", path, rerr)
		}
		pid, holder, ok := parseLock(held)
		if !ok {
			return nil, fmt.Errorf("%w: %s cannot be read as a lock (it names no process); if no forkreview is running on %s, delete %s",
				ErrStateLocked, lockPath, path, lockPath)
		}
		stale := holder == host && pid != os.Getpid() && !processAlive(pid)
		if !stale || attempt >= 3 {
			where := ""
			if holder != host {
				where = " on host " + holder
			}
			return nil, fmt.Errorf("%w: %s is open in another forkreview review (process %d%s, lock %s); close that one first, or, if it is no longer running, delete %s",
				ErrStateLocked, path, pid, where, lockPath, lockPath)
		}
		// Take over the stale lock. Re-read first so that a lock a third process has just
		// taken in our place is not removed; the window that remains is between this read
		// and the remove, and the O_EXCL create below still admits only one winner.
		if again, err := os.ReadFile(lockPath); err == nil && !bytes.Equal(again, held) {
			continue
		}
		if err := os.Remove(lockPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("take over stale lock %s: %w", lockPath, err)
		}
	}
	released := false
	return func() error {
		if released {
			return nil
		}
		released = true
		cur, err := os.ReadFile(lockPath)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("unlock %s: %w", path, err)
		}
		if !bytes.Equal(cur, mine) {
			return nil // someone took it over; it is not ours to remove
		}
		if err := os.Remove(lockPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("unlock %s: %w", path, err)
		}
		return nil
	}, nil
}

func createExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return werr
	}
	return nil
}

// parseLock reads "pid N\nhost H\n".
func parseLock(b []byte) (pid int, host string, ok bool) {
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch k {
		case "pid":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 {
				return 0, "", false
			}
			pid = n
		case "host":
			host = strings.TrimSpace(v)
		}
	}
	return pid, host, pid > 0
}
