package tui

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/forkreview/forkreview/review"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

const (
	pageLoading = "loading"
	pageMain    = "main"
	pageDiff    = "diff"
	pageHelp    = "help"
	pageNote    = "note"
	pagePicker  = "picker"
	pageConfirm = "confirm"
)

var pageScopes = map[string]scope{
	pageLoading: scopeLoading,
	pageMain:    scopeList,
	pageDiff:    scopeDiff,
	pageHelp:    scopeHelp,
	pageNote:    scopeNote,
	pagePicker:  scopePicker,
	pageConfirm: scopeConfirm,
}

// wideLayout is the width from which list and details stand side by side.
const wideLayout = 120

type pickKind int

const (
	pickArea pickKind = iota
	pickTag
)

type diffResult struct {
	text string
	err  error
}

// ui is the checklist's views and the glue between keys, Model and widgets. Everything here
// runs on tview's event goroutine; other goroutines (the scan, diff loading) reach it only
// through QueueUpdateDraw.
type ui struct {
	opts Options
	app  *tview.Application
	pal  palette
	keys []binding
	m    *Model // nil while the scan runs

	pages    *tview.Pages
	loading  *tview.TextView
	header   *tview.TextView
	list     *tview.Table
	detail   *tview.TextView
	body     *tview.Flex
	footer   *tview.Flex
	status   *tview.TextView
	search   *tview.InputField
	mainView *tview.Flex

	diffView    *tview.TextView
	diffStatus  *tview.TextView
	diffHash    string
	diffTargets []int
	diffs       map[string]diffResult
	diffLoading map[string]bool

	noteBox    *tview.Flex
	noteArea   *tview.TextArea
	noteMsg    *tview.TextView
	noteSave   *tview.Button
	noteCancel *tview.Button
	noteHash   string
	noteOrig   string
	noteReturn tview.Primitive

	help       *tview.TextView
	helpReturn tview.Primitive

	picker       *tview.List
	pickerValues []*string
	pickerKind   pickKind

	confirmCancel func()
	confirmReturn tview.Primitive

	detailHash       string
	width, height    int
	diffHead         *tview.TextView
	areaMax, tagsMax int
	query            string
	searchFrom       int
	message          string
	messageLook      look
	saveErr          error
	runErr           error
	progressPending  atomic.Bool
	progressDone     atomic.Int64
	progressTotal    atomic.Int64
	searchPrev       string
}

func newUI(opts Options) *ui {
	u := &ui{
		opts:        opts,
		app:         tview.NewApplication(),
		pal:         palette{noColor: opts.NoColor},
		keys:        keyTable(),
		diffs:       map[string]diffResult{},
		diffLoading: map[string]bool{},
	}
	setTheme(opts.NoColor)
	u.build()
	return u
}

// setTheme sets tview's theme: the terminal's own background and foreground everywhere, colour
// only where it means something.
func setTheme(noColor bool) {
	t := tview.Theme{
		PrimitiveBackgroundColor:    tcell.ColorDefault,
		ContrastBackgroundColor:     tcell.ColorDarkBlue,
		MoreContrastBackgroundColor: tcell.ColorDarkGreen,
		BorderColor:                 tcell.ColorGray,
		TitleColor:                  tcell.ColorDefault,
		GraphicsColor:               tcell.ColorGray,
		PrimaryTextColor:            tcell.ColorDefault,
		SecondaryTextColor:          tcell.ColorYellow,
		TertiaryTextColor:           tcell.ColorGreen,
		InverseTextColor:            tcell.ColorWhite,
		ContrastSecondaryTextColor:  tcell.ColorAqua,
	}
	if noColor {
		t = tview.Theme{
			PrimitiveBackgroundColor: tcell.ColorDefault, ContrastBackgroundColor: tcell.ColorDefault,
			MoreContrastBackgroundColor: tcell.ColorDefault, BorderColor: tcell.ColorDefault,
			TitleColor: tcell.ColorDefault, GraphicsColor: tcell.ColorDefault,
			PrimaryTextColor: tcell.ColorDefault, SecondaryTextColor: tcell.ColorDefault,
			TertiaryTextColor: tcell.ColorDefault, InverseTextColor: tcell.ColorDefault,
			ContrastSecondaryTextColor: tcell.ColorDefault,
		}
	}
	tview.Styles = t
	tview.Borders.Horizontal, tview.Borders.Vertical = '─', '│'
}

