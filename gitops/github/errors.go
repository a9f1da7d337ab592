package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// Sentinels for the ways talking to GitHub fails. Every error the Client returns wraps one of
// them (test with errors.Is) and its text says what to do.
var (
	// ErrNoToken: there is no token to authenticate with.
	ErrNoToken = errors.New("no GitHub token")
	// ErrUnauthorized: GitHub rejected the token (401).
	ErrUnauthorized = errors.New("GitHub rejected the token")
	// ErrForbidden: the token may not do this (403), typically the read-only token of a pull
	// request from a fork. The caller writes the step summary instead of failing the job.
	ErrForbidden = errors.New("the token is not allowed to do this")
	// ErrNotFound: the repository or pull request does not exist, or the token cannot see it
	// (GitHub answers 404 for both).
	ErrNotFound = errors.New("not found on GitHub")
	// ErrRateLimited: the API rate limit is exhausted and resets later than the Client may wait.
	ErrRateLimited = errors.New("GitHub API rate limit exceeded")
	// ErrUnavailable: GitHub kept answering with server errors (5xx), or could not be reached.
	ErrUnavailable = errors.New("GitHub is unavailable")
	// ErrRejected: GitHub refused the request as invalid (422 and other 4xx).
	ErrRejected = errors.New("GitHub refused the request")
)

// redacted wraps an error so that its text never holds the token, however it was built
// (a server echoing the Authorization header, a proxy's error page). Unwrap keeps errors.Is.
type redacted struct {
	err   error
	token string
}

func (r *redacted) Error() string { return redact(r.err.Error(), r.token) }
func (r *redacted) Unwrap() error { return r.err }

func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

func (c *Client) scrub(err error) error {
	if err == nil {
		return nil
	}
	return &redacted{err: err, token: c.token}
}

// target says what a request was about, for messages.
type target struct {
	op    string // "list the comments", "create the comment", ...
	owner string
	repo  string
	pr    int
}

// classify turns what go-github returned into one of the package's errors, with a message that
// says what to do.
func (c *Client) classify(t target, err error) error {
	if err == nil {
		return nil
	}
	slug := t.owner + "/" + t.repo
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	var er *gh.ErrorResponse
	switch {
	case errors.As(err, &rl):
		reset := rl.Rate.Reset.Time
		return fmt.Errorf("%s on %s: %w (%d requests per hour); it resets at %s, in %s: re-run the job then",
			t.op, slug, ErrRateLimited, rl.Rate.Limit, reset.UTC().Format("15:04:05 UTC"), roundUp(reset.Sub(c.set.now())))
	case errors.As(err, &abuse):
		wait := "a few minutes"
		if abuse.RetryAfter != nil {
			wait = roundUp(*abuse.RetryAfter).String()
		}
		return fmt.Errorf("%s on %s: %w (secondary limit: too many requests in a short time); re-run the job in %s", t.op, slug, ErrRateLimited, wait)
	case errors.As(err, &er) && er.Response != nil:
		msg := strings.TrimSpace(er.Message)
		if msg == "" {
			msg = http.StatusText(er.Response.StatusCode)
		}
		code := er.Response.StatusCode
		switch {
		case code == http.StatusUnauthorized:
			return fmt.Errorf("%s on %s: %w (401 %s); check that GITHUB_TOKEN holds a valid, unexpired token", t.op, slug, ErrUnauthorized, msg)
		case code == http.StatusForbidden:
			return fmt.Errorf("%s on %s pull request #%d: %w (403 %s); a pull request from a fork gets a read-only token, otherwise give the job `permissions: pull-requests: write`",
				t.op, slug, t.pr, ErrForbidden, msg)
		case code == http.StatusNotFound:
			return fmt.Errorf("%s: %w: repository %s or pull request #%d (404 %s); check --repo-slug and --pr, and that the token can read the repository",
				t.op, ErrNotFound, slug, t.pr, msg)
		case code == http.StatusTooManyRequests:
			return fmt.Errorf("%s on %s: %w (429 %s); re-run the job in a few minutes", t.op, slug, ErrRateLimited, msg)
		case code >= 500:
			return fmt.Errorf("%s on %s: %w (%d %s, also after retrying); re-run the job later, or check https://www.githubstatus.com", t.op, slug, ErrUnavailable, code, msg)
		default:
			detail := msg
			for _, e := range er.Errors {
				if e.Message != "" {
					detail += "; " + e.Message
				} else if e.Code != "" {
					detail += fmt.Sprintf("; %s %s", e.Field, e.Code)
				}
			}
			return fmt.Errorf("%s on %s: %w (%d %s)", t.op, slug, ErrRejected, code, detail)
		}
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s on %s: %w", t.op, slug, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s on %s: %w: no answer from %s in time; check GITHUB_API_URL and the network", t.op, slug, ErrUnavailable, c.api)
	default:
		return fmt.Errorf("%s on %s: %w: %v; check GITHUB_API_URL (%s) and the network", t.op, slug, ErrUnavailable, err, c.api)
	}
}

// roundUp rounds a wait up to whole seconds for messages (never below one second).
func roundUp(d time.Duration) time.Duration {
	if d < time.Second {
		return time.Second
	}
	return (d + time.Second - 1).Truncate(time.Second)
}
