//go:build unix

package review

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with that id exists (kill -0). EPERM means it exists
// but belongs to someone else.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
