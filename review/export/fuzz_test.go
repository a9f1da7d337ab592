package export

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMarkdownInline checks the invariants every escaped piece of commit text must keep,
// whatever it holds: one line, no raw HTML, no mention, no issue reference, no control character.
func FuzzMarkdownInline(f *testing.F) {
	for _, s := range []string{evilSubject, evilNote, evilFile, "# x", "1. y", "@a/b", "#1", "GH-2", "\x1b[0m", "a\u202eb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{mdInline(s), mdCode(s), htmlInline(s)} {
			if strings.ContainsAny(out, "<>\n\r") || !utf8.ValidString(out) {
				t.Fatalf("%q -> %q", s, out)
			}
			inCode := strings.HasPrefix(out, "`") // GitHub neither mentions nor links in code spans
			for i := 0; i+1 < len(out); i++ {
				if !inCode && (out[i] == '@' && isWordByte(out[i+1]) || out[i] == '#' && out[i+1] >= '0' && out[i+1] <= '9') {
					t.Fatalf("%q -> %q: mention or reference survives", s, out)
				}
				if out[i] < 0x20 && out[i] != '\t' {
					t.Fatalf("%q -> %q: control character", s, out)
				}
			}
		}
	})
}
