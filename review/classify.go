package review

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/forkreview/forkreview/review/merge"
)

// Options tune Classify.
type Options struct {
	Rules *Rules
	// Workers classify commits concurrently; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called after each commit (from any goroutine).
	Progress func(done, total int)
}

// Limits of the text machinery: a file larger than MaxTextSize is compared by hash only (like a
// binary file), so a 50 MB generated file is never diffed line by line.
const (
	MaxTextSize  = 8 << 20
	binarySniff  = 8000 // git's buffer_is_binary looks at the first 8000 bytes
	proximity    = 3    // risk-model.md: "within 3 lines of a fork change"
	hunkContext  = 3
	maxHunkBytes = 64 << 10
)

// Result is what Classify finds.
type Result struct {
	// Commits are in the order of Input.Commits.
	Commits []Commit
	// ForkDeclarations counts the Go top-level declarations the fork changed (B..F).
	ForkDeclarations int
}

// Classify judges every upstream commit of in against the fork, per risk-model.md. It is a pure
// function of its input and the objects it reads.
func Classify(ctx context.Context, in *Input, objs Objects, opt Options) (*Result, error) {
	c := NewClassifier(in, objs, opt)
	if err := c.Prepare(); err != nil {
		return nil, err
	}
	return c.Run(ctx)
}

// Classifier classifies in two steps, so that the fork's side (Prepare: parsing the Go files the
// fork changed) can run while the upstream commits are still being read.
type Classifier struct {
	c   *classifier
	opt Options
}

// NewClassifier returns a classifier for in. Prepare reads only in's fork side (Base, Fork,
// ForkChanges, ModulePath); Run reads the rest, which the caller may fill in meanwhile.
func NewClassifier(in *Input, objs Objects, opt Options) *Classifier {
	if opt.Rules == nil {
		opt.Rules = &Rules{}
	}
	return &Classifier{c: newClassifier(in, objs, opt.Rules), opt: opt}
}

// Prepare derives what every commit is judged against from the fork's own changes.
func (cl *Classifier) Prepare() error {
	c := cl.c
	c.drift.once.Do(c.buildDrift)
	return c.drift.err
}

// Run classifies the commits of the input, in parallel.
func (cl *Classifier) Run(ctx context.Context) (*Result, error) {
	c, opt, in := cl.c, cl.opt, cl.c.in
	if err := cl.Prepare(); err != nil {
		return nil, err
	}
	c.indexForkAt()
	keys := c.baseKeys()
	out := make([]Commit, len(in.Commits))
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(in.Commits) {
		workers = max(len(in.Commits), 1)
	}
	jobs := make(chan int)
	errs := make([]error, len(in.Commits))
	var wg sync.WaitGroup
	var done int
	var doneMu sync.Mutex
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil {
					errs[i] = ctx.Err()
					continue
				}
				cm, err := c.classify(&in.Commits[i], keys[i])
				if err != nil {
					errs[i] = fmt.Errorf("classify %s: %w", shortHash(in.Commits[i].Hash), err)
				} else {
					out[i] = cm
				}
				if opt.Progress != nil {
					doneMu.Lock()
					done++
					d := done
					doneMu.Unlock()
					opt.Progress(d, len(in.Commits))
				}
			}
		}()
	}
	for i := range in.Commits {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return &Result{Commits: out, ForkDeclarations: c.drift.forkDecls}, nil
}

// classifier holds what is derived once from the fork's side and shared by all commits.
type classifier struct {
	in    *Input
	objs  Objects
	rules *Rules

	forkB    map[string]*TreeChange            // B..F by base-side path
	forkNew  map[string]*TreeChange            // B..F by fork-side path
	forkAt   map[string]map[string]*TreeChange // M -> M..F by base-side path
	forkDirs map[string]bool

	decls  *declCache
	drift  driftIndex
	probes atomic.Int64 // fork commits looked at by samePatch
}

func newClassifier(in *Input, objs Objects, rules *Rules) *classifier {
	c := &classifier{in: in, objs: objs, rules: rules, forkDirs: map[string]bool{}}
	c.forkB, c.forkNew = indexChanges(in.ForkChanges)
	for i := range in.ForkChanges {
		tc := &in.ForkChanges[i]
		if rules.Ignored(tc.Path) {
			continue
		}
		c.forkDirs[path.Dir(tc.Path)] = true
		if tc.OldPath != "" {
			c.forkDirs[path.Dir(tc.OldPath)] = true
		}
	}
	c.decls = newDeclCache(objs)
	return c
}

