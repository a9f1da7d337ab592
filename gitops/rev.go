package gitops

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// ErrUnknownRevision is wrapped when a revision names nothing in the repository.
var ErrUnknownRevision = errors.New("unknown revision")

// Resolve resolves a revision to a commit like `git rev-parse REV^{commit}`: tags (annotated
// ones peeled), branches, remote branches (origin/master), full and short hashes, and the
// suffixes ~N and ^N that go-git understands.
func (r *Repo) Resolve(rev string) (plumbing.Hash, error) {
	if strings.TrimSpace(rev) == "" {
		return plumbing.ZeroHash, fmt.Errorf("%w: empty revision", ErrUnknownRevision)
	}
	r.io.Lock()
	h, err := r.Git.ResolveRevision(plumbing.Revision(r.expandRef(rev)))
	r.io.Unlock()
	if err != nil || h == nil || h.IsZero() {
		if r.IsShallow() {
			return plumbing.ZeroHash, fmt.Errorf("%w %q: not found in this shallow clone; fetch the full history with `git fetch --unshallow` and upstream's tags with `git fetch upstream --tags`", ErrUnknownRevision, rev)
		}
		return plumbing.ZeroHash, fmt.Errorf("%w %q: no tag, branch or commit by that name (fetch upstream's tags with `git fetch upstream --tags`, or check the spelling)", ErrUnknownRevision, rev)
	}
	if _, err := r.node(*h); err != nil {
		return plumbing.ZeroHash, err
	}
	return *h, nil
}

// expandRef replaces the name at the start of rev with the hash of the ref it names, if any.
// go-git tries a hex name as an abbreviated hash before refs (even a 1-digit one), but git
// looks refs up first and takes only 4 or more hex digits as a hash: a branch named "b2" or
// "beef" is that branch. A hex name of fewer than 4 digits that is no ref is left to fail.
// Caller holds r.io.
func (r *Repo) expandRef(rev string) string {
	name, rest := rev, ""
	if i := strings.IndexAny(rev, "~^@:"); i >= 0 {
		name, rest = rev[:i], rev[i:]
	}
	if name == "" {
		return rev
	}
	for _, rule := range plumbing.RefRevParseRules {
		ref, err := storer.ResolveReference(r.Git.Storer, plumbing.ReferenceName(fmt.Sprintf(rule, name)))
		if err == nil && !ref.Hash().IsZero() {
			return ref.Hash().String() + rest
		}
	}
	if len(name) < 4 && strings.Trim(strings.ToLower(name), "0123456789abcdef") == "" {
		return "refs/heads/" + rev // no such ref: fails as git's too-short abbreviation does
	}
	return rev
}

// Tag is a tag pointing (after peeling) at a commit.
type Tag struct {
	Name   string
	Commit plumbing.Hash
}