func (u *ui) build() {
	u.loading = tview.NewTextView().SetDynamicColors(true).SetTextAlign(tview.AlignCenter)
	u.loading.SetBorder(true).SetTitle(" forkreview ")

	u.header = tview.NewTextView().SetDynamicColors(true).SetWrap(false)

	u.list = tview.NewTable().SetSelectable(true, false).SetContent(&listContent{u: u})
	u.list.SetBorder(true)
	u.list.SetSelectedStyle(u.selectedStyle())
	u.list.SetSelectionChangedFunc(func(row, _ int) {
		if u.m != nil && row != u.m.Index() {
			u.m.Select(row)
			u.refresh()
		}
	})

	u.detail = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	u.detail.SetBorder(true).SetTitle(" Details ")

	u.body = tview.NewFlex().AddItem(u.list, 0, 1, true).AddItem(u.detail, 0, 1, false)

	u.status = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	u.search = tview.NewInputField().SetLabel("/")
	u.search.SetFieldStyle(u.fieldStyle())
	u.search.SetChangedFunc(func(text string) { u.searchTyped(text) })
	u.footer = tview.NewFlex().AddItem(u.status, 0, 1, false)

	u.mainView = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(u.header, 2, 0, false).
		AddItem(u.body, 0, 1, true).
		AddItem(u.footer, 1, 0, false)

	u.diffHead = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	u.diffView = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	u.diffView.SetBorder(true)
	u.diffStatus = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	diffPage := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(u.diffHead, 2, 0, false).
		AddItem(u.diffView, 0, 1, true).
		AddItem(u.diffStatus, 1, 0, false)

	u.help = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	u.help.SetBorder(true).SetTitle(" Keys (esc closes) ")

	u.noteArea = tview.NewTextArea().SetPlaceholder("What did you find? What must be done at merge time?")
	u.noteMsg = tview.NewTextView().SetDynamicColors(true)
	u.noteSave = tview.NewButton("Save  ctrl-s").SetSelectedFunc(func() { u.saveNote() })
	u.noteCancel = tview.NewButton("Cancel  esc").SetSelectedFunc(func() { u.cancelNote() })
	for _, b := range []*tview.Button{u.noteSave, u.noteCancel} {
		if u.pal.noColor {
			b.SetStyle(tcell.StyleDefault.Underline(true)).SetActivatedStyle(tcell.StyleDefault.Reverse(true))
		}
	}
	buttons := tview.NewFlex().
		AddItem(u.noteMsg, 0, 1, false).
		AddItem(u.noteSave, 14, 0, false).
		AddItem(nil, 2, 0, false).
		AddItem(u.noteCancel, 13, 0, false)
	u.noteBox = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(u.noteArea, 0, 1, true).
		AddItem(buttons, 1, 0, false)
	u.noteBox.SetBorder(true)

	u.picker = tview.NewList().ShowSecondaryText(false).SetHighlightFullLine(true)
	u.picker.SetBorder(true)
	u.picker.SetSelectedStyle(u.selectedStyle())
	u.picker.SetSelectedFunc(func(int, string, string, rune) { u.pickerChoose() })

	u.pages = tview.NewPages().
		AddPage(pageMain, u.mainView, true, false).
		AddPage(pageDiff, diffPage, true, false).
		AddPage(pageLoading, center(u.loading, 60, 7), true, true)
	u.pages.AddPage(pageNote, center(u.noteBox, 76, 16), true, false)
	u.pages.AddPage(pageHelp, center(u.help, 92, 60), true, false)
	u.pages.AddPage(pagePicker, center(u.picker, 50, 24), true, false)

	u.app.SetRoot(u.pages, true).EnableMouse(true)
	u.app.SetInputCapture(u.capture)
	u.app.SetBeforeDrawFunc(func(s tcell.Screen) bool {
		w, h := s.Size()
		u.layout(w, h)
		return false
	})
}

func (u *ui) selectedStyle() tcell.Style {
	if u.pal.noColor {
		return tcell.StyleDefault.Reverse(true)
	}
	return tcell.StyleDefault.Background(tcell.ColorNavy).Foreground(tcell.ColorWhite).Bold(true)
}

func (u *ui) fieldStyle() tcell.Style {
	if u.pal.noColor {
		return tcell.StyleDefault.Underline(true)
	}
	return tcell.StyleDefault.Background(tcell.ColorDarkSlateGray).Foreground(tcell.ColorWhite)
}

