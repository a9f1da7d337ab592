package github

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const marker = "<!-- forkreview -->"

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

type harness struct {
	f      *fakeGitHub
	srv    *httptest.Server
	c      *Client
	sleeps []time.Duration
}

func setup(t *testing.T, prefix string, opts ...Option) *harness {
	t.Helper()
	f, srv := newFake(t, prefix)
	h := &harness{f: f, srv: srv}
	all := append([]Option{
		WithClock(func() time.Time { return t0 }),
		WithSleep(func(ctx context.Context, d time.Duration) error {
			h.sleeps = append(h.sleeps, d)
			return ctx.Err()
		}),
		WithRetries(3, time.Second),
	}, opts...)
	c, err := NewClient(Env{Token: f.token, APIURL: srv.URL + prefix}, srv.Client(), all...)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	return h
}

func (h *harness) upsert(t *testing.T, pr int, body string) (Result, error) {
	t.Helper()
	res, err := h.c.Upsert(context.Background(), h.f.owner, h.f.repo, pr, marker, body)
	if err != nil {
		h.noToken(t, err.Error())
	}
	h.noToken(t, fmt.Sprintf("%+v", res))
	return res, err
}

// noToken fails when the token shows up in s, or anywhere but the Authorization header of
// the requests the fake received.
func (h *harness) noToken(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, h.f.token) {
		t.Fatalf("the token leaked: %q", s)
	}
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	for _, l := range append(append([]string{}, h.f.log...), h.f.bodies...) {
		if strings.Contains(l, h.f.token) {
			t.Fatalf("the token was sent outside the Authorization header: %q", l)
		}
	}
}

func TestUpsertCreatesThenEditsThenLeaves(t *testing.T) {
	h := setup(t, "")
	h.f.seed(7, "alice", "LGTM, but see "+marker+" quoted in the middle")

	res, err := h.upsert(t, 7, marker+"\nfirst run")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != Created || res.ID == 0 || !strings.Contains(res.URL, "issuecomment-") {
		t.Fatalf("first run: %+v", res)
	}
	res2, err := h.upsert(t, 7, marker+"\nsecond run")
	if err != nil {
		t.Fatal(err)
	}
	if res2.Action != Updated || res2.ID != res.ID {
		t.Fatalf("second run: %+v, want an edit of %d", res2, res.ID)
	}
	patches := h.f.requests("PATCH ")
	res3, err := h.upsert(t, 7, "second run") // no marker: Upsert adds it
	if err != nil {
		t.Fatal(err)
	}
	if res3.Action != Unchanged || h.f.requests("PATCH ") != patches {
		t.Fatalf("third run with the same body: %+v, PATCH requests %d -> %d", res3, patches, h.f.requests("PATCH "))
	}
	ours := h.f.ours(7, marker)
	if len(ours) != 1 || ours[0].Body != marker+"\nsecond run" {
		t.Fatalf("want one comment with the second body, got %+v", ours)
	}
	if n := h.f.requests("POST "); n != 1 {
		t.Fatalf("%d POST requests, want 1", n)
	}
	if len(h.sleeps) != 0 {
		t.Fatalf("slept %v without reason", h.sleeps)
	}
}

func TestUpsertReadsEveryPage(t *testing.T) {
	h := setup(t, "")
	for i := 0; i < 250; i++ {
		h.f.seed(3, "bob", "comment "+strconv.Itoa(i))
	}
	id := h.f.seed(3, "github-actions[bot]", marker+"\nold summary")
	h.f.seed(3, "carol", "after")

	res, err := h.upsert(t, 3, marker+"\nnew summary")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != Updated || res.ID != id {
		t.Fatalf("got %+v, want an edit of comment %d on page 3", res, id)
	}
	if n := h.f.requests("GET "); n != 3 {
		t.Fatalf("%d list requests, want 3 pages of 100", n)
	}
	if n := h.f.requests("POST "); n != 0 {
		t.Fatalf("created a second comment")
	}
	h.f.mu.Lock()
	first := h.f.log[0]
	h.f.mu.Unlock()
	if !strings.Contains(first, "per_page=100") {
		t.Fatalf("first request %q does not ask for 100 per page", first)
	}
}

