package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/forkreview/forkreview/review"
)

// rowLayout is the widths of the commit list's columns for one table width. The cells are
// padded to these widths so the columns stay put while scrolling.
type rowLayout struct {
	hash, area, subject, tags int
}

const shortHash = 7

// layoutRow divides width among the columns: status box and badge are fixed; hash only when
// wide; area and tags get what their longest values need, within limits; the subject the rest.
func layoutRow(width, areaMax, tagsMax int) rowLayout {
	var l rowLayout
	rest := width - (3 + 1 + badgeWidth + 1)
	if width >= 100 {
		l.hash = shortHash
		rest -= shortHash + 1
	}
	l.area = min(areaMax, max(8, rest/5), 24)
	rest -= l.area + 1
	if tagsMax > 0 {
		l.tags = min(tagsMax, max(8, rest/4), 30)
		rest -= l.tags + 1
	}
	l.subject = max(rest, 10)
	return l
}

// row renders commit c as one line of the list.
func (p palette) row(c *review.Commit, l rowLayout, query string) string {
	var b strings.Builder
	b.WriteString(p.statusBox(status(c)))
	b.WriteByte(' ')
	b.WriteString(p.badge(c.Risk))
	b.WriteByte(' ')
	if l.hash > 0 {
		h := clean(oneLine(c.Hash))
		if len(h) > l.hash && isPlain(h) {
			h = h[:l.hash] // a hash prefix, not an ellipsis
		}
		b.WriteString(p.paint(lookDim, escapeTags(fit(h, l.hash))))
		b.WriteByte(' ')
	}
	b.WriteString(p.paint(lookLabel, escapeTags(fit(clean(oneLine(c.Area)), l.area))))
	b.WriteByte(' ')
	subj := escapeTags(fit(clean(listSubject(c)), l.subject))
	if query != "" && Matches(c, query) {
		subj = p.paint(lookMatch, subj)
	}
	b.WriteString(subj)
	if l.tags > 0 {
		b.WriteByte(' ')
		b.WriteString(p.paint(lookTag, escapeTags(fit(clean(oneLine(strings.Join(c.Tags, ","))), l.tags))))
	}
	return b.String()
}

// listSubject is the subject as the list shows it: without its "area: " prefix, which the area
// column already shows.
func listSubject(c *review.Commit) string {
	s := oneLine(c.Subject)
	if c.Area != "" {
		if rest, ok := strings.CutPrefix(s, c.Area+": "); ok && rest != "" {
			return rest
		}
	}
	return s
}

// headerLines renders the two header lines: what is under review and the progress, then the
// counts per risk and per status (shortened when the terminal is narrow).
func (p palette) headerLines(title string, rep *review.Report, statePath string, saved bool, w int) (string, string) {
	s := rep.Summary
	done := s.Commits - s.ByStatus[string(review.StatusPending)]
	pct := 0
	if s.Commits > 0 {
		pct = done * 100 / s.Commits
	}
	counts := fmt.Sprintf("%d/%d reviewed", done, s.Commits)
	bar := ""
	if w >= 100 {
		bar = " " + progressBar(pct, 10)
	}
	pctText := fmt.Sprintf(" %d%%", pct)
	progress := p.paint(lookHeading, counts) + bar + pctText
	extra := ""
	if statePath == "" {
		extra = "(state not saved)"
		progress += "  " + p.paint(lookDim, extra)
	} else if !saved {
		extra = "NOT SAVED"
		progress += "  " + p.paint(lookError, extra)
	}
	room := w - width("forkreview ") - width(counts+bar+pctText) - 2 - width(extra) - 2
	line1 := p.paint(lookTitle, "forkreview") + " " + lit(truncate(clean(oneLine(title)), max(10, room))) + "  " + progress
	narrow := w < 110
	var parts []string
	for _, r := range []review.Risk{review.RiskConflict, review.RiskHigh, review.RiskMedium, review.RiskLow, review.RiskNone, review.RiskApplied} {
		parts = append(parts, p.paint(riskLooks[r], r.String())+" "+strconv.Itoa(s.ByRisk[r.String()]))
	}
	sep := "  "
	if narrow {
		sep = " "
	}
	line2 := strings.Join(parts, sep) + sep + "│" + sep
	parts = parts[:0]
	for _, st := range review.Statuses {
		label := statusLabel(st) + " "
		if narrow {
			label = ""
		}
		parts = append(parts, p.paint(statusLooks[st], statusMark(st))+" "+label+strconv.Itoa(s.ByStatus[string(st)]))
	}
	line2 += strings.Join(parts, sep)
	return line1, line2
}

func progressBar(pct, w int) string {
	full := pct * w / 100
	return strings.Repeat("█", full) + strings.Repeat("░", w-full)
}

