package gitops

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"encoding/binary"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/hash"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

func init() {
	// go-git hashes every object it caches with sha1cd, SHA-1 with collision detection, which
	// costs about an eighth of a small scan. The objects forkreview reads are already in the repository,
	// checked by git when they were fetched (git detects collisions itself), and are only hashed
	// here again to key caches: the standard library's SHA-1 gives the same ids, much faster.
	if err := hash.RegisterHash(crypto.SHA1, sha1.New); err != nil {
		panic(err)
	}
}

// packSet is the repository's pack indexes, read once and shared by every reader. go-git's
// filesystem storage keeps its own copy of them per storage and, on the first object it reads,
// builds a map from pack offset to object id for all of them (1.5 million entries for
// go-ethereum: a third of a second and a hundred megabytes, per storage). Here the indexes are
// read once, and the offset index is a sorted array built once, in the background from Open.
type packSet struct {
	fs    billy.Filesystem
	once  sync.Once
	packs []*packIndex
	err   error
}

func newPackSet(fs billy.Filesystem) *packSet { return &packSet{fs: fs} }

// load reads the pack indexes; an error leaves every read to go-git's own storage.
func (s *packSet) load() ([]*packIndex, error) {
	s.once.Do(func() {
		entries, err := s.fs.ReadDir(path.Join("objects", "pack"))
		if err != nil {
			s.err = err
			return
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, "pack-") || !strings.HasSuffix(name, ".idx") {
				continue
			}
			base := path.Join("objects", "pack", strings.TrimSuffix(name, ".idx"))
			if _, err := s.fs.Stat(base + ".pack"); err != nil {
				continue // an index without its pack: git ignores it too
			}
			idx, err := readIndex(s.fs, base+".idx")
			if err != nil {
				s.err = err
				return
			}
			s.packs = append(s.packs, &packIndex{mem: idx, pack: base + ".pack"})
		}
	})
	return s.packs, s.err
}

// warm reads the indexes and builds their offset indexes; Open runs it in the background.
func (s *packSet) warm() {
	packs, err := s.load()
	if err != nil {
		return
	}
	for _, p := range packs {
		p.byOffset()
	}
}

func readIndex(fs billy.Filesystem, name string) (*idxfile.MemoryIndex, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return nil, err
	}
	return idx, nil
}

// packIndex is one pack's index. It implements idxfile.Index over the decoded index without
// writing to it, so one packIndex serves readers on any number of goroutines; go-git's
// MemoryIndex takes a write lock on every FindOffset.
type packIndex struct {
	mem  *idxfile.MemoryIndex
	pack string // the pack file's name in the git directory's file system

	revOnce sync.Once
	rev     []revEntry // every object, by offset
}

type revEntry struct {
	offset uint64
	pos    uint32 // the object's position in the index, which is in id order
}

var _ idxfile.Index = (*packIndex)(nil)

// find returns the object's position in the index's bucket k.
func (x *packIndex) find(h plumbing.Hash) (k, i int, ok bool) {
	k = x.mem.FanoutMapping[h[0]]
	if k < 0 || k >= len(x.mem.Names) {
		return 0, 0, false
	}
	names := x.mem.Names[k]
	n := len(names) / hashLen
	i = sort.Search(n, func(j int) bool { return bytes.Compare(names[j*hashLen:(j+1)*hashLen], h[:]) >= 0 })
	if i < n && bytes.Equal(names[i*hashLen:(i+1)*hashLen], h[:]) {
		return k, i, true
	}
	return 0, 0, false
}

const hashLen = 20

func (x *packIndex) offset(k, i int) (uint64, error) {
	o := binary.BigEndian.Uint32(x.mem.Offset32[k][i*4:])
	if o&(1<<31) == 0 {
		return uint64(o), nil
	}
	at := 8 * uint64(o&^(1<<31))
	if uint64(len(x.mem.Offset64)) < at+8 {
		return 0, idxfile.ErrMalformedIdxFile
	}
	return binary.BigEndian.Uint64(x.mem.Offset64[at:]), nil
}

// Contains implements idxfile.Index.
func (x *packIndex) Contains(h plumbing.Hash) (bool, error) {
	_, _, ok := x.find(h)
	return ok, nil
}

// FindOffset implements idxfile.Index.
func (x *packIndex) FindOffset(h plumbing.Hash) (int64, error) {
	k, i, ok := x.find(h)
	if !ok {
		return 0, plumbing.ErrObjectNotFound
	}
	o, err := x.offset(k, i)
	return int64(o), err
}

// FindCRC32 implements idxfile.Index.
func (x *packIndex) FindCRC32(h plumbing.Hash) (uint32, error) { return x.mem.FindCRC32(h) }

// Count implements idxfile.Index.
func (x *packIndex) Count() (int64, error) { return x.mem.Count() }

// Entries implements idxfile.Index.
func (x *packIndex) Entries() (idxfile.EntryIter, error) { return x.mem.Entries() }

