package merge

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The differential test: thousands of generated file triples merged both by
// Merge and by `git merge-file -p`, which must agree on clean/conflict for at
// least 99% of them (the diffs come from different engines, so a tie between
// equally short diffs can occasionally be broken differently).

const (
	oracleSeed  = 20240611
	oracleCases = 2400
)

type triple struct {
	base, ours, theirs []byte
	style              Style
	profile            int
}

func TestAgainstGitMergeFile(t *testing.T) {
	git := gitBinary(t, "git merge-file")
	r := rand.New(rand.NewSource(oracleSeed))
	cases := make([]triple, oracleCases)
	for k := range cases {
		cases[k] = genTriple(r)
		switch {
		case k%8 == 6:
			cases[k].style = StyleDiff3
		case k%8 == 7:
			cases[k].style = StyleZealousDiff3
		}
	}

	dir := t.TempDir()
	type gitResult struct {
		out       []byte
		conflicts int
	}
	results := make([]gitResult, len(cases))
	errs := make([]error, len(cases))
	var wg sync.WaitGroup
	const workers = 2
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := w; k < len(cases); k += workers {
				results[k].out, results[k].conflicts, errs[k] = runGitMergeFile(git, dir, k, cases[k])
			}
		}(w)
	}
	wg.Wait()

	var outcome, count, exact, tieBreaks int
	var shown int
	var profTotal, profExact [3]int
	for k, c := range cases {
		if errs[k] != nil {
			t.Fatalf("case %d: %v", k, errs[k])
		}
		got := Merge(c.base, c.ours, c.theirs, Options{
			OursLabel: "ours", BaseLabel: "base", TheirsLabel: "theirs", Style: c.style,
		})
		want := results[k]
		okOutcome := got.Clean() == (want.conflicts == 0)
		okCount := len(got.Conflicts) == want.conflicts
		okExact := bytes.Equal(got.Content, want.out)
		if okOutcome {
			outcome++
		}
		if okCount {
			count++
		}
		if okExact {
			exact++
			profExact[c.profile]++
		}
		profTotal[c.profile]++
		if okExact && okCount {
			continue
		}
		// Every difference must come from the two-way diffs, where go-diff
		// may break a tie between equally short diffs differently from
		// xdiff; with the same diffs the merge itself must match git.
		sameDiffs := true
		for _, side := range [][]byte{c.ours, c.theirs} {
			gitEdits, err := runGitDiff(git, dir, k, c.base, side)
			if err != nil {
				t.Fatalf("case %d: %v", k, err)
			}
			if !reflect.DeepEqual(gitEdits, Diff(c.base, side)) {
				sameDiffs = false
			}
		}
		if sameDiffs {
			t.Errorf("case %d (style %d): git diffs agree but the merge does not\nbase: %q\nours: %q\ntheirs: %q\ngot: %q\ngit: %q",
				k, c.style, c.base, c.ours, c.theirs, got.Content, want.out)
			continue
		}
		tieBreaks++
		if shown < 3 {
			shown++
			t.Logf("case %d (style %d) differs from git: conflicts %d, git %d\nbase:\n%q\nours:\n%q\ntheirs:\n%q\ngot:\n%q\ngit:\n%q",
				k, c.style, len(got.Conflicts), want.conflicts, c.base, c.ours, c.theirs, got.Content, want.out)
		}
	}
	n := float64(len(cases))
	report := fmt.Sprintf("git merge-file agreement over %d cases: outcome %.2f%%, conflict count %.2f%%, byte-identical output %.2f%%; all %d differences come from diff tie-breaks",
		len(cases), 100*float64(outcome)/n, 100*float64(count)/n, 100*float64(exact)/n, tieBreaks)
	report += fmt.Sprintf(" (byte-identical by line vocabulary: Go-like %d/%d, tiny alphabet %d/%d, mixed %d/%d)",
		profExact[0], profTotal[0], profExact[1], profTotal[1], profExact[2], profTotal[2])
	t.Log(report)
	if testing.Verbose() {
		fmt.Println(report)
	}
	if float64(outcome)/n < 0.99 {
		t.Errorf("clean/conflict outcome agrees with git merge-file in only %d of %d cases (want at least 99%%)", outcome, len(cases))
	}
	if float64(exact)/n < 0.96 {
		t.Errorf("output is byte-identical to git merge-file in only %d of %d cases (want at least 96%%)", exact, len(cases))
	}
}

