package gitops

import (
	"testing"

	"github.com/forkreview/forkreview/gitops/fixture"
)

// TestLatestTag: version order, not text order, and a release before any pre-release.
func TestLatestTag(t *testing.T) {
	r := fixture.New(t)
	for _, v := range []string{"v1.9.0", "v1.10.0", "v1.11.0-rc1", "fork/v9.0.0"} {
		r.Commit("release "+v, fixture.Files{"VERSION": v + "\n"})
		r.Tag(v, true, "")
	}
	repo := openRepo(t, r.Dir)
	got, err := repo.LatestTag("v*")
	if err != nil || got.Name != "v1.10.0" {
		t.Errorf("LatestTag: %+v %v, want v1.10.0", got, err)
	}
	if got, err := repo.LatestTag("v1.11*"); err != nil || got.Name != "v1.11.0-rc1" {
		t.Errorf("only a pre-release: %+v %v", got, err)
	}
}
