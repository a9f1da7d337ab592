package github

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func getenv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeEvent(t *testing.T, json string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(json), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEnvFromPullRequestEvent(t *testing.T) {
	ev := writeEvent(t, `{"action":"synchronize","number":42,"pull_request":{"number":42,
		"base":{"ref":"main","sha":"1111111111111111111111111111111111111111","repo":{"full_name":"acme/geth-fork"}},
		"head":{"ref":"upstream-v1.13.12","sha":"2222222222222222222222222222222222222222","repo":{"full_name":"mallory/geth-fork"}}}}`)
	e, err := EnvFromOS(getenv(map[string]string{
		"GITHUB_TOKEN": "ghs_abc", "GITHUB_REPOSITORY": "acme/geth-fork", "GITHUB_EVENT_PATH": ev,
		"GITHUB_EVENT_NAME": "pull_request", "GITHUB_RUN_ID": "987654321", "GITHUB_STEP_SUMMARY": "/tmp/s",
		"GITHUB_ACTIONS": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if e.PR != 42 || e.BaseSHA != strings.Repeat("1", 40) || e.HeadSHA != strings.Repeat("2", 40) || e.BaseRef != "main" ||
		e.HeadRef != "upstream-v1.13.12" || e.HeadRepo != "mallory/geth-fork" || !e.FromFork || !e.Actions {
		t.Fatalf("%#v", e)
	}
	if e.APIURL != DefaultAPIURL || e.ServerURL != DefaultServerURL {
		t.Fatalf("defaults: %s %s", e.APIURL, e.ServerURL)
	}
	if got := e.RunURL(); got != "https://github.com/acme/geth-fork/actions/runs/987654321" {
		t.Fatalf("RunURL %q", got)
	}
	if owner, name, err := e.Repo(); owner != "acme" || name != "geth-fork" || err != nil {
		t.Fatalf("Repo: %s %s %v", owner, name, err)
	}
	if s := e.String(); strings.Contains(s, "ghs_abc") || !strings.Contains(s, "token=set") {
		t.Fatalf("String: %s", s)
	}
}

func TestEnvFromOtherEvents(t *testing.T) {
	comment := writeEvent(t, `{"action":"created","issue":{"number":17,"pull_request":{"url":"x"}},"comment":{"body":"@bot run"}}`)
	e, err := EnvFromOS(getenv(map[string]string{"GITHUB_EVENT_PATH": comment, "GITHUB_API_URL": "https://ghe.example.com/api/v3", "GITHUB_SERVER_URL": "https://ghe.example.com"}))
	if err != nil || e.PR != 17 || e.FromFork || e.APIURL != "https://ghe.example.com/api/v3" {
		t.Fatalf("issue_comment on a pull request: %#v %v", e, err)
	}
	issue := writeEvent(t, `{"issue":{"number":5}}`)
	if e, err := EnvFromOS(getenv(map[string]string{"GITHUB_EVENT_PATH": issue})); err != nil || e.PR != 0 {
		t.Fatalf("comment on a plain issue is no pull request: %d %v", e.PR, err)
	}
	push := writeEvent(t, `{"ref":"refs/heads/main","after":"abc"}`)
	if e, err := EnvFromOS(getenv(map[string]string{"GITHUB_EVENT_PATH": push})); err != nil || e.PR != 0 {
		t.Fatalf("push: %d %v", e.PR, err)
	}
	sameRepo := writeEvent(t, `{"pull_request":{"number":3,"base":{"repo":{"full_name":"acme/x"}},"head":{"repo":{"full_name":"acme/x"}}}}`)
	if e, err := EnvFromOS(getenv(map[string]string{"GITHUB_EVENT_PATH": sameRepo})); err != nil || e.PR != 3 || e.FromFork {
		t.Fatalf("same-repository pull request: %#v %v", e, err)
	}
	if e, err := EnvFromOS(getenv(nil)); err != nil || e.PR != 0 || e.RunURL() != "" || e.String() == "" {
		t.Fatalf("outside Actions: %#v %v", e, err)
	}
}

func TestEnvBadEventFile(t *testing.T) {
	e, err := EnvFromOS(getenv(map[string]string{"GITHUB_EVENT_PATH": filepath.Join(t.TempDir(), "missing.json"), "GITHUB_REPOSITORY": "acme/x"}))
	if err == nil || !strings.Contains(err.Error(), "--pr") || e.Repository != "acme/x" {
		t.Fatalf("missing event file: %v (env %#v)", err, e)
	}
	bad := writeEvent(t, `{"pull_request":`)
	if _, err := EnvFromOS(getenv(map[string]string{"GITHUB_EVENT_PATH": bad})); err == nil || !strings.Contains(err.Error(), "parse") {
		t.Fatalf("broken event file: %v", err)
	}
}

func TestParseRepo(t *testing.T) {
	for _, ok := range []string{"acme/geth-fork", "a/b", "ethereum/go-ethereum", "my.org/repo_name", " acme/x "} {
		if _, _, err := ParseRepo(ok); err != nil {
			t.Errorf("ParseRepo(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "acme", "acme/", "/x", "a/b/c", "acme/..", "a b/c", "acme/x?y", "acme/x#1"} {
		if _, _, err := ParseRepo(bad); !errors.Is(err, ErrNoRepository) {
			t.Errorf("ParseRepo(%q) = %v, want ErrNoRepository", bad, err)
		}
	}
	if _, _, err := ParseRepo(""); !strings.Contains(err.Error(), "--repo-slug") {
		t.Errorf("no hint: %v", err)
	}
}
