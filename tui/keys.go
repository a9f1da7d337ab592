package tui

import (
	"strings"

	"github.com/forkreview/forkreview/review"
	"github.com/gdamore/tcell/v2"
)

// scope is where a key binding applies: a view or an overlay.
type scope int

const (
	scopeList scope = iota
	scopeDiff
	scopeNote
	scopeSearch
	scopePicker
	scopeConfirm
	scopeHelp
	scopeLoading
)

var scopeTitles = map[scope]string{
	scopeList:    "Commit list and details",
	scopeDiff:    "Diff view",
	scopeNote:    "Note editor",
	scopeSearch:  "Search",
	scopePicker:  "Area and tag picker",
	scopeConfirm: "Questions",
	scopeHelp:    "This help",
	scopeLoading: "While scanning",
}

// key is one key press: a special key, or a rune for tcell.KeyRune.
type key struct {
	k tcell.Key
	r rune
}

func rk(r rune) key      { return key{tcell.KeyRune, r} }
func kk(k tcell.Key) key { return key{k: k} }

func (k key) matches(ev *tcell.EventKey) bool {
	if ev.Key() != k.k {
		return false
	}
	if k.k == tcell.KeyRune {
		return ev.Rune() == k.r && ev.Modifiers()&(tcell.ModAlt|tcell.ModCtrl|tcell.ModMeta) == 0
	}
	return true
}

var specialKeyNames = map[tcell.Key]string{
	tcell.KeyUp: "↑", tcell.KeyDown: "↓", tcell.KeyLeft: "←", tcell.KeyRight: "→",
	tcell.KeyEnter: "enter", tcell.KeyEscape: "esc", tcell.KeyTab: "tab", tcell.KeyBacktab: "shift-tab",
	tcell.KeyPgUp: "pgup", tcell.KeyPgDn: "pgdn", tcell.KeyHome: "home", tcell.KeyEnd: "end",
}

func (k key) String() string {
	if k.k == tcell.KeyRune {
		if k.r == ' ' {
			return "space"
		}
		return string(k.r)
	}
	if s, ok := specialKeyNames[k.k]; ok {
		return s
	}
	if k.k >= tcell.KeyCtrlA && k.k <= tcell.KeyCtrlZ {
		return "ctrl-" + string(rune('a'+k.k-tcell.KeyCtrlA))
	}
	return strings.ToLower(tcell.KeyNames[k.k])
}

// binding is one entry of the key table. The same table dispatches the keys, fills the hint
// line and renders the help overlay, so help can never disagree with what the keys do (k9s
// keeps its bindings the same way). A nil run means the focused widget handles the key itself
// (typing in the note editor, buttons of a question); it is listed for help only.
type binding struct {
	scope scope
	keys  []key
	help  string
	hint  string // short label for the hint line; "" keeps it out of the hint line
	run   func(u *ui)
}

func (b binding) label() string {
	names := make([]string, len(b.keys))
	for i, k := range b.keys {
		names[i] = k.String()
	}
	return strings.Join(names, "/")
}

