package godecl

import (
	"go/format"
	"testing"
)

// FuzzParse checks that no input panics, that a parsed file is unchanged against itself, and
// that formatting with gofmt changes no declaration and no API: layout is not a change.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		sample,
		refsSrc,
		"package p\n",
		"package p\nfunc (l *List[K, V]) Push(k K, v V) {}\n",
		"package p\nconst (\n\tA = iota\n\tB\n)\n",
		"package p\nvar (a, b = 1, 2; c int)\n",
		"package p\ntype (A int; B = A)\n",
		"package p\nfunc init() {}\nfunc init() {}\nvar _ = 1\nvar _ = 2\n",
		"//go:build linux\n\npackage p\n",
		"package p\nfunc F() { switch x := y.(type) { case int: _ = x } }\n",
		"package p\nfunc F() { L: for { break L } }\n",
		"package p\nfunc (T) M() {}\nfunc (*T) M() {}\n",
		"package p\nfunc F(\n\ta int,\n\tb string,\n) {\n}\n",
		"package p\nfunc F() () { if (x) { ; }; for ;; {}; for (y) {} }\n",
		"package p\nvar x = 0X1F + 1E3 + 0765i\ntype A [0X10]byte\nfunc G(a (int)) (b (int)) { return }\n",
		"package p\nfunc F() { _ = T{A: 1, B: []U{{C: 2}}}; _ = map[K]V{{1, 2}: {3}} }\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse(src)
		if err != nil {
			return
		}
		if c := Changed(file, file); len(c) != 0 {
			t.Fatalf("Changed(f, f) = %q", c)
		}
		if c := APIChanged(file, file); len(c) != 0 {
			t.Fatalf("APIChanged(f, f) = %q", c)
		}
		refs := Refs(file, src, nil)
		if len(refs) != len(file.Decls) {
			t.Fatalf("Refs has %d entries for %d declarations", len(refs), len(file.Decls))
		}
		for _, d := range file.Decls {
			if d.Start < 1 || d.End < d.Start {
				t.Fatalf("%s: bad line range %d-%d", d.Name, d.Start, d.End)
			}
			if got := file.DeclsAt(d.Start, d.End); !contains(got, d.Name) {
				t.Fatalf("DeclsAt(%d, %d) = %q lacks %s", d.Start, d.End, got, d.Name)
			}
		}

		formatted, err := format.Source(src)
		if err != nil {
			return
		}
		gofmted, err := Parse(formatted)
		if err != nil {
			t.Fatalf("Parse of gofmt'd source: %v\n%s", err, formatted)
		}
		if c := Changed(file, gofmted); len(c) != 0 {
			t.Fatalf("gofmt changed %q\nbefore:\n%s\nafter:\n%s", c, src, formatted)
		}
		if c := APIChanged(file, gofmted); len(c) != 0 {
			t.Fatalf("gofmt changed the API of %q\nbefore:\n%s\nafter:\n%s", c, src, formatted)
		}
		if c := Changed(gofmted, gofmted); len(c) != 0 {
			t.Fatalf("Changed(f, f) of gofmt'd source = %q", c)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
