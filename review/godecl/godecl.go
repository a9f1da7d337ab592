// Package godecl finds the top-level declarations of one Go source file, so forkreview can say
// which functions, methods, types, variables and constants a change touched, whether a change
// altered a declaration's API, and which names a declaration refers to (for API drift).
//
// It works on go/parser's syntax tree of a single file: no type checking and no loading of
// imports, so any blob from history can be parsed on its own, in about a millisecond for a
// thousand lines.
//
// Naming, so that the same declaration has the same name in every version of a file:
//
//   - funcs, types, vars and consts by their name: "Foo";
//   - methods by receiver and name: "(*StateDB).Copy" for a pointer receiver, "StateDB.Copy" for
//     a value receiver; a generic receiver loses its type parameters: "(*List[T]).Push" is
//     "(*List).Push";
//   - a name declared more than once in the file (several init funcs, several "var _ I = ..."
//     assertions) is numbered by order of appearance: "init", "init#2", "init#3". Inserting a
//     new init before the others therefore renames them; that is rare and only makes a change
//     look larger than it is.
//
// A change is a change of the declaration's tokens: comments (the doc comment and comments
// inside the body) and layout (whitespace, line breaks, trailing commas) do not count, so a
// gofmt run or a reworded comment changes nothing. A constant whose value is implied by the
// group (const ( A = iota; B )) also changes when the expression it repeats or its position in
// the group changes, because its value does.
package godecl

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/printer"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// Decl is one top-level declaration of a Go file.
type Decl struct {
	// Name identifies the declaration within its package; see the package comment.
	Name string
	// Kind is "func", "method", "type", "var" or "const".
	Kind string
	// Start and End are the 1-based, inclusive line range, including the doc comment.
	Start, End int
	// Source is the declaration's text without its doc comment. For a spec of a grouped
	// var/const/type block it is the spec alone ("A = 1", not "const ( ... )").
	Source string
	// API is the declaration's normalized shape, compared by APIChanged:
	//   - func and method: the signature with parameter names dropped, so renaming a
	//     parameter is not drift: "func Foo(int, ...string) (bool, error)",
	//     "func (*StateDB) Copy() *StateDB", "func Map[T any](T) T";
	//   - type: the type with struct field names, types and tags in order, and interface
	//     elements sorted (their order does not matter): "type T struct{A int; B string \"b\"}";
	//   - var and const: the declared type when it is written (or implied by the group for a
	//     const), else "".
	API string
}

// File is a parsed Go file's declarations. A File is immutable after Parse and safe for
// concurrent use. It keeps the syntax tree, so that Refs and Changed need no second parse; that
// costs about eight times the source's size in memory (1 MB for go-ethereum's 120 KB
// core/blockchain.go), which a cache of Files should bound.
type File struct {
	Package string
	// Imports maps the name a file uses for an import to its path. An import without a name is
	// listed under the name its path suggests (see assumedName); blank (_) and dot (.) imports
	// are not listed, since no selector can name them.
	Imports map[string]string
	Decls   []Decl

	index map[string]int // Decl name -> index in Decls
	keys  [][32]byte     // per Decl: hash of its normalized tokens, compared by Changed
	skels []uint64       // per Decl: hash of those tokens without ( ) ; , (see skeleton)
	nodes []declNode     // per Decl: its syntax, for Refs

	fset       *token.FileSet
	file       *ast.File
	dotImports []string // paths of dot imports
	unnamed    []string // paths of imports without a name, in source order
}

// declNode is the syntax behind one Decl.
type declNode struct {
	fn   *ast.FuncDecl
	tok  token.Token // for a spec: VAR, CONST or TYPE
	spec ast.Spec    // *ast.TypeSpec or *ast.ValueSpec
	// implied is, for a const spec without values in a group, the earlier spec whose type
	// and values it repeats.
	implied *ast.ValueSpec
	// iota is the spec's index in its group when its value depends on it (its expression, or
	// the one it repeats, mentions iota), else -1.
	iota int
}

// key is the text Changed compares, given a way to render a node: the declaration itself, and
// for a spec the keyword (moving "var x = 1" into a "var (...)" group changes nothing), the
// expression a const repeats and its position when iota makes its value depend on that.
func (n declNode) key(render func(ast.Node) string) string {
	if n.fn != nil {
		return render(n.fn)
	}
	k := n.tok.String() + " " + render(n.spec)
	if n.implied != nil {
		k += " = " + render(n.implied)
	}
	if n.iota >= 0 {
		k += " @iota " + strconv.Itoa(n.iota)
	}
	return k
}

// printedKey is key on the declaration as gofmt prints it. Changed falls back to it when the
// tokens differ, for the few rewrites gofmt makes beyond layout (it drops the parentheses of
// "if (x) {" and of "func F() ()", and the empty statements of "{ ; }"); it only runs for
// declarations whose tokens differ, which are few.
func (f *File) printedKey(i int) string {
	return f.nodes[i].key(func(n ast.Node) string {
		var buf bytes.Buffer
		if err := printer.Fprint(&buf, f.fset, n); err != nil {
			return "" // cannot happen for a node of a parsed file; "" compares unequal
		}
		return newTokens(buf.Bytes(), 0).text(0, buf.Len())
	})
}

