package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/forkreview/forkreview/review"
)

const fullConfig = `preset: geth                 # built-in defaults for go-ethereum forks
upstream:
  remote: upstream
  url: https://github.com/ethereum/go-ethereum
  tag_pattern: "v*"
zones:
  - name: zktrie
    paths: ["trie/**", "core/state/database.go"]
    note: "The fork replaced the trie; upstream's trie tests do not cover the fork's code."
    min_risk: high
  - name: consensus
    paths: ["consensus/**", "core/vm/**"]
    consensus: true
ignore: ["docs/**", ".github/**"]
trivial: ["go.sum"]
forkdiff: fork.yaml
security_words: ["dos", "panic", "crash", "overflow", "cve", "race", "security"]
`

// TestParseContractExample reads the example of the contract (shared docs/config.md) key by key.
func TestParseContractExample(t *testing.T) {
	c, err := Parse(".forkreview.yaml", []byte(fullConfig))
	if err != nil {
		t.Fatal(err)
	}
	high := review.RiskHigh
	want := &Config{
		File:     ".forkreview.yaml",
		Preset:   "geth",
		Upstream: Upstream{Remote: "upstream", URL: "https://github.com/ethereum/go-ethereum", TagPattern: "v*"},
		Zones: []Zone{
			{Name: "zktrie", Paths: []string{"trie/**", "core/state/database.go"}, Note: "The fork replaced the trie; upstream's trie tests do not cover the fork's code.", MinRisk: &high, Line: 7},
			{Name: "consensus", Paths: []string{"consensus/**", "core/vm/**"}, Consensus: true, Line: 11},
		},
		Ignore:        []string{"docs/**", ".github/**"},
		Trivial:       []string{"go.sum"},
		ForkDiff:      "fork.yaml",
		SecurityWords: []string{"dos", "panic", "crash", "overflow", "cve", "race", "security"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Parse:\n got %+v\nwant %+v", c, want)
	}
}

func TestParseEmptyAndDefaults(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "---\n", "~\n"} {
		c, err := Parse("x.yaml", []byte(src))
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if c.Remote() != "upstream" || c.TagPattern() != "v*" || c.Preset != "" || len(c.Zones) != 0 {
			t.Errorf("Parse(%q) = %+v, want defaults", src, c)
		}
		if p, explicit := c.ForkDiffPath(); p != "fork.yaml" || explicit {
			t.Errorf("ForkDiffPath = %q, %v", p, explicit)
		}
	}
	var nilC *Config
	if nilC.Remote() != "upstream" || nilC.TagPattern() != "v*" {
		t.Error("nil config must give the defaults")
	}
	if p, explicit := nilC.ForkDiffPath(); p != "fork.yaml" || explicit {
		t.Errorf("nil ForkDiffPath = %q, %v", p, explicit)
	}
}

