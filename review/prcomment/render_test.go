package prcomment

import (
	"crypto/sha1"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/forkreview/forkreview/review"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func hashOf(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

type commitSpec struct {
	subject string
	risk    review.Risk
	tags    []string
	reasons []string
	files   []review.FileChange
	confl   []review.Conflict
	status  review.Status
	who     string
	note    string
}

func commitFrom(i int, s commitSpec) review.Commit {
	c := review.Commit{
		Hash:    hashOf(fmt.Sprintf("%d %s", i, s.subject)),
		Author:  "Dev <dev@example.com>",
		Date:    time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(i) * time.Hour),
		Subject: s.subject,
		Risk:    s.risk,
		Tags:    s.tags,
		Reasons: s.reasons,
		Files:   s.files,
		Review:  review.Entry{Status: review.StatusPending},
	}
	c.Parents = []string{hashOf(fmt.Sprint("parent", i))}
	if m := regexp.MustCompile(`\(#(\d+)\)$`).FindStringSubmatch(s.subject); m != nil {
		fmt.Sscan(m[1], &c.UpstreamPR)
	}
	c.Conflicts = s.confl
	if s.status != "" {
		c.Review = review.Entry{Status: s.status, Reviewer: s.who, Note: s.note, UpdatedAt: "2024-02-01T10:00:00Z"}
	}
	return c
}

func report(specs []commitSpec) *review.Report {
	r := &review.Report{
		SchemaVersion: review.SchemaVersion,
		Tool:          review.Tool{Name: "forkreview", Version: "0.1.0"},
		GeneratedAt:   time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC),
		Repository:    "/home/runner/work/geth-fork",
		Upstream: review.Upstream{From: "v1.13.11", To: "v1.13.12", FromCommit: hashOf("from"), ToCommit: hashOf("to"),
			URL: "https://github.com/ethereum/go-ethereum"},
		Fork: review.Fork{Ref: "HEAD", Commit: hashOf("fork"), BaseCommit: hashOf("from"), ChangedFiles: 312, ChangedDeclarations: 845},
	}
	for i, s := range specs {
		r.Commits = append(r.Commits, commitFrom(i, s))
	}
	r.Summarize()
	return r
}