// Parse parses a Go source file. It fails when the file does not parse or carries a malformed
// //go:build or // +build line (the go command rejects such a file too); callers then fall back
// to comparing lines.
func Parse(src []byte) (*File, error) {
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse go file: %w", err)
	}
	if err := checkBuildLines(af); err != nil {
		return nil, err
	}
	tf := fset.File(af.Pos())
	text := string(src) // one copy; every Source is a substring of it
	toks := newTokens(src, tf.Base())

	f := &File{
		Package: af.Name.Name,
		Imports: map[string]string{},
		index:   map[string]int{},
		fset:    fset,
		file:    af,
	}
	for _, imp := range af.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("parse go file: import path %s: %w", imp.Path.Value, err)
		}
		switch {
		case imp.Name == nil:
			f.Imports[assumedName(p)] = p
			f.unnamed = append(f.unnamed, p)
		case imp.Name.Name == ".":
			f.dotImports = append(f.dotImports, p)
		case imp.Name.Name == "_":
		default:
			f.Imports[imp.Name.Name] = p
		}
	}

	// Lines as in the blob, ignoring //line directives.
	line := func(p token.Pos) int { return tf.PositionFor(p, false).Line }
	off := func(p token.Pos) int { return tf.Offset(p) }
	seen := map[string]int{}
	add := func(d Decl, n declNode, key string) {
		seen[d.Name]++
		if k := seen[d.Name]; k > 1 {
			d.Name += "#" + strconv.Itoa(k)
		}
		f.index[d.Name] = len(f.Decls)
		f.Decls = append(f.Decls, d)
		f.keys = append(f.keys, sha256.Sum256([]byte(key)))
		f.skels = append(f.skels, skeleton(key))
		f.nodes = append(f.nodes, n)
	}

	for _, decl := range af.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			start := d.Pos()
			if d.Doc != nil {
				start = d.Doc.Pos()
			}
			from, to := off(d.Pos()), off(d.End())
			name, kind := funcName(d, toks), "func"
			if d.Recv != nil {
				kind = "method"
			}
			add(Decl{
				Name:   name,
				Kind:   kind,
				Start:  line(start),
				End:    line(d.End()),
				Source: text[from:to],
				API:    funcAPI(d, toks),
			}, declNode{fn: d}, toks.text(from, to))

		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			grouped := d.Lparen.IsValid()
			var implied *ast.ValueSpec // const: the last spec with values
			for i, spec := range d.Specs {
				// A spec of a group stands alone; a lone spec is the whole "var x = 1".
				start, from, end := spec.Pos(), spec.Pos(), spec.End()
				if doc := specDoc(spec); grouped && doc != nil {
					start = doc.Pos()
				}
				if !grouped {
					start, from, end = d.Pos(), d.Pos(), d.End()
					if d.Doc != nil {
						start = d.Doc.Pos()
					}
				}
				base := Decl{Start: line(start), End: line(end), Source: text[off(from):off(end)]}

				switch s := spec.(type) {
				case *ast.TypeSpec:
					d := base
					d.Name, d.Kind, d.API = s.Name.Name, "type", typeAPI(s, toks)
					n := declNode{tok: token.TYPE, spec: s, iota: -1}
					add(d, n, n.key(toks.nodeText))
				case *ast.ValueSpec:
					n := declNode{tok: d.Tok, spec: s, iota: -1}
					kind, typ := "var", s.Type
					if d.Tok == token.CONST {
						kind = "const"
						if len(s.Values) > 0 || s.Type != nil {
							implied = s
						} else if implied != nil {
							n.implied, typ = implied, implied.Type
						}
						if mentionsIota(s.Values) || (n.implied != nil && mentionsIota(n.implied.Values)) {
							n.iota = i
						}
					}
					api := ""
					if typ != nil {
						api = typeString(typ, toks)
					}
					key := n.key(toks.nodeText)
					for _, id := range s.Names {
						d := base
						d.Name, d.Kind, d.API = id.Name, kind, api
						add(d, n, key)
					}
				}
			}
		}
	}
	return f, nil
}

// checkBuildLines rejects a file whose build constraints do not parse. Only comments above the
// package clause can be constraints.
func checkBuildLines(af *ast.File) error {
	for _, cg := range af.Comments {
		if cg.Pos() >= af.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) || constraint.IsPlusBuild(c.Text) {
				if _, err := constraint.Parse(c.Text); err != nil {
					return fmt.Errorf("parse go file: build constraint %q: %w", c.Text, err)
				}
			}
		}
	}
	return nil
}

func specDoc(s ast.Spec) *ast.CommentGroup {
	switch s := s.(type) {
	case *ast.TypeSpec:
		return s.Doc
	case *ast.ValueSpec:
		return s.Doc
	}
	return nil
}

func mentionsIota(exprs []ast.Expr) bool {
	found := false
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "iota" {
				found = true
			}
			return !found
		})
	}
	return found
}

