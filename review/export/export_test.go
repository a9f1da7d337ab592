package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/forkreview/forkreview/review"
)

// customTemplate is what a team might keep as its own format: a changelog for the merge PR.
const customTemplate = `## Taking in {{md .Upstream.From}}..{{md .Upstream.To}} ({{.Progress.Percent}}% reviewed)
{{range .Commits}}{{if or (eq .Status "follow-up") .HasNote}}
- {{riskIcon .Risk}} {{codeLink (short .Hash) .URL}} {{md .Title}}{{with prLink .UpstreamPR .PRURL}} ({{.}}){{end}} · {{statusText .Status}}
{{with note .Review.Reviewer .Review.Note}}{{indent 2 .}}
{{end}}{{end}}{{end}}
Reviewers: {{range $i, $r := .Reviewers}}{{if $i}}, {{end}}{{md $r.Name}}{{end}}
`

func render(t *testing.T, format string, r *review.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if format == "template" {
		err = Template(&buf, r, customTemplate, Options{Now: sampleNow})
	} else {
		err = Render(&buf, format, r, Options{Now: sampleNow})
	}
	if err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for format, file := range map[string]string{
		"markdown": "sample.md", "html": "sample.html", "json": "sample.json", "csv": "sample.csv", "template": "sample-template.md",
	} {
		t.Run(format, func(t *testing.T) {
			r := sampleReport()
			golden(t, file, render(t, format, r))
			// Rendering twice gives the same bytes: nothing depends on map order or the clock.
			if a, b := render(t, format, r), render(t, format, r); !bytes.Equal(a, b) {
				t.Errorf("%s output is not deterministic", format)
			}
		})
	}
}

