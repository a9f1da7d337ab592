package export

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/forkreview/forkreview/review"
)

// cleanText makes untrusted text safe to display anywhere: control characters (ANSI escape
// sequences among them) become visible Unicode control pictures (ESC shows as ␛), C1 controls,
// bidirectional overrides ("Trojan Source") and invalid UTF-8 become U+FFFD, and line
// separators become newlines. With keepNewlines false, every line break becomes a space, for
// one-line contexts such as subjects and table cells.
func cleanText(s string, keepNewlines bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte('\t')
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		case r >= 0x80 && r < 0xa0:
			b.WriteRune('\uFFFD')
		case review.IsBidiControl(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain is the fast path of cleanText: printable ASCII only.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// oneLine is cleanText for one-line contexts, with runs of spaces from line breaks kept short.
func oneLine(s string) string {
	return strings.TrimSpace(cleanText(s, false))
}

const zwj = "\u200d"

// mdInline escapes untrusted text for one line of GitHub-flavoured Markdown, in running text or
// in a table cell. Written by hand: no Go Markdown library escapes for output. It
//   - backslash-escapes what starts emphasis, code, links, tables, strikethrough and math
//     (\ ` * _ [ ] | ~ $), and block markers at the start (# - + = digits followed by . or ));
//   - turns < > & into entities, so no HTML, comment close or autolink gets through;
//   - breaks @mentions (@user, @org/team) and issue references (#123, GH-123) with a zero-width
//     joiner, so a report posted in the fork's repository neither pings people nor links the
//     fork's own issues.
func mdInline(s string) string {
	s = strings.TrimLeft(oneLine(s), " \t")
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\t':
			b.WriteByte(' ')
		case '@':
			b.WriteByte('@')
			if i+1 < len(s) && isWordByte(s[i+1]) {
				b.WriteString(zwj)
			}
		case '#':
			if i == 0 {
				b.WriteByte('\\')
			}
			b.WriteByte('#')
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				b.WriteString(zwj)
			}
		case '-', '+', '=':
			if i == 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '.', ')':
			if i > 0 && allDigits(s[:i]) && (i+1 == len(s) || s[i+1] == ' ') {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			if (c == 'G' || c == 'g') && i+3 < len(s) && strings.EqualFold(s[i:i+3], "gh-") && s[i+3] >= '0' && s[i+3] <= '9' {
				b.WriteString(s[i : i+2])
				b.WriteString(zwj)
				i++
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// mdCode shows a name (a path, a declaration) as a code span when that is safe, and as escaped
// text otherwise: inside a code span, entities are not decoded, so text with < > & or a
// backtick cannot be made inert there, and | would split a table row.
func mdCode(s string) string {
	s = oneLine(s)
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "`<>&|") {
		return mdInline(s)
	}
	return "`" + s + "`"
}

// mdQuote renders multi-line text (a reviewer's note) as a Markdown block quote, one quoted
// line per line of text, with hard line breaks so that the note keeps its shape.
func mdQuote(s string) string {
	lines := strings.Split(strings.TrimSpace(cleanText(s, true)), "\n")
	var b strings.Builder
	for i, l := range lines {
		l = mdInline(l)
		if i > 0 {
			b.WriteByte('\n')
		}
		if l == "" {
			b.WriteString(">")
			continue
		}
		b.WriteString("> ")
		b.WriteString(l)
		if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
			b.WriteByte('\\')
		}
	}
	return b.String()
}

// htmlInline escapes untrusted text for raw HTML inside a Markdown document (a <summary>),
// where Markdown escapes do not apply, and breaks mentions and issue references as mdInline does.
func htmlInline(s string) string {
	s = html.EscapeString(oneLine(s))
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if (s[i] == '@' && i+1 < len(s) && isWordByte(s[i+1])) || (s[i] == '#' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9') {
			b.WriteString(zwj)
		}
	}
	return b.String()
}

// mdURL makes a URL safe as a Markdown link destination: characters that would end it or open
// a title are percent-encoded. Callers pass only addresses built by upstreamBase.
func mdURL(u string) string {
	r := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\"", "%22", "`", "%60", "|", "%7C")
	return r.Replace(u)
}

// mdLink is [text](url), or the escaped text alone when there is no address.
func mdLink(text, u string) string {
	if u == "" {
		return mdInline(text)
	}
	return "[" + mdInline(text) + "](" + mdURL(u) + ")"
}

// mdCodeLink is a link whose text is a code span, as for commit hashes.
func mdCodeLink(text, u string) string {
	if u == "" {
		return mdCode(text)
	}
	return "[" + mdCode(text) + "](" + mdURL(u) + ")"
}
