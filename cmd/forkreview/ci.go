package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/gitops"
	gh "github.com/forkreview/forkreview/gitops/github"
	"github.com/forkreview/forkreview/review/prcomment"
)

type ciOptions struct {
	rangeOptions
	PR        int
	RepoSlug  string
	DryRun    bool
	FailOn    string
	ReportURL string
}

func newCICmd(ios *ioStreams) *cobra.Command {
	ci := &cobra.Command{
		Use:   "ci",
		Short: "Commands for continuous integration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("ci needs a subcommand: forkreview ci comment")
		},
	}
	ci.AddCommand(newCICommentCmd(ios))
	return ci
}

func newCICommentCmd(ios *ioStreams) *cobra.Command {
	o := &ciOptions{}
	cmd := &cobra.Command{
		Use:   "comment [FROM..TO]",
		Short: "Keep one summary comment up to date on the pull request that takes upstream in",
		Long: `Post, or edit in place, one comment on the pull request: the risk summary, the conflicts and
high-risk commits with their reasons, and a checklist ticked from the committed review state.
The same summary goes to the Actions step summary. It follows the GitHub Actions environment
(GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY).

Without FROM..TO in a pull request, FROM is the newest upstream tag in the base branch and TO
the newest upstream tag in the head. Without permission to comment (a pull request from a
fork), it writes the step summary and says why instead of failing.
Exit codes: 0 success, 1 failure, 2 wrong usage, 3 with --fail-on.`,
		Example: `  forkreview ci comment                              # in a pull_request workflow
  forkreview ci comment v1.13.11..v1.13.12 --fail-on conflict
  forkreview ci comment --dry-run v1.13.11..v1.13.12  # print the comment
  forkreview ci comment --pr 42 --repo-slug acme/chain`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parseRange(args); err != nil {
				return err
			}
			return runCIComment(cmd, ios, o)
		},
	}
	o.addFlags(cmd, true)
	f := cmd.Flags()
	f.IntVar(&o.PR, "pr", 0, "pull request number (default: from GITHUB_EVENT_PATH)")
	f.StringVar(&o.RepoSlug, "repo-slug", "", "OWNER/NAME of the repository (default: GITHUB_REPOSITORY)")
	f.BoolVar(&o.DryRun, "dry-run", false, "print the comment instead of posting it")
	f.StringVar(&o.FailOn, "fail-on", "", "exit 3 when a commit at this risk or higher is not reviewed")
	f.StringVar(&o.ReportURL, "report-url", "", "link to the full report (for example an uploaded artifact)")
	return cmd
}

func runCIComment(cmd *cobra.Command, ios *ioStreams, o *ciOptions) error {
	failOn, err := parseFailOn(o.FailOn)
	if err != nil {
		return err
	}
	getenv := ios.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	env, envErr := gh.EnvFromOS(getenv)
	if o.PR != 0 {
		env.PR = o.PR
	}
	if o.RepoSlug != "" {
		env.Repository = o.RepoSlug
	}
	if envErr != nil && o.PR == 0 {
		return envErr
	}
	if o.Fork == "HEAD" && env.HeadSHA != "" {
		o.Fork = env.HeadSHA
	}
	if o.To == "" {
		// the range of a pull request: upstream tags in the base and in the head
		if env.BaseSHA == "" || env.HeadSHA == "" {
			return usageErrorf("no range: give FROM..TO, or run in a pull_request workflow whose event names the base and head")
		}
		if err := o.rangeFromPR(ios, env.BaseSHA, env.HeadSHA); err != nil {
			return err
		}
	}
	s, err := openSession(ios, &o.rangeOptions)
	if err != nil {
		return err
	}
	s.noPRInfo = true
	rep, err := s.report(cmd.Context())
	if err != nil {
		return err
	}
	body := prcomment.Render(rep, prcomment.Options{ReportURL: o.ReportURL, RunURL: env.RunURL()})
	if env.StepSummary != "" {
		if err := gh.AppendStepSummary(env.StepSummary, body); err != nil {
			fmt.Fprintf(ios.Err, "forkreview: warning: step summary: %v\n", err)
		}
	}
	switch {
	case o.DryRun:
		fmt.Fprint(ios.Out, body)
	default:
		if env.PR == 0 {
			return errors.New("no pull request: run in a pull_request workflow, pass --pr N, or use --dry-run")
		}
		owner, name, err := env.Repo()
		if err != nil {
			return err
		}
		client, err := gh.NewClient(env, &http.Client{Timeout: 60 * time.Second}, gh.WithUserAgent("forkreview/"+toolVersion()))
		if err != nil {
			return err
		}
		res, err := client.Upsert(cmd.Context(), owner, name, env.PR, prcomment.DefaultMarker, body)
		switch {
		case errors.Is(err, gh.ErrForbidden):
			fmt.Fprintf(ios.Err, "forkreview: warning: %v; the summary is in the step summary instead\n", err)
		case err != nil:
			return err
		default:
			fmt.Fprintf(ios.Out, "%s %s\n", res.Action, res.URL)
		}
	}
	if failOn != nil {
		if n := unreviewedAtLeast(rep, *failOn); n > 0 {
			return failOnError{n: n, level: failOn.String()}
		}
	}
	return nil
}

// rangeFromPR sets FROM to the newest upstream tag contained in the base, TO to the newest one
// contained in the head.
func (o *ciOptions) rangeFromPR(ios *ioStreams, base, head string) error {
	s, err := gitops.Open(o.Repo)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(s, o.ConfigFile)
	if err != nil {
		return err
	}
	pattern := cfg.TagPattern()
	bh, err := s.Resolve(base)
	if err != nil {
		return fmt.Errorf("pull request base: %w", err)
	}
	hh, err := s.Resolve(head)
	if err != nil {
		return fmt.Errorf("pull request head: %w", err)
	}
	from, err := s.NewestTag(bh, pattern)
	if err != nil {
		return fmt.Errorf("FROM from the base branch: %w", err)
	}
	to, err := s.NewestTag(hh, pattern)
	if err != nil {
		return fmt.Errorf("TO from the head branch: %w", err)
	}
	if o.From == "" {
		o.From = from.Name
	}
	o.To = to.Name
	fmt.Fprintf(ios.Err, "range from the pull request: %s..%s\n", o.From, o.To)
	return nil
}
