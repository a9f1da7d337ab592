package tui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forkreview/forkreview/review"
	"github.com/gdamore/tcell/v2"
)

var fixedNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// syncScreen is a simulation screen that tells when the app has initialised it, and whose
// cells the test reads under the screen's own lock: the simulation hands out the slice it
// draws into.
type syncScreen struct {
	tcell.SimulationScreen
	ready chan struct{}
	once  sync.Once
}

func newScreen() *syncScreen {
	return &syncScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), ready: make(chan struct{})}
}

func (s *syncScreen) Init() error {
	err := s.SimulationScreen.Init()
	s.once.Do(func() { close(s.ready) })
	return err
}

// cells is a copy of the screen's cells.
func (s *syncScreen) cells() ([]tcell.SimCell, int, int) {
	cells, w, h := s.GetContents()
	l := s.SimulationScreen.(sync.Locker)
	l.Lock()
	defer l.Unlock()
	out := make([]tcell.SimCell, len(cells))
	for i, c := range cells {
		out[i] = tcell.SimCell{Style: c.Style, Runes: append([]rune(nil), c.Runes...)}
	}
	return out, w, h
}

// session is a checklist running headless on a simulation screen.
type session struct {
	t      *testing.T
	screen *syncScreen
	done   chan error
	path   string
	rep    *review.Report
	diffs  *fakeDiffs
	exited bool
	err    error
}

type sessionOpt func(*Options)

func withNoColor(o *Options) { o.NoColor = true }

// start runs the checklist on rep at w×h and waits until the list is shown.
func start(t *testing.T, rep *review.Report, w, h int, opts ...sessionOpt) *session {
	t.Helper()
	s := &session{t: t, screen: newScreen(), done: make(chan error, 1),
		path: filepath.Join(t.TempDir(), "review.json"), rep: rep, diffs: &fakeDiffs{rep: rep}}
	st, err := review.LoadState(s.path)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{
		Title:     "v1.13.11..v1.13.12 on fork",
		Load:      func(progress func(int, int)) (*review.Report, error) { progress(1, 2); return rep, nil },
		State:     st,
		StatePath: s.path,
		Reviewer:  "Rev Iewer <rev@example.org>",
		Now:       func() time.Time { return fixedNow },
		Diffs:     s.diffs,
		Screen:    s.screen,
	}
	for _, f := range opts {
		f(&o)
	}
	s.run(o, w, h)
	s.waitFor("Commits ")
	return s
}

func (s *session) run(o Options, w, h int) *session {
	s.t.Helper()
	go func() { s.done <- Run(o) }()
	select {
	case <-s.screen.ready:
	case <-time.After(patience):
		s.t.Fatalf("the checklist never initialised the screen")
	}
	s.resize(w, h)
	s.t.Cleanup(func() {
		if !s.exited {
			s.key(tcell.KeyCtrlC)
			s.screen.InjectKey(tcell.KeyEscape, 0, 0)
			select {
			case <-s.done:
			case <-time.After(5 * time.Second):
			}
		}
	})
	return s
}

func (s *session) resize(w, h int) {
	s.screen.SetSize(w, h)
	s.screen.PostEvent(tcell.NewEventResize(w, h))
}

// text is the screen as lines of text.
func (s *session) text() string {
	cells, w, h := s.screen.cells()
	var b strings.Builder
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteString(string(c.Runes))
			}
		}
		b.WriteByte('\n')
	}
	// The zero-width space that defuses URL tags (see escapeTags) is not visible.
	return strings.ReplaceAll(b.String(), "\u200b", "")
}

const patience = 10 * time.Second

// waitFor waits until the screen shows all of want (the app draws on its own goroutine).
func (s *session) waitFor(want ...string) {
	s.t.Helper()
	s.waitUntil(strings.Join(want, ", "), func(screen string) bool {
		for _, w := range want {
			if !strings.Contains(screen, w) {
				return false
			}
		}
		return true
	})
}

