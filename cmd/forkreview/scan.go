package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/review"
	"github.com/forkreview/forkreview/review/export"
)

type scanOptions struct {
	rangeOptions
	Format        string
	Output        string
	FailOn        string
	ShowConflicts bool
	ByFeature     bool
}

func newScanCmd(ios *ioStreams) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [FROM..TO]",
		Short: "Classify every upstream commit of a range against the fork",
		Long: `Walk the upstream commits reachable from TO and not from FROM, oldest first, and classify
each against the fork's own changes (risk-model.md): applied, conflict, high, medium, low, none.

Without FROM, the newest upstream tag that is an ancestor of the fork is used.
Exit codes: 0 success, 1 failure, 2 wrong usage, 3 with --fail-on when a commit at or above
that risk is not yet reviewed.`,
		Example: `  forkreview scan v1.13.11..v1.13.12
  forkreview scan v1.13.14                       # FROM: the newest tag the fork contains
  forkreview scan                                # up to the newest upstream release
  forkreview scan v1.13.11..v1.13.12 --format json -o scan.json
  forkreview scan v1.13.11..v1.13.12 --show-conflicts
  forkreview scan --fork origin/main --base v1.13.11 v1.13.11..v1.13.14 --fail-on conflict`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parseRange(args); err != nil {
				return err
			}
			return runScan(cmd, ios, o)
		},
	}
	o.addFlags(cmd, true)
	f := cmd.Flags()
	f.StringVar(&o.Format, "format", "text", "output format: text or json")
	f.StringVarP(&o.Output, "output", "o", "", "write to FILE instead of stdout")
	f.StringVar(&o.FailOn, "fail-on", "", "exit 3 when a commit at this risk or higher is not reviewed (conflict, high, medium, low)")
	f.BoolVar(&o.ShowConflicts, "show-conflicts", false, "print the conflicting hunks (base, fork and upstream text)")
	f.BoolVar(&o.ByFeature, "by-feature", false, "group the commits that meet the fork's features (forkdiff fork.yaml)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"conflict", "high", "medium", "low"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runScan(cmd *cobra.Command, ios *ioStreams, o *scanOptions) error {
	if o.Format != "text" && o.Format != "json" {
		return usageErrorf("--format %q: use text or json (export has markdown, html and csv)", o.Format)
	}
	failOn, err := parseFailOn(o.FailOn)
	if err != nil {
		return err
	}
	s, err := openSession(ios, &o.rangeOptions)
	if err != nil {
		return err
	}
	rep, err := s.report(cmd.Context())
	if err != nil {
		return err
	}
	if err := writeOutput(ios, o.Output, func(w io.Writer, color bool) error {
		if o.Format == "json" {
			return writeJSON(w, rep)
		}
		width := 0
		if o.Output == "" && ios.IsTerminal() {
			width = ios.width()
		}
		if o.ByFeature {
			return writeByFeature(w, rep, color)
		}
		if err := writeTable(w, rep, color, width); err != nil {
			return err
		}
		if o.ShowConflicts {
			return writeConflicts(w, rep, color)
		}
		return nil
	}); err != nil {
		return err
	}
	if failOn != nil {
		if n := unreviewedAtLeast(rep, *failOn); n > 0 {
			return failOnError{n: n, level: failOn.String()}
		}
	}
	return nil
}

func parseFailOn(s string) (*review.Risk, error) {
	if s == "" {
		return nil, nil
	}
	r, err := review.ParseRisk(s)
	if err != nil {
		return nil, usageErrorf("--fail-on: %v", err)
	}
	return &r, nil
}

// unreviewedAtLeast counts commits at risk min or higher that are pending or follow-up.
func unreviewedAtLeast(rep *review.Report, min review.Risk) int {
	n := 0
	for _, c := range rep.Commits {
		if c.Risk.AtLeast(min) && (c.Review.Status == review.StatusPending || c.Review.Status == review.StatusFollowUp || c.Review.Status == "") {
			n++
		}
	}
	return n
}

// writeOutput runs render on stdout, or on FILE written atomically; colour only on a terminal.
func writeOutput(ios *ioStreams, file string, render func(w io.Writer, color bool) error) error {
	if file == "" || file == "-" {
		bw := bufio.NewWriter(ios.Out)
		if err := render(bw, ios.Color()); err != nil {
			return err
		}
		return bw.Flush()
	}
	var sb strings.Builder
	if err := render(&sb, false); err != nil {
		return err
	}
	if err := review.WriteFileAtomic(file, []byte(sb.String()), 0o644); err != nil {
		return err
	}
	if ios.errTTY {
		fmt.Fprintf(ios.Err, "wrote %s\n", file)
	}
	return nil
}

// writeJSON is report-format.md's JSON, the same as export --format json.
func writeJSON(w io.Writer, rep *review.Report) error { return export.JSON(w, rep) }

var riskColor = map[review.Risk]string{
	review.RiskApplied:  "\x1b[36m",
	review.RiskConflict: "\x1b[1;31m",
	review.RiskHigh:     "\x1b[31m",
	review.RiskMedium:   "\x1b[33m",
	review.RiskLow:      "\x1b[34m",
	review.RiskNone:     "\x1b[2m",
}

const reset = "\x1b[0m"

