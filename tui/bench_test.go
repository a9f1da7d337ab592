package tui

import (
	"fmt"
	"testing"

	"github.com/forkreview/forkreview/review"
	"github.com/gdamore/tcell/v2"
)

// BenchmarkDrawMainView draws the whole main view (header, list, details), as every key press
// and scroll step does; the cost follows the screen size, not the number of commits.
func BenchmarkDrawMainView(b *testing.B) {
	for _, n := range []int{30, 2000, 20000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchDraw(b, n) })
	}
}

func benchDraw(b *testing.B, n int) {
	screen := tcell.NewSimulationScreen("UTF-8")
	if err := screen.Init(); err != nil {
		b.Fatal(err)
	}
	screen.SetSize(200, 50)
	u := newUI(Options{State: review.NewState(), Screen: screen})
	u.ready(sampleReport(n))
	u.layout(200, 50)
	u.pages.SetRect(0, 0, 200, 50)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u.m.Select(i % n)
		u.refresh()
		u.pages.Draw(screen)
	}
}
