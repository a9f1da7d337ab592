package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// What a user sees on bad input: one line on stderr that says what is wrong and what to do,
// exit 1 (2 for usage), nothing on stdout, and no review state lost or rewritten.

// oneLineError checks a failed run: the exit code, one "forkreview: " line on stderr holding
// every part, and nothing on stdout.
func oneLineError(t *testing.T, out, errs string, code, want exitCode, parts ...string) {
	t.Helper()
	if code != want {
		t.Errorf("exit %d, want %d; stderr %q", code, want, errs)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
	lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "forkreview: ") {
		t.Errorf("stderr is not one forkreview: line: %q", errs)
	}
	for _, p := range parts {
		if !strings.Contains(errs, p) {
			t.Errorf("stderr %q does not say %q", errs, p)
		}
	}
}

// smallFork is upstream main with v1 and v2 and a branch fork at v1 with a change of its own;
// HEAD is on fork.
func smallFork(t *testing.T) *fixture.Repo {
	t.Helper()
	r := fixture.New(t)
	r.Commit("import", fixture.Files{"core/a.go": "package core\n\nvar A = 1\n", "docs/b.txt": "1\n2\n3\n4\n5\n6\n7\n8\n"})
	r.Tag("v1", true, "")
	r.Commit("core: upstream change", fixture.Files{"core/a.go": "package core\n\nvar A = 2\n"})
	r.Commit("docs: upstream edit", fixture.Files{"docs/b.txt": "1\nupstream\n3\n4\n5\n6\n7\n8\n"})
	r.Tag("v2", true, "")
	r.Branch("fork", "v1")
	r.Checkout("fork")
	r.Commit("fork: edit docs", fixture.Files{"docs/b.txt": "1\nfork\n3\n4\n5\n6\n7\n8\n"})
	return r
}

func TestFromAfterTo(t *testing.T) {
	r := smallFork(t)
	r.Merge("fork: take in v2", "v2", fixture.Overlay(fixture.Files{"docs/b.txt": "1\nfork\n3\n4\n5\n6\n7\n8\n"}))
	out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v2..v1")
	if code != 0 || !strings.Contains(out, "Nothing to review: v2..v1 has no upstream commits") || errs != "" {
		t.Errorf("FROM after TO: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, _, code = run(t, nil, "scan", "--repo", r.Dir, "v2..v1", "--format", "json", "--fail-on", "low")
	var rep review.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Commits == nil || len(rep.Commits) != 0 || rep.Summary.Commits != 0 {
		t.Errorf("FROM after TO, JSON: exit %d %.200s", code, out)
	}
}

func TestUnrelatedHistoriesCLI(t *testing.T) {
	r := smallFork(t)
	other, err := fixture.InitMemory()
	if err != nil {
		t.Fatal(err)
	}
	other.Commit("another project", fixture.Files{"docs/b.txt": "x\n"})
	other.Commit("another project, later", fixture.Files{"docs/b.txt": "y\n"})
	iter, _ := other.Git.Storer.IterEncodedObjects(plumbing.AnyObject)
	iter.ForEach(func(o plumbing.EncodedObject) error { // git fetch ../other main:refs/tags/other
		_, err := r.Git.Storer.SetEncodedObject(o)
		return err
	})
	r.Git.Storer.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName("other"), plumbing.NewHash(other.Head())))
	out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v1..other")
	oneLineError(t, out, errs, code, exitError, "v1 and other have no common history", "git fetch upstream --tags")
}

func TestBadConfig(t *testing.T) {
	r := smallFork(t)
	dir := t.TempDir()
	cases := []struct {
		name  string
		setup func() string // returns the --config path
		parts []string
	}{
		{"a folder", func() string {
			p := filepath.Join(dir, "folder.yaml")
			os.Mkdir(p, 0o755)
			return p
		}, []string{"folder.yaml", "is a directory", "make it a YAML file you can read"}},
		{"missing", func() string { return filepath.Join(dir, "none.yaml") }, []string{"none.yaml", "forkreview init"}},
		{"not YAML", func() string {
			p := filepath.Join(dir, "bad.yaml")
			os.WriteFile(p, []byte("zones: [\n  - {name: x\n"), 0o644)
			return p
		}, []string{"bad.yaml"}},
		{"binary", func() string {
			p := filepath.Join(dir, "bin.yaml")
			os.WriteFile(p, []byte("\x00\x01\xff\xfe\x1b[2J"), 0o644)
			return p
		}, []string{"bin.yaml"}},
		{"unreadable", func() string {
			if os.Geteuid() == 0 {
				return ""
			}
			p := filepath.Join(dir, "locked.yaml")
			os.WriteFile(p, []byte("preset: geth\n"), 0o000)
			return p
		}, []string{"locked.yaml", "permission denied"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.setup()
			if p == "" {
				t.Skip("root reads files whatever their mode")
			}
			out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v1..v2", "--config", p)
			oneLineError(t, out, errs, code, exitError, c.parts...)
			if strings.ContainsAny(errs, "\x1b\x00") {
				t.Errorf("raw control bytes on stderr: %q", errs)
			}
		})
	}
	// the default .forkreview.yaml at the root, when it is a folder
	os.Mkdir(filepath.Join(r.Dir, ".forkreview.yaml"), 0o755)
	out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v1..v2")
	oneLineError(t, out, errs, code, exitError, ".forkreview.yaml")
}

