package prcomment

import (
	"strings"
	"testing"

	"github.com/forkreview/forkreview/review"
)

// TestTreeConflictDetail: a conflict that is not about lines (the fork deleted the file) says
// what happened, and hostile text in it stays inert.
func TestTreeConflictDetail(t *testing.T) {
	r := report([]commitSpec{{subject: "core: drop the old pool (#1)", risk: review.RiskConflict,
		reasons: []string{"core/pool.go: delete/modify conflict"},
		confl:   []review.Conflict{{Path: "core/pool.go", Kind: "delete/modify", Detail: "the fork deleted the file; upstream modifies it @ethereum/core -->"}}}})
	body := Render(r, Options{})
	if !strings.Contains(body, "`core/pool.go`: the fork deleted the file; upstream modifies it") {
		t.Errorf("no detail line:\n%s", body)
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, "the fork deleted") && (strings.Contains(line, "@ethereum/core") || strings.Contains(line, "-->")) {
			t.Errorf("hostile detail not neutralised: %q", line)
		}
	}
}
