package export

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/forkreview/forkreview/gitops"
	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// sampleForkReport scans the demo's sample fork as `forkreview scan` does and adds a review in
// progress, with the fields that vary between machines (paths, clock) fixed.
func sampleForkReport(t *testing.T) *review.Report {
	t.Helper()
	s, err := fixture.BuildSample(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	repo, err := gitops.Open(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	rg, err := repo.ResolveRange(gitops.RangeSpec{From: s.From, To: s.To, Fork: s.Fork})
	if err != nil {
		t.Fatal(err)
	}
	in, err := repo.Load(context.Background(), rg)
	if err != nil {
		t.Fatal(err)
	}
	rules := &review.Rules{UpstreamURL: "https://github.com/example/chain", ConsensusPaths: []string{"core/state/**", "core/vm/**", "consensus/**", "params/**"}}
	res, err := review.Classify(context.Background(), in, repo, review.Options{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	rep := &review.Report{
		SchemaVersion: review.SchemaVersion,
		Tool:          review.Tool{Name: "forkreview", Version: "test"},
		GeneratedAt:   time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC),
		Repository:    "/src/chain",
		Upstream:      review.Upstream{From: s.From, To: s.To, FromCommit: rg.FromCommit.String(), ToCommit: rg.ToCommit.String(), URL: rules.UpstreamURL},
		Fork:          review.Fork{Ref: s.Fork, Commit: rg.ForkCommit.String(), BaseCommit: rg.BaseCommit.String(), ChangedFiles: len(in.ForkChanges), ChangedDeclarations: res.ForkDeclarations},
		Commits:       res.Commits,
	}
	st := review.NewState()
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	for _, c := range rep.Commits {
		switch c.Risk {
		case review.RiskConflict:
			st.Set(c.Hash, c.Subject, review.StatusFollowUp, "Resolve by hand: keep the fork's root hook, take upstream's cleanup after it. <b>not html</b> @team", "Alice Archer <alice@chain.example>", at)
		case review.RiskApplied:
			st.Set(c.Hash, c.Subject, review.StatusNotApplicable, "Backported in the fork already.", "Bob Builder <bob@chain.example>", at)
		case review.RiskNone:
			st.Set(c.Hash, c.Subject, review.StatusReviewed, "", "Bob Builder <bob@chain.example>", at)
		}
	}
	rep.ApplyState(st)
	return rep
}

// TestGoldenSampleFork renders every format from the real scan of the sample fork.
func TestGoldenSampleFork(t *testing.T) {
	rep := sampleForkReport(t)
	opt := Options{Now: rep.GeneratedAt}
	for _, f := range Formats() {
		var b bytes.Buffer
		if err := Render(&b, f, rep, opt); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ext := map[string]string{"markdown": "md", "html": "html", "json": "json", "csv": "csv"}[f]
		golden(t, "sample-fork."+ext, b.Bytes())
	}
}
