package export

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"path"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/forkreview/forkreview/review"
)

// The page carries chroma's CSS for one light and one dark style; the highlighted HTML only
// names classes, so the theme switch is pure CSS.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

func newFormatter(start int) *chromahtml.Formatter {
	opts := []chromahtml.Option{chromahtml.WithClasses(true), chromahtml.TabWidth(4)}
	if start > 0 {
		opts = append(opts, chromahtml.WithLineNumbers(true), chromahtml.BaseLineNumber(start))
	}
	return chromahtml.New(opts...)
}

// highlight renders code as HTML with chroma. chroma escapes every token (html.EscapeString),
// so the result is safe to mark as template.HTML; if highlighting fails, the text is escaped
// plainly instead.
func highlight(lexer chroma.Lexer, code string, start int) template.HTML {
	code = cleanText(code, true)
	if lexer == nil {
		lexer = lexers.Fallback
	}
	lexer = chroma.Coalesce(lexer)
	it, err := lexer.Tokenise(nil, code)
	if err == nil {
		var buf bytes.Buffer
		if err = newFormatter(start).Format(&buf, styles.Get(lightStyle), it); err == nil {
			return template.HTML(buf.String())
		}
	}
	return template.HTML(`<pre class="chroma"><code>` + template.HTMLEscapeString(code) + `</code></pre>`)
}

// lexerFor picks a lexer by file name, as GitHub's linguist does by extension.
func lexerFor(p string) chroma.Lexer {
	if l := lexers.Match(path.Base(p)); l != nil {
		return l
	}
	return lexers.Fallback
}

// hunkHTML highlights one overlap hunk with the diff lexer, under its @@ header.
func hunkHTML(h review.DiffHunk) template.HTML {
	text := fmt.Sprintf("@@ -%d,%d +%d,%d @@\n", h.OldStart, h.OldLines, h.NewStart, h.NewLines) + h.Text
	return highlight(lexers.Get("diff"), text, 0)
}

// sideHTML highlights one side of a conflict with the file's lexer, numbered from its first
// line in that side's file.
func sideHTML(p, text string, start int) template.HTML {
	return highlight(lexerFor(p), text, start)
}

var chromaCSSOnce = sync.OnceValue(func() string {
	var light, dark bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithAllClasses(true), chromahtml.WithLineNumbers(true), chromahtml.WithCSSComments(false))
	if err := f.WriteCSS(&light, styles.Get(lightStyle)); err != nil {
		return ""
	}
	if err := f.WriteCSS(&dark, styles.Get(darkStyle)); err != nil {
		return light.String()
	}
	var out strings.Builder
	out.WriteString("/* chroma " + lightStyle + " */\n")
	out.Write(light.Bytes())
	out.WriteString("/* chroma " + darkStyle + ": chosen by the toggle, or by the system without script */\n")
	// The light style colours tokens the dark one leaves alone; reset them first, or they
	// would show light colours on the dark background.
	const reset = ".chroma span { color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; text-decoration: inherit }\n"
	out.WriteString(scopeCSS(reset+dark.String(), `:root[data-theme="dark"] `))
	out.WriteString("@media screen and (prefers-color-scheme: dark) {\n")
	out.WriteString(scopeCSS(reset+dark.String(), `:root:not([data-theme]) `))
	out.WriteString("}\n")
	return out.String()
})

// chromaCSS is the highlighting CSS of the page: the light style, and the dark style scoped to
// the dark theme.
func chromaCSS() string { return chromaCSSOnce() }

// scopeCSS prefixes every selector of chroma's one-rule-per-line CSS.
func scopeCSS(css, prefix string) string {
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(css))
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, " {")
		if i < 0 {
			continue
		}
		sels := strings.Split(line[:i], ",")
		for j, s := range sels {
			sels[j] = prefix + strings.TrimSpace(s)
		}
		out.WriteString(strings.Join(sels, ", ") + line[i:] + "\n")
	}
	return out.String()
}