// Tags lists the tags whose name matches the glob pattern (path.Match syntax; "" matches all),
// peeled to commits. Tags of other objects are skipped.
func (r *Repo) Tags(pattern string) ([]Tag, error) {
	r.io.Lock()
	defer r.io.Unlock()
	it, err := r.Git.Tags()
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	var out []Tag
	err = it.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().Short()
		if pattern != "" {
			if ok, _ := path.Match(pattern, name); !ok {
				return nil
			}
		}
		h := ref.Hash()
		for i := 0; i < 8; i++ { // peel nested tags
			to, err := r.Git.TagObject(h)
			if err != nil {
				break
			}
			if to.TargetType != plumbing.CommitObject && to.TargetType != plumbing.TagObject {
				return nil
			}
			h = to.Target
		}
		if _, err := r.Git.CommitObject(h); err != nil {
			return nil
		}
		out = append(out, Tag{Name: name, Commit: h})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// NewestTag returns the newest tag matching pattern that is an ancestor of (or at) from: the
// first tagged commit met when walking from's history newest first, as `git describe
// --abbrev=0 --match PATTERN` would for a linear history.
func (r *Repo) NewestTag(from plumbing.Hash, pattern string) (Tag, error) {
	tags, err := r.Tags(pattern)
	if err != nil {
		return Tag{}, err
	}
	byCommit := map[plumbing.Hash][]string{}
	for _, t := range tags {
		byCommit[t.Commit] = append(byCommit[t.Commit], t.Name)
	}
	if len(byCommit) == 0 {
		return Tag{}, fmt.Errorf("no tag matching %q in the repository: fetch upstream's tags (`git fetch upstream --tags`) or give the range as FROM..TO", pattern)
	}
	var found *Tag
	err = r.walkByDate([]plumbing.Hash{from}, func(n *commitNode) bool {
		if names, ok := byCommit[n.hash]; ok {
			sort.Sort(sort.Reverse(versionSort(names)))
			found = &Tag{Name: names[0], Commit: n.hash}
			return false
		}
		return true
	})
	if err != nil {
		return Tag{}, err
	}
	if found == nil {
		return Tag{}, fmt.Errorf("no tag matching %q is an ancestor of %s: give the range as FROM..TO", pattern, from.String()[:10])
	}
	return *found, nil
}

// LatestTag is the highest release matching pattern, by version order (v1.14.0 after
// v1.13.15), like `git tag --list PATTERN --sort=version:refname | tail -1`. Pre-releases
// (a "-" after the version: v1.14.0-rc1) come only when there is no release.
func (r *Repo) LatestTag(pattern string) (Tag, error) {
	tags, err := r.Tags(pattern)
	if err != nil {
		return Tag{}, err
	}
	var best *Tag
	bestPre := true
	for i := range tags {
		t := &tags[i]
		pre := strings.Contains(t.Name, "-")
		if best == nil || (bestPre && !pre) || (pre == bestPre && versionLess(best.Name, t.Name)) {
			best, bestPre = t, pre
		}
	}
	if best == nil {
		return Tag{}, fmt.Errorf("no tag matches %q (fetch upstream's tags with `git fetch upstream --tags`)", pattern)
	}
	return *best, nil
}

// versionSort orders tag names with numbers compared as numbers (v1.10.0 after v1.9.0).
type versionSort []string

func (v versionSort) Len() int           { return len(v) }
func (v versionSort) Swap(i, j int)      { v[i], v[j] = v[j], v[i] }
func (v versionSort) Less(i, j int) bool { return versionLess(v[i], v[j]) }

func versionLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitsPrefix(a), digitsPrefix(b)
		if da != "" && db != "" {
			if len(strings.TrimLeft(da, "0")) != len(strings.TrimLeft(db, "0")) {
				return len(strings.TrimLeft(da, "0")) < len(strings.TrimLeft(db, "0"))
			}
			if da != db {
				return strings.TrimLeft(da, "0") < strings.TrimLeft(db, "0")
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitsPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// Remotes lists the repository's remotes and their first URL.
func (r *Repo) Remotes() map[string]string {
	r.io.Lock()
	defer r.io.Unlock()
	out := map[string]string{}
	rs, err := r.Git.Remotes()
	if err != nil {
		return out
	}
	for _, rm := range rs {
		if c := rm.Config(); c != nil && len(c.URLs) > 0 {
			out[c.Name] = c.URLs[0]
		}
	}
	return out
}

// Reviewer returns "Name <mail>" from the repository's and the user's git config, as git
// commit would use them, or "" when neither is set.
func (r *Repo) Reviewer() string {
	r.io.Lock()
	defer r.io.Unlock()
	name, mail := "", ""
	for _, scope := range []config.Scope{config.LocalScope, config.GlobalScope, config.SystemScope} {
		cfg, err := r.Git.ConfigScoped(scope)
		if err != nil {
			continue
		}
		if name == "" {
			name = cfg.User.Name
		}
		if mail == "" {
			mail = cfg.User.Email
		}
	}
	switch {
	case name != "" && mail != "":
		return name + " <" + mail + ">"
	case name != "":
		return name
	}
	return mail
}
