package config

import (
	"errors"
	"os"
	"testing"
)

// FuzzParse: any input either loads or fails with *Error values; nothing panics, and a loaded
// configuration builds rules.
func FuzzParse(f *testing.F) {
	f.Add([]byte(fullConfig))
	f.Add([]byte("zones:\n  - name: a\n    paths: [a]\n    min_risk: high\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Add(Starter(RepoInfo{ModulePath: GethModule}))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse("f.yaml", b)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %v is not a *config.Error", err, err)
			}
			return
		}
		if _, err := c.Rules(RepoInfo{ModulePath: GethModule}); err != nil && c.ForkDiff == "" {
			t.Fatalf("Rules: %v", err)
		}
	})
}

func FuzzParseForkDiff(f *testing.F) {
	if b, err := os.ReadFile("testdata/fork.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("def:\n  sub:\n    - sub:\n        - globs: [a]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		feats, _, err := ParseForkDiff(b)
		if err != nil {
			return
		}
		if len(feats) == 0 || feats[0].Level != 0 {
			t.Fatalf("features without a root: %+v", feats)
		}
	})
}
