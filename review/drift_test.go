package review_test

import (
	"strings"
	"testing"

	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// TestDriftOfAMethodCalledThroughAVariable: fork code calls (*StateDB).Copy through a
// parameter of type *state.StateDB; upstream changes Copy's signature. Refs names such a call
// "StateDB.Copy" (the source cannot tell pointer from value receivers), and the drift must
// still be found under the method's own name.
func TestDriftOfAMethodCalledThroughAVariable(t *testing.T) {
	r := fixture.New(t)
	r.Commit("initial", fixture.Files{
		"go.mod":                  "module example.com/chain\n\ngo 1.22\n",
		"core/state/statedb.go":   "package state\n\ntype StateDB struct{ n int }\n\nfunc (s *StateDB) Copy() *StateDB { c := *s; return &c }\n\nfunc (s StateDB) Size() int { return s.n }\n",
		"core/state/journal.go":   "package state\n\nfunc journal() {}\n",
		"miner/worker.go":         "package miner\n\nfunc work() {}\n",
		"core/state/statedb_x.go": "package state\n\nfunc extra() {}\n",
	})
	r.Tag("v1", true, "")
	r.Commit("core/state: deep copies", fixture.Files{
		"core/state/statedb.go": "package state\n\ntype StateDB struct{ n int }\n\nfunc (s *StateDB) Copy(deep bool) *StateDB { c := *s; return &c }\n\nfunc (s StateDB) Size() int { return s.n }\n",
	})
	r.Commit("core/state: size in bytes", fixture.Files{
		"core/state/statedb.go": "package state\n\ntype StateDB struct{ n int }\n\nfunc (s *StateDB) Copy(deep bool) *StateDB { c := *s; return &c }\n\nfunc (s StateDB) Size() uint64 { return uint64(s.n) }\n",
	})
	r.Tag("v2", true, "")
	r.Branch("fork", "v1")
	r.Checkout("fork")
	r.Commit("fork: the sequencer", fixture.Files{
		"miner/worker.go": "package miner\n\nimport \"example.com/chain/core/state\"\n\nfunc work() {}\n\nfunc seal(db *state.StateDB) int {\n\tdb.Copy()\n\treturn db.Size()\n}\n",
	})
	got := scanRepo(t, r.Dir, "fork", "v1", "v2")
	if len(got) != 2 {
		t.Fatalf("%d commits", len(got))
	}
	for i, want := range []string{"state.(*StateDB).Copy changed shape; fork code uses it in miner/worker.go: seal", "state.StateDB.Size changed shape; fork code uses it in miner/worker.go: seal"} {
		c := got[i]
		if c.Risk != review.RiskMedium || !strings.Contains(strings.Join(c.Reasons, "\n"), want) {
			t.Errorf("%q: %s %q, want medium with %q", c.Subject, c.Risk, c.Reasons, want)
		}
	}
}
