package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/forkreview/forkreview/review"
)

// maxDiffLines caps what the diff view renders, so that a vendored-dependency commit with a
// million lines cannot stall the checklist; the rest is one `git show` away.
const maxDiffLines = 20000

// diffPage is the rendered diff view of one commit: tview-tagged text and the lines a reviewer
// jumps between with ] and [ (conflicts and the hunks that meet fork changes).
type diffPage struct {
	head    string // fixed above the scrolling text
	text    string
	targets []int
}

// renderDiff renders the conflict sides of c (if any) and then the unified diff, marking the
// hunks that meet fork changes with a bar in the gutter (visible without colour too). When diff
// is empty (no DiffSource, or it failed with loadErr) the hunks of the report are shown instead.
func (p palette) renderDiff(c *review.Commit, diff string, loadErr error) diffPage {
	var (
		b     strings.Builder
		pg    diffPage
		lines int
	)
	emit := func(s string) {
		b.WriteString(s)
		b.WriteByte('\n')
		lines++
	}
	target := func() { pg.targets = append(pg.targets, lines) }

	pg.head = p.diffHead(c)
	marked := 0
	for _, f := range c.Files {
		marked += len(f.Hunks)
	}

	if len(c.Conflicts) > 0 {
		emit(p.paint(lookHeading, fmt.Sprintf("Conflicts (%d) when merged into the fork", len(c.Conflicts))))
		for _, k := range c.Conflicts {
			emit("")
			target()
			emit(p.paint(riskLooks[review.RiskConflict], "✖ "+lit(oneLine(k.Path))) + " " + p.paint(lookDim, lit(conflictKind(k))))
			side := func(name string, start int, text string, l look) {
				head := "── " + name
				if start > 0 {
					head += " (line " + strconv.Itoa(start) + ")"
				} else {
					head += " (no such file)"
				}
				emit(p.paint(l, head+" "+strings.Repeat("─", max(0, 40-width(head)))))
				for _, line := range splitLines(text) {
					emit(p.paint(l, "│") + " " + lit(line))
				}
			}
			if k.Detail != "" {
				emit("  " + lit(oneLine(k.Detail)))
			}
			if k.Base == "" && k.Fork == "" && k.Upstream == "" {
				continue // a tree-level conflict: no text to show side by side
			}
			side("base", k.BaseStart, k.Base, lookBase)
			side("fork", k.ForkStart, k.Fork, lookFork)
			side("upstream", k.UpstreamStart, k.Upstream, lookUpstream)
		}
	}

	if diff == "" {
		emit("")
		if loadErr != nil {
			emit(p.paint(lookError, lit("the diff could not be loaded: "+oneLine(loadErr.Error()))))
		}
		if marked == 0 {
			emit(p.paint(lookDim, "no diff to show"))
		} else {
			emit(p.paint(lookHeading, "Hunks that meet fork changes"))
		}
		for _, f := range c.Files {
			if len(f.Hunks) == 0 {
				continue
			}
			emit("")
			emit(p.paint(lookFileHead, lit(oneLine(f.Path))))
			for _, h := range f.Hunks {
				target()
				emit(p.paint(lookMark, "▌") + p.paint(lookHunk, fmt.Sprintf("@@ -%d,%d +%d,%d @@", h.OldStart, h.OldLines, h.NewStart, h.NewLines)))
				for _, line := range splitLines(h.Text) {
					emit(p.paint(lookMark, "▌") + p.diffLine(line))
				}
			}
		}
		pg.text = b.String()
		return pg
	}

	var (
		path    string
		inHunk  bool
		hot     bool
		hotFile []review.DiffHunk
	)
	files := map[string][]review.DiffHunk{}
	for _, f := range c.Files {
		files[f.Path] = append(files[f.Path], f.Hunks...)
		if f.OldPath != "" {
			files[f.OldPath] = append(files[f.OldPath], f.Hunks...)
		}
	}
	all := splitLines(diff)
	for i, line := range all {
		if lines >= maxDiffLines {
			emit(p.paint(lookError, fmt.Sprintf("diff cut after %d lines (%d more); see git show %s", maxDiffLines, len(all)-i, lit(c.Short()))))
			break
		}
		switch {
		case strings.HasPrefix(line, "diff --git "):
			inHunk, hot, path = false, false, diffGitPath(line)
			hotFile = files[path]
			if lines > 0 {
				emit("")
			}
			emit(" " + p.paint(lookFileHead, lit(line)))
			continue
		case !inHunk && strings.HasPrefix(line, "+++ "):
			if np := strings.TrimPrefix(line[4:], "b/"); line[4:] != "/dev/null" {
				path = np
				hotFile = files[path]
			}
		case strings.HasPrefix(line, "@@ "):
			inHunk = true
			oldStart, oldLines, newStart, newLines, ok := parseHunkHeader(line)
			hot = ok && meets(hotFile, oldStart, oldLines, newStart, newLines)
			if hot {
				target()
				emit(p.paint(lookMark, "▌") + p.paint(lookHunk, lit(line)) + " " + p.paint(lookMark, "◆ meets fork changes"))
				continue
			}
			emit(" " + p.paint(lookHunk, lit(line)))
			continue
		}
		gutter := " "
		if inHunk && hot {
			gutter = p.paint(lookMark, "▌")
		}
		if !inHunk {
			emit(gutter + p.paint(lookFileHead, lit(line)))
			continue
		}
		emit(gutter + p.diffLine(line))
	}
	pg.text = b.String()
	return pg
}

