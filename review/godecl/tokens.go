package godecl

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"strings"
)

// tokens renders byte ranges of a file as their token stream without comments, the basis of
// the layout-blind comparison.
//
// Written by hand because go/printer keeps the source's line breaks (a call split over two lines
// prints differently from the same call on one line) and prints comments only through
// CommentedNode, while a plain token stream is blind to layout and comments by construction and
// costs one pass of go/scanner over the range.
type tokens struct {
	src  []byte
	base int // token.Pos of offset 0 in the parser's FileSet
	fset *token.FileSet
}

func newTokens(src []byte, base int) tokens {
	return tokens{src: src, base: base, fset: token.NewFileSet()}
}

// offset converts a position of the parser's FileSet to a byte offset in the source.
func (ts tokens) offset(p token.Pos) int { return int(p) - ts.base }

// nodeText is text over a node's range.
func (ts tokens) nodeText(n ast.Node) string { return ts.text(ts.offset(n.Pos()), ts.offset(n.End())) }

// text returns the tokens within the byte range [from, to), which must start and end at token
// boundaries, as one line with single spaces between tokens. Automatic and explicit semicolons
// are the same token; a semicolon before a closing bracket or at the end, and a comma before a
// closing bracket, are dropped, since gofmt adds and removes them with the layout. Number
// literals are normalized as gofmt does.
func (ts tokens) text(from, to int) string {
	from, to = max(from, 0), min(to, len(ts.src))
	if from >= to {
		return ""
	}
	seg := ts.src[from:to]
	var s scanner.Scanner
	s.Init(ts.fset.AddFile("", -1, len(seg)), seg, nil, 0) // mode 0: comments are skipped
	var b strings.Builder
	b.Grow(len(seg))
	var pending token.Token // a SEMICOLON or COMMA waiting for what follows
	for {
		_, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		closing := t == token.RPAREN || t == token.RBRACE || t == token.RBRACK
		if pending != token.ILLEGAL && !closing {
			b.WriteString(" ")
			b.WriteString(pending.String())
		}
		pending = token.ILLEGAL
		if t == token.SEMICOLON || t == token.COMMA {
			pending = t
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		switch {
		case t == token.INT || t == token.FLOAT || t == token.IMAG:
			b.WriteString(normNumber(lit))
		case t.IsLiteral():
			b.WriteString(lit)
		default:
			b.WriteString(t.String())
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