// TestParseErrors pins every message of the loader: each names the file, the line and the key.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown key suggests", "zone:\n  - name: a\n", `config .forkreview.yaml:1: unknown key "zone" (did you mean "zones"?)`},
		{"unknown key lists known", "colour: red\n", `config .forkreview.yaml:1: unknown key "colour" (known keys: preset, upstream, zones, ignore, trivial, forkdiff, security_words)`},
		{"unknown nested key", "upstream:\n  remote: up\n  tag-pattern: x\n", `config .forkreview.yaml:3: unknown key "upstream.tag-pattern" (did you mean "tag_pattern"?)`},
		{"unknown zone key", "zones:\n  - name: a\n    paths: [a]\n    minrisk: high\n", `config .forkreview.yaml:4: unknown key "zones[0].minrisk" (did you mean "min_risk"?)`},
		{"repeated key", "ignore: [a]\nignore: [b]\n", `config .forkreview.yaml:2: key "ignore" repeats the one at line 1`},
		{"top level not a mapping", "- a\n- b\n", `config .forkreview.yaml:1: : expected a mapping, found a list`},
		{"list expected", "ignore: docs/**\n", `config .forkreview.yaml:1: ignore: expected a list of strings, found a string (write ["..."] even for one)`},
		{"string in list expected", "trivial: [go.sum, [x]]\n", `config .forkreview.yaml:1: trivial[1]: expected a string, found a list`},
		{"number is not a string", "preset: 1\n", `config .forkreview.yaml:1: preset: expected a string, found a number`},
		{"unknown preset", "preset: gethh\n", `config .forkreview.yaml:1: preset: unknown preset "gethh": use "geth" or "none"`},
		{"upstream not mapping", "upstream: origin\n", `config .forkreview.yaml:1: upstream: expected a mapping, found a string`},
		{"bad remote", "upstream:\n  remote: \"up stream\"\n", `config .forkreview.yaml:2: upstream.remote: "up stream" is not a remote name (see: git remote)`},
		{"bad url", "upstream:\n  url: ftp://example.com/x\n", `config .forkreview.yaml:2: upstream.url: "ftp://example.com/x" is not a web address: write it as https://host/owner/name`},
		{"bad tag pattern", "upstream:\n  tag_pattern: \"v[\"\n", `config .forkreview.yaml:2: upstream.tag_pattern: bad glob "v[": unclosed [ or {, or a trailing \`},
		{"bad glob", "ignore: [\"docs/**\", \"a/{b\"]\n", `config .forkreview.yaml:1: ignore[1]: bad glob "a/{b": unclosed [ or {, or a trailing \`},
		{"absolute glob", "trivial:\n  - /go.sum\n", `config .forkreview.yaml:2: trivial[0]: glob "/go.sum" starts with /: paths are relative to the repository root, write "go.sum"`},
		{"dot glob", "trivial:\n  - ./go.sum\n", `config .forkreview.yaml:2: trivial[0]: glob "./go.sum" starts with ./: paths are relative to the repository root, write "go.sum"`},
		{"empty glob", "ignore: [\"\"]\n", `config .forkreview.yaml:1: ignore[0]: empty glob`},
		{"escaped star is fine", "ignore: ['a\\*']\nignore: [b]\n", `config .forkreview.yaml:2: key "ignore" repeats the one at line 1`},
		{"backslash glob", "ignore: ['docs\\x']\n", `config .forkreview.yaml:1: ignore[0]: bad glob "docs\\x": use / between folders`},
		{"zones not a list", "zones:\n  name: a\n", `config .forkreview.yaml:2: zones: expected a list of zones (- name: ...), found a mapping`},
		{"zone not a mapping", "zones:\n  - trie\n", `config .forkreview.yaml:2: zones[0]: expected a mapping, found a string`},
		{"bad min_risk", "zones:\n  - name: a\n    paths: [a]\n    min_risk: critical\n", `config .forkreview.yaml:4: zones[0].min_risk: "critical" is not a risk floor: use low, medium or high`},
		{"conflict is no floor", "zones:\n  - name: a\n    paths: [a]\n    min_risk: conflict\n", `config .forkreview.yaml:4: zones[0].min_risk: "conflict" is not a risk floor: use low, medium or high`},
		{"min_risk number", "zones:\n  - name: a\n    paths: [a]\n    min_risk: 3\n", `config .forkreview.yaml:4: zones[0].min_risk: expected a string, found a number`},
		{"consensus not bool", "zones:\n  - name: a\n    paths: [a]\n    consensus: yes\n", `config .forkreview.yaml:4: zones[0].consensus: expected true or false, found a string`},
		{"duplicate zone", "zones:\n  - name: trie\n    paths: [a]\n  - name: trie\n    paths: [b]\n", `config .forkreview.yaml:4: zones[1].name: zone "trie" is already defined at line 2`},
		{"zone without name", "zones:\n  - paths: [a]\n", `config .forkreview.yaml:2: zones[0]: a zone needs a name`},
		{"zone bad name", "zones:\n  - name: my zone\n    paths: [a]\n", `config .forkreview.yaml:2: zones[0].name: "my zone" is not a zone name: use letters, digits, '.', '_' and '-' (it becomes the tag zone:NAME)`},
		{"zone without paths", "zones:\n  - name: a\n    paths: []\n", `config .forkreview.yaml:2: zones[0] (a): a zone needs paths, a list of globs`},
		{"zone bad glob", "zones:\n  - name: a\n    paths: [\"trie/[\"]\n", `config .forkreview.yaml:3: zones[0].paths[0]: bad glob "trie/[": unclosed [ or {, or a trailing \`},
		{"forkdiff absolute", "forkdiff: /etc/fork.yaml\n", `config .forkreview.yaml:1: forkdiff: "/etc/fork.yaml" is absolute: give the path relative to the repository root`},
		{"forkdiff outside", "forkdiff: ../fork.yaml\n", `config .forkreview.yaml:1: forkdiff: "../fork.yaml" leaves the repository: give a path inside it`},
		{"empty security word", "security_words: [dos, \" \"]\n", `config .forkreview.yaml:1: security_words[1]: empty word`},
		{"alias to itself", "zones: &z [*z]\n", "config .forkreview.yaml:1: zones[0]: expected a mapping, found a list"},
		{"syntax error", "ignore: [a\nzones: x\n", `config .forkreview.yaml:1: invalid YAML: did not find expected ',' or ']'`},
		{"two documents", "ignore: [a]\n---\ntrivial: [b]\n", `config .forkreview.yaml:2: a second YAML document: the file must hold one (remove the ---)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(".forkreview.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want %s", tc.src, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse(%q):\n got %s\nwant %s", tc.src, err, tc.want)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *config.Error", err)
			}
		})
	}
}