func (p palette) diffLine(line string) string {
	switch {
	case strings.HasPrefix(line, "+"):
		return p.paint(lookAdd, lit(line))
	case strings.HasPrefix(line, "-"):
		return p.paint(lookDel, lit(line))
	case strings.HasPrefix(line, `\`):
		return p.paint(lookDim, lit(line))
	}
	return lit(line)
}

// diffHead is the two lines above the diff: the commit, and what the marks mean.
func (p palette) diffHead(c *review.Commit) string {
	marked := 0
	for _, f := range c.Files {
		marked += len(f.Hunks)
	}
	legend := p.paint(lookMark, "▌") + " hunks that meet fork changes · ] [ jump"
	if len(c.Conflicts) > 0 {
		legend = "conflicts first (base, fork, upstream) · " + legend
	}
	if marked == 0 && len(c.Conflicts) == 0 {
		legend = p.paint(lookDim, "no hunk of this commit meets a fork change")
	}
	return p.badge(c.Risk) + " " + p.statusBox(status(c)) + " " + p.paint(lookDim, lit(c.Short())) + " " + p.paint(lookTitle, lit(oneLine(c.Subject))) + "\n" + legend
}

// splitLines splits text into lines without the final empty one.
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// diffGitPath takes the new path from "diff --git a/X b/X". Paths with spaces are ambiguous
// there; the "+++ b/X" line that follows corrects it.
func diffGitPath(line string) string {
	rest := strings.TrimPrefix(line, "diff --git ")
	if i := strings.LastIndex(rest, " b/"); i >= 0 {
		return rest[i+3:]
	}
	return rest
}

// parseHunkHeader reads "@@ -a,b +c,d @@ …" (a missing count means 1).
func parseHunkHeader(line string) (oldStart, oldLines, newStart, newLines int, ok bool) {
	f := strings.Fields(line)
	if len(f) < 3 || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return 0, 0, 0, 0, false
	}
	rng := func(s string) (int, int, bool) {
		a, b, found := strings.Cut(s, ",")
		start, err := strconv.Atoi(a)
		if err != nil {
			return 0, 0, false
		}
		n := 1
		if found {
			if n, err = strconv.Atoi(b); err != nil {
				return 0, 0, false
			}
		}
		return start, n, true
	}
	var ok1, ok2 bool
	oldStart, oldLines, ok1 = rng(f[1][1:])
	newStart, newLines, ok2 = rng(f[2][1:])
	return oldStart, oldLines, newStart, newLines, ok1 && ok2
}

// meets reports whether a diff hunk overlaps one of the report's hunks of the file. The diff
// may have been made with another context size than the scan's, so ranges are compared rather
// than headers.
func meets(hunks []review.DiffHunk, oldStart, oldLines, newStart, newLines int) bool {
	for _, h := range hunks {
		if overlaps(oldStart, oldLines, h.OldStart, h.OldLines) || overlaps(newStart, newLines, h.NewStart, h.NewLines) {
			return true
		}
	}
	return false
}

// overlaps reports whether the line ranges [a, a+n) and [b, b+m) share a line; an empty range
// (a pure insertion or deletion) counts as the line it sits at.
func overlaps(a, n, b, m int) bool {
	if a == 0 && n == 0 || b == 0 && m == 0 {
		return false // that side has no file
	}
	return a < b+max(m, 1) && b < a+max(n, 1)
}
