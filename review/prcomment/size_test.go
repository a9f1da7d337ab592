package prcomment

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/forkreview/forkreview/review"
)

// bigReport is a range of 3,000 commits with long reasons, like a fork that skipped a few
// releases: 600 conflicts, 900 high, 900 medium, 300 low (security), 300 none.
func bigReport() *review.Report {
	var specs []commitSpec
	long := strings.Repeat("the fork rewrote this function to use its own trie and upstream changed it too ", 3)
	for i := 0; i < 3000; i++ {
		var s commitSpec
		switch {
		case i%5 == 0:
			s.risk = review.RiskConflict
		case i%10 == 1 || i%10 == 6 || i%10 == 3:
			s.risk = review.RiskHigh
		case i%10 == 2 || i%10 == 7 || i%10 == 8:
			s.risk = review.RiskMedium
		case i%10 == 4:
			s.risk, s.tags = review.RiskLow, []string{"security"}
		default:
			s.risk = review.RiskNone
		}
		s.subject = fmt.Sprintf("core/state%d: change number %d of a long series of changes (#%d)", i%40, i, 20000+i)
		for j := 0; j < 10; j++ {
			s.reasons = append(s.reasons, fmt.Sprintf("core/state%d/file%d.go: %s", i%40, j, long))
		}
		for j := 0; j < 8; j++ {
			s.files = append(s.files, review.FileChange{Path: fmt.Sprintf("core/state%d/file%d.go", i%40, j), Overlap: review.OverlapDeclaration,
				Declarations: []string{"(*StateDB).Copy", "(*StateDB).Commit", "New", "Prepare", "Finalise"}})
		}
		if s.risk == review.RiskConflict {
			s.confl = []review.Conflict{{Path: s.files[0].Path, Kind: "content"}, {Path: "go.sum", Kind: "content", Trivial: true}}
		}
		if i%3 == 0 {
			s.status, s.who = review.StatusReviewed, "alice"
		}
		specs = append(specs, s)
	}
	return report(specs)
}

var checkLineRE = regexp.MustCompile(`^- \[[ x]\] \*\*(\w+)\*\*`)

func TestSizeLimit(t *testing.T) {
	r := bigReport()
	for _, max := range []int{0, 20000, 4000} {
		start := time.Now()
		out := Render(r, Options{MaxChars: max, ReportURL: "https://github.com/acme/geth-fork/actions/runs/1/artifacts/2"})
		took := time.Since(start)
		limit := max
		if limit == 0 {
			limit = GitHubLimit
		}
		if len(out) > limit {
			t.Fatalf("MaxChars %d: comment is %d bytes", limit, len(out))
		}
		t.Logf("MaxChars %d: %d bytes, rendered in %v", limit, len(out), took)
		for _, want := range []string{"> [!NOTE]", "shortened to fit GitHub's limit of " + thousands(limit) + " characters", "not shown: see the [full report](https://github.com/acme/geth-fork/actions/runs/1/artifacts/2)",
			"| **all** | **3,000** |", "### Checklist (", "### Conflicts (600)", "### High risk (900)"} {
			if !strings.Contains(out, want) {
				t.Errorf("MaxChars %d: comment lacks %q", limit, want)
			}
		}
		if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
			t.Errorf("MaxChars %d: unbalanced <details>", limit)
		}
		if !strings.HasSuffix(out, "</sub>\n") {
			t.Errorf("MaxChars %d: the footer was cut", limit)
		}
		// Lower tiers go first: a medium item is kept only when every conflict and high item
		// of the checklist is.
		shown := map[string]int{}
		for _, l := range strings.Split(out, "\n") {
			if m := checkLineRE.FindStringSubmatch(l); m != nil {
				shown[m[1]]++
			}
		}
		if (shown["medium"] > 0 || shown["low"] > 0) && (shown["conflict"] != 600 || shown["high"] != 900) {
			t.Errorf("MaxChars %d: medium/low kept while conflicts or high were dropped: %v", limit, shown)
		}
		if shown["low"] > 0 && shown["medium"] != 900 {
			t.Errorf("MaxChars %d: low kept before medium: %v", limit, shown)
		}
		if limit == GitHubLimit && shown["conflict"] == 0 {
			t.Errorf("no conflict left in the checklist at the full limit: %v", shown)
		}
		t.Logf("MaxChars %d: checklist items shown %v", limit, shown)
	}
}

func TestTinyLimit(t *testing.T) {
	out := Render(bigReport(), Options{MaxChars: 300})
	if len(out) > 300 || !strings.HasPrefix(out, DefaultMarker+"\n") {
		t.Fatalf("tiny limit: %d bytes: %q", len(out), out)
	}
}

func TestFitsExactlyWhenSmall(t *testing.T) {
	// A report that fits is never shortened.
	out := Render(realistic(), Options{})
	if strings.Contains(out, "[!NOTE]") || strings.Contains(out, "not shown") {
		t.Fatal("a small report was shortened")
	}
	// Just below its own length, something is left out and the note says so.
	short := Render(realistic(), Options{MaxChars: len(out) - 1})
	if len(short) >= len(out) || !strings.Contains(short, "not shown") {
		t.Fatalf("limit %d: %d bytes, note missing", len(out)-1, len(short))
	}
}
