package config

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListThePreset keeps docs/config.md in step with the geth preset.
func TestDocsListThePreset(t *testing.T) {
	b, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Skipf("docs/config.md not found: %v", err)
	}
	doc := string(b)
	fields := strings.Fields(doc)
	has := func(s string) bool {
		for _, f := range fields {
			if strings.Trim(f, "`,.()") == s {
				return true
			}
		}
		return false
	}
	for _, p := range append(append([]string(nil), gethPreset.ConsensusPaths...), gethPreset.HardforkPaths...) {
		if !has(p) {
			t.Errorf("docs/config.md does not list the preset path %s", p)
		}
	}
	for _, n := range gethPreset.HardforkNames {
		if !strings.Contains(doc, n) && !strings.HasPrefix(n, "BPO") {
			t.Errorf("docs/config.md does not name the fork %s", n)
		}
	}
	for _, w := range gethPreset.SecurityWords {
		if !strings.Contains(doc, w) {
			t.Errorf("docs/config.md does not list the security word %q", w)
		}
	}
	for _, k := range append(append(append([]string(nil), topKeys...), upstreamKeys...), zoneKeys...) {
		if !strings.Contains(doc, "`"+k+"`") {
			t.Errorf("docs/config.md does not describe the key %s", k)
		}
	}
}