// indexForkAt indexes the fork's changes against each merge base of the commits.
func (c *classifier) indexForkAt() {
	c.forkAt = map[string]map[string]*TreeChange{}
	for m, chs := range c.in.ForkAt {
		if m == c.in.Base {
			c.forkAt[m] = c.forkB
			continue
		}
		c.forkAt[m], _ = indexChanges(chs)
	}
	if _, ok := c.forkAt[c.in.Base]; !ok {
		c.forkAt[c.in.Base] = c.forkB
	}
}

// indexChanges indexes a tree diff by the path on its old side (the new path for added files)
// and by the path on its new side.
func indexChanges(chs []TreeChange) (byOld, byNew map[string]*TreeChange) {
	byOld = make(map[string]*TreeChange, len(chs))
	byNew = make(map[string]*TreeChange, len(chs))
	for i := range chs {
		tc := &chs[i]
		byOld[tc.oldSidePath()] = tc
		if tc.Status != StatusDeleted {
			byNew[tc.Path] = tc
		}
	}
	return byOld, byNew
}

func (tc *TreeChange) oldSidePath() string {
	if tc.Status == StatusRenamed && tc.OldPath != "" {
		return tc.OldPath
	}
	return tc.Path
}

// baseKeys maps each upstream file change to the path its file had at the merge base, following
// upstream's own renames earlier in the range, so that a file upstream renamed is still matched
// with the fork's changes to its old name (git's merge does the same with rename detection).
func (c *classifier) baseKeys() [][]string {
	renamedFrom := map[string]string{} // current path -> path at the base
	keys := make([][]string, len(c.in.Commits))
	for i := range c.in.Commits {
		u := &c.in.Commits[i]
		ks := make([]string, len(u.Changes))
		for j := range u.Changes {
			tc := &u.Changes[j]
			p := tc.oldSidePath()
			if orig, ok := renamedFrom[p]; ok {
				p = orig
			}
			ks[j] = p
		}
		for j := range u.Changes {
			tc := &u.Changes[j]
			if tc.Status == StatusRenamed {
				renamedFrom[tc.Path] = ks[j]
				delete(renamedFrom, tc.OldPath)
			}
		}
		keys[i] = ks
	}
	return keys
}

// fileVerdict is what one file of an upstream commit amounts to.
type fileVerdict struct {
	fc        FileChange
	noChange  bool // applying the change on W(u) leaves W(u)'s file as it is
	conflicts []Conflict
	high      []string // reasons for high
	medium    []string
	low       bool
	drift     []string
	ignored   bool
}