// keyTable is every key of the checklist.
func keyTable() []binding {
	return []binding{
		{scopeList, []key{rk('j'), kk(tcell.KeyDown)}, "move down (scrolls the details when they have the focus)", "", func(u *ui) { u.move(1) }},
		{scopeList, []key{rk('k'), kk(tcell.KeyUp)}, "move up", "", func(u *ui) { u.move(-1) }},
		{scopeList, []key{rk('g'), kk(tcell.KeyHome)}, "go to the first commit", "", func(u *ui) { u.move(-1 << 30) }},
		{scopeList, []key{rk('G'), kk(tcell.KeyEnd)}, "go to the last commit", "", func(u *ui) { u.move(1 << 30) }},
		{scopeList, []key{kk(tcell.KeyPgDn), kk(tcell.KeyCtrlD)}, "page down", "", func(u *ui) { u.page(1) }},
		{scopeList, []key{kk(tcell.KeyPgUp), kk(tcell.KeyCtrlU)}, "page up", "", func(u *ui) { u.page(-1) }},
		{scopeList, []key{rk(' ')}, "mark reviewed (again: back to pending) and move to the next", "reviewed", func(u *ui) { u.mark(review.StatusReviewed, true) }},
		{scopeList, []key{rk('u')}, "mark follow-up (again: back to pending)", "follow-up", func(u *ui) { u.mark(review.StatusFollowUp, false) }},
		{scopeList, []key{rk('x')}, "mark not applicable (again: back to pending)", "n/a", func(u *ui) { u.mark(review.StatusNotApplicable, false) }},
		{scopeList, []key{rk('n')}, "edit the note", "note", func(u *ui) { u.openNote() }},
		{scopeList, []key{kk(tcell.KeyEnter)}, "open the diff (conflicts first)", "diff", func(u *ui) { u.openDiff() }},
		{scopeList, []key{rk('/')}, "search subjects and hashes (/ then enter: next match)", "search", func(u *ui) { u.openSearch() }},
		{scopeList, []key{rk(']')}, "next search match", "", func(u *ui) { u.nextMatch(1) }},
		{scopeList, []key{rk('[')}, "previous search match", "", func(u *ui) { u.nextMatch(-1) }},
		{scopeList, []key{rk('f')}, "cycle the risk filter (all, conflict, high, …, applied)", "risk", func(u *ui) { u.cycleRisk(1) }},
		{scopeList, []key{rk('F')}, "cycle the risk filter backwards", "", func(u *ui) { u.cycleRisk(-1) }},
		{scopeList, []key{rk('S')}, "cycle the status filter (all, pending, follow-up, reviewed, n/a)", "status", func(u *ui) { u.cycleStatus() }},
		{scopeList, []key{rk('a')}, "filter by area", "area", func(u *ui) { u.openPicker(pickArea) }},
		{scopeList, []key{rk('t')}, "filter by tag", "tag", func(u *ui) { u.openPicker(pickTag) }},
		{scopeList, []key{rk('s')}, "sort by range order or by risk", "sort", func(u *ui) { u.cycleSort() }},
		{scopeList, []key{kk(tcell.KeyEscape)}, "clear the search and all filters", "", func(u *ui) { u.clearFilters() }},
		{scopeList, []key{kk(tcell.KeyTab), kk(tcell.KeyBacktab)}, "switch between the list and the details", "", func(u *ui) { u.switchPane() }},
		{scopeList, []key{rk('?')}, "show all keys", "help", func(u *ui) { u.openHelp() }},
		{scopeList, []key{rk('q'), kk(tcell.KeyCtrlC)}, "quit (every change is already saved)", "quit", func(u *ui) { u.quit() }},

		{scopeDiff, []key{rk('j'), kk(tcell.KeyDown)}, "scroll down", "", func(u *ui) { u.scrollDiff(1, 0) }},
		{scopeDiff, []key{rk('k'), kk(tcell.KeyUp)}, "scroll up", "", func(u *ui) { u.scrollDiff(-1, 0) }},
		{scopeDiff, []key{rk('l'), kk(tcell.KeyRight)}, "scroll right", "", func(u *ui) { u.scrollDiff(0, 8) }},
		{scopeDiff, []key{rk('h'), kk(tcell.KeyLeft)}, "scroll left", "", func(u *ui) { u.scrollDiff(0, -8) }},
		{scopeDiff, []key{kk(tcell.KeyPgDn), kk(tcell.KeyCtrlD)}, "page down", "", func(u *ui) { u.pageDiff(1) }},
		{scopeDiff, []key{kk(tcell.KeyPgUp), kk(tcell.KeyCtrlU)}, "page up", "", func(u *ui) { u.pageDiff(-1) }},
		{scopeDiff, []key{rk('g'), kk(tcell.KeyHome)}, "go to the top", "", func(u *ui) { u.diffView.ScrollToBeginning() }},
		{scopeDiff, []key{rk('G'), kk(tcell.KeyEnd)}, "go to the bottom", "", func(u *ui) { u.diffView.ScrollToEnd() }},
		{scopeDiff, []key{rk(']')}, "next conflict or hunk that meets fork changes", "next hunk", func(u *ui) { u.jumpTarget(1) }},
		{scopeDiff, []key{rk('[')}, "previous conflict or marked hunk", "", func(u *ui) { u.jumpTarget(-1) }},
		{scopeDiff, []key{rk('J')}, "next commit", "next", func(u *ui) { u.diffStep(1) }},
		{scopeDiff, []key{rk('K')}, "previous commit", "prev", func(u *ui) { u.diffStep(-1) }},
		{scopeDiff, []key{rk(' ')}, "mark reviewed (again: back to pending) and show the next commit", "reviewed", func(u *ui) { u.markInDiff(review.StatusReviewed, true) }},
		{scopeDiff, []key{rk('u')}, "mark follow-up (again: back to pending)", "follow-up", func(u *ui) { u.markInDiff(review.StatusFollowUp, false) }},
		{scopeDiff, []key{rk('x')}, "mark not applicable (again: back to pending)", "n/a", func(u *ui) { u.markInDiff(review.StatusNotApplicable, false) }},
		{scopeDiff, []key{rk('n')}, "edit the note", "note", func(u *ui) { u.openNote() }},
		{scopeDiff, []key{rk('?')}, "show all keys", "help", func(u *ui) { u.openHelp() }},
		{scopeDiff, []key{kk(tcell.KeyEscape), rk('q'), kk(tcell.KeyEnter)}, "back to the list", "back", func(u *ui) { u.closeDiff() }},
		{scopeDiff, []key{kk(tcell.KeyCtrlC)}, "quit", "", func(u *ui) { u.quit() }},

		{scopeNote, []key{kk(tcell.KeyCtrlS)}, "save the note", "save", func(u *ui) { u.saveNote() }},
		{scopeNote, []key{kk(tcell.KeyEscape), kk(tcell.KeyCtrlC)}, "close; asks first when the text changed, so a note is never lost", "cancel", func(u *ui) { u.cancelNote() }},
		{scopeNote, []key{kk(tcell.KeyTab), kk(tcell.KeyBacktab)}, "move between the text and the buttons", "", func(u *ui) { u.noteFocusNext() }},

		{scopeSearch, []key{kk(tcell.KeyEnter)}, "go to the next match and close the search", "next match", func(u *ui) { u.acceptSearch() }},
		{scopeSearch, []key{kk(tcell.KeyDown), kk(tcell.KeyCtrlN)}, "next match", "", func(u *ui) { u.searchStep(1) }},
		{scopeSearch, []key{kk(tcell.KeyUp), kk(tcell.KeyCtrlP)}, "previous match", "", func(u *ui) { u.searchStep(-1) }},
		{scopeSearch, []key{kk(tcell.KeyEscape), kk(tcell.KeyCtrlC)}, "cancel and go back to where you were", "cancel", func(u *ui) { u.cancelSearch() }},

		{scopePicker, []key{rk('j'), kk(tcell.KeyDown)}, "move down", "", func(u *ui) { u.pickerMove(1) }},
		{scopePicker, []key{rk('k'), kk(tcell.KeyUp)}, "move up", "", func(u *ui) { u.pickerMove(-1) }},
		{scopePicker, []key{kk(tcell.KeyEnter)}, "filter by the chosen value", "choose", func(u *ui) { u.pickerChoose() }},
		{scopePicker, []key{kk(tcell.KeyEscape), rk('q'), kk(tcell.KeyCtrlC)}, "close without changing the filter", "cancel", func(u *ui) { u.closeOverlay(pagePicker) }},

		{scopeConfirm, []key{kk(tcell.KeyLeft), kk(tcell.KeyRight), kk(tcell.KeyTab)}, "choose a button", "", nil},
		{scopeConfirm, []key{kk(tcell.KeyEnter)}, "press the chosen button", "", nil},
		{scopeConfirm, []key{kk(tcell.KeyEscape), kk(tcell.KeyCtrlC)}, "the safe answer: keep editing, stay", "", func(u *ui) { u.cancelConfirm() }},

		{scopeHelp, []key{rk('j'), kk(tcell.KeyDown)}, "scroll down", "", func(u *ui) { scrollBy(u.help, 1) }},
		{scopeHelp, []key{rk('k'), kk(tcell.KeyUp)}, "scroll up", "", func(u *ui) { scrollBy(u.help, -1) }},
		{scopeHelp, []key{kk(tcell.KeyEscape), rk('?'), rk('q'), kk(tcell.KeyCtrlC)}, "close the help", "close", func(u *ui) { u.closeOverlay(pageHelp) }},

		{scopeLoading, []key{rk('q'), kk(tcell.KeyCtrlC)}, "stop and quit", "quit", func(u *ui) { u.app.Stop() }},
	}
}

