package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Status is a reviewer's decision on one upstream commit.
type Status string

const (
	StatusPending       Status = "pending"
	StatusReviewed      Status = "reviewed"
	StatusFollowUp      Status = "follow-up"
	StatusNotApplicable Status = "not-applicable"
)

// Statuses lists every status in the order reports show them.
var Statuses = []Status{StatusPending, StatusReviewed, StatusFollowUp, StatusNotApplicable}

// ParseStatus reads a status by its name.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == strings.ToLower(strings.TrimSpace(s)) {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q: use one of pending, reviewed, follow-up, not-applicable", s)
}

// Entry is the review of one commit. UpdatedAt is RFC 3339 in UTC, or "" when never reviewed.
type Entry struct {
	Status    Status `json:"status"`
	Note      string `json:"note"`
	Reviewer  string `json:"reviewer"`
	UpdatedAt string `json:"updated_at"`
	// Subject is kept in the state file only, so that a person resolving a merge conflict in it
	// sees which commit an entry is about.
	Subject string `json:"subject,omitempty"`
}

// StateVersion is the version of the state file this build writes. A file with a newer version
// is refused, never rewritten.
const StateVersion = 1

// State is the review state: entries keyed by full upstream commit hash, independent of range.
type State struct {
	Version int              `json:"version"`
	Reviews map[string]Entry `json:"reviews"`

	// inherited holds decisions from other state files (other ranges): read, never written.
	inherited map[string]Entry
}

// Inherit makes the entries of other visible through Get where s has none, so a decision taken
// while reviewing one range shows in an overlapping range. They are not saved with s until
// changed.
func (s *State) Inherit(other *State) {
	if s.inherited == nil {
		s.inherited = map[string]Entry{}
	}
	for h, e := range other.Reviews {
		if old, ok := s.inherited[h]; !ok || e.UpdatedAt > old.UpdatedAt {
			s.inherited[h] = e
		}
	}
}

// NewState returns an empty state.
func NewState() *State { return &State{Version: StateVersion, Reviews: map[string]Entry{}} }

// Get returns the entry of a commit, with status pending when there is none.
func (s *State) Get(hash string) Entry {
	e, ok := s.Reviews[hash]
	if !ok {
		e, ok = s.inherited[hash]
	}
	if !ok || e.Status == "" {
		e.Status = StatusPending
	}
	e.Subject = ""
	return e
}

// Set records a decision. now is passed in so the domain stays free of the clock.
func (s *State) Set(hash, subject string, st Status, note, reviewer string, now time.Time) Entry {
	e := Entry{Status: st, Note: note, Reviewer: reviewer, UpdatedAt: now.UTC().Format(time.RFC3339), Subject: subject}
	if st == StatusPending && note == "" {
		delete(s.Reviews, hash)
		return s.Get(hash)
	}
	if s.Reviews == nil {
		s.Reviews = map[string]Entry{}
	}
	s.Reviews[hash] = e
	return s.Get(hash)
}

// ErrStateDamaged is wrapped by LoadState when the file exists but cannot be used.
var ErrStateDamaged = errors.New("review state file cannot be used")

// LoadState reads a state file. A missing file is an empty state. A file that cannot be read,
// does not parse, or was written by a newer version is an error wrapping ErrStateDamaged, and
// the caller must not overwrite it.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return NewState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s cannot be read (%v); make it a file you can read, or pass --state with another one; it was left untouched", ErrStateDamaged, path, err)
	}
	return ParseState(path, b)
}