func (c *classifier) classify(u *UpstreamCommit, keys []string) (Commit, error) {
	subject, body := SplitMessage(u.Message)
	cm := Commit{
		Hash: u.Hash, Parents: append([]string{}, u.Parents...), Author: u.Author, Date: u.Date.UTC(),
		Subject: subject, Body: body, UpstreamPR: UpstreamPR(subject), Tags: []string{}, Reasons: []string{},
		Files: make([]FileChange, 0, len(u.Changes)),
	}
	if cm.Parents == nil {
		cm.Parents = []string{}
	}
	if c.in.ForkHas[u.Hash] {
		// the fork merged this very commit: git finds it an ancestor of W(u), so taking it in
		// again changes nothing
		cm.Risk = RiskApplied
		cm.Reasons = []string{"the fork already has this commit: it was merged into the fork"}
		for j := range u.Changes {
			tc := &u.Changes[j]
			fc := FileChange{Path: tc.Path, Status: tc.Status, Overlap: OverlapNone, Declarations: []string{}}
			if tc.Status == StatusRenamed {
				fc.OldPath = tc.OldPath
			}
			cm.Files = append(cm.Files, fc)
		}
		cm.Area = Area(subject, cm.Files)
		c.rules.Decorate(&cm)
		return cm, nil
	}
	applied := true
	var conflict, high, medium, low bool
	for j := range u.Changes {
		v, err := c.file(u, &u.Changes[j], keys[j])
		if err != nil {
			return cm, err
		}
		if !v.noChange {
			applied = false
		}
		if v.ignored {
			cm.Files = append(cm.Files, v.fc)
			continue
		}
		if len(v.conflicts) > 0 {
			conflict = true
			cm.Conflicts = append(cm.Conflicts, v.conflicts...)
			kinds := map[string]bool{}
			for _, k := range v.conflicts {
				if kinds[k.Kind] {
					continue
				}
				kinds[k.Kind] = true
				r := v.fc.Path + ": " + k.Kind + " conflict"
				if k.Kind == "content" && len(v.fc.Declarations) > 0 {
					r += " in " + strings.Join(v.fc.Declarations, ", ")
				}
				cm.Reasons = append(cm.Reasons, r)
			}
		}
		if len(v.high) > 0 {
			high = true
			if len(v.conflicts) == 0 {
				cm.Reasons = append(cm.Reasons, v.high...)
			}
		}
		if len(v.medium) > 0 {
			medium = true
			if len(v.conflicts) == 0 && len(v.high) == 0 {
				cm.Reasons = append(cm.Reasons, v.medium...)
			}
		}
		if len(v.drift) > 0 {
			medium = true
			cm.Reasons = append(cm.Reasons, v.drift...)
		}
		if v.low {
			low = true
		}
		cm.Files = append(cm.Files, v.fc)
	}
	// git's directory rename detection can add conflicts beyond the files u changes
	forkM, m := c.forkSide(u)
	dc, err := c.dirRenameConflicts(u, forkM, m)
	if err != nil {
		return cm, err
	}
	for _, k := range dc {
		applied, conflict = false, true
		cm.Conflicts = append(cm.Conflicts, k)
		cm.Reasons = append(cm.Reasons, k.Path+": "+k.Kind+" conflict ("+k.Detail+")")
	}
	switch {
	case applied:
		cm.Risk = RiskApplied
		cm.Conflicts = nil
		if len(u.Changes) == 0 {
			cm.Reasons = []string{"the commit changes nothing against its first parent"}
		} else {
			r := "the fork already has this change: applying it changes nothing"
			if fc := c.samePatch(u); fc != "" {
				r += " (same patch as fork commit " + shortHash(fc) + ")"
			}
			cm.Reasons = []string{r}
		}
	case conflict:
		cm.Risk = RiskConflict
	case high:
		cm.Risk = RiskHigh
	case medium:
		cm.Risk = RiskMedium
	case low:
		cm.Risk = RiskLow
		dirs := map[string]bool{}
		for _, f := range cm.Files {
			if f.Overlap == OverlapPackage && !dirs[path.Dir(f.Path)] {
				dirs[path.Dir(f.Path)] = true
				cm.Reasons = append(cm.Reasons, path.Dir(f.Path)+": the fork changed other files in this package")
			}
		}
	default:
		cm.Risk = RiskNone
	}
	if cm.Risk != RiskConflict {
		cm.Conflicts = nil
	}
	cm.Area = Area(subject, cm.Files)
	c.rules.Decorate(&cm)
	return cm, nil
}

// forkSide is the fork's side of W(u): its changes since the merge base M of the fork and u^
// (by base-side path), and M.
func (c *classifier) forkSide(u *UpstreamCommit) (map[string]*TreeChange, string) {
	m := u.MergeBase
	if m == "" {
		m = c.in.Base
	}
	if forkM := c.forkAt[m]; forkM != nil {
		return forkM, m
	}
	return c.forkB, m
}

