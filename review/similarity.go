package review

import "slices"

// MaxScore is git's MAX_SCORE: rename scores run from 0 to MaxScore, and git's default
// minimum for a rename is half of it (50%).
const MaxScore = 60000

// Chunks is a file's content as git's diffcore-delta sees it for rename scores: cut into
// chunks that end at a newline or after 64 bytes, each chunk's hash counted with its length (in
// text, the CR of a CRLF is skipped). Written by hand: git's rename score has no Go
// implementation (go-git's rename detection uses JGit's similarity index, which scores
// differently), and forkreview pairs renames and prints similarity as git does.
type Chunks struct {
	Size   int      // the content's size in bytes
	hashes []uint32 // the chunk hashes, sorted, each once
	bytes  []uint64 // per hash: the bytes of its chunks
}

// NewChunks is diffcore-delta's hash_chars.
func NewChunks(b []byte) Chunks {
	const hashBase = 107927
	text := !isBinary(b)
	out := map[uint32]uint64{}
	var acc1, acc2 uint32
	n := uint64(0)
	for i := 0; i < len(b); i++ {
		c := uint32(b[i])
		if text && c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			continue
		}
		old1 := acc1
		acc1 = (acc1 << 7) ^ (acc2 >> 25)
		acc2 = (acc2 << 7) ^ (old1 >> 25)
		acc1 += c
		n++
		if n < 64 && c != '\n' {
			continue
		}
		out[(acc1+acc2*0x61)%hashBase] += n
		n, acc1, acc2 = 0, 0, 0
	}
	if n > 0 {
		out[(acc1+acc2*0x61)%hashBase] += n
	}
	c := Chunks{Size: len(b), hashes: make([]uint32, 0, len(out)), bytes: make([]uint64, len(out))}
	for h := range out {
		c.hashes = append(c.hashes, h)
	}
	slices.Sort(c.hashes)
	for i, h := range c.hashes {
		c.bytes[i] = out[h]
	}
	return c
}

// Similarity is git's estimate_similarity once the sizes have passed its check (see
// SizesMayPair): the bytes of dst that come from src, over the larger size, from 0 to MaxScore.
func Similarity(src, dst Chunks) int {
	size := max(src.Size, dst.Size)
	if dst.Size == 0 || size == 0 {
		return 0
	}
	var copied uint64
	for i, j := 0, 0; i < len(src.hashes) && j < len(dst.hashes); { // diffcore_count_changes
		switch a, b := src.hashes[i], dst.hashes[j]; {
		case a < b:
			i++
		case a > b:
			j++
		default:
			copied += min(src.bytes[i], dst.bytes[j])
			i++
			j++
		}
	}
	return int(copied * MaxScore / uint64(size))
}

// SizesMayPair is estimate_similarity's first test: files whose sizes differ by more than
// (MaxScore-minScore)/MaxScore of the larger one cannot reach minScore, and are not compared.
func SizesMayPair(a, b, minScore int) bool {
	big, small := max(a, b), min(a, b)
	return uint64(big)*uint64(MaxScore-minScore) >= uint64(big-small)*MaxScore
}
