package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// prFake serves GET /repos/{owner}/{repo}/pulls/{number} of an in-memory GitHub, with answers
// that can be scripted per number to simulate failures.
type prFake struct {
	token string
	owner string
	repo  string

	mu     sync.Mutex
	prs    map[int]map[string]any // the JSON GitHub gives, by number
	hold   map[int]bool           // numbers whose answer never comes (until the client gives up)
	byUA   map[string][]int       // numbers asked for, by User-Agent
	script map[int][]scripted
	got    []int    // numbers asked for, in order received
	log    []string // every request line, to look for the token
}

func newPRFake(t *testing.T) (*prFake, *httptest.Server) {
	t.Helper()
	f := &prFake{token: "ghp_pr5ecretT0kenValue0987654321", owner: "ethereum", repo: "go-ethereum",
		prs: map[int]map[string]any{}, script: map[int][]scripted{}, byUA: map[string][]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// add puts a merged pull request number n with the given body and labels.
func (f *prFake) add(n int, title, body string, labels ...string) {
	var ls []map[string]any
	for _, l := range labels {
		ls = append(ls, map[string]any{"name": l, "color": "ededed"})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prs[n] = map[string]any{
		"number": n, "title": title, "body": body, "state": "closed", "labels": ls,
		"merged": true, "merged_at": "2024-01-02T03:04:05Z",
		"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d", f.owner, f.repo, n),
	}
}

func (f *prFake) queue(n int, s ...scripted) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[n] = append(f.script[n], s...)
}

func (f *prFake) asked() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]int(nil), f.got...)
	sort.Ints(out)
	return out
}

// askedBy returns the numbers a client with User-Agent ua asked for, sorted. (Counting by
// client, not by time, keeps a request the first client gave up on, which the server may see
// late, out of the second client's count.)
func (f *prFake) askedBy(ua string) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]int(nil), f.byUA[ua]...)
	sort.Ints(out)
	return out
}

func (f *prFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.log = append(f.log, r.Method+" "+r.URL.RequestURI()+" "+r.UserAgent())
	if n, err := strconv.Atoi(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]); err == nil && f.hold[n] {
		f.got = append(f.got, n)
		f.byUA[r.UserAgent()] = append(f.byUA[r.UserAgent()], n)
		f.mu.Unlock()
		<-r.Context().Done()
		return
	}
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method != http.MethodGet || len(parts) != 5 || parts[0] != "repos" || parts[1] != f.owner || parts[2] != f.repo || parts[3] != "pulls" {
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
		return
	}
	n, err := strconv.Atoi(parts[4])
	if err != nil {
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
		return
	}
	f.got = append(f.got, n)
	f.byUA[r.UserAgent()] = append(f.byUA[r.UserAgent()], n)
	if q := f.script[n]; len(q) > 0 {
		s := q[0]
		f.script[n] = q[1:]
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.status)
		w.Write([]byte(s.body))
		return
	}
	pr, ok := f.prs[n]
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, 200, pr)
}

type prHarness struct {
	f     *prFake
	srv   *httptest.Server
	c     *Client
	dir   string
	mu    sync.Mutex
	slept []time.Duration
}

func prSetup(t *testing.T) *prHarness {
	t.Helper()
	f, srv := newPRFake(t)
	h := &prHarness{f: f, srv: srv, dir: filepath.Join(t.TempDir(), ".git", "forkreview", "prs")}
	h.c = h.client(t, "forkreview-test")
	return h
}

