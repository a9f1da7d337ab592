package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// PRMeta is what forkreview keeps of an upstream pull request: enough to tell a reviewer what
// the change was about without opening GitHub.
type PRMeta struct {
	Number int      `json:"number"`
	Title  string   `json:"title,omitempty"`
	Labels []string `json:"labels,omitempty"`
	// LinkedIssues are the issues of the same repository the pull request closes, as its body
	// names them (see LinkedIssues).
	LinkedIssues []int  `json:"linked_issues,omitempty"`
	URL          string `json:"url,omitempty"`
	// State is "open", "closed" (without merging) or "merged".
	State    string    `json:"state,omitempty"`
	MergedAt time.Time `json:"merged_at,omitzero"`
	// FetchedAt is when GitHub was asked.
	FetchedAt time.Time `json:"fetched_at"`
	// Missing records that GitHub has no pull request by this number (the subject's "(#N)" was
	// an issue, or the pull request is gone), so that it is not asked again on every run.
	Missing bool `json:"missing,omitempty"`
}

// prWorkers bounds how many pull requests are read at once: a few in flight hide the latency
// without tripping GitHub's secondary rate limit on concurrent requests.
const prWorkers = 4

// recheckAfter is how long a pull request that was open, or missing, stays in the cache before
// it is asked for again. Merged and closed ones never change what forkreview shows of them
// enough to ask twice.
const recheckAfter = 7 * 24 * time.Hour

// fresh reports whether m may be used at now instead of asking GitHub.
func (m PRMeta) fresh(now time.Time) bool {
	if m.Missing || m.State == "open" {
		return now.Sub(m.FetchedAt) < recheckAfter && !m.FetchedAt.After(now)
	}
	return true
}

// PullRequests reads the pull requests numbers of owner/repo (GET /repos/{owner}/{repo}/pulls/
// {number}), each once: numbers that cache holds are not asked for, and what GitHub answers is
// put into cache (cache may be nil; the caller saves it). Up to four requests run at once.
//
// The metadata is a help, never a condition: on the first failure (rate limit, network, a
// rejected token) PullRequests stops asking and returns what it has together with the error,
// which wraps one of the package's sentinels and never holds the token. A number GitHub does not
// know as a pull request is left out of the result without an error.
func (c *Client) PullRequests(ctx context.Context, owner, repo string, numbers []int, cache *PRCache) (map[int]PRMeta, error) {
	if _, _, err := ParseRepo(owner + "/" + repo); err != nil {
		return nil, err
	}
	if cache != nil && !strings.EqualFold(cache.repo, owner+"/"+repo) {
		return nil, fmt.Errorf("pull request cache %s is for %s, not %s/%s", cache.path, cache.repo, owner, repo)
	}
	out := map[int]PRMeta{}
	now := c.set.now()
	seen := map[int]bool{}
	var todo []int
	for _, n := range numbers {
		if n <= 0 || seen[n] {
			continue
		}
		seen[n] = true
		if m, ok := cache.get(n); ok && m.fresh(now) {
			if !m.Missing {
				out[n] = m
			}
			continue
		}
		todo = append(todo, n)
	}
	if len(todo) == 0 {
		return out, nil
	}
	sort.Ints(todo)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		read     int
		wg       sync.WaitGroup
	)
	jobs := make(chan int)
	for range min(prWorkers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				if ctx.Err() != nil {
					continue // stopped: let the feeder finish
				}
				m, err := c.pullRequest(ctx, owner, repo, n)
				mu.Lock()
				switch {
				case err != nil:
					// Once one request failed the others are cancelled; their errors say
					// nothing more.
					if firstErr == nil {
						firstErr = err
						cancel()
					}
				default:
					read++
					cache.put(m)
					if !m.Missing {
						out[n] = m
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, n := range todo {
		select {
		case jobs <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return out, c.scrub(fmt.Errorf("%w (read %d of %d pull requests; the rest are asked for on the next run)", firstErr, read, len(todo)))
	}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("read the pull requests of %s/%s: %w", owner, repo, err)
	}
	return out, nil
}

// pullRequest reads one pull request. Not found is an answer (Missing), not an error.
func (c *Client) pullRequest(ctx context.Context, owner, repo string, n int) (PRMeta, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, owner, repo, n)
	if err != nil {
		var er *gh.ErrorResponse
		var rl *gh.RateLimitError
		var abuse *gh.AbuseRateLimitError
		if errors.As(err, &er) && er.Response != nil && !errors.As(err, &rl) && !errors.As(err, &abuse) {
			switch er.Response.StatusCode {
			case http.StatusNotFound, http.StatusGone:
				return PRMeta{Number: n, Missing: true, FetchedAt: c.set.now().UTC()}, nil
			case http.StatusForbidden:
				return PRMeta{}, fmt.Errorf("read pull request #%d of %s/%s: %w (403 %s); check that the token may read the repository",
					n, owner, repo, ErrForbidden, strings.TrimSpace(er.Message))
			}
		}
		return PRMeta{}, c.classify(target{op: fmt.Sprintf("read pull request #%d", n), owner: owner, repo: repo, pr: n}, err)
	}
	m := PRMeta{
		Number:       n,
		Title:        pr.GetTitle(),
		LinkedIssues: LinkedIssues(pr.GetBody(), owner, repo),
		URL:          pr.GetHTMLURL(),
		State:        pr.GetState(),
		FetchedAt:    c.set.now().UTC(),
	}
	for _, l := range pr.Labels {
		if name := l.GetName(); name != "" {
			m.Labels = append(m.Labels, name)
		}
	}
	if pr.MergedAt != nil && !pr.MergedAt.IsZero() {
		m.MergedAt = pr.MergedAt.UTC()
		m.State = "merged"
	} else if pr.GetMerged() {
		m.State = "merged"
	}
	return m, nil
}

// closingRE finds GitHub's closing keywords followed by an issue
// (https://docs.github.com/issues/tracking-your-work-with-issues/linking-a-pull-request-to-an-issue):
// "fixes #123", "Closes: #45", "resolves org/repo#7", "fixed https://github.com/org/repo/issues/8".
// As on GitHub, every issue needs its own keyword ("fixes #1, fixes #2").
var closingRE = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?::[ \t]*|[ \t]+)` +
	`(?:#(\d+)|([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)#(\d+)|https?://[^\s/]+/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/issues/(\d+))\b`)

// notProse is what GitHub does not read keywords in: HTML comments (pull request templates are
// full of "<!-- Fixes #... -->"), fenced code blocks and inline code.
var notProse = regexp.MustCompile("(?s)<!--.*?-->|```.*?```|`[^`\n]*`")

// LinkedIssues returns the issues of owner/repo that a pull request body closes, by GitHub's
// closing keywords, in ascending order without repeats. References to other repositories are
// left out: their numbers mean nothing in this one. GitHub's own closingIssuesReferences is only
// in its GraphQL API; the body is what the REST answer carries, so it is parsed here by hand.
func LinkedIssues(body, owner, repo string) []int {
	body = notProse.ReplaceAllString(body, " ")
	seen := map[int]bool{}
	var out []int
	for _, m := range closingRE.FindAllStringSubmatch(body, -1) {
		num := m[1]
		switch {
		case m[4] != "":
			if !sameRepo(m[2], m[3], owner, repo) {
				continue
			}
			num = m[4]
		case m[7] != "":
			if !sameRepo(m[5], m[6], owner, repo) {
				continue
			}
			num = m[7]
		}
		n, err := strconv.ParseInt(num, 10, 32)
		if err != nil || n <= 0 || seen[int(n)] {
			continue
		}
		seen[int(n)] = true
		out = append(out, int(n))
	}
	sort.Ints(out)
	return out
}

func sameRepo(o, r, owner, repo string) bool {
	return strings.EqualFold(o, owner) && strings.EqualFold(strings.TrimSuffix(r, ".git"), repo)
}

// PRCache keeps the pull requests read from one upstream repository in one JSON file, so each
// is asked for once across runs. forkreview keeps it in the fork's git directory
// (<gitdir>/forkreview/prs/OWNER_NAME.json): private to the clone, shared by its work trees,
// never committed. It is safe for concurrent use; a damaged file counts as empty.
type PRCache struct {
	path string
	repo string // OWNER/NAME as given to OpenPRCache

	mu    sync.Mutex
	prs   map[int]PRMeta
	added map[int]bool // put since the file was read
}

// prCacheVersion is the format of the cache file; a file of another version is ignored.
const prCacheVersion = 1

type prCacheFile struct {
	Version      int            `json:"version"`
	Repository   string         `json:"repository"`
	PullRequests map[int]PRMeta `json:"pull_requests"`
}

// OpenPRCache reads the cache of owner/repo's pull requests in dir. A missing, unreadable or
// damaged file gives an empty cache: it is only a cache, and Save writes a good one.
func OpenPRCache(dir, owner, repo string) (*PRCache, error) {
	if _, _, err := ParseRepo(owner + "/" + repo); err != nil {
		return nil, err
	}
	name := strings.ToLower(owner + "_" + repo + ".json")
	c := &PRCache{path: filepath.Join(dir, name), repo: owner + "/" + repo, added: map[int]bool{}}
	c.prs = c.read()
	return c, nil
}

// Path is the cache's file.
func (c *PRCache) Path() string { return c.path }

// Len is how many pull requests the cache holds (missing ones included).
func (c *PRCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.prs)
}

