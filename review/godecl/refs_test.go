package godecl

import (
	"reflect"
	"testing"
)

const refsSrc = `package state

import (
	"fmt"
	gethcommon "github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"gopkg.in/yaml.v3"
	ckzg "github.com/ethereum/c-kzg-4844/bindings/go"
	_ "embed"
	"github.com/ethereum/c-kzg-4844/v2/bindings/go"
)

type StateDB struct {
	db    Database
	logs  map[gethcommon.Hash][]*types.Log
	limit int
}

const maxLogs = 10

// Renamed import, receiver fields and methods, same-package names, a closure.
func (s *StateDB) AddLog(log *types.Log) {
	if len(s.logs) > maxLogs {
		panic(fmt.Sprintf("too many logs: %v", errTooMany))
	}
	h := gethcommon.BytesToHash(log.Data)
	s.logs[h] = append(s.logs[h], log)
	s.journal.append(h)
	helper(func(x int) int { return x + s.limit })
	log.Index = uint(len(s.logs))
}

// Locals and shadowing: a local named like an import is not the import.
func shadow(types []int) int {
	fmt := 0
	for i, v := range types {
		fmt += i * v
	}
	var total int
	total = fmt
	return total
}

// Struct literal keys are field names; map literal keys are expressions.
func literals() {
	_ = StateDB{db: nil, limit: maxLogs}
	_ = map[string]int{keyName: 1}
	_ = []StateDB{{limit: 1}}
	_ = [...]int{idx: 2}
}

// Labels, type switches, typed locals and new.
func control(x any) {
outer:
	for {
		switch v := x.(type) {
		case *StateDB:
			v.Finalise(true)
			break outer
		case error:
			_ = v.Error()
		}
	}
	st := &StateDB{}
	st.Copy()
	n := new(types.Header)
	_ = n.Hash()
	var d Database
	d.Reader()
}

// Generic receiver: E is a type parameter, List is a reference.
func (l *List[E]) Push(e E) { l.items = append(l.items, e) }

func recursive(n int) int {
	if n == 0 {
		return Sqrt(2) > 1
	}
	return recursive(n - 1)
}

func imports() {
	_ = yaml.Marshal
	_ = ckzg.Blob{}
	_ = ckzg4844.Commitment{}
	_ = undeclared.Thing
}

var tableEntry = gethcommon.Address{}

const (
	modeA mode = iota
	modeB
)
`

func TestRefs(t *testing.T) {
	f := mustParse(t, refsSrc)
	const (
		common = "github.com/ethereum/go-ethereum/common"
		types  = "github.com/ethereum/go-ethereum/core/types"
		kzg    = "github.com/ethereum/c-kzg-4844/bindings/go"
		kzg2   = "github.com/ethereum/c-kzg-4844/v2/bindings/go"
	)
	want := map[string][]Ref{
		"StateDB": {{"", "Database"}, {common, "Hash"}, {types, "Log"}},
		"(*StateDB).AddLog": {
			{"", "StateDB"},
			{"", "StateDB.journal"},
			{"", "StateDB.limit"},
			{"", "StateDB.logs"},
			{"", "errTooMany"},
			{"", "helper"},
			{"", "maxLogs"},
			{"fmt", "Sprintf"},
			{common, "BytesToHash"},
			{types, "Log"},
			{types, "Log.Data"},
			{types, "Log.Index"},
		},
		"shadow":   {},
		"literals": {{"", "StateDB"}, {"", "idx"}, {"", "keyName"}, {"", "maxLogs"}},
		"control": {
			{"", "Database"},
			{"", "Database.Reader"},
			{"", "StateDB"},
			{"", "StateDB.Copy"},
			{"", "StateDB.Finalise"},
			{types, "Header"},
			{types, "Header.Hash"},
		},
		"(*List).Push": {{"", "List"}, {"", "List.items"}},
		"recursive":    {{"", "Sqrt"}},
		// The c-kzg bindings are package ckzg4844, which the path's last element does not say;
		// a path element does.
		"imports": {
			{"", "undeclared"},
			{kzg, "Blob"},
			{kzg2, "Commitment"},
			{"gopkg.in/yaml.v3", "Marshal"},
		},
		"tableEntry": {{common, "Address"}},
		"modeA":      {{"", "mode"}},
		"modeB":      {{"", "mode"}},
	}
	got := Refs(f, nil, nil)
	for name, refs := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: no entry", name)
			continue
		}
		if len(g) == 0 && len(refs) == 0 {
			continue
		}
		if !reflect.DeepEqual(g, refs) {
			t.Errorf("%s:\ngot  %v\nwant %v", name, g, refs)
		}
	}
	if len(got) != len(f.Decls) {
		t.Errorf("Refs(nil names) has %d entries, want one per declaration (%d)", len(got), len(f.Decls))
	}

	only := Refs(f, nil, []string{"tableEntry", "missing"})
	if len(only) != 1 || len(only["tableEntry"]) != 1 {
		t.Errorf("Refs(names) = %v, want only tableEntry", only)
	}
}

// A name the file does not declare may come from any dot import, or from another file of the
// package; names the file declares come from the file.
func TestRefsDotImport(t *testing.T) {
	f := mustParse(t, `package p

import (
	. "math"
	. "strings"
)

func local() {}

func F() float64 { local(); return Sqrt(2) }
`)
	want := []Ref{{"", "Sqrt"}, {"", "local"}, {"math", "Sqrt"}, {"strings", "Sqrt"}}
	if got := Refs(f, nil, []string{"F"})["F"]; !reflect.DeepEqual(got, want) {
		t.Errorf("Refs = %v, want %v", got, want)
	}
	if _, listed := f.Imports["."]; listed {
		t.Errorf("Imports lists dot imports: %v", f.Imports)
	}
}

// When two unnamed imports could be the package, the selector's operand stays a name of the
// package (a package-level variable declared in another file, as far as the file can tell).
func TestRefsAmbiguousImport(t *testing.T) {
	f := mustParse(t, `package p

import (
	"example.com/c-kzg-4844/bindings/go"
	"example.org/ckzg4844/v2/bindings/go"
	"github.com/cockroachdb/pebble"
)

func F() { _ = ckzg4844.Blob{}; db.Close() }
`)
	want := []Ref{{"", "ckzg4844"}, {"", "db"}}
	if got := Refs(f, nil, []string{"F"})["F"]; !reflect.DeepEqual(got, want) {
		t.Errorf("Refs = %v, want %v", got, want)
	}
}

// Refs parses src when handed no File, and yields nothing for source that does not parse.
func TestRefsFromSource(t *testing.T) {
	src := []byte("package p\n\nimport \"fmt\"\n\nfunc F() { fmt.Println(G) }\n")
	want := map[string][]Ref{"F": {{"", "G"}, {"fmt", "Println"}}}
	if got := Refs(nil, src, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("Refs(nil, src) = %v, want %v", got, want)
	}
	if got := Refs(nil, []byte("package"), nil); len(got) != 0 {
		t.Errorf("Refs of broken source = %v, want empty", got)
	}
}

func TestRefString(t *testing.T) {
	if got := (Ref{"fmt", "Println"}).String(); got != "fmt.Println" {
		t.Errorf("String = %q", got)
	}
	if got := (Ref{"", "Foo"}).String(); got != "Foo" {
		t.Errorf("String = %q", got)
	}
}
