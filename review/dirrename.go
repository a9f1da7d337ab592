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
// Both directions are modelled: u moving a folder the fork added files to, and the fork having
// moved a folder u adds files to. The fork's side relative to u^ is taken from its changes
// since the merge base (see goneFromW).

const (
	dirNotRelevant = iota
	dirRelevantForAncestor
	dirRelevantForSelf
)

// dirRenameConflicts returns the conflicts git's directory rename detection adds to the merge
// of u into W(u): the fork's files in folders u moves away, and u's files in folders the fork
// moved away. forkM is the fork's side (M..F, by base-side path), m its merge base.
func (c *classifier) dirRenameConflicts(u *UpstreamCommit, forkM map[string]*TreeChange, m string) ([]Conflict, error) {
	if c.in.PathExists == nil || len(u.Parents) == 0 {
		return nil, nil
	}
	up, err := c.upstreamDirSide(u, forkM)
	if err != nil {
		return nil, err
	}
	fk, err := c.forkDirSide(u, forkM, m)
	if err != nil {
		return nil, err
	}
	upRenamed, upSplit := up.detect()
	fkRenamed, fkSplit := fk.detect()
	// handle_directory_level_conflicts: a folder both sides renamed is renamed by neither
	for d := range upRenamed {
		if _, ok := fkRenamed[d]; ok {
			delete(upRenamed, d)
			delete(fkRenamed, d)
		}
	}
	var out []Conflict
	for _, d := range upSplit {
		out = append(out, Conflict{Path: d, Kind: "directory rename split",
			Detail: "upstream moves the files of folder " + d + " to several places, none taking most of them; the fork added files there"})
	}
	for _, d := range fkSplit {
		out = append(out, Conflict{Path: d, Kind: "directory rename split",
			Detail: "the fork moved the files of folder " + d + " to several places, none taking most of them; upstream adds files there"})
	}
	for _, mv := range up.moves(upRenamed) {
		out = append(out, Conflict{Path: mv.path, Kind: "file location",
			Detail: "upstream moves folder " + mv.dir + " to " + displayDir(mv.to) + "; the fork added " + mv.path + " there, which git would move to " + mv.moved})
	}
	for _, mv := range fk.moves(fkRenamed) {
		out = append(out, Conflict{Path: mv.path, Kind: "file location",
			Detail: "the fork moved folder " + mv.dir + " to " + displayDir(mv.to) + "; upstream adds " + mv.path + " there, which git would move to " + mv.moved})
	}
	return out, nil
}

type dirRename struct{ from, to string }

// dirSide is one side of the merge, for directory rename detection: the renames it made
// relative to u^, which folders it removed (of those asked about), and the files the other
// side adds relative to u^ in removed folders.
type dirSide struct {
	renames []dirRename
	removed map[string]bool
	added   []string
	self    map[string]bool // removed folders that directly hold an added file
}

// upstreamDirSide is u's side: its renames, the folders it empties, and the fork's added files.
func (c *classifier) upstreamDirSide(u *UpstreamCommit, forkM map[string]*TreeChange) (*dirSide, error) {
	s := &dirSide{removed: map[string]bool{}, self: map[string]bool{}}
	for _, tc := range u.Changes {
		if tc.Status == StatusRenamed {
			s.renames = append(s.renames, dirRename{tc.OldPath, tc.Path})
		}
	}
	if len(s.renames) == 0 {
		return s, nil // no counts: no folder can be renamed
	}
	// The folders u removed: those that held a file u deleted or moved, and hold nothing now.
	for _, tc := range u.Changes {
		if tc.Status != StatusDeleted && tc.Status != StatusRenamed {
			continue
		}
		for d := dirOf(tc.oldSidePath()); d != ""; d = dirOf(d) {
			if _, seen := s.removed[d]; seen {
				continue
			}
			there, err := c.in.PathExists(u.Hash, d)
			if err != nil {
				return nil, err
			}
			s.removed[d] = !there
		}
	}
	var added []string
	for _, fc := range forkM {
		if fc.Status == StatusAdded || fc.Status == StatusRenamed {
			added = append(added, fc.Path)
		}
	}
	return s, c.collectAdded(s, added, u.Parents[0])
}