// stateFile is the default state file of v1..v2 in r.
func stateFile(r *fixture.Repo) string { return filepath.Join(r.Dir, ".forkreview", "v1..v2.json") }

// reviewHeadless runs the checklist on a simulation screen; it returns at once with the error
// when the state cannot be used, and is stopped with q otherwise.
func reviewHeadless(t *testing.T, dir, rng string) error {
	t.Helper()
	from, to, _ := strings.Cut(rng, "..")
	screen := tcell.NewSimulationScreen("UTF-8")
	ios := &ioStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, noColor: true}
	o := &reviewOptions{rangeOptions: rangeOptions{Repo: dir, Fork: "HEAD", From: from, To: to}, screen: screen}
	cmd := &cobra.Command{}
	cmd.SetContext(t.Context())
	done := make(chan error, 1)
	go func() { done <- runReview(cmd, ios, o) }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		screen.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
		t.Fatal("the checklist opened on a state file it cannot use")
		return nil
	}
}

// TestDamagedStateIsNeverOverwritten: a state file that does not parse, is empty, holds an
// entry twice or comes from a newer forkreview stops scan, export and review with a message
// that names the file and how to recover, and the file is left byte for byte.
func TestDamagedStateIsNeverOverwritten(t *testing.T) {
	r := smallFork(t)
	h := r.Resolve("v2")
	cases := []struct {
		name, content string
		parts         []string
	}{
		{"truncated", `{"version": 1, "reviews": {"` + h + `": {"status": "reviewed", "note": "keep me`, []string{"not valid JSON", "git checkout --", "left untouched"}},
		{"conflict markers", "{\n  \"version\": 1,\n  \"reviews\": {\n<<<<<<< HEAD\n    \"" + h + "\": {\"status\": \"reviewed\", \"note\": \"ours\"}\n=======\n    \"" + h + "\": {\"status\": \"follow-up\", \"note\": \"theirs\"}\n>>>>>>> other\n  }\n}\n", []string{"conflict markers", "keeping every entry of both sides once"}},
		{"kept both sides", "{\"version\": 1, \"reviews\": {\"" + h + "\": {\"status\": \"reviewed\", \"note\": \"ours\"}, \"" + h + "\": {\"status\": \"follow-up\", \"note\": \"theirs\"}}}\n", []string{"twice", "keep one of them"}},
		{"empty", "", []string{"is empty", "git checkout --"}},
		{"newer version", `{"version": 7, "reviews": {"` + h + `": {"status": "reviewed", "note": "from the future"}}}`, []string{"newer forkreview", "upgrade forkreview"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := stateFile(r)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"scan", "--repo", r.Dir, "v1..v2"},
				{"export", "--repo", r.Dir, "v1..v2", "--format", "markdown"},
				{"ci", "comment", "--repo", r.Dir, "v1..v2", "--dry-run"},
			} {
				out, errs, code := run(t, nil, args...)
				oneLineError(t, out, errs, code, exitError, append([]string{p}, c.parts...)...)
			}
			err := reviewHeadless(t, r.Dir, "v1..v2")
			if err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("review: %v", err)
			}
			if b, _ := os.ReadFile(p); string(b) != c.content {
				t.Errorf("the state file was rewritten:\n%s", b)
			}
			if _, err := os.Stat(p + ".lock"); !os.IsNotExist(err) {
				t.Errorf("a lock was left behind: %v", err)
			}
		})
	}
	// A damaged state file of another range beside it is skipped with a warning; it too is
	// left as it was.
	os.Remove(stateFile(r))
	other := filepath.Join(r.Dir, ".forkreview", "v0..v1.json")
	os.WriteFile(other, []byte("{broken"), 0o644)
	out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v1..v2")
	if code != 0 || !strings.Contains(errs, "warning: ignoring "+other) || !strings.Contains(out, "2 commits in v1..v2") {
		t.Errorf("damaged neighbour: exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(other); string(b) != "{broken" {
		t.Error("the neighbouring state file was rewritten")
	}
}

// TestSecondChecklistOnOneState: while a checklist holds the state file, a second one stops
// with a message naming the lock, and the state is untouched.
func TestSecondChecklistOnOneState(t *testing.T) {
	r := smallFork(t)
	p := stateFile(r)
	st := review.NewState()
	st.Set(r.Resolve("v2"), "docs: upstream edit", review.StatusFollowUp, "ask the fork's owner", "Ann", time.Unix(0, 0))
	if err := st.Save(p); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	unlock, err := review.LockState(p) // the first checklist
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	err = reviewHeadless(t, r.Dir, "v1..v2")
	if err == nil || !strings.Contains(err.Error(), "open in another forkreview review") || !strings.Contains(err.Error(), p+".lock") {
		t.Errorf("second checklist: %v", err)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Error("the state file changed")
	}
	// read-only commands do not need the lock
	if out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v1..v2"); code != 0 || !strings.Contains(out, "!") {
		t.Errorf("scan while a checklist is open: exit %d %q\n%s", code, errs, out)
	}
}

