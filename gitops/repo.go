// Package gitops is all of forkreview's repository access, on go-git only (the product needs no
// git binary): resolving revisions, walking a range, tree diffs with renames, blobs, merge bases
// and commit diffs. It implements the small interfaces package review declares.
package gitops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrNotRepository is returned by Open when the folder is not inside a git repository.
var ErrNotRepository = errors.New("not a git repository")

// ErrShallow is wrapped when a repository is a shallow clone and the walk needs history that
// is not there.
var ErrShallow = errors.New("repository is a shallow clone")

// Repo is an open repository with caches for commits and blobs. It is safe for concurrent use.
type Repo struct {
	Git  *git.Repository
	Root string // the work tree's top folder, or the git folder of a bare repository
	Bare bool

	mu      sync.Mutex // guards the caches below
	io      sync.Mutex // serialises go-git object reads, which are not safe for concurrent use
	commits map[plumbing.Hash]*commitNode

	pool      chan *lease // object storages for parallel reads
	treeCache treeEntries
	packs     *packSet       // the pack indexes, shared by every reader
	readers   []*packStorage // the extra readers, beside the main storage
	shallow   map[plumbing.Hash]bool

	blobs *blobCache
}

// Open opens the repository that holds dir (any folder inside a work tree, a work tree of `git
// worktree`, or a bare repository), like git's own discovery.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("open repository %s: not a folder", dir)
	}
	g, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		// a bare repository, or a folder inside one's git directory
		if gd := findGitDir(abs); gd != "" {
			g, err = git.PlainOpenWithOptions(gd, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
		}
	}
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%w: %s (run forkreview inside the fork's checkout, or pass --repo DIR)", ErrNotRepository, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	g, packs := withFastStorage(g)
	r := &Repo{Git: g, commits: map[plumbing.Hash]*commitNode{}, blobs: newBlobCache(128 << 20), packs: packs}
	if packs != nil {
		go packs.warm() // while the references are read and the range resolved
	}
	if wt, err := g.Worktree(); err == nil {
		r.Root = wt.Filesystem.Root()
	} else {
		r.Bare = true
		if r.Root = findGitDir(abs); r.Root == "" {
			r.Root = abs
		}
	}
	r.openReaders()
	if sh, err := g.Storer.Shallow(); err == nil && len(sh) > 0 {
		r.shallow = map[plumbing.Hash]bool{}
		for _, h := range sh {
			r.shallow[h] = true
		}
	}
	return r, nil
}

// withFastStorage reopens the repository's object storage so that packed objects are read
// through pack files kept open and pack indexes shared by all readers (see packSet): go-git's
// default reopens the pack for every object it reads, and indexes the packs again per storage.
func withFastStorage(g *git.Repository) (*git.Repository, *packSet) {
	fsst, ok := g.Storer.(*filesystem.Storage)
	if !ok {
		return g, nil
	}
	packs := newPackSet(fsst.Filesystem())
	st := newPackStorage(newFSStorage(fsst.Filesystem()), packs, 64*cache.MiByte)
	var wt billy.Filesystem
	if w, err := g.Worktree(); err == nil {
		wt = w.Filesystem
	}
	ng, err := git.Open(st, wt)
	if err != nil {
		return g, nil
	}
	return ng, packs
}

// newFSStorage is go-git's storage of a git directory, keeping its pack files open.
func newFSStorage(fs billy.Filesystem) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(fs, cache.NewObjectLRU(16*cache.MiByte), filesystem.Options{KeepDescriptors: true, ExclusiveAccess: true})
}

// storage is the go-git storage of the repository's git directory, or nil when it does not
// live on disk.
func (r *Repo) storage() *filesystem.Storage {
	switch st := r.Git.Storer.(type) {
	case *packStorage:
		return st.Storage
	case *filesystem.Storage:
		return st
	}
	return nil
}

