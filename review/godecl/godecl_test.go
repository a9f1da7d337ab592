package godecl

import (
	"reflect"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) *File {
	t.Helper()
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, src)
	}
	return f
}

const sample = `// Package p is a sample.
package p

import (
	"fmt"
	yaml "gopkg.in/yaml.v3"
)

// Foo does foo.
// It has two lines of doc.
func Foo(a, b int) error {
	return fmt.Errorf("%d", a+b)
}

type T struct{ n int }

// Get is a value method.
func (t T) Get() int { return t.n }

func (t *T) Set(n int) { t.n = n }

type List[E any] struct{ items []E }

func (l *List[E]) Push(e E) { l.items = append(l.items, e) }

type Pair[K comparable, V any] struct {
	k K
	v V
}

func (p Pair[K, V]) Key() K { return p.k }

func init() {}

func init() { _ = yaml.Marshal }

var _ fmt.Stringer = nil
var _ = 1

// Limits.
const (
	// A is first.
	A = iota
	B
	C, D = 5, 6
)

var (
	x, y int = 1, 2
	z        = "z"
)

type (
	// U is a type in a group.
	U int
	V = string
)

func init() {}
`

func TestParseDecls(t *testing.T) {
	f := mustParse(t, sample)
	if f.Package != "p" {
		t.Errorf("Package = %q, want p", f.Package)
	}
	type row struct {
		name, kind string
		start, end int
	}
	want := []row{
		{"Foo", "func", 9, 13},
		{"T", "type", 15, 15},
		{"T.Get", "method", 17, 18},
		{"(*T).Set", "method", 20, 20},
		{"List", "type", 22, 22},
		{"(*List).Push", "method", 24, 24},
		{"Pair", "type", 26, 29},
		{"Pair.Key", "method", 31, 31},
		{"init", "func", 33, 33},
		{"init#2", "func", 35, 35},
		{"_", "var", 37, 37},
		{"_#2", "var", 38, 38},
		{"A", "const", 42, 43},
		{"B", "const", 44, 44},
		{"C", "const", 45, 45},
		{"D", "const", 45, 45},
		{"x", "var", 49, 49},
		{"y", "var", 49, 49},
		{"z", "var", 50, 50},
		{"U", "type", 54, 55},
		{"V", "type", 56, 56},
		{"init#3", "func", 59, 59},
	}
	var got []row
	for _, d := range f.Decls {
		got = append(got, row{d.Name, d.Kind, d.Start, d.End})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decls:\ngot  %v\nwant %v", got, want)
	}

	sources := map[string]string{
		"Foo":    "func Foo(a, b int) error {\n\treturn fmt.Errorf(\"%d\", a+b)\n}",
		"T.Get":  "func (t T) Get() int { return t.n }",
		"A":      "A = iota",
		"B":      "B",
		"C":      "C, D = 5, 6",
		"x":      "x, y int = 1, 2",
		"U":      "U int",
		"_#2":    "var _ = 1",
		"init#3": "func init() {}",
	}
	for name, want := range sources {
		d, ok := f.Lookup(name)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", name)
			continue
		}
		if d.Source != want {
			t.Errorf("%s: Source = %q, want %q", name, d.Source, want)
		}
	}

	wantImports := map[string]string{"fmt": "fmt", "yaml": "gopkg.in/yaml.v3"}
	if !reflect.DeepEqual(f.Imports, wantImports) {
		t.Errorf("Imports = %v, want %v", f.Imports, wantImports)
	}
}

