package review_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/forkreview/forkreview/review"
)

// hostileNotes are notes and subjects a reviewer or a commit could hold: terminal escapes, tview
// tags, HTML, Markdown mentions, a closing HTML comment, JSON syntax, invalid UTF-8, NUL, CRLF,
// a very long line. The state file must keep every one byte for byte.
var hostileNotes = []string{
	"plain note",
	"\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \a bell",
	"[red]tview[-] [::b]bold[::-] [\"region\"]",
	"<script>alert(1)</script> <img src=x onerror=alert(1)>",
	"ping @octocat and @ethereum/core --> <!-- forkreview -->",
	`"quoted", {"version": 99}, \ backslash`,
	"carriage\r\nreturn\r\n",
	"nul\x00byte",
	"\u2028line separator\u2029 \u202eright-to-left override",
	"emoji 🚀 and CJK 漢字",
	"latin-1 caf\xe9 is not UTF-8",
	strings.Repeat("very long line ", 20000),
}

func hash(i int) string {
	const hex = "0123456789abcdef"
	b := []byte(strings.Repeat("0", 40))
	for j := 39; j >= 0 && i > 0; j-- {
		b[j] = hex[i%16]
		i /= 16
	}
	return string(b)
}

func TestStateRoundTripKeepsHostileNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".forkreview", "v1..v2.json")
	st := review.NewState()
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, n := range hostileNotes {
		st.Set(hash(i+1), n, review.StatusFollowUp, n, "Eve <"+n+">", now)
	}
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatalf("the state file is not valid JSON:\n%.500s", b)
	}
	if bytes.ContainsAny(b, "\x1b\x00\a\r") {
		t.Error("the state file holds raw control bytes; JSON escapes them")
	}
	got, err := review.LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range hostileNotes {
		e := got.Reviews[hash(i+1)]
		want := strings.ToValidUTF8(n, "\uFFFD") // JSON holds text: an invalid byte becomes U+FFFD
		if e.Note != want || e.Subject != want || e.Reviewer != "Eve <"+want+">" || e.Status != review.StatusFollowUp {
			t.Errorf("entry %d changed on the way through the file: %+.80v", i, e)
		}
	}
	// Saving again is byte-stable, as a file meant to be committed and merged must be. (The
	// first save writes an invalid byte as the escape \ufffd, later ones the character itself.)
	if err := got.Save(path); err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(path)
	again, err := review.LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Reviews, got.Reviews) {
		t.Error("a load and save changed the entries")
	}
	if err := again.Save(path); err != nil {
		t.Fatal(err)
	}
	if b3, _ := os.ReadFile(path); !bytes.Equal(b2, b3) {
		t.Error("a load and save changed the file")
	}
}

func TestStateSaveLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	st := review.NewState()
	for i := 0; i < 20; i++ {
		st.Set(hash(i+1), "s", review.StatusReviewed, "", "r", time.Unix(int64(i), 0))
		if err := st.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %q, want only state.json", names)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("state file mode: %v %v", fi.Mode(), err)
	}
}

// TestStateSaveFailureKeepsOldFile: a save that cannot write (read-only folder) fails with the
// path in the error, and the last saved state is still there.
func TestStateSaveFailureKeepsOldFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only folders")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	st := review.NewState()
	st.Set(hash(1), "", review.StatusReviewed, "kept", "r", time.Unix(0, 0))
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	st.Set(hash(2), "", review.StatusReviewed, "new", "r", time.Unix(0, 0))
	err := st.Save(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("save into a read-only folder: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a failed save changed the file")
	}
}

// TestLoadStateRefusesBadFiles: every unusable state file is an error that wraps
// ErrStateDamaged, names the file and says what to do, and the file is left as it was.
func TestLoadStateRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content string
		want          []string
	}{
		{"empty", "", []string{"is empty", "git checkout --"}},
		{"blank", " \n\t\n", []string{"is empty"}},
		{"truncated", `{"version": 1, "reviews": {"` + hash(1) + `": {"status": "revie`, []string{"not valid JSON", "git checkout --", "left untouched"}},
		{"merge conflict", "{\n<<<<<<< HEAD\n  \"version\": 1,\n=======\n  \"version\": 1,\n>>>>>>> theirs\n}\n", []string{"conflict markers", "git checkout --ours --", "left untouched"}},
		{"newer version", `{"version": 2, "reviews": {}}`, []string{"newer forkreview", "state version 2", "upgrade forkreview"}},
		{"no version", `{"reviews": {}}`, []string{`no "version"`}},
		{"null", "null", []string{`no "version"`}},
		{"array", "[]", []string{"not valid JSON"}},
		{"wrong type", `{"version": "1"}`, []string{"not valid JSON"}},
		{"unknown status", `{"version": 1, "reviews": {"` + hash(1) + `": {"status": "approved"}}}`, []string{hash(1), `unknown status "approved"`}},
		{"binary", "\x00\x01\x02\xff", []string{"not valid JSON"}},
		{"two documents", `{"version": 1, "reviews": {}}` + "\n" + `{"version": 1, "reviews": {"` + hash(1) + `": {"status": "reviewed", "note": "second"}}}`, []string{"not valid JSON"}},
		{"duplicate entry", `{"version": 1, "reviews": {"` + hash(1) + `": {"status": "reviewed", "note": "ours"}, "` + hash(1) + `": {"status": "follow-up", "note": "theirs"}}}`, []string{hash(1), "twice"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			st, err := review.LoadState(path)
			if err == nil {
				t.Fatalf("loaded %+v, want an error", st)
			}
			if !errors.Is(err, review.ErrStateDamaged) {
				t.Errorf("error %q does not wrap ErrStateDamaged", err)
			}
			for _, w := range append([]string{path}, c.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if b, _ := os.ReadFile(path); string(b) != c.content {
				t.Error("the file was changed")
			}
		})
	}
}

