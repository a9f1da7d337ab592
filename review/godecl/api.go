package godecl

import (
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// The API strings are written by hand rather than with go/printer or types.ExprString because
// they must drop what is not API (parameter names, comments, layout, the order of interface
// methods) while keeping what is (struct tags, which types.ExprString omits).

// funcAPI is a func's or method's signature without parameter names:
// "func (*T) Name[P any](int, ...string) (bool, error)".
func funcAPI(d *ast.FuncDecl, toks tokens) string {
	w := apiWriter{toks: toks}
	w.str("func ")
	if d.Recv != nil {
		w.str("(")
		if len(d.Recv.List) > 0 {
			w.typ(d.Recv.List[0].Type)
		}
		w.str(") ")
	}
	w.str(d.Name.Name)
	w.typeParams(d.Type.TypeParams)
	w.signature(d.Type)
	return w.b.String()
}

// typeAPI is a type spec's shape: "type T[P any] struct{A int; B string \"json:\\\"b\\\"\"}",
// "type A = B".
func typeAPI(s *ast.TypeSpec, toks tokens) string {
	w := apiWriter{toks: toks}
	w.str("type ")
	w.str(s.Name.Name)
	w.typeParams(s.TypeParams)
	if s.Assign.IsValid() {
		w.str(" =")
	}
	w.str(" ")
	w.typ(s.Type)
	return w.b.String()
}

// typeString is the normalized text of a type expression.
func typeString(e ast.Expr, toks tokens) string {
	w := apiWriter{toks: toks}
	w.typ(e)
	return w.b.String()
}

type apiWriter struct {
	toks tokens
	b    strings.Builder
}

func (w *apiWriter) str(s string) { w.b.WriteString(s) }

// expr writes an expression that is not a type (an array length) as its tokens.
func (w *apiWriter) expr(e ast.Expr) {
	w.str(w.toks.text(w.toks.offset(e.Pos()), w.toks.offset(e.End())))
}

func (w *apiWriter) typeParams(fl *ast.FieldList) {
	if fl == nil || len(fl.List) == 0 {
		return
	}
	w.str("[")
	for i, f := range fl.List {
		if i > 0 {
			w.str(", ")
		}
		for j, n := range f.Names {
			if j > 0 {
				w.str(", ")
			}
			w.str(n.Name)
			w.str(" ")
			w.typ(f.Type)
		}
	}
	w.str("]")
}

// signature writes "(params) results" with parameter names dropped: each name stands for one
// parameter of the field's type, so "a, b int" is "int, int".
func (w *apiWriter) signature(ft *ast.FuncType) {
	w.str("(")
	w.fieldTypes(ft.Params)
	w.str(")")
	if n := countFields(ft.Results); n == 1 {
		w.str(" ")
		w.fieldTypes(ft.Results)
	} else if n > 1 {
		w.str(" (")
		w.fieldTypes(ft.Results)
		w.str(")")
	}
}

func countFields(fl *ast.FieldList) int {
	if fl == nil {
		return 0
	}
	n := 0
	for _, f := range fl.List {
		n += max(1, len(f.Names))
	}
	return n
}

func (w *apiWriter) fieldTypes(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	first := true
	for _, f := range fl.List {
		for range max(1, len(f.Names)) {
			if !first {
				w.str(", ")
			}
			first = false
			w.typ(f.Type)
		}
	}
}

func (w *apiWriter) typ(e ast.Expr) {
	switch t := e.(type) {
	case nil:
	case *ast.Ident:
		w.str(t.Name)
	case *ast.SelectorExpr:
		w.typ(t.X)
		w.str(".")
		w.str(t.Sel.Name)
	case *ast.ParenExpr:
		// Parentheses only group in a type, and the canonical text needs none: chan (<-chan T)
		// is written "chan <-chan T", which "chan<- chan T" does not collide with.
		w.typ(t.X)
	case *ast.StarExpr:
		w.str("*")
		w.typ(t.X)
	case *ast.Ellipsis:
		w.str("...")
		w.typ(t.Elt)
	case *ast.ArrayType:
		w.str("[")
		switch l := t.Len.(type) {
		case nil:
		case *ast.Ellipsis:
			w.str("...")
		default:
			w.expr(l)
		}
		w.str("]")
		w.typ(t.Elt)
	case *ast.MapType:
		w.str("map[")
		w.typ(t.Key)
		w.str("]")
		w.typ(t.Value)
	case *ast.ChanType:
		switch t.Dir {
		case ast.RECV:
			w.str("<-chan ")
		case ast.SEND:
			w.str("chan<- ")
		default:
			w.str("chan ")
		}
		w.typ(t.Value)
	case *ast.FuncType:
		w.str("func")
		w.typeParams(t.TypeParams)
		w.signature(t)
	case *ast.StructType:
		w.structType(t)
	case *ast.InterfaceType:
		w.interfaceType(t)
	case *ast.IndexExpr:
		w.typ(t.X)
		w.str("[")
		w.typ(t.Index)
		w.str("]")
	case *ast.IndexListExpr:
		w.typ(t.X)
		w.str("[")
		for i, x := range t.Indices {
			if i > 0 {
				w.str(", ")
			}
			w.typ(x)
		}
		w.str("]")
	case *ast.UnaryExpr: // ~T in a constraint
		w.str(t.Op.String())
		w.typ(t.X)
	case *ast.BinaryExpr: // A | B in a constraint
		w.typ(t.X)
		w.str(" " + t.Op.String() + " ")
		w.typ(t.Y)
	default:
		w.expr(e)
	}
}

// structType writes the fields in order (order is layout, and positional literals and
// encodings such as RLP depend on it), one per name, with tags unquoted and requoted so that
// `json:"a"` and "json:\"a\"" agree.
func (w *apiWriter) structType(t *ast.StructType) {
	w.str("struct{")
	first := true
	field := func(name string, f *ast.Field) {
		if !first {
			w.str("; ")
		}
		first = false
		if name != "" {
			w.str(name + " ")
		}
		w.typ(f.Type)
		if f.Tag != nil {
			w.str(" " + normTag(f.Tag))
		}
	}
	if t.Fields != nil {
		for _, f := range t.Fields.List {
			if len(f.Names) == 0 {
				field("", f)
			}
			for _, n := range f.Names {
				field(n.Name, f)
			}
		}
	}
	w.str("}")
}

func normTag(lit *ast.BasicLit) string {
	if lit.Kind != token.STRING {
		return lit.Value
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return lit.Value
	}
	return strconv.Quote(s)
}

// interfaceType writes the methods and embedded elements sorted: their order is not API.
func (w *apiWriter) interfaceType(t *ast.InterfaceType) {
	var elems []string
	if t.Methods != nil {
		for _, f := range t.Methods.List {
			sub := apiWriter{toks: w.toks}
			ft, isFunc := f.Type.(*ast.FuncType)
			if len(f.Names) == 0 || !isFunc {
				sub.typ(f.Type)
				elems = append(elems, sub.b.String())
				continue
			}
			sub.signature(ft)
			for _, n := range f.Names {
				elems = append(elems, n.Name+sub.b.String())
			}
		}
	}
	sort.Strings(elems)
	w.str("interface{")
	w.str(strings.Join(elems, "; "))
	w.str("}")
}
