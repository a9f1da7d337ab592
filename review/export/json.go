package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/forkreview/forkreview/review"
)

// JSON writes r as report-format.md specifies: two-space indent, a final newline, times in UTC,
// the summary matching the commits, and [] (never null) for the lists the format shows as
// arrays. The domain may leave slices nil; the wire format is decided here.
func JSON(w io.Writer, r *review.Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(wireReport(r)); err != nil {
		return fmt.Errorf("encode json report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// wireReport is a copy of r normalised for the JSON contract; r is left untouched.
func wireReport(r *review.Report) *review.Report {
	out := *r
	out.GeneratedAt = r.GeneratedAt.UTC()
	if out.SchemaVersion == 0 {
		out.SchemaVersion = review.SchemaVersion
	}
	out.Summary = summarize(r)
	out.Commits = make([]review.Commit, len(r.Commits))
	for i, c := range r.Commits {
		c.Date = c.Date.UTC()
		c.Parents = nonNil(c.Parents)
		c.Tags = nonNil(c.Tags)
		c.Reasons = nonNil(c.Reasons)
		files := make([]review.FileChange, len(c.Files))
		for j, f := range c.Files {
			f.Declarations = nonNil(f.Declarations)
			files[j] = f
		}
		c.Files = files
		if c.Review.Status == "" {
			c.Review.Status = review.StatusPending
		}
		c.Review.Subject = ""
		out.Commits[i] = c
	}
	return &out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
