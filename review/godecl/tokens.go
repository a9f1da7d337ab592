package godecl

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// tokens is a file's token stream without comments, the basis of the layout-blind comparison.
//
// Written by hand because go/printer keeps the source's line breaks (a call split over two lines
// prints differently from the same call on one line) and prints comments only through
// CommentedNode, while a plain token stream is blind to layout and comments by construction and
// costs one pass of go/scanner over the file.
type tokens struct {
	base int // token.Pos of offset 0 in the parser's FileSet
	list []tok
}

type tok struct {
	off int
	tok token.Token
	lit string // for identifiers and literals
}

func scanTokens(src []byte, base int) tokens {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0) // mode 0: comments are skipped
	list := make([]tok, 0, len(src)/5)
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		if !t.IsLiteral() {
			lit = ""
		}
		list = append(list, tok{off: file.Offset(pos), tok: t, lit: lit})
	}
	return tokens{base: base, list: list}
}

// offset converts a position of the parser's FileSet to a byte offset in the source.
func (ts tokens) offset(p token.Pos) int { return int(p) - ts.base }

// nodeText is text over a node's range.
func (ts tokens) nodeText(n ast.Node) string { return ts.text(ts.offset(n.Pos()), ts.offset(n.End())) }

// text returns the tokens within the byte range [from, to) as one line, single spaces between
// tokens. Automatic and explicit semicolons are the same token; a semicolon before a closing
// bracket or at the end, and a comma before a closing bracket, are dropped, since gofmt adds and
// removes them with the layout. Number literals are normalized as gofmt does.
func (ts tokens) text(from, to int) string {
	i := sort.Search(len(ts.list), func(i int) bool { return ts.list[i].off >= from })
	var b strings.Builder
	var pending token.Token // a SEMICOLON or COMMA waiting for what follows
	for ; i < len(ts.list) && ts.list[i].off < to; i++ {
		t := ts.list[i]
		closing := t.tok == token.RPAREN || t.tok == token.RBRACE || t.tok == token.RBRACK
		if pending != token.ILLEGAL && !closing {
			b.WriteString(" ")
			b.WriteString(pending.String())
		}
		pending = token.ILLEGAL
		if t.tok == token.SEMICOLON || t.tok == token.COMMA {
			pending = t.tok
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		switch {
		case t.tok == token.INT || t.tok == token.FLOAT || t.tok == token.IMAG:
			b.WriteString(normNumber(t.lit))
		case t.lit != "":
			b.WriteString(t.lit)
		default:
			b.WriteString(t.tok.String())
		}
	}
	return b.String()
}

// normNumber mirrors go/printer's normalizedNumber closely enough for comparison: letters in
// lower case (0X1F and 0x1f, 1E3 and 1e3 are the same number) and no leading zeros in an integer
// imaginary literal (0765i is 765i).
func normNumber(lit string) string {
	x := strings.ToLower(lit)
	if len(x) < 2 {
		return x
	}
	switch x[:2] {
	case "0x", "0o", "0b":
		return x
	}
	if x[len(x)-1] == 'i' && !strings.ContainsAny(x, ".e") {
		x = strings.TrimLeft(x, "0_")
		if x == "i" {
			x = "0i"
		}
	}
	return x
}
