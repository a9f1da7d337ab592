package review

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/forkreview/forkreview/review/merge"
)

// PatchID computes the patch-id of a change, as `git show C | git patch-id` (the default,
// "unstable" form) does: the SHA-1 of the diff with all whitespace and line numbers removed. It
// is written here because go-git has no patch-id; it follows git's patch-id.c on the diff that
// git would print (three lines of context, files in path order). Binary files hash their full
// blob ids, where git hashes the abbreviated ids of its index line. "" for an empty change.
func PatchID(changes []TreeChange, objs Objects) (string, error) {
	if len(changes) == 0 {
		return "", nil
	}
	chs := append([]TreeChange(nil), changes...)
	sort.Slice(chs, func(i, j int) bool { return chs[i].Path < chs[j].Path })
	h := sha1.New()
	put := func(line string) {
		h.Write([]byte(strings.Map(func(r rune) rune {
			if r < 128 && unicode.IsSpace(r) {
				return -1
			}
			return r
		}, line)))
	}
	for _, tc := range chs {
		a, b := tc.oldSidePath(), tc.Path
		put(fmt.Sprintf("diff --git a/%s b/%s", a, b))
		switch {
		case tc.Status == StatusAdded:
			put(fmt.Sprintf("new file mode %06o", tc.NewMode))
		case tc.Status == StatusDeleted:
			put(fmt.Sprintf("deleted file mode %06o", tc.OldMode))
		case tc.OldMode != tc.NewMode:
			put(fmt.Sprintf("old mode %06o", tc.OldMode))
			put(fmt.Sprintf("new mode %06o", tc.NewMode))
		}
		old, nw, err := readPair(objs, tc.OldBlob, tc.NewBlob)
		if err != nil {
			return "", err
		}
		if tc.Status == StatusRenamed {
			put(fmt.Sprintf("similarity index %d%%", similarity(old, nw)))
			put("rename from " + a)
			put("rename to " + b)
		}
		if tc.OldBlob == tc.NewBlob || (len(old) == 0 && len(nw) == 0) {
			continue // git prints no ---/+++ lines for an empty file added or deleted
		}
		if isBinary(old) || isBinary(nw) {
			h.Write([]byte(tc.OldBlob))
			h.Write([]byte(tc.NewBlob))
			continue
		}
		from, to := "a/"+a, "b/"+b
		if tc.Status == StatusAdded {
			from = "/dev/null"
		}
		if tc.Status == StatusDeleted {
			to = "/dev/null"
		}
		put("--- " + from)
		put("+++ " + to)
		edits := merge.Diff(old, nw)
		ol, nl := splitLines(old), splitLines(nw)
		for i := 0; i < len(edits); {
			j := i
			for j+1 < len(edits) && edits[j+1].OldStart-(edits[j].OldStart+edits[j].OldLines) <= 2*hunkContext {
				j++
			}
			hk := renderHunk(ol, nl, edits[i:j+1])
			for _, l := range strings.SplitAfter(hk.Text, "\n") {
				if l != "" && !strings.HasPrefix(l, "\\ ") {
					put(l)
				}
			}
			i = j + 1
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readPair(objs Objects, a, b string) ([]byte, []byte, error) {
	var x, y []byte
	var err error
	if a != "" {
		if x, err = objs.Blob(a); err != nil {
			return nil, nil, err
		}
	}
	if b != "" {
		if y, err = objs.Blob(b); err != nil {
			return nil, nil, err
		}
	}
	return x, y, nil
}

// similarity is the percentage git prints as "similarity index N%" for a rename (see
// Similarity).
func similarity(a, b []byte) int {
	if bytes.Equal(a, b) {
		return 100
	}
	return Similarity(NewChunks(a), NewChunks(b)) * 100 / MaxScore
}
