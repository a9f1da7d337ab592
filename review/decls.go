package review

import (
	"container/list"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/forkreview/forkreview/review/godecl"
)

// declCache parses each Go blob once, however many commits touch it, and keeps the fork's
// changed declarations per file.
type declCache struct {
	objs Objects
	mu   sync.Mutex
	m    map[string]*list.Element // blob id -> *parsed, most recently used first in lru
	lru  *list.List
	fork map[*TreeChange]*forkDecls
}

// maxParsed bounds the parsed files kept: a parsed file holds about eight times its source.
// The fork's own files stay reachable through forkDecls users while they matter; upstream's
// versions are each needed by at most two neighbouring commits.
const maxParsed = 768

type parsed struct {
	id   string
	once sync.Once
	f    *godecl.File
	err  error
}

type forkDecls struct {
	once  sync.Once
	names map[string]bool
	err   error
}

func newDeclCache(objs Objects) *declCache {
	return &declCache{objs: objs, m: map[string]*list.Element{}, lru: list.New(), fork: map[*TreeChange]*forkDecls{}}
}

// parse returns the declarations of a Go blob (nil for an absent side).
func (d *declCache) parse(id string, src []byte) (*godecl.File, error) {
	if id == "" {
		return nil, nil
	}
	if len(src) > MaxTextSize {
		return nil, fmt.Errorf("%s: too large to parse", shortHash(id))
	}
	d.mu.Lock()
	var p *parsed
	if e, ok := d.m[id]; ok {
		d.lru.MoveToFront(e)
		p = e.Value.(*parsed)
	} else {
		p = &parsed{id: id}
		d.m[id] = d.lru.PushFront(p)
		for d.lru.Len() > maxParsed {
			old := d.lru.Back()
			d.lru.Remove(old)
			delete(d.m, old.Value.(*parsed).id)
		}
	}
	d.mu.Unlock()
	p.once.Do(func() {
		if src == nil {
			if src, p.err = d.objs.Blob(id); p.err != nil {
				return
			}
		}
		p.f, p.err = godecl.Parse(src)
	})
	return p.f, p.err
}

// forkChanged is the set of declarations the fork changed in a file (base side vs fork side).
func (d *declCache) forkChanged(fb *TreeChange) (map[string]bool, error) {
	d.mu.Lock()
	fd, ok := d.fork[fb]
	if !ok {
		fd = &forkDecls{}
		d.fork[fb] = fd
	}
	d.mu.Unlock()
	fd.once.Do(func() {
		of, err := d.parse(fb.OldBlob, nil)
		if err != nil {
			fd.err = err
			return
		}
		nf, err := d.parse(fb.NewBlob, nil)
		if err != nil {
			fd.err = err
			return
		}
		fd.names = map[string]bool{}
		for _, n := range changedDecls(of, nf) {
			fd.names[n] = true
		}
	})
	return fd.names, fd.err
}

// changedDecls is godecl.Changed for possibly absent sides.
func changedDecls(of, nf *godecl.File) []string {
	return godecl.Changed(of, nf)
}

// declRanges returns the line ranges of the named declarations in f.
func declRanges(f *godecl.File, names []string) [][2]int {
	var out [][2]int
	for _, n := range names {
		if d, ok := f.Lookup(n); ok {
			out = append(out, [2]int{d.Start, d.End})
		}
	}
	return out
}

// driftIndex maps "importpath.Name" to the fork declarations (file: name) that refer to it.
type driftIndex struct {
	once sync.Once
	refs map[string][]string
	pkgs map[string]bool // import paths some fork code refers into
	err  error
	// forkDecls counts the declarations the fork changed in Go files that parse.
	forkDecls int
}

// importPath is the import path of the package in folder dir of the module.
func (c *classifier) importPath(dir string) string {
	mod := c.in.ModulePath
	if mod == "" {
		mod = "."
	}
	if dir == "." || dir == "" {
		return mod
	}
	return mod + "/" + dir
}