// gitBinary is the path of the git CLI for a differential test against command; the test is
// skipped without git, and in -short mode.
func gitBinary(t *testing.T, command string) string {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skipf("git not found in PATH; the differential test against %s needs it", command)
	}
	if testing.Short() {
		t.Skipf("differential test against %s skipped in -short mode", command)
	}
	return git
}

// runGitMergeFile runs `git merge-file -p` on one triple, outside any
// repository and without user configuration, so merge.conflictStyle and
// the like cannot leak in.
func runGitMergeFile(git, dir string, k int, c triple) ([]byte, int, error) {
	names := [3]string{}
	for i, content := range [3][]byte{c.ours, c.base, c.theirs} {
		names[i] = filepath.Join(dir, fmt.Sprintf("%d.%d", k, i))
		if err := os.WriteFile(names[i], content, 0o644); err != nil {
			return nil, 0, err
		}
	}
	args := []string{"merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs"}
	switch c.style {
	case StyleDiff3:
		args = append(args, "--diff3")
	case StyleZealousDiff3:
		args = append(args, "--zdiff3")
	}
	args = append(args, names[:]...)
	cmd := exec.Command(git, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CEILING_DIRECTORIES="+dir, "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	conflicts := 0
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() > 0 && exit.ExitCode() < 128:
		conflicts = exit.ExitCode()
	default:
		return nil, 0, fmt.Errorf("git merge-file: %v: %s", err, stderr.String())
	}
	return out, conflicts, nil
}

var hunkHeader = regexp.MustCompile(`(?m)^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`)

// runGitDiff returns the hunks of `git diff --no-index` with the diff
// settings of git merge-file: Myers, no indent heuristic.
func runGitDiff(git, dir string, k int, a, b []byte) ([]Edit, error) {
	return runGitDiffWith(git, dir, k, a, b, "myers")
}

