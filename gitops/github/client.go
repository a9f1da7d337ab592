package github

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	gh "github.com/google/go-github/v60/github"
)

// MaxCommentChars is the most characters GitHub accepts in a comment's body.
const MaxCommentChars = 65536

// MaxStepSummaryBytes is the most GitHub shows of one step's summary; beyond it, it shows
// nothing and warns.
const MaxStepSummaryBytes = 1 << 20

// Client keeps forkreview's comment on a pull request. It is built on go-github with the
// retry and rate-limit handling of retryTransport below it.
type Client struct {
	gh    *gh.Client
	token string
	api   string // the API base URL, for messages
	set   *settings
}

// String names the API the client talks to; it never shows the token.
func (c *Client) String() string { return "github.Client{api=" + c.api + "}" }

// GoString masks the token for %#v too.
func (c *Client) GoString() string { return c.String() }

type settings struct {
	sleep     func(ctx context.Context, d time.Duration) error
	now       func() time.Time
	maxWait   time.Duration
	retries   int
	backoff   time.Duration
	timeout   time.Duration
	userAgent string
}

// Option changes how a Client waits and retries.
type Option func(*settings)

// WithSleep replaces how the Client waits (for a rate limit's reset, between retries); it must
// return early with ctx.Err() when ctx ends. Tests pass one that records and returns at once.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *settings) { s.sleep = sleep }
}

// WithClock replaces the clock that rate-limit resets are measured against.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.now = now } }

// WithMaxWait bounds the total time one request may wait for rate limits to reset (default one
// minute). A reset further away fails with ErrRateLimited at once.
func WithMaxWait(d time.Duration) Option { return func(s *settings) { s.maxWait = d } }

// WithRetries sets how many times a request that met a server error (5xx) is tried again
// (default 3), waiting backoff, then twice that, and so on (default one second).
func WithRetries(n int, backoff time.Duration) Option {
	return func(s *settings) { s.retries, s.backoff = n, backoff }
}

// WithRequestTimeout bounds each attempt of each request (default 30 seconds).
func WithRequestTimeout(d time.Duration) Option { return func(s *settings) { s.timeout = d } }

// WithUserAgent sets the User-Agent, e.g. "forkreview/0.1.0".
func WithUserAgent(ua string) Option { return func(s *settings) { s.userAgent = ua } }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NewClient returns a Client for the API at env.APIURL (GitHub Enterprise Server included)
// authenticated with env.Token. httpClient may be nil; its Transport, if any, carries the
// requests (tests point it at an httptest server). Its Timeout is not used: each attempt has its
// own (WithRequestTimeout), so that waiting for a rate limit does not count against it.
func NewClient(env Env, httpClient *http.Client, opts ...Option) (*Client, error) {
	set := &settings{
		sleep:     sleepCtx,
		now:       time.Now,
		maxWait:   time.Minute,
		retries:   3,
		backoff:   time.Second,
		timeout:   30 * time.Second,
		userAgent: "forkreview",
	}
	for _, o := range opts {
		o(set)
	}
	if set.retries < 0 {
		set.retries = 0
	}
	if set.backoff <= 0 {
		set.backoff = time.Second
	}
	if set.timeout <= 0 {
		set.timeout = 30 * time.Second
	}
	token := strings.TrimSpace(env.Token)
	if token == "" {
		return nil, fmt.Errorf("%w: set GITHUB_TOKEN (in a workflow: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`), or use --dry-run to print the comment", ErrNoToken)
	}
	base, err := apiBaseURL(env.APIURL)
	if err != nil {
		return nil, err
	}
	var transport http.RoundTripper = http.DefaultTransport
	hc := &http.Client{}
	if httpClient != nil {
		if httpClient.Transport != nil {
			transport = httpClient.Transport
		}
		hc.CheckRedirect = httpClient.CheckRedirect
		hc.Jar = httpClient.Jar
	}
	hc.Transport = &retryTransport{base: transport, set: set}
	client := gh.NewClient(hc).WithAuthToken(token)
	client.BaseURL = base
	client.UserAgent = set.userAgent
	return &Client{gh: client, token: token, api: strings.TrimSuffix(base.String(), "/"), set: set}, nil
}

