package godecl

import (
	"path"
	"strings"
	"unicode"
)

// assumedName guesses the package name of an import path, as goimports does without loading
// the package: the last element, skipping a major version element ("…/go-git/v5" is "git"),
// without a "go-" prefix, cut at the first character that cannot be in an identifier
// ("gopkg.in/yaml.v3" is "yaml", "github.com/mattn/go-sqlite3" is "sqlite3"). The real name
// can differ (…/c-kzg-4844/bindings/go is "ckzg4844"); Refs copes with that through
// importFor.
func assumedName(importPath string) string {
	base := path.Base(importPath)
	if isMajorVersion(base) {
		if dir := path.Dir(importPath); dir != "." {
			base = path.Base(dir)
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}); i >= 0 {
		base = base[:i]
	}
	return base
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// importFor finds the unnamed import a selector's package name most likely stands for when the
// name is neither declared nor the assumed name of any import: the one import with a path
// element (after the host) that, reduced to lower-case letters and digits and without a "go"
// prefix, is the name ("github.com/ethereum/c-kzg-4844/bindings/go" for ckzg4844). It reports
// false when none or several do.
func (f *File) importFor(name string) (string, bool) {
	want := strings.ToLower(name)
	found := ""
	for _, p := range f.unnamed {
		elems := strings.Split(p, "/")
		if len(elems) > 1 {
			elems = elems[1:]
		}
		for _, e := range elems {
			e = squash(e)
			if e == want || strings.TrimPrefix(e, "go") == want {
				if found != "" && found != p {
					return "", false
				}
				found = p
			}
		}
	}
	return found, found != ""
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}
