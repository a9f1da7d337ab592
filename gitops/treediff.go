package gitops

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// The tree diff of go-git (merkletrie over tree noders) decodes every tree it visits, on every
// diff; a scan diffs hundreds of neighbouring commits whose trees are mostly the same objects,
// so most of that work is repeated. changedFiles walks two trees itself, skipping subtrees of
// equal hash, and keeps the decoded entries of each tree for the next diff. Renames are then
// found as git finds them (rename.go).

// treeEntries caches the entries of decoded trees by hash, shared by every diff of a Repo. Only
// entries are kept, never *object.Tree, whose storage belongs to one goroutine's lease.
type treeEntries struct {
	mu sync.Mutex
	m  map[plumbing.Hash][]object.TreeEntry
}

const maxCachedTrees = 100000

func (c *treeEntries) get(st storer.EncodedObjectStorer, h plumbing.Hash) ([]object.TreeEntry, error) {
	c.mu.Lock()
	es, ok := c.m[h]
	c.mu.Unlock()
	if ok {
		return es, nil
	}
	t, err := object.GetTree(st, h)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", short(h), err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedTrees {
		c.m = map[plumbing.Hash][]object.TreeEntry{}
	}
	c.m[h] = t.Entries
	c.mu.Unlock()
	return t.Entries, nil
}

// changedFiles lists the files that differ between the trees a and b (either may be zero: the
// empty tree), as go-git's DiffTree does, without renames: a change of a file into a folder
// (or back) is a delete and inserts. fromRoot and toRoot are the root trees the changes name,
// through which the rename detector reads blobs.
func (r *Repo) changedFiles(ctx context.Context, st storer.EncodedObjectStorer, a, b plumbing.Hash, fromRoot, toRoot *object.Tree) (object.Changes, error) {
	var out object.Changes
	var walk func(a, b plumbing.Hash, prefix string) error
	entry := func(root *object.Tree, prefix string, e object.TreeEntry) object.ChangeEntry {
		return object.ChangeEntry{Name: prefix + e.Name, Tree: root, TreeEntry: e}
	}
	// side adds every file under (or at) e as inserted or deleted
	var side func(e object.TreeEntry, prefix string, insert bool) error
	side = func(e object.TreeEntry, prefix string, insert bool) error {
		if e.Mode == filemode.Dir {
			es, err := r.treeCache.get(st, e.Hash)
			if err != nil {
				return err
			}
			for _, c := range es {
				if err := side(c, prefix+e.Name+"/", insert); err != nil {
					return err
				}
			}
			return nil
		}
		if insert {
			out = append(out, &object.Change{To: entry(toRoot, prefix, e)})
		} else {
			out = append(out, &object.Change{From: entry(fromRoot, prefix, e)})
		}
		return nil
	}
	walk = func(a, b plumbing.Hash, prefix string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var ea, eb []object.TreeEntry
		var err error
		if !a.IsZero() {
			if ea, err = r.treeCache.get(st, a); err != nil {
				return err
			}
		}
		if !b.IsZero() {
			if eb, err = r.treeCache.get(st, b); err != nil {
				return err
			}
		}
		byName := make(map[string]object.TreeEntry, len(eb))
		for _, e := range eb {
			byName[e.Name] = e
		}
		seen := make(map[string]bool, len(ea))
		for _, x := range ea {
			seen[x.Name] = true
			y, ok := byName[x.Name]
			switch {
			case !ok:
				if err := side(x, prefix, false); err != nil {
					return err
				}
			case x.Hash == y.Hash && x.Mode == y.Mode:
			case x.Mode == filemode.Dir && y.Mode == filemode.Dir:
				if err := walk(x.Hash, y.Hash, prefix+x.Name+"/"); err != nil {
					return err
				}
			case x.Mode == filemode.Dir || y.Mode == filemode.Dir:
				if err := side(x, prefix, false); err != nil {
					return err
				}
				if err := side(y, prefix, true); err != nil {
					return err
				}
			default:
				out = append(out, &object.Change{From: entry(fromRoot, prefix, x), To: entry(toRoot, prefix, y)})
			}
		}
		for _, y := range eb {
			if !seen[y.Name] {
				if err := side(y, prefix, true); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(a, b, ""); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return changeName(out[i]) < changeName(out[j]) })
	return out, nil
}

func changeName(c *object.Change) string {
	if c.To.Name != "" {
		return c.To.Name
	}
	return c.From.Name
}
