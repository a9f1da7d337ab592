package review

import (
	"fmt"
	"strings"
	"testing"
)

func TestSimilarity(t *testing.T) {
	text := strings.Repeat("a line of some text that repeats\n", 10)
	other := strings.Repeat("something else entirely, line by line\n", 10)
	half := strings.Repeat("a line of some text that repeats\n", 5) + strings.Repeat("something else entirely, line by line\n", 5)
	crlf := strings.ReplaceAll(text, "\n", "\r\n")
	long := strings.Repeat("x", 200) + "\n" // cut into chunks of 64 bytes
	for _, tc := range []struct {
		name     string
		src, dst string
		want     int
	}{
		{"identical", text, text, MaxScore},
		{"nothing shared", text, other, 0},
		{"half the lines, over the larger size", text, half, MaxScore * (len(text) / 2) / len(half)},
		{"CRLF counts as LF in text, over the larger size", text, crlf, MaxScore * len(text) / len(crlf)},
		{"long lines", long, long, MaxScore},
		{"into an empty file", text, "", 0},
	} {
		if got := Similarity(NewChunks([]byte(tc.src)), NewChunks([]byte(tc.dst))); got != tc.want {
			t.Errorf("%s: Similarity = %d, want %d", tc.name, got, tc.want)
		}
	}
	if !SizesMayPair(100, 150, MaxScore/2) || SizesMayPair(100, 250, MaxScore/2) {
		t.Error("SizesMayPair: 100 and 150 bytes may reach 50%, 100 and 250 may not")
	}
}

func BenchmarkSimilarity(b *testing.B) {
	var src, dst strings.Builder
	for i := 0; i < 2000; i++ {
		line := fmt.Sprintf("\tv%d := call(x, y) // a line of Go-like code\n", i)
		src.WriteString(line)
		if i%10 != 0 {
			dst.WriteString(line)
		}
	}
	a, c := NewChunks([]byte(src.String())), NewChunks([]byte(dst.String()))
	b.ReportAllocs()
	for b.Loop() {
		Similarity(a, c)
	}
}