// lookup finds the binding of ev in scope s.
func lookup(table []binding, s scope, ev *tcell.EventKey) *binding {
	for i := range table {
		b := &table[i]
		if b.scope != s {
			continue
		}
		for _, k := range b.keys {
			if k.matches(ev) {
				return b
			}
		}
	}
	return nil
}

// hints renders the hint line of scope s from the key table, as much as fits in w cells; the
// key that opens the help is always shown, last.
func (p palette) hints(table []binding, s scope, w int) string {
	var parts []string
	var help string
	used := 0
	for _, b := range table {
		if b.scope != s || b.hint == "" {
			continue
		}
		part := p.paint(lookKey, escapeTags(b.label())) + " " + b.hint
		if b.hint == "help" {
			help = part
			used += width(b.label()) + 1 + len(b.hint) + 2
		}
	}
	for _, b := range table {
		if b.scope != s || b.hint == "" || b.hint == "help" {
			continue
		}
		n := width(b.label()) + 1 + width(b.hint) + 2
		if w > 0 && used+n > w {
			break
		}
		used += n
		parts = append(parts, p.paint(lookKey, escapeTags(b.label()))+" "+b.hint)
	}
	if help != "" {
		parts = append(parts, help)
	}
	return strings.Join(parts, "  ")
}

// helpText renders the help overlay from the key table, one section per scope, the section of
// the view it was opened from first.
func (p palette) helpText(table []binding, first scope) string {
	var b strings.Builder
	order := []scope{first}
	for s := scopeList; s <= scopeLoading; s++ {
		if s != first {
			order = append(order, s)
		}
	}
	for _, s := range order {
		w := 0
		for _, k := range table {
			if k.scope == s {
				w = max(w, width(k.label()))
			}
		}
		if w == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.paint(lookHeading, scopeTitles[s]) + "\n")
		for _, k := range table {
			if k.scope == s {
				b.WriteString("  " + p.paint(lookKey, escapeTags(fit(k.label(), w))) + "  " + k.help + "\n")
			}
		}
	}
	b.WriteString("\n" + p.paint(lookDim, "Mouse: click selects a commit or a pane, the wheel scrolls.") + "\n")
	return b.String()
}
