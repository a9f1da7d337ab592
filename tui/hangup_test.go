package tui

import (
	"os"
	"syscall"
	"testing"

	"github.com/forkreview/forkreview/review"
)

// TestHangupSavesTheNoteBeingEdited: when the terminal closes (or SIGTERM comes) while a note
// is being typed, the note is saved before the checklist ends.
func TestHangupSavesTheNoteBeingEdited(t *testing.T) {
	rep := sampleReport(30)
	hangup := make(chan os.Signal, 1)
	s := start(t, rep, 120, 40, func(o *Options) { o.Hangup = hangup })
	s.typ("n")
	s.waitFor("ctrl-s saves")
	s.typ("half-typed note about the trie")
	s.waitFor("half-typed note about the trie")
	hangup <- syscall.SIGHUP
	if err := s.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	st, err := review.LoadState(s.path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Get(rep.Commits[0].Hash).Note; got != "half-typed note about the trie" {
		t.Errorf("note on disk %q", got)
	}
}
