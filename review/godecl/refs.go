package godecl

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
)

// Ref is a name a declaration refers to. ImportPath is the import path for a pkg.Name selector
// through an import (and for a name that may come from a dot import), "" for a name of the
// declaration's own package.
//
// Name is a declaration name as Decl.Name has it ("Foo", "StateDB"), or, for a method or field
// reached through a variable whose type is written in the source (a receiver, a parameter, a
// "var x T", "x := &T{}" or "x := new(T)"), "T.Sel": the source cannot tell a pointer receiver
// from a value receiver, so match it against MethodKey of a method's name.
type Ref struct{ ImportPath, Name string }

// Refs returns, for each declaration named in names (nil: all) that f has, the sorted,
// deduplicated references its signature and body make:
//
//   - pkg.Name through an import, under the import's path;
//   - identifiers of the package: those declared at the top of this file, and those declared
//     nowhere in it that are not predeclared (int, len, nil, ...), which other files of the
//     package declare; with dot imports such a name is also reported once per dot import's
//     path, since the file alone cannot tell where it comes from;
//   - x.Sel where x is a local variable of a written type T: "T.Sel" (see Ref).
//
// Locals, parameters, results, type parameters, labels, struct field names and the keys of
// struct literals are not references, nor is x.Method when x's type is unknown, nor a
// declaration's reference to itself.
//
// This is a scope walk over the syntax written by hand, because go/types needs the whole
// package and its imports, which a blob from history does not come with. It approximates: a
// literal of a named map type (M{k: v}) has its keys taken for field names, and a local whose
// type comes from a function call has no known type.
//
// src is parsed only when f carries no syntax tree (f is nil or was not made by Parse); a File
// from Parse already holds its tree.
func Refs(f *File, src []byte, names []string) map[string][]Ref {
	if f == nil || f.file == nil {
		parsed, err := Parse(src)
		if err != nil {
			return map[string][]Ref{}
		}
		f = parsed
	}
	out := map[string][]Ref{}
	want := func(string) bool { return true }
	if names != nil {
		set := make(map[string]bool, len(names))
		for _, n := range names {
			set[n] = true
		}
		want = func(n string) bool { return set[n] }
	}
	top := f.topLevel()
	for i, d := range f.Decls {
		if !want(d.Name) {
			continue
		}
		r := resolver{f: f, top: top, seen: map[Ref]bool{}}
		if d.Kind != "method" {
			r.self = baseName(d.Name)
		}
		r.decl(f.nodes[i])
		refs := make([]Ref, 0, len(r.seen))
		for ref := range r.seen {
			refs = append(refs, ref)
		}
		sort.Slice(refs, func(i, j int) bool {
			if refs[i].ImportPath != refs[j].ImportPath {
				return refs[i].ImportPath < refs[j].ImportPath
			}
			return refs[i].Name < refs[j].Name
		})
		out[d.Name] = refs
	}
	return out
}

// String formats a reference for messages: "github.com/x/y.Name" or "Name".
func (r Ref) String() string {
	if r.ImportPath == "" {
		return r.Name
	}
	return fmt.Sprintf("%s.%s", r.ImportPath, r.Name)
}

func baseName(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] == '#' {
			return name[:i]
		}
	}
	return name
}

// topLevel is the set of names the file declares at package scope (methods are not names).
func (f *File) topLevel() map[string]bool {
	top := make(map[string]bool, len(f.Decls))
	for _, d := range f.Decls {
		if d.Kind != "method" {
			top[baseName(d.Name)] = true
		}
	}
	delete(top, "_")
	delete(top, "init") // init cannot be referred to
	return top
}

// universe holds Go's predeclared identifiers.
var universe = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true, "complex64": true,
	"complex128": true, "error": true, "float32": true, "float64": true, "int": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "rune": true, "string": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"true": true, "false": true, "iota": true, "nil": true,
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true,
	"new": true, "panic": true, "print": true, "println": true, "real": true, "recover": true,
}

// local is a name declared inside a declaration, with the named type it was declared with,
// when the source says.
type local struct {
	name         string
	tpath, tname string
}

type resolver struct {
	f      *File
	top    map[string]bool
	self   string
	locals []local
	marks  []int
	seen   map[Ref]bool
}

func (r *resolver) push() { r.marks = append(r.marks, len(r.locals)) }
func (r *resolver) pop() {
	r.locals = r.locals[:r.marks[len(r.marks)-1]]
	r.marks = r.marks[:len(r.marks)-1]
}

func (r *resolver) declare(name string, tpath, tname string) {
	if name != "_" {
		r.locals = append(r.locals, local{name, tpath, tname})
	}
}