// A person who pastes the marker at the start of their own comment does not get it taken over
// when the bot's comment exists.
func TestUpsertPrefersTheBotsComment(t *testing.T) {
	h := setup(t, "")
	human := h.f.seed(8, "mallory", marker+"\nnot yours")
	bot := h.f.seed(8, "github-actions[bot]", marker+"\nold")
	res, err := h.upsert(t, 8, marker+"\nnew")
	if err != nil || res.ID != bot || res.Action != Updated {
		t.Fatalf("got %+v %v, want an edit of the bot's comment %d", res, err, bot)
	}
	for _, c := range h.f.ours(8, marker) {
		if c.ID == human && c.Body != marker+"\nnot yours" {
			t.Fatal("the person's comment was edited")
		}
	}
}

func TestUpsertCreatesAfterLastPage(t *testing.T) {
	h := setup(t, "")
	for i := 0; i < 201; i++ {
		h.f.seed(3, "bob", "comment")
	}
	res, err := h.upsert(t, 3, marker+"\nsummary")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != Created || h.f.requests("GET ") != 3 {
		t.Fatalf("got %+v after %d pages", res, h.f.requests("GET "))
	}
}

func TestUpsertEnterpriseBaseURL(t *testing.T) {
	h := setup(t, "/api/v3")
	res, err := h.upsert(t, 1, marker+"\nhello")
	if err != nil || res.Action != Created {
		t.Fatalf("GitHub Enterprise path: %+v %v", res, err)
	}
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	for _, l := range h.f.log {
		if !strings.Contains(l, "/api/v3/repos/acme/geth-fork/") {
			t.Fatalf("request %q is not under the Enterprise API path", l)
		}
	}
}

