package tui

import (
	"strings"

	"github.com/forkreview/forkreview/review"
)

// look is one semantic style of the checklist: colours for colour terminals, attributes for
// both (so that with NO_COLOR the meaning survives as bold, underline or reverse).
type look struct {
	fg, bg  string // tview colour names; "" keeps the default
	attr    string // tview attribute letters with colour
	bwAttr  string // attribute letters without colour
	noReset bool
}

var (
	lookTitle    = look{fg: "aqua", attr: "b", bwAttr: "b"}
	lookDim      = look{fg: "gray", bwAttr: "d"}
	lookLabel    = look{fg: "gray"}
	lookHeading  = look{fg: "yellow", attr: "b", bwAttr: "bu"}
	lookAdd      = look{fg: "green"}
	lookDel      = look{fg: "red"}
	lookHunk     = look{fg: "aqua"}
	lookFileHead = look{fg: "yellow", attr: "b", bwAttr: "b"}
	lookMark     = look{fg: "yellow", attr: "b", bwAttr: "b"}
	lookError    = look{fg: "white", bg: "red", attr: "b", bwAttr: "rb"}
	lookOK       = look{fg: "green"}
	lookKey      = look{fg: "aqua", attr: "b", bwAttr: "b"}
	lookMatch    = look{attr: "u", bwAttr: "u"}
	lookTag      = look{fg: "fuchsia"}
	lookLink     = look{fg: "blue", attr: "u", bwAttr: "u"}
	lookBase     = look{fg: "gray"}
	lookFork     = look{fg: "fuchsia"}
	lookUpstream = look{fg: "aqua"}
)

var riskLooks = map[review.Risk]look{
	review.RiskConflict: {fg: "white", bg: "red", attr: "b", bwAttr: "rb"},
	review.RiskHigh:     {fg: "red", attr: "b", bwAttr: "b"},
	review.RiskMedium:   {fg: "yellow", attr: "b", bwAttr: ""},
	review.RiskLow:      {fg: "aqua"},
	review.RiskNone:     {fg: "gray", bwAttr: "d"},
	review.RiskApplied:  {fg: "green", bwAttr: "d"},
}

var statusLooks = map[review.Status]look{
	review.StatusPending:       {},
	review.StatusReviewed:      {fg: "green", attr: "b", bwAttr: "b"},
	review.StatusFollowUp:      {fg: "yellow", attr: "b", bwAttr: "b"},
	review.StatusNotApplicable: {fg: "gray", bwAttr: "d"},
}

// palette renders looks as tview tags, with or without colour.
type palette struct{ noColor bool }

// paint wraps s (already made literal) in the tags of l.
func (p palette) paint(l look, s string) string {
	if s == "" {
		return ""
	}
	open := p.open(l)
	if open == "" {
		return s
	}
	// "[-:-:-]" resets colours and attributes but not underline, which tcell keeps apart.
	if strings.Contains(open, "u") {
		return open + s + "[-:-:-][::U]"
	}
	return open + s + "[-:-:-]"
}

func (p palette) open(l look) string {
	fg, bg, attr := l.fg, l.bg, l.attr
	if p.noColor {
		fg, bg, attr = "", "", l.bwAttr
	}
	if fg == "" && bg == "" && attr == "" {
		return ""
	}
	if fg == "" {
		fg = "-"
	}
	if bg == "" {
		bg = "-"
	}
	if attr == "" {
		attr = "-"
	}
	return "[" + fg + ":" + bg + ":" + attr + "]"
}

// badge is the risk as a fixed-width label: upper case for the levels that need attention, so
// that the level reads without colour too.
func (p palette) badge(r review.Risk) string {
	name := r.String()
	if r >= review.RiskMedium {
		name = strings.ToUpper(name)
	}
	return p.paint(riskLooks[r], fit(name, badgeWidth))
}

const badgeWidth = 8

// statusBox is the check box of a status: [ ] pending, [✓] reviewed, [!] follow-up, [-] not
// applicable.
func (p palette) statusBox(st review.Status) string {
	return p.paint(statusLooks[st], escapeTags(statusGlyph(st)))
}

func statusGlyph(st review.Status) string {
	switch st {
	case review.StatusReviewed:
		return "[✓]"
	case review.StatusFollowUp:
		return "[!]"
	case review.StatusNotApplicable:
		return "[-]"
	}
	return "[ ]"
}

// statusMark is the mark inside the box, for counts.
func statusMark(st review.Status) string {
	if st == review.StatusPending {
		return "○"
	}
	return strings.Trim(statusGlyph(st), "[]")
}

// statusLabel is the short name of a status for counts.
func statusLabel(st review.Status) string {
	if st == review.StatusNotApplicable {
		return "n/a"
	}
	return string(st)
}

// overlapMarker marks how a file meets the fork, strongest first.
func (p palette) overlapMarker(o review.Overlap) string {
	switch o {
	case review.OverlapConflict:
		return p.paint(riskLooks[review.RiskConflict], "✖")
	case review.OverlapDeclaration:
		return p.paint(riskLooks[review.RiskHigh], "◆")
	case review.OverlapFile:
		return p.paint(riskLooks[review.RiskMedium], "●")
	case review.OverlapPackage:
		return p.paint(riskLooks[review.RiskLow], "○")
	}
	return " "
}