// funcName names a func or method as described in the package comment.
func funcName(d *ast.FuncDecl, toks tokens) string {
	if d.Recv == nil {
		return d.Name.Name
	}
	if len(d.Recv.List) == 0 {
		return "(?)." + d.Name.Name // "func () M()" parses; the type checker rejects it
	}
	base, ptr := recvBase(d.Recv.List[0].Type)
	var typ string
	if id, ok := base.(*ast.Ident); ok {
		typ = id.Name
	} else {
		typ = toks.text(toks.offset(base.Pos()), toks.offset(base.End()))
	}
	if ptr {
		return "(*" + typ + ")." + d.Name.Name
	}
	return typ + "." + d.Name.Name
}

// recvBase strips a receiver type down to the type's name: parentheses, the pointer and the
// type parameters go.
func recvBase(e ast.Expr) (base ast.Expr, ptr bool) {
	for {
		switch t := e.(type) {
		case *ast.ParenExpr:
			e = t.X
		case *ast.StarExpr:
			ptr = true
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		default:
			return e, ptr
		}
	}
}

// Lookup returns the declaration with the given name.
func (f *File) Lookup(name string) (Decl, bool) {
	if f == nil {
		return Decl{}, false
	}
	i, ok := f.index[name]
	if !ok {
		return Decl{}, false
	}
	return f.Decls[i], true
}

// DeclsAt returns the names of the declarations whose line range intersects [start, end]
// (1-based, inclusive), in source order. It maps a diff hunk to the declarations it touches; a
// hunk between declarations (blank lines, imports, the group's own "var (" line) touches none.
// A hunk in a doc comment touches its declaration here, though Changed does not count it.
func (f *File) DeclsAt(start, end int) []string {
	if f == nil {
		return nil
	}
	var names []string
	for _, d := range f.Decls {
		if d.Start <= end && start <= d.End {
			names = append(names, d.Name)
		}
	}
	return names
}

// Changed returns, sorted, the names of the declarations that new adds, that old has and new
// lacks, and that both have with different tokens (comments and layout do not count). Either
// side may be nil for a file added or deleted.
func Changed(old, new *File) []string {
	var names []string
	if old != nil {
		for i, d := range old.Decls {
			j, ok := new.lookupIndex(d.Name)
			if !ok || (new.keys[j] != old.keys[i] && (new.skels[j] != old.skels[i] || !samePrinted(old, i, new, j))) {
				names = append(names, d.Name)
			}
		}
	}
	if new != nil {
		for _, d := range new.Decls {
			if _, ok := old.lookupIndex(d.Name); !ok {
				names = append(names, d.Name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// skeleton hashes a key without its standalone "(", ")", ";" and "," fields. gofmt's rewrites
// beyond layout (see printedKey) only add or drop those tokens and keep every other token in
// order, so two declarations whose skeletons differ cannot print the same: Changed skips the
// costly printing for them, which is nearly every changed declaration. Hand-written: a 64-bit
// FNV-1a over the kept fields, each followed by a space; a collision only costs a print.
func skeleton(key string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for len(key) > 0 {
		f := key
		if i := strings.IndexByte(key, ' '); i >= 0 {
			f, key = key[:i], key[i+1:]
		} else {
			key = ""
		}
		switch f {
		case "", "(", ")", ";", ",":
			continue
		}
		for i := 0; i < len(f); i++ {
			h = (h ^ uint64(f[i])) * prime
		}
		h = (h ^ ' ') * prime
	}
	return h
}

func samePrinted(a *File, i int, b *File, j int) bool {
	ka := a.printedKey(i)
	return ka != "" && ka == b.printedKey(j)
}

// APIChanged returns, sorted, the names of the declarations whose API old and new disagree on:
// those present in both with a different Kind or API, and those old has and new lacks (a
// removed or renamed func breaks its callers). Additions are not drift. Either side may be nil.
func APIChanged(old, new *File) []string {
	if old == nil {
		return nil
	}
	var names []string
	for _, d := range old.Decls {
		j, ok := new.lookupIndex(d.Name)
		if !ok || new.Decls[j].Kind != d.Kind || new.Decls[j].API != d.API {
			names = append(names, d.Name)
		}
	}
	sort.Strings(names)
	return names
}

func (f *File) lookupIndex(name string) (int, bool) {
	if f == nil {
		return 0, false
	}
	i, ok := f.index[name]
	return i, ok
}

// MethodKey maps a method's Decl name to the form Refs uses for a method reached through a
// variable of known type, which cannot tell a pointer receiver from a value receiver:
// "(*StateDB).Copy" and "StateDB.Copy" both become "StateDB.Copy". Other names are returned
// unchanged, without any "#n" suffix.
func MethodKey(name string) string {
	if i := strings.IndexByte(name, '#'); i >= 0 {
		name = name[:i]
	}
	if strings.HasPrefix(name, "(*") {
		if i := strings.Index(name, ")."); i > 0 {
			return name[2:i] + "." + name[i+2:]
		}
	}
	return name
}
