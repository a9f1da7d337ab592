package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/review"
	"github.com/forkreview/forkreview/review/export"
)

type exportOptions struct {
	rangeOptions
	Format   string
	Output   string
	Template string
	Title    string
	MinRisk  string
	Status   []string
	Area     []string
	Tag      []string
}

func newExportCmd(ios *ioStreams) *cobra.Command {
	o := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export [FROM..TO]",
		Short: "Write the summary of a review: Markdown, HTML, JSON or CSV",
		Long: `Write the scan and the review state (statuses and notes) as a report to share: a
Markdown knowledge-sharing report, a self-contained HTML page, JSON (report-format.md) or CSV.
--template renders a custom Markdown report with Go's text/template (see docs/export-template.md).`,
		Example: `  forkreview export v1.13.11..v1.13.12 --format markdown -o REVIEW.md
  forkreview export v1.13.11..v1.13.12 --format html -o review.html
  forkreview export v1.13.11..v1.13.12 --format csv --min-risk high
  forkreview export v1.13.11..v1.13.12 --status follow-up --area core/state
  forkreview export v1.13.11..v1.13.12 --template team-report.tmpl -o report.md`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parseRange(args); err != nil {
				return err
			}
			return runExport(cmd, ios, o)
		},
	}
	o.addFlags(cmd, true)
	f := cmd.Flags()
	f.StringVar(&o.Format, "format", "markdown", "markdown, html, json or csv")
	f.StringVarP(&o.Output, "output", "o", "", "write to FILE instead of stdout")
	f.StringVar(&o.Template, "template", "", "render this text/template file instead of a built-in format")
	f.StringVar(&o.Title, "title", "", "the report's title (default: the range and the fork)")
	f.StringVar(&o.MinRisk, "min-risk", "", "only commits at this risk or higher (conflict, high, medium, low, none)")
	f.StringSliceVar(&o.Status, "status", nil, "only commits with this review status (pending, reviewed, follow-up, not-applicable); repeatable")
	f.StringSliceVar(&o.Area, "area", nil, "only commits in this area or below it (core/state); repeatable")
	f.StringSliceVar(&o.Tag, "tag", nil, "only commits with this tag (security, consensus, ...); repeatable")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(export.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("min-risk", cobra.FixedCompletions([]string{"conflict", "high", "medium", "low", "none"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{"pending", "reviewed", "follow-up", "not-applicable"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// filter builds the filter shared by export and ci from its flags.
func (o *exportOptions) filter() (export.Filter, error) {
	var f export.Filter
	if o.MinRisk != "" {
		r, err := review.ParseRisk(o.MinRisk)
		if err != nil {
			return f, usageErrorf("--min-risk: %v", err)
		}
		f.MinRisk = &r
	}
	for _, s := range o.Status {
		st, err := review.ParseStatus(s)
		if err != nil {
			return f, usageErrorf("--status: %v", err)
		}
		f.Status = append(f.Status, st)
	}
	for _, a := range o.Area {
		f.Area = append(f.Area, strings.Trim(a, "/"))
	}
	f.Tag = o.Tag
	return f, nil
}

func runExport(cmd *cobra.Command, ios *ioStreams, o *exportOptions) error {
	known := false
	for _, f := range export.Formats() {
		known = known || f == o.Format
	}
	if !known && o.Template == "" {
		return usageErrorf("--format %q: use one of %s", o.Format, strings.Join(export.Formats(), ", "))
	}
	filter, err := o.filter()
	if err != nil {
		return err
	}
	var tmpl string
	if o.Template != "" {
		b, err := os.ReadFile(o.Template)
		if err != nil {
			return fmt.Errorf("--template: %w", err)
		}
		tmpl = string(b)
	}
	s, err := openSession(ios, &o.rangeOptions)
	if err != nil {
		return err
	}
	rep, err := s.report(cmd.Context())
	if err != nil {
		return err
	}
	rep = filter.Apply(rep)
	opt := export.Options{Now: time.Now().UTC(), Title: o.Title}
	return writeOutput(ios, o.Output, func(w io.Writer, _ bool) error {
		if tmpl != "" {
			return export.Template(w, rep, tmpl, opt)
		}
		return export.Render(w, o.Format, rep, opt)
	})
}