func (r *resolver) lookup(name string) (local, bool) {
	for i := len(r.locals) - 1; i >= 0; i-- {
		if r.locals[i].name == name {
			return r.locals[i], true
		}
	}
	return local{}, false
}

func (r *resolver) add(ref Ref) {
	if ref.ImportPath == "" && ref.Name == r.self {
		return
	}
	r.seen[ref] = true
}

// ident records a bare identifier that is used, not declared.
func (r *resolver) ident(name string) {
	if name == "_" {
		return
	}
	if _, ok := r.lookup(name); ok {
		return
	}
	if r.top[name] {
		r.add(Ref{Name: name})
		return
	}
	if universe[name] {
		return
	}
	r.add(Ref{Name: name})
	for _, p := range r.f.dotImports {
		r.add(Ref{ImportPath: p, Name: name})
	}
}

// pkgOf reports the import path a selector's operand names, if it names an import.
func (r *resolver) pkgOf(name string) (string, bool) {
	if _, ok := r.lookup(name); ok || r.top[name] {
		return "", false
	}
	if p, ok := r.f.Imports[name]; ok {
		return p, true
	}
	if universe[name] {
		return "", false
	}
	return r.f.importFor(name)
}

// named reports the named type a type expression denotes, through pointers, parentheses and
// type arguments: *T, pkg.T, List[int].
func (r *resolver) named(e ast.Expr) (tpath, tname string, ok bool) {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			if _, isLocal := r.lookup(t.Name); isLocal || (universe[t.Name] && !r.top[t.Name]) {
				return "", "", false
			}
			return "", t.Name, true
		case *ast.SelectorExpr:
			id, isIdent := t.X.(*ast.Ident)
			if !isIdent {
				return "", "", false
			}
			p, isPkg := r.pkgOf(id.Name)
			return p, t.Sel.Name, isPkg
		default:
			return "", "", false
		}
	}
}

// typeOfValue reports the named type of a value when the expression spells it out:
// T{...}, &T{...}, new(T).
func (r *resolver) typeOfValue(e ast.Expr) (tpath, tname string, ok bool) {
	switch v := e.(type) {
	case *ast.CompositeLit:
		return r.named(v.Type)
	case *ast.UnaryExpr:
		if cl, isLit := v.X.(*ast.CompositeLit); isLit && v.Op == token.AND {
			return r.named(cl.Type)
		}
	case *ast.CallExpr:
		if id, isIdent := v.Fun.(*ast.Ident); isIdent && id.Name == "new" && len(v.Args) == 1 {
			if _, isLocal := r.lookup("new"); !isLocal && !r.top["new"] {
				return r.named(v.Args[0])
			}
		}
	}
	return "", "", false
}

func (r *resolver) decl(n declNode) {
	switch {
	case n.fn != nil:
		r.funcDecl(n.fn)
	case n.spec != nil:
		switch s := n.spec.(type) {
		case *ast.TypeSpec:
			r.push()
			r.typeParams(s.TypeParams)
			r.expr(s.Type)
			r.pop()
		case *ast.ValueSpec:
			r.expr(s.Type)
			r.exprs(s.Values)
			if n.implied != nil {
				r.expr(n.implied.Type)
				r.exprs(n.implied.Values)
			}
		}
	}
}

func (r *resolver) funcDecl(d *ast.FuncDecl) {
	r.push()
	defer r.pop()
	if d.Recv != nil && len(d.Recv.List) > 0 {
		recv := d.Recv.List[0]
		// The receiver's type parameters: func (l *List[T]) declares T.
		base := recv.Type
		for {
			if p, ok := base.(*ast.ParenExpr); ok {
				base = p.X
			} else if s, ok := base.(*ast.StarExpr); ok {
				base = s.X
			} else {
				break
			}
		}
		switch t := base.(type) {
		case *ast.IndexExpr:
			if id, ok := t.Index.(*ast.Ident); ok {
				r.declare(id.Name, "", "")
			}
		case *ast.IndexListExpr:
			for _, x := range t.Indices {
				if id, ok := x.(*ast.Ident); ok {
					r.declare(id.Name, "", "")
				}
			}
		}
		r.fields(d.Recv, true)
	}
	r.typeParams(d.Type.TypeParams)
	r.fields(d.Type.Params, true)
	r.fields(d.Type.Results, true)
	if d.Body != nil {
		r.stmts(d.Body.List)
	}
}

// typeParams declares type parameters before walking their constraints, which may mention
// each other.
func (r *resolver) typeParams(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		for _, n := range f.Names {
			r.declare(n.Name, "", "")
		}
	}
	for _, f := range fl.List {
		r.expr(f.Type)
	}
}