func (u *ui) run() error {
	if u.opts.Screen != nil {
		u.app.SetScreen(u.opts.Screen)
	}
	u.showProgress(0, 0)
	go u.load()
	if u.opts.Hangup != nil {
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			select {
			case <-u.opts.Hangup:
				u.app.QueueUpdate(u.hangup)
			case <-stop:
			}
		}()
	}
	err := u.app.Run()
	// However the session ended (q, the terminal closing, SIGTERM, a screen error), a note still
	// open in the editor with unsaved text is saved: nothing typed is lost.
	u.saveDraft()
	if err != nil {
		return err
	}
	if u.runErr != nil {
		return u.runErr
	}
	return u.saveErr
}

// load runs the scan. Progress reaches the screen through at most one queued update at a time,
// so a scan that reports every commit does not wait on drawing.
func (u *ui) load() {
	progress := func(done, total int) {
		u.progressDone.Store(int64(done))
		u.progressTotal.Store(int64(total))
		if u.progressPending.CompareAndSwap(false, true) {
			u.app.QueueUpdateDraw(func() {
				u.progressPending.Store(false)
				u.showProgress(int(u.progressDone.Load()), int(u.progressTotal.Load()))
			})
		}
	}
	rep, err := u.opts.Load(progress)
	u.app.QueueUpdateDraw(func() {
		if err != nil {
			u.runErr = err
			u.app.Stop()
			return
		}
		if rep == nil {
			rep = &review.Report{}
		}
		u.ready(rep)
	})
}

func (u *ui) showProgress(done, total int) {
	text := "\nScanning the upstream commits…\n\n"
	if total > 0 {
		pct := min(100, done*100/total)
		text += fmt.Sprintf("%s  %d/%d", progressBar(pct, 30), done, total)
	} else {
		text += "reading the range"
	}
	text += "\n\n" + u.pal.paint(lookDim, "q quits")
	u.loading.SetText(text)
}

// ready shows the list once the scan is done.
func (u *ui) ready(rep *review.Report) {
	u.m = NewModel(rep, u.opts.State, u.opts.Reviewer, u.opts.Now)
	for i := range rep.Commits {
		c := &rep.Commits[i]
		u.areaMax = max(u.areaMax, width(clean(oneLine(c.Area))))
		u.tagsMax = max(u.tagsMax, width(clean(oneLine(strings.Join(c.Tags, ",")))))
	}
	u.pages.RemovePage(pageLoading)
	u.pages.SwitchToPage(pageMain)
	u.app.SetFocus(u.list)
	if len(rep.Commits) == 0 {
		u.flash(lookOK, "no upstream commits in this range: nothing to review")
	}
	u.refresh()
}

// layout adapts to the terminal: list and details side by side when wide, stacked when not.
func (u *ui) layout(w, h int) {
	if w != u.width || h != u.height {
		u.width, u.height = w, h
		u.refresh() // the header and hint line depend on the width
	}
	if w >= wideLayout {
		u.body.SetDirection(tview.FlexColumn)
		u.body.ResizeItem(u.list, 0, 3)
		u.body.ResizeItem(u.detail, 0, 2)
	} else {
		u.body.SetDirection(tview.FlexRow)
		if h >= 36 {
			u.body.ResizeItem(u.list, 0, 3)
			u.body.ResizeItem(u.detail, 0, 2)
		} else {
			u.body.ResizeItem(u.list, 0, 1)
			u.body.ResizeItem(u.detail, 0, 1)
		}
	}
	for _, b := range []*tview.Box{u.list.Box, u.detail.Box} {
		b.SetBorderColor(tview.Styles.BorderColor)
		b.SetBorderAttributes(0)
	}
	focused := u.detail.Box
	if u.list.HasFocus() {
		focused = u.list.Box
	}
	if u.pal.noColor {
		focused.SetBorderAttributes(tcell.AttrBold)
	} else {
		focused.SetBorderColor(tcell.ColorAqua)
	}
}

// capture dispatches every key through the key table of the view in front. Keys a view does
// not bind do nothing, except where a widget takes text (note, search) or buttons (questions).
func (u *ui) capture(ev *tcell.EventKey) *tcell.EventKey {
	name, _ := u.pages.GetFrontPage()
	sc := pageScopes[name]
	if sc == scopeList && u.search.HasFocus() {
		sc = scopeSearch
	}
	if b := lookup(u.keys, sc, ev); b != nil && b.run != nil {
		if sc == scopeList || sc == scopeDiff {
			u.clearMessage()
		}
		b.run(u)
		return nil
	}
	switch sc {
	case scopeNote, scopeSearch, scopeConfirm:
		return ev
	}
	return nil
}

