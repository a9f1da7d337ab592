package merge

import (
	"reflect"
	"strings"
	"testing"
)

var labels = Options{OursLabel: "ours", BaseLabel: "base", TheirsLabel: "theirs"}

func withOpts(f func(*Options)) Options {
	o := labels
	f(&o)
	return o
}

// The expected outputs below are what `git merge-file -p -L ours -L base
// -L theirs` (git 2.39) prints for the same inputs.
func TestMergeCases(t *testing.T) {
	tests := []struct {
		name               string
		base, ours, theirs string
		opt                Options
		want               string
		conflicts          int
	}{
		{
			name: "changes apart merge cleanly",
			base: "a\nb\nc\nd\n", ours: "A\nb\nc\nd\n", theirs: "a\nb\nc\nD\n",
			opt: labels, want: "A\nb\nc\nD\n",
		},
		{
			name: "touching changes conflict",
			base: "a\nb\nc\nd\n", ours: "a\nB\nc\nd\n", theirs: "a\nb\nC\nd\n",
			opt:       labels,
			want:      "a\n<<<<<<< ours\nB\nc\n=======\nb\nC\n>>>>>>> theirs\nd\n",
			conflicts: 1,
		},
		{
			name: "identical changes are clean",
			base: "a\nb\nc\n", ours: "a\nX\nc\n", theirs: "a\nX\nc\n",
			opt: labels, want: "a\nX\nc\n",
		},
		{
			name: "identical changes conflict at LevelMinimal",
			base: "a\nb\nc\n", ours: "a\nX\nc\n", theirs: "a\nX\nc\n",
			opt:       withOpts(func(o *Options) { o.Level = LevelMinimal }),
			want:      "a\n<<<<<<< ours\nX\n=======\nX\n>>>>>>> theirs\nc\n",
			conflicts: 1,
		},
		{
			name: "insertions at the same place conflict",
			base: "a\nb\n", ours: "a\nX\nb\n", theirs: "a\nY\nb\n",
			opt:       labels,
			want:      "a\n<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\nb\n",
			conflicts: 1,
		},
		{
			name: "deletion against change",
			base: "a\nb\nc\n", ours: "a\nc\n", theirs: "a\nB\nc\n",
			opt:       labels,
			want:      "a\n<<<<<<< ours\n=======\nB\n>>>>>>> theirs\nc\n",
			conflicts: 1,
		},
		{
			name: "zealous refinement keeps common lines out",
			base: "a\nb\nc\n", ours: "a\nX\nB\nY\nc\n", theirs: "a\nX\nC\nY\nc\n",
			opt:       labels,
			want:      "a\nX\n<<<<<<< ours\nB\n=======\nC\n>>>>>>> theirs\nY\nc\n",
			conflicts: 1,
		},
		{
			name: "LevelEager does not refine",
			base: "a\nb\nc\n", ours: "a\nX\nB\nY\nc\n", theirs: "a\nX\nC\nY\nc\n",
			opt:       withOpts(func(o *Options) { o.Level = LevelEager }),
			want:      "a\n<<<<<<< ours\nX\nB\nY\n=======\nX\nC\nY\n>>>>>>> theirs\nc\n",
			conflicts: 1,
		},
		{
			name: "conflicts 3 lines apart are joined",
			base: "a\nb\nc\n", ours: "a\nB1\nx\ny\nz\nB2\nc\n", theirs: "a\nC1\nx\ny\nz\nC2\nc\n",
			opt:       labels,
			want:      "a\n<<<<<<< ours\nB1\nx\ny\nz\nB2\n=======\nC1\nx\ny\nz\nC2\n>>>>>>> theirs\nc\n",
			conflicts: 1,
		},
		{
			name: "LevelZealousAlnum joins conflicts separated by punctuation",
			base: "a\nb\nc\n", ours: "a\nB1\n}\n}\n}\n}\nB2\nc\n", theirs: "a\nC1\n}\n}\n}\n}\nC2\nc\n",
			opt:       labels,
			want:      "a\n<<<<<<< ours\nB1\n}\n}\n}\n}\nB2\n=======\nC1\n}\n}\n}\n}\nC2\n>>>>>>> theirs\nc\n",
			conflicts: 1,
		},
		{
			name: "LevelZealous keeps conflicts separated by 4 lines apart",
			base: "a\nb\nc\n", ours: "a\nB1\n}\n}\n}\n}\nB2\nc\n", theirs: "a\nC1\n}\n}\n}\n}\nC2\nc\n",
			opt: withOpts(func(o *Options) { o.Level = LevelZealous }),
			want: "a\n<<<<<<< ours\nB1\n=======\nC1\n>>>>>>> theirs\n}\n}\n}\n}\n" +
				"<<<<<<< ours\nB2\n=======\nC2\n>>>>>>> theirs\nc\n",
			conflicts: 2,
		},
		{
			name: "no final newline: conflicting last lines get one before the marker",
			base: "a\nb", ours: "a\nB", theirs: "a\nC",
			opt:       labels,
			want:      "a\n<<<<<<< ours\nB\n=======\nC\n>>>>>>> theirs\n",
			conflicts: 1,
		},
		{
			name: "no final newline: adding one is a change of the last line",
			base: "a\nb", ours: "a\nb\n", theirs: "x\nb",
			opt:       labels,
			want:      "<<<<<<< ours\na\nb\n=======\nx\nb\n>>>>>>> theirs\n",
			conflicts: 1,
		},
		{
			name: "no final newline: clean merge keeps the missing newline",
			base: "a\nb\nc\nd", ours: "A\nb\nc\nd", theirs: "a\nb\nc\nD",
			opt: labels, want: "A\nb\nc\nD",
		},
		{
			name: "no final newline: appends at the end conflict",
			base: "a\nb\n", ours: "a\nb\nc", theirs: "a\nb\nd",
			opt:       labels,
			want:      "a\nb\n<<<<<<< ours\nc\n=======\nd\n>>>>>>> theirs\n",
			conflicts: 1,
		},
		{
			name: "CRLF file gets CRLF markers",
			base: "a\r\nb\r\nc\r\n", ours: "a\r\nB\r\nc\r\n", theirs: "a\r\nC\r\nc\r\n",
			opt:       labels,
			want:      "a\r\n<<<<<<< ours\r\nB\r\n=======\r\nC\r\n>>>>>>> theirs\r\nc\r\n",
			conflicts: 1,
		},
		{
			name: "CRLF file without final newline",
			base: "a\r\nb", ours: "a\r\nB", theirs: "a\r\nC",
			opt:       labels,
			want:      "a\r\n<<<<<<< ours\r\nB\r\n=======\r\nC\r\n>>>>>>> theirs\r\n",
			conflicts: 1,
		},
		{
			name: "diff3 style shows the base",
			base: "a\nb\nc\n", ours: "a\nB\nc\n", theirs: "a\nC\nc\n",
			opt:       withOpts(func(o *Options) { o.Style = StyleDiff3 }),
			want:      "a\n<<<<<<< ours\nB\n||||||| base\nb\n=======\nC\n>>>>>>> theirs\nc\n",
			conflicts: 1,
		},
		{
			name: "diff3 style is not refined",
			base: "a\nb\nc\n", ours: "a\nX\nB\nY\nc\n", theirs: "a\nX\nC\nY\nc\n",
			opt:       withOpts(func(o *Options) { o.Style = StyleDiff3 }),
			want:      "a\n<<<<<<< ours\nX\nB\nY\n||||||| base\nb\n=======\nX\nC\nY\n>>>>>>> theirs\nc\n",
			conflicts: 1,
		},
		{
			name: "zdiff3 style moves common ends out",
			base: "a\nb\nc\n", ours: "a\nX\nB\nY\nc\n", theirs: "a\nX\nC\nY\nc\n",
			opt:       withOpts(func(o *Options) { o.Style = StyleZealousDiff3 }),
			want:      "a\nX\n<<<<<<< ours\nB\n||||||| base\nb\n=======\nC\n>>>>>>> theirs\nY\nc\n",
			conflicts: 1,
		},
		{
			name: "empty base, different files",
			base: "", ours: "a\n", theirs: "b\n",
			opt:       labels,
			want:      "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n",
			conflicts: 1,
		},
		{
			name: "empty base, same file added",
			base: "", ours: "a\n", theirs: "a\n",
			opt: labels, want: "a\n",
		},
		{
			name: "one side deletes everything the other changed",
			base: "a\nb\n", ours: "", theirs: "a\nB\n",
			opt:       labels,
			want:      "<<<<<<< ours\n=======\na\nB\n>>>>>>> theirs\n",
			conflicts: 1,
		},
		{
			name: "both sides delete everything",
			base: "a\nb\n", ours: "", theirs: "",
			opt: labels, want: "",
		},
		{
			name: "marker size and missing labels",
			base: "a\nb\nc\n", ours: "a\nB\nc\n", theirs: "a\nC\nc\n",
			opt:       Options{MarkerSize: 3},
			want:      "a\n<<<\nB\n===\nC\n>>>\nc\n",
			conflicts: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge([]byte(tt.base), []byte(tt.ours), []byte(tt.theirs), tt.opt)
			if string(got.Content) != tt.want {
				t.Errorf("content:\n got %q\nwant %q", got.Content, tt.want)
			}
			if len(got.Conflicts) != tt.conflicts {
				t.Errorf("conflicts = %d, want %d: %+v", len(got.Conflicts), tt.conflicts, got.Conflicts)
			}
			if got.Clean() != (tt.conflicts == 0) {
				t.Errorf("Clean() = %v with %d conflicts", got.Clean(), len(got.Conflicts))
			}
		})
	}
}

