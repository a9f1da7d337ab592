package review_test

import (
	"testing"

	"github.com/forkreview/forkreview/gitops/fixture"
)

// TestSampleFork checks the classifier on the demo's sample fork, whose every upstream commit
// has an expected risk by risk-model.md (gitops/fixture proves its conflicts and applied
// commits with git itself).
func TestSampleFork(t *testing.T) {
	s, err := fixture.BuildSample(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	commits := scanRepo(t, s.Dir, s.Fork, s.From, s.To)
	if len(commits) != len(s.Expect) {
		t.Errorf("%d commits, the sample has %d", len(commits), len(s.Expect))
	}
	for _, c := range commits {
		want, ok := s.Expect[c.Subject]
		if !ok {
			t.Errorf("unexpected commit %q", c.Subject)
			continue
		}
		if c.Risk.String() != want {
			t.Errorf("%q: risk %s, want %s; reasons %q", c.Subject, c.Risk, want, c.Reasons)
		}
		for _, tag := range s.ExpectTags[c.Subject] {
			if !c.HasTag(tag) {
				t.Errorf("%q: tags %v lack %q", c.Subject, c.Tags, tag)
			}
		}
	}
}
