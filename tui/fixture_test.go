package tui

import (
	"crypto/sha1"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/forkreview/forkreview/review"
)

var fixtureAreas = []string{"core/state", "eth/downloader", "p2p/discover", "cmd/geth", "internal/ethapi", "params", "core/vm", "miner", "build", "accounts/abi"}

// sampleReport builds a realistic report of n commits: every risk level, tags, conflicts with
// their three sides, hunks that meet fork changes, a merge commit, and a few subjects with
// things that must print literally (tview tags, an ANSI escape).
func sampleReport(n int) *review.Report {
	rep := &review.Report{
		SchemaVersion: review.SchemaVersion,
		Upstream:      review.Upstream{From: "v1.13.11", To: "v1.13.12", URL: "https://github.com/ethereum/go-ethereum"},
		Fork:          review.Fork{Ref: "HEAD", Commit: strings.Repeat("f", 40)},
	}
	risks := []review.Risk{review.RiskNone, review.RiskLow, review.RiskMedium, review.RiskHigh, review.RiskConflict, review.RiskNone, review.RiskLow, review.RiskApplied}
	base := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := 0; i < n; i++ {
		area := fixtureAreas[i%len(fixtureAreas)]
		risk := risks[i%len(risks)]
		pr := 28500 + i
		c := review.Commit{
			Hash:       fakeHash(i),
			Parents:    []string{fakeHash(i - 1)},
			Author:     fmt.Sprintf("Dev %d <dev%d@example.org>", i%5, i%5),
			Date:       base.Add(time.Duration(i) * time.Hour),
			Subject:    fmt.Sprintf("%s: change number %d in the upstream code base (#%d)", area, i, pr),
			Body:       fmt.Sprintf("This commit changes %s.\n\nIt is number %d of the range.\nSigned-off-by: Dev <dev@example.org>", area, i),
			Area:       area,
			UpstreamPR: pr,
			Risk:       risk,
		}
		path := area + "/file" + fmt.Sprint(i%3) + ".go"
		f := review.FileChange{Path: path, Status: review.StatusModified, Additions: 3 + i%7, Deletions: 1 + i%3, Overlap: review.OverlapNone}
		switch risk {
		case review.RiskConflict:
			f.Overlap = review.OverlapConflict
			f.Declarations = []string{"(*StateDB).Copy"}
			f.Hunks = []review.DiffHunk{{OldStart: 10, OldLines: 3, NewStart: 10, NewLines: 4, Text: " ctx\n-old line\n+new line\n+more\n ctx\n"}}
			c.Reasons = []string{path + ": content conflict in (*StateDB).Copy"}
			c.Conflicts = []review.Conflict{{Path: path, Kind: "content", BaseStart: 11, Base: "old line\n", ForkStart: 11, Fork: "fork line\n", UpstreamStart: 11, Upstream: "new line\nmore\n"}}
		case review.RiskHigh:
			f.Overlap = review.OverlapDeclaration
			f.Declarations = []string{"(*Downloader).Synchronise", "fetchHeaders"}
			f.Hunks = []review.DiffHunk{{OldStart: 40, OldLines: 2, NewStart: 40, NewLines: 3, Text: " ctx\n+added\n ctx\n"}}
			c.Reasons = []string{path + ": (*Downloader).Synchronise changed by both"}
		case review.RiskMedium:
			f.Overlap = review.OverlapFile
			c.Reasons = []string{path + ": the fork changed this file elsewhere"}
		case review.RiskLow:
			f.Overlap = review.OverlapPackage
			c.Reasons = []string{area + ": the fork changed this package"}
		case review.RiskApplied:
			c.Reasons = []string{"the fork already has this change (patch-id matches)"}
		}
		c.Files = []review.FileChange{f, {Path: area + "/" + "doc.go", Status: review.StatusAdded, Additions: 12, Overlap: review.OverlapNone}}
		switch {
		case i%6 == 1:
			c.Tags = []string{"security"}
		case i%6 == 2:
			c.Tags = []string{"consensus"}
		case i%9 == 3:
			c.Tags = []string{"test-only"}
		case i%11 == 4:
			c.Tags = []string{"deps"}
		}
		if i == 5 {
			c.Subject = "build: bump deps [red]not red[-] [::b]plain[\"r1\"] (#28505)"
			c.Tags = append(c.Tags, "deps")
		}
		if i == 7 {
			c.Subject = "core/vm: \x1b[31mred\x1b[0m and \x1b]0;title\x07 sneaky (#28507)"
			c.Parents = append(c.Parents, strings.Repeat("e", 40))
			c.Tags = append(c.Tags, "merge")
		}
		rep.Commits = append(rep.Commits, c)
	}
	rep.Summarize()
	return rep
}

func fakeHash(i int) string {
	return fmt.Sprintf("%x", sha1.Sum([]byte(fmt.Sprint("commit ", i))))
}

// fakeDiffs serves a unified diff for every commit that contains its marked hunks and one
// ordinary hunk, and counts calls.
type fakeDiffs struct {
	rep   *review.Report
	calls atomic.Int32
	err   error
}

func (f *fakeDiffs) CommitDiff(hash string) (string, error) {
	f.calls.Add(1)
	if f.err != nil {
		return "", f.err
	}
	for _, c := range f.rep.Commits {
		if c.Hash != hash {
			continue
		}
		var b strings.Builder
		for _, fc := range c.Files {
			fmt.Fprintf(&b, "diff --git a/%s b/%s\nindex 1111111..2222222 100644\n--- a/%s\n+++ b/%s\n", fc.Path, fc.Path, fc.Path, fc.Path)
			fmt.Fprintf(&b, "@@ -1,3 +1,4 @@ package x\n ctx\n+ordinary [red]change[-]\n ctx\n ctx\n")
			for _, h := range fc.Hunks {
				fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@ func x()\n%s", h.OldStart, h.OldLines, h.NewStart, h.NewLines, h.Text)
			}
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("no commit %s", hash)
}