// refresh renders the model into the main view.
func (u *ui) refresh() {
	if u.m == nil {
		return
	}
	rep := u.m.Report()
	l1, l2 := u.pal.headerLines(u.opts.Title, rep, u.opts.StatePath, u.saveErr == nil, u.width)
	u.header.SetText(l1 + "\n" + l2)

	title := fmt.Sprintf(" Commits %d/%d · sort: %s", u.m.Len(), len(rep.Commits), u.m.Sort())
	if f := u.m.Filter(); f.Active() {
		title += " · " + lit(oneLine(f.String()))
	}
	if u.query != "" {
		ord, n := u.m.MatchInfo(u.query)
		title += " · /" + lit(oneLine(u.query)) + fmt.Sprintf(" %d/%d", ord, n)
	}
	u.list.SetTitle(title + " ")
	if i := u.m.Index(); i >= 0 {
		if r, _ := u.list.GetSelection(); r != i {
			u.list.Select(i, 0)
		}
	}

	c := u.m.Selected()
	switch {
	case c == nil:
		msg := "No commit matches the filters; esc clears them."
		if len(rep.Commits) == 0 {
			msg = "No upstream commits in this range."
		}
		u.detail.SetText(u.pal.paint(lookDim, msg))
		u.detailHash = ""
	default:
		u.detail.SetText(u.pal.detail(c, rep.Upstream.URL))
		if c.Hash != u.detailHash {
			u.detail.ScrollToBeginning()
			u.detailHash = c.Hash
		}
	}
	u.renderStatus()
}

func (u *ui) renderStatus() {
	switch {
	case u.saveErr != nil:
		u.status.SetText(u.pal.paint(lookError, lit(oneLine(u.saveErr.Error()))))
	case u.message != "":
		u.status.SetText(u.pal.paint(u.messageLook, u.message))
	default:
		u.status.SetText(u.pal.hints(u.keys, scopeList, u.width))
	}
	if u.diffHash != "" {
		u.renderDiffStatus()
	}
}

// flash shows a message (already made literal) in the status line until the next key.
func (u *ui) flash(l look, msg string) {
	u.message, u.messageLook = msg, l
	u.renderStatus()
}

func (u *ui) clearMessage() { u.message = "" }

// save writes the state after a change. A failure is kept and shown until a later save
// succeeds; quitting then asks first.
func (u *ui) save() error {
	if u.opts.StatePath == "" {
		return nil
	}
	if err := u.opts.State.Save(u.opts.StatePath); err != nil {
		u.saveErr = fmt.Errorf("review state NOT saved (%v); fix the cause, the next change retries", err)
		return u.saveErr
	}
	u.saveErr = nil
	return nil
}

// --- the list ---

func (u *ui) move(d int) {
	if u.m == nil {
		return
	}
	if u.detail.HasFocus() {
		switch {
		case d == 1<<30:
			u.detail.ScrollToEnd()
		case d == -1<<30:
			u.detail.ScrollToBeginning()
		default:
			scrollBy(u.detail, d)
		}
		return
	}
	u.m.Move(d)
	u.refresh()
}

func (u *ui) page(d int) {
	if u.detail.HasFocus() {
		_, _, _, h := u.detail.GetInnerRect()
		scrollBy(u.detail, d*max(1, h-1))
		return
	}
	_, _, _, h := u.list.GetInnerRect()
	u.move(d * max(1, h-1))
}

func scrollBy(tv *tview.TextView, d int) {
	row, col := tv.GetScrollOffset()
	tv.ScrollTo(max(0, row+d), col)
}

func (u *ui) switchPane() {
	if u.list.HasFocus() {
		u.app.SetFocus(u.detail)
	} else {
		u.app.SetFocus(u.list)
	}
}

func (u *ui) mark(st review.Status, advance bool) {
	if u.m == nil {
		return
	}
	ch, ok := u.m.Mark(st, advance)
	if !ok {
		return
	}
	err := u.save()
	u.refresh()
	if err != nil {
		return
	}
	msg := fmt.Sprintf("%s %s: %s", lit(ch.Commit.Short()), statusLabel(ch.To), lit(truncate(clean(oneLine(ch.Commit.Subject)), 50)))
	if ch.Hidden {
		msg += u.pal.paint(lookDim, " (hidden by the filter; esc shows all)")
	}
	u.flash(statusLooks[ch.To], msg)
}

func (u *ui) cycleRisk(step int) {
	if u.m != nil {
		u.m.CycleRisk(step)
		u.refresh()
	}
}