// file judges one file change of u: git's outcome of applying it on W(u), then, when it merges
// cleanly, how near it comes to the fork's own changes.
func (c *classifier) file(u *UpstreamCommit, tc *TreeChange, key string) (fileVerdict, error) {
	v := fileVerdict{fc: FileChange{Path: tc.Path, Status: tc.Status, Overlap: OverlapNone, Declarations: []string{}}}
	if tc.Status == StatusRenamed {
		v.fc.OldPath = tc.OldPath
	}
	oldB, newB, err := c.read(tc)
	if err != nil {
		return v, err
	}
	v.fc.Binary = isBinary(oldB) || isBinary(newB) || tc.OldMode == ModeSubmodule || tc.NewMode == ModeSubmodule
	if !v.fc.Binary && tc.OldMode != ModeSymlink && tc.NewMode != ModeSymlink {
		v.fc.Additions, v.fc.Deletions = merge.Stats(oldB, newB)
	}

	// git's outcome on W(u)
	forkM, _ := c.forkSide(u)
	w, err := c.wState(forkM[key], tc, oldB)
	if err != nil {
		return v, err
	}
	ap, err := c.apply(w, tc, oldB, newB)
	if err != nil {
		return v, err
	}
	if tc.Status == StatusRenamed && len(ap.conflicts) == 0 {
		// the fork added a file of its own where upstream renames one to: rename/add
		if fa := forkM[tc.Path]; fa != nil && fa.Status == StatusAdded && fa.NewBlob != tc.NewBlob {
			ap = applyResult{conflicts: []Conflict{{Path: tc.Path, Kind: "rename/add"}}}
		}
	}
	v.noChange = ap.noChange
	ignored := c.rules.Ignored(tc.Path) && (tc.OldPath == "" || c.rules.Ignored(tc.OldPath))
	if ignored {
		v.ignored = true
		return v, nil
	}
	v.conflicts = ap.conflicts

	// nearness to the fork's own changes (B..F)
	fb := c.forkB[key]
	if fb == nil && tc.Status == StatusAdded {
		fb = c.forkNew[tc.Path]
	}
	switch {
	case fb != nil:
		v.fc.Overlap = OverlapFile
		if err := c.nearness(&v, u, tc, fb, w, oldB, newB); err != nil {
			return v, err
		}
	case c.forkDirs[path.Dir(tc.Path)] || (tc.OldPath != "" && c.forkDirs[path.Dir(tc.OldPath)]):
		v.fc.Overlap = OverlapPackage
		v.low = true
	}
	if len(v.conflicts) > 0 {
		v.fc.Overlap = OverlapConflict
		if strings.HasSuffix(tc.Path, ".go") {
			if f, err := c.decls.parse(tc.OldBlob, oldB); err == nil && f != nil {
				for _, k := range v.conflicts {
					if k.Kind == "content" {
						v.fc.Declarations = mergeNames(v.fc.Declarations, f.DeclsAt(k.BaseStart, k.BaseStart+max(strings.Count(k.Base, "\n"), 1)-1))
					}
				}
			}
		}
		for i := range v.conflicts {
			if v.conflicts[i].Kind == "content" {
				v.conflicts[i].Regenerate = c.rules.Regenerate(tc.Path, headOf(newB))
			}
		}
	}
	if strings.HasSuffix(tc.Path, ".go") && !strings.HasSuffix(tc.Path, "_test.go") && tc.Status != StatusAdded {
		d, names, err := c.apiDrift(tc, oldB, newB)
		if err != nil {
			return v, err
		}
		v.drift = d
		v.fc.Declarations = mergeNames(v.fc.Declarations, names)
	}
	return v, nil
}

func headOf(b []byte) []byte {
	if len(b) > 1024 {
		return b[:1024]
	}
	return b
}

