package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/forkreview/forkreview/review"
)

func TestGitHubURL(t *testing.T) {
	for in, want := range map[string]string{
		"git@github.com:ethereum/go-ethereum.git":        "https://github.com/ethereum/go-ethereum",
		"git@github.com:ethereum/go-ethereum":            "https://github.com/ethereum/go-ethereum",
		"github.com:o/r.git":                             "https://github.com/o/r",
		"https://github.com/ethereum/go-ethereum.git":    "https://github.com/ethereum/go-ethereum",
		"https://github.com/ethereum/go-ethereum/":       "https://github.com/ethereum/go-ethereum",
		"https://token@github.com/o/r":                   "https://github.com/o/r",
		"http://www.github.com/o/r":                      "https://github.com/o/r",
		"ssh://git@github.com/o/r.git":                   "https://github.com/o/r",
		"ssh://git@github.com:22/o/r.git":                "https://github.com/o/r",
		"git://github.com/o/r":                           "https://github.com/o/r",
		"  https://GitHub.com/o/r.js  ":                  "https://github.com/o/r.js",
		"https://gitlab.com/o/r.git":                     "",
		"git@gitlab.com:o/r.git":                         "",
		"https://github.com/o/r/tree/main":               "",
		"https://github.com/o":                           "",
		"/srv/git/go-ethereum.git":                       "",
		"../upstream":                                    "",
		"file:///srv/github.com/o/r":                     "",
		"":                                               "",
		"https://github.com/o/..":                        "",
		"https://github.com/o%2Fx/r":                     "",
		"https://github.com.evil.example/ethereum/go-et": "",
	} {
		got, ok := GitHubURL(in)
		if got != want || ok != (want != "") {
			t.Errorf("GitHubURL(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestRulesNilConfigAutoDetectsGeth(t *testing.T) {
	var c *Config
	r, err := c.Rules(RepoInfo{ModulePath: "github.com/ethereum/go-ethereum"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Preset != "geth" || r.UpstreamURL != GethURL || !contains(r.Trivial, "go.sum") || len(r.ConsensusPaths) == 0 || len(r.HardforkPaths) == 0 || r.SubjectPattern == "" {
		t.Errorf("geth preset not applied: %+v", r)
	}
	// The upstream remote on go-ethereum's address is enough too.
	r, err = c.Rules(RepoInfo{ModulePath: "github.com/example/chain", Remotes: map[string]string{"upstream": "git@github.com:ethereum/go-ethereum.git"}})
	if err != nil || r.Preset != "geth" {
		t.Errorf("remote-based detection: %+v, %v", r, err)
	}
	// A fork that renamed its module (scroll-tech/go-ethereum) is known by upstream's go.mod.
	r, err = c.Rules(RepoInfo{ModulePath: "github.com/scroll-tech/go-ethereum", UpstreamModulePath: GethModule})
	if err != nil || r.Preset != "geth" {
		t.Errorf("upstream-module detection: %+v, %v", r, err)
	}
	// Anything else gets no preset, and an empty but usable rule set.
	r, err = c.Rules(RepoInfo{ModulePath: "github.com/example/other", Remotes: map[string]string{"origin": "https://github.com/example/other"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, &review.Rules{}) {
		t.Errorf("no preset: %+v", r)
	}
}

func TestRulesPresetNoneAndExplicit(t *testing.T) {
	c, err := Parse("c.yaml", []byte("preset: none\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Rules(RepoInfo{ModulePath: GethModule})
	if err != nil || r.Preset != "" || len(r.ConsensusPaths) != 0 {
		t.Errorf("preset none: %+v, %v", r, err)
	}
	c, err = Parse("c.yaml", []byte("preset: geth\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err = c.Rules(RepoInfo{ModulePath: "github.com/example/renamed-geth"})
	if err != nil || r.Preset != "geth" {
		t.Errorf("explicit geth: %+v, %v", r, err)
	}
}

func TestRulesMergesConfig(t *testing.T) {
	src := `upstream:
  remote: eth
zones:
  - name: zktrie
    paths: ["trie/**"]
    note: "replaced"
    min_risk: medium
    consensus: true
ignore: ["docs/**"]
trivial: ["go.sum", "**/*.pb.go"]
security_words: ["halt"]
`
	c, err := Parse("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	info := RepoInfo{ModulePath: GethModule, Remotes: map[string]string{"eth": "git@github.com:example/geth-mirror.git", "upstream": "https://github.com/not/this"}}
	r, err := c.Rules(info)
	if err != nil {
		t.Fatal(err)
	}
	med := review.RiskMedium
	if !reflect.DeepEqual(r.Zones, []review.Zone{{Name: "zktrie", Paths: []string{"trie/**"}, Note: "replaced", MinRisk: &med, Consensus: true}}) {
		t.Errorf("zones = %+v", r.Zones)
	}
	if !reflect.DeepEqual(r.Trivial, []string{"go.sum", "**/*.pb.go"}) || !reflect.DeepEqual(r.Ignore, []string{"docs/**"}) {
		t.Errorf("trivial %q ignore %q", r.Trivial, r.Ignore)
	}
	if !reflect.DeepEqual(r.SecurityWords, []string{"halt"}) {
		t.Errorf("security words replace the preset's: %q", r.SecurityWords)
	}
	// The configured remote's GitHub address wins over the preset's.
	if r.UpstreamURL != "https://github.com/example/geth-mirror" {
		t.Errorf("upstream url = %q", r.UpstreamURL)
	}
	// An explicit url wins over the remote.
	c.Upstream.URL = "https://git.example.com/geth"
	if r, _ = c.Rules(info); r.UpstreamURL != "https://git.example.com/geth" {
		t.Errorf("upstream url = %q", r.UpstreamURL)
	}
	// Changing the Rules does not change the Config.
	r.Zones[0].Paths[0] = "x"
	*r.Zones[0].MinRisk = review.RiskHigh
	if c.Zones[0].Paths[0] != "trie/**" || *c.Zones[0].MinRisk != review.RiskMedium {
		t.Error("Rules shares slices with the Config")
	}
}

func TestRulesForkDiff(t *testing.T) {
	var c *Config
	r, err := c.Rules(RepoInfo{ForkYAML: readForkYAML(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Features) != 15 || len(r.FeatureIgnore) != 4 {
		t.Errorf("features %d, ignore %d", len(r.Features), len(r.FeatureIgnore))
	}
	// Errors name the file the configuration points at.
	cfg, err := Parse("c.yaml", []byte("forkdiff: meta/fork.yaml\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.Rules(RepoInfo{ForkYAML: []byte("def:\n  globz: []\n")})
	if want := `forkdiff meta/fork.yaml:2: unknown key "def.globz" (did you mean "globs"?)`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = cfg.Rules(RepoInfo{})
	if want := "config c.yaml: forkdiff file meta/fork.yaml is not in the fork's tree: commit it, or remove the forkdiff key"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// gethCommit is one commit of a generated go-ethereum-shaped history.
type gethCommit struct {
	subject string
	body    string
	files   []string
	hunk    string // changed lines of the first file, for hardfork naming
	tags    []string
	area    string
	pr      int
	hardfk  string // substring of the hardfork reason, "" for none
}

// TestGethPresetOnGeneratedHistory runs the auto-detected preset over commits shaped like
// go-ethereum's: its subject convention, its paths, its hardfork work and its security fixes.
func TestGethPresetOnGeneratedHistory(t *testing.T) {
	r, err := (*Config)(nil).Rules(RepoInfo{ModulePath: GethModule})
	if err != nil {
		t.Fatal(err)
	}
	cases := []gethCommit{
		{subject: "core/vm, params: implement EIP-7702 set code tx (#30078)", files: []string{"core/vm/eips.go", "params/config.go"},
			hunk: "+func enable7702(jt *JumpTable) {\n+\tif rules.IsPrague {\n", tags: []string{"consensus", "hardfork"}, area: "core/vm, params", pr: 30078, hardfk: "(mentions Prague, EIP-7702)"},
		{subject: "params: schedule Cancun fork on mainnet (#29230)", files: []string{"params/config.go"}, tags: []string{"consensus", "hardfork"}, area: "params", pr: 29230, hardfk: "(mentions Cancun)"},
		{subject: "core/vm: activate precompiles for the next fork", files: []string{"core/vm/contracts.go", "core/vm/contracts_test.go"},
			hunk: "+\tcase rules.IsOsaka:\n+\t\treturn PrecompiledContractsOsaka\n", tags: []string{"consensus", "hardfork"}, area: "core/vm", hardfk: "(mentions Osaka)"},
		{subject: "consensus/misc/eip4844: compute blob gas price", files: []string{"consensus/misc/eip4844/eip4844.go"}, tags: []string{"consensus", "hardfork"}, area: "consensus/misc/eip4844", hardfk: "(mentions EIP-4844)"},
		{subject: "core/vm: use a comparison of gas costs", files: []string{"core/vm/gas_table.go"}, hunk: "+\t// comparison with the Tangerine Whistle rules\n", tags: []string{"consensus", "hardfork"}, area: "core/vm", hardfk: "(mentions Tangerine Whistle)"},
		{subject: "params: begin v1.14.12 release cycle", files: []string{"params/version.go"}, tags: []string{}, area: "params"},
		{subject: "eth/protocols/snap: fix DoS in range proof handling (#30001)", files: []string{"eth/protocols/snap/handler.go"}, tags: []string{"security"}, area: "eth/protocols/snap", pr: 30001},
		{subject: "p2p/discover: handle nil pointer dereference", files: []string{"p2p/discover/table.go"}, tags: []string{"security"}, area: "p2p/discover"},
		{subject: "core/state: fix crash when reverting snapshots", body: "Fixes GHSA-q26p-9cq4-7fc2.", files: []string{"core/state/statedb.go"}, tags: []string{"security", "consensus"}, area: "core/state"},
		{subject: "go.mod: upgrade golang.org/x/crypto (#30100)", files: []string{"go.mod", "go.sum"}, tags: []string{"deps"}, area: "go.mod", pr: 30100},
		{subject: "trie: add tests for the stack trie", files: []string{"trie/stacktrie_test.go"}, tags: []string{"consensus", "test-only"}, area: "trie"},
		{subject: "docs: fix typos in the postmortems", files: []string{"docs/postmortems/2021-08-22-split-postmortem.md"}, tags: []string{"docs-only"}, area: "docs"},
		{subject: "all: remove the dependency on golang.org/x/exp", files: []string{"core/types/block.go", "eth/backend.go"}, tags: []string{"consensus"}, area: "all"},
		{subject: "Revert \"core: do something\"", files: []string{"core/blockchain.go"}, tags: []string{}},
		{subject: "build(deps): bump golang.org/x/net from 0.23.0 to 0.38.0 in the go_modules group (#31361)", files: []string{"go.mod"}, tags: []string{"deps"}, pr: 31361},
	}
	for i, gc := range cases {
		c := review.Commit{Hash: fmt.Sprintf("%040x", i+1), Parents: []string{fmt.Sprintf("%040x", i)}, Subject: gc.subject, Body: gc.body}
		for j, p := range gc.files {
			fc := review.FileChange{Path: p, Status: review.StatusModified, Overlap: review.OverlapNone}
			if j == 0 && gc.hunk != "" {
				fc.Hunks = []review.DiffHunk{{OldStart: 10, NewStart: 10, Text: " ctx\n" + gc.hunk}}
			}
			c.Files = append(c.Files, fc)
		}
		r.Decorate(&c)
		if !reflect.DeepEqual(c.Tags, gc.tags) {
			t.Errorf("%q: tags %q, want %q", gc.subject, c.Tags, gc.tags)
		}
		if c.Area != gc.area || c.UpstreamPR != gc.pr {
			t.Errorf("%q: area %q pr %d, want %q %d", gc.subject, c.Area, c.UpstreamPR, gc.area, gc.pr)
		}
		reasons := strings.Join(c.Reasons, "\n")
		if gc.hardfk == "" && strings.Contains(reasons, "hardfork") {
			t.Errorf("%q: unexpected hardfork reason %q", gc.subject, reasons)
		}
		if gc.hardfk != "" && (!strings.Contains(reasons, "hardfork surface changed: "+gc.files[0]) || !strings.Contains(reasons, gc.hardfk)) {
			t.Errorf("%q: reasons %q, want the hardfork surface %s and %q", gc.subject, reasons, gc.files[0], gc.hardfk)
		}
	}
}