// runGitDiffWith is runGitDiff with another --diff-algorithm.
func runGitDiffWith(git, dir string, k int, a, b []byte, alg string) ([]Edit, error) {
	pa, pb := filepath.Join(dir, fmt.Sprintf("%d.a", k)), filepath.Join(dir, fmt.Sprintf("%d.b", k))
	if err := os.WriteFile(pa, a, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(pb, b, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(git, "diff", "--no-index", "--no-color", "--no-ext-diff", "--no-indent-heuristic",
		"--diff-algorithm="+alg, "-U0", pa, pb)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return nil, fmt.Errorf("git diff: %v", err)
	}
	var edits []Edit
	for _, m := range hunkHeader.FindAllStringSubmatch(string(out), -1) {
		num := func(s string) int {
			if s == "" {
				return 1 // an omitted count is 1
			}
			v, _ := strconv.Atoi(s)
			return v
		}
		start := func(s string) int { v, _ := strconv.Atoi(s); return v }
		edits = append(edits, Edit{start(m[1]), num(m[2]), start(m[3]), num(m[4])})
	}
	return edits, nil
}

// Line vocabularies: Go-like lines that are mostly unique, lines that recur
// in every Go file (some without letters or digits, which matters for
// LevelZealousAlnum), and a tiny alphabet that makes diffs ambiguous.
var commonLines = []string{"}", "", "{", "\treturn nil", "\t}", "//", ")", "\tif err != nil {", "\t\treturn err", "\t})", "import (", "---"}

func genLine(r *rand.Rand, profile int) string {
	switch profile {
	case 0: // code-like
		if r.Intn(4) == 0 {
			return commonLines[r.Intn(len(commonLines))]
		}
		return fmt.Sprintf("\tv%d := call%d(x%d)", r.Intn(500), r.Intn(40), r.Intn(10))
	case 1: // small alphabet
		return string(rune('a' + r.Intn(4)))
	default: // mixed
		switch r.Intn(3) {
		case 0:
			return commonLines[r.Intn(len(commonLines))]
		case 1:
			return string(rune('a' + r.Intn(6)))
		default:
			return fmt.Sprintf("line %d", r.Intn(60))
		}
	}
}

type edit struct {
	pos, del int
	ins      []string
}

func genLines(r *rand.Rand, profile, n int) []string {
	ls := make([]string, n)
	for i := range ls {
		ls[i] = genLine(r, profile)
	}
	return ls
}

func genEdit(r *rand.Rand, profile, n int) edit {
	e := edit{pos: r.Intn(n + 1)}
	switch r.Intn(3) {
	case 0: // replace
		e.del = 1 + r.Intn(3)
		e.ins = genLines(r, profile, 1+r.Intn(3))
	case 1: // insert
		e.ins = genLines(r, profile, 1+r.Intn(3))
	default: // delete
		e.del = 1 + r.Intn(3)
	}
	if e.pos+e.del > n {
		e.del = n - e.pos
	}
	return e
}

// apply applies non-overlapping edits (overlapping ones are dropped).
func apply(base []string, edits []edit) []string {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].pos < edits[j].pos })
	var out []string
	at := 0
	for _, e := range edits {
		if e.pos < at {
			continue
		}
		out = append(out, base[at:e.pos]...)
		out = append(out, e.ins...)
		at = e.pos + e.del
	}
	return append(out, base[at:]...)
}

func render(r *rand.Rand, lines []string, eol string) []byte {
	if len(lines) == 0 {
		return nil
	}
	s := strings.Join(lines, eol) + eol
	if r.Intn(6) == 0 {
		s = strings.TrimSuffix(s, eol)
	}
	return []byte(s)
}

func genTriple(r *rand.Rand) triple {
	profile := r.Intn(3)
	n := r.Intn(30)
	if r.Intn(20) == 0 {
		n = 0
	}
	base := genLines(r, profile, n)

	var e1, e2 []edit
	for k := r.Intn(5); k > 0; k-- {
		e1 = append(e1, genEdit(r, profile, n))
	}
	for k := r.Intn(5); k > 0; k-- {
		switch {
		case len(e1) > 0 && r.Intn(4) == 0: // the same change on both sides
			e2 = append(e2, e1[r.Intn(len(e1))])
		case len(e1) > 0 && r.Intn(3) == 0: // a change next to one of ours
			o := e1[r.Intn(len(e1))]
			e := genEdit(r, profile, n)
			e.pos = min(n, o.pos+o.del)
			if r.Intn(2) == 0 {
				e.pos = max(0, o.pos-1)
				e.del = min(1, n-e.pos)
			}
			if e.pos+e.del > n {
				e.del = n - e.pos
			}
			e2 = append(e2, e)
		default:
			e2 = append(e2, genEdit(r, profile, n))
		}
	}
	ours := apply(base, e1)
	theirs := apply(base, e2)
	switch r.Intn(25) {
	case 0:
		ours = nil
	case 1:
		theirs = nil
	}

	eol := "\n"
	if r.Intn(7) == 0 {
		eol = "\r\n"
	}
	t := triple{base: render(r, base, eol), ours: render(r, ours, eol), theirs: render(r, theirs, eol), profile: profile}
	if r.Intn(25) == 0 { // one file with the other line ending
		t.theirs = bytes.ReplaceAll(t.theirs, []byte("\n"), []byte("\r\n"))
	}
	return t
}