// apiBaseURL checks GITHUB_API_URL and gives it the trailing slash go-github needs. Plain http
// is refused except on the loopback interface, because the token would travel in clear text.
func apiBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("GITHUB_API_URL %q is not an http(s) address: use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server", raw)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return nil, fmt.Errorf("GITHUB_API_URL %q uses plain http, which would send the token in clear text: use https", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("GITHUB_API_URL %q must be a plain address without user, query or fragment", u.Redacted())
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Action says what Upsert did.
type Action string

const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// Result is the outcome of Upsert.
type Result struct {
	Action Action
	ID     int64
	URL    string // the comment's web address
}

// maxPages bounds how many pages of comments Upsert reads (100 each), against a server whose
// "next" link never ends.
const maxPages = 1000

// Upsert keeps one comment on pull request pr of owner/repo: the one whose body starts with
// marker (a hidden HTML comment such as "<!-- forkreview -->"). It reads every page of the
// pull request's comments to find it, edits it when its body differs from body, leaves it when
// it is the same, and creates it only when there is none, so that re-runs never add a second
// comment. body gets the marker in front if it does not start with it.
//
// Errors wrap ErrForbidden (the caller writes the step summary instead), ErrUnauthorized,
// ErrNotFound, ErrRateLimited, ErrUnavailable or ErrRejected; none holds the token.
func (c *Client) Upsert(ctx context.Context, owner, repo string, pr int, marker, body string) (Result, error) {
	res, err := c.upsert(ctx, owner, repo, pr, marker, body)
	return res, c.scrub(err)
}

func (c *Client) upsert(ctx context.Context, owner, repo string, pr int, marker, body string) (Result, error) {
	if _, _, err := ParseRepo(owner + "/" + repo); err != nil {
		return Result{}, err
	}
	if pr <= 0 {
		return Result{}, fmt.Errorf("no pull request to comment on: pass --pr N, or run on a pull_request event")
	}
	if err := checkMarker(marker); err != nil {
		return Result{}, err
	}
	if !strings.HasPrefix(body, marker) {
		body = marker + "\n" + body
	}
	if n := utf8.RuneCountInString(body); n > MaxCommentChars {
		return Result{}, fmt.Errorf("%w: the comment has %d characters and GitHub takes at most %d: render it with that limit", ErrRejected, n, MaxCommentChars)
	}
	t := target{owner: owner, repo: repo, pr: pr}

	existing, err := c.find(ctx, t, marker)
	if err != nil {
		return Result{}, err
	}
	for attempt := 0; ; attempt++ {
		if existing != nil {
			return c.update(ctx, t, existing, body)
		}
		t.op = "create the comment"
		created, _, err := c.gh.Issues.CreateComment(ctx, owner, repo, pr, &gh.IssueComment{Body: gh.String(body)})
		if err == nil {
			return Result{Action: Created, ID: created.GetID(), URL: created.GetHTMLURL()}, nil
		}
		err = c.classify(t, err)
		if !errors.Is(err, ErrUnavailable) || attempt >= c.set.retries || ctx.Err() != nil {
			return Result{}, err
		}
		// GitHub may have created the comment before failing: look again before another try,
		// or the pull request would get a second one.
		if serr := c.set.sleep(ctx, c.set.backoffFor(attempt)); serr != nil {
			return Result{}, err
		}
		if existing, err = c.find(ctx, t, marker); err != nil {
			return Result{}, err
		}
	}
}

func (c *Client) update(ctx context.Context, t target, existing *gh.IssueComment, body string) (Result, error) {
	res := Result{Action: Unchanged, ID: existing.GetID(), URL: existing.GetHTMLURL()}
	if sameBody(existing.GetBody(), body) {
		return res, nil
	}
	t.op = "edit the comment"
	edited, _, err := c.gh.Issues.EditComment(ctx, t.owner, t.repo, existing.GetID(), &gh.IssueComment{Body: gh.String(body)})
	if err != nil {
		return Result{}, c.classify(t, err)
	}
	res.Action = Updated
	if u := edited.GetHTMLURL(); u != "" {
		res.URL = u
	}
	return res, nil
}

// find returns the comment of the pull request whose body starts with marker: the oldest one
// written by a bot (GITHUB_TOKEN comments as github-actions[bot]) or else the oldest by anyone
// (a personal token comments as its user), or nil. Preferring bots keeps a person who pastes the
// marker into a comment of their own from having it taken over.
func (c *Client) find(ctx context.Context, t target, marker string) (*gh.IssueComment, error) {
	t.op = "list the pull request's comments"
	opt := &gh.IssueListCommentsOptions{
		Sort:        gh.String("created"),
		Direction:   gh.String("asc"),
		ListOptions: gh.ListOptions{PerPage: 100, Page: 1},
	}
	var first *gh.IssueComment
	for pages := 0; pages < maxPages; pages++ {
		comments, resp, err := c.gh.Issues.ListComments(ctx, t.owner, t.repo, t.pr, opt)
		if err != nil {
			return nil, c.classify(t, err)
		}
		for _, cm := range comments {
			if !strings.HasPrefix(strings.TrimLeft(cm.GetBody(), " \t\r\n"), marker) {
				continue
			}
			if cm.GetUser().GetType() == "Bot" {
				return cm, nil
			}
			if first == nil {
				first = cm
			}
		}
		if resp.NextPage == 0 || resp.NextPage <= opt.Page {
			return first, nil
		}
		opt.Page = resp.NextPage
	}
	return nil, fmt.Errorf("%s on %s/%s: %w: more than %d pages of comments", t.op, t.owner, t.repo, ErrRejected, maxPages)
}

// checkMarker makes sure the marker is a hidden HTML comment, which Markdown does not show.
func checkMarker(m string) error {
	inner, ok := strings.CutPrefix(m, "<!--")
	if ok {
		inner, ok = strings.CutSuffix(inner, "-->")
	}
	if !ok || strings.TrimSpace(inner) == "" || strings.Contains(inner, "--") || strings.ContainsAny(inner, "\r\n") {
		return fmt.Errorf("comment marker %q must be one hidden HTML comment such as \"<!-- forkreview -->\"", m)
	}
	return nil
}

// sameBody compares bodies as GitHub stores them (it may turn line ends into CRLF).
func sameBody(a, b string) bool {
	norm := func(s string) string { return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }
	return norm(a) == norm(b)
}

// AppendStepSummary appends markdown to the job's step summary file (GITHUB_STEP_SUMMARY),
// which GitHub shows on the workflow run's page. It is where the summary goes when the token
// may not comment, and in addition to the comment otherwise.
func AppendStepSummary(path, markdown string) error {
	if path == "" {
		return errors.New("no step summary: GITHUB_STEP_SUMMARY is not set, so this is not a GitHub Actions job; use --dry-run to print the comment")
	}
	if len(markdown) > MaxStepSummaryBytes {
		return fmt.Errorf("step summary of %d bytes is more than GitHub shows (%d): shorten it", len(markdown), MaxStepSummaryBytes)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("write the step summary: %w", err)
	}
	if !strings.HasSuffix(markdown, "\n") {
		markdown += "\n"
	}
	if _, err := f.WriteString(markdown + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("write the step summary %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the step summary %s: %w", path, err)
	}
	return nil
}
