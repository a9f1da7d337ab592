package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// run runs the CLI in-process with captured output and the given environment.
func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code exitCode) {
	t.Helper()
	var out, errb bytes.Buffer
	ios := &ioStreams{In: strings.NewReader(""), Out: &out, Err: &errb, noColor: true,
		Getenv: func(k string) string { return env[k] }}
	code = Main(args, ios)
	return out.String(), errb.String(), code
}

// sample builds the demo's sample fork once per test binary and gives each test a copy, so
// tests that write state do not see each other.
func sample(t *testing.T) *fixture.Sample {
	t.Helper()
	s, err := fixture.BuildSample(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScanJSONFollowsReportFormat(t *testing.T) {
	s := sample(t)
	out, errs, code := run(t, nil, "scan", "--repo", s.Dir, s.Range(), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "tool", "generated_at", "repository", "upstream", "fork", "summary", "commits"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	var rep review.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SchemaVersion != 1 || rep.Tool.Name != "forkreview" || rep.Upstream.From != s.From || rep.Upstream.To != s.To {
		t.Errorf("header: %+v %+v %+v", rep.SchemaVersion, rep.Tool, rep.Upstream)
	}
	hex40 := regexp.MustCompile(`^[0-9a-f]{40}$`)
	for _, h := range []string{rep.Upstream.FromCommit, rep.Upstream.ToCommit, rep.Fork.Commit, rep.Fork.BaseCommit} {
		if !hex40.MatchString(h) {
			t.Errorf("hash %q is not 40 hex", h)
		}
	}
	if len(rep.Commits) != len(s.Expect) || rep.Summary.Commits != len(s.Expect) {
		t.Fatalf("%d commits, summary %d, want %d", len(rep.Commits), rep.Summary.Commits, len(s.Expect))
	}
	for _, r := range []string{"applied", "conflict", "high", "medium", "low", "none"} {
		if _, ok := rep.Summary.ByRisk[r]; !ok {
			t.Errorf("by_risk lacks %q", r)
		}
	}
	for _, st := range []string{"pending", "reviewed", "follow-up", "not-applicable"} {
		if _, ok := rep.Summary.ByStatus[st]; !ok {
			t.Errorf("by_status lacks %q", st)
		}
	}
	commits := raw["commits"].([]any)
	for i, c := range rep.Commits {
		if want := s.Expect[c.Subject]; c.Risk.String() != want {
			t.Errorf("%q: %s, want %s", c.Subject, c.Risk, want)
		}
		m := commits[i].(map[string]any)
		for _, k := range []string{"tags", "reasons", "files", "parents"} {
			if _, ok := m[k].([]any); !ok {
				t.Errorf("%s: %q is not a list: %v", c.Short(), k, m[k])
			}
		}
		if c.Review.Status != review.StatusPending {
			t.Errorf("%s: status %q", c.Short(), c.Review.Status)
		}
	}
}

func TestScanTableAndExitCodes(t *testing.T) {
	s := sample(t)
	out, _, code := run(t, nil, "scan", "--repo", s.Dir, s.Range())
	if code != 0 || !strings.Contains(out, "22 commits in v1.1.0..v1.2.0: 2 applied, 3 conflict") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour in output that is not a terminal")
	}
	// FROM from the newest tag in the fork
	out, errs, code := run(t, nil, "scan", "--repo", s.Dir, s.To)
	if code != 0 || !strings.Contains(out, "22 commits in v1.1.0..v1.2.0") {
		t.Fatalf("FROM auto-detected: exit %d %s\n%s", code, errs, out)
	}
	_, errs, code = run(t, nil, "scan", "--repo", s.Dir, s.Range(), "--fail-on", "conflict")
	if code != exitFailOn || !strings.Contains(errs, "3 unreviewed commit(s) at risk conflict") {
		t.Errorf("--fail-on: exit %d %q", code, errs)
	}
	out, _, code = run(t, nil, "scan", "--repo", s.Dir, s.Range(), "--show-conflicts")
	if code != 0 || !strings.Contains(out, "core/state/statedb.go: content conflict") || !strings.Contains(out, "upstream (line") {
		t.Errorf("--show-conflicts:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "scan.json")
	if _, errs, code = run(t, nil, "scan", "--repo", s.Dir, s.Range(), "--format", "json", "-o", file); code != 0 {
		t.Fatal(errs)
	}
	if b, err := os.ReadFile(file); err != nil || !json.Valid(b) {
		t.Errorf("-o: %v", err)
	}
}

// TestBadInput: one clear line on stderr, exit 1 (2 for usage), never a panic.
func TestBadInput(t *testing.T) {
	s := sample(t)
	notRepo := t.TempDir()
	cases := []struct {
		name string
		args []string
		code exitCode
		want string
	}{
		{"unknown revision", []string{"scan", "--repo", s.Dir, "v1.1.0..v9.9.9"}, 1, `unknown revision "v9.9.9"`},
		{"not a repository", []string{"scan", "--repo", notRepo, "v1..v2"}, 1, "not a git repository"},
		{"FROM not in the fork", []string{"scan", "--repo", s.Dir, "v1.2.0..main"}, 1, "--base (FROM, v1.2.0) is not an ancestor of HEAD"},
		{"--base not in the fork", []string{"scan", "--repo", s.Dir, "--base", "v1.2.0", s.Range()}, 1, "--base v1.2.0 is not an ancestor"},
		{"three dots", []string{"scan", "--repo", s.Dir, "v1.1.0...v1.2.0"}, 2, "use two dots"},
		{"bad format", []string{"scan", "--repo", s.Dir, s.Range(), "--format", "xml"}, 2, "--format"},
		{"bad risk", []string{"scan", "--repo", s.Dir, s.Range(), "--fail-on", "severe"}, 2, "unknown risk"},
		{"unknown flag", []string{"scan", "--frm", "x"}, 2, "unknown flag"},
		{"missing folder", []string{"scan", "--repo", filepath.Join(notRepo, "nope"), "a..b"}, 1, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, nil, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", code, c.code, errs)
			}
			first := strings.SplitN(errs, "\n", 2)[0]
			if !strings.Contains(first, c.want) || !strings.HasPrefix(first, "forkreview: ") {
				t.Errorf("stderr %q, want a line with %q", errs, c.want)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
		})
	}
	out, errs, code := run(t, nil, "scan", "--repo", s.Dir, "v1.2.0..v1.2.0", "--base", "v1.1.0")
	if code != 0 || !strings.Contains(out, "Nothing to review") {
		t.Errorf("empty range: exit %d %q %q", code, out, errs)
	}
}

func TestShallowClone(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: making a shallow clone needs it")
	}
	s := sample(t)
	dir := filepath.Join(t.TempDir(), "shallow")
	if out, err := exec.Command("git", "clone", "-q", "--depth", "1", "--branch", "fork", "file://"+s.Dir, dir).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v %s", err, out)
	}
	_, errs, code := run(t, nil, "scan", "--repo", dir, s.Range())
	if code != 1 || !strings.Contains(errs, "shallow") || !strings.Contains(errs, "git fetch --unshallow") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestExport(t *testing.T) {
	s := sample(t)
	for _, f := range []struct{ format, want string }{
		{"markdown", "core/state: clear pending objects"},
		{"html", "<!doctype html>"},
		{"json", `"schema_version": 1`},
		{"csv", "hash,"},
	} {
		out, errs, code := run(t, nil, "export", "--repo", s.Dir, s.Range(), "--format", f.format)
		if code != 0 || !strings.Contains(out, f.want) {
			t.Errorf("%s: exit %d %s\n%.300s", f.format, code, errs, out)
		}
	}
	out, _, code := run(t, nil, "export", "--repo", s.Dir, s.Range(), "--format", "json", "--min-risk", "conflict")
	var rep review.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Commits) != 3 {
		t.Errorf("--min-risk conflict: exit %d, %d commits", code, len(rep.Commits))
	}
	tmpl := filepath.Join(t.TempDir(), "t.tmpl")
	os.WriteFile(tmpl, []byte(`{{len .Commits}} commits`), 0o644)
	if out, errs, code := run(t, nil, "export", "--repo", s.Dir, s.Range(), "--template", tmpl); code != 0 || out == "" {
		t.Errorf("--template: exit %d %s %q", code, errs, out)
	}
	if _, _, code := run(t, nil, "export", "--repo", s.Dir, s.Range(), "--format", "pdf"); code != exitUsage {
		t.Errorf("--format pdf: exit %d", code)
	}
}

// TestCICommentSticky posts, then edits the same comment, against a fake GitHub.
func TestCICommentSticky(t *testing.T) {
	s := sample(t)
	var mu sync.Mutex
	comments := map[int64]string{}
	var nextID int64 = 1
	posts, patches := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if got := r.Header.Get("Authorization"); got != "Bearer secret-token" && got != "token secret-token" {
			w.WriteHeader(401)
			return
		}
		switch {
		case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/repos/acme/chain/issues/7/comments"):
			var list []map[string]any
			for id, b := range comments {
				list = append(list, map[string]any{"id": id, "body": b, "html_url": "https://example/c", "user": map[string]any{"login": "github-actions[bot]", "type": "Bot"}})
			}
			json.NewEncoder(w).Encode(list)
		case r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/repos/acme/chain/issues/7/comments"):
			var body struct{ Body string }
			json.NewDecoder(r.Body).Decode(&body)
			comments[nextID] = body.Body
			posts++
			w.WriteHeader(201)
			json.NewEncoder(w).Encode(map[string]any{"id": nextID, "body": body.Body, "html_url": "https://example/c"})
			nextID++
		case r.Method == "PATCH" && strings.Contains(r.URL.Path, "/repos/acme/chain/issues/comments/"):
			var body struct{ Body string }
			json.NewDecoder(r.Body).Decode(&body)
			comments[1] = body.Body
			patches++
			json.NewEncoder(w).Encode(map[string]any{"id": 1, "body": body.Body, "html_url": "https://example/c"})
		default:
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{"GITHUB_TOKEN": "secret-token", "GITHUB_REPOSITORY": "acme/chain", "GITHUB_API_URL": srv.URL, "GITHUB_STEP_SUMMARY": summary}
	out, errs, code := run(t, env, "ci", "comment", "--repo", s.Dir, "--pr", "7", s.Range())
	if code != 0 {
		t.Fatalf("first run: exit %d %s %s", code, out, errs)
	}
	// a decision committed with the review state ticks the checklist on the next push
	state := filepath.Join(s.Dir, ".forkreview", "v1.1.0..v1.2.0.json")
	st := review.NewState()
	var conflictHash string
	{
		o, _, _ := run(t, nil, "scan", "--repo", s.Dir, s.Range(), "--format", "json")
		var rep review.Report
		json.Unmarshal([]byte(o), &rep)
		for _, c := range rep.Commits {
			if c.Risk == review.RiskConflict {
				conflictHash = c.Hash
				break
			}
		}
	}
	st.Set(conflictHash, "", review.StatusReviewed, "resolved by keeping the fork's hook", "Ann <ann@x>", time.Unix(0, 0))
	if err := st.Save(state); err != nil {
		t.Fatal(err)
	}
	out, errs, code = run(t, env, "ci", "comment", "--repo", s.Dir, "--pr", "7", s.Range(), "--fail-on", "conflict")
	if code != exitFailOn {
		t.Fatalf("second run: exit %d %s %s", code, out, errs)
	}
	if posts != 1 || patches != 1 || len(comments) != 1 {
		t.Errorf("posts %d patches %d comments %d: want one comment, edited", posts, patches, len(comments))
	}
	if !strings.Contains(comments[1], "- [x]") || !strings.Contains(comments[1], "- [ ]") {
		t.Errorf("checklist not ticked from the state:\n%s", comments[1])
	}
	if b, _ := os.ReadFile(summary); !bytes.Contains(b, []byte("forkreview")) {
		t.Error("no step summary")
	}
	if strings.Contains(out+errs, "secret-token") {
		t.Error("token in output")
	}
	// --dry-run prints without posting
	out, _, code = run(t, map[string]string{}, "ci", "comment", "--repo", s.Dir, "--dry-run", s.Range())
	if code != 0 || !strings.Contains(out, "<!-- forkreview -->") || posts != 1 {
		t.Errorf("--dry-run: exit %d posts %d\n%.200s", code, posts, out)
	}
	_, errs, code = run(t, map[string]string{}, "ci", "comment", "--repo", s.Dir, s.Range())
	if code != 1 || !strings.Contains(errs, "no pull request") {
		t.Errorf("no PR: exit %d %q", code, errs)
	}
}

// TestReviewChecklist drives the checklist headless on the sample: space marks the first
// commit reviewed, and the state file says so.
func TestReviewChecklist(t *testing.T) {
	s := sample(t)
	screen := tcell.NewSimulationScreen("UTF-8")
	ios := &ioStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, noColor: true}
	o := &reviewOptions{rangeOptions: rangeOptions{Repo: s.Dir, Fork: "HEAD", From: s.From, To: s.To}, screen: screen}
	done := make(chan error, 1)
	cmd := &cobra.Command{}
	cmd.SetContext(t.Context())
	go func() { done <- runReview(cmd, ios, o) }()
	select {
	case err := <-done:
		t.Fatalf("the checklist ended at once: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	waitFor(t, screen, "forkreview") // the screen is initialised once something is drawn
	screen.SetSize(120, 40)
	screen.PostEvent(tcell.NewEventResize(120, 40))
	waitFor(t, screen, "0/22")
	screen.InjectKey(tcell.KeyRune, ' ', tcell.ModNone)
	waitFor(t, screen, "1/22")
	screen.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the checklist did not quit on q")
	}
	st, err := review.LoadState(filepath.Join(s.Dir, ".forkreview", "v1.1.0..v1.2.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range st.Reviews {
		if e.Status == review.StatusReviewed {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d reviewed entries, want 1: %+v", n, st.Reviews)
	}
}

func waitFor(t *testing.T, screen tcell.SimulationScreen, text string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		cells, w, _ := screen.GetContents()
		var b strings.Builder
		for i, c := range cells {
			if i > 0 && i%w == 0 {
				b.WriteByte('\n')
			}
			b.WriteString(string(c.Runes))
		}
		if strings.Contains(b.String(), text) {
			return
		}
		if time.Now().Add(50 * time.Millisecond).After(deadline) {
			t.Fatalf("screen never showed %q:\n%s", text, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDemoWithoutTerminal(t *testing.T) {
	out, errs, code := run(t, nil, "demo")
	if code != 0 || !strings.Contains(out, "22 commits in v1.1.0..v1.2.0") {
		t.Fatalf("exit %d %s\n%s", code, errs, out)
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, _, code := run(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "forkreview ") {
		t.Errorf("version: %d %q", code, out)
	}
	for _, c := range []string{"scan", "review", "export", "demo", "init", "version"} {
		out, _, code := run(t, nil, c, "--help")
		if code != 0 || (c != "version" && !strings.Contains(out, "Examples:")) {
			t.Errorf("%s --help: exit %d, no example", c, code)
		}
	}
	if out, _, code := run(t, nil, "ci", "comment", "--help"); code != 0 || !strings.Contains(out, "Examples:") {
		t.Errorf("ci comment --help: %d", code)
	}
	if out, _, code := run(t, nil, "completion", "bash"); code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion: %d", code)
	}
}

func TestInit(t *testing.T) {
	s := sample(t)
	out, errs, code := run(t, nil, "init", "--repo", s.Dir)
	if code != 0 || !strings.Contains(out, ".forkreview.yaml") {
		t.Fatalf("exit %d %s %s", code, out, errs)
	}
	if _, errs, code := run(t, nil, "init", "--repo", s.Dir); code != 1 || !strings.Contains(errs, "--force") {
		t.Errorf("second init: exit %d %q", code, errs)
	}
	// the starter loads back, and scan runs with it
	if _, errs, code := run(t, nil, "scan", "--repo", s.Dir, s.Range()); code != 0 {
		t.Errorf("scan with the starter config: %s", errs)
	}
}

// TestOutputToDevice: -o on a device or a pipe writes to it and never replaces it with a file
// (an atomic rename over /dev/null would break the machine).
func TestOutputToDevice(t *testing.T) {
	s := sample(t)
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no fifo here: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if _, errs, code := run(t, nil, "scan", "--repo", s.Dir, s.Range(), "--format", "json", "-o", fifo); code != 0 {
		t.Fatal(errs)
	}
	if b := <-got; !json.Valid(b) {
		t.Errorf("the pipe got %d bytes of invalid JSON", len(b))
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
}

// TestScanCache: a re-run reads the kept result and gives the same report; a damaged cache
// file is scanned afresh; --no-cache ignores it.
func TestScanCache(t *testing.T) {
	s := sample(t)
	scanJSON := func(extra ...string) []review.Commit {
		t.Helper()
		out, errs, code := run(t, nil, append([]string{"scan", "--repo", s.Dir, s.Range(), "--format", "json"}, extra...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var rep review.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		return rep.Commits
	}
	first := scanJSON()
	files, _ := filepath.Glob(filepath.Join(s.Dir, ".git", "forkreview", "scan-cache", "*.gob"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	same := func(a, b []review.Commit) bool {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return bytes.Equal(x, y)
	}
	if second := scanJSON(); !same(first, second) {
		t.Error("the cached result differs from the scan")
	}
	// a cache file of another scan's content is not used
	os.WriteFile(files[0], []byte("not a gob"), 0o644)
	if third := scanJSON(); !same(first, third) {
		t.Error("a foreign cache file was used")
	}
	if fourth := scanJSON("--no-cache"); !same(first, fourth) {
		t.Error("--no-cache used the cache")
	}
}

// TestStateFlagReadsOnlyItsFile: with --state, other JSON files beside it are not read as
// state files (no warnings about them), while the default .forkreview/ folder shares decisions.
func TestStateFlagReadsOnlyItsFile(t *testing.T) {
	s := sample(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "other.json"), []byte(`{"not": "state"}`), 0o644)
	_, errs, code := run(t, nil, "scan", "--repo", s.Dir, s.Range(), "--state", filepath.Join(dir, "mine.json"))
	if code != 0 || errs != "" {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestCICommentRangeFromPullRequest: without FROM..TO, the range comes from the newest upstream
// tags in the pull request's base and head.
func TestCICommentRangeFromPullRequest(t *testing.T) {
	s := sample(t)
	event := filepath.Join(t.TempDir(), "event.json")
	base := s.Repo.Resolve(s.Fork)
	head := s.Repo.Resolve(s.To)
	os.WriteFile(event, []byte(`{"pull_request": {"number": 5, "base": {"sha": "`+base+`", "ref": "fork"}, "head": {"sha": "`+head+`", "ref": "take-v1.2.0", "repo": {"full_name": "acme/chain"}}}, "repository": {"full_name": "acme/chain"}}`), 0o644)
	env := map[string]string{"GITHUB_EVENT_PATH": event, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "acme/chain"}
	out, errs, code := run(t, env, "ci", "comment", "--repo", s.Dir, "--dry-run")
	if code != 0 || !strings.Contains(errs, "range from the pull request: v1.1.0..v1.2.0") || !strings.Contains(out, "v1.2.0") {
		t.Fatalf("exit %d\nstderr %s\nstdout %.300s", code, errs, out)
	}
}

// TestScanWithoutRange: with no range at all, FROM is the newest release in the fork and TO
// the newest upstream release, and stderr says so.
func TestScanWithoutRange(t *testing.T) {
	s := sample(t)
	out, errs, code := run(t, nil, "scan", "--repo", s.Dir)
	if code != 0 || !strings.Contains(errs, "range v1.1.0..v1.2.0 (FROM is the newest release tag in the fork, TO the newest upstream release tag)") || !strings.Contains(out, "22 commits in v1.1.0..v1.2.0") {
		t.Fatalf("exit %d\nstderr %s\nstdout %.200s", code, errs, out)
	}
}