// fields walks the types of a parameter list and, with declare, brings its names into scope.
func (r *resolver) fields(fl *ast.FieldList, declare bool) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		r.expr(f.Type)
	}
	if !declare {
		return
	}
	for _, f := range fl.List {
		tpath, tname, _ := r.named(f.Type)
		for _, n := range f.Names {
			r.declare(n.Name, tpath, tname)
		}
	}
}

func (r *resolver) exprs(list []ast.Expr) {
	for _, e := range list {
		r.expr(e)
	}
}

func (r *resolver) expr(e ast.Expr) {
	switch t := e.(type) {
	case nil, *ast.BasicLit, *ast.BadExpr:
	case *ast.Ident:
		r.ident(t.Name)
	case *ast.SelectorExpr:
		id, ok := t.X.(*ast.Ident)
		if !ok {
			r.expr(t.X) // x.f.Sel: the type of x.f is unknown, so Sel is no reference
			return
		}
		if l, isLocal := r.lookup(id.Name); isLocal {
			if l.tname != "" {
				r.add(Ref{ImportPath: l.tpath, Name: l.tname + "." + t.Sel.Name})
			}
			return
		}
		if p, isPkg := r.pkgOf(id.Name); isPkg {
			r.add(Ref{ImportPath: p, Name: t.Sel.Name})
			return
		}
		r.ident(id.Name)
	case *ast.CompositeLit:
		r.compositeLit(t, nil)
	case *ast.FuncLit:
		r.push()
		r.fields(t.Type.Params, true)
		r.fields(t.Type.Results, true)
		if t.Body != nil {
			r.stmts(t.Body.List)
		}
		r.pop()
	case *ast.ParenExpr:
		r.expr(t.X)
	case *ast.StarExpr:
		r.expr(t.X)
	case *ast.UnaryExpr:
		r.expr(t.X)
	case *ast.BinaryExpr:
		r.expr(t.X)
		r.expr(t.Y)
	case *ast.KeyValueExpr:
		r.expr(t.Key)
		r.expr(t.Value)
	case *ast.IndexExpr:
		r.expr(t.X)
		r.expr(t.Index)
	case *ast.IndexListExpr:
		r.expr(t.X)
		r.exprs(t.Indices)
	case *ast.SliceExpr:
		r.expr(t.X)
		r.expr(t.Low)
		r.expr(t.High)
		r.expr(t.Max)
	case *ast.TypeAssertExpr:
		r.expr(t.X)
		r.expr(t.Type)
	case *ast.CallExpr:
		r.expr(t.Fun)
		r.exprs(t.Args)
	case *ast.Ellipsis:
		r.expr(t.Elt)
	case *ast.ArrayType:
		r.expr(t.Len)
		r.expr(t.Elt)
	case *ast.MapType:
		r.expr(t.Key)
		r.expr(t.Value)
	case *ast.ChanType:
		r.expr(t.Value)
	case *ast.FuncType:
		r.push() // parameter names in a func type name nothing
		r.typeParams(t.TypeParams)
		r.fields(t.Params, false)
		r.fields(t.Results, false)
		r.pop()
	case *ast.StructType:
		r.fields(t.Fields, false)
	case *ast.InterfaceType:
		r.fields(t.Methods, false)
	}
}

// compositeLit walks a literal whose type is lit.Type or, when elided inside an outer literal,
// elided. Identifier keys of a struct literal are field names, not references.
func (r *resolver) compositeLit(lit *ast.CompositeLit, elided ast.Expr) {
	typ := lit.Type
	if typ == nil {
		typ = elided
	} else {
		r.expr(typ)
	}
	for {
		if s, ok := typ.(*ast.StarExpr); ok {
			typ = s.X
		} else if p, ok := typ.(*ast.ParenExpr); ok {
			typ = p.X
		} else {
			break
		}
	}
	var keyType, elemType ast.Expr
	fieldKeys := true
	switch t := typ.(type) {
	case *ast.MapType:
		keyType, elemType, fieldKeys = t.Key, t.Value, false
	case *ast.ArrayType:
		elemType, fieldKeys = t.Elt, false
	}
	value := func(e, typ ast.Expr) {
		if cl, ok := e.(*ast.CompositeLit); ok && cl.Type == nil {
			r.compositeLit(cl, typ)
			return
		}
		r.expr(e)
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			value(elt, elemType)
			continue
		}
		if _, isIdent := kv.Key.(*ast.Ident); !isIdent || !fieldKeys {
			value(kv.Key, keyType)
		}
		value(kv.Value, elemType)
	}
}

func (r *resolver) stmts(list []ast.Stmt) {
	for _, s := range list {
		r.stmt(s)
	}
}

