package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStarterLoads writes the starter for several kinds of repository and loads each back.
func TestStarterLoads(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		info  RepoInfo
		check func(t *testing.T, c *Config, text string)
	}{
		{"geth fork with upstream and fork.yaml", RepoInfo{
			ModulePath:        GethModule,
			ForkYAML:          readForkYAML(t),
			Remotes:           map[string]string{"origin": "git@github.com:example/demo-geth.git", "upstream": "https://github.com/ethereum/go-ethereum.git"},
			HasUpstreamRemote: true,
		}, func(t *testing.T, c *Config, text string) {
			if c.Preset != "geth" || c.Upstream.Remote != "upstream" || c.Upstream.URL != GethURL || c.ForkDiff != "fork.yaml" || c.TagPattern() != "v*" {
				t.Errorf("config = %+v", c)
			}
			if !strings.Contains(text, "forkdiff definitions (15)") {
				t.Errorf("starter does not count the features:\n%s", text)
			}
		}},
		{"geth fork without upstream remote", RepoInfo{
			ModulePath: GethModule,
			Remotes:    map[string]string{"origin": "git@github.com:example/demo-geth.git"},
		}, func(t *testing.T, c *Config, text string) {
			if c.Preset != "geth" || c.Upstream.Remote != "upstream" || c.Upstream.URL != GethURL || c.ForkDiff != "" {
				t.Errorf("config = %+v", c)
			}
			if !strings.Contains(text, "#   git remote add upstream https://github.com/ethereum/go-ethereum.git && git fetch upstream --tags") {
				t.Errorf("starter does not say how to add the remote:\n%s", text)
			}
		}},
		{"renamed module, remote on go-ethereum under another name", RepoInfo{
			ModulePath: "github.com/example/chain",
			Remotes:    map[string]string{"origin": "https://github.com/example/chain", "geth": "git@github.com:ethereum/go-ethereum.git"},
		}, func(t *testing.T, c *Config, text string) {
			if c.Preset != "geth" || c.Upstream.Remote != "geth" || c.Upstream.URL != GethURL {
				t.Errorf("config = %+v", c)
			}
		}},
		{"renamed module, no remote, upstream's releases in the repository", RepoInfo{
			ModulePath:         "github.com/scroll-tech/go-ethereum",
			UpstreamModulePath: GethModule,
		}, func(t *testing.T, c *Config, text string) {
			if c.Preset != "geth" || c.Upstream.URL != GethURL {
				t.Errorf("config = %+v", c)
			}
		}},
		{"other project", RepoInfo{
			ModulePath:        "github.com/example/tool",
			Remotes:           map[string]string{"upstream": "https://gitlab.com/team/tool.git"},
			HasUpstreamRemote: true,
		}, func(t *testing.T, c *Config, text string) {
			if c.Preset != "" || c.Upstream.Remote != "upstream" || c.Upstream.URL != "" || len(c.Trivial) != 1 {
				t.Errorf("config = %+v", c)
			}
			if !strings.Contains(text, "# preset: geth") {
				t.Errorf("starter does not mention the preset:\n%s", text)
			}
		}},
		{"upstream known without its URL", RepoInfo{HasUpstreamRemote: true}, func(t *testing.T, c *Config, text string) {
			if c.Upstream.Remote != "upstream" || strings.Contains(text, "No upstream remote") {
				t.Errorf("config = %+v\n%s", c, text)
			}
		}},
		{"broken fork.yaml", RepoInfo{ForkYAML: []byte("def: [x]\n")}, func(t *testing.T, c *Config, text string) {
			if c.ForkDiff != "fork.yaml" || !strings.Contains(text, "# It does not read yet; fix it before scanning: forkdiff fork.yaml:1: def: expected a mapping, found a list") {
				t.Errorf("config = %+v\n%s", c, text)
			}
		}},
		{"odd remote name", RepoInfo{Remotes: map[string]string{"upstream": "git@github.com:o/r: x.git"}}, func(t *testing.T, c *Config, text string) {
			if c.Upstream.Remote != "upstream" || c.Upstream.URL != "" {
				t.Errorf("config = %+v", c)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := Starter(tc.info)
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			if err := os.WriteFile(p, text, 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(p)
			if err != nil {
				t.Fatalf("the starter does not load: %v\n%s", err, text)
			}
			tc.check(t, c, string(text))
			if _, err := c.Rules(tc.info); err != nil && tc.name != "broken fork.yaml" {
				t.Errorf("Rules: %v", err)
			}
			// Every commented-out example is valid too once uncommented.
			var un []string
			for _, line := range strings.Split(string(text), "\n") {
				if s, ok := strings.CutPrefix(line, "# "); ok && startsKey(s) {
					line = s
				}
				un = append(un, line)
			}
			uc, err := Parse("uncommented.yaml", []byte(strings.Join(un, "\n")))
			if err != nil {
				t.Fatalf("uncommented starter: %v\n%s", err, strings.Join(un, "\n"))
			}
			if len(uc.Zones) != 1 || !uc.Zones[0].Consensus || uc.Zones[0].MinRisk == nil || len(uc.SecurityWords) != 7 || uc.ForkDiff != "fork.yaml" {
				t.Errorf("uncommented starter = %+v", uc)
			}
		})
	}
}

// startsKey reports whether a commented line is an example of configuration rather than prose.
func startsKey(s string) bool {
	for _, k := range append(topKeys, "  - name:", "    ") {
		if strings.HasPrefix(strings.TrimLeft(s, " "), k+":") || (strings.HasPrefix(k, " ") && strings.HasPrefix(s, k)) {
			return true
		}
	}
	return false
}

func TestStarterQuotesRemote(t *testing.T) {
	text := string(Starter(RepoInfo{Remotes: map[string]string{"upstream": "https://github.com/o/r"}}))
	if !strings.Contains(text, "  remote: upstream   #") || !strings.Contains(text, "  url: https://github.com/o/r   #") {
		t.Errorf("starter:\n%s", text)
	}
	if got := quote("a: b # c"); got != `'a: b # c'` {
		t.Errorf("quote = %s", got)
	}
}
