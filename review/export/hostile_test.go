package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/forkreview/forkreview/review"
)

// Hostile text, as an attacker could put it in an upstream commit or a careless note.
const (
	evilSubject = "core/vm: <script>alert(1)</script> --> @everyone @org/team | pipes | `tick` [red] =cmd() #1\n# Injected heading\n\x1b[31mred\x1b[0m $x$ *bold* <!-- (#42)"
	evilNote    = "=HYPERLINK(\"http://evil\")\n- [ ] list? <img src=x onerror=alert(2)> @here\n> quote -->\n1. one\n\x1b]8;;http://evil\x07link"
	evilFile    = "core/<b>x</b>|`y`\x1b[2J.go"
	evilAuthor  = "Mallory <script>@everyone</script> <m@evil>"
)

func hostileReport() *review.Report {
	r := sampleReport()
	c := &r.Commits[0]
	c.Subject = evilSubject
	c.Body = "body </script><script>alert(3)</script> @everyone"
	c.Author = evilAuthor
	c.Area = "core/<i>vm</i>"
	c.Tags = append(c.Tags, "<svg onload=alert(4)>")
	c.Reasons = []string{evilFile + ": content conflict in <(*T).M>"}
	c.Files[0].Path = evilFile
	c.Files[0].Declarations = []string{"(*T).M</code><script>alert(5)</script>"}
	c.Files[0].Hunks[0].Text = "-</pre><script>alert(6)</script>\n+@everyone -->\n"
	c.Conflicts[0].Path = evilFile
	c.Conflicts[0].Fork = "</code></pre><script>alert(7)</script>\n"
	c.Conflicts[0].Regenerate = "rm -rf / <b>"
	c.Review.Note = evilNote
	c.Review.Reviewer = "@admin <b>eve</b>"
	r.Commits[1].Review.Note = "+1 --> <!-- -@user"
	r.Commits[2].Review.Note = "-2+3"
	r.Upstream.From = "v1 <b>"
	r.Fork.Ref = "main`|<x>"
	return r
}

// mdInert checks what makes Markdown text inert on GitHub.
func mdInert(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"<script", "<img", "<svg", "<b>", "<i>", "<!--", "-->", "@everyone", "@here", "@org", "@admin", "@user", "\x1b", "\x07", "[red]", "(#42)"} {
		if strings.Contains(out, bad) {
			i := strings.Index(out, bad)
			t.Errorf("markdown holds %q: …%s…", bad, out[max(0, i-40):min(len(out), i+40)])
		}
	}
	for i, line := range strings.Split(out, "\n") {
		trim := strings.TrimLeft(line, " >")
		for _, p := range []string{"# Injected", "=HYPERLINK", "- [ ]", "1. one", "=cmd"} {
			if strings.HasPrefix(trim, p) {
				t.Errorf("line %d starts a block from commit text: %q", i+1, line)
			}
		}
		// A table row must keep its column count whatever a cell holds.
		if strings.HasPrefix(line, "| ") {
			cells := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1))
			if cells != 3 && cells != 7 {
				t.Errorf("line %d: table row with %d pipes: %q", i+1, cells, line)
			}
		}
	}
	// Unbalanced backticks would swallow the rest of a line into a code span.
	for i, line := range strings.Split(out, "\n") {
		if n := strings.Count(line, "`") - strings.Count(line, "\\`"); n%2 != 0 {
			t.Errorf("line %d has an unbalanced backtick: %q", i+1, line)
		}
	}
}

func TestHostileMarkdown(t *testing.T) {
	out := string(render(t, "markdown", hostileReport()))
	mdInert(t, out)
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;", // shown, not run
		"@\u200deveryone", "@\u200dorg/team",    // shown, not mentioned
		"\\| pipes \\|", "\\`tick\\`", "\\[red\\]", // shown, not formatting
		"␛\\[31mred",   // ANSI as a visible picture
		"\\=HYPERLINK", // not a setext heading
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	mdInert(t, string(render(t, "template", hostileReport())))
}

