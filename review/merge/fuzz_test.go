package merge

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzMerge(f *testing.F) {
	seeds := [][3]string{
		{"a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n"},
		{"a\nb\nc\n", "a\nX\nB\nY\nc\n", "a\nX\nC\nY\nc\n"},
		{"a\nb", "a\nb\n", "x\nb"},
		{"a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", "a\r\nC\r\nc\r\n"},
		{"", "a\n", "b\n"},
		{"a\nb\n", "", "a\nB\n"},
		{"a\nb\nc\n", "a\nB1\n}\n}\n}\n}\nB2\nc\n", "a\nC1\n}\n}\n}\n}\nC2\nc\n"},
		{"a\na\nb\na\n", "b\na\na\n", "a\nb\nb\na\na\n"},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]), []byte(s[2]))
	}
	f.Fuzz(func(t *testing.T, base, x, y []byte) {
		for _, alg := range []Algorithm{Myers, Histogram} {
			checkAlgorithm(t, base, x, y, alg)
		}
	})
}

// checkAlgorithm checks one algorithm's merges of base, x and y: the conflicts describe the
// inputs, a side merged with the base or with itself is that side, independent changes merge
// cleanly, and a clean merge keeps every change.
func checkAlgorithm(t *testing.T, base, x, y []byte, alg Algorithm) {
	for _, level := range []Level{LevelZealousAlnum, LevelZealous, LevelEager, LevelMinimal} {
		for _, style := range []Style{StyleMerge, StyleDiff3, StyleZealousDiff3} {
			opt := Options{OursLabel: "o", BaseLabel: "b", TheirsLabel: "t", Level: level, Style: style, Algorithm: alg}
			checkHunks(t, base, x, y, Merge(base, x, y, opt))
			if got := Merge(base, base, x, opt); !got.Clean() || !bytes.Equal(got.Content, x) {
				t.Fatalf("algorithm %d level %d style %d: Merge(b, b, x) = %q with %d conflicts, want x = %q", alg, level, style, got.Content, len(got.Conflicts), x)
			}
			if got := Merge(base, x, base, opt); !got.Clean() || !bytes.Equal(got.Content, x) {
				t.Fatalf("algorithm %d level %d style %d: Merge(b, x, b) = %q with %d conflicts, want x = %q", alg, level, style, got.Content, len(got.Conflicts), x)
			}
			if level != LevelMinimal {
				if got := Merge(base, x, x, opt); !got.Clean() || !bytes.Equal(got.Content, x) {
					t.Fatalf("algorithm %d level %d style %d: Merge(b, x, x) = %q with %d conflicts, want x = %q", alg, level, style, got.Content, len(got.Conflicts), x)
				}
			}
		}
	}

	got := Merge(base, x, y, Options{Algorithm: alg})
	want, independent := applyBoth(base, x, y) // by Myers' edits
	if independent && alg == Myers {
		// Every pair of changes is separated by an unchanged base line
		// or identical: git merges such changes cleanly, and the result
		// is base with all of them applied.
		if !got.Clean() || !bytes.Equal(got.Content, want) {
			t.Fatalf("independent changes (algorithm %d): got %q with %d conflicts, want clean %q", alg, got.Content, len(got.Conflicts), want)
		}
	} else if got.Clean() {
		// Refinement may resolve touching changes; whatever it
		// resolved, each side's new lines must be in the result.
		for _, side := range [][]byte{x, y} {
			lines := splitLines(side)
			for _, e := range diffWith(base, side, alg) {
				if e.NewLines == 0 {
					continue
				}
				block := bytes.Join(lines[e.NewStart-1:e.NewStart-1+e.NewLines], nil)
				if !bytes.Contains(got.Content, block) {
					t.Fatalf("clean merge %q lost the change %+v (%q)", got.Content, e, block)
				}
			}
		}
	}
}

// checkHunks verifies that each conflict's ranges and texts describe the
// inputs.
func checkHunks(t *testing.T, base, x, y []byte, r Result) {
	t.Helper()
	for _, h := range r.Conflicts {
		for _, s := range []struct {
			name         string
			data         []byte
			start, lines int
			text         string
		}{
			{"base", base, h.BaseStart, h.BaseLines, h.Base},
			{"ours", x, h.OursStart, h.OursLines, h.Ours},
			{"theirs", y, h.TheirsStart, h.TheirsLines, h.Theirs},
		} {
			ls := splitLines(s.data)
			from := s.start - 1
			if s.lines == 0 {
				from = s.start
			}
			if from < 0 || from+s.lines > len(ls) {
				t.Fatalf("%s range %d,%d outside %d lines: %+v", s.name, s.start, s.lines, len(ls), h)
			}
			if want := string(bytes.Join(ls[from:from+s.lines], nil)); want != s.text {
				t.Fatalf("%s text %q, want %q from its range: %+v", s.name, s.text, want, h)
			}
		}
	}
}

func splitLines(b []byte) [][]byte {
	var ls [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n') + 1
		if i == 0 {
			i = len(b)
		}
		ls = append(ls, b[:i])
		b = b[i:]
	}
	return ls
}

// applyBoth applies the edits of base→ours and base→theirs to base when no
// two of them overlap or touch (identical edits count once); independent
// is false otherwise. It is the test's own model of a clean merge.
func applyBoth(base, ours, theirs []byte) (merged []byte, independent bool) {
	type sideEdit struct {
		start, end int // 0-based base range
		text       string
	}
	collect := func(side []byte) []sideEdit {
		lines := splitLines(side)
		var es []sideEdit
		for _, e := range Diff(base, side) {
			start := e.OldStart - 1
			if e.OldLines == 0 {
				start = e.OldStart
			}
			from := e.NewStart - 1
			if e.NewLines == 0 {
				from = e.NewStart
			}
			es = append(es, sideEdit{start, start + e.OldLines, string(bytes.Join(lines[from:from+e.NewLines], nil))})
		}
		return es
	}
	e1, e2 := collect(ours), collect(theirs)
	var all []sideEdit
	i, j := 0, 0
	for i < len(e1) || j < len(e2) {
		switch {
		case j == len(e2) || i < len(e1) && e1[i].end < e2[j].start:
			all = append(all, e1[i])
			i++
		case i == len(e1) || e2[j].end < e1[i].start:
			all = append(all, e2[j])
			j++
		case e1[i] == e2[j]:
			all = append(all, e1[i])
			i++
			j++
		default:
			return nil, false
		}
	}
	lines := splitLines(base)
	var out strings.Builder
	at := 0
	for _, e := range all {
		out.Write(bytes.Join(lines[at:e.start], nil))
		out.WriteString(e.text)
		at = e.end
	}
	out.Write(bytes.Join(lines[at:], nil))
	return []byte(out.String()), true
}
