package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/forkreview/forkreview/review"
)

// A scan is a pure function of the commits (FROM, TO, the fork, the base), the rules and the
// tool itself, and commits never change, so its result is kept under the fork's git directory
// and a re-run (review after scan, export, the next push in a long review) is nearly free
// (architecture.md, "Where time goes"). Review state and upstream PR details are not part of it:
// they are applied after.

const scanCacheKeep = 16 // result files kept; the oldest go first

// scanResult is what is cached of a scan.
type scanResult struct {
	Key              string          `json:"key"`
	Commits          []review.Commit `json:"commits"`
	ForkChangedFiles int             `json:"fork_changed_files"`
	ForkDeclarations int             `json:"fork_declarations"`
}

func (s *session) cacheFile() string {
	if s.noCache || os.Getenv("FORKREVIEW_NO_CACHE") != "" {
		return ""
	}
	dir := s.repo.GitDir()
	if dir == "" {
		return ""
	}
	rules, err := json.Marshal(s.rules)
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "forkreview scan cache 1\n%s\n%s\n", toolVersion(), buildFingerprint())
	fmt.Fprintf(h, "%s %s %s %s\n", s.rng.FromCommit, s.rng.ToCommit, s.rng.ForkCommit, s.rng.BaseCommit)
	h.Write(rules)
	return filepath.Join(dir, "forkreview", "scan-cache", hex.EncodeToString(h.Sum(nil))[:32]+".gob")
}

// buildFingerprint tells development builds apart, whose version is the same: the executable's
// size and time. A release version alone would do, but this costs one stat.
func buildFingerprint() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
}

// loadCachedScan returns the cached result of this session's scan, if there is a valid one.
func (s *session) loadCachedScan() *scanResult {
	path := s.cacheFile()
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var r scanResult
	if gob.NewDecoder(f).Decode(&r) != nil || r.Key != filepath.Base(path) || r.Commits == nil {
		return nil // damaged or foreign: scanned again and overwritten
	}
	return &r
}

// storeScan keeps a scan's result; failing to is not an error (the cache only saves time).
func (s *session) storeScan(r *scanResult) {
	path := s.cacheFile()
	if path == "" {
		return
	}
	r.Key = filepath.Base(path)
	commits := make([]review.Commit, len(r.Commits))
	for i, c := range r.Commits {
		c.Review = review.Entry{}
		c.UpstreamPRInfo = nil
		commits[i] = c
	}
	// gob, not JSON: commit text that is not UTF-8 must come back byte for byte
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(scanResult{Key: r.Key, Commits: commits, ForkChangedFiles: r.ForkChangedFiles, ForkDeclarations: r.ForkDeclarations}) != nil {
		return
	}
	if review.WriteFileAtomic(path, buf.Bytes(), 0o644) != nil {
		return
	}
	pruneCache(filepath.Dir(path))
}

func pruneCache(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) <= scanCacheKeep {
		return
	}
	type file struct {
		name string
		t    int64
	}
	var files []file
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			files = append(files, file{e.Name(), fi.ModTime().UnixNano()})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].t > files[j].t })
	for _, f := range files[min(scanCacheKeep, len(files)):] {
		os.Remove(filepath.Join(dir, f.name))
	}
}