func TestForbiddenFromFork(t *testing.T) {
	h := setup(t, "")
	h.f.queue("POST create", scripted{status: 403, body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment"}`})
	_, err := h.upsert(t, 9, marker+"\nsummary")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("got %v, want ErrForbidden", err)
	}
	for _, want := range []string{"403", "Resource not accessible by integration", "fork", "pull-requests: write", "#9"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	if len(h.sleeps) != 0 {
		t.Fatalf("a plain 403 is not a rate limit, yet slept %v", h.sleeps)
	}
	// The caller's fallback.
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := AppendStepSummary(path, "## summary"); err != nil {
		t.Fatal(err)
	}
	if err := AppendStepSummary(path, "more\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "## summary\n\nmore\n\n" {
		t.Fatalf("step summary is %q", b)
	}
}

func TestRateLimitWaitsUntilReset(t *testing.T) {
	h := setup(t, "")
	reset := t0.Add(30 * time.Second).Unix()
	h.f.queue("GET list", scripted{status: 403, header: map[string]string{
		"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(reset, 10),
	}, body: `{"message":"API rate limit exceeded for installation ID 1."}`})
	res, err := h.upsert(t, 2, marker+"\nx")
	if err != nil || res.Action != Created {
		t.Fatalf("got %+v %v", res, err)
	}
	if len(h.sleeps) != 1 || h.sleeps[0] != 30*time.Second {
		t.Fatalf("slept %v, want [30s] (until the reset)", h.sleeps)
	}
	if n := h.f.requests("GET "); n != 2 {
		t.Fatalf("%d list requests, want 2", n)
	}
}

func TestRateLimitResetTooFar(t *testing.T) {
	h := setup(t, "", WithMaxWait(time.Minute))
	reset := t0.Add(47 * time.Minute).Unix()
	h.f.queue("GET list", scripted{status: 403, header: map[string]string{
		"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(reset, 10),
	}, body: `{"message":"API rate limit exceeded"}`})
	_, err := h.upsert(t, 2, marker+"\nx")
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v, want ErrRateLimited", err)
	}
	if !strings.Contains(err.Error(), "12:47:00 UTC") || !strings.Contains(err.Error(), "47m0s") || !strings.Contains(err.Error(), "re-run") {
		t.Fatalf("message %q does not give the reset", err)
	}
	if len(h.sleeps) != 0 || h.f.requests("") != 1 {
		t.Fatalf("slept %v and sent %d requests for a reset beyond the budget", h.sleeps, h.f.requests(""))
	}
}

func TestRateLimit429RetryAfterAndSecondary(t *testing.T) {
	h := setup(t, "")
	h.f.queue("GET list", scripted{status: 429, header: map[string]string{"Retry-After": "5"}, body: `{"message":"slow down"}`})
	h.f.queue("POST create", scripted{status: 403, body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`})
	res, err := h.upsert(t, 2, marker+"\nx")
	if err != nil || res.Action != Created {
		t.Fatalf("got %+v %v", res, err)
	}
	if fmt.Sprint(h.sleeps) != "[5s 1m0s]" {
		t.Fatalf("slept %v, want [5s 1m0s]", h.sleeps)
	}
	if len(h.f.ours(2, marker)) != 1 {
		t.Fatal("want exactly one comment")
	}
}

func TestRateLimitBudgetIsTotal(t *testing.T) {
	h := setup(t, "", WithMaxWait(time.Minute))
	for i := 0; i < 5; i++ {
		h.f.queue("GET list", scripted{status: 429, header: map[string]string{"Retry-After": "25"}, body: `{"message":"slow down"}`})
	}
	_, err := h.upsert(t, 2, marker+"\nx")
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v, want ErrRateLimited", err)
	}
	var total time.Duration
	for _, d := range h.sleeps {
		total += d
	}
	if total > time.Minute || len(h.sleeps) != 2 {
		t.Fatalf("slept %v, want two waits of 25s within the one-minute budget", h.sleeps)
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	h := setup(t, "")
	h.f.queue("GET list", scripted{status: 500, body: `{"message":"Server Error"}`}, scripted{status: 502, body: `bad gateway`})
	h.f.queue("PATCH edit", scripted{status: 503, body: `{"message":"Service Unavailable"}`})
	h.f.seed(4, "github-actions[bot]", marker+"\nold")
	res, err := h.upsert(t, 4, marker+"\nnew")
	if err != nil || res.Action != Updated {
		t.Fatalf("got %+v %v", res, err)
	}
	if fmt.Sprint(h.sleeps) != "[1s 2s 1s]" {
		t.Fatalf("slept %v, want exponential backoff [1s 2s] then [1s]", h.sleeps)
	}
	if ours := h.f.ours(4, marker); len(ours) != 1 || ours[0].Body != marker+"\nnew" {
		t.Fatalf("comments: %+v", ours)
	}
}

func TestServerErrorGivesUp(t *testing.T) {
	h := setup(t, "")
	for i := 0; i < 10; i++ {
		h.f.queue("GET list", scripted{status: 500, body: `{"message":"Server Error"}`})
	}
	_, err := h.upsert(t, 4, marker+"\nnew")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("got %v, want ErrUnavailable with the status", err)
	}
	if n := h.f.requests("GET "); n != 4 {
		t.Fatalf("%d attempts, want 1 + 3 retries", n)
	}
}

// A POST that fails with 5xx may still have created the comment: Upsert must look before it
// tries again, or the pull request gets two.
func TestCreateServerErrorDoesNotDuplicate(t *testing.T) {
	h := setup(t, "")
	h.f.createAnyway = true
	h.f.queue("POST create", scripted{status: 502, body: `{"message":"Bad Gateway"}`})
	res, err := h.upsert(t, 5, marker+"\nbody")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(h.f.ours(5, marker)); n != 1 {
		t.Fatalf("%d comments after a failed create that went through, want 1", n)
	}
	if res.Action != Unchanged || h.f.requests("POST ") != 1 {
		t.Fatalf("got %+v after %d POSTs", res, h.f.requests("POST "))
	}
}

func TestCreateServerErrorRetried(t *testing.T) {
	h := setup(t, "")
	h.f.queue("POST create", scripted{status: 500, body: `{"message":"Server Error"}`})
	res, err := h.upsert(t, 5, marker+"\nbody")
	if err != nil || res.Action != Created {
		t.Fatalf("got %+v %v", res, err)
	}
	if n := len(h.f.ours(5, marker)); n != 1 || h.f.requests("POST ") != 2 || h.f.requests("GET ") != 2 {
		t.Fatalf("%d comments, %d POST, %d GET", n, h.f.requests("POST "), h.f.requests("GET "))
	}
}

func TestUnauthorizedAndNotFound(t *testing.T) {
	f, srv := newFake(t, "")
	bad := "ghp_wrongTokenThatMustNotBePrinted"
	c, err := NewClient(Env{Token: bad, APIURL: srv.URL}, srv.Client(), WithSleep(func(context.Context, time.Duration) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Upsert(context.Background(), f.owner, f.repo, 1, marker, "x")
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "GITHUB_TOKEN") || strings.Contains(err.Error(), bad) {
		t.Fatalf("got %v, want ErrUnauthorized naming GITHUB_TOKEN without the token", err)
	}

	h := setup(t, "")
	_, err = h.c.Upsert(context.Background(), "acme", "no-such-repo", 1, marker, "x")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "acme/no-such-repo") || !strings.Contains(err.Error(), "--repo-slug") {
		t.Fatalf("got %v, want ErrNotFound naming the repository", err)
	}
	h.noToken(t, err.Error())
}

// A server (or proxy) that echoes the Authorization header into its error must not get the
// token printed.
func TestTokenNeverInErrors(t *testing.T) {
	h := setup(t, "")
	echo := `{"message":"token Bearer ` + h.f.token + ` is not allowed","errors":[{"message":"` + h.f.token + `"}]}`
	h.f.queue("POST create", scripted{status: 422, body: echo})
	_, err := h.c.Upsert(context.Background(), h.f.owner, h.f.repo, 1, marker, "x")
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("got %v, want ErrRejected", err)
	}
	if strings.Contains(err.Error(), h.f.token) || !strings.Contains(err.Error(), "***") {
		t.Fatalf("token not redacted: %q", err)
	}
	for _, s := range []string{fmt.Sprint(h.c), fmt.Sprintf("%+v", h.c), fmt.Sprintf("%v", Env{Token: h.f.token}), fmt.Sprintf("%+v", Env{Token: h.f.token}), fmt.Sprintf("%#v", Env{Token: h.f.token})} {
		if strings.Contains(s, h.f.token) {
			t.Fatalf("token printed: %q", s)
		}
	}
}

func TestNoTokenAndBadURLs(t *testing.T) {
	if _, err := NewClient(Env{APIURL: DefaultAPIURL}, nil); !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Fatalf("got %v, want ErrNoToken naming GITHUB_TOKEN", err)
	}
	for _, u := range []string{"http://ghe.example.com/api/v3", "ftp://x", "not a url", "https://user:pw@ghe.example.com/api/v3"} {
		_, err := NewClient(Env{Token: "t0k3n-abcdef", APIURL: u}, nil)
		if err == nil {
			t.Errorf("GITHUB_API_URL %q accepted", u)
		} else if strings.Contains(err.Error(), "t0k3n") || strings.Contains(err.Error(), "pw@") {
			t.Errorf("error leaks a secret: %v", err)
		}
	}
	c, err := NewClient(Env{Token: "t0k3n-abcdef", APIURL: "https://ghe.example.com/api/v3"}, nil)
	if err != nil || c.gh.BaseURL.String() != "https://ghe.example.com/api/v3/" {
		t.Fatalf("Enterprise URL: %v %v", c, err)
	}
}

func TestUpsertRefusesBadInput(t *testing.T) {
	h := setup(t, "")
	ctx := context.Background()
	cases := []struct {
		owner, repo string
		pr          int
		marker      string
		body        string
		want        string
	}{
		{"acme", "geth-fork", 0, marker, "x", "--pr"},
		{"acme", "", 1, marker, "x", "OWNER/NAME"},
		{"acme", "geth-fork", 1, "forkreview", "x", "marker"},
		{"acme", "geth-fork", 1, "<!-- a -- b -->", "x", "marker"},
		{"acme", "geth-fork", 1, marker, strings.Repeat("é", MaxCommentChars), "65536"},
	}
	for _, tc := range cases {
		_, err := h.c.Upsert(ctx, tc.owner, tc.repo, tc.pr, tc.marker, tc.body)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Upsert(%q, %q, %d, %q): %v, want an error mentioning %q", tc.owner, tc.repo, tc.pr, tc.marker, err, tc.want)
		}
	}
	if n := h.f.requests(""); n != 0 {
		t.Fatalf("%d requests for invalid input", n)
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	f, srv := newFake(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	c, err := NewClient(Env{Token: f.token, APIURL: srv.URL}, srv.Client(), WithClock(func() time.Time { return t0 }),
		WithSleep(func(ctx2 context.Context, d time.Duration) error {
			waits = append(waits, d)
			cancel() // the job is cancelled while waiting for the reset
			return sleepCtx(ctx2, d)
		}))
	if err != nil {
		t.Fatal(err)
	}
	f.queue("GET list", scripted{status: 429, header: map[string]string{"Retry-After": "50"}, body: `{}`})
	_, err = c.Upsert(ctx, f.owner, f.repo, 1, marker, "x")
	if !errors.Is(err, context.Canceled) || len(waits) != 1 || waits[0] != 50*time.Second {
		t.Fatalf("got %v after waits %v, want context.Canceled during the 50s wait", err, waits)
	}
}

func TestAppendStepSummaryWithoutPath(t *testing.T) {
	if err := AppendStepSummary("", "x"); err == nil || !strings.Contains(err.Error(), "GITHUB_STEP_SUMMARY") {
		t.Fatalf("got %v", err)
	}
	if err := AppendStepSummary(filepath.Join(t.TempDir(), "s.md"), strings.Repeat("x", MaxStepSummaryBytes+1)); err == nil {
		t.Fatal("oversized step summary accepted")
	}
}
