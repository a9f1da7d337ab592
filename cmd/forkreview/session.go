package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/forkreview/forkreview/config"
	"github.com/forkreview/forkreview/gitops"
	"github.com/forkreview/forkreview/review"
)

// rangeOptions are the flags every command that works on a range shares (cli.md).
type rangeOptions struct {
	From, To   string
	Repo       string
	Fork, Base string
	ConfigFile string
	StateFile  string
	NoCache    bool
}

func (o *rangeOptions) addFlags(cmd *cobra.Command, withState bool) {
	f := cmd.Flags()
	f.StringVar(&o.From, "from", "", "upstream revision the range starts after (default: the newest upstream tag in the fork)")
	f.StringVar(&o.To, "to", "", "upstream revision the range ends at (default: the newest upstream release tag)")
	f.StringVar(&o.Repo, "repo", ".", "the fork's checkout (any folder inside it)")
	f.StringVar(&o.Fork, "fork", "HEAD", "the fork revision under review")
	f.StringVar(&o.Base, "base", "", "the upstream revision the fork last took in (default: FROM)")
	f.StringVar(&o.ConfigFile, "config", "", "configuration file (default: .forkreview.yaml at the repository root, if present)")
	f.BoolVar(&o.NoCache, "no-cache", false, "scan afresh instead of reusing the result kept in .git/forkreview/scan-cache")
	if withState {
		f.StringVar(&o.StateFile, "state", "", "review state file (default: .forkreview/FROM..TO.json at the repository root)")
	}
}

// parseRange reads the optional FROM..TO argument into o; flags given too must agree.
func (o *rangeOptions) parseRange(args []string) error {
	if len(args) > 1 {
		return usageErrorf("expected one range FROM..TO, got %d arguments", len(args))
	}
	if len(args) == 0 {
		return nil
	}
	a := args[0]
	if strings.Contains(a, "...") {
		return usageErrorf("range %q: use two dots, FROM..TO", a)
	}
	from, to, ok := strings.Cut(a, "..")
	if !ok {
		// a single revision is TO, with FROM found from the tags
		from, to = "", a
	}
	if to == "" {
		return usageErrorf("range %q has no TO: write it as FROM..TO", a)
	}
	if o.From != "" && from != "" && o.From != from {
		return usageErrorf("range %q and --from %q disagree: give one of them", a, o.From)
	}
	if o.To != "" && o.To != to {
		return usageErrorf("range %q and --to %q disagree: give one of them", a, o.To)
	}
	if from != "" {
		o.From = from
	}
	o.To = to
	return nil
}

// session is an open repository with its configuration and resolved range.
type session struct {
	ios   *ioStreams
	opts  *rangeOptions
	repo  *gitops.Repo
	cfg   *config.Config
	rules *review.Rules
	rng   *gitops.Range
	// noPRInfo skips reading upstream pull requests from GitHub (ci comment: a CI job starts
	// with no cache, and the comment does not show them).
	noPRInfo bool
	// noCache scans afresh instead of using a cached result (--no-cache).
	noCache bool
}

// loadConfig reads --config, else .forkreview.yaml at the root when there is one; nil (the
// defaults) without a file.
func loadConfig(repo *gitops.Repo, file string) (*config.Config, error) {
	if file == "" {
		p := filepath.Join(repo.Root, config.FileName)
		if _, err := os.Stat(p); err != nil {
			return nil, nil
		}
		file = p
	}
	return config.Load(file)
}

func openSession(ios *ioStreams, o *rangeOptions) (*session, error) {
	repo, err := gitops.Open(o.Repo)
	if err != nil {
		return nil, err
	}
	s := &session{ios: ios, opts: o, repo: repo, noCache: o.NoCache}
	if s.cfg, err = loadConfig(repo, o.ConfigFile); err != nil {
		return nil, err
	}
	if s.rng, err = repo.ResolveRange(gitops.RangeSpec{From: o.From, To: o.To, Fork: o.Fork, Base: o.Base, TagPattern: s.cfg.TagPattern()}); err != nil {
		return nil, err
	}
	if o.From == "" || o.To == "" {
		var how []string
		if o.From == "" {
			how = append(how, "FROM is the newest release tag in the fork")
		}
		if s.rng.Defaulted {
			how = append(how, "TO the newest upstream release tag")
		}
		fmt.Fprintf(ios.Err, "range %s..%s (%s)\n", s.rng.From, s.rng.To, strings.Join(how, ", "))
	}
	info := config.RepoInfo{ModulePath: repo.ModulePath(s.rng.ForkCommit), UpstreamModulePath: repo.ModulePath(s.rng.ToCommit),
		Remotes: repo.Remotes()}
	_, info.HasUpstreamRemote = info.Remotes[s.cfg.Remote()]
	fdPath, explicit := s.cfg.ForkDiffPath()
	if b, err := repo.FileAt(s.rng.ForkCommit, fdPath); err == nil {
		info.ForkYAML = b
	} else if explicit {
		return nil, fmt.Errorf("config: forkdiff file %s is not in the fork at %s: fix the forkdiff key or commit the file", fdPath, s.rng.Fork)
	}
	if s.rules, err = s.cfg.Rules(info); err != nil {
		return nil, err
	}
	return s, nil
}

