package prcomment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/forkreview/forkreview/review"
)

// zwsp is a zero-width space, written as an entity so the Markdown source stays ASCII. Put
// after "@" or "#" it keeps GitHub from turning "@user", "@org/team" or "#123" into a mention or
// a cross-reference, while the text reads the same. Renovate does the same in release notes.
const zwsp = "&#8203;"

// Neutralize makes untrusted text (commit subjects, reasons, notes, names) safe to place inline
// in GitHub Markdown: it shows literally, on one line, mentions no one, references no issue,
// and cannot open or close HTML (an HTML comment, <details>, <script>), a table cell, code, a
// link, emphasis or math. Line breaks and tabs become spaces; control and bidirectional
// formatting characters are dropped. No library does this for GitHub's dialect, hence by hand.
func Neutralize(s string) string {
	s = oneLine(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '@', '#':
			if i == 0 && r == '#' {
				b.WriteByte('\\') // would start a heading
			}
			b.WriteRune(r)
			if next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):]); next != utf8.RuneError && (unicode.IsLetter(next) || unicode.IsDigit(next) || next == '_' || next == '-') {
				b.WriteString(zwsp)
			}
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			// Backslash escapes of ASCII punctuation are plain text in CommonMark and GFM. With
			// "[" escaped nothing becomes a link or an image; "$" would start math, "|" a cell.
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			if i == 0 && strings.ContainsRune("+-=", r) {
				b.WriteByte('\\') // would start a list item or a heading underline
			}
			b.WriteRune(r)
		}
	}
	out := b.String()
	// "1. x" or "1) x" at the start would be an ordered list.
	if j := strings.IndexFunc(out, func(r rune) bool { return r < '0' || r > '9' }); j > 0 && (out[j] == '.' || out[j] == ')') {
		out = out[:j] + "\\" + out[j:]
	}
	return out
}

// oneLine turns every run of white space into one space, drops invisible and control
// characters, and trims.
func oneLine(s string) string {
	if plainLine(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case invisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// plainLine reports whether s is printable ASCII with single inner spaces and none at the
// ends, which oneLine leaves as it is (the common case, checked without allocating).
func plainLine(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			return false
		}
	}
	return true
}

// invisible reports characters that change how text reads without showing: control characters,
// bidirectional overrides and isolates (the "Trojan Source" trick), zero-width characters.
func invisible(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case review.IsBidiControl(r), r >= 0x200B && r <= 0x200D, r >= 0x2060 && r <= 0x2065, r == 0xFEFF, r == 0x00AD:
		return true
	}
	return false
}

// code renders untrusted text as an inline code span: literal, on one line, with a fence longer
// than any run of backticks inside. GitHub neither links mentions nor reads HTML in code.
// Empty text gives "".
func code(s string) string {
	s = oneLine(s)
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ")) {
		s = " " + s + " "
	}
	return fence + s + fence
}

// truncate shortens s to at most n runes (after making it one line), ending with "…" when cut.
func truncate(s string, n int) string {
	cutEarly := false
	if limit := 4*n + 256; len(s) > limit {
		// Long text (a whole commit body) needs no full pass: n runes of output come from
		// the first few bytes unless white space is long, and then "…" still tells.
		for limit > 0 && !utf8.RuneStart(s[limit]) {
			limit--
		}
		s, cutEarly = s[:limit], true
	}
	s = oneLine(s)
	if cutEarly && utf8.RuneCountInString(s) <= n {
		return strings.TrimRight(s, " ") + "…"
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, keep := 0, n-1
	for i := range s {
		if keep <= 0 {
			cut = i
			break
		}
		keep--
	}
	return strings.TrimRight(s[:cut], " ") + "…"
}