// detail renders everything about one commit that a reviewer reads before deciding, most
// telling first (so that at 80x24 it is on screen): status, subject, why, the note, conflicts
// and files with their overlap; then identity and links, then the message.
func (p palette) detail(c *review.Commit, upstreamURL string) string {
	var b strings.Builder
	st := status(c)
	fmt.Fprintf(&b, "%s %s %s %s\n", p.badge(c.Risk), p.statusBox(st), p.paint(statusLooks[st], statusLabel(st)), p.reviewedBy(c.Review))
	fmt.Fprintf(&b, "%s\n", p.paint(lookTitle, lit(oneLine(c.Subject))))
	meta := []string{lit(oneLine(c.Author))}
	if !c.Date.IsZero() {
		meta = append(meta, c.Date.UTC().Format("2006-01-02 15:04 MST"))
	}
	if len(c.Tags) > 0 {
		meta = append(meta, p.paint(lookTag, lit(oneLine(strings.Join(c.Tags, ", ")))))
	}
	fmt.Fprintf(&b, "%s\n", p.paint(lookDim, strings.Join(meta, " · ")))

	if len(c.Reasons) > 0 {
		fmt.Fprintf(&b, "\n%s\n", p.paint(lookHeading, "Why"))
		for _, r := range c.Reasons {
			fmt.Fprintf(&b, " • %s\n", lit(oneLine(r)))
		}
	}

	fmt.Fprintf(&b, "\n%s\n", p.paint(lookHeading, "Note")+p.paint(lookDim, "  (n edits)"))
	if strings.TrimSpace(c.Review.Note) == "" {
		fmt.Fprintf(&b, " %s\n", p.paint(lookDim, "none"))
	} else {
		for _, line := range strings.Split(strings.TrimRight(c.Review.Note, "\n"), "\n") {
			fmt.Fprintf(&b, " %s\n", lit(line))
		}
	}

	if len(c.Conflicts) > 0 {
		fmt.Fprintf(&b, "\n%s\n", p.paint(lookHeading, fmt.Sprintf("Conflicts (%d)", len(c.Conflicts)))+p.paint(lookDim, "  (enter shows the three sides)"))
		for _, k := range c.Conflicts {
			fmt.Fprintf(&b, " %s %s\n", p.overlapMarker(review.OverlapConflict), lit(oneLine(k.Path))+" "+p.paint(lookDim, lit(conflictKind(k))))
		}
	}

	fmt.Fprintf(&b, "\n%s\n", p.paint(lookHeading, fmt.Sprintf("Files (%d)", len(c.Files))))
	for _, f := range c.Files {
		name := lit(oneLine(f.Path))
		if f.OldPath != "" && f.OldPath != f.Path {
			name = lit(oneLine(f.OldPath)) + " → " + name
		}
		counts := p.paint(lookAdd, fmt.Sprintf("+%d", f.Additions)) + " " + p.paint(lookDel, fmt.Sprintf("-%d", f.Deletions))
		if f.Binary {
			counts = p.paint(lookDim, "binary")
		}
		fmt.Fprintf(&b, " %s %s %s %s", p.overlapMarker(f.Overlap), fileStatusLetter(f.Status), name, counts)
		if f.Overlap != "" && f.Overlap != review.OverlapNone {
			fmt.Fprintf(&b, " %s", p.paint(lookDim, string(f.Overlap)))
		}
		b.WriteByte('\n')
		if len(f.Declarations) > 0 {
			fmt.Fprintf(&b, "     %s %s\n", p.paint(lookDim, "shared:"), lit(oneLine(strings.Join(f.Declarations, ", "))))
		}
	}

	fmt.Fprintf(&b, "\n%s\n", p.paint(lookHeading, "Upstream"))
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, " %s %s\n", p.paint(lookLabel, fit(name, 6)), value)
		}
	}
	base := strings.TrimRight(clean(oneLine(upstreamURL)), "/")
	field("commit", lit(c.Hash))
	if c.UpstreamPR > 0 {
		pr := fmt.Sprintf("#%d", c.UpstreamPR)
		if info := c.UpstreamPRInfo; info != nil && info.Title != "" {
			pr += " " + lit(oneLine(info.Title))
		}
		field("PR", pr)
		if info := c.UpstreamPRInfo; info != nil && len(info.Labels) > 0 {
			field("labels", lit(oneLine(strings.Join(info.Labels, ", "))))
		}
	}
	field("area", lit(oneLine(c.Area)))
	if len(c.Features) > 0 {
		field("fork", lit(oneLine(strings.Join(c.Features, "; "))))
	}
	if base != "" {
		if c.UpstreamPR > 0 {
			field("link", p.paint(lookLink, escapeTags(fmt.Sprintf("%s/pull/%d", base, c.UpstreamPR))))
		}
		field("link", p.paint(lookLink, escapeTags(base+"/commit/"+clean(oneLine(c.Hash)))))
	}

	if body := strings.TrimSpace(c.Body); body != "" {
		fmt.Fprintf(&b, "\n%s\n", p.paint(lookHeading, "Message"))
		for _, line := range strings.Split(body, "\n") {
			fmt.Fprintf(&b, " %s\n", lit(line))
		}
	}
	return b.String()
}

func (p palette) reviewedBy(e review.Entry) string {
	if e.Reviewer == "" && e.UpdatedAt == "" {
		return ""
	}
	var parts []string
	if e.Reviewer != "" {
		parts = append(parts, "by "+lit(oneLine(e.Reviewer)))
	}
	if t, err := time.Parse(time.RFC3339, e.UpdatedAt); err == nil {
		parts = append(parts, t.UTC().Format("2006-01-02 15:04 MST"))
	}
	return p.paint(lookDim, strings.Join(parts, ", "))
}

func conflictKind(k review.Conflict) string {
	s := k.Kind
	if k.Trivial {
		s += ", trivial"
	}
	if k.Regenerate != "" {
		s += "; regenerate: " + k.Regenerate
	}
	return "(" + s + ")"
}

func fileStatusLetter(s review.FileStatus) string {
	switch s {
	case review.StatusAdded:
		return "A"
	case review.StatusDeleted:
		return "D"
	case review.StatusRenamed:
		return "R"
	}
	return "M"
}
