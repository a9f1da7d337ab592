// Package tui is forkreview's review checklist in the terminal: the classified upstream commits
// as a list with details, their diffs, and the reviewer's decisions, saved as they are made.
// It holds views only; what is listed, in which order and what a key changes lives in Model,
// which knows nothing of the screen.
package tui

import (
	"errors"
	"os"
	"time"

	"github.com/forkreview/forkreview/review"
	"github.com/gdamore/tcell/v2"
)

// DiffSource gives the unified diff of an upstream commit against its first parent, as
// `git show --format= HASH` would (gitops implements it).
type DiffSource interface {
	CommitDiff(hash string) (string, error)
}

// Options configures Run.
type Options struct {
	// Title names what is under review, e.g. "v1.13.11..v1.13.12 on fork (HEAD 1a2b3c4d)".
	Title string
	// Load runs the scan. It runs in a goroutine behind a progress indicator and may report
	// progress from any goroutine.
	Load func(progress func(done, total int)) (*review.Report, error)
	// State is the review state, already loaded (the caller refuses damaged files).
	State *review.State
	// StatePath is where the state is saved, atomically, on every change; the caller holds its
	// lock (review.LockState). Empty keeps decisions in memory only.
	StatePath string
	// Reviewer is recorded with each decision: "Name <mail>" from git config.
	Reviewer string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Diffs gives the diff view its text; nil shows only the hunks of the report.
	Diffs DiffSource
	// Screen is the terminal; nil opens the real one. Tests pass a simulation screen.
	Screen tcell.Screen
	// NoColor renders with attributes (bold, underline, reverse) instead of colours.
	NoColor bool
	// Hangup, when set, delivers the signals that end the session from outside (the terminal
	// closed, SIGTERM): the checklist then saves the note being edited, if any, and quits, so
	// nothing typed is lost.
	Hangup <-chan os.Signal
}

// Run shows the checklist and returns when the user quits. It returns the scan's error if the
// scan fails, and the last save error if the user quits while the state could not be saved
// (the UI shows that error as soon as it happens, and keeps an unsaved note's text open).
func Run(opts Options) error {
	if opts.Load == nil {
		return errors.New("tui: Options.Load is nil")
	}
	if opts.State == nil {
		opts.State = review.NewState()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	u := newUI(opts)
	return u.run()
}
