package review

import (
	"reflect"
	"testing"
)

func TestArea(t *testing.T) {
	files := func(ps ...string) []FileChange {
		var out []FileChange
		for _, p := range ps {
			out = append(out, FileChange{Path: p})
		}
		return out
	}
	for _, tc := range []struct {
		subject string
		files   []FileChange
		want    string
	}{
		{"core/state, eth: fix it (#1)", files("x/y.go"), "core/state, eth"},
		{"fix it", files("core/state/a.go", "core/state/snapshot/b.go"), "core/state"},
		{"fix it", files("core/state/a.go", "core/vm/b.go"), "core"},
		{"Merge pull request #24047 from someone/branch", files("core/state/sync.go", "eth/downloader/d.go", "core/state/sync_test.go"), "core/state, eth/downloader"},
		{"security policy: updated pgp key (#24069)", files("SECURITY.md"), "SECURITY.md"},
		{"bump deps", files("go.mod", "go.sum"), "go.mod, go.sum"},
		{"tests/fuzzzers. eth/protocols/snap: add fuzzers", files("eth/protocols/snap/peer.go", "oss-fuzz.sh", "tests/fuzzers/snap/debug/main.go", "tests/fuzzers/snap/fuzz.go"),
			"eth/protocols/snap, oss-fuzz.sh, tests/fuzzers/snap"},
		{"a/b-c sorts between a/b and a/b/d", files("a/b/x", "a/b-c/y", "a/b/d/z", "q/r"), "a/b, a/b-c, q"},
		{"everywhere", files("a/x", "b/x", "c/x", "d/x"), "all"},
		{"empty", nil, ""},
	} {
		if got := Area(tc.subject, tc.files); got != tc.want {
			t.Errorf("Area(%q) = %q, want %q", tc.subject, got, tc.want)
		}
	}
	if got := AreaParts(" core , eth/downloader,,"); !reflect.DeepEqual(got, []string{"core", "eth/downloader"}) {
		t.Errorf("AreaParts = %q", got)
	}
}
