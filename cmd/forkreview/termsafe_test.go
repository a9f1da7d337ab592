package main

import "testing"

func TestTermSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain, 日本語":                "plain, 日本語",
		"\x1b[31mred\x1b[0m":        `\x1b[31mred\x1b[0m`,
		"bell\a cr\r":               `bell\x07 cr\x0d`,
		"c1 \u009b":                 `c1 \x9b`,
		"raw byte \x9b":             `raw byte \x9b`,
		"tab\tstop":                 "tab    stop",
		"bidi \u202egnp.exe":        `bidi \u202egnp.exe`,
		"marks \u200f\u061c \u2028": `marks \u200f\u061c \u2028`,
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