// report is the scan with the review state applied, progress on stderr when it is a terminal:
// what scan, export, ci comment and a demo without a terminal show.
func (s *session) report(ctx context.Context) (*review.Report, error) {
	st, err := s.loadState()
	if err != nil {
		return nil, err
	}
	progress, done := progressPrinter(s.ios)
	defer done()
	return s.scan(ctx, st, progress)
}

// scan loads and classifies the range, and returns the report with the review state applied.
func (s *session) scan(ctx context.Context, st *review.State, progress func(done, total int)) (*review.Report, error) {
	res := s.loadCachedScan()
	if res != nil {
		if progress != nil {
			progress(len(res.Commits), len(res.Commits))
		}
	} else {
		var err error
		if res, err = s.classify(ctx, progress); err != nil {
			return nil, err
		}
		s.storeScan(res)
	}
	rep := &review.Report{
		SchemaVersion: review.SchemaVersion,
		Tool:          review.Tool{Name: "forkreview", Version: toolVersion()},
		GeneratedAt:   time.Now().UTC().Truncate(time.Second),
		Repository:    s.repo.Root,
		Upstream: review.Upstream{From: s.rng.From, To: s.rng.To,
			FromCommit: s.rng.FromCommit.String(), ToCommit: s.rng.ToCommit.String(), URL: s.rules.UpstreamURL},
		Fork: review.Fork{Ref: s.rng.Fork, Commit: s.rng.ForkCommit.String(), BaseCommit: s.rng.BaseCommit.String(),
			ChangedFiles: res.ForkChangedFiles},
		Commits: res.Commits,
	}
	if rep.Commits == nil {
		rep.Commits = []review.Commit{}
	}
	rep.Fork.ChangedDeclarations = res.ForkDeclarations
	if st == nil {
		st = review.NewState()
	}
	rep.ApplyState(st)
	if !s.noPRInfo {
		s.attachPRInfo(ctx, rep)
	}
	return rep, nil
}

// classify loads the range and classifies it.
func (s *session) classify(ctx context.Context, progress func(done, total int)) (*scanResult, error) {
	// the fork's side is prepared (its Go files parsed) while upstream's commits are read
	var cl *review.Classifier
	prepared := make(chan error, 1)
	in, err := s.repo.LoadWith(ctx, s.rng, func(in *review.Input) {
		cl = review.NewClassifier(in, s.repo, review.Options{Rules: s.rules, Progress: progress})
		go func() { prepared <- cl.Prepare() }()
	})
	if cl != nil {
		if perr := <-prepared; err == nil {
			err = perr
		}
	}
	if err != nil {
		return nil, err
	}
	res, err := cl.Run(ctx)
	if err != nil {
		return nil, err
	}
	return &scanResult{Commits: res.Commits, ForkChangedFiles: len(in.ForkChanges), ForkDeclarations: res.ForkDeclarations}, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._+-]+`)

// statePath is the review state file: --state, else .forkreview/FROM..TO.json at the root.
func (s *session) statePath() string {
	if s.opts.StateFile != "" {
		return s.opts.StateFile
	}
	name := unsafeName.ReplaceAllString(s.rng.From, "_") + ".." + unsafeName.ReplaceAllString(s.rng.To, "_") + ".json"
	return filepath.Join(s.repo.Root, ".forkreview", name)
}

// loadState reads the range's state file and, for the default one, inherits the decisions of
// the other state files beside it in .forkreview/, so a commit reviewed in one range shows reviewed in an overlapping one. A file
// that cannot be read stops the command; it is never overwritten.
func (s *session) loadState() (*review.State, error) {
	p := s.statePath()
	st, err := review.LoadState(p)
	if err != nil {
		return nil, err
	}
	if s.opts.StateFile != "" {
		return st, nil // a file of the user's choosing: the folder around it is none of ours
	}
	others, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "*.json"))
	for _, o := range others {
		if same, _ := sameFile(o, p); same {
			continue
		}
		ost, err := review.LoadState(o)
		if err != nil {
			if errors.Is(err, review.ErrStateDamaged) {
				fmt.Fprintf(s.ios.Err, "forkreview: warning: ignoring %s: %v\n", o, err)
			}
			continue
		}
		st.Inherit(ost)
	}
	return st, nil
}

func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// progressPrinter prints "scanning N/M commits" on stderr when it is a terminal.
func progressPrinter(ios *ioStreams) (func(done, total int), func()) {
	if !ios.errTTY {
		return nil, func() {}
	}
	last := time.Time{}
	return func(done, total int) {
			if done < total && time.Since(last) < 80*time.Millisecond {
				return
			}
			last = time.Now()
			fmt.Fprintf(ios.Err, "\r\x1b[Kscanning %d/%d commits", done, total)
		}, func() {
			fmt.Fprint(ios.Err, "\r\x1b[K")
		}
}
