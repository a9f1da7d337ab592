package export

import (
	"crypto/sha1"
	"encoding/hex"
	"time"

	"github.com/forkreview/forkreview/review"
)

// hash makes a stable 40-hex commit id from a seed.
func hash(seed string) string {
	s := sha1.Sum([]byte(seed))
	return hex.EncodeToString(s[:])
}

var fixedZone = time.FixedZone("UTC+2", 2*60*60)

var t0 = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// sampleNow is the "generated" time of every golden file.
var sampleNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

type sc struct {
	subject, area, author string
	pr                    int
	risk                  review.Risk
	tags                  []string
	reasons               []string
	files                 []review.FileChange
	conflicts             []review.Conflict
	status                review.Status
	reviewer, note        string
	merge                 bool
}

// sampleReport is a realistic review of a go-ethereum fork: every risk level, the tags that
// reports single out, conflicts with their three sides, overlap hunks, two reviewers and notes
// in every status.
func sampleReport() *review.Report {
	statedbHunk := review.DiffHunk{OldStart: 712, OldLines: 7, NewStart: 712, NewLines: 9, Text: ` 	state := &StateDB{
 		db:                   s.db,
 		trie:                 s.db.CopyTrie(s.trie),
-		accessList:           s.accessList.Copy(),
+		// Copy the access list and transient storage so that the copy
+		// does not share them with the original.
+		accessList:           s.accessList.Copy(),
+		transientStorage:     s.transientStorage.Copy(),
 		hasher:               crypto.NewKeccakState(),
`}
	jumpHunk := review.DiffHunk{OldStart: 1040, OldLines: 4, NewStart: 1040, NewLines: 10, Text: ` 	// Cancun
 	tbl[TLOAD] = &operation{execute: opTload, constantGas: WarmStorageReadCostEIP2929}
 	tbl[TSTORE] = &operation{execute: opTstore, constantGas: WarmStorageReadCostEIP2929}
+	tbl[MCOPY] = &operation{
+		execute:     opMcopy,
+		constantGas: GasFastestStep,
+		dynamicGas:  gasMcopy,
+		minStack:    minStack(3, 1),
+		memorySize:  memoryMcopy,
+	}
`}
	commits := []sc{
		{subject: "core/state: fix copy of access list and transient storage (#28547)", area: "core/state", author: "Martin Holst Swende <martin@swende.se>", pr: 28547,
			risk: review.RiskConflict, tags: []string{"security", "consensus"},
			reasons: []string{"core/state/statedb.go: content conflict in (*StateDB).Copy", "core/state/statedb.go: (*StateDB).Copy changed by both"},
			files: []review.FileChange{
				{Path: "core/state/statedb.go", Status: review.StatusModified, Additions: 4, Deletions: 1, Overlap: review.OverlapConflict, Declarations: []string{"(*StateDB).Copy"}, Hunks: []review.DiffHunk{statedbHunk}},
				{Path: "core/state/statedb_test.go", Status: review.StatusModified, Additions: 31, Overlap: review.OverlapNone},
			},
			conflicts: []review.Conflict{{Path: "core/state/statedb.go", Kind: "content",
				BaseStart: 715, Base: "\t\taccessList:           s.accessList.Copy(),\n",
				ForkStart: 719, Fork: "\t\taccessList:           s.accessList.Copy(),\n\t\tzkTrieCache:          s.zkTrieCache.Copy(), // fork: zktrie\n",
				UpstreamStart: 715, Upstream: "\t\t// Copy the access list and transient storage so that the copy\n\t\t// does not share them with the original.\n\t\taccessList:           s.accessList.Copy(),\n\t\ttransientStorage:     s.transientStorage.Copy(),\n"}},
			status: review.StatusReviewed, reviewer: "alice",
			note: "Resolved by keeping both: upstream's transientStorage copy and our zkTrieCache copy.\nAdded a test that mutates the copy and checks the original (fork PR 412)."},
		{subject: "go.mod: upgrade golang.org/x/crypto to v0.17.0 (#28600)", area: "go.mod", author: "Felix Lange <fjl@twurst.com>", pr: 28600,
			risk: review.RiskConflict, tags: []string{"security", "deps"},
			reasons: []string{"go.sum: content conflict (trivial: go mod tidy)"},
			files: []review.FileChange{
				{Path: "go.mod", Status: review.StatusModified, Additions: 1, Deletions: 1, Overlap: review.OverlapFile},
				{Path: "go.sum", Status: review.StatusModified, Additions: 2, Deletions: 2, Overlap: review.OverlapConflict},
			},
			conflicts: []review.Conflict{{Path: "go.sum", Kind: "content", Trivial: true, Regenerate: "go mod tidy",
				BaseStart: 88, Base: "golang.org/x/crypto v0.15.0 h1:frVn1TEaCEaZcn3Tmd7Y2b5KKPaZ+I32Q2OA3kYp5TA=\n",
				ForkStart: 90, Fork: "golang.org/x/crypto v0.16.0 h1:mMMrFzRSCF0GvB7Ne27XVtVAaXLrPmgPC7/v0tkwHaY=\n",
				UpstreamStart: 88, Upstream: "golang.org/x/crypto v0.17.0 h1:r8bRNjWL3GshPW3gkd+RpvzWrZAwPS49OmTGZ/uhM4k=\n"}},
			status: review.StatusNotApplicable, reviewer: "bob", note: "go.sum only: regenerate with `go mod tidy` during the merge."},
		{subject: "core/vm: implement EIP-5656, MCOPY instruction (#28520)", area: "core/vm", author: "Marius van der Wijden <m.vanderwijden@live.de>", pr: 28520,
			risk: review.RiskHigh, tags: []string{"consensus", "hardfork"},
			reasons: []string{"core/vm/jump_table.go: newCancunInstructionSet changed by both", "zone evm: The fork adds custom precompiles at 0x0100; keep their gas table in sync."},
			files: []review.FileChange{
				{Path: "core/vm/jump_table.go", Status: review.StatusModified, Additions: 7, Overlap: review.OverlapDeclaration, Declarations: []string{"newCancunInstructionSet"}, Hunks: []review.DiffHunk{jumpHunk}},
				{Path: "core/vm/instructions.go", Status: review.StatusModified, Additions: 12, Overlap: review.OverlapFile},
				{Path: "core/vm/opcodes.go", Status: review.StatusModified, Additions: 3, Overlap: review.OverlapNone},
			},
			status: review.StatusFollowUp, reviewer: "alice",
			note: "Our gas schedule for the L2 precompiles overrides newCancunInstructionSet. MCOPY must be priced in params/l2.go too; ticket FR-231."},
		{subject: "eth/protocols/snap: fix panic on missing trie nodes during sync (#28571)", area: "eth/protocols/snap", author: "rjl493456442 <garyrong0905@gmail.com>", pr: 28571,
			risk: review.RiskHigh, tags: []string{"security"},
			reasons: []string{"eth/protocols/snap/sync.go: (*Syncer).processTrienodeHealResponse changed by both"},
			files: []review.FileChange{
				{Path: "eth/protocols/snap/sync.go", Status: review.StatusModified, Additions: 9, Deletions: 3, Overlap: review.OverlapDeclaration, Declarations: []string{"(*Syncer).processTrienodeHealResponse"},
					Hunks: []review.DiffHunk{{OldStart: 2101, OldLines: 5, NewStart: 2101, NewLines: 8, Text: " \tfor i, node := range res.nodes {\n-\t\tres.task.trieTasks[res.paths[i]] = node\n+\t\tif node == nil {\n+\t\t\tlog.Warn(\"Missing trie node\", \"path\", res.paths[i])\n+\t\t\tcontinue\n+\t\t}\n+\t\tres.task.trieTasks[res.paths[i]] = node\n \t}\n"}}},
			}},
		{subject: "miner: make payload building interruptible (#28566)", area: "miner", author: "rjl493456442 <garyrong0905@gmail.com>", pr: 28566,
			risk:    review.RiskHigh,
			reasons: []string{"miner/worker.go: lines near fork change at 1104"},
			files: []review.FileChange{
				{Path: "miner/worker.go", Status: review.StatusModified, Additions: 40, Deletions: 22, Overlap: review.OverlapDeclaration, Declarations: []string{"(*worker).generateWork", "(*worker).fillTransactions"}},
			},
			status: review.StatusReviewed, reviewer: "bob", note: "Fine for us: our sequencer never calls generateWork with a deadline."},
		{subject: "core/types: account for blob sidecar size in tx pool limits (#28590)", area: "core/types", author: "lightclient <lightclient@protonmail.com>", pr: 28590,
			risk: review.RiskMedium, tags: []string{"consensus"},
			reasons: []string{"core/types/tx_blob.go: the fork changed this file elsewhere", "core/types: BlobTxSidecar.encodedSize changed shape; fork code refers to it"},
			files: []review.FileChange{
				{Path: "core/types/tx_blob.go", Status: review.StatusModified, Additions: 15, Deletions: 2, Overlap: review.OverlapFile},
			},
			status: review.StatusFollowUp, reviewer: "bob",
			note: "Our L1 fee calculation uses the sidecar size.\nCheck after the merge that the fee of blob txs is unchanged:\n- run the fee golden test\n- compare with mainnet block 18 900 000"},
		{subject: "internal/ethapi: return revert reason for eth_call (#28554)", area: "internal/ethapi", author: "Sina Mahmoodi <itz.s1na@gmail.com>", pr: 28554,
			risk:    review.RiskMedium,
			reasons: []string{"internal/ethapi/api.go: the fork changed this file elsewhere"},
			files:   []review.FileChange{{Path: "internal/ethapi/api.go", Status: review.StatusModified, Additions: 21, Deletions: 4, Overlap: review.OverlapFile}},
			status:  review.StatusReviewed, reviewer: "alice"},
		{subject: "rpc: limit batch request size to prevent DoS (#28589)", area: "rpc", author: "Felix Lange <fjl@twurst.com>", pr: 28589,
			risk: review.RiskMedium, tags: []string{"security"},
			reasons: []string{"rpc/handler.go: the fork changed this file elsewhere"},
			files:   []review.FileChange{{Path: "rpc/handler.go", Status: review.StatusModified, Additions: 33, Deletions: 5, Overlap: review.OverlapFile}, {Path: "rpc/server.go", Status: review.StatusModified, Additions: 6, Overlap: review.OverlapNone}}},
		{subject: "params: schedule Cancun on Goerli (#28719)", area: "params", author: "Martin Holst Swende <martin@swende.se>", pr: 28719,
			risk: review.RiskMedium, tags: []string{"consensus"},
			reasons: []string{"params/config.go: the fork changed this file elsewhere"},
			files:   []review.FileChange{{Path: "params/config.go", Status: review.StatusModified, Additions: 2, Overlap: review.OverlapFile}},
			status:  review.StatusNotApplicable, reviewer: "alice", note: "We do not run on Goerli."},
		{subject: "p2p/discover: fix race in lookup iterator (#28599)", area: "p2p/discover", author: "Felix Lange <fjl@twurst.com>", pr: 28599,
			risk: review.RiskLow, tags: []string{"security"},
			reasons: []string{"p2p/discover: the fork changed this package"},
			files:   []review.FileChange{{Path: "p2p/discover/lookup.go", Status: review.StatusModified, Additions: 5, Deletions: 2, Overlap: review.OverlapPackage}},
			status:  review.StatusReviewed, reviewer: "bob"},
		{subject: "eth/filters: speed up log filtering with bloom bits (#28502)", area: "eth/filters", author: "Sina Mahmoodi <itz.s1na@gmail.com>", pr: 28502,
			risk: review.RiskLow, reasons: []string{"eth/filters: the fork changed this package"},
			files: []review.FileChange{{Path: "eth/filters/filter.go", Status: review.StatusModified, Additions: 30, Deletions: 12, Overlap: review.OverlapPackage}}},
		{subject: "core/rawdb: add freezer table repair test (#28575)", area: "core/rawdb", author: "Gary Rong <garyrong0905@gmail.com>", pr: 28575,
			risk: review.RiskLow, tags: []string{"test-only"}, reasons: []string{"core/rawdb: the fork changed this package"},
			files:  []review.FileChange{{Path: "core/rawdb/freezer_table_test.go", Status: review.StatusAdded, Additions: 88, Overlap: review.OverlapPackage}},
			status: review.StatusNotApplicable, reviewer: "bob"},
		{subject: "trie: reduce allocations in hasher (#28578)", area: "trie", author: "Péter Szilágyi <peterke@gmail.com>", pr: 28578,
			risk: review.RiskLow, tags: []string{"consensus"}, reasons: []string{"trie: the fork changed this package"},
			files: []review.FileChange{{Path: "trie/hasher.go", Status: review.StatusModified, Additions: 8, Deletions: 11, Overlap: review.OverlapPackage}}},
		{subject: "core/txpool: fix nonce gap handling on reorg (#28552)", area: "core/txpool", author: "Péter Szilágyi <peterke@gmail.com>", pr: 28552,
			risk: review.RiskApplied, reasons: []string{"the fork already has this change (patch-id of fork commit 9c1e2f0)"},
			files:  []review.FileChange{{Path: "core/txpool/legacypool/legacypool.go", Status: review.StatusModified, Additions: 6, Deletions: 1, Overlap: review.OverlapFile}},
			status: review.StatusReviewed, reviewer: "alice", note: "Backported in fork PR 398; nothing to do."},
		{subject: "cmd/devp2p: print node URLs in crawl output (#28563)", area: "cmd/devp2p", author: "Felix Lange <fjl@twurst.com>", pr: 28563,
			risk: review.RiskNone, files: []review.FileChange{{Path: "cmd/devp2p/crawl.go", Status: review.StatusModified, Additions: 3, Deletions: 1, Overlap: review.OverlapNone}}},
		{subject: "docs: fix typos in the build instructions (#28560)", area: "docs", author: "Joe Bloggs <joe@example.com>", pr: 28560,
			risk: review.RiskNone, tags: []string{"docs-only"}, files: []review.FileChange{{Path: "docs/build.md", Status: review.StatusModified, Additions: 2, Deletions: 2, Overlap: review.OverlapNone}},
			status: review.StatusReviewed, reviewer: "bob"},
		{subject: "accounts/abi/bind: support overloaded events (#28541)", area: "accounts/abi/bind", author: "Marius van der Wijden <m.vanderwijden@live.de>", pr: 28541,
			risk: review.RiskNone, files: []review.FileChange{{Path: "accounts/abi/bind/base.go", Status: review.StatusModified, Additions: 19, Deletions: 7, Overlap: review.OverlapNone}}},
		{subject: "ethclient: add BlobBaseFee method (#28577)", area: "ethclient", author: "lightclient <lightclient@protonmail.com>", pr: 28577,
			risk: review.RiskNone, files: []review.FileChange{{Path: "ethclient/ethclient.go", Status: review.StatusModified, Additions: 9, Overlap: review.OverlapNone}}},
		{subject: "build: upgrade to Go 1.21.5 (#28612)", area: "build", author: "Felix Lange <fjl@twurst.com>", pr: 28612,
			risk: review.RiskNone, tags: []string{"deps"}, files: []review.FileChange{{Path: "build/checksums.txt", Status: review.StatusModified, Additions: 14, Deletions: 14, Overlap: review.OverlapNone}},
			note: "Our CI image pins Go 1.21.4; bump it with this merge.", reviewer: "bob"},
		{subject: "graphql: fix panic on null block number (#28588)", area: "graphql", author: "Sina Mahmoodi <itz.s1na@gmail.com>", pr: 28588,
			risk: review.RiskLow, tags: []string{"security"}, reasons: []string{"graphql: the fork changed this package"},
			files:  []review.FileChange{{Path: "graphql/graphql.go", Status: review.StatusModified, Additions: 4, Overlap: review.OverlapPackage}},
			status: review.StatusFollowUp, reviewer: "bob", note: "Our graphql schema adds l1Fee; make sure a null block is handled there too."},
		{subject: "Merge branch 'release/1.13' into master", area: "", author: "Péter Szilágyi <peterke@gmail.com>",
			risk: review.RiskNone, tags: []string{"merge"}, merge: true},
	}
	r := &review.Report{
		SchemaVersion: review.SchemaVersion,
		Tool:          review.Tool{Name: "forkreview", Version: "0.1.0"},
		GeneratedAt:   sampleNow,
		Repository:    "/home/dev/op-geth",
		Upstream: review.Upstream{From: "v1.13.11", To: "v1.13.12", FromCommit: hash("v1.13.11"), ToCommit: hash("v1.13.12"),
			URL: "https://github.com/ethereum/go-ethereum"},
		Fork: review.Fork{Ref: "main", Commit: hash("fork"), BaseCommit: hash("v1.13.11"), ChangedFiles: 312, ChangedDeclarations: 845},
	}
	st := review.NewState()
	prev := hash("v1.13.11")
	for i, s := range commits {
		h := hash(s.subject)
		c := review.Commit{
			Hash: h, Parents: []string{prev}, Author: s.author, Date: t0.Add(time.Duration(i) * 7 * time.Hour),
			Subject: s.subject, Area: s.area, UpstreamPR: s.pr, Tags: s.tags, Risk: s.risk,
			Reasons: s.reasons, Files: s.files, Conflicts: s.conflicts,
		}
		if s.merge {
			c.Parents = append(c.Parents, hash("release/1.13"))
		}
		r.Commits = append(r.Commits, c)
		prev = h
		if s.status != "" || s.note != "" {
			status := s.status
			if status == "" {
				status = review.StatusPending
			}
			st.Set(h, s.subject, status, s.note, s.reviewer, sampleNow.Add(-time.Duration(i)*time.Hour))
		}
	}
	r.ApplyState(st)
	return r
}