func (u *ui) cycleStatus() {
	if u.m != nil {
		u.m.CycleStatus(1)
		u.refresh()
	}
}

func (u *ui) cycleSort() {
	if u.m != nil {
		u.m.CycleSort()
		u.refresh()
	}
}

func (u *ui) clearFilters() {
	if u.m == nil {
		return
	}
	u.query = ""
	u.m.ClearFilters()
	u.refresh()
}

func (u *ui) quit() {
	if u.saveErr == nil {
		u.app.Stop()
		return
	}
	u.confirm(fmt.Sprintf("Quit anyway and lose the unsaved decisions?\n\n%s", lit(u.saveErr.Error())),
		[]string{"Retry save", "Quit", "Stay"}, func(label string) {
			switch label {
			case "Retry save":
				if u.save() == nil {
					u.app.Stop()
					return
				}
				u.refresh()
			case "Quit":
				u.app.Stop()
			}
		})
}

// --- search ---

func (u *ui) openSearch() {
	if u.m == nil {
		return
	}
	u.searchFrom = u.m.Index()
	u.searchPrev = u.query
	u.search.SetText("")
	u.search.SetPlaceholder("")
	if u.query != "" {
		u.search.SetPlaceholder("enter: next match for " + clean(oneLine(u.query)))
	}
	u.footer.Clear().AddItem(u.search, 0, 1, true)
	u.app.SetFocus(u.search)
}

func (u *ui) closeSearch() {
	u.footer.Clear().AddItem(u.status, 0, 1, false)
	u.app.SetFocus(u.list)
	u.refresh()
}

// searchTyped searches as the user types, from where the search started.
func (u *ui) searchTyped(text string) {
	if u.m == nil || !u.search.HasFocus() {
		return
	}
	u.query = text
	if text == "" {
		u.query = u.searchPrev
	}
	u.m.Select(u.searchFrom)
	if i := u.m.Find(text, u.searchFrom+1, 1); i >= 0 {
		u.m.Select(i)
	}
	u.refresh()
}

func (u *ui) searchStep(dir int) {
	if t := u.search.GetText(); t != "" {
		u.query = t
	}
	if i := u.m.Find(u.query, u.m.Index()+dir, dir); i >= 0 {
		u.m.Select(i)
	}
	u.refresh()
}

// acceptSearch closes the search. Enter on an empty search moves on to the next match of the
// last one, so "/ enter" repeats the last search as in vim.
func (u *ui) acceptSearch() {
	if u.search.GetText() == "" {
		u.query = u.searchPrev
		u.searchStep(1)
	}
	u.closeSearch()
	if u.query != "" {
		if _, n := u.m.MatchInfo(u.query); n == 0 {
			u.flash(lookError, "no subject matches "+lit(oneLine(u.query)))
		}
	}
}

func (u *ui) cancelSearch() {
	u.query = u.searchPrev
	u.m.Select(u.searchFrom)
	u.closeSearch()
}

func (u *ui) nextMatch(dir int) {
	if u.m == nil {
		return
	}
	if u.query == "" {
		u.flash(lookDim, "no search yet: / searches")
		return
	}
	if i := u.m.Find(u.query, u.m.Index()+dir, dir); i >= 0 {
		u.m.Select(i)
		u.refresh()
		return
	}
	u.flash(lookError, "no subject matches "+lit(oneLine(u.query)))
}

// --- overlays ---

func (u *ui) front() tview.Primitive { return u.app.GetFocus() }

func (u *ui) closeOverlay(name string) {
	u.pages.HidePage(name)
	var back tview.Primitive
	switch name {
	case pageHelp:
		back = u.helpReturn
	case pageNote:
		back = u.noteReturn
	case pageConfirm:
		back = u.confirmReturn
	}
	if back == nil {
		if front, _ := u.pages.GetFrontPage(); front == pageDiff {
			back = u.diffView
		} else {
			back = u.list
		}
	}
	u.app.SetFocus(back)
	u.refresh()
}

func (u *ui) openHelp() {
	u.helpReturn = u.front()
	name, _ := u.pages.GetFrontPage()
	u.help.SetText(u.pal.helpText(u.keys, pageScopes[name])).ScrollToBeginning()
	u.pages.ShowPage(pageHelp)
	u.app.SetFocus(u.help)
}