func TestMergeHunks(t *testing.T) {
	base := "a\nb\nc\nd\ne\nf\ng\n"
	ours := "a\nB\nc\nd\ne\nf\nx\ny\ng\n"
	theirs := "a\nb\nC\nd\ne\nf\ng\n"
	got := Merge([]byte(base), []byte(ours), []byte(theirs), labels)
	want := []Hunk{{
		BaseStart: 2, BaseLines: 2,
		OursStart: 2, OursLines: 2,
		TheirsStart: 2, TheirsLines: 2,
		Base: "b\nc\n", Ours: "B\nc\n", Theirs: "b\nC\n",
	}}
	if !reflect.DeepEqual(got.Conflicts, want) {
		t.Errorf("conflicts:\n got %+v\nwant %+v", got.Conflicts, want)
	}
	if !strings.Contains(string(got.Content), "f\nx\ny\ng\n") {
		t.Errorf("ours' clean insertion missing from %q", got.Content)
	}

	// An insertion conflicting with a deletion: the empty ranges start at
	// the line before them, as in a unified diff header.
	got = Merge([]byte("a\nb\nc\n"), []byte("a\nX\nb\nc\n"), []byte("a\nc\n"), labels)
	want = []Hunk{{
		BaseStart: 2, BaseLines: 1,
		OursStart: 2, OursLines: 2,
		TheirsStart: 1, TheirsLines: 0,
		Base: "b\n", Ours: "X\nb\n", Theirs: "",
	}}
	if !reflect.DeepEqual(got.Conflicts, want) {
		t.Errorf("conflicts:\n got %+v\nwant %+v", got.Conflicts, want)
	}
}

