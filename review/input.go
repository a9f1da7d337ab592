package review

import "time"

// TreeChange is a file-level change between two trees, as gitops finds it (rename detection
// on). Blobs are full hex object ids, "" where that side has no file. Modes are git's
// (0o100644, 0o100755, 0o120000 symlink, 0o160000 submodule).
type TreeChange struct {
	Path    string
	OldPath string // set when Status is StatusRenamed; for a delete, Path is the old path
	Status  FileStatus
	OldBlob string
	NewBlob string
	OldMode uint32
	NewMode uint32
}

// Mode bits of git tree entries.
const (
	ModeFile       uint32 = 0o100644
	ModeExecutable uint32 = 0o100755
	ModeSymlink    uint32 = 0o120000
	ModeSubmodule  uint32 = 0o160000
)

// UpstreamCommit is one commit of the range as gitops read it.
type UpstreamCommit struct {
	Hash    string
	Parents []string
	Author  string // "Name <mail>"
	Date    time.Time
	Message string
	// Changes is the commit's change against its first parent.
	Changes []TreeChange
	// MergeBase is the merge base of the fork and the first parent: the base of W(u).
	MergeBase string
}

// Objects reads blob contents by object id. gitops implements it with a cache.
type Objects interface {
	Blob(id string) ([]byte, error)
}

// DiffHunk is one hunk of a unified diff (line numbers 1-based; Text holds the hunk's lines with
// their ' ', '-', '+' prefixes, newline-terminated).
type DiffHunk struct {
	OldStart int    `json:"old_start"`
	OldLines int    `json:"old_lines"`
	NewStart int    `json:"new_start"`
	NewLines int    `json:"new_lines"`
	Text     string `json:"text"`
}

// Input is everything the classifier needs, gathered by gitops.
type Input struct {
	Base string // B: the upstream revision the fork last took in
	Fork string // F
	// ForkChanges are B..F, rename detection on.
	ForkChanges []TreeChange
	// ForkAt holds M..F for every merge base M of the commits (W(u)'s base); usually only B.
	ForkAt map[string][]TreeChange
	// ForkCommits are the fork-only commits (reachable from F, not from B), newest first, that
	// are not merges; ForkCommitChanges reads one's changes when a patch-id is wanted.
	ForkCommits []string
	// ForkHas holds every fork-only commit (merges too), so an upstream commit that the fork
	// merged is recognised by its hash.
	ForkHas           map[string]bool
	ForkCommitChanges func(hash string) ([]TreeChange, error)
	// ForkCommitTouches reports cheaply whether a fork commit changed a path (against its
	// first parent), so that only likely candidates are diffed whole.
	ForkCommitTouches func(hash, path string) (bool, error)
	// PathExists reports whether a file or folder is in a commit's tree; the classifier asks it
	// for git's directory rename detection. Nil turns that off.
	PathExists func(commit, path string) (bool, error)
	// FilesUnder lists the files below a folder of a commit, by path relative to the folder,
	// each with an opaque id of its content and mode; nil when the folder is absent.
	FilesUnder func(commit, dir string) (map[string]string, error)
	// Commits are the upstream commits of the range, oldest first in topological order.
	Commits []UpstreamCommit
	// ModulePath is the fork's Go module path (go.mod at F), for API drift; "" when none.
	ModulePath string
}