func realistic() *review.Report {
	fc := func(path string, ov review.Overlap, decls ...string) review.FileChange {
		return review.FileChange{Path: path, Status: review.StatusModified, Additions: 3, Deletions: 1, Overlap: ov, Declarations: decls}
	}
	return report([]commitSpec{
		{subject: "core/state: fix copy of access list (#28547)", risk: review.RiskConflict, tags: []string{"consensus"},
			reasons: []string{"core/state/statedb.go: content conflict in (*StateDB).Copy"},
			files:   []review.FileChange{fc("core/state/statedb.go", review.OverlapConflict, "(*StateDB).Copy")},
			confl:   []review.Conflict{{Path: "core/state/statedb.go", Kind: "content", BaseStart: 700, ForkStart: 712, UpstreamStart: 700}},
			status:  review.StatusReviewed, who: "alice"},
		{subject: "go.mod: upgrade golang.org/x/crypto (#28560)", risk: review.RiskConflict, tags: []string{"deps"},
			reasons: []string{"go.sum: content conflict (trivial: regenerate with go mod tidy)", "go.mod: content conflict"},
			files:   []review.FileChange{fc("go.mod", review.OverlapConflict), fc("go.sum", review.OverlapConflict)},
			confl: []review.Conflict{{Path: "go.mod", Kind: "content"}, {Path: "go.sum", Kind: "content", Trivial: true, Regenerate: "go mod tidy"},
				{Path: "go.sum", Kind: "content", Trivial: true, Regenerate: "go mod tidy"}}},
		{subject: "eth/downloader: fix panic on skeleton sync (#28570)", risk: review.RiskHigh, tags: []string{"security"},
			reasons: []string{"eth/downloader/skeleton.go: (*skeleton).sync changed by both"},
			files:   []review.FileChange{fc("eth/downloader/skeleton.go", review.OverlapDeclaration, "(*skeleton).sync")},
			status:  review.StatusFollowUp, who: "bob", note: "check against our snap sync changes @carol"},
		{subject: "core/txpool: track blob transactions separately (#28580)", risk: review.RiskHigh,
			reasons: []string{"core/txpool/txpool.go: (*TxPool).Add changed by both", "core/txpool/txpool.go: New changed by both"},
			files:   []review.FileChange{fc("core/txpool/txpool.go", review.OverlapDeclaration, "(*TxPool).Add", "New"), fc("core/txpool/errors.go", review.OverlapFile)}},
		{subject: "params: schedule Cancun on Goerli (#28590)", risk: review.RiskHigh, tags: []string{"consensus", "zone:chainconfig"},
			reasons: []string{"params/config.go: lines near fork change", "zone chainconfig: The fork carries its own chain configs."},
			files:   []review.FileChange{fc("params/config.go", review.OverlapDeclaration, "GoerliChainConfig")}},
		{subject: "internal/ethapi: add eth_blobBaseFee (#28600)", risk: review.RiskMedium,
			reasons: []string{"internal/ethapi/api.go: changed elsewhere in a file the fork changed"},
			files:   []review.FileChange{fc("internal/ethapi/api.go", review.OverlapFile)}, status: review.StatusNotApplicable, who: "alice"},
		{subject: "miner: refactor worker environment (#28610)", risk: review.RiskMedium,
			reasons: []string{"miner/worker.go: changed elsewhere in a file the fork changed"},
			files:   []review.FileChange{fc("miner/worker.go", review.OverlapFile)}},
		{subject: "p2p/discover: fix race in table refresh (#28620)", risk: review.RiskLow, tags: []string{"security"},
			reasons: []string{"p2p/discover: package changed by the fork"}},
		{subject: "core/vm: tidy up comments (#28630)", risk: review.RiskLow, tags: []string{"consensus"}, status: review.StatusReviewed, who: "carol"},
		{subject: "cmd/devp2p: add crawler flag (#28640)", risk: review.RiskNone},
		{subject: "docs: fix typo in README (#28650)", risk: review.RiskNone, tags: []string{"docs-only"}},
		{subject: "eth: backport fork's fix of receipt logs (#28660)", risk: review.RiskApplied, tags: []string{"security"}},
		{subject: "Merge branch 'release/1.13'", risk: review.RiskNone, tags: []string{"merge"}},
	})
}