func TestParseAPI(t *testing.T) {
	f := mustParse(t, `package p

import "io"

func F[T any, U ~int | ~string](a, b T, rest ...U) (n int, err error) { return }
func (l *List[E]) Push(e E) {}
func G(f func(x int) bool, ch <-chan struct{}, m map[string][4]byte) {}
type S struct {
	A, B int `+"`json:\"a\"`"+`
	io.Reader
	C struct{ D string }
}
type I interface {
	io.Closer
	Read(p []byte) (int, error)
}
type Alias = map[string]int
var v, w *S
const c = 1
const (
	k uint8 = iota
	l
)
`)
	want := map[string]string{
		"F":            "func F[T any, U ~int | ~string](T, T, ...U) (int, error)",
		"(*List).Push": "func (*List[E]) Push(E)",
		"G":            "func G(func(int) bool, <-chan struct{}, map[string][4]byte)",
		"S":            `type S struct{A int "json:\"a\""; B int "json:\"a\""; io.Reader; C struct{D string}}`,
		"I":            "type I interface{Read([]byte) (int, error); io.Closer}",
		"Alias":        "type Alias = map[string]int",
		"v":            "*S",
		"w":            "*S",
		"c":            "",
		"k":            "uint8",
		"l":            "uint8",
	}
	for name, api := range want {
		d, ok := f.Lookup(name)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", name)
			continue
		}
		if d.API != api {
			t.Errorf("%s: API\ngot  %s\nwant %s", name, d.API, api)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for name, src := range map[string]string{
		"syntax":             "package p\nfunc F( {}\n",
		"no package":         "func F() {}\n",
		"empty":              "",
		"bad go:build":       "//go:build linux &&\n\npackage p\n",
		"bad go:build paren": "//go:build (linux\n\npackage p\n",
		"unterminated":       "package p\nvar s = \"abc\n",
		"bad import path":    "package p\nimport \"a\\q\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			if f, err := Parse([]byte(src)); err == nil {
				t.Errorf("Parse succeeded with %d decls, want an error", len(f.Decls))
			}
		})
	}
	// A well-formed constraint, and a //go:build comment after the package clause (no
	// constraint at all), parse.
	for _, src := range []string{
		"//go:build linux && !cgo\n\npackage p\n",
		"package p\n\n//go:build linux &&\nvar x int\n",
		"package p\n//line other.go:100\nfunc F() {}\n",
	} {
		if _, err := Parse([]byte(src)); err != nil {
			t.Errorf("Parse(%q): %v", src, err)
		}
	}
}

// A //line directive must not move the line ranges away from the blob's own lines.
func TestParseLineDirective(t *testing.T) {
	f := mustParse(t, "package p\n\n//line other.go:100\nfunc F() {}\n")
	if d, _ := f.Lookup("F"); d.Start != 3 || d.End != 4 {
		t.Errorf("F spans %d-%d, want 3-4 (the blob's lines)", d.Start, d.End)
	}
}

func TestChanged(t *testing.T) {
	const base = `package p

import "fmt"

// F prints.
func F(a int) {
	// say it
	fmt.Println(a, "x")
}

func G() int { return 1 }

func init() {}

func init() { G() }

const (
	A = iota
	B
	C = "c"
)

var (
	x = 1
	y = 2
)

type S struct{ a int }
`
	tests := []struct {
		name string
		old  string
		new  string
		want []string
	}{
		{"identical", base, base, nil},
		{"comment in body", base, strings.Replace(base, "// say it", "// say it louder", 1), nil},
		{"doc comment", base, strings.Replace(base, "// F prints.", "// F prints a lot.\n// Really.", 1), nil},
		{
			"reformat, not gofmt-equal",
			base,
			strings.Replace(base, `fmt.Println(a, "x")`, "fmt.Println(\n\t\ta,\n\t\t\"x\",\n\t)", 1),
			nil,
		},
		{
			"reformat of one-liner",
			base,
			strings.Replace(base, "func G() int { return 1 }", "func G() int {\n\treturn 1\n}", 1),
			nil,
		},
		{"aligned group", base, strings.Replace(base, "x = 1\n\ty = 2", "x    = 1\n\ty      = 2", 1), nil},
		{"var moved out of its group", base, strings.Replace(base, "var (\n\tx = 1\n\ty = 2\n)", "var x = 1\n\nvar y = 2", 1), nil},
		{"var made const", base, strings.Replace(base, "var (\n\tx = 1\n\ty = 2\n)", "const x = 1\n\nvar y = 2", 1), []string{"x"}},
		{"blank lines between decls", base, strings.Replace(base, "\n\nfunc G", "\n\n\n\nfunc G", 1), nil},
		{"body change", base, strings.Replace(base, `"x"`, `"y"`, 1), []string{"F"}},
		{"signature change", base, strings.Replace(base, "func F(a int)", "func F(a int64)", 1), []string{"F"}},
		{"second init", base, strings.Replace(base, "{ G() }", "{ G(); G() }", 1), []string{"init#2"}},
		{"added func", base, base + "\nfunc H() {}\n", []string{"H"}},
		{"removed func", base + "\nfunc H() {}\n", base, []string{"H"}},
		{"renamed func", base, strings.Replace(base, "func G()", "func G2()", 1), []string{"G", "G2"}},
		{"one spec of a group", base, strings.Replace(base, "y = 2", "y = 3", 1), []string{"y"}},
		{"implied const follows its expression", base, strings.Replace(base, "A = iota", "A = iota + 1", 1), []string{"A", "B"}},
		{
			"inserting into an iota group shifts values",
			base,
			strings.Replace(base, "\tB\n", "\tA2\n\tB\n", 1),
			[]string{"A2", "B"},
		},
		{"struct field", base, strings.Replace(base, "struct{ a int }", "struct{ a, b int }", 1), []string{"S"}},
		{"string literal kind", base, strings.Replace(base, `C = "c"`, "C = `c`", 1), []string{"C"}},
		{"file added", "", base, []string{"A", "B", "C", "F", "G", "S", "init", "init#2", "x", "y"}},
		{"file deleted", base, "", []string{"A", "B", "C", "F", "G", "S", "init", "init#2", "x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var old, new *File
			if tt.old != "" {
				old = mustParse(t, tt.old)
			}
			if tt.new != "" {
				new = mustParse(t, tt.new)
			}
			if got := Changed(old, new); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Changed = %q, want %q", got, tt.want)
			}
		})
	}
}

