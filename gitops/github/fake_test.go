package github

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeGitHub is an in-memory GitHub serving the REST endpoints Upsert uses:
//
//	GET   /repos/{owner}/{repo}/issues/{number}/comments   (paginated with Link headers)
//	POST  /repos/{owner}/{repo}/issues/{number}/comments
//	PATCH /repos/{owner}/{repo}/issues/comments/{id}
//
// under an optional path prefix (/api/v3 for GitHub Enterprise Server). Scripted answers can
// be queued per "METHOD kind" to simulate failures.
type fakeGitHub struct {
	t      *testing.T
	token  string
	prefix string
	owner  string
	repo   string

	mu       sync.Mutex
	comments map[int][]*fakeComment // by pull request number
	nextID   int64
	script   map[string][]scripted // "GET list", "POST create", "PATCH edit"
	log      []string              // "METHOD path?query" of every request received
	bodies   []string              // request bodies, to look for the token
	// createAnyway makes a scripted failure of POST still create the comment, as GitHub may
	// when it fails after acting.
	createAnyway bool
}

type fakeComment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"html_url"`
	User struct {
		Login string `json:"login"`
		Type  string `json:"type"`
	} `json:"user"`
}

type scripted struct {
	status int
	header map[string]string
	body   string
}

func newFake(t *testing.T, prefix string) (*fakeGitHub, *httptest.Server) {
	t.Helper()
	f := &fakeGitHub{
		t: t, token: "ghs_s3cretT0kenValue1234567890", prefix: prefix, owner: "acme", repo: "geth-fork",
		comments: map[int][]*fakeComment{}, nextID: 1000, script: map[string][]scripted{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeGitHub) queue(key string, s ...scripted) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[key] = append(f.script[key], s...)
}

func (f *fakeGitHub) seed(pr int, login, body string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.add(pr, login, body).ID
}

func (f *fakeGitHub) add(pr int, login, body string) *fakeComment {
	f.nextID++
	c := &fakeComment{ID: f.nextID, Body: body, URL: fmt.Sprintf("https://github.example/%s/%s/pull/%d#issuecomment-%d", f.owner, f.repo, pr, f.nextID)}
	c.User.Login, c.User.Type = login, "User"
	if strings.HasSuffix(login, "[bot]") {
		c.User.Type = "Bot"
	}
	f.comments[pr] = append(f.comments[pr], c)
	return c
}

func (f *fakeGitHub) requests(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, l := range f.log {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func (f *fakeGitHub) ours(pr int, marker string) []*fakeComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeComment
	for _, c := range f.comments[pr] {
		if strings.HasPrefix(c.Body, marker) {
			cp := *c
			out = append(out, &cp)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+r.URL.RequestURI())
	var body strings.Builder
	if r.Body != nil {
		b := make([]byte, 1<<20)
		for {
			n, err := r.Body.Read(b)
			body.Write(b[:n])
			if err != nil {
				break
			}
		}
	}
	f.bodies = append(f.bodies, body.String())

	if r.Header.Get("Authorization") != "Bearer "+f.token {
		writeJSON(w, 401, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, f.prefix)
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	// repos/{owner}/{repo}/issues/...
	if len(parts) < 5 || parts[0] != "repos" || parts[3] != "issues" || parts[1] != f.owner || parts[2] != f.repo {
		writeJSON(w, 404, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	var key string
	switch {
	case r.Method == http.MethodGet && len(parts) == 6 && parts[5] == "comments":
		key = "GET list"
	case r.Method == http.MethodPost && len(parts) == 6 && parts[5] == "comments":
		key = "POST create"
	case r.Method == http.MethodPatch && len(parts) == 6 && parts[4] == "comments":
		key = "PATCH edit"
	default:
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
		return
	}
	if q := f.script[key]; len(q) > 0 {
		s := q[0]
		f.script[key] = q[1:]
		if key == "POST create" && f.createAnyway {
			var in struct{ Body string }
			json.Unmarshal([]byte(body.String()), &in)
			pr, _ := strconv.Atoi(parts[4])
			f.add(pr, "github-actions[bot]", in.Body)
		}
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.status)
		w.Write([]byte(s.body))
		return
	}

	switch key {
	case "GET list":
		pr, err := strconv.Atoi(parts[4])
		if err != nil {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if per <= 0 || per > 100 {
			per = 30
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page <= 0 {
			page = 1
		}
		all := f.comments[pr]
		lo, hi := min((page-1)*per, len(all)), min(page*per, len(all))
		if hi < len(all) {
			next := *r.URL
			q := next.Query()
			q.Set("page", strconv.Itoa(page+1))
			next.RawQuery = q.Encode()
			w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next"`, r.Host, next.RequestURI()))
		}
		out := all[lo:hi]
		if out == nil {
			out = []*fakeComment{}
		}
		writeJSON(w, 200, out)
	case "POST create":
		pr, _ := strconv.Atoi(parts[4])
		var in struct{ Body string }
		if err := json.Unmarshal([]byte(body.String()), &in); err != nil {
			writeJSON(w, 400, map[string]string{"message": "Problems parsing JSON"})
			return
		}
		writeJSON(w, 201, f.add(pr, "github-actions[bot]", in.Body))
	case "PATCH edit":
		id, _ := strconv.ParseInt(parts[5], 10, 64)
		var in struct{ Body string }
		json.Unmarshal([]byte(body.String()), &in)
		for _, cs := range f.comments {
			for _, c := range cs {
				if c.ID == id {
					c.Body = in.Body
					writeJSON(w, 200, c)
					return
				}
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}
}
