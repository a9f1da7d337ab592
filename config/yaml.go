package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// This file walks yaml.v3's node tree by hand instead of decoding into structs: yaml.v3's
// KnownFields reports unknown keys as one unmarshal error per document, without the key's
// position in a form a program can reuse and without suggestions, and it accepts a scalar
// where a list was meant. Walking the nodes gives every error its key path and line.

// Error is one problem in a configuration or forkdiff file, at a line (0 when the file as a
// whole is wrong).
type Error struct {
	Kind string // "config" or "forkdiff"
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s %s:%d: %s", e.Kind, e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s %s: %s", e.Kind, e.File, e.Msg)
}

// decoder collects errors while walking one file.
type decoder struct {
	kind, file string
	errs       []error
	// visiting holds the forkdiff definitions being walked, to stop at alias cycles.
	visiting map[*yaml.Node]bool
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &Error{Kind: d.kind, File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) err() error {
	sort.SliceStable(d.errs, func(i, j int) bool {
		var a, b *Error
		errors.As(d.errs[i], &a)
		errors.As(d.errs[j], &b)
		return a.Line < b.Line
	})
	switch len(d.errs) {
	case 0:
		return nil
	case 1:
		return d.errs[0]
	}
	return errors.Join(d.errs...)
}

// yamlLineRE finds the line yaml.v3 names in its syntax errors ("yaml: line 3: ...").
var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses b into its single top-level node (nil for an empty file).
func (d *decoder) document(b []byte) *yaml.Node {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err == nil {
		var next yaml.Node
		if dec.Decode(&next) == nil {
			d.errorf(&next, "a second YAML document: the file must hold one (remove the ---)")
			return nil
		}
	}
	if err != nil {
		msg := err.Error()
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			d.errs = append(d.errs, &Error{Kind: d.kind, File: d.file, Line: line, Msg: "invalid YAML: " + m[2]})
		} else {
			d.errs = append(d.errs, &Error{Kind: d.kind, File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")})
		}
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil
	}
	return resolve(doc.Content[0])
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "something else"
}

// field is one key of a mapping with its value.
type field struct {
	key   string
	keyN  *yaml.Node
	value *yaml.Node
}

// mapping checks that n is a mapping whose keys are all in known, and returns its fields in
// order. Unknown and repeated keys are reported with the closest known key as a suggestion.
func (d *decoder) mapping(n *yaml.Node, where string, known []string) []field {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping, found %s", where, kindName(n))
		return nil
	}
	var out []field
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		key := k.Value
		name := key
		if where != "" {
			name = where + "." + key
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be plain words, found %s", where, kindName(k))
			continue
		}
		if !contains(known, key) {
			msg := fmt.Sprintf("unknown key %q", name)
			if s := suggest(key, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (known keys: " + strings.Join(known, ", ") + ")"
			}
			d.errorf(k, "%s", msg)
			continue
		}
		if line, dup := seen[key]; dup {
			d.errorf(k, "key %q repeats the one at line %d", name, line)
			continue
		}
		seen[key] = k.Line
		out = append(out, field{key: key, keyN: k, value: v})
	}
	return out
}

// str reads a string scalar. Numbers and booleans are refused: "preset: 1" is a mistake, and
// a quoted value says what is meant.
func (d *decoder) str(n *yaml.Node, where string) (string, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "") {
		d.errorf(n, "%s: expected a string, found %s", where, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) boolean(n *yaml.Node, where string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.errorf(n, "%s: expected true or false, found %s", where, kindName(n))
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		d.errorf(n, "%s: %v", where, err)
		return false, false
	}
	return b, true
}

// strings reads a list of strings; null reads as an empty list.
func (d *decoder) strings(n *yaml.Node, where string) []string {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list of strings, found %s (write [\"...\"] even for one)", where, kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, e := range n.Content {
		if s, ok := d.str(resolve(e), fmt.Sprintf("%s[%d]", where, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

// globs reads a list of path globs and validates each: doublestar syntax, relative to the
// repository root, forward slashes.
func (d *decoder) globs(n *yaml.Node, where string) []string {
	if isNull(n) {
		return nil
	}
	list := d.strings(n, where)
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	out := list[:0]
	for i, g := range list {
		at := resolve(n.Content[i])
		if msg := globProblem(g); msg != "" {
			d.errorf(at, "%s[%d]: %s", where, i, msg)
			continue
		}
		out = append(out, g)
	}
	return out
}

// globProblem says what is wrong with a path glob, or "".
func globProblem(g string) string {
	switch {
	case strings.TrimSpace(g) == "":
		return "empty glob"
	case strings.HasPrefix(g, "/"):
		return fmt.Sprintf("glob %q starts with /: paths are relative to the repository root, write %q", g, strings.TrimLeft(g, "/"))
	case strings.HasPrefix(g, "./"):
		return fmt.Sprintf("glob %q starts with ./: paths are relative to the repository root, write %q", g, strings.TrimPrefix(g, "./"))
	case windowsSeparator(g):
		return fmt.Sprintf("bad glob %q: use / between folders", g)
	case !doublestar.ValidatePattern(g):
		return fmt.Sprintf("bad glob %q: unclosed [ or {, or a trailing \\", g)
	}
	return ""
}

// windowsSeparator reports a backslash that escapes nothing special, which is a Windows path
// separator rather than doublestar's escape.
func windowsSeparator(g string) bool {
	for i := 0; i < len(g); i++ {
		if g[i] != '\\' {
			continue
		}
		if i+1 == len(g) || !strings.ContainsRune(`*?[]{}\,!-^`, rune(g[i+1])) {
			return true
		}
		i++
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns the known key closest to key when it is a likely typo: within two edits,
// or key is a prefix of it or the other way round.
func suggest(key string, known []string) string {
	best, bestD := "", 3
	k := strings.ToLower(strings.ReplaceAll(key, "-", "_"))
	for _, c := range known {
		if k == c {
			return c
		}
		dist := levenshtein(k, c)
		if dist < bestD {
			best, bestD = c, dist
		}
	}
	if best != "" {
		return best
	}
	cands := append([]string(nil), known...)
	sort.Strings(cands)
	for _, c := range cands {
		if len(k) >= 3 && (strings.HasPrefix(c, k) || strings.HasPrefix(k, c)) {
			return c
		}
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