func (r *resolver) block(b *ast.BlockStmt) {
	if b == nil {
		return
	}
	r.push()
	r.stmts(b.List)
	r.pop()
}

func (r *resolver) stmt(s ast.Stmt) {
	switch t := s.(type) {
	case nil, *ast.EmptyStmt, *ast.BadStmt, *ast.BranchStmt:
	case *ast.BlockStmt:
		r.block(t)
	case *ast.ExprStmt:
		r.expr(t.X)
	case *ast.SendStmt:
		r.expr(t.Chan)
		r.expr(t.Value)
	case *ast.IncDecStmt:
		r.expr(t.X)
	case *ast.AssignStmt:
		r.exprs(t.Rhs) // x := x refers to the outer x
		if t.Tok != token.DEFINE {
			r.exprs(t.Lhs)
			return
		}
		for i, l := range t.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				r.expr(l)
				continue
			}
			var tpath, tname string
			if len(t.Lhs) == len(t.Rhs) {
				tpath, tname, _ = r.typeOfValue(t.Rhs[i])
			}
			r.declare(id.Name, tpath, tname)
		}
	case *ast.GoStmt:
		r.expr(t.Call)
	case *ast.DeferStmt:
		r.expr(t.Call)
	case *ast.ReturnStmt:
		r.exprs(t.Results)
	case *ast.LabeledStmt:
		r.stmt(t.Stmt)
	case *ast.DeclStmt:
		r.localDecl(t)
	case *ast.IfStmt:
		r.push()
		r.stmt(t.Init)
		r.expr(t.Cond)
		r.block(t.Body)
		r.stmt(t.Else)
		r.pop()
	case *ast.SwitchStmt:
		r.push()
		r.stmt(t.Init)
		r.expr(t.Tag)
		r.block(t.Body)
		r.pop()
	case *ast.TypeSwitchStmt:
		r.push()
		r.stmt(t.Init)
		bound := ""
		switch a := t.Assign.(type) {
		case *ast.AssignStmt: // switch v := x.(type)
			r.exprs(a.Rhs)
			if len(a.Lhs) == 1 {
				if id, ok := a.Lhs[0].(*ast.Ident); ok {
					bound = id.Name
				}
			}
		default:
			r.stmt(a)
		}
		if t.Body != nil {
			for _, c := range t.Body.List {
				cc, ok := c.(*ast.CaseClause)
				if !ok {
					continue
				}
				r.push()
				r.exprs(cc.List)
				if bound != "" {
					var tpath, tname string
					if len(cc.List) == 1 {
						tpath, tname, _ = r.named(cc.List[0])
					}
					r.declare(bound, tpath, tname)
				}
				r.stmts(cc.Body)
				r.pop()
			}
		}
		r.pop()
	case *ast.CaseClause:
		r.push()
		r.exprs(t.List)
		r.stmts(t.Body)
		r.pop()
	case *ast.SelectStmt:
		r.block(t.Body)
	case *ast.CommClause:
		r.push()
		r.stmt(t.Comm)
		r.stmts(t.Body)
		r.pop()
	case *ast.ForStmt:
		r.push()
		r.stmt(t.Init)
		r.expr(t.Cond)
		r.stmt(t.Post)
		r.block(t.Body)
		r.pop()
	case *ast.RangeStmt:
		r.expr(t.X)
		r.push()
		if t.Tok == token.DEFINE {
			for _, e := range []ast.Expr{t.Key, t.Value} {
				if id, ok := e.(*ast.Ident); ok {
					r.declare(id.Name, "", "")
				}
			}
		} else {
			r.expr(t.Key)
			r.expr(t.Value)
		}
		r.block(t.Body)
		r.pop()
	}
}

// localDecl handles var, const and type declarations inside a function body.
func (r *resolver) localDecl(s *ast.DeclStmt) {
	gd, ok := s.Decl.(*ast.GenDecl)
	if !ok {
		return
	}
	for _, spec := range gd.Specs {
		switch sp := spec.(type) {
		case *ast.TypeSpec:
			r.declare(sp.Name.Name, "", "") // in scope in its own definition
			r.push()
			r.typeParams(sp.TypeParams)
			r.expr(sp.Type)
			r.pop()
		case *ast.ValueSpec:
			r.expr(sp.Type)
			r.exprs(sp.Values)
			tpath, tname, _ := r.named(sp.Type)
			for i, n := range sp.Names {
				p, t := tpath, tname
				if sp.Type == nil && len(sp.Names) == len(sp.Values) {
					p, t, _ = r.typeOfValue(sp.Values[i])
				}
				r.declare(n.Name, p, t)
			}
		}
	}
}
