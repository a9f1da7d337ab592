// Package export renders a reviewed scan for people who were not at the keyboard: a Markdown
// report for a pull request or a wiki, a self-contained HTML page for a seminar or a wall, the
// JSON of report-format.md for tools, and CSV for spreadsheets. Every renderer treats commit
// text (subjects, bodies, file names) and review notes as untrusted and keeps it inert.
package export

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/forkreview/forkreview/review"
)

// Options tunes the human-readable formats.
type Options struct {
	// Now is shown in the "generated" line. It is passed in, never read from the clock, so that
	// output is reproducible; when zero, the report's own GeneratedAt is used.
	Now time.Time
	// Title replaces the default title ("Upstream review FROM..TO").
	Title string
}

// Formats lists the names Render accepts, in the order help texts show them.
func Formats() []string { return []string{"markdown", "html", "json", "csv"} }

// Render writes r in the named format; it is what `forkreview export --format` calls.
func Render(w io.Writer, format string, r *review.Report, opt Options) error {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "markdown", "md":
		return Markdown(w, r, opt)
	case "html":
		return HTML(w, r, opt)
	case "json":
		return JSON(w, r)
	case "csv":
		return CSV(w, r)
	}
	return fmt.Errorf("unknown export format %q: use one of %s", format, strings.Join(Formats(), ", "))
}

// Filter selects commits for every format. Within one field any value may match; all fields
// set must match (as `gh issue list --label a --state open` does).
type Filter struct {
	MinRisk *review.Risk // nil: all (review.Risk.AtLeast: applied is below none)
	Status  []review.Status
	Area    []string // prefix match on the commit's area by path segment: "core" matches "core/state"
	Tag     []string
}

// Apply returns a copy of r holding only the matching commits, with the summary recomputed.
// r itself is left untouched.
func (f Filter) Apply(r *review.Report) *review.Report {
	out := *r
	out.Commits = make([]review.Commit, 0, len(r.Commits))
	for i := range r.Commits {
		if f.Match(&r.Commits[i]) {
			out.Commits = append(out.Commits, r.Commits[i])
		}
	}
	out.Summarize()
	return &out
}

// Match reports whether one commit passes the filter.
func (f Filter) Match(c *review.Commit) bool {
	if f.MinRisk != nil && !c.Risk.AtLeast(*f.MinRisk) {
		return false
	}
	if len(f.Status) > 0 {
		st := statusOf(c)
		ok := false
		for _, s := range f.Status {
			if s == st {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(f.Area) > 0 {
		ok := false
		for _, a := range f.Area {
			for _, part := range review.AreaParts(c.Area) {
				ok = ok || areaHasPrefix(part, a)
			}
		}
		if !ok {
			return false
		}
	}
	if len(f.Tag) > 0 {
		ok := false
		for _, t := range f.Tag {
			if c.HasTag(strings.TrimSpace(t)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// IsZero reports whether the filter lets every commit through.
func (f Filter) IsZero() bool {
	return f.MinRisk == nil && len(f.Status) == 0 && len(f.Area) == 0 && len(f.Tag) == 0
}

// areaHasPrefix matches whole path segments, so "core" selects "core" and "core/state" but
// not "coreutils".
func areaHasPrefix(area, prefix string) bool {
	prefix = strings.Trim(strings.TrimSpace(prefix), "/")
	if prefix == "" {
		return true
	}
	return area == prefix || strings.HasPrefix(area, prefix+"/")
}

// statusOf is the commit's review status, pending when the state has none.
func statusOf(c *review.Commit) review.Status {
	if c.Review.Status == "" {
		return review.StatusPending
	}
	return c.Review.Status
}

// upstreamBase returns the upstream web address without a trailing slash, or "" when it is
// unknown or not an http(s) address: links are only made to places a browser can open safely.
func upstreamBase(raw string) string {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return strings.TrimSuffix(u.String(), ".git")
}

// commitURL is the upstream page of a commit (GitHub, GitLab and Gitea share the form).
func commitURL(base, hash string) string {
	if base == "" || !isHex(hash) {
		return ""
	}
	return base + "/commit/" + hash
}

// pullURL is the upstream pull request page, or "" without a number.
func pullURL(base string, n int) string {
	if base == "" || n <= 0 {
		return ""
	}
	return base + "/pull/" + strconv.Itoa(n)
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
