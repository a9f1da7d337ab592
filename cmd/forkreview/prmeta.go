package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	gh "github.com/forkreview/forkreview/gitops/github"
	"github.com/forkreview/forkreview/review"
)

// prMetaBudget bounds the whole look-up of upstream pull requests, so that a slow network
// delays a scan by seconds at most; what is not read in time is read on the next run.
const prMetaBudget = 30 * time.Second

// attachPRInfo fills each commit's UpstreamPRInfo (title, labels, linked issues) from GitHub,
// when it can: there is a token (FORKREVIEW_GITHUB_TOKEN, else GITHUB_TOKEN), the upstream is a
// GitHub repository (Report.Upstream.URL) and FORKREVIEW_NO_NETWORK is not set. Each pull request
// is read once and kept under the fork's git directory (.git/forkreview/prs). It never fails the
// command: without a token or upstream it does nothing, and when GitHub cannot be reached it
// says so in one warning line and keeps what it has.
func (s *session) attachPRInfo(ctx context.Context, rep *review.Report) {
	getenv := s.ios.Getenv
	if getenv == nil || rep == nil || envTrue(getenv("FORKREVIEW_NO_NETWORK")) {
		return
	}
	var numbers []int
	for i := range rep.Commits {
		if n := rep.Commits[i].UpstreamPR; n > 0 {
			numbers = append(numbers, n)
		}
	}
	if len(numbers) == 0 {
		return
	}
	t, ok := prTarget(rep.Upstream.URL, getenv)
	if !ok {
		return
	}
	client, err := gh.NewClient(gh.Env{Token: t.token, APIURL: t.api}, nil,
		gh.WithUserAgent("forkreview/"+toolVersion()),
		gh.WithMaxWait(0), // a scan does not wait for a rate limit to reset
		gh.WithRetries(1, 500*time.Millisecond),
		gh.WithRequestTimeout(10*time.Second))
	if err != nil {
		s.warnPRInfo(err)
		return
	}
	var cache *gh.PRCache
	if dir := s.repo.GitDir(); dir != "" {
		if cache, err = gh.OpenPRCache(filepath.Join(dir, "forkreview", "prs"), t.owner, t.name); err != nil {
			s.warnPRInfo(err)
			return
		}
	}
	lctx, cancel := context.WithTimeout(ctx, prMetaBudget)
	defer cancel()
	metas, err := client.PullRequests(lctx, t.owner, t.name, numbers, cache)
	if cache != nil {
		if serr := cache.Save(); serr != nil && err == nil {
			err = serr
		}
	}
	if err != nil && ctx.Err() == nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s: %w", prMetaBudget, err)
		}
		s.warnPRInfo(err)
	}
	for i := range rep.Commits {
		c := &rep.Commits[i]
		m, ok := metas[c.UpstreamPR]
		if c.UpstreamPR <= 0 || !ok {
			continue
		}
		info := &review.PRInfo{
			Title:        m.Title,
			Labels:       m.Labels,
			LinkedIssues: m.LinkedIssues,
			URL:          m.URL,
			State:        m.State,
		}
		if !m.MergedAt.IsZero() {
			info.MergedAt = m.MergedAt.UTC().Format(time.RFC3339)
		}
		c.UpstreamPRInfo = info
	}
}

func (s *session) warnPRInfo(err error) {
	fmt.Fprintf(s.ios.Err, "forkreview: warning: upstream pull request details: %s (set FORKREVIEW_NO_NETWORK=1 to skip them)\n", oneLine(err.Error()))
}

// envTrue reads a boolean environment switch: set and not "0", "false", "no" or "off".
func envTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// prSource is where the upstream's pull requests are read from.
type prSource struct {
	owner, name string
	api         string
	token       string
}

// prTarget finds the upstream repository and the API that serves it from the upstream's web
// address, and the token to use there. A token only ever goes to the host it belongs to:
// github.com upstreams are read from api.github.com, with GITHUB_TOKEN only when GITHUB_API_URL
// does not name another server (in a GitHub Enterprise job, GITHUB_TOKEN is that server's);
// other hosts only when GITHUB_API_URL names the same host (GitHub Enterprise Server).
func prTarget(upstreamURL string, getenv func(string) string) (prSource, bool) {
	u, err := url.Parse(strings.TrimSpace(upstreamURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return prSource{}, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 {
		return prSource{}, false
	}
	owner, name, err := gh.ParseRepo(parts[0] + "/" + strings.TrimSuffix(parts[1], ".git"))
	if err != nil {
		return prSource{}, false
	}
	src := prSource{owner: owner, name: name}
	own := strings.TrimSpace(getenv("FORKREVIEW_GITHUB_TOKEN"))
	actions := strings.TrimSpace(getenv("GITHUB_TOKEN"))
	apiEnv := strings.TrimSpace(getenv("GITHUB_API_URL"))
	host := strings.ToLower(u.Hostname())
	switch host {
	case "github.com", "www.github.com":
		src.api = gh.DefaultAPIURL
		src.token = own
		if src.token == "" && (apiEnv == "" || sameAPI(apiEnv, gh.DefaultAPIURL)) {
			src.token = actions
		}
	default:
		a, err := url.Parse(apiEnv)
		if apiEnv == "" || err != nil {
			return prSource{}, false
		}
		if ah := strings.ToLower(a.Hostname()); ah != host && ah != "api."+host {
			return prSource{}, false
		}
		src.api = apiEnv
		src.token = own
		if src.token == "" {
			src.token = actions
		}
	}
	if src.token == "" {
		return prSource{}, false
	}
	return src, true
}

func sameAPI(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(strings.TrimSpace(a), "/"), strings.TrimRight(b, "/"))
}