// Close releases the pack files the repository keeps open.
func (r *Repo) Close() error {
	var first error
	for _, st := range r.readers {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	if st, ok := r.Git.Storer.(interface{ Close() error }); ok {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// lease is one object storage lent to one goroutine at a time. A reader's pack files and
// caches must not be shared (see packStorage); the main storage is also used by the walks, so
// its lease holds the repository's lock.
type lease struct {
	st storer.EncodedObjectStorer
	mu *sync.Mutex
}

// openReaders prepares the leases: the main storage, and one more reader per further
// processor, so blobs are read and trees diffed in parallel. The readers share the pack
// indexes; each has its own open pack files and caches.
func (r *Repo) openReaders() {
	n := runtime.GOMAXPROCS(0)
	r.pool = make(chan *lease, n)
	r.pool <- &lease{st: r.Git.Storer, mu: &r.io}
	main, ok := r.Git.Storer.(*packStorage)
	if !ok {
		return
	}
	for i := 1; i < n; i++ {
		st := newPackStorage(newFSStorage(main.Storage.Filesystem()), r.packs, 32*cache.MiByte)
		r.readers = append(r.readers, st)
		r.pool <- &lease{st: st}
	}
}

// reader lends an object storage; release gives it back.
func (r *Repo) reader() (storer.EncodedObjectStorer, func()) {
	l := <-r.pool
	if l.mu != nil {
		l.mu.Lock()
	}
	return l.st, func() {
		if l.mu != nil {
			l.mu.Unlock()
		}
		r.pool <- l
	}
}

// findGitDir finds the bare repository (a folder with HEAD, objects and refs) that holds abs,
// or "".
func findGitDir(abs string) string {
	for d := abs; ; d = filepath.Dir(d) {
		if isGitDir(d) {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

func isGitDir(d string) bool {
	for _, n := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(d, n)); err != nil {
			return false
		}
	}
	return true
}

// IsShallow reports whether the repository is a shallow clone.
func (r *Repo) IsShallow() bool { return len(r.shallow) > 0 }

// shallowError explains a shallow clone and how to fetch the history forkreview needs.
func shallowError(what string) error {
	return fmt.Errorf("%w: %s; fetch the full history with `git fetch --unshallow` and upstream's tags with `git fetch upstream --tags`", ErrShallow, what)
}

// commitNode is the part of a commit the walks need, cached by hash.
type commitNode struct {
	hash    plumbing.Hash
	parents []plumbing.Hash
	when    int64 // committer time, unix seconds
	commit  *object.Commit
}

// node loads a commit's graph data, cached.
func (r *Repo) node(h plumbing.Hash) (*commitNode, error) {
	r.mu.Lock()
	n, ok := r.commits[h]
	r.mu.Unlock()
	if ok {
		return n, nil
	}
	r.io.Lock()
	c, err := r.Git.CommitObject(h)
	r.io.Unlock()
	if err != nil {
		if r.shallow[h] || errors.Is(err, plumbing.ErrObjectNotFound) && r.IsShallow() {
			return nil, shallowError(fmt.Sprintf("commit %s is not in the clone", h.String()[:10]))
		}
		return nil, fmt.Errorf("read commit %s: %w", h.String()[:10], err)
	}
	n = &commitNode{hash: h, parents: c.ParentHashes, when: c.Committer.When.Unix(), commit: c}
	if r.shallow[h] {
		// git treats the commits at a shallow boundary as having no parents.
		n.parents = nil
	}
	r.mu.Lock()
	r.commits[h] = n
	r.mu.Unlock()
	return n, nil
}

// Commit returns the commit object of h.
func (r *Repo) Commit(h plumbing.Hash) (*object.Commit, error) {
	n, err := r.node(h)
	if err != nil {
		return nil, err
	}
	return n.commit, nil
}

// ModulePath reads the Go module path from go.mod at the given commit ("" when there is none).
func (r *Repo) ModulePath(at plumbing.Hash) string {
	b, err := r.FileAt(at, "go.mod")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "module") {
			f := strings.Fields(line)
			if len(f) >= 2 && f[0] == "module" {
				return strings.Trim(f[1], `"`)
			}
		}
	}
	return ""
}

// FileAt reads a file's content at a commit.
func (r *Repo) FileAt(at plumbing.Hash, path string) ([]byte, error) {
	c, err := r.Commit(at)
	if err != nil {
		return nil, err
	}
	r.io.Lock()
	t, err := c.Tree()
	var e *object.TreeEntry
	if err == nil {
		e, err = t.FindEntry(path)
	}
	r.io.Unlock()
	if err != nil {
		return nil, err
	}
	return r.Blob(e.Hash.String())
}