// hostile is text from commits and files that would act on a terminal or a renderer.
const hostile = "\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \a\b\rover [red]tag[-] <script>alert(1)</script> @ethereum/core --> \u202egnp.exe"

// TestHostileTextInTheTerminal: subjects, author names, areas, file names and conflict text
// with escape sequences are shown with the escapes visible, never sent raw to the terminal.
func TestHostileTextInTheTerminal(t *testing.T) {
	r := fixture.New(t)
	r.Commit("import", fixture.Files{"notes.txt": "1\n2\n3\n"})
	r.Tag("v1", true, "")
	r.Branch("fork", "v1")
	evil := object.Signature{Name: "Mallory \x1b[1m" + hostile, Email: "m@example.com"}
	as := []fixture.CommitOption{fixture.Author(evil.Name, evil.Email), fixture.Committer(evil.Name, evil.Email)}
	r.CommitEntries("main", "\x1b[31mcore\x1b[0m: "+hostile+"\n\nbody "+hostile+"\n", map[string]fixture.Entry{"notes.txt": {Content: "1\n" + hostile + " upstream\n3\n"}}, as...)
	r.CommitEntries("main", "add a file named with escapes\n", map[string]fixture.Entry{"\x1b[2Jevil\a.txt": {Content: "upstream " + hostile + "\n"}}, as...)
	r.Tag("v2", true, "main")
	r.CommitEntries("fork", "fork: edit\n", map[string]fixture.Entry{"notes.txt": {Content: "1\n\x1b[1mfork\n3\n"}, "\x1b[2Jevil\a.txt": {Content: "fork\n"}}, as...)

	for _, args := range [][]string{
		{"scan", "--repo", r.Dir, "--fork", "fork", "v1..v2"},
		{"scan", "--repo", r.Dir, "--fork", "fork", "v1..v2", "--show-conflicts"},
		{"export", "--repo", r.Dir, "--fork", "fork", "v1..v2", "--format", "markdown"},
	} {
		out, errs, code := run(t, nil, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", args, code, errs)
		}
		if i := strings.IndexAny(out+errs, "\x1b\a\b\r\u202e"); i >= 0 {
			all := out + errs
			t.Errorf("%s: a raw control character reaches the terminal: %q", args, all[max(0, i-30):min(len(all), i+30)])
		}
		if args[0] == "scan" && !strings.Contains(out, `\x1b[31mred`) {
			t.Errorf("%s: the escapes are not shown:\n%s", args, out)
		}
	}
	out, _, _ := run(t, nil, "scan", "--repo", r.Dir, "--fork", "fork", "v1..v2", "--show-conflicts")
	for _, want := range []string{`\x1b[2Jevil\x07.txt: add/add conflict`, `notes.txt: content conflict`, `│ \x1b[1mfork`, `<script>alert(1)</script>`} {
		if !strings.Contains(out, want) {
			t.Errorf("--show-conflicts does not show %q:\n%s", want, out)
		}
	}
	// JSON keeps the text exactly, escaped as JSON does
	out, _, _ = run(t, nil, "scan", "--repo", r.Dir, "--fork", "fork", "v1..v2", "--format", "json")
	var rep review.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// a subject is one line, its white space folded as git log's %s does
	subject := "\x1b[31mcore\x1b[0m: " + strings.Join(strings.Fields(hostile), " ")
	if strings.ContainsAny(out, "\x1b\a") || len(rep.Commits) != 2 || rep.Commits[0].Subject != subject || rep.Commits[0].Author != evil.Name+" <m@example.com>" {
		t.Errorf("JSON does not keep the text: %q", out)
	}
}