func (s *session) waitGone(gone string) {
	s.t.Helper()
	s.waitUntil("no "+gone, func(screen string) bool { return !strings.Contains(screen, gone) })
}

func (s *session) waitUntil(what string, ok func(screen string) bool) {
	s.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		screen := s.text()
		if ok(screen) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %s; it shows:\n%s", what, screen)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// typ sends runes, one key each.
func (s *session) typ(text string) {
	for _, r := range text {
		s.screen.InjectKey(tcell.KeyRune, r, tcell.ModNone)
	}
}

func (s *session) key(k tcell.Key) {
	mod := tcell.ModNone
	if k >= tcell.KeyCtrlA && k <= tcell.KeyCtrlZ && k != tcell.KeyTab && k != tcell.KeyEnter && k != tcell.KeyBackspace {
		mod = tcell.ModCtrl
	}
	s.screen.InjectKey(k, 0, mod)
}

// stateEntry waits until the saved state satisfies ok and returns it.
func (s *session) state(what string, ok func(*review.State) bool) *review.State {
	s.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		st, err := review.LoadState(s.path)
		if err == nil && ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(s.path)
			s.t.Fatalf("state file never had %s (err %v); it holds:\n%s", what, err, b)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// quit presses q and returns Run's result.
func (s *session) quit() error {
	s.t.Helper()
	s.typ("q")
	return s.wait()
}

func (s *session) wait() error {
	s.t.Helper()
	if s.exited {
		return s.err
	}
	select {
	case err := <-s.done:
		s.exited = true
		s.err = err
		return err
	case <-time.After(patience):
		s.t.Fatalf("the checklist did not quit; screen:\n%s", s.text())
	}
	return nil
}

// subject is commit i's full subject, as the details (not the list) show it.
func (s *session) subject(i int) string { return s.rep.Commits[i].Subject }

func hash(rep *review.Report, i int) string { return rep.Commits[i].Hash }

func TestMarkKeysChangeScreenAndStateFile(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 80, 24)
	s.waitFor("0/30 reviewed", "change number 0 in the upstream code base (#28500)")

	s.typ(" ")
	s.waitFor("1/30 reviewed", s.subject(1)) // marked and moved on
	st := s.state("commit 0 reviewed", func(st *review.State) bool {
		return st.Get(hash(rep, 0)).Status == review.StatusReviewed
	})
	e := st.Reviews[hash(rep, 0)]
	if e.Reviewer != "Rev Iewer <rev@example.org>" || e.UpdatedAt != "2026-11-21T12:00:00Z" || !strings.Contains(e.Subject, "change number 0") {
		t.Errorf("entry = %+v", e)
	}
	s.waitFor("[✓] none")

	s.typ("u")
	s.state("commit 1 follow-up", func(st *review.State) bool {
		return st.Get(hash(rep, 1)).Status == review.StatusFollowUp
	})
	s.waitFor("[!] low", s.subject(1)) // u does not move on
	s.typ("j")
	s.typ("x")
	s.state("commit 2 not applicable", func(st *review.State) bool {
		return st.Get(hash(rep, 2)).Status == review.StatusNotApplicable
	})
	s.waitFor("[-] MEDIUM", "3/30 reviewed")

	// Again on the same commit: back to pending, and the entry leaves the file.
	s.typ("x")
	s.state("commit 2 pending again", func(st *review.State) bool {
		_, ok := st.Reviews[hash(rep, 2)]
		return !ok
	})
	s.typ("gk ") // top, still top, toggle commit 0 back to pending
	s.state("commit 0 pending again", func(st *review.State) bool {
		_, ok := st.Reviews[hash(rep, 0)]
		return !ok && len(st.Reviews) == 1
	})
	s.waitFor("1/30 reviewed")
	if err := s.quit(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestDecisionsCarryOverBetweenRanges(t *testing.T) {
	rep := sampleReport(30)
	dir := t.TempDir()
	path := filepath.Join(dir, "review.json")
	st := review.NewState()
	// Decided in an earlier range: the same upstream commit, keyed by hash.
	st.Set(hash(rep, 3), "x", review.StatusFollowUp, "ask the [team]", "Someone <s@example.org>", fixedNow)
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := review.LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, screen: newScreen(), done: make(chan error, 1), path: path, rep: rep}
	s.run(Options{Title: "v1.13.12..v1.13.13", State: loaded, StatePath: path, Screen: s.screen,
		Load: func(func(int, int)) (*review.Report, error) { return rep, nil }}, 80, 24)
	s.waitFor("1/30 reviewed", "[!] HIGH")
	s.typ("jjj")
	s.waitFor("ask the [team]", "by Someone <s@example.org>")
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestNoteEditorSavesAndNeverLosesText(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 80, 24)
	s.waitFor(s.subject(0))
	s.typ("n")
	s.waitFor("Note · ", "Save  ctrl-s")
	s.typ("check [red]this[-]")
	s.key(tcell.KeyEnter)
	s.typ("with the team")
	s.key(tcell.KeyCtrlS)
	s.state("the note", func(st *review.State) bool {
		e := st.Get(hash(rep, 0))
		return e.Note == "check [red]this[-]\nwith the team" && e.Status == review.StatusPending
	})
	s.waitGone("Save  ctrl-s")
	s.waitFor(" check [red]this[-]", " with the team", "note saved")

	// Esc after typing asks; esc again keeps editing with the text intact.
	s.typ("n")
	s.waitFor("Save  ctrl-s")
	s.typ(" and more")
	s.key(tcell.KeyEscape)
	s.waitFor("Save the changes to this note?")
	s.key(tcell.KeyEscape)
	s.waitGone("Save the changes to this note?")
	s.waitFor("with the team and more")
	// Discard is an explicit choice.
	s.key(tcell.KeyEscape)
	s.waitFor("Save the changes to this note?")
	s.key(tcell.KeyRight) // from Save to Discard
	s.key(tcell.KeyEnter)
	s.waitGone("Save  ctrl-s")
	s.waitGone("and more")
	st := s.state("the old note", func(st *review.State) bool { return true })
	if got := st.Get(hash(rep, 0)).Note; got != "check [red]this[-]\nwith the team" {
		t.Errorf("note after discard = %q", got)
	}

	// Esc without changes just closes.
	s.typ("n")
	s.waitFor("Save  ctrl-s")
	s.key(tcell.KeyEscape)
	s.waitGone("Save  ctrl-s")

	// Marking keeps the note.
	s.typ(" ")
	st = s.state("reviewed with note", func(st *review.State) bool {
		return st.Get(hash(rep, 0)).Status == review.StatusReviewed
	})
	if got := st.Get(hash(rep, 0)).Note; got != "check [red]this[-]\nwith the team" {
		t.Errorf("note after marking = %q", got)
	}
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestFiltersSortAndSearch(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 100, 30)
	s.waitFor("Commits 30/30 · sort: range order")

	s.typ("f")
	s.waitFor("Commits 4/30", "risk=conflict")
	if screen := s.text(); strings.Contains(screen, "HIGH ") || strings.Contains(screen, "MEDIUM ") {
		t.Errorf("conflict filter shows other risks:\n%s", screen)
	}
	s.typ("f")
	s.waitFor("Commits 4/30", "risk=high")
	s.typ("F")
	s.waitFor("risk=conflict")
	s.key(tcell.KeyEscape)
	s.waitFor("Commits 30/30 · sort: range order ")

	// Status filter: mark two, then show only reviewed ones.
	s.typ("  ")
	s.waitFor("2/30 reviewed")
	s.typ("SS")
	s.waitFor("status=follow-up", "Commits 0/30", "No commit matches the filters")
	s.typ("S")
	s.waitFor("status=reviewed", "Commits 2/30")
	s.key(tcell.KeyEscape)

	// Sort by risk: conflicts first.
	s.typ("s")
	s.waitFor("sort: risk")
	s.waitUntil("a conflict on the first row", func(screen string) bool {
		lines := strings.Split(screen, "\n")
		return len(lines) > 3 && strings.Contains(lines[3], "CONFLICT")
	})
	s.typ("s")
	s.waitFor("sort: range order")

	// Search: incremental, enter closes, ] and [ step through the matches.
	s.typ("g/number 1")
	s.waitFor("/number 1 1/11", s.subject(1))
	s.key(tcell.KeyEnter)
	s.typ("]")
	s.waitFor("/number 1 2/11", s.subject(10))
	s.typ("[[")
	s.waitFor("/number 1 11/11", s.subject(19))
	// "/" then enter repeats the search.
	s.typ("/")
	s.key(tcell.KeyEnter)
	s.waitFor("/number 1 1/11", s.subject(1))
	// Esc in the search returns to where it started.
	s.typ("/zz-nothing")
	s.waitFor("/zz-nothing 0/0")
	s.key(tcell.KeyEscape)
	s.waitFor(s.subject(1))

	// Area and tag pickers.
	s.typ("a")
	s.waitFor("Filter by area", "(all)", "core/state  3")
	s.typ("j")
	s.key(tcell.KeyEnter)
	s.waitFor("area=", "Commits 3/30")
	s.typ("t")
	s.waitFor("Filter by tag", "security")
	s.key(tcell.KeyEscape)
	s.waitGone("Filter by tag")
	s.key(tcell.KeyEscape)
	s.typ("t")
	s.waitFor("Filter by tag")
	s.typ("jj") // the second most frequent tag
	s.key(tcell.KeyEnter)
	s.waitFor("tag=security", "Commits 5/30")
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestUntrustedTextIsShownLiterally(t *testing.T) {
	rep := sampleReport(30)
	rep.Commits[0].Body = "evil [yellow]body[-] \x1b[2J cleared?\n[\"region\"]x[\"\"] [:::https://evil.example]link[:::-]"
	rep.Commits[0].Reasons = []string{"core/state: [red]reason[-]"}
	s := start(t, rep, 200, 60)
	s.waitFor("evil [yellow]body[-] ␛[2J cleared?", `["region"]x[""] [:::https://evil.example]link[:::-]`, "core/state: [red]reason[-]")
	s.typ("jjjjj")
	s.waitFor(`build: bump deps [red]not red[-] [::b]plain["r1"] (#28505)`)
	s.typ("jj")
	s.waitFor("␛[31mred␛[0m and ␛]0;title␇ sneaky")
	// No cell may carry the colour a tag in the text asked for.
	cells, _, _ := s.screen.cells()
	for _, c := range cells {
		if fg, _, _ := c.Style.Decompose(); fg == tcell.ColorYellow && string(c.Runes) == "b" {
			t.Fatalf("text from the commit was read as a colour tag")
		}
	}
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestDiffViewShowsMarkedHunksAndConflictSides(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 100, 40)
	s.typ("jjjj") // commit 4 is a conflict
	s.waitFor(s.subject(4))
	s.key(tcell.KeyEnter)
	s.waitFor("Conflicts (1) when merged into the fork", "── base (line 11)", "│ fork line", "── upstream (line 11)",
		"▌@@ -10,3 +10,4 @@ func x() ◆ meets fork changes", "▌+new line", " +ordinary [red]change[-]")
	if n := s.diffs.calls.Load(); n != 1 {
		t.Errorf("diff loaded %d times", n)
	}
	// Mark from the diff view: the next commit's diff follows.
	s.typ(" ")
	s.waitFor(s.subject(5), "no hunk of this commit meets a fork change")
	s.state("commit 4 reviewed", func(st *review.State) bool { return st.Get(hash(rep, 4)).Status == review.StatusReviewed })
	s.typ("K")
	s.waitFor("CONFLICT [✓]", s.subject(4))
	s.typ("q")
	s.waitFor("Commits 30/30")
	s.waitFor("? help")
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestDiffViewWithoutDiffShowsReportHunks(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 100, 40, func(o *Options) { o.Diffs = &fakeDiffs{rep: rep, err: errors.New("object not found")} })
	s.typ("jjj")
	s.waitFor(s.subject(3))
	s.key(tcell.KeyEnter)
	s.waitFor("the diff could not be loaded: object not found", "Hunks that meet fork changes", "▌@@ -40,2 +40,3 @@", "▌+added")
	s.typ("q") // closes the diff
	s.waitFor("Commits 30/30")
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestHelpIsGeneratedFromTheKeyTable(t *testing.T) {
	s := start(t, sampleReport(30), 120, 80)
	s.typ("?")
	s.waitFor("Keys (esc closes)", "Commit list and details", "Diff view", "Note editor")
	screen := s.text()
	for _, b := range keyTable() {
		if b.scope == scopeList && !strings.Contains(screen, b.help) {
			t.Errorf("help does not show %q", b.help)
		}
	}
	s.key(tcell.KeyEscape)
	s.waitGone("Keys (esc closes)")
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestKeyTableHasNoClashes(t *testing.T) {
	seen := map[scope]map[key]string{}
	for _, b := range keyTable() {
		if seen[b.scope] == nil {
			seen[b.scope] = map[key]string{}
		}
		for _, k := range b.keys {
			if other, ok := seen[b.scope][k]; ok {
				t.Errorf("%s: key %s bound to %q and %q", scopeTitles[b.scope], k, other, b.help)
			}
			seen[b.scope][k] = b.help
		}
	}
	// The keys of cli.md are there.
	for _, want := range []string{"j", "k", "space", "u", "x", "n", "/", "f", "tab", "enter", "?", "q"} {
		found := false
		for k := range seen[scopeList] {
			if k.String() == want {
				found = true
			}
		}
		if !found {
			t.Errorf("key %s of cli.md is not bound in the list", want)
		}
	}
}

func TestScrollsThousandsOfCommits(t *testing.T) {
	rep := sampleReport(2000)
	s := start(t, rep, 80, 24)
	s.waitFor("Commits 2000/2000")
	s.typ("G")
	s.waitFor(s.subject(1999))
	s.key(tcell.KeyPgUp)
	s.waitGone(s.subject(1999))
	s.typ("g")
	s.waitFor(s.subject(0))
	for i := 0; i < 50; i++ {
		s.key(tcell.KeyPgDn)
	}
	s.waitFor("0/2000 reviewed", s.subject(350)) // 50 pages of 7 rows (8 shown, one kept)
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestResizeAndNoColor(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 200, 50, withNoColor)
	s.waitFor("Commits 30/30", "Details", "pending 30")
	s.resize(80, 24)
	s.waitFor("Commits 30/30", "? help")
	s.waitGone("pending 30") // the narrow header
	s.resize(40, 12)
	s.waitFor("forkreview")
	s.resize(100, 30)
	s.waitFor("Commits 30/30", "Details")
	for _, k := range []string{"?", "\x1b", "jjjj\r", "\x1bn"} {
		for _, r := range k {
			s.screen.InjectKey(tcell.KeyRune, r, tcell.ModNone)
		}
		s.waitFor("forkreview")
		cells, _, _ := s.screen.cells()
		for i, c := range cells {
			fg, bg, _ := c.Style.Decompose()
			if (fg != tcell.ColorDefault && fg != tcell.ColorReset) || (bg != tcell.ColorDefault && bg != tcell.ColorReset) {
				t.Fatalf("after %q: cell %d %q has colour %v on %v with NoColor", k, i, string(c.Runes), fg, bg)
			}
		}
	}
	s.key(tcell.KeyEscape)
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestSaveFailureIsShownAndKeepsThePreviousFile(t *testing.T) {
	rep := sampleReport(30)
	dir := t.TempDir()
	// A name so long that the temporary file beside it cannot be created: the save fails
	// before the rename, as an interrupted one would.
	path := filepath.Join(dir, strings.Repeat("s", 240)+".json")
	prev := review.NewState()
	prev.Set(hash(rep, 9), "x", review.StatusReviewed, "", "r", fixedNow)
	b, err := prev.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	st, _ := review.LoadState(path)

	s := &session{t: t, screen: newScreen(), done: make(chan error, 1), path: path, rep: rep}
	s.run(Options{State: st, StatePath: path, Screen: s.screen, Now: func() time.Time { return fixedNow },
		Load: func(func(int, int)) (*review.Report, error) { return rep, nil }}, 120, 30)
	s.waitFor("Commits ") // keys typed while the scan still loads go to the loading screen
	s.typ(" ")
	s.waitFor("NOT SAVED", "review state NOT saved (")
	s.typ("n")
	s.typ("important finding")
	s.key(tcell.KeyCtrlS)
	s.waitFor(" NOT SAVED: ", "important finding") // the editor stays open with the text
	s.key(tcell.KeyEscape)
	s.waitFor("Save the changes to this note?")
	s.key(tcell.KeyRight)
	s.key(tcell.KeyEnter) // discard
	s.waitGone("Save  ctrl-s")
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Errorf("the previous state file changed:\n%s", after)
	}
	// Quitting asks first; "Quit" returns the save error.
	s.typ("q")
	s.waitFor("Quit anyway and lose the unsaved", "Retry save")
	s.key(tcell.KeyRight)
	s.key(tcell.KeyEnter)
	err = s.wait()
	if err == nil || !strings.Contains(err.Error(), "NOT saved") {
		t.Fatalf("Run = %v, want the save error", err)
	}
}

func TestUnchangedStateIsNotRewrittenAndDamagedFileIsRefused(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 80, 24)
	s.typ("jjj?")
	s.waitFor("Keys (esc closes)")
	s.key(tcell.KeyEscape)
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a state file was written without any decision: %v", err)
	}

	// A damaged file is refused by LoadState, before the checklist starts, and stays as it was.
	damaged := filepath.Join(t.TempDir(), "review.json")
	if err := os.WriteFile(damaged, []byte(`{"version": 1, "reviews": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := review.LoadState(damaged); !errors.Is(err, review.ErrStateDamaged) {
		t.Fatalf("LoadState(damaged) = %v", err)
	}
	if b, _ := os.ReadFile(damaged); string(b) != `{"version": 1, "reviews": {` {
		t.Errorf("damaged file changed: %q", b)
	}
}

func TestLoadErrorAndQuitWhileLoading(t *testing.T) {
	s := &session{t: t, screen: newScreen(), done: make(chan error, 1)}
	s.run(Options{Screen: s.screen, Load: func(func(int, int)) (*review.Report, error) {
		return nil, errors.New("resolve v9.9.9: reference not found")
	}}, 80, 24)
	if err := s.wait(); err == nil || !strings.Contains(err.Error(), "reference not found") {
		t.Fatalf("Run = %v, want the scan's error", err)
	}

	release := make(chan struct{})
	defer close(release)
	s2 := &session{t: t, screen: newScreen(), done: make(chan error, 1)}
	s2.run(Options{Screen: s2.screen, Load: func(progress func(int, int)) (*review.Report, error) {
		progress(3, 120)
		<-release
		return sampleReport(1), nil
	}}, 80, 24)
	s2.waitFor("Scanning the upstream commits", "3/120")
	if err := s2.quit(); err != nil {
		t.Fatal(err)
	}
}

func TestMouseClickSelects(t *testing.T) {
	rep := sampleReport(30)
	s := start(t, rep, 80, 24)
	s.waitFor(s.subject(0))
	s.screen.InjectMouse(20, 6, tcell.Button1, tcell.ModNone) // the fourth row of the list
	s.screen.InjectMouse(20, 6, tcell.ButtonNone, tcell.ModNone)
	s.waitFor(s.subject(3))
	if err := s.quit(); err != nil {
		t.Fatal(err)
	}
}