// read returns the old and new content of a change. A submodule's entry names a commit of
// another repository, not a blob: its content is git's text for it ("Subproject commit ID"),
// so that equal entries compare equal and the commit is never looked up here.
func (c *classifier) read(tc *TreeChange) (a, b []byte, err error) {
	side := func(id string, mode uint32) ([]byte, error) {
		switch {
		case id == "":
			return nil, nil
		case mode == ModeSubmodule:
			return []byte("Subproject commit " + id + "\n"), nil
		}
		return c.objs.Blob(id)
	}
	if a, err = side(tc.OldBlob, tc.OldMode); err != nil {
		return nil, nil, err
	}
	if b, err = side(tc.NewBlob, tc.NewMode); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// isBinary is git's buffer_is_binary: a NUL byte in the first 8000 bytes. Files over
// MaxTextSize are treated the same way: compared by content, never diffed by line.
func isBinary(b []byte) bool {
	if len(b) > MaxTextSize {
		return true
	}
	n := len(b)
	if n > binarySniff {
		n = binarySniff
	}
	return bytes.IndexByte(b[:n], 0) >= 0
}

// gitMerge are the settings of git's merge-ort for a content merge: the zealous level and the
// histogram diff.
var gitMerge = merge.Options{OursLabel: "fork", TheirsLabel: "upstream", Level: merge.LevelZealous, Algorithm: merge.Histogram}

// wFile is one file of W(u): the fork with upstream up to u^ merged in.
type wFile struct {
	exists  bool
	path    string
	data    []byte
	mode    uint32
	touched bool // the fork changed this file relative to the merge base
}

// wState computes W(u)'s version of the file u changes: git's three-way tree merge of the merge
// base M (fm's old side), the fork F (fm's new side) and u^ (tc's old side).
func (c *classifier) wState(fm *TreeChange, tc *TreeChange, up []byte) (wFile, error) {
	upExists := tc.Status != StatusAdded
	upPath := tc.oldSidePath()
	if fm == nil {
		// the fork did not touch it: W has upstream's version
		return wFile{exists: upExists, path: upPath, data: up, mode: tc.OldMode}, nil
	}
	mB, fB, err := c.read(fm)
	if err != nil {
		return wFile{}, err
	}
	mExists, fExists := fm.Status != StatusAdded, fm.Status != StatusDeleted
	w := wFile{touched: true, path: fm.Path, mode: fm.NewMode}
	switch {
	case !fExists: // fork deleted it
		if !upExists || (bytes.Equal(up, mB) && tc.OldMode == fm.OldMode) {
			return wFile{touched: true, path: upPath}, nil // clean delete
		}
		// modify/delete in W: git keeps the modified side's version
		return wFile{exists: true, touched: true, path: upPath, data: up, mode: tc.OldMode}, nil
	case !upExists && mExists: // upstream deleted it before u (and u adds it again)
		if bytes.Equal(fB, mB) {
			return wFile{touched: true, path: upPath}, nil
		}
		w.exists, w.data = true, fB
		return w, nil
	case !upExists: // both absent at the base: only the fork has it
		w.exists, w.data = true, fB
		return w, nil
	}
	w.exists = true
	if !mExists {
		mB = nil // add/add: git merges with an empty base
	}
	switch {
	case bytes.Equal(up, mB) && (!mExists || tc.OldMode == fm.OldMode):
		w.data = fB
	case bytes.Equal(fB, mB):
		w.data = up
	case bytes.Equal(fB, up):
		w.data = fB
	case isBinary(mB) || isBinary(fB) || isBinary(up) || fm.NewMode == ModeSymlink || fm.NewMode == ModeSubmodule:
		w.data = fB // git keeps ours for an unmergeable file; the conflict stays in W
	default:
		res := merge.Merge(mB, fB, up, gitMerge)
		w.data = res.Content
	}
	if mExists && tc.OldMode != fm.OldMode && fm.NewMode == fm.OldMode {
		w.mode = tc.OldMode // upstream changed the mode, the fork did not
	}
	return w, nil
}

type applyResult struct {
	noChange  bool
	conflicts []Conflict
}

// apply is git's outcome of merging u's change of one file (base u^, theirs u) into W(u).
func (c *classifier) apply(w wFile, tc *TreeChange, up, un []byte) (applyResult, error) {
	var r applyResult
	conflict := func(kind string) {
		r.conflicts = append(r.conflicts, Conflict{Path: tc.Path, Kind: kind, Detail: conflictDetail(kind, tc, w)})
	}
	switch tc.Status {
	case StatusDeleted:
		switch {
		case !w.exists:
			r.noChange = true
		case bytes.Equal(w.data, up) && w.path == tc.Path:
			// clean delete
		default:
			conflict("modify/delete")
		}
		return r, nil
	case StatusAdded:
		switch {
		case !w.exists:
		case bytes.Equal(w.data, un) && w.mode == tc.NewMode:
			r.noChange = true
		case bytes.Equal(w.data, un):
			conflict("mode")
		default:
			if isBinary(w.data) || isBinary(un) {
				conflict("add/add")
				return r, nil
			}
			res := merge.Merge(nil, w.data, un, gitMerge)
			r.conflicts = append(r.conflicts, conflictsOf(tc.Path, "add/add", res)...)
			if res.Clean() && bytes.Equal(res.Content, w.data) {
				r.noChange = true
			}
		}
		return r, nil
	}
	// modified or renamed
	if !w.exists {
		if tc.Status == StatusRenamed {
			conflict("rename/delete")
		} else {
			conflict("delete/modify")
		}
		return r, nil
	}
	if tc.Status == StatusRenamed && w.path != tc.OldPath && w.path != tc.Path {
		conflict("rename/rename")
		return r, nil
	}
	pathSame := tc.Status != StatusRenamed || w.path == tc.Path
	// mode
	modeOK := true
	newMode := w.mode
	if tc.OldMode != tc.NewMode {
		switch w.mode {
		case tc.OldMode:
			newMode = tc.NewMode
		case tc.NewMode:
		default:
			modeOK = false
		}
	}
	var merged []byte
	switch {
	case bytes.Equal(w.data, up):
		merged = un
	case bytes.Equal(un, up), bytes.Equal(w.data, un):
		merged = w.data
	case isBinary(w.data) || isBinary(up) || isBinary(un):
		conflict("binary")
		return r, nil
	case tc.OldMode == ModeSymlink || tc.NewMode == ModeSymlink || w.mode == ModeSymlink:
		conflict("symlink")
		return r, nil
	case tc.OldMode == ModeSubmodule || tc.NewMode == ModeSubmodule:
		conflict("submodule")
		return r, nil
	default:
		res := merge.Merge(up, w.data, un, gitMerge)
		if !res.Clean() {
			r.conflicts = append(r.conflicts, conflictsOf(tc.Path, "content", res)...)
			return r, nil
		}
		merged = res.Content
	}
	if !modeOK {
		conflict("mode")
		return r, nil
	}
	r.noChange = pathSame && newMode == w.mode && bytes.Equal(merged, w.data)
	return r, nil
}

// conflictDetail says in words what a tree-level conflict is.
func conflictDetail(kind string, tc *TreeChange, w wFile) string {
	switch kind {
	case "modify/delete":
		return "upstream deletes the file; the fork modified it"
	case "delete/modify":
		return "the fork deleted the file; upstream modifies it"
	case "rename/delete":
		return "upstream renames it from " + tc.OldPath + "; the fork deleted " + tc.OldPath
	case "rename/rename":
		return "upstream renames " + tc.OldPath + " to " + tc.Path + "; the fork renamed it to " + w.path
	case "rename/add":
		return "upstream renames " + tc.OldPath + " to " + tc.Path + "; the fork added its own " + tc.Path
	case "add/add":
		return "upstream adds the file; the fork added a different one at the same path"
	case "mode":
		return fmt.Sprintf("upstream changes the mode from %06o to %06o; the fork has %06o", tc.OldMode, tc.NewMode, w.mode)
	case "binary":
		return "a binary file both sides changed differently; git cannot merge it"
	case "symlink":
		return "a symbolic link both sides changed differently"
	case "submodule":
		return "a submodule both sides moved to different commits"
	}
	return ""
}

func conflictsOf(p, kind string, res merge.Result) []Conflict {
	out := make([]Conflict, 0, len(res.Conflicts))
	for _, h := range res.Conflicts {
		out = append(out, Conflict{Path: p, Kind: kind,
			BaseStart: h.BaseStart, Base: clip(h.Base),
			ForkStart: h.OursStart, Fork: clip(h.Ours),
			UpstreamStart: h.TheirsStart, Upstream: clip(h.Theirs)})
	}
	return out
}

func clip(s string) string {
	if len(s) > maxHunkBytes {
		return s[:maxHunkBytes] + "\n[… cut at 64 KiB]\n"
	}
	return s
}

// nearness fills in the overlap of a file the fork changed (B..F): a shared Go declaration, a
// change within 3 lines of a fork change, a rename of a file the fork modified; otherwise the
// file alone.
func (c *classifier) nearness(v *fileVerdict, u *UpstreamCommit, tc, fb *TreeChange, w wFile, up, un []byte) error {
	p := tc.Path
	if tc.Status == StatusRenamed && fb.Status != StatusAdded {
		v.high = append(v.high, fmt.Sprintf("%s: renamed from %s, which the fork modified", p, tc.OldPath))
		v.fc.Overlap = OverlapDeclaration
	}
	if tc.Status == StatusDeleted && fb.Status != StatusDeleted {
		v.high = append(v.high, fmt.Sprintf("%s: deleted here, but the fork modified it", p))
		v.fc.Overlap = OverlapDeclaration
	}
	if v.fc.Binary || tc.Status == StatusDeleted || tc.Status == StatusAdded || fb.Status == StatusDeleted || fb.Status == StatusAdded {
		if len(v.high) == 0 {
			v.medium = append(v.medium, fmt.Sprintf("%s: the fork changed this file too", p))
		}
		return nil
	}
	upEdits := merge.Diff(up, un)
	var forkEdits []merge.Edit
	if w.exists && w.touched {
		forkEdits = merge.Diff(up, w.data)
	}
	shared := []string(nil)
	goOK := false
	if strings.HasSuffix(p, ".go") {
		fs, err := c.decls.forkChanged(fb)
		if err == nil {
			of, err1 := c.decls.parse(tc.OldBlob, up)
			nf, err2 := c.decls.parse(tc.NewBlob, un)
			if err1 == nil && err2 == nil {
				goOK = true
				for _, n := range changedDecls(of, nf) {
					if fs[n] {
						shared = append(shared, n)
					}
				}
			}
		}
	}
	var near bool
	if !goOK {
		near = editsNear(upEdits, forkEdits, proximity)
	}
	switch {
	case len(shared) > 0:
		v.fc.Overlap = OverlapDeclaration
		v.fc.Declarations = mergeNames(v.fc.Declarations, shared)
		v.high = append(v.high, fmt.Sprintf("%s: %s changed by both", p, strings.Join(shared, ", ")))
	case near:
		v.fc.Overlap = OverlapDeclaration
		v.high = append(v.high, fmt.Sprintf("%s: changes lines within %d lines of a fork change", p, proximity))
	case len(v.high) == 0:
		v.medium = append(v.medium, fmt.Sprintf("%s: the fork changed this file elsewhere", p))
	}
	if v.fc.Overlap == OverlapDeclaration || len(v.conflicts) > 0 {
		var ranges [][2]int
		if len(shared) > 0 {
			if of, err := c.decls.parse(tc.OldBlob, up); err == nil && of != nil {
				ranges = declRanges(of, shared)
			}
		}
		v.fc.Hunks = hunksNear(up, un, upEdits, forkEdits, ranges)
	}
	return nil
}

// editsNear reports whether an edit of a comes within n lines of an edit of b (both in the same
// old-side coordinates).
func editsNear(a, b []merge.Edit, n int) bool {
	for _, x := range a {
		xs, xe := editSpan(x)
		for _, y := range b {
			ys, ye := editSpan(y)
			if xs <= ye+n && ys <= xe+n {
				return true
			}
		}
	}
	return false
}

// editSpan is the old-side line interval an edit occupies; an insertion occupies the gap after
// OldStart.
func editSpan(e merge.Edit) (int, int) {
	if e.OldLines == 0 {
		return e.OldStart, e.OldStart + 1
	}
	return e.OldStart, e.OldStart + e.OldLines - 1
}

// hunksNear renders, as unified diff hunks, the edits of up->un that come near a fork edit or
// fall in one of ranges (old-side line ranges of shared declarations).
func hunksNear(up, un []byte, edits, forkEdits []merge.Edit, ranges [][2]int) []DiffHunk {
	ol, nl := splitLines(up), splitLines(un)
	var pick []merge.Edit
	for _, e := range edits {
		s, en := editSpan(e)
		keep := editsNear([]merge.Edit{e}, forkEdits, proximity)
		for _, r := range ranges {
			if s <= r[1] && r[0] <= en {
				keep = true
			}
		}
		if keep {
			pick = append(pick, e)
		}
	}
	var out []DiffHunk
	size := 0
	for i := 0; i < len(pick); {
		// group edits whose context overlaps, as git does
		j := i
		for j+1 < len(pick) && pick[j+1].OldStart-(pick[j].OldStart+pick[j].OldLines) <= 2*hunkContext {
			j++
		}
		h := renderHunk(ol, nl, pick[i:j+1])
		size += len(h.Text)
		if size > maxHunkBytes {
			break
		}
		out = append(out, h)
		i = j + 1
	}
	return out
}

func renderHunk(ol, nl []string, es []merge.Edit) DiffHunk {
	first := es[0]
	// 0-based indexes of the first changed old line and new line
	o0 := first.OldStart - 1
	if first.OldLines == 0 {
		o0 = first.OldStart
	}
	n0 := first.NewStart - 1
	if first.NewLines == 0 {
		n0 = first.NewStart
	}
	cs := min(hunkContext, o0, n0)
	var b strings.Builder
	oi, ni := o0-cs, n0-cs
	h := DiffHunk{OldStart: oi + 1, NewStart: ni + 1}
	for _, e := range es {
		eo := e.OldStart - 1
		if e.OldLines == 0 {
			eo = e.OldStart
		}
		for oi < eo && oi < len(ol) {
			b.WriteString(" " + ol[oi])
			oi++
			ni++
			h.OldLines++
			h.NewLines++
		}
		for k := 0; k < e.OldLines && oi < len(ol); k++ {
			b.WriteString("-" + ol[oi])
			oi++
			h.OldLines++
		}
		for k := 0; k < e.NewLines && ni < len(nl); k++ {
			b.WriteString("+" + nl[ni])
			ni++
			h.NewLines++
		}
	}
	for k := 0; k < hunkContext && oi < len(ol); k++ {
		b.WriteString(" " + ol[oi])
		oi++
		h.OldLines++
		h.NewLines++
	}
	h.Text = b.String()
	return h
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] += "\n\\ No newline at end of file\n"
	}
	return lines
}

