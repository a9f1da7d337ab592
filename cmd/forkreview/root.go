package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// exitCode is the process exit status (cli.md): 0 success, 1 failure, 2 wrong usage, 3 a commit
// at or above --fail-on is not reviewed.
type exitCode int

const (
	exitOK     exitCode = 0
	exitError  exitCode = 1
	exitUsage  exitCode = 2
	exitFailOn exitCode = 3
)

// usageError marks errors of the command line itself (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// failOnError is returned when --fail-on finds unreviewed commits (exit 3).
type failOnError struct {
	n     int
	level string
}

func (e failOnError) Error() string {
	return fmt.Sprintf("%d unreviewed commit(s) at risk %s or higher (--fail-on %s)", e.n, e.level, e.level)
}

// ioStreams is all input and output of a run, so the whole CLI runs inside tests.
type ioStreams struct {
	In       io.Reader
	Out      io.Writer
	Err      io.Writer
	outTTY   bool
	errTTY   bool
	inTTY    bool
	noColor  bool
	termSize func() (int, int)
	Getenv   func(string) string
}

func systemIO() *ioStreams {
	outTTY := term.IsTerminal(int(os.Stdout.Fd()))
	return &ioStreams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		outTTY:  outTTY,
		errTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		inTTY:   term.IsTerminal(int(os.Stdin.Fd())),
		noColor: os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb",
		termSize: func() (int, int) {
			w, h, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				return 0, 0
			}
			return w, h
		},
		Getenv: os.Getenv,
	}
}

// IsTerminal reports whether stdout is a terminal.
func (s *ioStreams) IsTerminal() bool { return s.outTTY }

// Color reports whether output for people may be coloured: a terminal, NO_COLOR unset.
func (s *ioStreams) Color() bool { return s.outTTY && !s.noColor }

// Interactive reports whether a full-screen UI can run: stdin and stdout are terminals.
func (s *ioStreams) Interactive() bool { return s.outTTY && s.inTTY }

func (s *ioStreams) width() int {
	if s.termSize != nil {
		if w, _ := s.termSize(); w > 0 {
			return w
		}
	}
	return 0
}

// version is set at build time with -ldflags "-X main.version=..."; otherwise it comes from the
// module's build information.
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "0.1.0-dev"
}

// Main runs the command line and maps errors to exit codes in one place.
func Main(args []string, ios *ioStreams) exitCode {
	// A soft ceiling: the garbage collector works harder near it, so a scan of a big release
	// range stays under 1 GiB (GOMEMLIMIT in the environment overrides it).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
		if os.Getenv("GOGC") == "" {
			// collect rarely while far below the ceiling: a scan allocates much short-lived data
			debug.SetGCPercent(400)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd(ios)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var fe failOnError
	if errors.As(err, &fe) {
		fmt.Fprintln(ios.Err, "forkreview: "+err.Error())
		return exitFailOn
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(ios.Err, "forkreview: "+err.Error())
		fmt.Fprintln(ios.Err, "Run 'forkreview --help' for usage.")
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(ios.Err, "forkreview: interrupted")
		return exitError
	}
	msg := oneLine(err.Error())
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		// forkreview reads every object itself and cannot fetch what a partial clone left
		// on the server, as git does on demand
		msg += "; the repository lacks objects forkreview reads: a partial clone (made with --filter) has only part of them, so clone again without --filter (in GitHub Actions: actions/checkout with fetch-depth: 0 and no filter); otherwise check the repository with `git fsck`"
	}
	fmt.Fprintln(ios.Err, "forkreview: "+msg)
	return exitError
}

// isCobraUsage recognises cobra's own errors for unknown commands and flags.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "bad flag syntax"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func newRootCmd(ios *ioStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "forkreview",
		Short: "Review the upstream commits your fork takes in, one by one",
		Long: `forkreview walks the upstream commits between two releases and classifies each against
your fork's own changes: applied, conflict, high, medium, low or none. Review them in a
terminal checklist, share the summary, and keep one living comment on the merge pull request.

Exit codes: 0 success, 1 failure (the message says why), 2 wrong usage,
3 a commit at or above --fail-on is not reviewed.`,
		Example: `  forkreview demo                      # try it on a sample fork
  forkreview scan v1.13.11..v1.13.12   # classify an upstream release against HEAD
  forkreview review v1.13.11..v1.13.12 # the checklist
  forkreview export v1.13.11..v1.13.12 --format html -o review.html`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       toolVersion(),
	}
	var cpuProfile, memProfile string
	root.PersistentFlags().StringVar(&memProfile, "memprofile", "", "write a heap profile to FILE at the end (for developers)")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to FILE (for developers)")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	var stopProfile func()
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.PersistentPostRun = func(cmd *cobra.Command, args []string) {
		if stopProfile != nil {
			stopProfile()
		}
		if memProfile != "" {
			if f, err := os.Create(memProfile); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.SetVersionTemplate("forkreview {{.Version}}\n")
	root.AddCommand(
		newScanCmd(ios),
		newReviewCmd(ios),
		newExportCmd(ios),
		newCICmd(ios),
		newDemoCmd(ios),
		newInitCmd(ios),
		newVersionCmd(ios),
	)
	return root
}

func newVersionCmd(ios *ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and build information",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(ios.Out, "forkreview %s\n", toolVersion())
			if bi, ok := debug.ReadBuildInfo(); ok {
				fmt.Fprintf(ios.Out, "go: %s\n", bi.GoVersion)
				for _, s := range bi.Settings {
					switch s.Key {
					case "vcs.revision", "vcs.time", "vcs.modified", "GOOS", "GOARCH":
						fmt.Fprintf(ios.Out, "%s: %s\n", s.Key, s.Value)
					}
				}
			}
			return nil
		},
	}
}
