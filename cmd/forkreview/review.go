package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/review"
	"github.com/forkreview/forkreview/tui"
)

type reviewOptions struct {
	rangeOptions
	screen tcell.Screen // tests pass a simulation screen
}

func newReviewCmd(ios *ioStreams) *cobra.Command {
	o := &reviewOptions{}
	cmd := &cobra.Command{
		Use:   "review [FROM..TO]",
		Short: "Review the upstream commits one by one in a terminal checklist",
		Long: `Open the checklist: every upstream commit of the range with its risk, reasons, files and
diff. Mark each reviewed, follow-up or not applicable and write notes; every change is saved at
once to the state file (plain JSON, meant to be committed with the merge).

Keys: j/k move, space reviewed, u follow-up, x not applicable, n note, / search, f risk filter,
tab switch pane, enter diff, ? all keys, q quit.`,
		Example: `  forkreview review v1.13.11..v1.13.12
  forkreview review v1.13.11..v1.13.14 --state .forkreview/v1.13.14.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parseRange(args); err != nil {
				return err
			}
			return runReview(cmd, ios, o)
		},
	}
	o.addFlags(cmd, true)
	return cmd
}

func runReview(cmd *cobra.Command, ios *ioStreams, o *reviewOptions) error {
	if o.screen == nil && !ios.Interactive() {
		return errors.New("review needs a terminal: run it in one, or use `forkreview scan` or `forkreview export` in scripts")
	}
	s, err := openSession(ios, &o.rangeOptions)
	if err != nil {
		return err
	}
	return s.runChecklist(cmd, o.screen)
}

// runChecklist opens the checklist on the session's range: the state file is read (a damaged
// one stops it), locked for the session, and saved on every change.
func (s *session) runChecklist(cmd *cobra.Command, screen tcell.Screen) error {
	st, err := s.loadState()
	if err != nil {
		return err
	}
	path := s.statePath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("state folder: %w", err)
	}
	unlock, err := review.LockState(path)
	if err != nil {
		return err
	}
	defer unlock()
	// the terminal closing, or SIGTERM, saves the note being edited before the checklist ends
	hangup := make(chan os.Signal, 1)
	signal.Notify(hangup, syscall.SIGHUP, syscall.SIGTERM)
	defer signal.Stop(hangup)
	title := fmt.Sprintf("%s..%s on %s (%s)", s.rng.From, s.rng.To, s.rng.Fork, s.rng.ForkCommit.String()[:10])
	err = tui.Run(tui.Options{
		Title: title,
		Load: func(progress func(done, total int)) (*review.Report, error) {
			return s.scan(cmd.Context(), st, progress)
		},
		State:     st,
		StatePath: path,
		Reviewer:  s.repo.Reviewer(),
		Now:       time.Now,
		Diffs:     s.repo,
		Screen:    screen,
		NoColor:   s.ios.noColor,
		Hangup:    hangup,
	})
	if err != nil {
		return err
	}
	if len(st.Reviews) > 0 {
		fmt.Fprintf(s.ios.Err, "review state saved in %s: commit it with the merge\n", path)
	}
	return nil
}
