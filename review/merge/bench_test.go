package merge

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// goLikeFile generates n lines that look like Go source: functions with
// bodies, blank lines and closing braces, so repeated lines are as common
// as in real files.
func goLikeFile(r *rand.Rand, n int) []string {
	lines := make([]string, 0, n)
	for fn := 0; len(lines) < n; fn++ {
		lines = append(lines, fmt.Sprintf("func (s *state) step%d(ctx context.Context, n int) error {", fn))
		for k := 5 + r.Intn(20); k > 0; k-- {
			switch r.Intn(6) {
			case 0:
				lines = append(lines, "\tif err != nil {", "\t\treturn err", "\t}")
			case 1:
				lines = append(lines, "")
			default:
				lines = append(lines, fmt.Sprintf("\tv%d := s.call%d(ctx, n+%d)", r.Intn(1000), r.Intn(100), r.Intn(10)))
			}
		}
		lines = append(lines, "\treturn nil", "}", "")
	}
	return lines[:n]
}

// scatter applies count small edits at random places.
func scatter(r *rand.Rand, base []string, count int) []string {
	out := append([]string(nil), base...)
	for ; count > 0; count-- {
		at := r.Intn(len(out))
		switch r.Intn(3) {
		case 0:
			out[at] = fmt.Sprintf("\tchanged%d := s.edit(ctx)", r.Intn(1e6))
		case 1:
			ins := []string{fmt.Sprintf("\tadded%d := true", r.Intn(1e6)), "\t_ = added"}
			out = append(out[:at], append(ins, out[at:]...)...)
		default:
			end := min(len(out), at+1+r.Intn(3))
			out = append(out[:at], out[end:]...)
		}
	}
	return out
}

func benchTriple(lines, edits int) (base, ours, theirs []byte) {
	r := rand.New(rand.NewSource(1))
	b := goLikeFile(r, lines)
	join := func(ls []string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }
	return join(b), join(scatter(r, b, edits)), join(scatter(r, b, edits))
}

func BenchmarkMerge(b *testing.B) {
	base, ours, theirs := benchTriple(3000, 40)
	b.SetBytes(int64(len(base)))
	b.ReportAllocs()
	for b.Loop() {
		Merge(base, ours, theirs, Options{})
	}
}

func BenchmarkMerge5000Lines(b *testing.B) {
	base, ours, theirs := benchTriple(5000, 150)
	b.SetBytes(int64(len(base)))
	b.ReportAllocs()
	for b.Loop() {
		Merge(base, ours, theirs, Options{})
	}
}

func BenchmarkDiff(b *testing.B) {
	base, ours, _ := benchTriple(3000, 40)
	b.SetBytes(int64(len(base)))
	b.ReportAllocs()
	for b.Loop() {
		Diff(base, ours)
	}
}

// BenchmarkMergeHistogram is BenchmarkMerge with the classifier's settings (merge-ort's).
func BenchmarkMergeHistogram(b *testing.B) {
	base, ours, theirs := benchTriple(3000, 40)
	b.SetBytes(int64(len(base)))
	b.ReportAllocs()
	for b.Loop() {
		Merge(base, ours, theirs, Options{Level: LevelZealous, Algorithm: Histogram})
	}
}

func BenchmarkMerge5000LinesHistogram(b *testing.B) {
	base, ours, theirs := benchTriple(5000, 150)
	b.SetBytes(int64(len(base)))
	b.ReportAllocs()
	for b.Loop() {
		Merge(base, ours, theirs, Options{Level: LevelZealous, Algorithm: Histogram})
	}
}