func (c *PRCache) read() map[int]PRMeta {
	prs := map[int]PRMeta{}
	b, err := os.ReadFile(c.path)
	if err != nil {
		return prs
	}
	var f prCacheFile
	if json.Unmarshal(b, &f) != nil || f.Version != prCacheVersion || !strings.EqualFold(f.Repository, c.repo) {
		return prs
	}
	for n, m := range f.PullRequests {
		if n > 0 && m.Number == n {
			prs[n] = m
		}
	}
	return prs
}

func (c *PRCache) get(n int) (PRMeta, bool) {
	if c == nil {
		return PRMeta{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.prs[n]
	return m, ok
}

func (c *PRCache) put(m PRMeta) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prs[m.Number] = m
	c.added[m.Number] = true
}

// Save writes the cache when PullRequests added to it, atomically (a new file renamed over the
// old), after merging in what another forkreview run may have saved meanwhile.
func (c *PRCache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.added) == 0 {
		return nil
	}
	merged := c.read()
	for n := range c.added {
		merged[n] = c.prs[n]
	}
	b, err := json.MarshalIndent(prCacheFile{Version: prCacheVersion, Repository: c.repo, PullRequests: merged}, "", "\t")
	if err != nil {
		return fmt.Errorf("save the pull request cache: %w", err)
	}
	if err := writeFileAtomic(c.path, append(b, '\n')); err != nil {
		return fmt.Errorf("save the pull request cache: %w", err)
	}
	c.prs = merged
	c.added = map[int]bool{}
	return nil
}

// writeFileAtomic writes b to path through a temporary file in the same folder and a rename, so
// a reader never sees half a file. (review.WriteFileAtomic does the same, but this package does
// not import review.)
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