func (c *classifier) buildDrift() {
	c.drift.refs = map[string][]string{}
	c.drift.pkgs = map[string]bool{}
	var files []*TreeChange
	for i := range c.in.ForkChanges {
		fb := &c.in.ForkChanges[i]
		if fb.Status == StatusDeleted || !strings.HasSuffix(fb.Path, ".go") || c.rules.Ignored(fb.Path) {
			continue
		}
		files = append(files, fb)
	}
	type fileRefs struct {
		decls int
		refs  map[string][]godecl.Ref
		err   error
	}
	results := make([]fileRefs, len(files))
	// parse the fork's Go files in parallel: this is most of a small range's work
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = fileRefs{}
				fb := files[i]
				src, err := c.objs.Blob(fb.NewBlob)
				if err != nil {
					results[i].err = err
					continue
				}
				nf, err := c.decls.parse(fb.NewBlob, src)
				if err != nil || nf == nil {
					continue // a fork file that does not parse refers to nothing we can name
				}
				names, err := c.decls.forkChanged(fb)
				if err != nil {
					continue
				}
				results[i].decls = len(names)
				list := make([]string, 0, len(names))
				for n := range names {
					if _, ok := nf.Lookup(n); ok {
						list = append(list, n)
					}
				}
				if len(list) > 0 {
					sort.Strings(list)
					results[i].refs = godecl.Refs(nf, src, list)
				}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, res := range results {
		if res.err != nil {
			c.drift.err = res.err
			return
		}
		c.drift.forkDecls += res.decls
		fb := files[i]
		own := c.importPath(path.Dir(fb.Path))
		for decl, refs := range res.refs {
			for _, r := range refs {
				ip := r.ImportPath
				if ip == "" {
					ip = own
				}
				k := ip + "." + r.Name
				c.drift.refs[k] = append(c.drift.refs[k], fb.Path+": "+decl)
				c.drift.pkgs[ip] = true
			}
		}
	}
	for k, v := range c.drift.refs {
		sort.Strings(v)
		c.drift.refs[k] = v
	}
}

// apiDrift finds API drift: declarations of this file whose signature or shape the commit
// changes and that fork-changed code refers to by name.
func (c *classifier) apiDrift(tc *TreeChange, oldB, newB []byte) (reasons, names []string, err error) {
	c.drift.once.Do(c.buildDrift)
	if c.drift.err != nil {
		return nil, nil, c.drift.err
	}
	ip := c.importPath(path.Dir(tc.oldSidePath()))
	if !c.drift.pkgs[ip] {
		return nil, nil, nil
	}
	of, err1 := c.decls.parse(tc.OldBlob, oldB)
	var nf *godecl.File
	var err2 error
	if tc.Status != StatusDeleted {
		nf, err2 = c.decls.parse(tc.NewBlob, newB)
	}
	if err1 != nil || err2 != nil || of == nil {
		return nil, nil, nil
	}
	pkg := path.Base(ip)
	for _, n := range godecl.APIChanged(of, nf) {
		users := c.drift.refs[ip+"."+n]
		if k := godecl.MethodKey(n); k != n {
			// a method called through a variable is referred to as T.Name, whatever its receiver
			users = mergeNames(users, c.drift.refs[ip+"."+k])
		}
		if len(users) == 0 {
			continue
		}
		names = append(names, n)
		more := ""
		if len(users) > 3 {
			more = fmt.Sprintf(" and %d more", len(users)-3)
			users = users[:3]
		}
		reasons = append(reasons, fmt.Sprintf("%s: API drift: %s.%s changed shape; fork code uses it in %s%s", tc.Path, pkg, n, strings.Join(users, ", "), more))
	}
	return reasons, names, nil
}

// samePatch finds a fork-only commit whose patch-id equals u's (the fast path of risk-model.md),
// for the reason of an applied commit; "" when none matches or the fork has too many commits to
// look through cheaply.
func (c *classifier) samePatch(u *UpstreamCommit) string {
	if c.in.ForkCommitChanges == nil || len(u.Parents) > 1 {
		return ""
	}
	want, err := PatchID(u.Changes, c.objs)
	if err != nil || want == "" {
		return ""
	}
	paths := changeSet(u.Changes)
	probe := u.Changes[0].Path
	for _, h := range c.in.ForkCommits {
		if c.probes.Add(1) > maxPatchProbes {
			return "" // the reason is a courtesy: a fork of thousands of commits is not searched whole
		}
		if c.in.ForkCommitTouches != nil {
			if ok, err := c.in.ForkCommitTouches(h, probe); err != nil || !ok {
				continue
			}
		}
		chs, err := c.in.ForkCommitChanges(h)
		if err != nil || changeSet(chs) != paths {
			continue
		}
		if got, err := PatchID(chs, c.objs); err == nil && got == want {
			return h
		}
	}
	return ""
}

// maxPatchProbes bounds how many fork commits one scan looks at for same-patch reasons.
const maxPatchProbes = 20000

func changeSet(chs []TreeChange) string {
	ps := make([]string, len(chs))
	for i, tc := range chs {
		ps[i] = tc.Path
	}
	sort.Strings(ps)
	return strings.Join(ps, "\x00")
}
