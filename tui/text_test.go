package tui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/forkreview/forkreview/review"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"bell\x07 and nul\x00", "bell␇ and nul␀"},
		{"del\x7f", "del␡"},
		{"c1\u009b31m", "c1⟨U+009B⟩31m"},
		{"bidi \u202eevil\u202c", "bidi ⟨U+202E⟩evil⟨U+202C⟩"},
		{"marks \u200f\u061c", "marks ⟨U+200F⟩⟨U+061C⟩"},
		{"crlf\r\nnext", "crlf\nnext"},
		{"lone\rcr", "lone␍cr"},
		{"a\tb\n\tc", "a   b\n    c"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"日本\t語", "日本  語"},
	}
	for _, c := range cases {
		if got := clean(c.in); got != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestLitPrintsLiterally draws escaped text with tview and reads the screen back: whatever the
// text, what shows is the text itself (after clean).
func TestLitPrintsLiterally(t *testing.T) {
	inputs := []string{
		"[red]red[-]",
		"[::b]bold[::-] [#ff0000]hex[-]",
		`["region"]text[""]`,
		"[:::https://evil.example]link[:::-]",
		"[red::b:https://x]y",
		"[yellow:blue]both",
		"[]empty [-] [:] [::] [:::]",
		"nested [[red]] [x[y]z] [[[a]]]",
		"trailing [",
		"]]] [[[",
		"array[i] and map[string]int and [2]byte",
		"\x1b[2J[red]",
		"[red[]already escaped",
	}
	screen := tcell.NewSimulationScreen("UTF-8")
	if err := screen.Init(); err != nil {
		t.Fatal(err)
	}
	screen.SetSize(100, 1)
	for _, in := range inputs {
		tv := tview.NewTextView().SetDynamicColors(true).SetRegions(true).SetWrap(false)
		tv.SetText(lit(in))
		tv.SetRect(0, 0, 100, 1)
		screen.Clear()
		tv.Draw(screen)
		screen.Show()
		cells, w, _ := screen.GetContents()
		var b strings.Builder
		for x := 0; x < w; x++ {
			b.WriteString(string(cells[x].Runes))
		}
		got := strings.TrimRight(strings.ReplaceAll(b.String(), "\u200b", ""), " ")
		if want := clean(in); got != want {
			t.Errorf("lit(%q) shows %q, want %q", in, got, want)
		}
		for x := 0; x < w; x++ {
			if fg, _, _ := cells[x].Style.Decompose(); fg == tcell.ColorRed || fg == tcell.ColorYellow {
				t.Errorf("lit(%q): a tag in the text coloured the screen", in)
				break
			}
		}
	}
}

func TestFit(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 5, "abcd…"},
		{"abcde", 5, "abcde"},
		{"日本語です", 5, "日本…"},
		{"x", 0, ""},
	}
	for _, c := range cases {
		if got := fit(c.in, c.w); got != c.want {
			t.Errorf("fit(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if c.w > 0 && width(fit(c.in, c.w)) != c.w {
			t.Errorf("fit(%q, %d) is %d cells wide", c.in, c.w, width(fit(c.in, c.w)))
		}
	}
	if got := oneLine("a\nb\r\n  c"); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
}

func TestLayoutRowFitsWidth(t *testing.T) {
	for _, w := range []int{40, 78, 100, 120, 198} {
		l := layoutRow(w, 15, 18)
		total := 3 + 1 + badgeWidth + 1 + l.area + 1 + l.subject
		if l.hash > 0 {
			total += l.hash + 1
		}
		if l.tags > 0 {
			total += l.tags + 1
		}
		if total > w && w >= 60 {
			t.Errorf("width %d: layout %+v takes %d cells", w, l, total)
		}
		if (w >= 100) != (l.hash > 0) {
			t.Errorf("width %d: hash column %d", w, l.hash)
		}
	}
	p := palette{noColor: true}
	c := &review.Commit{Hash: fakeHash(1), Area: "core/state", Subject: "core/state: fix [red]it[-]", Tags: []string{"security"}}
	row := p.row(c, layoutRow(78, 15, 8), "")
	if !strings.Contains(row, "fix [red[]it[-[]") || strings.Contains(row, "core/state: fix") {
		t.Errorf("row %q: subject not escaped or area prefix kept", row)
	}
}