// gofmt does more than layout: it drops redundant parentheses and semicolons and normalizes
// number literals. Source it would print the same is unchanged, though the tokens differ.
func TestChangedGofmtRewrites(t *testing.T) {
	old := mustParse(t, "package p\n\nfunc G() (int) { if (ok) { ; }; for ;; { break }; return 0X1F }\n")
	new := mustParse(t, "package p\n\nfunc G() int {\n\tif ok {\n\t}\n\tfor {\n\t\tbreak\n\t}\n\treturn 0x1F\n}\n")
	if old.keys[0] == new.keys[0] {
		t.Fatal("token keys agree; the test no longer exercises the gofmt comparison")
	}
	if got := Changed(old, new); got != nil {
		t.Errorf("Changed = %q, want nothing", got)
	}
	if got := APIChanged(old, new); got != nil {
		t.Errorf("APIChanged = %q, want nothing", got)
	}
	edited := mustParse(t, "package p\n\nfunc G() int {\n\tif ok {\n\t}\n\tfor {\n\t\tbreak\n\t}\n\treturn 0x1E\n}\n")
	if got := Changed(old, edited); len(got) != 1 {
		t.Errorf("Changed = %q, want [G]", got)
	}
}

func TestAPIChanged(t *testing.T) {
	const base = `package p

import "context"

func F(ctx context.Context, n int) error { return nil }

func (s *S) M(a string) {}

func (s S) V() {}

type S struct {
	A int ` + "`json:\"a\"`" + `
	b []byte
}

type I interface {
	One() int
	Two(x string) error
}

type G[T any] struct{ v T }

var Default S

var inferred = 1

const Limit = 10

const Typed uint32 = 7
`
	tests := []struct {
		name string
		new  string
		want []string
	}{
		{"identical", base, nil},
		{"body only", strings.Replace(base, "return nil", "return context.Canceled", 1), nil},
		{"parameter renamed", strings.Replace(base, "F(ctx context.Context, n int)", "F(c context.Context, count int)", 1), nil},
		{"parameters regrouped", strings.Replace(base, "M(a string)", "M(a string,)", 1), nil},
		{"parameter retyped", strings.Replace(base, "n int)", "n int64)", 1), []string{"F"}},
		{"result added", strings.Replace(base, "M(a string) {}", "M(a string) error { return nil }", 1), []string{"(*S).M"}},
		{"receiver made value", strings.Replace(base, "func (s *S) M", "func (s S) M", 1), []string{"(*S).M"}},
		{"struct field added", strings.Replace(base, "b []byte\n", "b []byte\n\tc bool\n", 1), []string{"S"}},
		{"struct field removed", strings.Replace(base, "\tb []byte\n", "", 1), []string{"S"}},
		{"struct field retyped", strings.Replace(base, "b []byte", "b string", 1), []string{"S"}},
		{"struct tag changed", strings.Replace(base, "`json:\"a\"`", "`json:\"a,omitempty\"`", 1), []string{"S"}},
		{"struct tag requoted", strings.Replace(base, "`json:\"a\"`", `"json:\"a\""`, 1), nil},
		{"struct field comment", strings.Replace(base, "b []byte", "b []byte // raw", 1), nil},
		{"interface method added", strings.Replace(base, "One() int\n", "One() int\n\tThree()\n", 1), []string{"I"}},
		{"interface methods reordered", strings.Replace(base, "One() int\n\tTwo(x string) error", "Two(y string) error\n\tOne() int", 1), nil},
		{"type parameter constraint", strings.Replace(base, "G[T any]", "G[T comparable]", 1), []string{"G"}},
		{"var retyped", strings.Replace(base, "var Default S", "var Default *S", 1), []string{"Default"}},
		{"inferred var value", strings.Replace(base, "inferred = 1", "inferred = 2", 1), nil},
		{"const value", strings.Replace(base, "Limit = 10", "Limit = 11", 1), nil},
		{"const retyped", strings.Replace(base, "Typed uint32", "Typed uint64", 1), []string{"Typed"}},
		{"func removed", strings.Replace(base, "func F(ctx context.Context, n int) error { return nil }", "", 1), []string{"F"}},
		{"func renamed", strings.Replace(base, "func F(", "func F2(", 1), []string{"F"}},
		{"func added", base + "\nfunc H(int) {}\n", nil},
		{"kind changed", strings.Replace(base, "var inferred = 1", "func inferred() {}", 1), []string{"inferred"}},
	}
	old := mustParse(t, base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := APIChanged(old, mustParse(t, tt.new)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("APIChanged = %q, want %q", got, tt.want)
			}
		})
	}
	if got := APIChanged(nil, old); got != nil {
		t.Errorf("APIChanged(nil, f) = %q, want nothing (additions are not drift)", got)
	}
	if got := APIChanged(old, nil); len(got) != len(old.Decls) {
		t.Errorf("APIChanged(f, nil) = %q, want every declaration", got)
	}
}

