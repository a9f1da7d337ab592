package gitops

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/forkreview/forkreview/gitops/fixture"
	"github.com/forkreview/forkreview/review"
)

// benchRepo builds a repository of go-ethereum's shape at a smaller scale: 3,000 files in
// nested folders; an upstream range of 300 commits (edits, new files, renames, and a feature
// branch merged every 30 commits); a fork of 100 commits that touch 200 files, some of which
// upstream edits too (in other lines, or the same ones: conflicts).
func benchRepo(b *testing.B) (string, RangeSpec) {
	b.Helper()
	start := time.Now()
	rng := rand.New(rand.NewSource(1))
	r, err := fixture.InitMemory()
	if err != nil {
		b.Fatal(err)
	}
	top := []string{"core", "eth", "p2p", "rpc", "miner", "trie", "crypto", "internal", "cmd", "consensus",
		"accounts", "params", "log", "metrics", "node", "ethclient", "beacon", "triedb", "signer", "graphql"}
	files := fixture.Files{}
	var paths []string
	for _, t := range top {
		for s := 0; s < 5; s++ {
			for f := 0; f < 30; f++ {
				p := fmt.Sprintf("%s/sub%d/pkg%d/file%d.go", t, s, f%3, f)
				files[p] = textFile(rng, p, 30+rng.Intn(40))
				paths = append(paths, p)
			}
		}
	}
	r.Commit("import", files)
	r.Tag("v1.0.0", true, "")
	edit := func(p string, line int, text string) fixture.Files {
		ls := strings.SplitAfter(files[p], "\n")
		if line >= len(ls)-1 {
			line = len(ls) - 2
		}
		ls[line] = text + "\n"
		files[p] = strings.Join(ls, "")
		return fixture.Files{p: files[p]}
	}
	forkFiles := paths[:0:0]
	for _, i := range rng.Perm(len(paths))[:200] {
		forkFiles = append(forkFiles, paths[i])
	}
	for c := 0; c < 300; c++ {
		if c%30 == 29 {
			name := fmt.Sprintf("feature%d", c)
			r.Branch(name, "")
			r.Checkout(name)
			r.Commit("feature: "+name, fixture.Files{fmt.Sprintf("features/%s.go", name): textFile(rng, name, 20)})
			r.Checkout(fixture.DefaultBranch)
			r.Commit(fmt.Sprintf("upstream %d", c), edit(paths[rng.Intn(len(paths))], 3, fmt.Sprintf("upstream main %d", c)))
			r.Merge("Merge "+name, name)
			continue
		}
		change := fixture.Files{}
		for k := 0; k < 1+rng.Intn(5); k++ {
			p := paths[rng.Intn(len(paths))]
			if k == 0 && rng.Intn(4) == 0 {
				p = forkFiles[rng.Intn(len(forkFiles))] // a file the fork touches too
			}
			line := 20 + rng.Intn(10)
			if rng.Intn(5) == 0 {
				line = 5 // where the fork edits: a conflict
			}
			for q, s := range edit(p, line, fmt.Sprintf("upstream %d.%d", c, k)) {
				change[q] = s
			}
		}
		if rng.Intn(10) == 0 {
			p := fmt.Sprintf("core/sub0/new/file%d.go", c)
			files[p] = textFile(rng, p, 30)
			change[p] = files[p]
			paths = append(paths, p)
		}
		r.Commit(fmt.Sprintf("upstream %d", c), change)
	}
	r.Tag("v1.1.0", true, "")
	r.Branch("fork", "v1.0.0")
	r.Checkout("fork")
	for c := 0; c < 100; c++ {
		change := fixture.Files{}
		for k := 0; k < 2; k++ {
			p := forkFiles[(2*c+k)%len(forkFiles)]
			cur := r.File(p)
			ls := strings.SplitAfter(cur, "\n")
			ls[5] = fmt.Sprintf("fork change %d.%d\n", c, k)
			change[p] = strings.Join(ls, "")
		}
		r.Commit(fmt.Sprintf("fork %d", c), change)
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := r.Save(dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the repository (%d files, 300 upstream and 100 fork commits) in %v", len(paths), time.Since(start).Round(time.Millisecond))
	return dir, RangeSpec{From: "v1.0.0", To: "v1.1.0", Fork: "fork"}
}

// BenchmarkLoad measures a scan's repository work: Open, ResolveRange and Load, then the same
// plus review.Classify, on a repository opened afresh each time (cold caches, as a CLI run).
func BenchmarkLoad(b *testing.B) {
	dir, spec := benchRepo(b)
	ctx := context.Background()
	run := func(b *testing.B, classify bool) {
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			repo, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			rg, err := repo.ResolveRange(spec)
			if err != nil {
				b.Fatal(err)
			}
			in, err := repo.Load(ctx, rg)
			if err != nil {
				b.Fatal(err)
			}
			if len(in.Commits) != 320 { // 290 commits, and 10 times a feature commit, a commit on main and the merge
				b.Fatalf("Load: %d commits, want 320", len(in.Commits))
			}
			if classify {
				res, err := review.Classify(ctx, in, repo, review.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Commits) != len(in.Commits) {
					b.Fatalf("Classify: %d commits, want %d", len(res.Commits), len(in.Commits))
				}
			}
			repo.Close()
		}
	}
	b.Run("Load", func(b *testing.B) { run(b, false) })
	b.Run("Load+Classify", func(b *testing.B) { run(b, true) })
}