// client returns a Client of the fake that sends User-Agent ua.
func (h *prHarness) client(t *testing.T, ua string) *Client {
	t.Helper()
	c, err := NewClient(Env{Token: h.f.token, APIURL: h.srv.URL}, h.srv.Client(), WithUserAgent(ua),
		WithClock(func() time.Time { return t0 }),
		WithSleep(func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.slept = append(h.slept, d)
			h.mu.Unlock()
			return ctx.Err()
		}),
		WithRetries(2, time.Second), WithMaxWait(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run opens the cache, reads numbers and saves the cache, as one forkreview run does.
func (h *prHarness) run(t *testing.T, numbers ...int) (map[int]PRMeta, error) {
	t.Helper()
	cache, err := OpenPRCache(h.dir, h.f.owner, h.f.repo)
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.c.PullRequests(context.Background(), h.f.owner, h.f.repo, numbers, cache)
	if serr := cache.Save(); serr != nil {
		t.Fatalf("save: %v", serr)
	}
	h.noToken(t, fmt.Sprintf("%v %+v %#v", err, got, h.c))
	return got, err
}

func (h *prHarness) noToken(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, h.f.token) {
		t.Fatalf("the token leaked: %q", s)
	}
	b, _ := os.ReadFile(filepath.Join(h.dir, "ethereum_go-ethereum.json"))
	if strings.Contains(string(b), h.f.token) {
		t.Fatal("the token is in the cache file")
	}
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	for _, l := range h.f.log {
		if strings.Contains(l, h.f.token) {
			t.Fatalf("the token was sent outside the Authorization header: %q", l)
		}
	}
}

func keys(m map[int]PRMeta) []int {
	var out []int
	for n := range m {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func TestPullRequestsFetchesThenCaches(t *testing.T) {
	h := prSetup(t)
	h.f.add(28547, "core/state: fix copy of access list", "The copy missed the list.\n\nFixes #28540, closes ethereum/go-ethereum#28541.\nSee also #28000.", "type:bug", "core")
	h.f.add(28548, "eth: tidy", "")
	h.f.add(28549, "p2p: open pull request", "")
	h.f.mu.Lock()
	h.f.prs[28549]["state"], h.f.prs[28549]["merged"], h.f.prs[28549]["merged_at"] = "open", false, nil
	h.f.mu.Unlock()

	got, err := h.run(t, 28547, 28548, 0, 28547, 99999, 28549)
	if err != nil {
		t.Fatal(err)
	}
	want := PRMeta{
		Number: 28547, Title: "core/state: fix copy of access list", Labels: []string{"type:bug", "core"},
		LinkedIssues: []int{28540, 28541}, URL: "https://github.com/ethereum/go-ethereum/pull/28547",
		State: "merged", MergedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), FetchedAt: t0,
	}
	if !reflect.DeepEqual(got[28547], want) {
		t.Errorf("#28547:\n got %+v\nwant %+v", got[28547], want)
	}
	if got[28549].State != "open" || !got[28549].MergedAt.IsZero() {
		t.Errorf("#28549 = %+v, want open and not merged", got[28549])
	}
	// 0 is no pull request, repeats are asked once, and 99999 (no such pull request) is left out
	if k := keys(got); !reflect.DeepEqual(k, []int{28547, 28548, 28549}) {
		t.Errorf("got %v", k)
	}
	if a := h.f.asked(); !reflect.DeepEqual(a, []int{28547, 28548, 28549, 99999}) {
		t.Errorf("asked for %v", a)
	}

	// a second run reads everything from the cache, the missing number included
	again, err := h.run(t, 28547, 28548, 99999, 28549)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(h.f.asked()); n != 4 {
		t.Errorf("the second run sent %d more requests, want none", n-4)
	}
	if !reflect.DeepEqual(again, got) {
		t.Errorf("from the cache:\n%+v\nwant\n%+v", again, got)
	}
	// the cache file is where forkreview keeps it and holds every number asked for
	b, err := os.ReadFile(filepath.Join(h.dir, "ethereum_go-ethereum.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file prCacheFile
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if file.Version != 1 || file.Repository != "ethereum/go-ethereum" || len(file.PullRequests) != 4 || !file.PullRequests[99999].Missing {
		t.Errorf("cache file: %s", b)
	}
}

func TestPullRequestsRechecksOpenAndMissingLater(t *testing.T) {
	h := prSetup(t)
	old := t0.Add(-recheckAfter - time.Hour)
	recent := t0.Add(-time.Hour)
	seed := map[int]PRMeta{
		1: {Number: 1, Title: "merged long ago", State: "merged", FetchedAt: old},
		2: {Number: 2, Missing: true, FetchedAt: old},
		3: {Number: 3, Missing: true, FetchedAt: recent},
		4: {Number: 4, Title: "was open", State: "open", FetchedAt: old},
		5: {Number: 5, Title: "open", State: "open", FetchedAt: recent},
	}
	b, _ := json.Marshal(prCacheFile{Version: 1, Repository: "ethereum/go-ethereum", PullRequests: seed})
	if err := writeFileAtomic(filepath.Join(h.dir, "ethereum_go-ethereum.json"), b); err != nil {
		t.Fatal(err)
	}
	h.f.add(2, "now a pull request", "")
	h.f.add(4, "was open", "")
	got, err := h.run(t, 1, 2, 3, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	if a := h.f.asked(); !reflect.DeepEqual(a, []int{2, 4}) {
		t.Errorf("asked for %v, want [2 4] (missing and open ones older than %v)", a, recheckAfter)
	}
	if k := keys(got); !reflect.DeepEqual(k, []int{1, 2, 4, 5}) || got[4].State != "merged" || got[1].Title != "merged long ago" {
		t.Errorf("got %+v", got)
	}
}

func TestPullRequestsRetriesServerErrors(t *testing.T) {
	h := prSetup(t)
	h.f.add(7, "seven", "")
	h.f.queue(7, scripted{status: 502, body: `{"message":"Server Error"}`})
	got, err := h.run(t, 7)
	if err != nil || got[7].Title != "seven" {
		t.Fatalf("got %+v, %v; want #7 after one retry", got, err)
	}
	if a := h.f.asked(); len(a) != 2 {
		t.Errorf("asked %v, want #7 twice", a)
	}
}

// TestPullRequestsKeepsWhatItHas: GitHub fails part way (a server error that retrying does not
// cure, then the rate limit); what was read is returned and cached, the error says why the rest
// is not, and the next run asks only for the rest.
func TestPullRequestsKeepsWhatItHas(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail []scripted
		want error
	}{
		{"server error", []scripted{{status: 500}, {status: 500}, {status: 500}}, ErrUnavailable},
		{"rate limit", []scripted{{status: 403, header: map[string]string{
			"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(t0.Add(40*time.Minute).Unix(), 10),
		}, body: `{"message":"API rate limit exceeded for 203.0.113.7."}`}}, ErrRateLimited},
		{"rejected token", []scripted{{status: 401, body: `{"message":"Bad credentials"}`}}, ErrUnauthorized},
		{"forbidden", []scripted{{status: 403, body: `{"message":"Resource protected by organization SAML enforcement."}`}}, ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := prSetup(t)
			var all []int
			for n := 1; n <= 12; n++ {
				h.f.add(n, "pr "+strconv.Itoa(n), "")
				all = append(all, n)
			}
			h.f.queue(6, tc.fail...)
			got, err := h.run(t, all...)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), "#6") || !strings.Contains(err.Error(), fmt.Sprintf("of %d pull requests", len(all))) {
				t.Errorf("error %q does not say which pull request failed and how many were read", err)
			}
			if _, ok := got[6]; ok {
				t.Fatal("#6 failed but is in the result")
			}
			for n, m := range got {
				if m.Title != "pr "+strconv.Itoa(n) {
					t.Errorf("#%d = %+v", n, m)
				}
			}
			if tc.want == ErrRateLimited {
				h.mu.Lock()
				if len(h.slept) != 0 {
					t.Errorf("waited %v for a rate limit beyond WithMaxWait", h.slept)
				}
				h.mu.Unlock()
			}
			// GitHub is back: the next run asks once for each pull request the first did not
			// read, and for nothing else
			h.c = h.client(t, "second-run")
			again, err := h.run(t, all...)
			if err != nil {
				t.Fatal(err)
			}
			if k := keys(again); !reflect.DeepEqual(k, all) {
				t.Fatalf("second run got %v", k)
			}
			var want []int
			for _, n := range all {
				if _, ok := got[n]; !ok {
					want = append(want, n)
				}
			}
			if second := h.f.askedBy("second-run"); !reflect.DeepEqual(second, want) {
				t.Errorf("the second run asked for %v, want %v", second, want)
			}
		})
	}
}

// TestPullRequestsStopsAtFirstFailure: once one request failed, the ones in flight are
// cancelled and no new one is sent.
func TestPullRequestsStopsAtFirstFailure(t *testing.T) {
	h := prSetup(t)
	var all []int
	for n := 1; n <= 12; n++ {
		h.f.add(n, "pr", "")
		all = append(all, n)
	}
	// #1 fails while #2, #3 and #4 (the other workers' first) wait for an answer
	h.f.hold = map[int]bool{2: true, 3: true, 4: true}
	h.f.queue(1, scripted{status: 401, body: `{"message":"Bad credentials"}`})
	got, err := h.run(t, all...)
	if !errors.Is(err, ErrUnauthorized) || len(got) != 0 {
		t.Fatalf("got %v, %v; want nothing and ErrUnauthorized", got, err)
	}
	// #2..#4 may or may not have reached the server before #1 failed; nothing after them may
	for _, n := range h.f.asked() {
		if n > prWorkers {
			t.Errorf("asked for #%d after the first failure; only the %d in flight [1 2 3 4] may be", n, prWorkers)
		}
	}
}

func TestPullRequestsStopsOnCancel(t *testing.T) {
	h := prSetup(t)
	h.f.add(1, "one", "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := h.c.PullRequests(ctx, "ethereum", "go-ethereum", []int{1, 2, 3}, nil)
	if !errors.Is(err, context.Canceled) || len(got) != 0 {
		t.Fatalf("got %v, %v; want nothing and context.Canceled", got, err)
	}
}

func TestPullRequestsChecksArguments(t *testing.T) {
	h := prSetup(t)
	if _, err := h.c.PullRequests(context.Background(), "ethereum", "../x", []int{1}, nil); !errors.Is(err, ErrNoRepository) {
		t.Errorf("bad name: %v", err)
	}
	cache, err := OpenPRCache(h.dir, "other", "repo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.c.PullRequests(context.Background(), "ethereum", "go-ethereum", []int{1}, cache); err == nil {
		t.Error("a cache of another repository was accepted")
	}
	if _, err := OpenPRCache(h.dir, "a/b", "c"); err == nil {
		t.Error("OpenPRCache took an owner with a slash")
	}
	if len(h.f.asked()) != 0 {
		t.Errorf("asked for %v", h.f.asked())
	}
}

func TestPRCacheDamagedFileAndConcurrentSaves(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ethereum_go-ethereum.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"pull_requests":{"1":`), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := OpenPRCache(dir, "Ethereum", "go-ethereum")
	if err != nil || a.Len() != 0 || a.Path() != path {
		t.Fatalf("damaged file: %v, %d entries, %s", err, a.Len(), a.Path())
	}
	b, _ := OpenPRCache(dir, "ethereum", "go-ethereum")
	a.put(PRMeta{Number: 1, Title: "one", FetchedAt: t0})
	b.put(PRMeta{Number: 2, Title: "two", FetchedAt: t0})
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	c, _ := OpenPRCache(dir, "ethereum", "go-ethereum")
	if m1, _ := c.get(1); m1.Title != "one" || c.Len() != 2 {
		t.Errorf("two runs saving one after the other: %d entries, #1 %+v", c.Len(), m1)
	}
	// a file of another repository or format is ignored, not trusted
	for _, body := range []string{
		`{"version":1,"repository":"other/repo","pull_requests":{"1":{"number":1,"title":"x"}}}`,
		`{"version":2,"repository":"ethereum/go-ethereum","pull_requests":{"1":{"number":1,"title":"x"}}}`,
		`{"version":1,"repository":"ethereum/go-ethereum","pull_requests":{"1":{"number":2,"title":"x"}}}`,
	} {
		os.WriteFile(path, []byte(body), 0o644)
		if c, _ := OpenPRCache(dir, "ethereum", "go-ethereum"); c.Len() != 0 {
			t.Errorf("%s: %d entries", body, c.Len())
		}
	}
	// nothing added: nothing written
	os.Remove(path)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Save without additions wrote the file: %v", err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestLinkedIssues(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []int
	}{
		{"", nil},
		{"Fixes #123", []int{123}},
		{"fixes #123, closes #45 and resolves #7.", []int{7, 45, 123}},
		{"Closes: #10\nFIXED:#11\nResolved #12", []int{10, 11, 12}},
		{"close #1 closed #2 fix #3 fixed #4 resolve #5", []int{1, 2, 3, 4, 5}},
		{"fixes ethereum/go-ethereum#7", []int{7}},
		{"Fixes Ethereum/Go-Ethereum#8", []int{8}},
		{"fixes other/repo#9, fixes #10", []int{10}},
		{"fixes https://github.com/ethereum/go-ethereum/issues/11", []int{11}},
		{"fixes https://github.com/other/repo/issues/12", nil},
		{"fixes https://github.com/ethereum/go-ethereum/pull/13", nil},
		{"See #14, related to #15", nil},
		{"prefixes #16 and suffixes #17", nil},
		{"fixes #18abc", nil},
		{"fixes #19 and #20", []int{19}},
		{"fixes #21\nfixes #21", []int{21}},
		{"<!-- Fixes #22 -->\nReplace this text", nil},
		{"```\nfixes #23\n```\nand `fixes #24` but fixes #25", []int{25}},
		{"fixes #0 fixes #99999999999", nil},
		{"fixes\n#26", nil},
	} {
		got := LinkedIssues(tc.body, "ethereum", "go-ethereum")
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("LinkedIssues(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
}