func TestLoadStateMissingAndUnreadable(t *testing.T) {
	dir := t.TempDir()
	st, err := review.LoadState(filepath.Join(dir, "none.json"))
	if err != nil || len(st.Reviews) != 0 || st.Version != review.StateVersion {
		t.Fatalf("missing file: %+v %v", st, err)
	}
	// a folder where the file should be
	sub := filepath.Join(dir, "folder.json")
	os.Mkdir(sub, 0o755)
	if _, err := review.LoadState(sub); !errors.Is(err, review.ErrStateDamaged) || !strings.Contains(err.Error(), sub) || !strings.Contains(err.Error(), "--state") {
		t.Errorf("folder: %v", err)
	}
	if os.Geteuid() != 0 {
		p := filepath.Join(dir, "locked.json")
		os.WriteFile(p, []byte(`{"version":1,"reviews":{}}`), 0o000)
		if _, err := review.LoadState(p); !errors.Is(err, review.ErrStateDamaged) || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("unreadable: %v", err)
		}
	}
}

// TestStateStatusIsCanonical: a status written by hand in another case or with spaces is read
// as the status it names, so that reports count it and --fail-on sees a pending commit as
// pending.
func TestStateStatusIsCanonical(t *testing.T) {
	b := []byte(`{"version": 1, "reviews": {"` + hash(1) + `": {"status": " Pending"}, "` + hash(2) + `": {"status": "FOLLOW-UP"}}}`)
	st, err := review.ParseState("s.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := st.Get(hash(1)).Status, st.Get(hash(2)).Status; a != review.StatusPending || b != review.StatusFollowUp {
		t.Errorf("statuses %q %q, want pending and follow-up", a, b)
	}
}

// TestStateUnknownFieldsLoad: a file of this version with fields this build does not know
// still loads.
func TestStateUnknownFieldsLoad(t *testing.T) {
	b := []byte(`{"version": 1, "extra": true, "reviews": {"` + hash(1) + `": {"status": "reviewed", "note": "n", "labels": ["x"]}}}`)
	st, err := review.ParseState("s.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if e := st.Get(hash(1)); e.Status != review.StatusReviewed || e.Note != "n" {
		t.Errorf("entry %+v", e)
	}
}

// FuzzParseState: ParseState never panics; what it accepts survives Marshal and ParseState
// again unchanged; what it refuses is an ErrStateDamaged error that names the file.
func FuzzParseState(f *testing.F) {
	st := review.NewState()
	for i, n := range hostileNotes[:8] {
		st.Set(hash(i+1), n, review.Statuses[i%len(review.Statuses)], n, "r", time.Unix(int64(i), 0))
	}
	good, _ := st.Marshal()
	f.Add(good)
	f.Add([]byte(`{"version": 1, "reviews": {}}`))
	f.Add([]byte(`{"version": 1}`))
	f.Add([]byte(`{"version": 2, "reviews": {}}`))
	f.Add([]byte(`{"version": 1, "reviews": {"a": {"status": ""}}}`))
	f.Add([]byte(`{"version": 1, "reviews": {"a": {"status": "reviewed"}, "a": {"status": "pending"}}}`))
	f.Add([]byte(`{"version": 1, "reviews": null} {}`))
	f.Add([]byte("\ufeff{\"version\": 1}"))
	f.Add([]byte(`{"version": -1, "reviews": {"\u0000": {"status": "Reviewed "}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := review.ParseState("fuzz.json", b)
		if err != nil {
			if !errors.Is(err, review.ErrStateDamaged) || !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error %q does not wrap ErrStateDamaged or name the file", err)
			}
			return
		}
		for h, e := range st.Reviews {
			if _, err := review.ParseStatus(string(e.Status)); err != nil || strings.TrimSpace(strings.ToLower(string(e.Status))) != string(e.Status) {
				t.Fatalf("entry %q has status %q, not one of review.Statuses", h, e.Status)
			}
		}
		out, err := st.Marshal()
		if err != nil {
			t.Fatalf("Marshal of an accepted state: %v", err)
		}
		again, err := review.ParseState("again.json", out)
		if err != nil {
			t.Fatalf("ParseState refuses what Marshal wrote: %v\n%s", err, out)
		}
		if again.Version != st.Version || !reflect.DeepEqual(again.Reviews, st.Reviews) {
			t.Fatalf("round trip changed the state:\n%+v\n%+v", st.Reviews, again.Reviews)
		}
		out2, _ := again.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not stable:\n%s\n%s", out, out2)
		}
	})
}

// TestSaveRemovesStaleTemporaryFiles: what a killed save left beside the state file is cleaned
// up by the next save, so it is never committed with the state.
func TestSaveRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v1..v2.json")
	stale := filepath.Join(dir, ".v1..v2.json.tmp-123")
	other := filepath.Join(dir, ".other.json.tmp-1")
	os.WriteFile(stale, []byte("{"), 0o644)
	os.WriteFile(other, []byte("{"), 0o644)
	st := review.NewState()
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temporary file was removed: %v", err)
	}
}

// TestWriteFileAtomicThroughALink: a state file that is a symbolic link keeps being a link; the
// file it names gets the new content.
func TestWriteFileAtomicThroughALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "shared", "state.json")
	os.MkdirAll(filepath.Dir(target), 0o755)
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "state.json")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := review.WriteFileAtomic(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("the target holds %q", b)
	}
	if err := review.WriteFileAtomic(dir, []byte("x"), 0o644); err == nil {
		t.Error("writing over a folder succeeded")
	}
}