// TestParseAllErrors: every problem of a file is reported at once, in file order.
func TestParseAllErrors(t *testing.T) {
	src := "preset: gethh\nzone: []\nignore: [\"a/[\"]\n"
	_, err := Parse("c.yaml", []byte(src))
	if err == nil {
		t.Fatal("want errors")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "config c.yaml:1:") || !strings.HasPrefix(lines[1], "config c.yaml:2:") || !strings.HasPrefix(lines[2], "config c.yaml:3:") {
		t.Errorf("errors:\n%s", err)
	}
}

func TestParseAliasesAndNulls(t *testing.T) {
	src := "ignore: &docs [\"docs/**\"]\ntrivial: *docs\nzones:\nsecurity_words:\n"
	c, err := Parse("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Trivial, []string{"docs/**"}) || c.Zones != nil || c.SecurityWords != nil {
		t.Errorf("got %+v", c)
	}
}

func TestParseURLNormalised(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/ethereum/go-ethereum/":          "https://github.com/ethereum/go-ethereum",
		"git@github.com:ethereum/go-ethereum.git":           "https://github.com/ethereum/go-ethereum",
		"https://gitlab.example.com/group/project.git":      "https://gitlab.example.com/group/project",
		"https://user@gitlab.example.com/group/project?x#y": "https://gitlab.example.com/group/project",
	} {
		c, err := Parse("c.yaml", []byte("upstream:\n  url: "+quote(in)+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if c.Upstream.URL != want {
			t.Errorf("url %q = %q, want %q", in, c.Upstream.URL, want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".forkreview.yaml")
	if _, err := Load(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want fs.ErrNotExist", err)
	} else if !strings.Contains(err.Error(), "forkreview init") {
		t.Errorf("missing-file error does not say what to do: %v", err)
	}
	if err := os.WriteFile(p, []byte("zones:\n  - name: a\n    pathz: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	want := "config " + p + `:3: unknown key "zones[0].pathz" (did you mean "paths"?)`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load: %v\nwant first line %s", err, want)
	}
	if err := os.WriteFile(p, []byte(fullConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil || c.File != p || len(c.Zones) != 2 {
		t.Errorf("Load = %+v, %v", c, err)
	}
}

func TestSuggest(t *testing.T) {
	known := topKeys
	for in, want := range map[string]string{
		"zone": "zones", "ignored": "ignore", "securitywords": "security_words",
		"security-words": "security_words", "fork_diff": "forkdiff", "pre": "preset", "ab": "", "upstreams": "upstream",
		"trivia": "trivial", "xyzzy": "", "sec": "security_words",
	} {
		if got := suggest(in, known); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