// EntriesByOffset implements idxfile.Index.
func (x *packIndex) EntriesByOffset() (idxfile.EntryIter, error) { return x.mem.EntriesByOffset() }

// FindHash implements idxfile.Index: the id of the object at offset o, by binary search in
// the offset index.
func (x *packIndex) FindHash(o int64) (plumbing.Hash, error) {
	rev := x.byOffset()
	j := sort.Search(len(rev), func(j int) bool { return rev[j].offset >= uint64(o) })
	if j == len(rev) || rev[j].offset != uint64(o) {
		return plumbing.ZeroHash, plumbing.ErrObjectNotFound
	}
	pos := rev[j].pos
	// the bucket (first byte) that holds position pos
	b := sort.Search(256, func(b int) bool { return x.mem.Fanout[b] > pos })
	first := uint32(0)
	if b > 0 {
		first = x.mem.Fanout[b-1]
	}
	k, i := x.mem.FanoutMapping[b], int(pos-first)
	var h plumbing.Hash
	copy(h[:], x.mem.Names[k][i*hashLen:])
	return h, nil
}

// byOffset builds, once, the list of the pack's objects sorted by offset.
func (x *packIndex) byOffset() []revEntry {
	x.revOnce.Do(func() {
		n := x.mem.Fanout[255]
		rev := make([]revEntry, 0, n)
		pos := uint32(0)
		for b := 0; b < 256; b++ {
			k := x.mem.FanoutMapping[b]
			count := int(x.mem.Fanout[b] - pos)
			for i := 0; i < count; i++ {
				o, err := x.offset(k, i)
				if err != nil {
					continue // a damaged entry: FindHash reports its object as missing
				}
				rev = append(rev, revEntry{o, pos + uint32(i)})
			}
			pos = x.mem.Fanout[b]
		}
		slices.SortFunc(rev, func(a, b revEntry) int {
			switch {
			case a.offset < b.offset:
				return -1
			case a.offset > b.offset:
				return 1
			}
			return 0
		})
		x.rev = rev
	})
	return x.rev
}

// packStorage is one reader's object storage: objects in the shared packs are read through
// this reader's own pack files (a go-git Packfile is not safe for concurrent use), anything
// else (loose objects, alternates, references, configuration) by go-git's storage it wraps.
type packStorage struct {
	*filesystem.Storage
	set   *packSet
	open  []*packfile.Packfile // by index in set.packs, opened on first use
	cache cache.Object
}

func newPackStorage(st *filesystem.Storage, set *packSet, cacheSize cache.FileSize) *packStorage {
	return &packStorage{Storage: st, set: set, cache: cache.NewObjectLRU(cacheSize)}
}

// locate finds the pack that holds h.
func (s *packStorage) locate(h plumbing.Hash) (*packfile.Packfile, int64, bool, error) {
	packs, err := s.set.load()
	if err != nil {
		return nil, 0, false, nil // go-git's storage reads it, and reports what is wrong
	}
	for n, p := range packs {
		k, i, ok := p.find(h)
		if !ok {
			continue
		}
		off, err := p.offset(k, i)
		if err != nil {
			return nil, 0, false, err
		}
		if s.open == nil {
			s.open = make([]*packfile.Packfile, len(packs))
		}
		if s.open[n] == nil {
			f, err := s.set.fs.Open(p.pack)
			if err != nil {
				return nil, 0, false, err
			}
			// no file system: objects are read whole into memory, as Blob wants them
			s.open[n] = packfile.NewPackfileWithCache(p, nil, f, s.cache, 0)
		}
		return s.open[n], int64(off), true, nil
	}
	return nil, 0, false, nil
}

// EncodedObject implements storer.EncodedObjectStorer.
func (s *packStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	pf, _, ok, err := s.locate(h)
	if err != nil {
		return nil, err
	}
	if !ok {
		return s.Storage.EncodedObject(t, h)
	}
	obj, err := pf.Get(h)
	if err != nil {
		return nil, err
	}
	if t != plumbing.AnyObject && obj.Type() != t {
		return nil, plumbing.ErrObjectNotFound
	}
	return obj, nil
}

// HasEncodedObject implements storer.EncodedObjectStorer.
func (s *packStorage) HasEncodedObject(h plumbing.Hash) error {
	if _, _, ok, err := s.locate(h); ok || err != nil {
		return err
	}
	return s.Storage.HasEncodedObject(h)
}

// EncodedObjectSize implements storer.EncodedObjectStorer.
func (s *packStorage) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	pf, off, ok, err := s.locate(h)
	if err != nil {
		return 0, err
	}
	if !ok {
		return s.Storage.EncodedObjectSize(h)
	}
	return pf.GetSizeByOffset(off)
}

// Close closes this reader's pack files and the storage it wraps.
func (s *packStorage) Close() error {
	var first error
	for _, pf := range s.open {
		if pf != nil {
			if err := pf.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	if err := s.Storage.Close(); err != nil && first == nil {
		first = err
	}
	return first
}
