//go:build !unix

package review

import "os"

// processAlive reports whether a process with that id exists. On Windows os.FindProcess opens
// the process and fails when there is none; elsewhere it cannot tell, so the lock is kept.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