func (u *ui) openPicker(kind pickKind) {
	if u.m == nil {
		return
	}
	u.pickerKind = kind
	u.picker.Clear()
	u.pickerValues = u.pickerValues[:0]
	var counts []Count
	cur := u.m.Filter().Area
	title := " Filter by area "
	if kind == pickTag {
		counts, cur, title = u.m.Tags(), u.m.Filter().Tag, " Filter by tag "
	} else {
		counts = u.m.Areas()
	}
	u.picker.SetTitle(title)
	u.picker.AddItem("(all)", "", 0, nil)
	u.pickerValues = append(u.pickerValues, nil)
	sel := 0
	for _, c := range counts {
		name := c.Name
		label := name
		if kind == pickArea {
			label = areaLabel(name)
		}
		u.picker.AddItem(fmt.Sprintf("%s  %s", lit(truncate(clean(oneLine(label)), 38)), u.pal.paint(lookDim, fmt.Sprint(c.N))), "", 0, nil)
		u.pickerValues = append(u.pickerValues, &name)
		if cur != nil && *cur == name {
			sel = len(u.pickerValues) - 1
		}
	}
	if len(counts) == 0 {
		u.flash(lookDim, "no commit has a tag")
		return
	}
	u.picker.SetCurrentItem(sel)
	u.pages.ShowPage(pagePicker)
	u.app.SetFocus(u.picker)
}

func (u *ui) pickerMove(d int) {
	n := u.picker.GetItemCount()
	u.picker.SetCurrentItem(max(0, min(n-1, u.picker.GetCurrentItem()+d)))
}

func (u *ui) pickerChoose() {
	i := u.picker.GetCurrentItem()
	if i < 0 || i >= len(u.pickerValues) {
		return
	}
	v := u.pickerValues[i]
	if u.pickerKind == pickTag {
		u.m.SetTag(v)
	} else {
		u.m.SetArea(v)
	}
	u.closeOverlay(pagePicker)
}

// confirm asks a question with buttons; esc picks none (the safe answer: nothing happens).
func (u *ui) confirm(text string, buttons []string, done func(label string)) {
	u.confirmReturn = u.front()
	modal := tview.NewModal().SetText(text).AddButtons(buttons)
	if u.pal.noColor {
		modal.SetButtonStyle(tcell.StyleDefault.Underline(true)).SetButtonActivatedStyle(tcell.StyleDefault.Reverse(true))
	}
	modal.SetDoneFunc(func(_ int, label string) {
		u.pages.RemovePage(pageConfirm)
		back := u.confirmReturn
		u.confirmCancel = nil
		if back != nil {
			u.app.SetFocus(back)
		}
		done(label)
	})
	u.confirmCancel = func() {
		u.pages.RemovePage(pageConfirm)
		if u.confirmReturn != nil {
			u.app.SetFocus(u.confirmReturn)
		}
	}
	u.pages.AddPage(pageConfirm, modal, true, true)
	u.app.SetFocus(modal)
}

func (u *ui) cancelConfirm() {
	if u.confirmCancel != nil {
		c := u.confirmCancel
		u.confirmCancel = nil
		c()
	}
}

// --- the note editor ---

func (u *ui) openNote() {
	if u.m == nil {
		return
	}
	c := u.m.Selected()
	if name, _ := u.pages.GetFrontPage(); name == pageDiff {
		c = u.commitByHash(u.diffHash)
	}
	if c == nil {
		return
	}
	u.noteReturn = u.front()
	u.noteHash = c.Hash
	u.noteOrig = editable(c.Review.Note)
	u.noteArea.SetText(u.noteOrig, true)
	u.noteBox.SetTitle(" Note · " + lit(c.Short()) + " " + lit(truncate(clean(oneLine(c.Subject)), 50)) + " ")
	u.noteMsg.SetText(u.pal.paint(lookDim, " ctrl-s saves · esc closes"))
	u.pages.ShowPage(pageNote)
	u.app.SetFocus(u.noteArea)
}

