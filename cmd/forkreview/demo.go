package main

import (
	"fmt"
	"os"

	"github.com/gdamore/tcell/v2"
	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/gitops/fixture"
)

type demoOptions struct {
	Dir    string
	Keep   bool
	screen tcell.Screen
}

func newDemoCmd(ios *ioStreams) *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try forkreview on a sample fork it builds itself",
		Long: `Build a small geth-shaped project with tagged releases and a fork whose changes meet
upstream in every way the risk model names (conflicts, shared declarations, API drift, a
backport upstream later landed, a merge, a rename, a delete), then review it: the checklist on a
terminal, the table otherwise. Nothing but Go is needed.`,
		Example: `  forkreview demo
  forkreview demo --keep            # keep the sample repository to try other commands on it
  forkreview demo --dir /tmp/sample`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemo(cmd, ios, o)
		},
	}
	cmd.Flags().StringVar(&o.Dir, "dir", "", "build the sample in this new folder and keep it (default: a temporary folder)")
	cmd.Flags().BoolVar(&o.Keep, "keep", false, "keep the temporary folder with the sample repository")
	return cmd
}

func runDemo(cmd *cobra.Command, ios *ioStreams, o *demoOptions) error {
	dir, keep := o.Dir, o.Keep || o.Dir != ""
	if dir == "" {
		d, err := os.MkdirTemp("", "forkreview-demo-")
		if err != nil {
			return err
		}
		dir = d
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("--dir %s is not empty: give a new or empty folder", dir)
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	sample, err := fixture.BuildSample(dir)
	if err != nil {
		return fmt.Errorf("build the sample fork: %w", err)
	}
	ro := &rangeOptions{From: sample.From, To: sample.To, Repo: sample.Dir, Fork: "HEAD"}
	s, err := openSession(ios, ro)
	if err != nil {
		return err
	}
	if o.screen != nil || ios.Interactive() {
		if err := s.runChecklist(cmd, o.screen); err != nil {
			return err
		}
	} else {
		rep, err := s.report(cmd.Context())
		if err != nil {
			return err
		}
		fmt.Fprintf(ios.Out, "Sample fork %q against upstream %s (built in %s)\n\n", sample.Fork, sample.Range(), dir)
		if err := writeTable(ios.Out, rep, ios.Color(), ios.width()); err != nil {
			return err
		}
	}
	if keep {
		fmt.Fprintf(ios.Err, "\nThe sample repository is in %s. Try:\n  forkreview scan --repo %s %s --show-conflicts\n  forkreview export --repo %s %s --format html -o review.html\n", dir, dir, sample.Range(), dir, sample.Range())
	} else {
		fmt.Fprintf(ios.Err, "\nRun `forkreview demo --keep` to keep the sample repository and try the other commands on it.\n")
	}
	return nil
}
