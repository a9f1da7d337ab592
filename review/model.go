package review

import "time"

// SchemaVersion is the version of the JSON report of ../shared/docs/report-format.md.
const SchemaVersion = 1

// Report is the whole result of a scan, with the review state merged in. Its JSON form is the
// contract of report-format.md: fields are only ever added.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	GeneratedAt   time.Time `json:"generated_at"`
	Repository    string    `json:"repository"`
	Upstream      Upstream  `json:"upstream"`
	Fork          Fork      `json:"fork"`
	Summary       Summary   `json:"summary"`
	Commits       []Commit  `json:"commits"`
}

type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Upstream is the range under review.
type Upstream struct {
	From       string `json:"from"`
	To         string `json:"to"`
	FromCommit string `json:"from_commit"`
	ToCommit   string `json:"to_commit"`
	// URL is the upstream project's web address (https://github.com/OWNER/NAME) when known, for
	// links to commits and pull requests. An addition to schema version 1.
	URL string `json:"url,omitempty"`
}

// Fork is the fork revision under review.
type Fork struct {
	Ref                 string `json:"ref"`
	Commit              string `json:"commit"`
	BaseCommit          string `json:"base_commit"`
	ChangedFiles        int    `json:"changed_files"`
	ChangedDeclarations int    `json:"changed_declarations"`
}

// Summary counts commits per risk and per review status. Both maps always hold every key.
type Summary struct {
	Commits  int            `json:"commits"`
	ByRisk   map[string]int `json:"by_risk"`
	ByStatus map[string]int `json:"by_status"`
}

// Commit is one upstream commit, classified.
type Commit struct {
	Hash       string       `json:"hash"`
	Parents    []string     `json:"parents"`
	Author     string       `json:"author"`
	Date       time.Time    `json:"date"`
	Subject    string       `json:"subject"`
	Body       string       `json:"body"`
	Area       string       `json:"area"`
	UpstreamPR int          `json:"upstream_pr"`
	Tags       []string     `json:"tags"`
	Risk       Risk         `json:"risk"`
	Reasons    []string     `json:"reasons"`
	Files      []FileChange `json:"files"`
	// Conflicts holds the conflicting hunks when Risk is RiskConflict. An addition to schema 1.
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Features names the fork features (forkdiff definitions) whose files this commit meets.
	// An addition to schema 1.
	Features []string `json:"features,omitempty"`
	// UpstreamPRInfo is the upstream pull request's title, labels and linked issues as GitHub
	// gives them, or nil (no token, no network, not on GitHub). An addition to schema 1.
	UpstreamPRInfo *PRInfo `json:"upstream_pr_info,omitempty"`
	Review         Entry   `json:"review"`
}

// Short is the commit's abbreviated hash.
func (c *Commit) Short() string {
	if len(c.Hash) > 10 {
		return c.Hash[:10]
	}
	return c.Hash
}

// HasTag reports whether the commit carries tag t.
func (c *Commit) HasTag(t string) bool {
	for _, x := range c.Tags {
		if x == t {
			return true
		}
	}
	return false
}

// FileChange is one file an upstream commit changed, and how it meets the fork.
type FileChange struct {
	Path         string     `json:"path"`
	OldPath      string     `json:"old_path"`
	Status       FileStatus `json:"status"`
	Additions    int        `json:"additions"`
	Deletions    int        `json:"deletions"`
	Overlap      Overlap    `json:"overlap"`
	Declarations []string   `json:"declarations"`
	// Binary is set when the file is not text (or too large to diff by line): then Additions
	// and Deletions are 0. An addition to schema 1.
	Binary bool `json:"binary,omitempty"`
	// Hunks are the hunks of the commit's diff of this file that meet fork changes (overlap
	// declaration or conflict), for reviewers to read without opening anything. An addition to
	// schema 1.
	Hunks []DiffHunk `json:"hunks,omitempty"`
}

// Conflict is one conflicting region of a file when u is applied on W(u): the text of the
// three sides and where each starts (1-based lines; 0 when that side has no such file).
type Conflict struct {
	Path string `json:"path"`
	// Kind is "content" for overlapping line changes, or the tree-level outcome git reports:
	// "modify/delete", "delete/modify", "add/add", "rename/delete", "rename/rename",
	// "rename/add", "binary", "mode", "symlink", "submodule", and from git's directory rename
	// detection "file location" (Path is a file one side adds in a folder the other side
	// moved away) and "directory rename split" (Path is the folder).
	Kind string `json:"kind"`
	// Detail says in words what a conflict other than "content" is ("the fork deleted the
	// file; upstream modifies it"). An addition to schema 1.
	Detail        string `json:"detail,omitempty"`
	BaseStart     int    `json:"base_start"`
	Base          string `json:"base"`
	ForkStart     int    `json:"fork_start"`
	Fork          string `json:"fork"`
	UpstreamStart int    `json:"upstream_start"`
	Upstream      string `json:"upstream"`
	// Trivial marks a conflict in a path the configuration calls trivial (listed, not merged by
	// hand); Regenerate, when set, is the command that regenerates the file instead.
	Trivial    bool   `json:"trivial,omitempty"`
	Regenerate string `json:"regenerate,omitempty"`
}

// Summarize recomputes r.Summary from r.Commits.
func (r *Report) Summarize() {
	s := Summary{Commits: len(r.Commits), ByRisk: map[string]int{}, ByStatus: map[string]int{}}
	for _, k := range Risks {
		s.ByRisk[k.String()] = 0
	}
	for _, st := range Statuses {
		s.ByStatus[string(st)] = 0
	}
	for i := range r.Commits {
		c := &r.Commits[i]
		s.ByRisk[c.Risk.String()]++
		st := c.Review.Status
		if st == "" {
			st = StatusPending
		}
		s.ByStatus[string(st)]++
	}
	r.Summary = s
}

// ApplyState copies each commit's entry of st into the report (pending where it has none) and
// recomputes the summary. Entries are looked up by commit, so decisions carry over between
// ranges.
func (r *Report) ApplyState(st *State) {
	for i := range r.Commits {
		c := &r.Commits[i]
		c.Review = st.Get(c.Hash)
	}
	r.Summarize()
}
