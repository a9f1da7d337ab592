package godecl

import (
	"fmt"
	"strings"
	"testing"
)

// largeFile generates a file shaped like go-ethereum's biggest ones (core/blockchain.go is
// about 3,000 lines): a struct with many fields, const and var groups, and methods with
// bodies of ordinary statements. bodyTag varies one method's body.
func largeFile(lines int, bodyTag string) []byte {
	var b strings.Builder
	b.WriteString("// Package big is generated for benchmarks.\npackage big\n\n")
	b.WriteString("import (\n\t\"errors\"\n\t\"fmt\"\n\t\"sync\"\n\n\tcommon \"example.com/common\"\n)\n\n")
	b.WriteString("// Chain holds many fields.\ntype Chain struct {\n\tmu sync.Mutex\n")
	for i := range 40 {
		fmt.Fprintf(&b, "\tfield%d map[common.Hash][]byte `json:\"f%d\"`\n", i, i)
	}
	b.WriteString("}\n\nconst (\n")
	for i := range 30 {
		fmt.Fprintf(&b, "\tmode%d = iota // mode %d\n", i, i)
	}
	b.WriteString(")\n\nvar (\n")
	for i := range 30 {
		fmt.Fprintf(&b, "\terrFailure%d = errors.New(\"failure %d\")\n", i, i)
	}
	b.WriteString(")\n")
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		tag := ""
		if i == 7 {
			tag = bodyTag
		}
		fmt.Fprintf(&b, `
// Method%[1]d does things, number %[1]d.
func (c *Chain) Method%[1]d(hash common.Hash, number uint64, opts ...string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for i, opt := range opts {
		if len(opt) > int(number) {
			return 0, fmt.Errorf("option %%d of %%x: %%w%[2]s", i, hash, errFailure%[3]d)
		}
		total += len(opt)
	}
	switch v := c.field%[4]d[hash]; {
	case v == nil:
		return 0, errFailure%[3]d
	case len(v) > total:
		total = len(v)
	}
	go func(n int) { _ = helper%[1]d(n, mode%[3]d) }(total)
	return total, nil
}

func helper%[1]d(n, m int) int { return n * m }
`, i, tag, i%30, i%40)
	}
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	src := largeFile(5000, "")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChanged(b *testing.B) {
	old, err := Parse(largeFile(5000, ""))
	if err != nil {
		b.Fatal(err)
	}
	new, err := Parse(largeFile(5000, " (changed)"))
	if err != nil {
		b.Fatal(err)
	}
	if got := Changed(old, new); len(got) != 1 || got[0] != "(*Chain).Method7" {
		b.Fatalf("Changed = %q, want only (*Chain).Method7", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		Changed(old, new)
	}
}

func BenchmarkRefs(b *testing.B) {
	src := largeFile(5000, "")
	f, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Refs(f, src, nil)
	}
}

// The generated file must stay valid Go with the size asked for, or the numbers mean nothing.
func TestLargeFile(t *testing.T) {
	src := largeFile(5000, "")
	if n := strings.Count(string(src), "\n"); n < 5000 || n > 5100 {
		t.Errorf("generated %d lines, want about 5000", n)
	}
	f := mustParse(t, string(src))
	if len(f.Decls) < 300 {
		t.Errorf("generated %d declarations, want hundreds", len(f.Decls))
	}
}
