package gitops

import (
	"context"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/utils/merkletrie"

	"github.com/forkreview/forkreview/review"
)

// TreeChanges diffs two commits' trees with rename detection, like `git diff -M --raw a b`.
// A zero a diffs against the empty tree.
// Goroutines may call it at once: each diff reads through its own lent storage.
func (r *Repo) TreeChanges(ctx context.Context, a, b plumbing.Hash) ([]review.TreeChange, error) {
	st, release := r.reader()
	defer release()
	var ta, tb *object.Tree
	var err error
	if !a.IsZero() {
		if ta, err = treeOf(st, a); err != nil {
			return nil, err
		}
	}
	if tb, err = treeOf(st, b); err != nil {
		return nil, err
	}
	var ah plumbing.Hash
	if ta != nil {
		ah = ta.Hash
	}
	changes, err := r.changedFiles(ctx, st, ah, tb.Hash, ta, tb)
	if err == nil {
		changes, err = detectRenames(changes, st)
	}
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", short(a), short(b), err)
	}
	out := make([]review.TreeChange, 0, len(changes))
	for _, c := range changes {
		action, err := c.Action()
		if err != nil {
			return nil, err
		}
		tc := review.TreeChange{}
		switch action {
		case merkletrie.Insert:
			tc.Status = review.StatusAdded
			tc.Path = c.To.Name
		case merkletrie.Delete:
			tc.Status = review.StatusDeleted
			tc.Path = c.From.Name
		case merkletrie.Modify:
			tc.Status = review.StatusModified
			tc.Path = c.To.Name
			if c.From.Name != c.To.Name {
				tc.Status = review.StatusRenamed
				tc.OldPath = c.From.Name
			}
		}
		if c.From.Name != "" {
			tc.OldBlob = c.From.TreeEntry.Hash.String()
			tc.OldMode = uint32(c.From.TreeEntry.Mode)
		}
		if c.To.Name != "" {
			tc.NewBlob = c.To.TreeEntry.Hash.String()
			tc.NewMode = uint32(c.To.TreeEntry.Mode)
		}
		out = append(out, tc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// treeOf reads a commit's tree through st, so that the subtrees a diff reads later come from st
// too.
func treeOf(st storer.EncodedObjectStorer, commit plumbing.Hash) (*object.Tree, error) {
	c, err := object.GetCommit(st, commit)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(commit), err)
	}
	t, err := object.GetTree(st, c.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", short(commit), err)
	}
	return t, nil
}

// diffTrees is object.DiffTreeWithOptions with git's rename detection (see detectRenames),
// reading blobs through st, the storage the trees were read with.
func diffTrees(ctx context.Context, st storer.EncodedObjectStorer, a, b *object.Tree) (object.Changes, error) {
	changes, err := object.DiffTreeWithOptions(ctx, a, b, nil)
	if err != nil {
		return nil, err
	}
	return detectRenames(changes, st)
}

// readBlobFrom reads a blob through st.
func readBlobFrom(st storer.EncodedObjectStorer, h plumbing.Hash) ([]byte, error) {
	o, err := st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, o.Size())
	rd, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return readAllInto(rd, b)
}

func (r *Repo) tree(h plumbing.Hash) (*object.Tree, error) {
	c, err := r.Commit(h)
	if err != nil {
		return nil, err
	}
	r.io.Lock()
	t, err := c.Tree()
	r.io.Unlock()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", short(h), err)
	}
	return t, nil
}

func short(h plumbing.Hash) string {
	if h.IsZero() {
		return "(empty)"
	}
	return h.String()[:10]
}