// TestDiffAgainstGit compares Diff and Stats with `git diff --no-index`:
// the added and deleted line counts must always match (both diffs are
// minimal), the hunks themselves nearly always.
func TestDiffAgainstGit(t *testing.T) {
	git := gitBinary(t, "git diff")
	r := rand.New(rand.NewSource(oracleSeed + 1))
	dir := t.TempDir()
	const pairs = 600
	same := 0
	for k := 0; k < pairs; k++ {
		c := genTriple(r)
		want, err := runGitDiff(git, dir, k, c.base, c.ours)
		if err != nil {
			t.Fatalf("pair %d: %v", k, err)
		}
		got := Diff(c.base, c.ours)
		if reflect.DeepEqual(got, want) {
			same++
		}
		var gitAdd, gitDel int
		for _, e := range want {
			gitAdd += e.NewLines
			gitDel += e.OldLines
		}
		if add, del := Stats(c.base, c.ours); add != gitAdd || del != gitDel {
			t.Errorf("pair %d: Stats = +%d -%d, git diff +%d -%d\na: %q\nb: %q", k, add, del, gitAdd, gitDel, c.base, c.ours)
		}
	}
	report := fmt.Sprintf("git diff agreement over %d pairs: identical hunks %.2f%%", pairs, 100*float64(same)/pairs)
	t.Log(report)
	if testing.Verbose() {
		fmt.Println(report)
	}
	if float64(same)/pairs < 0.95 {
		t.Errorf("hunks identical to git diff for only %d of %d pairs (want at least 95%%)", same, pairs)
	}
}

// TestHistogramAgainstGit compares the histogram diff, which merges use as git's merge-ort
// does, with `git diff --diff-algorithm=histogram` on generated pairs, ambiguous ones included
// (a tiny alphabet, lines that recur in every Go file): they must agree hunk for hunk.
func TestHistogramAgainstGit(t *testing.T) {
	git := gitBinary(t, "git diff")
	r := rand.New(rand.NewSource(oracleSeed + 2))
	dir := t.TempDir()
	const pairs = 800
	same := 0
	for k := 0; k < pairs; k++ {
		c := genTriple(r)
		want, err := runGitDiffWith(git, dir, k, c.base, c.ours, "histogram")
		if err != nil {
			t.Fatalf("pair %d: %v", k, err)
		}
		got := diffWith(c.base, c.ours, Histogram)
		if reflect.DeepEqual(got, want) {
			same++
		} else if same+pairs/200 < k { // report the first few, then only count
			t.Errorf("pair %d differs:\nours %v\ngit  %v\na: %q\nb: %q", k, got, want, c.base, c.ours)
		}
	}
	t.Logf("histogram diff agreement with git over %d pairs: %d identical", pairs, same)
	if same < pairs*995/1000 {
		t.Errorf("hunks identical to git diff --diff-algorithm=histogram for only %d of %d pairs (want 99.5%%)", same, pairs)
	}

	// Long files of a few distinct lines: every common line occurs more than 64 times, and
	// the histogram falls back to Myers for the range, where go-diff's Myers and xdiff's may
	// split ties differently (TestAgainstGitMergeFile).
	const long = 60
	sameLong := 0
	for k := 0; k < long; k++ {
		n := 150 + r.Intn(250)
		base := genLines(r, 1, n)
		var es []edit
		for e := 3 + r.Intn(8); e > 0; e-- {
			es = append(es, genEdit(r, 1, n))
		}
		a, b := render(r, base, "\n"), render(r, apply(base, es), "\n")
		want, err := runGitDiffWith(git, dir, pairs+k, a, b, "histogram")
		if err != nil {
			t.Fatalf("long pair %d: %v", k, err)
		}
		if reflect.DeepEqual(diffWith(a, b, Histogram), want) {
			sameLong++
		}
	}
	t.Logf("on %d long files of a few distinct lines (Myers fallback): %d identical", long, sameLong)
	if sameLong < long*9/10 {
		t.Errorf("long files: hunks identical to git for only %d of %d pairs (want 90%%)", sameLong, long)
	}
}