// editable is a note as the editor shows it: the text area writes runes straight to the
// terminal, so control characters from a hand-edited state file are neutralised first.
func editable(note string) string {
	var b strings.Builder
	for _, r := range note {
		if r == '\n' || r == '\t' || (r >= 0x20 && r != 0x7f && !(r >= 0x80 && r <= 0x9f)) && !review.IsBidiControl(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (u *ui) commitByHash(hash string) *review.Commit {
	if u.m == nil {
		return nil
	}
	rep := u.m.Report()
	for i := range rep.Commits {
		if rep.Commits[i].Hash == hash {
			return &rep.Commits[i]
		}
	}
	return nil
}

// saveNote records the note and saves the state. When saving fails the editor stays open with
// the text, so nothing typed is lost; ctrl-s retries.
func (u *ui) saveNote() {
	text := u.noteArea.GetText()
	changed := u.m.SetNote(u.noteHash, text)
	if changed || u.saveErr != nil {
		if err := u.save(); err != nil {
			u.noteMsg.SetText(u.pal.paint(lookError, " NOT SAVED: "+lit(oneLine(err.Error()))))
			u.refresh()
			return
		}
	}
	u.noteOrig = text
	u.closeOverlay(pageNote)
	if changed {
		u.flash(lookOK, "note saved for "+lit(u.noteHashShort()))
	}
}

func (u *ui) noteHashShort() string {
	if len(u.noteHash) > shortHash {
		return u.noteHash[:shortHash]
	}
	return u.noteHash
}

// hangup ends the session from outside, without asking anything; Run then saves the note
// being edited (saveDraft).
func (u *ui) hangup() { u.app.Stop() }

// saveDraft saves the text of the note editor, when it is open and differs from the saved
// note. It runs after the application loop has ended.
func (u *ui) saveDraft() {
	if u.m == nil || u.noteHash == "" {
		return
	}
	open := false
	for _, name := range u.pages.GetPageNames(true) {
		open = open || name == pageNote
	}
	if !open {
		return
	}
	if text := u.noteArea.GetText(); text != u.noteOrig && u.m.SetNote(u.noteHash, text) {
		_ = u.save() // a failure is in u.saveErr, which Run returns
	}
}

// cancelNote closes the editor, asking first when the text differs from the saved note.
func (u *ui) cancelNote() {
	if u.noteArea.GetText() == u.noteOrig && u.saveErr == nil {
		u.closeOverlay(pageNote)
		return
	}
	u.confirm("Save the changes to this note?", []string{"Save", "Discard", "Keep editing"}, func(label string) {
		switch label {
		case "Save":
			u.saveNote()
		case "Discard":
			u.closeOverlay(pageNote)
		}
	})
}

func (u *ui) noteFocusNext() {
	switch {
	case u.noteArea.HasFocus():
		u.app.SetFocus(u.noteSave)
	case u.noteSave.HasFocus():
		u.app.SetFocus(u.noteCancel)
	default:
		u.app.SetFocus(u.noteArea)
	}
}

// --- the diff view ---

func (u *ui) openDiff() {
	if u.m == nil || u.m.Selected() == nil {
		return
	}
	u.showDiff(u.m.Selected().Hash)
	u.pages.SwitchToPage(pageDiff)
	u.app.SetFocus(u.diffView)
}

func (u *ui) closeDiff() {
	u.diffHash = ""
	u.pages.SwitchToPage(pageMain)
	u.app.SetFocus(u.list)
	u.refresh()
}

// showDiff renders the diff of hash, loading it in the background the first time.
func (u *ui) showDiff(hash string) {
	c := u.commitByHash(hash)
	if c == nil {
		return
	}
	u.diffHash = hash
	u.diffView.SetTitle(" Diff · " + lit(c.Short()) + " ")
	u.diffHead.SetText(u.pal.diffHead(c))
	res, ok := u.diffs[hash]
	if !ok && u.opts.Diffs != nil {
		u.diffView.SetText(u.pal.paint(lookDim, "loading the diff…")).ScrollToBeginning()
		u.diffTargets = nil
		u.renderDiffStatus()
		if !u.diffLoading[hash] {
			u.diffLoading[hash] = true
			go func() {
				text, err := u.opts.Diffs.CommitDiff(hash)
				u.app.QueueUpdateDraw(func() {
					delete(u.diffLoading, hash)
					u.diffs[hash] = diffResult{text, err}
					if u.diffHash == hash {
						u.showDiff(hash)
					}
				})
			}()
		}
		return
	}
	pg := u.pal.renderDiff(c, res.text, res.err)
	u.diffHead.SetText(pg.head)
	u.diffTargets = pg.targets
	u.diffView.SetText(pg.text).ScrollToBeginning()
	if len(pg.targets) > 0 && len(c.Conflicts) == 0 {
		// Open at the first hunk that matters; the header stays one [ away.
		u.diffView.ScrollTo(max(0, pg.targets[0]-2), 0)
	}
	u.renderDiffStatus()
}

func (u *ui) renderDiffStatus() {
	if c := u.commitByHash(u.diffHash); c != nil {
		u.diffHead.SetText(u.pal.diffHead(c))
	}
	if u.message != "" || u.saveErr != nil {
		msg, l := u.message, u.messageLook
		if u.saveErr != nil {
			msg, l = lit(oneLine(u.saveErr.Error())), lookError
		}
		u.diffStatus.SetText(u.pal.paint(l, msg))
		return
	}
	if c := u.commitByHash(u.diffHash); c != nil {
		u.diffHead.SetText(u.pal.diffHead(c))
	}
	u.diffStatus.SetText(u.pal.hints(u.keys, scopeDiff, u.width))
}

func (u *ui) scrollDiff(dRow, dCol int) {
	row, col := u.diffView.GetScrollOffset()
	u.diffView.ScrollTo(max(0, row+dRow), max(0, col+dCol))
}

func (u *ui) pageDiff(d int) {
	_, _, _, h := u.diffView.GetInnerRect()
	u.scrollDiff(d*max(1, h-1), 0)
}

// jumpTarget scrolls to the next (dir 1) or previous conflict or marked hunk.
func (u *ui) jumpTarget(dir int) {
	row, _ := u.diffView.GetScrollOffset()
	cur := row + 2 // targets are shown two lines below the top
	var to = -1
	if dir > 0 {
		for _, t := range u.diffTargets {
			if t > cur {
				to = t
				break
			}
		}
	} else {
		for i := len(u.diffTargets) - 1; i >= 0; i-- {
			if u.diffTargets[i] < cur {
				to = u.diffTargets[i]
				break
			}
		}
	}
	if to < 0 {
		u.flash(lookDim, "no more marked hunks this way")
		return
	}
	u.diffView.ScrollTo(max(0, to-2), 0)
}

// diffStep shows the diff of the next or previous commit of the list.
func (u *ui) diffStep(d int) {
	if !u.m.SelectHash(u.diffHash) {
		return
	}
	before := u.m.Index()
	u.m.Move(d)
	if u.m.Index() == before {
		u.flash(lookDim, "no more commits this way")
		return
	}
	u.showDiff(u.m.Selected().Hash)
	u.refresh()
}

// markInDiff decides on the commit shown; with advance the next commit's diff follows.
func (u *ui) markInDiff(st review.Status, advance bool) {
	if !u.m.SelectHash(u.diffHash) {
		// The filter hides it (it was just marked): find it among all commits.
		u.m.ClearFilters()
		u.m.SelectHash(u.diffHash)
		u.flash(lookDim, "filters cleared to show this commit")
	}
	u.mark(st, advance)
	if c := u.m.Selected(); advance && c != nil && c.Hash != u.diffHash {
		u.showDiff(c.Hash)
	}
	u.renderDiffStatus()
}

// listContent lets the table draw rows straight from the model, so only visible rows are ever
// rendered, whatever the number of commits.
type listContent struct {
	tview.TableContentReadOnly
	u *ui
}

func (lc *listContent) GetRowCount() int {
	if lc.u.m == nil {
		return 0
	}
	return lc.u.m.Len()
}

func (lc *listContent) GetColumnCount() int { return 1 }

func (lc *listContent) GetCell(row, col int) *tview.TableCell {
	u := lc.u
	c := u.m.At(row)
	if c == nil || col != 0 {
		return nil
	}
	_, _, w, _ := u.list.GetInnerRect()
	l := layoutRow(w, u.areaMax, u.tagsMax)
	return tview.NewTableCell(u.pal.row(c, l, u.query)).SetExpansion(1)
}

// centered draws a primitive in the middle of the screen, at most w×h cells and never larger
// than the screen, and keeps mouse clicks from reaching the views behind it.
type centered struct {
	*tview.Box
	p    tview.Primitive
	w, h int
}

func center(p tview.Primitive, w, h int) *centered {
	return &centered{Box: tview.NewBox(), p: p, w: w, h: h}
}

func (c *centered) Draw(screen tcell.Screen) {
	x, y, w, h := c.GetRect()
	pw, ph := min(c.w, w-2), min(c.h, h-2)
	c.p.SetRect(x+(w-pw)/2, y+(h-ph)/2, pw, ph)
	c.p.Draw(screen)
}

func (c *centered) Focus(delegate func(p tview.Primitive)) { delegate(c.p) }

func (c *centered) HasFocus() bool { return c.p.HasFocus() }

func (c *centered) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return c.p.InputHandler()
}

func (c *centered) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if h := c.p.MouseHandler(); h != nil {
			if consumed, capture := h(action, event, setFocus); consumed {
				return true, capture
			}
		}
		return true, nil // modal: nothing behind it gets the click
	}
}