// forkDirSide is the fork's side: its renames, the folders it emptied (see goneFromW), and u's
// added files.
func (c *classifier) forkDirSide(u *UpstreamCommit, forkM map[string]*TreeChange, m string) (*dirSide, error) {
	s := &dirSide{removed: map[string]bool{}, self: map[string]bool{}}
	var added []string
	addedDirs := map[string]bool{}
	for _, tc := range u.Changes {
		if tc.Status == StatusAdded || tc.Status == StatusRenamed {
			added = append(added, tc.Path)
			addedDirs[dirOf(tc.Path)] = true
		}
	}
	if len(added) == 0 {
		return s, nil
	}
	underAdded := func(d string) bool { // d or a folder above it directly holds one of u's files
		for ; d != ""; d = dirOf(d) {
			if addedDirs[d] {
				return true
			}
		}
		return false
	}
	parent := u.Parents[0]
	for _, fc := range forkM {
		if fc.Status != StatusDeleted && fc.Status != StatusRenamed {
			continue
		}
		if fc.Status == StatusRenamed {
			s.renames = append(s.renames, dirRename{fc.OldPath, fc.Path})
		}
		for d := dirOf(fc.oldSidePath()); d != ""; d = dirOf(d) {
			if _, seen := s.removed[d]; seen || !underAdded(d) {
				continue
			}
			gone, err := c.goneFromW(d, parent, m, forkM)
			if err != nil {
				return nil, err
			}
			s.removed[d] = gone
		}
	}
	if len(s.renames) == 0 {
		return s, nil
	}
	return s, c.collectAdded(s, added, parent)
}

// goneFromW reports whether folder d of u^ is gone from W(u), the merge of the fork and u^:
// the fork no longer has it, upstream added nothing to it since the merge base, and every file
// upstream changed there the fork moved (a file the fork deleted but upstream changed stays,
// as a modify/delete conflict).
func (c *classifier) goneFromW(d, parent, m string, forkM map[string]*TreeChange) (bool, error) {
	if c.in.FilesUnder == nil {
		return false, nil
	}
	inFork, err := c.in.PathExists(c.in.Fork, d)
	if err != nil || inFork {
		return false, err
	}
	now, err := c.in.FilesUnder(parent, d)
	if err != nil || len(now) == 0 {
		return false, err
	}
	then, err := c.in.FilesUnder(m, d)
	if err != nil {
		return false, err
	}
	for p, e := range now {
		was, ok := then[p]
		if !ok {
			return false, nil // upstream added it: the merge keeps it
		}
		if was != e {
			if fc := forkM[d+"/"+p]; fc == nil || fc.Status != StatusRenamed {
				return false, nil
			}
		}
	}
	return true, nil
}

// collectAdded keeps the added files that are new relative to u^ and lie in removed folders,
// and marks the removed folders that directly hold one.
func (c *classifier) collectAdded(s *dirSide, added []string, parent string) error {
	inRemoved := func(p string) bool {
		for d := dirOf(p); d != ""; d = dirOf(d) {
			if s.removed[d] {
				return true
			}
		}
		return false
	}
	for _, p := range added {
		if !inRemoved(p) || c.rules.Ignored(p) {
			continue
		}
		there, err := c.in.PathExists(parent, p)
		if err != nil {
			return err
		}
		if there {
			continue
		}
		s.added = append(s.added, p)
		if d := dirOf(p); s.removed[d] {
			s.self[d] = true
		}
	}
	sort.Strings(s.added)
	return nil
}

func (s *dirSide) relevance(d string) int {
	if s.self[d] {
		return dirRelevantForSelf
	}
	for a := dirOf(d); a != ""; a = dirOf(a) {
		if s.removed[a] && s.self[a] {
			return dirRelevantForAncestor
		}
	}
	return dirNotRelevant
}

// detect is update_dir_rename_counts over the side's renames, then
// get_provisional_directory_renames: each relevant removed folder goes to its unique most
// common destination; a tie is a split.
func (s *dirSide) detect() (renamed map[string]string, split []string) {
	renamed = map[string]string{}
	if len(s.self) == 0 {
		return renamed, nil
	}
	counts := map[string]map[string]int{}
	for _, r := range s.renames {
		oldDir, newDir := r.from, r.to
		first := true
		for {
			oldSub, newSub := path.Base(oldDir), path.Base(newDir)
			oldDir, newDir = dirOf(oldDir), dirOf(newDir)
			if oldDir == "" || !s.removed[oldDir] {
				break // only removed folders count
			}
			if !first && oldSub != newSub {
				break // a/b/c/f -> a/x/c/f says a/b/c -> a/x/c and a/b -> a/x, not a -> a
			}
			flag := s.relevance(oldDir)
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
	dirs := make([]string, 0, len(counts))
	for d := range counts {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if s.relevance(d) == dirNotRelevant {
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
		switch {
		case max == 0:
		case tie:
			split = append(split, d)
		default:
			renamed[d] = best
		}
	}
	return renamed, split
}

type dirMove struct{ path, dir, to, moved string }

// moves is check_dir_renamed for each added file: the deepest renamed folder above it, and
// where git would move the file.
func (s *dirSide) moves(renamed map[string]string) []dirMove {
	var out []dirMove
	for _, p := range s.added {
		for d := dirOf(p); d != ""; d = dirOf(d) {
			to, ok := renamed[d]
			if !ok {
				continue
			}
			moved := to + strings.TrimPrefix(p, d)
			if to == "" {
				moved = strings.TrimPrefix(p, d+"/")
			}
			out = append(out, dirMove{p, d, to, moved})
			break
		}
	}
	return out
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