func TestMergeUnchangedSide(t *testing.T) {
	base := []byte("a\nb\n")
	x := []byte("a\nb\nc")
	if got := Merge(base, base, x, labels); string(got.Content) != string(x) || !got.Clean() {
		t.Errorf("Merge(b, b, x) = %q, %d conflicts; want x", got.Content, len(got.Conflicts))
	}
	if got := Merge(base, x, base, labels); string(got.Content) != string(x) || !got.Clean() {
		t.Errorf("Merge(b, x, b) = %q, %d conflicts; want x", got.Content, len(got.Conflicts))
	}
	// The result must not alias the inputs.
	got := Merge(base, base, x, labels)
	got.Content[0] = 'z'
	if x[0] != 'a' {
		t.Error("Merge returned a slice aliasing its input")
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []Edit
	}{
		{name: "same", a: "a\nb\n", b: "a\nb\n"},
		{name: "insert at top", a: "a\n", b: "x\na\n", want: []Edit{{0, 0, 1, 1}}},
		{name: "insert after line 2", a: "a\nb\nc\n", b: "a\nb\nx\ny\nc\n", want: []Edit{{2, 0, 3, 2}}},
		{name: "delete", a: "a\nb\nc\n", b: "a\nc\n", want: []Edit{{2, 1, 1, 0}}},
		{name: "replace", a: "a\nb\nc\n", b: "a\nB\nc\n", want: []Edit{{2, 1, 2, 1}}},
		{name: "final newline added", a: "a\nb", b: "a\nb\n", want: []Edit{{2, 1, 2, 1}}},
		{name: "from empty", a: "", b: "a\nb\n", want: []Edit{{0, 0, 1, 2}}},
		{name: "to empty", a: "a\nb\n", b: "", want: []Edit{{1, 2, 0, 0}}},
		// git slides a change down as far as it can go: the inserted
		// "b\na\n" after "a\nb\n" is reported after the second line, and
		// a group lines up with a change in the other file when it can.
		{name: "ambiguous insert slides down", a: "a\nb\nc\n", b: "a\nb\na\nb\nc\n", want: []Edit{{2, 0, 3, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff([]byte(tt.a), []byte(tt.b))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStats(t *testing.T) {
	add, del := Stats([]byte("a\nb\nc\nd\n"), []byte("a\nB\nc\nx\ny\n"))
	if add != 3 || del != 2 {
		t.Errorf("Stats = +%d -%d, want +3 -2 (git diff --numstat)", add, del)
	}
}