func TestFormatsAndRender(t *testing.T) {
	if got := strings.Join(Formats(), ","); got != "markdown,html,json,csv" {
		t.Errorf("Formats() = %s", got)
	}
	err := Render(&bytes.Buffer{}, "pdf", sampleReport(), Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown export format "pdf"`) || !strings.Contains(err.Error(), "markdown, html, json, csv") {
		t.Errorf("Render(pdf) error = %v", err)
	}
}

func risk(r review.Risk) *review.Risk { return &r }

func TestFilter(t *testing.T) {
	r := sampleReport()
	before, _ := json.Marshal(r)
	cases := []struct {
		name string
		f    Filter
		want int
	}{
		{"zero", Filter{}, 21},
		{"min-risk high", Filter{MinRisk: risk(review.RiskHigh)}, 5},
		{"min-risk none keeps all but applied", Filter{MinRisk: risk(review.RiskNone)}, 20},
		{"min-risk applied keeps all", Filter{MinRisk: risk(review.RiskApplied)}, 21},
		{"status follow-up", Filter{Status: []review.Status{review.StatusFollowUp}}, 3},
		{"status pending or follow-up", Filter{Status: []review.Status{review.StatusPending, review.StatusFollowUp}}, 12},
		{"area prefix", Filter{Area: []string{"core"}}, 5},
		{"area with slash", Filter{Area: []string{"core/"}}, 5},
		{"area exact", Filter{Area: []string{"core/state"}}, 1},
		{"area is by segment", Filter{Area: []string{"cor"}}, 0},
		{"tag", Filter{Tag: []string{"security"}}, 6},
		{"tags or", Filter{Tag: []string{"security", "consensus"}}, 10},
		{"fields and", Filter{MinRisk: risk(review.RiskHigh), Tag: []string{"consensus"}, Status: []review.Status{review.StatusFollowUp}}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f.Apply(r)
			if len(got.Commits) != tc.want {
				t.Fatalf("%d commits, want %d", len(got.Commits), tc.want)
			}
			if got.Summary.Commits != tc.want {
				t.Errorf("summary counts %d commits, want %d", got.Summary.Commits, tc.want)
			}
			sum := 0
			for _, n := range got.Summary.ByRisk {
				sum += n
			}
			if sum != tc.want || len(got.Summary.ByRisk) != len(review.Risks) || len(got.Summary.ByStatus) != len(review.Statuses) {
				t.Errorf("summary not recomputed: %+v", got.Summary)
			}
			for i := range got.Commits {
				if !tc.f.Match(&got.Commits[i]) {
					t.Errorf("commit %s does not match", got.Commits[i].Subject)
				}
			}
			if tc.f.IsZero() != (tc.name == "zero") {
				t.Errorf("IsZero = %v", tc.f.IsZero())
			}
		})
	}
	after, _ := json.Marshal(r)
	if !bytes.Equal(before, after) {
		t.Error("Apply changed the report it was given")
	}
}

func TestDataSections(t *testing.T) {
	d := NewData(sampleReport(), Options{Now: sampleNow})
	full := map[string]int{}
	for _, s := range d.Sections {
		for _, c := range s.Commits {
			full[c.Hash]++
			if c.Home != s.ID {
				t.Errorf("%s shown in full in %s but its home is %s", c.Short(), s.ID, c.Home)
			}
		}
		for _, c := range s.Also {
			if c.Home == s.ID || c.Home == "" {
				t.Errorf("%s cross-referenced in %s, home %q", c.Short(), s.ID, c.Home)
			}
		}
	}
	for _, a := range d.Areas {
		for _, c := range a.Commits {
			full[c.Hash]++
		}
	}
	for _, c := range d.Commits {
		if full[c.Hash] != 1 {
			t.Errorf("%s (%s) shown in full %d times, want once", c.Short(), c.Subject, full[c.Hash])
		}
	}
	ids := []string{}
	for _, s := range d.Sections {
		ids = append(ids, s.ID+":"+itoa(len(s.Commits))+"+"+itoa(len(s.Also)))
	}
	if got := strings.Join(ids, " "); got != "conflicts:2+0 high:3+0 follow-up:2+1 security:2+4 consensus:2+3" {
		t.Errorf("sections = %s", got)
	}
	if d.Rest != 10 || len(d.Areas) != 10 {
		t.Errorf("rest = %d commits in %d areas", d.Rest, len(d.Areas))
	}
	if d.Progress != (Progress{Total: 21, Decided: 12, Pending: 9, Reviewed: 6, FollowUp: 3, NotApplicable: 3, Percent: 57}) {
		t.Errorf("progress = %+v", d.Progress)
	}
	if len(d.Reviewers) != 2 || d.Reviewers[0] != (Reviewer{Name: "bob", Commits: 8, FollowUps: 2, Notes: 5}) {
		t.Errorf("reviewers = %+v", d.Reviewers)
	}
	if d.Commits[0].Title != "core/state: fix copy of access list and transient storage" || d.Commits[0].AuthorName != "Martin Holst Swende" {
		t.Errorf("title %q, author %q", d.Commits[0].Title, d.Commits[0].AuthorName)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestJSONContract(t *testing.T) {
	// A report as a scan may build it: nil slices everywhere, times in another zone.
	r := sampleReport()
	r.GeneratedAt = r.GeneratedAt.In(fixedZone)
	r.Commits[0].Tags, r.Commits[0].Reasons, r.Commits[0].Parents = nil, nil, nil
	r.Commits[0].Files[0].Declarations = nil
	r.Commits[1].Files = nil
	r.Commits[2].Review = review.Entry{}
	out := render(t, "json", r)
	if !bytes.HasSuffix(out, []byte("}\n")) || bytes.HasSuffix(out, []byte("\n\n")) {
		t.Error("JSON must end with exactly one newline")
	}
	if !bytes.HasPrefix(out, []byte("{\n  \"schema_version\": 1,\n  \"tool\": {\n    \"name\"")) {
		t.Errorf("JSON is not two-space indented in report-format.md's order:\n%s", out[:80])
	}
	if bytes.Contains(out, []byte(": null")) {
		t.Errorf("JSON holds null: %s", out[bytes.Index(out, []byte(": null"))-60:bytes.Index(out, []byte(": null"))+4])
	}
	if !bytes.Contains(out, []byte(`"generated_at": "2026-11-21T12:00:00Z"`)) {
		t.Error("generated_at is not in UTC")
	}
	var generic map[string]any
	if err := json.Unmarshal(out, &generic); err != nil {
		t.Fatal(err)
	}
	c0 := generic["commits"].([]any)[0].(map[string]any)
	for _, k := range []string{"hash", "parents", "author", "date", "subject", "body", "area", "upstream_pr", "tags", "risk", "reasons", "files", "review"} {
		if _, ok := c0[k]; !ok {
			t.Errorf("commit lacks %q", k)
		}
	}
	for _, k := range []string{"parents", "tags", "reasons"} {
		if a, ok := c0[k].([]any); !ok || len(a) != 0 {
			t.Errorf("%s = %#v, want []", k, c0[k])
		}
	}
	rv := generic["commits"].([]any)[2].(map[string]any)["review"].(map[string]any)
	if rv["status"] != "pending" || len(rv) != 4 {
		t.Errorf("unset review = %v, want status pending and the four fields of report-format.md", rv)
	}
	var back review.Report
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back.Summary.ByRisk["conflict"] != 2 || back.Commits[3].Risk != review.RiskHigh || back.Commits[0].Conflicts[0].ForkStart != 719 {
		t.Errorf("round trip lost data: %+v", back.Summary)
	}
	// Empty report: commits is [] too.
	empty := render(t, "json", &review.Report{})
	if !bytes.Contains(empty, []byte(`"commits": []`)) || bytes.Contains(empty, []byte(": null")) {
		t.Errorf("empty report:\n%s", empty)
	}
}

func TestCSVRows(t *testing.T) {
	out := render(t, "csv", sampleReport())
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 22 || strings.Join(recs[0], ",") != "hash,subject,area,risk,tags,status,reviewer,note,upstream_pr,link" {
		t.Fatalf("%d rows, header %v", len(recs), recs[0])
	}
	row := recs[1]
	if row[0] != hash(row[1]) || row[3] != "conflict" || row[4] != "security; consensus" || row[5] != "reviewed" || row[6] != "alice" ||
		row[8] != "28547" || row[9] != "https://github.com/ethereum/go-ethereum/commit/"+row[0] || !strings.Contains(row[7], "\nAdded a test") {
		t.Errorf("first row = %q", row)
	}
	if last := recs[21]; last[8] != "" || last[2] != "" {
		t.Errorf("merge commit row = %q: no PR and no area", last)
	}
}

func TestTemplateErrors(t *testing.T) {
	var buf bytes.Buffer
	err := Template(&buf, sampleReport(), "{{.Commits", Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "parse report template:") {
		t.Errorf("parse error = %v", err)
	}
	err = Template(&buf, sampleReport(), "partial {{range .Commits}}{{.NoSuchField}}{{end}}", Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "run report template:") || !strings.Contains(err.Error(), "NoSuchField") {
		t.Errorf("exec error = %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("a failing template wrote %q", buf.String())
	}
	err = Template(&buf, sampleReport(), `{{dict "a"}}`, Options{})
	if err == nil || !strings.Contains(err.Error(), "key, value pairs") {
		t.Errorf("dict error = %v", err)
	}
	if !strings.Contains(MarkdownTemplate(), `define "commit"`) {
		t.Error("MarkdownTemplate does not return the built-in template")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	for _, f := range Formats() {
		if err := Render(failWriter{}, f, sampleReport(), Options{}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: write error = %v", f, err)
		}
	}
}

func TestOptions(t *testing.T) {
	r := sampleReport()
	var buf bytes.Buffer
	if err := Markdown(&buf, r, Options{Title: "Seminar: Cancun\nupstream"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "# Seminar: Cancun upstream\n") || !strings.Contains(buf.String(), "generated 2026-11-21 12:00 UTC") {
		t.Errorf("title or generated time (falls back to GeneratedAt):\n%s", buf.String()[:200])
	}
	r.Upstream.URL = ""
	buf.Reset()
	if err := Markdown(&buf, r, Options{Now: sampleNow}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "](http") || !strings.Contains(buf.String(), "upstream #\u200d28547") {
		t.Error("without an upstream URL there must be no links, and PR numbers must not link the fork's issues")
	}
	r.Upstream.URL = "javascript:alert(1)"
	buf.Reset()
	if err := HTML(&buf, r, Options{Now: sampleNow}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "javascript:") {
		t.Error("a javascript: upstream URL became a link")
	}
}

// TestFilterAreaMatchesAnyPlace: an area naming several places ("core/state, eth/downloader",
// as go-ethereum's subjects and merge commits have) is in each of them.
func TestFilterAreaMatchesAnyPlace(t *testing.T) {
	r := &review.Report{Commits: []review.Commit{
		{Hash: "a", Area: "core/state, eth/downloader", Risk: review.RiskLow},
		{Hash: "b", Area: "eth", Risk: review.RiskLow},
		{Hash: "c", Area: "ethclient", Risk: review.RiskLow},
		{Hash: "d", Area: "core, eth/protocols/snap", Risk: review.RiskLow},
	}}
	var got []string
	for _, c := range (Filter{Area: []string{"eth"}}).Apply(r).Commits {
		got = append(got, c.Hash)
	}
	if strings.Join(got, " ") != "a b d" {
		t.Errorf("--area eth kept %q, want a b d", got)
	}
}
