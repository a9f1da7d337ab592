package merge

import "bytes"

// file is one input split into records the way xdiff splits it: every line
// keeps its "\n" (and any "\r" before it), and a last line without a newline
// is a record of its own. Two records are equal only when their bytes are, so
// "x" at the end of a file differs from "x\n", exactly as in git.
type file struct {
	data  []byte
	start []int   // start[i] is the offset of line i; start[len(ids)] == len(data)
	ids   []int32 // interned line identities, shared by every file of one interner
}

func (f *file) n() int { return len(f.ids) }

// line returns record i including its line terminator.
func (f *file) line(i int) []byte { return f.data[f.start[i]:f.start[i+1]] }

// span returns the bytes of records [i, i+count).
func (f *file) span(i, count int) []byte {
	if count <= 0 {
		return nil
	}
	return f.data[f.start[i]:f.start[i+count]]
}

// interner gives equal lines the same small integer across all files split
// with it, so the diff engine compares integers instead of bytes.
type interner struct {
	ids map[string]int32
}

func newInterner(sizeHint int) *interner {
	return &interner{ids: make(map[string]int32, sizeHint)}
}

// split cuts data into records and interns each one.
func (in *interner) split(data []byte) *file {
	lines := bytes.Count(data, []byte{'\n'}) + 1
	f := &file{
		data:  data,
		start: make([]int, 0, lines+1),
		ids:   make([]int32, 0, lines),
	}
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off + 1
		}
		f.start = append(f.start, off)
		f.ids = append(f.ids, in.intern(data[off:end]))
		off = end
	}
	f.start = append(f.start, len(data))
	return f
}

func (in *interner) intern(line []byte) int32 {
	// The map lookup with a converted []byte does not allocate.
	if id, ok := in.ids[string(line)]; ok {
		return id
	}
	id := int32(len(in.ids))
	in.ids[string(line)] = id
	return id
}

// isAlnum matches git's isalnum from git-compat-util.h (sane_ctype): ASCII
// letters and digits only, independent of the locale.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func containsAlnum(b []byte) bool {
	for _, c := range b {
		if isAlnum(c) {
			return true
		}
	}
	return false
}
