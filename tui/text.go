package tui

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/forkreview/forkreview/review"
	"github.com/rivo/uniseg"
)

// Text from commits, diffs and state files is untrusted: a subject may carry ANSI escapes that
// repaint the terminal, or brackets that tview would read as style and region tags. Everything
// the checklist shows from such sources goes through lit (for tview-tagged widgets) or clean.

// tabWidth is the tab stop used when expanding tabs; 4 keeps Go diffs compact.
const tabWidth = 4

// clean neutralises terminal control characters so that s prints literally: C0 controls and DEL
// are shown as their Unicode control pictures (ESC as ␛, so an ANSI sequence reads "␛[31m"
// rather than turning the screen red), C1 controls and bidirectional overrides (the "Trojan
// Source" trick) are shown as ⟨U+XXXX⟩, tabs are expanded, and a CR before a newline (CRLF
// files) is dropped. Newlines are kept. Invalid UTF-8 becomes U+FFFD.
func clean(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	col := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune('\uFFFD')
			col++
		case r == '\n':
			b.WriteByte('\n')
			col = 0
		case r == '\t':
			n := tabWidth - col%tabWidth
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case r == '\r' && i < len(s) && s[i] == '\n':
			// CRLF: drop the CR.
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ … ␟
			col++
		case r == 0x7f:
			b.WriteRune('\u2421') // ␡
			col++
		case r >= 0x80 && r <= 0x9f, review.IsBidiControl(r):
			b.WriteString("⟨U+")
			const hex = "0123456789ABCDEF"
			b.WriteByte(hex[r>>12&0xf])
			b.WriteByte(hex[r>>8&0xf])
			b.WriteByte(hex[r>>4&0xf])
			b.WriteByte(hex[r&0xf])
			b.WriteString("⟩")
			col += 8
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII plus newlines, the common case, so clean can
// return it unchanged without allocating.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n') || c >= 0x7f {
			return false
		}
	}
	return true
}

// tagEscape matches what tview could read as a style, region or URL tag: a '[', anything but
// brackets and newlines, then ']'. tview.Escape only covers the characters of colour and region
// names, not URL tags ("[:::https://…]"), so the checklist escapes every bracketed run the way
// tview's parser un-escapes it: "[x]" becomes "[x[]".
var tagEscape = regexp.MustCompile(`(\[[^\[\]\n]+\[*)\]`)

// urlTagStart matches the start of what tview reads as a URL tag ("[::: …]", "[red::b:…]").
// Inside a URL tag tview accepts any character up to ']', '[' included, so its escape
// ("[x[]") cannot work there; a zero-width space after the '[' makes the tag invalid instead.
var urlTagStart = regexp.MustCompile(`\[((?:-|[a-zA-Z0-9#]*):(?:-|[a-zA-Z0-9#]*):[a-zA-Z-]*:)`)

// escapeTags makes s print literally in a tview widget with dynamic colours.
func escapeTags(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	s = urlTagStart.ReplaceAllString(s, "[\u200b$1")
	return tagEscape.ReplaceAllString(s, "$1[]")
}

// lit is untrusted text made safe for a tview widget with dynamic colours: controls neutralised
// and tags escaped.
func lit(s string) string { return escapeTags(clean(s)) }

// oneLine folds s onto one line (a subject should have none, but it is untrusted).
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// width is the number of terminal cells s takes.
func width(s string) int { return uniseg.StringWidth(s) }

// fit truncates s (already cleaned, without tags) to w cells, ending it with "…" when cut, and
// pads it with spaces to exactly w cells, so table columns keep their place while scrolling.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw <= w {
		return s + strings.Repeat(" ", w-sw)
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cw := g.Width()
		if used+cw > w-1 {
			break
		}
		b.WriteString(g.Str())
		used += cw
	}
	b.WriteString("…")
	used++
	return b.String() + strings.Repeat(" ", w-used)
}

// truncate is fit without the padding.
func truncate(s string, w int) string {
	if width(s) <= w {
		return s
	}
	return strings.TrimRight(fit(s, w), " ")
}
