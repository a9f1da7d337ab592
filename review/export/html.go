package export

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/forkreview/forkreview/review"
)

var (
	//go:embed templates/report.html.tmpl
	htmlTemplateText string
	//go:embed templates/report.css
	pageCSS string
	//go:embed templates/report.js
	pageJS string
)

// htmlTemplate is parsed once; html/template escapes every value by context (text, attribute,
// URL), so hostile commit text stays text.
var htmlTemplate = template.Must(template.New("report.html").Funcs(htmlFuncs()).Parse(htmlTemplateText))

// htmlPage is what the page template gets: the report data plus the inline assets.
type htmlPage struct {
	*Data
	CSS        template.CSS
	ChromaCSS  template.CSS
	JS         template.JS
	ScriptHash string
}

// HTML writes one self-contained page: inline CSS and script, nothing fetched (a
// Content-Security-Policy forbids it and allows only the page's own script, by hash), so it
// opens offline in any browser and is safe to pass around. It has filters, search, highlighted
// conflicts and overlap hunks, light and dark themes, and prints cleanly.
func HTML(w io.Writer, r *review.Report, opt Options) error {
	sum := sha256.Sum256([]byte(pageJS))
	p := htmlPage{
		Data:       NewData(r, opt),
		CSS:        template.CSS(pageCSS),
		ChromaCSS:  template.CSS(chromaCSS()),
		JS:         template.JS(pageJS),
		ScriptHash: "sha256-" + base64.StdEncoding.EncodeToString(sum[:]),
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, p); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func htmlFuncs() template.FuncMap {
	return template.FuncMap{
		"text":       oneLine,
		"para":       func(s string) string { return strings.TrimSpace(cleanText(s, true)) },
		"short":      shortHash,
		"date":       func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"datetime":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
		"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"statusText": statusText,
		"plural":     plural,
		"join":       strings.Join,
		"hunk":       hunkHTML,
		"side":       sideHTML,
		"initials":   initials,
		"hue":        hue,
		"noted":      func(cs []*Commit) []*Commit { return pick(cs, true) },
		"gt0":        func(n int) bool { return n > 0 },
		"searchText": searchText,
		"riskLabel":  riskLabel,
		"day":        day,
	}
}

// initials are the letters of a reviewer's badge.
func initials(name string) string {
	f := strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '_' || r == '@' })
	var out []rune
	for _, w := range f {
		if r := []rune(w); len(r) > 0 {
			out = append(out, r[0])
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return strings.ToUpper(string(out))
}

// hue gives each name a stable colour on the badge wheel (FNV-1a).
func hue(name string) int {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	return int(h % 360)
}

// searchText is what the page's search box matches for a commit, lower case.
func searchText(c *Commit) string {
	parts := []string{c.Hash, c.Subject, c.Area, c.Author, c.Review.Note, c.Review.Reviewer, string(c.Status), c.Risk.String()}
	parts = append(parts, c.Tags...)
	parts = append(parts, c.Reasons...)
	for _, f := range c.Files {
		parts = append(parts, f.Path)
		parts = append(parts, f.Declarations...)
	}
	return strings.ToLower(oneLine(strings.Join(parts, " ")))
}

var riskLabels = map[string]string{
	"conflict": "Conflict", "high": "High", "medium": "Medium", "low": "Low", "none": "None", "applied": "Applied",
}

func riskLabel(r any) string { return riskLabels[fmt.Sprint(r)] }

// day is the date part of an RFC 3339 time as the state file stores it.
func day(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format("2006-01-02")
	}
	return oneLine(s)
}