// writeTable prints the readable table: short hash, risk, area, subject, tags; then a summary.
func writeTable(w io.Writer, rep *review.Report, color bool, width int) error {
	if len(rep.Commits) == 0 {
		fmt.Fprintf(w, "Nothing to review: %s..%s has no upstream commits that %s lacks.\n", termSafe(rep.Upstream.From), termSafe(rep.Upstream.To), termSafe(rep.Fork.Ref))
		return nil
	}
	areaW := 4
	for _, c := range rep.Commits {
		areaW = max(areaW, len([]rune(termSafe(c.Area))))
	}
	areaW = min(areaW, 24)
	for _, c := range rep.Commits {
		risk := fmt.Sprintf("%-8s", c.Risk)
		if color {
			risk = riskColor[c.Risk] + risk + reset
		}
		mark := " "
		switch c.Review.Status {
		case review.StatusReviewed:
			mark = "✓"
		case review.StatusFollowUp:
			mark = "!"
		case review.StatusNotApplicable:
			mark = "-"
		}
		subject := termSafe(c.Subject)
		if len(c.Tags) > 0 {
			subject += "  [" + termSafe(strings.Join(c.Tags, ", ")) + "]"
		}
		prefix := fmt.Sprintf("%s %s %s %-*s ", c.Short(), mark, risk, areaW, truncate(termSafe(c.Area), areaW))
		if width > 0 {
			visible := len(c.Short()) + 3 + 9 + areaW + 1
			if room := width - visible; room > 10 {
				subject = truncate(subject, room)
			}
		}
		fmt.Fprintln(w, prefix+subject)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, summaryLine(rep, color))
	return nil
}

func summaryLine(rep *review.Report, color bool) string {
	var parts []string
	for _, r := range review.Risks {
		n := rep.Summary.ByRisk[r.String()]
		if n == 0 {
			continue
		}
		s := fmt.Sprintf("%d %s", n, r)
		if color {
			s = riskColor[r] + s + reset
		}
		parts = append(parts, s)
	}
	reviewed := rep.Summary.ByStatus[string(review.StatusReviewed)] + rep.Summary.ByStatus[string(review.StatusNotApplicable)]
	line := fmt.Sprintf("%d commits in %s..%s: %s", rep.Summary.Commits, termSafe(rep.Upstream.From), termSafe(rep.Upstream.To), strings.Join(parts, ", "))
	line += fmt.Sprintf(" · %d/%d reviewed", reviewed, rep.Summary.Commits)
	if n := rep.Summary.ByStatus[string(review.StatusFollowUp)]; n > 0 {
		line += fmt.Sprintf(", %d follow-up", n)
	}
	return line
}

// writeConflicts prints each conflict's three sides, as git's diff3 conflict style shows them.
func writeConflicts(w io.Writer, rep *review.Report, color bool) error {
	for _, c := range rep.Commits {
		if len(c.Conflicts) == 0 {
			continue
		}
		head := fmt.Sprintf("\n%s %s", c.Short(), termSafe(c.Subject))
		if color {
			head = "\x1b[1m" + head + reset
		}
		fmt.Fprintln(w, head)
		for _, k := range c.Conflicts {
			extra := ""
			if k.Trivial {
				extra = " (trivial)"
			}
			if k.Regenerate != "" {
				extra += " (regenerate: " + termSafe(k.Regenerate) + ")"
			}
			fmt.Fprintf(w, "  %s: %s conflict%s\n", termSafe(k.Path), k.Kind, extra)
			if k.Detail != "" {
				fmt.Fprintf(w, "    %s\n", termSafe(k.Detail))
			}
			if k.Kind != "content" && k.Kind != "add/add" {
				continue
			}
			side := func(label string, start int, text string) {
				fmt.Fprintf(w, "    %s (line %d)\n", label, start)
				for _, l := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
					fmt.Fprintf(w, "      │ %s\n", termSafe(strings.TrimSuffix(l, "\n")))
				}
			}
			side("fork", k.ForkStart, k.Fork)
			side("base", k.BaseStart, k.Base)
			side("upstream", k.UpstreamStart, k.Upstream)
		}
	}
	return nil
}

// writeByFeature prints, per fork feature, the upstream commits that meet it.
func writeByFeature(w io.Writer, rep *review.Report, color bool) error {
	by := map[string][]review.Commit{}
	for _, c := range rep.Commits {
		for _, f := range c.Features {
			by[f] = append(by[f], c)
		}
	}
	if len(by) == 0 {
		fmt.Fprintln(w, "No upstream commit meets a fork feature (features come from the fork's fork.yaml; see forkdiff in the configuration).")
		return nil
	}
	names := make([]string, 0, len(by))
	for f := range by {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		head := termSafe(f)
		if color {
			head = "\x1b[1m" + head + reset
		}
		fmt.Fprintf(w, "%s (%d)\n", head, len(by[f]))
		for _, c := range by[f] {
			risk := fmt.Sprintf("%-8s", c.Risk)
			if color {
				risk = riskColor[c.Risk] + risk + reset
			}
			fmt.Fprintf(w, "  %s %s %s\n", c.Short(), risk, termSafe(c.Subject))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// termSafe makes untrusted text safe for a terminal: control characters (escape sequences,
// carriage returns, bells) and bytes that are not UTF-8 are shown as visible escapes instead
// of acting.
func termSafe(s string) string {
	if strings.IndexFunc(s, review.IsControl) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			// a byte that is not UTF-8: a Latin-1 file name, or a raw C1 control such as
			// 0x9b, which 8-bit terminals take for CSI
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r == '\t':
			b.WriteString("    ")
		case r < 0x100 && review.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case review.IsControl(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return string(r[:n])
	}
	return string(r[:n-1]) + "…"
}