func TestParseHunkHeaderAndOverlap(t *testing.T) {
	cases := []struct {
		in         string
		a, b, c, d int
		ok         bool
	}{
		{"@@ -10,3 +12,4 @@ func x()", 10, 3, 12, 4, true},
		{"@@ -1 +1 @@", 1, 1, 1, 1, true},
		{"@@ -0,0 +1,5 @@", 0, 0, 1, 5, true},
		{"@@ garbage @@", 0, 0, 0, 0, false},
		{"@@ -x,1 +1 @@", 0, 0, 0, 0, false},
	}
	for _, c := range cases {
		a, b, cc, d, ok := parseHunkHeader(c.in)
		if ok != c.ok || ok && (a != c.a || b != c.b || cc != c.c || d != c.d) {
			t.Errorf("parseHunkHeader(%q) = %d,%d,%d,%d,%v", c.in, a, b, cc, d, ok)
		}
	}
	hunks := []review.DiffHunk{{OldStart: 40, OldLines: 2, NewStart: 40, NewLines: 3}}
	if !meets(hunks, 37, 8, 37, 9) { // the same hunk with more context
		t.Error("a wider hunk around a marked one does not meet it")
	}
	if meets(hunks, 1, 3, 1, 4) {
		t.Error("a hunk far away meets")
	}
	if !meets([]review.DiffHunk{{OldStart: 5, OldLines: 0, NewStart: 6, NewLines: 2}}, 5, 0, 6, 2) {
		t.Error("a pure insertion does not meet itself")
	}
}

// styleTag matches the style tags the palette writes, to read rendered text without them.
var styleTag = regexp.MustCompile(`\[[a-z#0-9-]*:[a-z#0-9-]*:[a-z-]*\]`)

func TestRenderDiffMarksHunks(t *testing.T) {
	rep := sampleReport(5)
	c := &rep.Commits[4] // conflict
	diff, _ := (&fakeDiffs{rep: rep}).CommitDiff(c.Hash)
	pg := palette{noColor: true}.renderDiff(c, diff, nil)
	lines := strings.Split(styleTag.ReplaceAllString(pg.text, ""), "\n")
	var marked []string
	for _, l := range lines {
		if strings.HasPrefix(l, "▌") {
			marked = append(marked, l)
		}
	}
	if len(marked) != 6 || !strings.Contains(marked[0], "@@ -10,3 +10,4 @@") {
		t.Errorf("marked lines %q", marked)
	}
	if len(pg.targets) != 2 { // the conflict and the marked hunk
		t.Fatalf("targets %v", pg.targets)
	}
	if !strings.Contains(lines[pg.targets[0]], "✖") || !strings.Contains(lines[pg.targets[1]], "@@ -10,3") {
		t.Errorf("targets point at %q and %q", lines[pg.targets[0]], lines[pg.targets[1]])
	}
	if !strings.Contains(pg.text, "+ordinary [red[]change[-[]") {
		t.Errorf("diff text not escaped:\n%s", pg.text)
	}

	long := strings.Repeat("+x\n", maxDiffLines+10)
	pg = palette{}.renderDiff(c, "diff --git a/f b/f\n@@ -1,1 +1,30000 @@\n"+long, nil)
	if n := strings.Count(pg.text, "\n"); n > maxDiffLines+40 {
		t.Errorf("a huge diff renders %d lines", n)
	}
	if !strings.Contains(pg.text, "diff cut after") {
		t.Error("a cut diff does not say so")
	}
}