func TestHostileHTML(t *testing.T) {
	out := render(t, "html", hostileReport())
	z := html.NewTokenizer(bytes.NewReader(out))
	scripts, svgs, text := 0, 0, &strings.Builder{}
	var script string
	inScript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch tok.Data {
			case "script":
				scripts++
				inScript = true
			case "svg":
				svgs++
			case "img", "iframe", "object", "embed", "link", "base", "form", "meta":
				if tok.Data != "meta" || len(tok.Attr) == 0 || tok.Attr[0].Key == "onload" {
					t.Errorf("hostile element <%s> in the page", tok.Data)
				}
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("event handler attribute %s=%q", a.Key, a.Val)
				}
				if a.Key == "src" || (a.Key == "href" && !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "https://github.com/ethereum/go-ethereum/")) {
					t.Errorf("%s=%q in a self-contained page", a.Key, a.Val)
				}
			}
		case html.EndTagToken:
			if tok.Data == "script" {
				inScript = false
			}
		case html.TextToken:
			if inScript {
				script += tok.Data
			} else {
				text.WriteString(tok.Data)
			}
		}
	}
	if svgs != 2 {
		t.Errorf("%d svg elements, want the two icons of the page", svgs)
	}
	if scripts != 1 {
		t.Errorf("%d script elements, want only the page's own", scripts)
	}
	// The hostile text is there, as text.
	for _, want := range []string{"<script>alert(1)</script>", "@everyone @org/team | pipes |", "<img src=x onerror=alert(2)>", "alert(6)", "alert(7)", "␛[31mred", "rm -rf / <b>", "@admin <b>eve</b>"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	if bytes.Contains(out, []byte("\x1b")) {
		t.Error("raw escape character in the page")
	}
	// The CSP admits exactly the page's script.
	sum := sha256.Sum256([]byte(script))
	if !bytes.Contains(out, []byte("script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")) {
		t.Error("the Content-Security-Policy does not carry the hash of the page's script")
	}
	if regexp.MustCompile(`@import|url\(`).Match(out) {
		t.Error("the page refers to an outside resource")
	}
}

func TestHostileJSON(t *testing.T) {
	r := hostileReport()
	out := render(t, "json", r)
	for _, bad := range []string{"<", ">", "\x1b", "\x07"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("JSON holds a raw %q", bad)
		}
	}
	var back review.Report
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	// JSON is data for tools: every string survives exactly.
	c := back.Commits[0]
	if c.Subject != evilSubject || c.Review.Note != evilNote || c.Files[0].Path != evilFile || c.Author != evilAuthor || c.Conflicts[0].Fork != r.Commits[0].Conflicts[0].Fork {
		t.Errorf("JSON changed hostile text: %q", c.Subject)
	}
}

func TestHostileCSV(t *testing.T) {
	out := render(t, "csv", hostileReport())
	if bytes.Contains(out, []byte("\x1b")) || bytes.Contains(out, []byte("\x07")) {
		t.Error("CSV holds raw control characters")
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 22 {
		t.Fatalf("%d records: a newline in a cell broke a row", len(recs))
	}
	for i, rec := range recs[1:] {
		for j, cell := range rec {
			if s := strings.TrimLeft(cell, " "); s != "" && strings.ContainsAny(s[:1], "=+-@\t\r") {
				t.Errorf("row %d column %s starts a formula: %q", i+1, csvHeader[j], cell)
			}
		}
	}
	row := recs[1]
	if row[7] != "'=HYPERLINK(\"http://evil\")\n- [ ] list? <img src=x onerror=alert(2)> @here\n> quote -->\n1. one\n␛]8;;http://evil␇link" {
		t.Errorf("note cell = %q", row[7])
	}
	if row[6] != "'@admin <b>eve</b>" || recs[2][7] != "'+1 --> <!-- -@user" || recs[3][7] != "'-2+3" {
		t.Errorf("reviewer %q, notes %q %q", row[6], recs[2][7], recs[3][7])
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain core/state: fix copy": "plain core/state: fix copy",
		"# heading":                  "\\# heading",
		"- item":                     "\\- item",
		"+1":                         "\\+1",
		"1. one":                     "1\\. one",
		"1.5 gwei":                   "1.5 gwei",
		"2) two":                     "2\\) two",
		"===":                        "\\===",
		"a_b*c*":                     "a\\_b\\*c\\*",
		"x <y> & z":                  "x &lt;y&gt; &amp; z",
		"ping @bob, mail a@b.c":      "ping @\u200dbob, mail a@\u200db.c",
		"fixes #12 and GH-3":         "fixes #\u200d12 and GH\u200d-3",
		"a\\b":                       "a\\\\b",
		"line\nbreak\r\nhere":        "line break here",
		"   leading":                 "leading",
		"$5 ~x~":                     "\\$5 \\~x\\~",
		"bidi \u202eevil":            "bidi \uFFFDevil",
		"marks \u200f\u061c":         "marks \uFFFD\uFFFD",
	} {
		if got := mdInline(in); got != want {
			t.Errorf("mdInline(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"core/state/statedb.go": "`core/state/statedb.go`",
		"(*StateDB).Copy":       "`(*StateDB).Copy`",
		"a`b":                   "a\\`b",
		"a|b":                   "a\\|b",
		"<x>":                   "&lt;x&gt;",
		"":                      "",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdQuote("one\ntwo\n\n- three"); got != "> one\\\n> two\n>\n> \\- three" {
		t.Errorf("mdQuote = %q", got)
	}
}