// ParseState reads the bytes of a state file; name is used in errors.
func ParseState(name string, b []byte) (*State, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w: %s is empty; restore it from git (git checkout -- %s) or delete it to start over", ErrStateDamaged, name, name)
	}
	// A state file is meant to be committed, so the likeliest damage is an unresolved merge.
	// JSON strings hold no raw newline, so these lines can only be git's markers.
	if bytes.HasPrefix(b, []byte("<<<<<<< ")) || bytes.Contains(b, []byte("\n<<<<<<< ")) {
		return nil, fmt.Errorf("%w: %s holds git conflict markers (<<<<<<<): resolve the merge by keeping every entry of both sides once, or restore one side (git checkout --ours -- %s); it was left untouched", ErrStateDamaged, name, name)
	}
	var st State
	dec := json.NewDecoder(bytes.NewReader(b))
	err := dec.Decode(&st)
	if err == nil {
		// a second document after the first (two files pasted together) would be dropped
		// on the next save
		if _, tail := dec.Token(); !errors.Is(tail, io.EOF) {
			err = fmt.Errorf("data after the closing brace at offset %d", dec.InputOffset())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not valid JSON (%v); fix or restore it from git (git checkout -- %s), it was left untouched", ErrStateDamaged, name, err, name)
	}
	if st.Version > StateVersion {
		return nil, fmt.Errorf("%w: %s was written by a newer forkreview (state version %d, this one knows %d); upgrade forkreview", ErrStateDamaged, name, st.Version, StateVersion)
	}
	if st.Version < 1 {
		return nil, fmt.Errorf("%w: %s has no \"version\" field; is it a forkreview state file?", ErrStateDamaged, name)
	}
	if st.Reviews == nil {
		st.Reviews = map[string]Entry{}
	}
	if h := duplicateReview(b); h != "" {
		return nil, fmt.Errorf("%w: %s holds the entry of %s twice (a merge conflict resolved by keeping both sides?); keep one of them, it was left untouched", ErrStateDamaged, name, h)
	}
	for h, e := range st.Reviews {
		s, err := ParseStatus(string(e.Status))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: entry %s: %v", ErrStateDamaged, name, h, err)
		}
		e.Status = s // a hand-written "Pending" must count as pending
		st.Reviews[h] = e
	}
	return &st, nil
}

// duplicateReview returns a commit whose entry the reviews object of a state file holds twice,
// or "". encoding/json keeps the last one silently, so the other's note would be lost on the
// next save.
func duplicateReview(b []byte) string {
	var top struct {
		Reviews json.RawMessage `json:"reviews"`
	}
	if json.Unmarshal(b, &top) != nil || len(top.Reviews) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(top.Reviews))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		k, ok := t.(string)
		if err != nil || !ok {
			return ""
		}
		if seen[k] {
			return k
		}
		seen[k] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// Marshal renders the state in its stable, diff-friendly form: keys sorted, one entry per
// commit, two-space indent, final newline.
func (s *State) Marshal() ([]byte, error) {
	keys := make([]string, 0, len(s.Reviews))
	for k := range s.Reviews {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\n  \"version\": %d,\n  \"reviews\": {", s.Version)
	for i, k := range keys {
		// reviewers read "Name <mail>" in the file, not "\u003cmail\u003e"
		var eb bytes.Buffer
		enc := json.NewEncoder(&eb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s.Reviews[k]); err != nil {
			return nil, err
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, bytes.TrimRight(eb.Bytes(), "\n"), "    ", "  "); err != nil {
			return nil, err
		}
		kb, _ := json.Marshal(k)
		if i > 0 {
			buf.WriteString(",")
		}
		fmt.Fprintf(&buf, "\n    %s: %s", kb, ind.Bytes())
	}
	if len(keys) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("}\n}\n")
	return buf.Bytes(), nil
}

// Save writes the state atomically: a temporary file in the same folder, fsync, rename, so that
// an interrupted save leaves the previous file intact.
func (s *State) Save(path string) error {
	if s.Version == 0 {
		s.Version = StateVersion
	}
	b, err := s.Marshal()
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(path, b, 0o644); err != nil {
		return err
	}
	removeStaleTemps(path)
	return nil
}

// removeStaleTemps deletes the temporary files that saves killed midway left beside path (the
// state file is written by one checklist at a time, under its lock), so nobody commits them.
func removeStaleTemps(path string) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // the temporary files are beside the file the link names
	}
	dir, prefix := filepath.Dir(path), "."+filepath.Base(path)+".tmp-"
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// WriteFileAtomic writes data to path through a temporary file in the same folder, fsynced and
// renamed over the old file, then fsyncs the folder. A symbolic link is followed, so the file it
// names is replaced, not the link. A path that is not a regular file (a device such as
// /dev/stdout or /dev/null, a named pipe) is written to as it is: renaming over it would
// replace the device with a file.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("write %s: it is a folder", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		return f.Close()
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