func TestGolden(t *testing.T) {
	got := Render(realistic(), Options{
		ReportURL: "https://github.com/acme/geth-fork/actions/runs/987654321/artifacts/42",
		RunURL:    "https://github.com/acme/geth-fork/actions/runs/987654321",
	})
	path := filepath.Join("testdata", "comment.golden.md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("comment differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

func TestChecklist(t *testing.T) {
	out := Render(realistic(), Options{})
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "- [") {
			for _, subj := range []string{"fix copy of access list", "upgrade golang.org", "skeleton sync", "blob transactions", "schedule Cancun",
				"eth\\_blobBaseFee", "worker environment", "race in table refresh", "tidy up comments", "crawler flag", "typo in README", "backport", "Merge branch"} {
				if strings.Contains(l, subj) {
					lines[subj] = l
				}
			}
		}
	}
	want := map[string]string{
		"fix copy of access list": "- [x] **conflict**", // reviewed
		"upgrade golang.org":      "- [ ] **conflict**",
		"skeleton sync":           "- [ ] **high**", // follow-up is not done
		"blob transactions":       "- [ ] **high**",
		"schedule Cancun":         "- [ ] **high**",
		"eth\\_blobBaseFee":       "- [x] **medium**", // not applicable
		"worker environment":      "- [ ] **medium**",
		"race in table refresh":   "- [ ] **low**", // security
		"tidy up comments":        "- [x] **low**", // consensus, reviewed
	}
	for subj, prefix := range want {
		if !strings.HasPrefix(lines[subj], prefix) {
			t.Errorf("checklist line for %q is %q, want it to start with %q", subj, lines[subj], prefix)
		}
	}
	for _, absent := range []string{"crawler flag", "typo in README", "backport", "Merge branch"} {
		if l, ok := lines[absent]; ok {
			t.Errorf("%q needs no review but is on the checklist: %q", absent, l)
		}
	}
	if !strings.Contains(lines["skeleton sync"], "**follow-up** by bob: check against our snap sync changes @&#8203;carol") {
		t.Errorf("follow-up line: %q", lines["skeleton sync"])
	}
	if !strings.Contains(out, "### Checklist (3 of 9 done)") || !strings.Contains(out, "Reviewed **3 of 9** that need review, 1 marked for follow-up.") {
		t.Errorf("progress counts wrong:\n%s", out)
	}
	// Conflicts and high-risk lists carry their reasons, files and declarations.
	for _, want := range []string{
		"core/state/statedb.go&#58;", // never: ':' is not escaped
	} {
		if strings.Contains(out, want) {
			t.Errorf("unexpected %q", want)
		}
	}
	for _, want := range []string{
		"  - core/state/statedb.go: content conflict in (\\*StateDB).Copy\n",
		"  - conflicts in: `go.mod` (content), `go.sum` (content, trivial, regenerate: `go mod tidy`)\n",
		"  - files: `core/txpool/txpool.go` (`(*TxPool).Add`, `New`), `core/txpool/errors.go`\n",
		"[`" + realistic().Commits[0].Hash[:10] + "`](https://github.com/ethereum/go-ethereum/commit/" + realistic().Commits[0].Hash + ") core/state: fix copy of access list ([#28547](https://github.com/ethereum/go-ethereum/pull/28547))",
		"[`v1.13.11` → `v1.13.12`](https://github.com/ethereum/go-ethereum/compare/v1.13.11...v1.13.12)",
		"| conflict | 2 | 1 | 1 | 0 | 0 |",
		"| **all** | **13** | **9** | **2** | **1** | **1** |",
		"Full report: `forkreview export --format html`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("comment lacks %q:\n%s", want, out)
		}
	}
}

func TestNoUpstreamURL(t *testing.T) {
	r := realistic()
	r.Upstream.URL = "javascript:alert(1)"
	out := Render(r, Options{ReportURL: "file:///etc/passwd"})
	if strings.Contains(out, "javascript") || strings.Contains(out, "file:") || strings.Contains(out, "](") {
		t.Errorf("unsafe addresses made links:\n%s", out)
	}
	if !strings.Contains(out, "core/state: fix copy of access list (upstream #&#8203;28547)") {
		t.Errorf("pull request number not kept as neutral text:\n%s", out)
	}
}

func TestNothingToReview(t *testing.T) {
	r := report([]commitSpec{{subject: "cmd: tidy", risk: review.RiskNone}, {subject: "x (#1)", risk: review.RiskApplied, tags: []string{"security"}}})
	out := Render(r, Options{})
	if !strings.Contains(out, "No commit in this range needs review.") || strings.Contains(out, "### Conflicts") || strings.Contains(out, "- [") {
		t.Errorf("empty checklist:\n%s", out)
	}
	if strings.Contains(Render(&review.Report{}, Options{}), "\n\n\n") {
		t.Error("an empty report renders stray blank lines")
	}
}

const hostile = "@user @org/team --> <!-- <script>alert(1)</script> | `code` ``` \n# heading\n- item\r\n[x](javascript:alert(1)) ![i](http://e/x.png) $x$ **b** ~~s~~ _i_ &amp; &#64;evil #123 a/b#4 \u202eevil\u202c </details> \\"

func hostileReport() *review.Report {
	fc := review.FileChange{Path: "core/`x` @path <b>.go", Overlap: review.OverlapDeclaration, Declarations: []string{"(*T).M`` @decl", "-->"}}
	return report([]commitSpec{
		{subject: hostile + " (#28547)", risk: review.RiskConflict, tags: []string{"@tag", "zone:<b>"}, reasons: []string{hostile, "\n" + hostile},
			files: []review.FileChange{fc}, confl: []review.Conflict{{Path: hostile, Kind: "--> @k", Regenerate: "rm -rf / @x `y`"}},
			status: review.StatusFollowUp, who: "@mallory", note: hostile},
		{subject: hostile, risk: review.RiskHigh, reasons: []string{hostile}, files: []review.FileChange{fc}, status: review.StatusReviewed, who: "@org/team"},
		{subject: "1. " + hostile, risk: review.RiskMedium, tags: []string{"security"}},
	})
}

