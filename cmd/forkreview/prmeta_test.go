package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/forkreview/forkreview/review"
)

// upstreamPRs is a fake GitHub Enterprise API that knows every pull request number and
// counts the requests it gets.
type upstreamPRs struct {
	token string
	mu    sync.Mutex
	n     int
	fail  bool // answer 500 to everything
}

func (u *upstreamPRs) requests() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.n
}

func (u *upstreamPRs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.n++
	fail := u.fail
	u.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail {
		w.WriteHeader(500)
		fmt.Fprint(w, `{"message":"Server Error"}`)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+u.token {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"message":"Bad credentials"}`)
		return
	}
	num, ok := strings.CutPrefix(r.URL.Path, "/api/v3/repos/acme/chain/pulls/")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		w.WriteHeader(404)
		fmt.Fprint(w, `{"message":"Not Found"}`)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"number": n, "title": fmt.Sprintf("upstream change %d \x1b[31m", n), "state": "closed",
		"merged": true, "merged_at": "2024-01-02T03:04:05Z", "body": fmt.Sprintf("Fixes #%d.", n-1),
		"labels":   []map[string]any{{"name": "area/core"}},
		"html_url": fmt.Sprintf("http://%s/acme/chain/pull/%d", r.Host, n),
	})
}

func TestScanAttachesUpstreamPRInfo(t *testing.T) {
	s := sample(t)
	fake := &upstreamPRs{token: "ghp_cmdT0kenNeverShown42"}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "forkreview.yaml")
	if err := os.WriteFile(cfg, []byte("upstream:\n  url: "+srv.URL+"/acme/chain\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_TOKEN": fake.token, "GITHUB_API_URL": srv.URL + "/api/v3"}
	scan := func(env map[string]string) (review.Report, string) {
		t.Helper()
		out, errs, code := run(t, env, "scan", "--repo", s.Dir, s.Range(), "--config", cfg, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if strings.Contains(out+errs, fake.token) {
			t.Fatal("the token is in the output")
		}
		var rep review.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		return rep, errs
	}

	// no token, or the switch set: no request, no field, no word
	for _, e := range []map[string]string{
		{"GITHUB_API_URL": env["GITHUB_API_URL"]},
		{"GITHUB_TOKEN": fake.token, "GITHUB_API_URL": env["GITHUB_API_URL"], "FORKREVIEW_NO_NETWORK": "1"},
		{"GITHUB_TOKEN": fake.token}, // an upstream not on github.com needs GITHUB_API_URL
	} {
		rep, errs := scan(e)
		for _, c := range rep.Commits {
			if c.UpstreamPRInfo != nil {
				t.Fatalf("env %v: %s has PR info", e, c.Short())
			}
		}
		if errs != "" || fake.requests() != 0 {
			t.Fatalf("env %v: %d requests, stderr %q", e, fake.requests(), errs)
		}
	}

	rep, errs := scan(env)
	if errs != "" {
		t.Errorf("stderr: %q", errs)
	}
	withPR := 0
	for _, c := range rep.Commits {
		if c.UpstreamPR == 0 {
			if c.UpstreamPRInfo != nil {
				t.Errorf("%s has no pull request but PR info", c.Short())
			}
			continue
		}
		withPR++
		want := review.PRInfo{Title: fmt.Sprintf("upstream change %d \x1b[31m", c.UpstreamPR), Labels: []string{"area/core"},
			LinkedIssues: []int{c.UpstreamPR - 1}, URL: fmt.Sprintf("%s/acme/chain/pull/%d", srv.URL, c.UpstreamPR),
			State: "merged", MergedAt: "2024-01-02T03:04:05Z"}
		if got := c.UpstreamPRInfo; got == nil || fmt.Sprint(*got) != fmt.Sprint(want) {
			t.Errorf("%s (#%d): PR info %+v, want %+v", c.Short(), c.UpstreamPR, got, want)
		}
	}
	if withPR == 0 || fake.requests() != withPR {
		t.Fatalf("%d requests for %d commits with a pull request", fake.requests(), withPR)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, ".git", "forkreview", "prs", "acme_chain.json")); err != nil {
		t.Errorf("no cache in the git directory: %v", err)
	}

	// the second run reads the cache: no request, the same details
	again, _ := scan(env)
	if n := fake.requests(); n != withPR {
		t.Errorf("the second run sent %d requests", n-withPR)
	}
	for i := range again.Commits {
		if fmt.Sprint(again.Commits[i].UpstreamPRInfo) != fmt.Sprint(rep.Commits[i].UpstreamPRInfo) {
			t.Errorf("%s: %v from the cache, %v from GitHub", again.Commits[i].Short(), again.Commits[i].UpstreamPRInfo, rep.Commits[i].UpstreamPRInfo)
		}
	}
}

func TestScanWarnsOnceWhenGitHubFails(t *testing.T) {
	s := sample(t)
	fake := &upstreamPRs{token: "ghp_cmdT0kenNeverShown42", fail: true}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "forkreview.yaml")
	if err := os.WriteFile(cfg, []byte("upstream:\n  url: "+srv.URL+"/acme/chain\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"FORKREVIEW_GITHUB_TOKEN": fake.token, "GITHUB_API_URL": srv.URL + "/api/v3"}
	out, errs, code := run(t, env, "scan", "--repo", s.Dir, s.Range(), "--config", cfg, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if lines := strings.Split(strings.TrimSpace(errs), "\n"); len(lines) != 1 || !strings.Contains(errs, "warning: upstream pull request details") ||
		!strings.Contains(errs, "FORKREVIEW_NO_NETWORK=1") {
		t.Errorf("stderr %q, want one warning line", errs)
	}
	if strings.Contains(out+errs, fake.token) {
		t.Fatal("the token is in the output")
	}
	var rep review.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Commits) == 0 {
		t.Fatalf("report: %v, %d commits", err, len(rep.Commits))
	}
}

func TestPRTarget(t *testing.T) {
	for _, tc := range []struct {
		url  string
		env  map[string]string
		want string // "owner/name api token", "" for none
	}{
		{"https://github.com/ethereum/go-ethereum", map[string]string{"GITHUB_TOKEN": "a"}, "ethereum/go-ethereum https://api.github.com a"},
		{"https://github.com/ethereum/go-ethereum.git/", map[string]string{"FORKREVIEW_GITHUB_TOKEN": "b", "GITHUB_TOKEN": "a"}, "ethereum/go-ethereum https://api.github.com b"},
		{"https://github.com/ethereum/go-ethereum", map[string]string{"GITHUB_TOKEN": "a", "GITHUB_API_URL": "https://api.github.com/"}, "ethereum/go-ethereum https://api.github.com a"},
		// in a GitHub Enterprise job GITHUB_TOKEN belongs to that server, not to github.com
		{"https://github.com/ethereum/go-ethereum", map[string]string{"GITHUB_TOKEN": "a", "GITHUB_API_URL": "https://ghe.corp/api/v3"}, ""},
		{"https://github.com/ethereum/go-ethereum", map[string]string{"FORKREVIEW_GITHUB_TOKEN": "b", "GITHUB_API_URL": "https://ghe.corp/api/v3"}, "ethereum/go-ethereum https://api.github.com b"},
		{"https://ghe.corp/chain/geth", map[string]string{"GITHUB_TOKEN": "a", "GITHUB_API_URL": "https://ghe.corp/api/v3"}, "chain/geth https://ghe.corp/api/v3 a"},
		{"https://ghe.corp/chain/geth", map[string]string{"GITHUB_TOKEN": "a"}, ""},
		{"https://ghe.corp/chain/geth", map[string]string{"GITHUB_TOKEN": "a", "GITHUB_API_URL": "https://other.corp/api/v3"}, ""},
		{"https://github.com/ethereum/go-ethereum", nil, ""},
		{"", map[string]string{"GITHUB_TOKEN": "a"}, ""},
		{"https://github.com/ethereum", map[string]string{"GITHUB_TOKEN": "a"}, ""},
		{"https://github.com/ethereum/go-ethereum/tree/master", map[string]string{"GITHUB_TOKEN": "a"}, ""},
		{"file:///src/geth", map[string]string{"GITHUB_TOKEN": "a"}, ""},
	} {
		src, ok := prTarget(tc.url, func(k string) string { return tc.env[k] })
		got := ""
		if ok {
			got = src.owner + "/" + src.name + " " + src.api + " " + src.token
		}
		if got != tc.want {
			t.Errorf("prTarget(%q, %v) = %q, want %q", tc.url, tc.env, got, tc.want)
		}
	}
}
