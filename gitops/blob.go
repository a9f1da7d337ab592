package gitops

import (
	"container/list"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// blobCache keeps recently read blobs, bounded by total size (LRU), so that a file that many
// commits touch is read from the pack once.
type blobCache struct {
	mu    sync.Mutex
	max   int
	size  int
	ll    *list.List
	items map[string]*list.Element
}

type blobItem struct {
	id   string
	data []byte
}

func newBlobCache(max int) *blobCache {
	return &blobCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *blobCache) get(id string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[id]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*blobItem).data, true
	}
	return nil, false
}

func (c *blobCache) put(id string, data []byte) {
	if len(data) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[id]; ok {
		return
	}
	c.items[id] = c.ll.PushFront(&blobItem{id, data})
	c.size += len(data)
	for c.size > c.max && c.ll.Len() > 0 {
		e := c.ll.Back()
		it := e.Value.(*blobItem)
		c.ll.Remove(e)
		delete(c.items, it.id)
		c.size -= len(it.data)
	}
}

// Blob reads a blob by its full hex id; it implements review.Objects.
func (r *Repo) Blob(id string) ([]byte, error) {
	if id == "" {
		return nil, nil
	}
	if b, ok := r.blobs.get(id); ok {
		return b, nil
	}
	h := plumbing.NewHash(id)
	st, release := r.reader()
	defer release()
	o, err := st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, blobError(id, err)
	}
	rd, err := o.Reader()
	if err != nil {
		return nil, blobError(id, err)
	}
	defer rd.Close()
	b := make([]byte, 0, o.Size())
	b, err = readAllInto(rd, b)
	if err != nil {
		return nil, blobError(id, err)
	}
	r.blobs.put(id, b)
	return b, nil
}

// blobError explains a blob that cannot be read: missing (plumbing.ErrObjectNotFound, which
// the command line explains: a partial clone or a damaged repository), or present but damaged
// (a truncated or corrupt object file).
func blobError(id string, err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return fmt.Errorf("read blob %s: %w", shortID(id), err)
	}
	return fmt.Errorf("read blob %s: %w (the object is damaged: check the repository with `git fsck`)", shortID(id), err)
}

// BlobSize returns a blob's size without reading it whole.
func (r *Repo) BlobSize(id string) (int64, error) {
	if id == "" {
		return 0, nil
	}
	if b, ok := r.blobs.get(id); ok {
		return int64(len(b)), nil
	}
	r.io.Lock()
	defer r.io.Unlock()
	sz, err := r.Git.Storer.EncodedObjectSize(plumbing.NewHash(id))
	if err != nil {
		return 0, fmt.Errorf("read blob %s: %w", shortID(id), err)
	}
	return sz, nil
}

func readAllInto(rd io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func shortID(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	return id
}