// mentionRE finds what GitHub would turn into a mention or an issue reference: '@' or '#'
// directly followed by a name or number, outside code spans.
var mentionRE = regexp.MustCompile(`(^|[^&])[@#][A-Za-z0-9_-]`)

// prLinkRE is the renderer's own link to an upstream pull request.
var prLinkRE = regexp.MustCompile(`\[#\d+\]\(https://github\.com/ethereum/go-ethereum/pull/\d+\)`)

func TestHostileText(t *testing.T) {
	r := hostileReport()
	r.Upstream.From, r.Tool.Version = "v1 @from <!--", "@ver -->"
	out := Render(r, Options{})
	if !strings.HasPrefix(out, DefaultMarker+"\n") {
		t.Errorf("comment does not start with its marker:\n%s", out)
	}
	// What GitHub reads as Markdown and HTML: everything but code spans and our link targets.
	lines := strings.Split(out, "\n")[1:]
	for _, l := range lines {
		v := visible(l)
		for _, bad := range []string{"<!--", "-->", "<script", "<b>", "\u202e"} {
			if strings.Contains(v, bad) {
				t.Errorf("line holds %q outside code: %q", bad, l)
			}
		}
		if m := rawLinkRE.FindString(v); m != "" {
			t.Errorf("line holds the link %q: %q", m, l)
		}
		if strings.Contains(v, "<") && !strings.HasPrefix(l, "<details><summary>") && l != "</details>" && !strings.HasPrefix(l, "<sub>") {
			t.Errorf("raw HTML in %q", l)
		}
	}
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Errorf("unbalanced <details>:\n%s", out)
	}
	// Outside code spans nothing mentions or references anyone.
	for _, l := range strings.Split(out, "\n") {
		if m := mentionRE.FindString(visible(l)); m != "" {
			t.Errorf("line mentions %q: %q", m, l)
		}
	}
	// Every line the commits produced is one of ours: untrusted text never starts a line.
	for _, l := range strings.Split(out, "\n") {
		ok := l == "" || strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "  - ") || strings.HasPrefix(l, "#") ||
			strings.HasPrefix(l, "|") || strings.HasPrefix(l, "**") || strings.HasPrefix(l, "<!--") ||
			strings.HasPrefix(l, "<details>") || strings.HasPrefix(l, "</details>") || strings.HasPrefix(l, "---") ||
			strings.HasPrefix(l, "<sub>") || strings.HasPrefix(l, "Commits at") || strings.HasPrefix(l, "These ")
		if !ok {
			t.Errorf("line not made by the renderer: %q", l)
		}
	}
	// No table is broken by a pipe: untrusted pipes are escaped.
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "|") {
			continue
		}
		if i := strings.Index(visible(l), "|"); i >= 0 && !strings.Contains(visible(l), "\\|") {
			t.Errorf("unescaped pipe in %q", l)
		}
	}
}

// rawLinkRE finds a link or image made of untrusted text: "](" after an unescaped "]".
var rawLinkRE = regexp.MustCompile(`(^|[^\\])\]\(`)

// linkTargetRE matches the targets of the renderer's links (upstream commits, pull requests,
// compare, reports); link texts stay.
var linkTargetRE = regexp.MustCompile(`\]\(https://github\.com/[^)\s]*\)`)

// visible is what GitHub parses as Markdown in a line: code spans and link targets removed,
// and the renderer's own "#N" links to upstream pull requests.
func visible(l string) string {
	return linkTargetRE.ReplaceAllString(prLinkRE.ReplaceAllString(stripCode(l), ""), "]")
}

