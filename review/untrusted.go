package review

// Text from commits (subjects, messages, author names, file names) and from notes is untrusted:
// every renderer shows it literally. What a literal rendering must neutralise besides control
// characters is the same everywhere, so it is decided here once.

// IsBidiControl reports the invisible characters that reorder how text reads, the "Trojan
// Source" trick: the bidirectional embeddings and overrides (U+202A–U+202E), isolates
// (U+2066–U+2069) and marks (U+200E, U+200F, U+061C). Renderers show them as a visible
// replacement rather than let them act.
func IsBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// IsControl reports the characters a terminal or a document could act on rather than show:
// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and IsBidiControl's.
func IsControl(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029 || IsBidiControl(r)
}
