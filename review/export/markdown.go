package export

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/forkreview/forkreview/review"
)

//go:embed templates/report.md.tmpl
var markdownTemplate string

// MarkdownTemplate returns the text of the built-in Markdown report: the place to start a
// custom --template from.
func MarkdownTemplate() string { return markdownTemplate }

// Markdown writes the knowledge-sharing report in GitHub-flavoured Markdown: a summary, the
// attention sections (conflicts, high risk, follow-ups, security, consensus) and the rest by
// area, with the reviewers' notes quoted under each commit. All commit and review text goes
// through mdInline and its kin, so none of it can format, mention, link or inject HTML.
func Markdown(w io.Writer, r *review.Report, opt Options) error {
	return Template(w, r, markdownTemplate, opt)
}

// Template runs a custom text/template over the report's Data (docs/export-template.md) with
// the helper functions of TemplateFuncs. Output is buffered: nothing is written when the
// template fails.
func Template(w io.Writer, r *review.Report, tmplText string, opt Options) error {
	t, err := template.New("report").Funcs(TemplateFuncs()).Option("missingkey=error").Parse(tmplText)
	if err != nil {
		return fmt.Errorf("parse report template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, NewData(r, opt)); err != nil {
		return fmt.Errorf("run report template: %w", err)
	}
	out := blankRuns.ReplaceAll(buf.Bytes(), []byte("\n\n"))
	out = append(bytes.TrimRight(out, "\n"), '\n')
	_, err = w.Write(out)
	return err
}

// blankRuns collapses the blank lines that template actions leave behind; one blank line means
// the same in Markdown as three.
var blankRuns = regexp.MustCompile(`\n(?:[ \t]*\n){2,}`)

var riskIcons = map[string]string{
	"conflict": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "none": "⚪", "applied": "🟢",
}

var statusIcons = map[string]string{
	"pending": "⏳", "reviewed": "✅", "follow-up": "🚩", "not-applicable": "➖",
}

// TemplateFuncs are the helpers every report template gets, documented in
// docs/export-template.md. The Markdown ones escape untrusted text; a custom template must use
// them (md, code, quote, …) around anything that comes from commits or notes.
func TemplateFuncs() template.FuncMap {
	return template.FuncMap{
		"md":         mdInline,
		"code":       mdCode,
		"codes":      mdCodes,
		"quote":      mdQuote,
		"note":       mdNote,
		"html":       htmlInline,
		"link":       mdLink,
		"codeLink":   mdCodeLink,
		"text":       oneLine,
		"indent":     indent,
		"join":       strings.Join,
		"short":      shortHash,
		"date":       func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"datetime":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
		"riskIcon":   func(r any) string { return riskIcons[fmt.Sprint(r)] },
		"statusIcon": func(s any) string { return statusIcons[fmt.Sprint(s)] },
		"statusText": statusText,
		"plural":     plural,
		"add":        func(a, b int) int { return a + b },
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"truncate":   truncate,
		"anchor":     anchor,
		"prLink":     mdPRLink,
		"dict":       dict,
		"noted":      func(cs []*Commit) []*Commit { return pick(cs, true) },
		"quiet":      func(cs []*Commit) []*Commit { return pick(cs, false) },
	}
}

func shortHash(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// statusText is a status as a sentence says it.
func statusText(s any) string {
	if v := fmt.Sprint(s); v != "not-applicable" {
		return v
	}
	return "not applicable"
}

// plural is "1 commit", "3 commits".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// truncate shortens s to at most n characters (runes), ending with "…" when cut.
func truncate(n int, s string) string {
	r := []rune(s)
	if len(r) <= n || n < 1 {
		return s
	}
	return string(r[:n-1]) + "…"
}

// indent prefixes every line but empty ones with n spaces, to nest a block in a list item.
func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// mdCodes shows names as comma-separated code spans.
func mdCodes(names []string) string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if c := mdCode(n); c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, ", ")
}

// mdNote quotes a reviewer's note under their name: the heart of the report.
func mdNote(reviewer, note string) string {
	note = strings.TrimSpace(note)
	if note == "" {
		return ""
	}
	q := mdQuote(note)
	head := "> 📝 "
	if who := mdInline(reviewer); who != "" {
		head += "**" + who + ":** "
	}
	return head + strings.TrimPrefix(q, "> ")
}

// anchor is the id GitHub gives a heading: lower case, spaces to hyphens, other punctuation
// dropped.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(title)) {
		switch {
		case r == ' ' || r == '-':
			b.WriteByte('-')
		case r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && unicode.IsLetter(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdPRLink links an upstream pull request by number. Without an address the number is shown
// with a zero-width joiner after "#", so GitHub does not link the fork's own issue of that
// number instead.
func mdPRLink(n int, u string) string {
	if n <= 0 {
		return ""
	}
	if u == "" {
		return "upstream #" + zwj + strconv.Itoa(n)
	}
	return "[#" + strconv.Itoa(n) + "](" + mdURL(u) + ")"
}

// pick returns the commits with (or without) a reviewer's note, in order.
func pick(cs []*Commit, noted bool) []*Commit {
	var out []*Commit
	for _, c := range cs {
		if c.HasNote() == noted {
			out = append(out, c)
		}
	}
	return out
}

// dict builds a map from key, value pairs, to pass several values to a sub-template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict wants key, value pairs, got %d arguments", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
