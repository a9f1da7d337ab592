package gitops

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/forkreview/forkreview/gitops/fixture"
)

// TestPackStorageReadsWhatGoGitReads reads every object of a repository with packed (with
// deltas) and loose objects through the shared-index readers and through go-git's own storage,
// and checks that the pack index answers every lookup as go-git's MemoryIndex does.
func TestPackStorageReadsWhatGoGitReads(t *testing.T) {
	s, err := fixture.BuildSample(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// a loose commit on top of the packed ones
	plain, err := git.PlainOpen(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := plain.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "t", Email: "t@example.org", When: time.Unix(1700000000, 0)}
	loose, err := wt.Commit("a loose commit", &git.CommitOptions{AllowEmptyCommits: true, Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(s.Dir, ".git", "objects", "??", "*")); len(m) == 0 {
		t.Fatal("the commit wrote no loose object; the test needs one")
	}

	r := openRepo(t, s.Dir)
	main, ok := r.Git.Storer.(*packStorage)
	if !ok {
		t.Fatalf("the main storage is %T, want *packStorage", r.Git.Storer)
	}
	packs, err := r.packs.load()
	if err != nil || len(packs) == 0 {
		t.Fatalf("pack indexes: %d, %v", len(packs), err)
	}

	iter, err := plain.Storer.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = iter.ForEach(func(want plumbing.EncodedObject) error {
		n++
		got, err := main.EncodedObject(plumbing.AnyObject, want.Hash())
		if err != nil {
			t.Fatalf("%s: %v", want.Hash(), err)
		}
		if got.Type() != want.Type() || !bytes.Equal(content(t, got), content(t, want)) {
			t.Fatalf("%s: read %s of %d bytes, go-git reads %s of %d", want.Hash(), got.Type(), got.Size(), want.Type(), want.Size())
		}
		if sz, err := main.EncodedObjectSize(want.Hash()); err != nil || sz != want.Size() {
			t.Errorf("%s: size %d, %v; want %d", want.Hash(), sz, err, want.Size())
		}
		if err := main.HasEncodedObject(want.Hash()); err != nil {
			t.Errorf("%s: HasEncodedObject: %v", want.Hash(), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("only %d objects read", n)
	}
	if _, err := main.EncodedObject(plumbing.BlobObject, loose); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("a commit read as a blob: %v, want ErrObjectNotFound", err)
	}
	missing := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
	if _, err := main.EncodedObject(plumbing.AnyObject, missing); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("a missing object: %v, want ErrObjectNotFound", err)
	}

	for _, p := range packs {
		entries, err := p.mem.Entries()
		if err != nil {
			t.Fatal(err)
		}
		for {
			e, err := entries.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if off, err := p.FindOffset(e.Hash); err != nil || off != int64(e.Offset) {
				t.Errorf("FindOffset(%s) = %d, %v; want %d", e.Hash, off, err, e.Offset)
			}
			if h, err := p.FindHash(int64(e.Offset)); err != nil || h != e.Hash {
				t.Errorf("FindHash(%d) = %s, %v; want %s", e.Offset, h, err, e.Hash)
			}
			if crc, err := p.FindCRC32(e.Hash); err != nil || crc != e.CRC32 {
				t.Errorf("FindCRC32(%s) = %d, %v; want %d", e.Hash, crc, err, e.CRC32)
			}
		}
		if _, err := p.FindHash(1); !errors.Is(err, plumbing.ErrObjectNotFound) {
			t.Errorf("FindHash of an offset inside the header: %v", err)
		}
		if ok, _ := p.Contains(missing); ok {
			t.Errorf("Contains(%s) = true", missing)
		}
	}
}

func content(t *testing.T, o plumbing.EncodedObject) []byte {
	t.Helper()
	rd, err := o.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPackIndexLargeOffsets: a pack over 2 GiB stores the offsets past 2^31 in the index's
// 64-bit table; the pack index decodes them both ways.
func TestPackIndexLargeOffsets(t *testing.T) {
	ids := []plumbing.Hash{
		plumbing.NewHash("1000000000000000000000000000000000000000"),
		plumbing.NewHash("1100000000000000000000000000000000000000"),
		plumbing.NewHash("f000000000000000000000000000000000000000"),
	}
	offsets := []uint64{12, 5 << 30, 3 << 31}
	mem := idxfile.NewMemoryIndex()
	mem.Version = idxfile.VersionSupported
	for i := range mem.FanoutMapping {
		mem.FanoutMapping[i] = -1
	}
	var off64 []byte
	for i, id := range ids {
		b := int(id[0])
		k := mem.FanoutMapping[b]
		if k < 0 {
			k = len(mem.Names)
			mem.FanoutMapping[b] = k
			mem.Names = append(mem.Names, nil)
			mem.Offset32 = append(mem.Offset32, nil)
			mem.CRC32 = append(mem.CRC32, nil)
		}
		mem.Names[k] = append(mem.Names[k], id[:]...)
		o32 := uint32(offsets[i])
		if offsets[i] >= 1<<31 {
			o32 = 1<<31 | uint32(len(off64)/8)
			off64 = binary.BigEndian.AppendUint64(off64, offsets[i])
		}
		mem.Offset32[k] = binary.BigEndian.AppendUint32(mem.Offset32[k], o32)
		mem.CRC32[k] = binary.BigEndian.AppendUint32(mem.CRC32[k], uint32(i))
		for j := b; j < 256; j++ {
			mem.Fanout[j]++
		}
	}
	mem.Offset64 = off64
	x := &packIndex{mem: mem}
	for i, id := range ids {
		if off, err := x.FindOffset(id); err != nil || off != int64(offsets[i]) {
			t.Errorf("FindOffset(%s) = %d, %v; want %d", id, off, err, offsets[i])
		}
		if h, err := x.FindHash(int64(offsets[i])); err != nil || h != id {
			t.Errorf("FindHash(%d) = %s, %v; want %s", offsets[i], h, err, id)
		}
	}
	mem.Offset64 = mem.Offset64[:8] // damaged: the third offset points past the table
	y := &packIndex{mem: mem}
	if _, err := y.FindOffset(ids[2]); !errors.Is(err, idxfile.ErrMalformedIdxFile) {
		t.Errorf("a 64-bit offset past the table: %v, want ErrMalformedIdxFile", err)
	}
}