func mergeNames(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(a)+len(b))
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// SplitMessage splits a commit message like git: the subject is the first paragraph on one line.
func SplitMessage(msg string) (subject, body string) {
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	msg = strings.TrimLeft(msg, "\n")
	parts := strings.SplitN(msg, "\n\n", 2)
	subject = strings.Join(strings.Fields(parts[0]), " ")
	if len(parts) == 2 {
		body = strings.Trim(parts[1], "\n ")
	}
	return subject, body
}

var (
	prRE      = regexp.MustCompile(`\(#(\d+)\)\s*$`)
	mergePRRE = regexp.MustCompile(`^Merge pull request #(\d+)\b`)
	areaRE    = regexp.MustCompile(`^([A-Za-z0-9_.\-/]+(?:\s*,\s*[A-Za-z0-9_.\-/]+)*)\s*:\s+\S`)
)

// UpstreamPR is the trailing "(#N)" of a subject (or GitHub's "Merge pull request #N"), else 0.
func UpstreamPR(subject string) int {
	m := prRE.FindStringSubmatch(subject)
	if m == nil {
		m = mergePRRE.FindStringSubmatch(subject)
	}
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Area is the subject's "pkg/path: text" prefix (the go-ethereum convention), else the common
// folder of the files. When the files share no folder, it lists where they are the way that
// convention would ("core/state, eth/downloader"; a file at the top by its name, "go.mod,
// go.sum"), and "all" beyond maxAreaParts places; "" only for a commit without files.
func Area(subject string, files []FileChange) string {
	if m := areaRE.FindStringSubmatch(subject); m != nil && !strings.HasPrefix(subject, "Merge ") {
		return strings.Join(strings.Fields(m[1]), " ")
	}
	var common []string
	for i, f := range files {
		d := strings.Split(path.Dir(f.Path), "/")
		if d[0] == "." {
			d = nil
		}
		if i == 0 {
			common = d
			continue
		}
		n := 0
		for n < len(common) && n < len(d) && common[n] == d[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) > 0 || len(files) == 0 {
		return strings.Join(common, "/")
	}
	// no common folder: the folders (or top-level files), each once, without those below
	// another one listed
	var places []string
	for _, f := range files {
		p := path.Dir(f.Path)
		if p == "." {
			p = f.Path
		}
		places = append(places, p)
	}
	sort.Strings(places)
	var kept []string
next:
	for _, p := range places { // sorted, so a folder comes before what is below it
		for _, k := range kept {
			if p == k || strings.HasPrefix(p, k+"/") {
				continue next
			}
		}
		if kept = append(kept, p); len(kept) > maxAreaParts {
			return "all"
		}
	}
	return strings.Join(kept, ", ")
}

// maxAreaParts is how many places an area made from the files lists before it says "all".
const maxAreaParts = 3

// AreaParts splits an area into its places: "core, eth/downloader" is "core" and
// "eth/downloader".
func AreaParts(area string) []string {
	var out []string
	for _, p := range strings.Split(area, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func shortHash(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}
