package github

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryTransport sits below go-github and retries what is worth retrying, so that go-github
// only ever sees the final answer:
//   - rate limits (403 or 429 with X-RateLimit-Remaining: 0, Retry-After, or a secondary-limit
//     message): it waits until the reset the headers give, as GitHub asks, as long as the total
//     wait stays within the budget; beyond it, the answer goes up and becomes ErrRateLimited;
//   - server errors (5xx) of idempotent requests: a bounded number of retries with exponential
//     backoff. A POST is never repeated here, since GitHub may have acted on it before failing;
//     Upsert checks whether its comment exists before it creates one again.
//
// Each attempt has its own timeout, so a hung connection cannot hold the job. go-github has no
// retry of its own (and refuses, before sending, requests it knows to be rate limited), which is
// why this is written here by hand.
type retryTransport struct {
	base http.RoundTripper
	set  *settings
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var waited time.Duration // spent waiting for rate limits, across attempts
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		actx, cancel := context.WithTimeout(ctx, t.set.timeout)
		resp, err := t.base.RoundTrip(r.WithContext(actx))
		if err != nil {
			cancel()
			return nil, err
		}
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}

		if wait, limited := t.rateLimitWait(resp); limited {
			if waited+wait > t.set.maxWait {
				return resp, nil
			}
			discard(resp)
			if err := t.set.sleep(ctx, wait); err != nil {
				return nil, err
			}
			waited += wait
			continue
		}
		if resp.StatusCode >= 500 && idempotent(req.Method) && attempt < t.set.retries {
			discard(resp)
			if err := t.set.sleep(ctx, t.set.backoffFor(attempt)); err != nil {
				return nil, err
			}
			continue
		}
		return resp, nil
	}
}

// backoffFor is the wait before retry attempt+1: base, 2·base, 4·base, ... capped at 30 seconds.
func (s *settings) backoffFor(attempt int) time.Duration {
	d := s.backoff << attempt
	if d <= 0 || d > 30*time.Second {
		d = 30 * time.Second
	}
	return d
}

// rateLimitWait reports whether resp is a rate limit and how long GitHub asks to wait
// (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
func (t *retryTransport) rateLimitWait(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	h := resp.Header
	if s := h.Get("Retry-After"); s != "" {
		if secs, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if when, err := http.ParseTime(s); err == nil {
			return atLeastSecond(when.Sub(t.set.now())), true
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if secs, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && secs > 0 {
			return atLeastSecond(time.Unix(secs, 0).Sub(t.set.now())), true
		}
		return time.Minute, true
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return time.Minute, true // GitHub: "wait for at least one minute before retrying"
	}
	// A 403 may be a secondary rate limit without headers; only its message tells.
	if peekContains(resp, "secondary rate limit") {
		return time.Minute, true
	}
	return 0, false
}

func atLeastSecond(d time.Duration) time.Duration {
	if d < time.Second {
		return time.Second
	}
	return d
}

// peekContains reads the start of resp's body to look for s (case-insensitively) and puts what
// it read back, so that go-github still sees the whole body.
func peekContains(resp *http.Response, s string) bool {
	head, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = &prefixBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), closer: resp.Body}
	if err != nil {
		return false
	}
	return bytes.Contains(bytes.ToLower(head), []byte(s))
}

type prefixBody struct {
	io.Reader
	closer io.Closer
}

func (p *prefixBody) Close() error { return p.closer.Close() }

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodPatch:
		// PATCH of a comment with the same body is idempotent: the second one changes nothing.
		return true
	}
	return false
}

// rewind returns a copy of req with a fresh body for another attempt.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, errNoRewind
		}
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	return r, nil
}

type rewindError struct{}

func (rewindError) Error() string { return "cannot send the request body again" }

var errNoRewind error = rewindError{}

// discard drains and closes a response that is not passed on, so its connection is reused.
func discard(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}

// cancelBody ends an attempt's timeout when its body is closed, not before: go-github reads the
// body after RoundTrip returns.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
