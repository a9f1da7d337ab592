// Package github talks to GitHub for forkreview: it keeps one summary comment up to date on the
// pull request that takes upstream in, and reads the GitHub Actions environment. It receives
// rendered Markdown and knows nothing of forkreview's domain.
package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Env is what a GitHub Actions job tells a step through its environment
// (https://docs.github.com/actions/learn-github-actions/variables#default-environment-variables),
// plus what the event file says about the pull request.
type Env struct {
	Token       string // GITHUB_TOKEN; never printed (see String)
	Repository  string // GITHUB_REPOSITORY, OWNER/NAME
	APIURL      string // GITHUB_API_URL; https://api.github.com unless on GitHub Enterprise Server
	ServerURL   string // GITHUB_SERVER_URL; https://github.com unless on GitHub Enterprise Server
	EventName   string // GITHUB_EVENT_NAME: pull_request, pull_request_target, issue_comment, ...
	EventPath   string // GITHUB_EVENT_PATH: the JSON of the event that started the workflow
	StepSummary string // GITHUB_STEP_SUMMARY: a file whose Markdown GitHub shows on the run's page
	RunID       string // GITHUB_RUN_ID
	Actions     bool   // GITHUB_ACTIONS=true: running inside a GitHub Actions job

	// From the event file, when the event is about a pull request (0 and "" otherwise).
	PR       int
	BaseSHA  string // the pull request's base commit (pull_request.base.sha)
	BaseRef  string // its base branch
	HeadSHA  string // its head commit (pull_request.head.sha)
	HeadRef  string // its head branch
	HeadRepo string // OWNER/NAME the head branch lives in
	// FromFork is set when the head branch lives in another repository than the base: GitHub
	// then gives the workflow a read-only token on pull_request events, and commenting fails.
	FromFork bool
}

// Default endpoints of github.com, used when the environment does not name others.
const (
	DefaultAPIURL    = "https://api.github.com"
	DefaultServerURL = "https://github.com"
)

// EnvFromOS reads the GitHub Actions environment through getenv (os.Getenv in production, a map
// in tests). The pull request comes from the event file: pull_request.number for pull_request
// and pull_request_target events, issue.number for comments on a pull request. A missing token
// or repository is not an error here (a dry run needs neither); NewClient and Env.Repo say so.
// An event file that cannot be read or parsed is an error, returned together with everything
// else EnvFromOS found, so that a caller given --pr may go on.
func EnvFromOS(getenv func(string) string) (Env, error) {
	e := Env{
		Token:       strings.TrimSpace(getenv("GITHUB_TOKEN")),
		Repository:  strings.TrimSpace(getenv("GITHUB_REPOSITORY")),
		APIURL:      strings.TrimSpace(getenv("GITHUB_API_URL")),
		ServerURL:   strings.TrimSpace(getenv("GITHUB_SERVER_URL")),
		EventName:   getenv("GITHUB_EVENT_NAME"),
		EventPath:   getenv("GITHUB_EVENT_PATH"),
		StepSummary: getenv("GITHUB_STEP_SUMMARY"),
		RunID:       getenv("GITHUB_RUN_ID"),
		Actions:     getenv("GITHUB_ACTIONS") == "true",
	}
	if e.APIURL == "" {
		e.APIURL = DefaultAPIURL
	}
	if e.ServerURL == "" {
		e.ServerURL = DefaultServerURL
	}
	if e.EventPath == "" {
		return e, nil
	}
	if err := e.readEvent(e.EventPath); err != nil {
		return e, err
	}
	return e, nil
}

// maxEventSize bounds how much of the event file is read; real ones are tens of kilobytes.
const maxEventSize = 32 << 20

type eventRepo struct {
	FullName string `json:"full_name"`
}

type eventBranch struct {
	Ref  string     `json:"ref"`
	SHA  string     `json:"sha"`
	Repo *eventRepo `json:"repo"`
}

type event struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int         `json:"number"`
		Base   eventBranch `json:"base"`
		Head   eventBranch `json:"head"`
	} `json:"pull_request"`
	Issue *struct {
		Number      int              `json:"number"`
		PullRequest *json.RawMessage `json:"pull_request"`
	} `json:"issue"`
}

func (e *Env) readEvent(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read the workflow's event (GITHUB_EVENT_PATH): %w; pass --pr N to name the pull request", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEventSize))
	if err != nil {
		return fmt.Errorf("read the workflow's event %s: %w; pass --pr N to name the pull request", path, err)
	}
	var ev event
	if err := json.Unmarshal(b, &ev); err != nil {
		return fmt.Errorf("parse the workflow's event %s: %w; pass --pr N to name the pull request", path, err)
	}
	switch {
	case ev.PullRequest != nil:
		pr := ev.PullRequest
		e.PR = pr.Number
		if e.PR == 0 {
			e.PR = ev.Number
		}
		e.BaseSHA, e.BaseRef = pr.Base.SHA, pr.Base.Ref
		e.HeadSHA, e.HeadRef = pr.Head.SHA, pr.Head.Ref
		var base string
		if pr.Base.Repo != nil {
			base = pr.Base.Repo.FullName
		}
		if pr.Head.Repo != nil {
			e.HeadRepo = pr.Head.Repo.FullName
		}
		e.FromFork = base != "" && e.HeadRepo != "" && !strings.EqualFold(base, e.HeadRepo)
	case ev.Issue != nil && ev.Issue.PullRequest != nil:
		// issue_comment on a pull request: the issue is the pull request.
		e.PR = ev.Issue.Number
	}
	return nil
}

// ErrNoRepository means the repository to comment on is unknown or not written OWNER/NAME.
var ErrNoRepository = errors.New("unknown repository")

var slugPart = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ParseRepo splits OWNER/NAME, as GITHUB_REPOSITORY and --repo-slug give it.
func ParseRepo(slug string) (owner, name string, err error) {
	slug = strings.TrimSpace(slug)
	if slug == "" {
		return "", "", fmt.Errorf("%w: set --repo-slug OWNER/NAME (GITHUB_REPOSITORY is not set outside GitHub Actions)", ErrNoRepository)
	}
	owner, name, ok := strings.Cut(slug, "/")
	if !ok || !slugPart.MatchString(owner) || !slugPart.MatchString(name) || name == "." || name == ".." {
		return "", "", fmt.Errorf("%w: %q is not OWNER/NAME; pass --repo-slug OWNER/NAME", ErrNoRepository, slug)
	}
	return owner, name, nil
}

// Repo splits e.Repository into owner and name.
func (e Env) Repo() (owner, name string, err error) { return ParseRepo(e.Repository) }

// RunURL is the web address of the running workflow run, or "" outside Actions. It is where the
// job's log, step summary and uploaded artifacts (the full report) are.
func (e Env) RunURL() string {
	if e.RunID == "" || e.Repository == "" {
		return ""
	}
	if _, err := strconv.ParseUint(e.RunID, 10, 64); err != nil {
		return ""
	}
	if _, _, err := e.Repo(); err != nil {
		return ""
	}
	server := strings.TrimRight(e.ServerURL, "/")
	if server == "" {
		server = DefaultServerURL
	}
	return server + "/" + e.Repository + "/actions/runs/" + e.RunID
}

// String shows the environment with the token masked, so that logging an Env never leaks it.
func (e Env) String() string {
	tok := "unset"
	if e.Token != "" {
		tok = "set"
	}
	return fmt.Sprintf("github.Env{repository=%s api=%s pr=%d event=%s token=%s}", e.Repository, e.APIURL, e.PR, e.EventName, tok)
}

// GoString masks the token for %#v too.
func (e Env) GoString() string { return e.String() }
