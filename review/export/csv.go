package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/forkreview/forkreview/review"
)

// csvHeader names the columns of CSV, one row per commit.
var csvHeader = []string{"hash", "subject", "area", "risk", "tags", "status", "reviewer", "note", "upstream_pr", "link"}

// CSV writes one row per commit under a header row (RFC 4180 quoting, \n line ends). Tags are
// joined with "; ". Cells that a spreadsheet would run as a formula (starting, after any spaces,
// with = + - @, tab or carriage return) get a leading apostrophe, as OWASP advises against CSV injection, and
// control characters are shown as control pictures so that `cat` cannot run escape sequences.
func CSV(w io.Writer, r *review.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	base := upstreamBase(r.Upstream.URL)
	for i := range r.Commits {
		c := &r.Commits[i]
		pr := ""
		if c.UpstreamPR > 0 {
			pr = strconv.Itoa(c.UpstreamPR)
		}
		row := []string{
			csvCell(c.Hash),
			csvCell(c.Subject),
			csvCell(c.Area),
			c.Risk.String(),
			csvCell(strings.Join(c.Tags, "; ")),
			string(statusOf(c)),
			csvCell(c.Review.Reviewer),
			csvCell(c.Review.Note),
			pr,
			csvCell(commitURL(base, c.Hash)),
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvCell neutralises one untrusted cell.
func csvCell(s string) string {
	s = cleanText(s, true)
	if t := strings.TrimLeft(s, " "); t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return "'" + s
	}
	return s
}
