package config

import (
	"fmt"
	"strings"

	"github.com/forkreview/forkreview/review"
	"gopkg.in/yaml.v3"
)

// forkdiff (github.com/protolambda/forkdiff) describes a fork's changes in fork.yaml: a tree
// of definitions under def, each with a title, a description, globs of the files it covers,
// nested sub definitions and ignore globs, and a top-level ignore. Only def and ignore matter
// here; the page keys (title, logo, footer, base, fork) are forkdiff's business and any other
// top-level key is left to forkdiff to judge. Inside def, keys are checked strictly, since a
// misspelt globs or sub would silently unname a feature.
var defKeys = []string{"title", "description", "globs", "sub", "ignore"}

// maxFeatures bounds the definitions of one file; op-geth's has about seventy.
const maxFeatures = 10000

// ParseForkDiff reads forkdiff's fork.yaml: the definitions flattened in document order (see
// review.Feature) and the top-level ignore globs.
func ParseForkDiff(b []byte) ([]review.Feature, []string, error) {
	return parseForkDiff(DefaultForkDiff, b)
}

func parseForkDiff(name string, b []byte) ([]review.Feature, []string, error) {
	d := &decoder{kind: "forkdiff", file: name}
	root := d.document(b)
	if err := d.err(); err != nil {
		return nil, nil, err
	}
	if root == nil || isNull(root) {
		return nil, nil, &Error{Kind: d.kind, File: name, Msg: "empty file: forkdiff needs a def tree"}
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "expected a mapping with def, found %s", kindName(root))
		return nil, nil, d.err()
	}
	var defN *yaml.Node
	var ignore []string
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		switch k.Value {
		case "def":
			defN = v
		case "ignore":
			ignore = d.globs(v, "ignore")
		}
	}
	if defN == nil || isNull(defN) {
		d.errorf(root, "no def: forkdiff needs a root definition (def: {title: ..., sub: [...]})")
		return nil, nil, d.err()
	}
	var feats []review.Feature
	d.visiting = map[*yaml.Node]bool{}
	d.def(defN, "def", 0, nil, &feats)
	if err := d.err(); err != nil {
		return nil, nil, err
	}
	return feats, ignore, nil
}

// def flattens one definition and its subs in document order. path holds the titles of its
// ancestors below the root.
func (d *decoder) def(at *yaml.Node, where string, level int, path []string, out *[]review.Feature) {
	n := resolve(at)
	// YAML aliases can make the tree a cycle or grow it exponentially.
	switch {
	case d.visiting[n]:
		d.errorf(at, "%s: an alias makes this definition contain itself", where)
		return
	case len(*out) >= maxFeatures:
		if len(*out) == maxFeatures {
			d.errorf(at, "%s: more than %d definitions: is an alias repeating a subtree?", where, maxFeatures)
			*out = append(*out, review.Feature{})
		}
		return
	}
	d.visiting[n] = true
	defer delete(d.visiting, n)
	fields := d.mapping(n, where, defKeys)
	if n.Kind != yaml.MappingNode {
		return
	}
	f := review.Feature{Level: level}
	var subs *yaml.Node
	for _, fl := range fields {
		at := where + "." + fl.key
		switch fl.key {
		case "title":
			if isNull(fl.value) {
				break
			}
			// Titles are free text; YAML may read an unquoted "1559" as a number.
			if fl.value.Kind != yaml.ScalarNode {
				d.errorf(fl.value, "%s: expected a string, found %s", at, kindName(fl.value))
				break
			}
			f.Name = strings.TrimSpace(fl.value.Value)
		case "description":
			if !isNull(fl.value) {
				d.str(fl.value, at)
			}
		case "globs":
			f.Globs = d.globs(fl.value, at)
		case "ignore":
			f.Ignore = d.globs(fl.value, at)
		case "sub":
			if !isNull(fl.value) && fl.value.Kind != yaml.SequenceNode {
				d.errorf(fl.value, "%s: expected a list of definitions, found %s", at, kindName(fl.value))
				break
			}
			subs = fl.value
		}
	}
	if f.Name == "" {
		f.Name = fmt.Sprintf("untitled (line %d)", n.Line)
	}
	childPath := path
	if level > 0 {
		childPath = append(append([]string(nil), path...), f.Name)
		f.Title = strings.Join(childPath, " / ")
	} else {
		f.Title = f.Name
	}
	*out = append(*out, f)
	if subs == nil {
		return
	}
	for i, s := range subs.Content {
		d.def(s, fmt.Sprintf("%s.sub[%d]", where, i), level+1, childPath, out)
	}
}