func TestDeclsAt(t *testing.T) {
	f := mustParse(t, sample)
	tests := []struct {
		start, end int
		want       []string
	}{
		{1, 8, nil},                    // package clause and imports
		{9, 9, []string{"Foo"}},        // first doc line
		{12, 12, []string{"Foo"}},      // body
		{13, 15, []string{"Foo", "T"}}, // closing brace and the next decl
		{14, 14, nil},                  // blank line between
		{45, 45, []string{"C", "D"}},   // one spec, two names
		{40, 41, nil},                  // group doc and "const ("
		{49, 50, []string{"x", "y", "z"}},
		{59, 1000, []string{"init#3"}},
	}
	for _, tt := range tests {
		if got := f.DeclsAt(tt.start, tt.end); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DeclsAt(%d, %d) = %q, want %q", tt.start, tt.end, got, tt.want)
		}
	}
	var nilFile *File
	if got := nilFile.DeclsAt(1, 10); got != nil {
		t.Errorf("nil File: DeclsAt = %q", got)
	}
}

func TestMethodKey(t *testing.T) {
	for in, want := range map[string]string{
		"(*StateDB).Copy": "StateDB.Copy",
		"StateDB.Copy":    "StateDB.Copy",
		"Foo":             "Foo",
		"init#2":          "init",
		"(*T).M#2":        "T.M",
	} {
		if got := MethodKey(in); got != want {
			t.Errorf("MethodKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAssumedName(t *testing.T) {
	for in, want := range map[string]string{
		"fmt":                                    "fmt",
		"github.com/ethereum/go-ethereum/common": "common",
		"github.com/go-git/go-git/v5":            "git",
		"gopkg.in/yaml.v3":                       "yaml",
		"github.com/mattn/go-sqlite3":            "sqlite3",
		"github.com/holiman/uint256":             "uint256",
		"v2":                                     "v2",
		"example.com/go-foo-bar":                 "foo",
	} {
		if got := assumedName(in); got != want {
			t.Errorf("assumedName(%q) = %q, want %q", in, got, want)
		}
	}
}
