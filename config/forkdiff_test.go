package config

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/forkreview/forkreview/review"
)

func readForkYAML(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/fork.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseForkDiff(t *testing.T) {
	feats, ignore, err := ParseForkDiff(readForkYAML(t))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, f := range feats {
		titles = append(titles, strings.Repeat("  ", f.Level)+f.Title)
	}
	want := []string{
		"demo-geth",
		"  Core modifications",
		"    Core modifications / State-transition modifications",
		"      Core modifications / State-transition modifications / Deposit Transaction type",
		"      Core modifications / State-transition modifications / EVM enhancements",
		"      Core modifications / State-transition modifications / Transaction processing",
		"    Core modifications / Gaslimit and EIP-1559 Params",
		"    Core modifications / Legacy OP-mainnet / OP-goerli header-verification support",
		"  Node modifications",
		"    Node modifications / Flags",
		"    Node modifications / Daisy Chain tests",
		"    Node modifications / Generated TOML config update",
		"  4337 Improvements",
		"    4337 Improvements / eth_sendRawTransactionConditional",
		"  Testing",
	}
	if !reflect.DeepEqual(titles, want) {
		t.Errorf("features:\n%s\nwant\n%s", strings.Join(titles, "\n"), strings.Join(want, "\n"))
	}
	if feats[3].Name != "Deposit Transaction type" || !reflect.DeepEqual(feats[3].Globs, []string{"core/types/deposit_tx.go", "core/types/transaction_marshalling.go", "core/types/transaction_signing.go"}) {
		t.Errorf("deposit feature = %+v", feats[3])
	}
	if !reflect.DeepEqual(feats[10].Ignore, []string{"eth/tracers/api_test.go"}) || feats[10].Globs != nil {
		t.Errorf("daisy chain feature = %+v", feats[10])
	}
	if !reflect.DeepEqual(ignore, []string{"*.sum", "go.mod", "fork.yaml", ".github/**"}) {
		t.Errorf("ignore = %q", ignore)
	}
}

// TestFeatureOfForkDiffOrder checks that a file is named by the feature forkdiff's own page
// lists it under: children before parents, the first match wins, ignore claims a file.
func TestFeatureOfForkDiffOrder(t *testing.T) {
	feats, ignore, err := ParseForkDiff(readForkYAML(t))
	if err != nil {
		t.Fatal(err)
	}
	r := &review.Rules{Features: feats, FeatureIgnore: ignore}
	for p, want := range map[string]string{
		"core/types/deposit_tx.go":              "Deposit Transaction type",
		"core/vm/interpreter.go":                "EVM enhancements",
		"consensus/misc/eip1559/eip1559.go":     "Gaslimit and EIP-1559 Params",
		"consensus/misc/eip1559/sub/x.go":       "", // * stops at a slash, as in forkdiff
		"cmd/geth/main.go":                      "Flags",
		"core/types/transaction_conditional.go": "eth_sendRawTransactionConditional",
		"eth/tracers/api_test.go":               "", // claimed by Daisy Chain tests' ignore first
		"core/state/statedb_test.go":            "", // Testing ignores tests
		"go.sum":                                "", // top-level ignore
		"core/blockchain.go":                    "",
	} {
		f, ok := r.FeatureOf(p)
		if f.Name != want || ok != (want != "") {
			t.Errorf("FeatureOf(%s) = %q, %v; want %q", p, f.Name, ok, want)
		}
	}
}

func TestParseForkDiffFlatRoot(t *testing.T) {
	feats, ignore, err := ParseForkDiff([]byte("def:\n  title: small fork\n  globs: [\"core/**\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []review.Feature{{Title: "small fork", Name: "small fork", Globs: []string{"core/**"}}}
	if !reflect.DeepEqual(feats, want) || ignore != nil {
		t.Errorf("got %+v, %q", feats, ignore)
	}
}

func TestParseForkDiffTolerance(t *testing.T) {
	// forkdiff's page keys and keys of newer forkdiff versions outside def are left to
	// forkdiff; a number as a title reads as its text.
	src := "title: x\nlogo: y.png\nnew_key: 1\ndef:\n  title: 1559\n  description:\n  sub:\n"
	feats, _, err := ParseForkDiff([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 1 || feats[0].Name != "1559" {
		t.Errorf("got %+v", feats)
	}
	feats, _, err = ParseForkDiff([]byte("def:\n  sub:\n    - globs: [a.go]\n"))
	if err != nil || feats[1].Name != "untitled (line 3)" {
		t.Errorf("untitled: %+v, %v", feats, err)
	}
}

func TestParseForkDiffErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", "forkdiff fork.yaml: empty file: forkdiff needs a def tree"},
		{"not a mapping", "- a\n", "forkdiff fork.yaml:1: expected a mapping with def, found a list"},
		{"no def", "title: x\nignore: [a]\n", "forkdiff fork.yaml:1: no def: forkdiff needs a root definition (def: {title: ..., sub: [...]})"},
		{"def not a mapping", "def: [a]\n", "forkdiff fork.yaml:1: def: expected a mapping, found a list"},
		{"unknown def key", "def:\n  title: x\n  glob: [a]\n", `forkdiff fork.yaml:3: unknown key "def.glob" (did you mean "globs"?)`},
		{"unknown sub key", "def:\n  sub:\n    - title: a\n      subs: []\n", `forkdiff fork.yaml:4: unknown key "def.sub[0].subs" (did you mean "sub"?)`},
		{"sub not a list", "def:\n  sub:\n    title: a\n", "forkdiff fork.yaml:3: def.sub: expected a list of definitions, found a mapping"},
		{"globs not a list", "def:\n  globs: core/**\n", `forkdiff fork.yaml:2: def.globs: expected a list of strings, found a string (write ["..."] even for one)`},
		{"bad glob", "def:\n  sub:\n    - title: a\n      globs: [\"core/[\"]\n", `forkdiff fork.yaml:4: def.sub[0].globs[0]: bad glob "core/[": unclosed [ or {, or a trailing \`},
		{"bad ignore glob", "def:\n  title: a\nignore: [\"{a\"]\n", `forkdiff fork.yaml:3: ignore[0]: bad glob "{a": unclosed [ or {, or a trailing \`},
		{"title a list", "def:\n  title: [a]\n", "forkdiff fork.yaml:2: def.title: expected a string, found a list"},
		{"description a mapping", "def:\n  description: {a: b}\n", "forkdiff fork.yaml:2: def.description: expected a string, found a mapping"},
		{"alias cycle", "def: &d\n  title: a\n  sub: [*d]\n", "forkdiff fork.yaml:3: def.sub[0]: an alias makes this definition contain itself"},
		{"syntax", "def:\n  title: \"a\n", "forkdiff fork.yaml:2: invalid YAML: found unexpected end of stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseForkDiff([]byte(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Errorf("ParseForkDiff(%q):\n got %v\nwant %s", tc.src, err, tc.want)
			}
		})
	}
}

func TestParseForkDiffAliasBomb(t *testing.T) {
	src := "x: &a {globs: [a]}\n"
	prev := "a"
	for i := 0; i < 16; i++ {
		name := string(rune('b' + i))
		src += "x" + name + ": &" + name + " {sub: [*" + prev + ", *" + prev + "]}\n"
		prev = name
	}
	src += "def: *" + prev + "\n"
	_, _, err := ParseForkDiff([]byte(src))
	if err == nil || !strings.Contains(err.Error(), "more than 10000 definitions: is an alias repeating a subtree?") {
		t.Errorf("got %v", err)
	}
}