// stripCode removes code spans (the renderer's, with fences of any length) from a line.
func stripCode(l string) string {
	var b strings.Builder
	for i := 0; i < len(l); {
		if l[i] == '\\' && i+1 < len(l) {
			b.WriteString(l[i : i+2])
			i += 2
			continue
		}
		if l[i] != '`' {
			b.WriteByte(l[i])
			i++
			continue
		}
		n := 0
		for i+n < len(l) && l[i+n] == '`' {
			n++
		}
		fence := l[i : i+n]
		end := strings.Index(l[i+n:], fence)
		for end >= 0 && i+n+end+n < len(l) && l[i+n+end+n] == '`' {
			next := strings.Index(l[i+n+end+n:], fence)
			if next < 0 {
				end = -1
				break
			}
			end += n + next
		}
		if end < 0 {
			b.WriteString(fence)
			i += n
			continue
		}
		i += n + end + n
	}
	return b.String()
}

func TestNeutralize(t *testing.T) {
	cases := map[string]string{
		"core/state: fix (#28547)": "core/state: fix (#&#8203;28547)",
		"@user and @org/team":      "@&#8203;user and @&#8203;org/team",
		"mail me: a@b.c":           "mail me: a@&#8203;b.c",
		"a --> b <!-- c":           "a --&gt; b &lt;!-- c",
		"<script>x</script>":       "&lt;script&gt;x&lt;/script&gt;",
		"a | b":                    "a \\| b",
		"`x` *y* _z_ ~s~ $m$":      "\\`x\\` \\*y\\* \\_z\\_ \\~s\\~ \\$m\\$",
		"[l](javascript:x)":        "\\[l\\](javascript:x)",
		"line\nbreak\r\n\ttab":     "line break tab",
		"# heading":                "\\# heading",
		"- item":                   "\\- item",
		"+ item":                   "\\+ item",
		"12. item":                 "12\\. item",
		"3) item":                  "3\\) item",
		"&amp; &#64;x":             "&amp;amp; &amp;#&#8203;64;x",
		"a\u202eb\u200bc\x00d":     "abcd",
		"a\u061cb\u200fc":          "abc",
		"  spaced  out  ":          "spaced out",
		"back\\slash":              "back\\\\slash",
		"bad \xff utf8":            "bad \uFFFD utf8",
		"@":                        "@",
		"x #":                      "x #",
	}
	for in, want := range cases {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeSpan(t *testing.T) {
	cases := map[string]string{
		"core/state.go": "`core/state.go`",
		"a`b":           "``a`b``",
		"`x`":           "`` `x` ``",
		"a``b```c":      "````a``b```c````",
		" pad ":         "`pad`",
		"two\nlines":    "`two lines`",
		"":              "",
	}
	for in, want := range cases {
		if got := code(in); got != want {
			t.Errorf("code(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncateAndThousands(t *testing.T) {
	if got := truncate("abcdef", 4); got != "abc…" || utf8.RuneCountInString(got) != 4 {
		t.Errorf("truncate: %q", got)
	}
	if got := truncate("äöü", 3); got != "äöü" {
		t.Errorf("truncate kept length: %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 65536: "65,536", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{hostile, "@a", "#1", "<!--", "a\nb", "`", "1. x", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Neutralize(s)
		if strings.ContainsAny(out, "<>\n\r") {
			t.Fatalf("Neutralize(%q) = %q holds raw HTML or a line break", s, out)
		}
		if m := mentionRE.FindString(out); m != "" {
			t.Fatalf("Neutralize(%q) = %q still mentions %q", s, out, m)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Neutralize(%q) is not UTF-8", s)
		}
		for i := 0; i < len(out); i++ {
			if strings.IndexByte("`|*_[]~$", out[i]) >= 0 {
				// the escape itself may be escaped: count the backslashes
				n := 0
				for j := i - 1; j >= 0 && out[j] == '\\'; j-- {
					n++
				}
				if n%2 == 0 {
					t.Fatalf("Neutralize(%q) = %q leaves %q unescaped at %d", s, out, out[i], i)
				}
			}
		}
	})
}