// TestVeryLongSubject: a subject of 200,000 characters is cut to the terminal's width in the
// table, and kept whole in JSON.
func TestVeryLongSubject(t *testing.T) {
	r := smallFork(t)
	long := "core: " + strings.Repeat("ünïcode and words ", 200000/18) + "end"
	r.Checkout("main")
	r.Commit(long, fixture.Files{"core/a.go": "package core\n\nvar A = 3\n"})
	r.Tag("v3", true, "")
	r.Checkout("fork")
	var out, errb bytes.Buffer
	ios := &ioStreams{In: strings.NewReader(""), Out: &out, Err: &errb, outTTY: true, noColor: true,
		termSize: func() (int, int) { return 100, 40 }, Getenv: func(string) string { return "" }}
	if code := Main([]string{"scan", "--repo", r.Dir, "v1..v3"}, ios); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, l := range strings.Split(out.String(), "\n") {
		if n := utf8.RuneCountInString(l); n > 100 && !strings.HasPrefix(l, "3 commits") {
			t.Errorf("a line of %d characters on a terminal 100 wide: %.120q", n, l)
		}
	}
	if !strings.Contains(out.String(), "…") {
		t.Error("the long subject is not marked as cut")
	}
	o, _, _ := run(t, nil, "scan", "--repo", r.Dir, "v1..v3", "--format", "json")
	var rep review.Report
	if err := json.Unmarshal([]byte(o), &rep); err != nil || len(rep.Commits) != 3 || rep.Commits[2].Subject != long {
		t.Errorf("JSON does not keep the subject whole: %v", err)
	}
}

// TestNonUTF8Output: file names and contents in Latin-1 come out as valid UTF-8: escaped bytes
// in the terminal (a raw 0x9b is CSI to an 8-bit terminal), U+FFFD in JSON, which holds text.
func TestNonUTF8Output(t *testing.T) {
	r := fixture.New(t)
	r.Commit("import", fixture.Files{"docs/caf\xe9.txt": "r\xe9sum\xe9\n2\n3\n"})
	r.Tag("v1", true, "")
	r.Commit("docs: na\xefve \x9b2J edit", fixture.Files{"docs/caf\xe9.txt": "r\xe9sum\xe9\nupstream \xe0\n3\n"})
	r.Tag("v2", true, "")
	r.Branch("fork", "v1")
	r.Checkout("fork")
	r.Commit("fork edit", fixture.Files{"docs/caf\xe9.txt": "r\xe9sum\xe9\nfork \xf1\n3\n"})
	out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v1..v2", "--show-conflicts")
	if code != 0 || !utf8.ValidString(out) {
		t.Fatalf("exit %d %s, valid UTF-8 %v:\n%q", code, errs, utf8.ValidString(out), out)
	}
	for _, want := range []string{`docs: na\xefve \x9b2J edit`, `docs/caf\xe9.txt: content conflict`, `│ fork \xf1`, `│ upstream \xe0`} {
		if !strings.Contains(out, want) {
			t.Errorf("the text output does not show %q:\n%s", want, out)
		}
	}
	out, errs, code = run(t, nil, "scan", "--repo", r.Dir, "v1..v2", "--format", "json")
	var rep review.Report
	if code != 0 || !utf8.ValidString(out) || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("JSON: exit %d %s:\n%s", code, errs, out)
	}
	if c := rep.Commits[0]; c.Files[0].Path != "docs/caf\uFFFD.txt" || c.Conflicts[0].Fork != "fork \uFFFD\n" {
		t.Errorf("JSON: %+v", c.Files)
	}
}

// TestMissingObjectsCLI: an object deleted from the store (a damaged repository) and a partial
// clone both end in one line that names the object and says what to do.
func TestMissingObjectsCLI(t *testing.T) {
	r := smallFork(t)
	c, _ := r.Git.CommitObject(plumbing.NewHash(r.Resolve("v2")))
	f, _ := c.File("docs/b.txt")
	id := f.Hash.String()
	if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", id[:2], id[2:])); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, nil, "scan", "--repo", r.Dir, "v1..v2")
	oneLineError(t, out, errs, code, exitError, id[:10], "object not found", "git fsck", "--filter")

	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: making a partial clone needs it")
	}
	s := smallFork(t)
	git := func(dir string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", args, err, o)
		}
	}
	git(s.Dir, "config", "uploadpack.allowFilter", "true")
	dst := filepath.Join(t.TempDir(), "partial")
	git(s.Dir, "clone", "-q", "--filter=blob:none", "--branch", "fork", "file://"+s.Dir, dst)
	out, errs, code = run(t, nil, "scan", "--repo", dst, "v1..v2")
	oneLineError(t, out, errs, code, exitError, "object not found", "partial clone", "--filter")
}
