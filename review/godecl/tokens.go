package godecl

import (
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

// text returns the tokens within the byte range [from, to) as one line, single spaces between
// tokens. Automatic and explicit semicolons are the same token; a semicolon before a closing
// bracket or at the end, and a comma before a closing bracket, are dropped, since gofmt adds and
// removes them with the layout.
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
		if t.lit != "" {
			b.WriteString(t.lit)
		} else {
			b.WriteString(t.tok.String())
		}
	}
	return b.String()
}
