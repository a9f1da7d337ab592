package review

import (
	"path"
	"sort"
	"strings"
)

// Directory renames, as git's merge-ort detects them when it merges u into W(u) with its
// default merge.directoryRenames=conflict. When u empties a folder by moving its files
// elsewhere, git moves the files the fork added to that folder along, and reports each as a
// conflict ("CONFLICT (file location)"); a folder whose files u moved to several places, none
// taking a majority, is a conflict of its own ("directory rename split"). Hand-written after
// merge-ort.c and diffcore-rename.c (collect_rename_info, update_dir_rename_counts,
// get_provisional_directory_renames, check_dir_renamed): no library models git's merge.
//
// Only u's side is modelled. The other direction (the fork moved a folder away and u adds a
// file to it) would need the fork's side diffed against u^ for every commit.

const (
	dirNotRelevant = iota
	dirRelevantForAncestor
	dirRelevantForSelf
)

// dirRenameConflicts returns the conflicts git's directory rename detection adds to the merge
// of u into W(u). forkM is the fork's side (M..F, by base-side path).
func (c *classifier) dirRenameConflicts(u *UpstreamCommit, forkM map[string]*TreeChange) ([]Conflict, error) {
	if c.in.PathExists == nil || len(u.Parents) == 0 {
		return nil, nil
	}
	type rename struct{ from, to string }
	var renames []rename
	for _, tc := range u.Changes {
		if tc.Status == StatusRenamed {
			renames = append(renames, rename{tc.OldPath, tc.Path})
		}
	}
	if len(renames) == 0 {
		return nil, nil // no counts: no folder can be renamed
	}
	parent := u.Parents[0]

	// The folders u removed: those that held a file u deleted or moved, and hold nothing now.
	removed := map[string]bool{}
	for _, tc := range u.Changes {
		if tc.Status != StatusDeleted && tc.Status != StatusRenamed {
			continue
		}
		for d := path.Dir(tc.oldSidePath()); d != "."; d = path.Dir(d) {
			if _, seen := removed[d]; seen {
				continue
			}
			there, err := c.in.PathExists(u.Hash, d)
			if err != nil {
				return nil, err
			}
			removed[d] = !there
		}
	}

	anyRemoved := false
	for _, r := range removed {
		anyRemoved = anyRemoved || r
	}
	if !anyRemoved {
		return nil, nil
	}
	inRemoved := func(p string) bool {
		for d := dirOf(p); d != ""; d = dirOf(d) {
			if removed[d] {
				return true
			}
		}
		return false
	}

	// The files the fork adds relative to u^ (added or moved there by the fork) in removed
	// folders, and the removed folders that directly hold one: those are relevant for
	// themselves.
	var added []string
	self := map[string]bool{}
	for _, fc := range forkM {
		if fc.Status != StatusAdded && fc.Status != StatusRenamed {
			continue
		}
		p := fc.Path
		if !inRemoved(p) || c.rules.Ignored(p) {
			continue
		}
		there, err := c.in.PathExists(parent, p)
		if err != nil {
			return nil, err
		}
		if there {
			continue
		}
		added = append(added, p)
		if d := path.Dir(p); removed[d] {
			self[d] = true
		}
	}
	if len(self) == 0 {
		return nil, nil // nothing of the fork's is in a removed folder
	}
	sort.Strings(added)
	relevance := func(d string) int {
		if self[d] {
			return dirRelevantForSelf
		}
		for a := path.Dir(d); a != "."; a = path.Dir(a) {
			if removed[a] && self[a] {
				return dirRelevantForAncestor
			}
		}
		return dirNotRelevant
	}

	// update_dir_rename_counts, for every rename of u
	counts := map[string]map[string]int{}
	for _, r := range renames {
		oldDir, newDir := r.from, r.to
		first := true
		for {
			oldSub, newSub := path.Base(oldDir), path.Base(newDir)
			oldDir, newDir = dirOf(oldDir), dirOf(newDir)
			if oldDir == "" || !removed[oldDir] {
				break // only folders u removed count
			}
			if !first && oldSub != newSub {
				break // a/b/c/f -> a/x/c/f says a/b/c -> a/x/c and a/b -> a/x, not a -> a
			}
			flag := relevance(oldDir)
			if flag == dirRelevantForSelf || first {
				if counts[oldDir] == nil {
					counts[oldDir] = map[string]int{}
				}
				counts[oldDir][newDir]++
			}
			first = false
			if flag == dirNotRelevant || newDir == "" {
				break
			}
		}
	}

	// get_provisional_directory_renames: the unique most common destination of each relevant
	// removed folder; a tie is a conflict
	var out []Conflict
	renamed := map[string]string{}
	dirs := make([]string, 0, len(counts))
	for d := range counts {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if !removed[d] || relevance(d) == dirNotRelevant {
			continue
		}
		best, max, tie := "", 0, false
		for to, n := range counts[d] {
			switch {
			case n > max:
				best, max, tie = to, n, false
			case n == max:
				tie = true
			}
		}
		if max == 0 {
			continue
		}
		if both, err := c.forkRenamedDir(forkM, d); err != nil {
			return nil, err
		} else if both {
			continue // the fork moved the folder too: git drops a folder both sides renamed
		}
		if tie {
			out = append(out, Conflict{Path: d, Kind: "directory rename split",
				Detail: "upstream moves the files of folder " + d + " to several places, none taking most of them; the fork added files there"})
			continue
		}
		renamed[d] = best
	}

	// check_dir_renamed: each file the fork added under a renamed folder (the deepest one) would
	// be moved, and git reports it
	for _, p := range added {
		for d := dirOf(p); d != ""; d = dirOf(d) {
			to, ok := renamed[d]
			if !ok {
				continue
			}
			moved := to + strings.TrimPrefix(p, d)
			if to == "" {
				moved = strings.TrimPrefix(p, d+"/")
			}
			out = append(out, Conflict{Path: p, Kind: "file location",
				Detail: "upstream moves folder " + d + " to " + displayDir(to) + "; the fork added " + p + " there, which git would move to " + moved})
			break
		}
	}
	return out, nil
}

// dirOf is the folder of p, "" at the top.
func dirOf(p string) string {
	if d := path.Dir(p); d != "." && d != "/" {
		return d
	}
	return ""
}

func displayDir(d string) string {
	if d == "" {
		return "the top folder"
	}
	return d
}

// forkRenamedDir reports whether the fork moved folder d away too: it moved files out of it
// and the folder is gone from the fork.
func (c *classifier) forkRenamedDir(forkM map[string]*TreeChange, d string) (bool, error) {
	moved := false
	for _, fc := range forkM {
		if fc.Status == StatusRenamed && dirOf(fc.OldPath) == d {
			moved = true
			break
		}
	}
	if !moved {
		return false, nil
	}
	there, err := c.in.PathExists(c.in.Fork, d)
	return !there, err
}
