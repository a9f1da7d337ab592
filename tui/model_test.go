package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/forkreview/forkreview/review"
)

func newTestModel(n int) (*Model, *review.State) {
	st := review.NewState()
	return NewModel(sampleReport(n), st, "Rev <r@example.org>", func() time.Time { return fixedNow }), st
}

func TestModelMarkTogglesAndAdvances(t *testing.T) {
	m, st := newTestModel(10)
	ch, ok := m.Mark(review.StatusReviewed, true)
	if !ok || ch.From != review.StatusPending || ch.To != review.StatusReviewed || m.Index() != 1 {
		t.Fatalf("Mark = %+v, %v; index %d", ch, ok, m.Index())
	}
	if e := st.Get(m.At(0).Hash); e.Status != review.StatusReviewed || e.Reviewer != "Rev <r@example.org>" || e.UpdatedAt != "2026-11-21T12:00:00Z" {
		t.Errorf("state entry = %+v", e)
	}
	if done, total := m.Progress(); done != 1 || total != 10 {
		t.Errorf("progress %d/%d", done, total)
	}
	m.Select(0)
	m.Mark(review.StatusReviewed, false)
	if _, ok := st.Reviews[m.At(0).Hash]; ok || m.Index() != 0 {
		t.Errorf("marking again did not return to pending: %+v", st.Reviews)
	}
	m.Mark(review.StatusFollowUp, false)
	m.Mark(review.StatusNotApplicable, false)
	if got := st.Get(m.At(0).Hash).Status; got != review.StatusNotApplicable {
		t.Errorf("status %s, want not-applicable", got)
	}
	m.Select(9)
	m.Mark(review.StatusReviewed, true) // the last one: nowhere to advance to
	if m.Index() != 9 {
		t.Errorf("index %d after marking the last commit", m.Index())
	}
}

func TestModelMarkUnderFilterMovesToWhatFollowed(t *testing.T) {
	m, _ := newTestModel(10)
	m.CycleStatus(1) // pending only
	if f := m.Filter(); f.Status == nil || *f.Status != review.StatusPending {
		t.Fatalf("filter %+v", f)
	}
	m.Select(3)
	next := m.At(4).Hash
	ch, _ := m.Mark(review.StatusReviewed, true)
	if !ch.Hidden || m.Len() != 9 || m.Selected().Hash != next {
		t.Fatalf("hidden %v, len %d, selected %s, want %s", ch.Hidden, m.Len(), m.Selected().Hash, next)
	}
	m.Select(3)
	next = m.At(4).Hash
	m.Mark(review.StatusFollowUp, false) // no advance: what took its place
	if m.Selected().Hash != next {
		t.Errorf("selected %s, want %s", m.Selected().Hash, next)
	}
	m.Select(m.Len() - 1)
	m.Mark(review.StatusReviewed, false)
	if m.Index() != m.Len()-1 {
		t.Errorf("index %d of %d after hiding the last row", m.Index(), m.Len())
	}
	m.ClearFilters()
	if m.Len() != 10 {
		t.Errorf("len %d after clearing filters", m.Len())
	}
}

func TestModelFiltersCycleAndCombine(t *testing.T) {
	m, _ := newTestModel(30)
	var seen []string
	for i := 0; i < 7; i++ {
		m.CycleRisk(1)
		seen = append(seen, m.Filter().String())
	}
	want := []string{"risk=conflict", "risk=high", "risk=medium", "risk=low", "risk=none", "risk=applied", ""}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("step %d: filter %q, want %q", i, seen[i], want[i])
		}
	}
	m.CycleRisk(-1)
	if m.Filter().String() != "risk=applied" {
		t.Errorf("backwards from all: %q", m.Filter().String())
	}
	m.ClearFilters()

	m.CycleRisk(1)
	for i := 0; i < m.Len(); i++ {
		if m.At(i).Risk != review.RiskConflict {
			t.Fatalf("row %d has risk %s under the conflict filter", i, m.At(i).Risk)
		}
	}
	area := "core/state"
	m.SetArea(&area)
	tag := "consensus"
	m.SetTag(&tag)
	if m.Filter().String() != "risk=conflict area=core/state tag=consensus" {
		t.Errorf("filter %q", m.Filter().String())
	}
	for i := 0; i < m.Len(); i++ {
		c := m.At(i)
		if c.Area != area || !c.HasTag(tag) || c.Risk != review.RiskConflict {
			t.Errorf("row %d does not match: %+v", i, c)
		}
	}
	m.ClearFilters()
	if m.Filter().Active() || m.Len() != 30 {
		t.Errorf("after clear: %+v, %d rows", m.Filter(), m.Len())
	}
}

func TestModelSortKeepsSelection(t *testing.T) {
	m, _ := newTestModel(30)
	m.Select(5)
	h := m.Selected().Hash
	m.CycleSort()
	if m.Sort() != SortRisk || m.Selected().Hash != h {
		t.Fatalf("sort %s, selected %s want %s", m.Sort(), m.Selected().Hash, h)
	}
	for i := 1; i < m.Len(); i++ {
		a, b := m.At(i-1), m.At(i)
		if a.Risk < b.Risk {
			t.Fatalf("rows %d, %d out of risk order: %s before %s", i-1, i, a.Risk, b.Risk)
		}
		if a.Risk == b.Risk && a.Date.After(b.Date) {
			t.Fatalf("rows %d, %d of the same risk out of range order", i-1, i)
		}
	}
	m.CycleSort()
	if m.Sort() != SortRange || m.At(0).Hash != m.Report().Commits[0].Hash {
		t.Errorf("back to range order: %s", m.Sort())
	}
}

func TestModelSearch(t *testing.T) {
	m, _ := newTestModel(30)
	if i := m.Find("NUMBER 1", 0, 1); i != 1 {
		t.Errorf("Find from 0 = %d, want 1 (case-insensitive)", i)
	}
	if i := m.Find("number 1", 2, 1); i != 10 {
		t.Errorf("Find from 2 = %d, want 10", i)
	}
	if i := m.Find("number 1", 20, 1); i != 1 {
		t.Errorf("Find from 20 = %d, want 1 (wraps)", i)
	}
	if i := m.Find("number 1", 0, -1); i != 19 {
		t.Errorf("Find backwards from 0 = %d, want 19", i)
	}
	if i := m.Find("no such subject", 0, 1); i != -1 {
		t.Errorf("Find(no match) = %d", i)
	}
	if i := m.Find(m.At(12).Hash[:12], 0, 1); i != 12 {
		t.Errorf("Find(hash prefix) = %d, want 12", i)
	}
	m.Select(10)
	if ord, n := m.MatchInfo("number 1"); ord != 2 || n != 11 {
		t.Errorf("MatchInfo = %d/%d, want 2/11", ord, n)
	}
}

func TestModelNoteKeepsStatus(t *testing.T) {
	m, st := newTestModel(5)
	h := m.At(2).Hash
	m.Select(2)
	m.Mark(review.StatusFollowUp, false)
	if !m.SetNote(h, "ask upstream") {
		t.Fatal("SetNote reported no change")
	}
	if m.SetNote(h, "ask upstream") {
		t.Error("SetNote of the same text reported a change")
	}
	if e := st.Get(h); e.Status != review.StatusFollowUp || e.Note != "ask upstream" {
		t.Errorf("entry %+v", e)
	}
	if m.At(2).Review.Note != "ask upstream" {
		t.Errorf("the report's commit did not get the note")
	}
	m.Mark(review.StatusFollowUp, false) // back to pending: the note stays, so the entry stays
	if e, ok := st.Reviews[h]; !ok || e.Note != "ask upstream" || e.Status != review.StatusPending {
		t.Errorf("entry after pending %+v, %v", e, ok)
	}
}

func TestModelCountsAndEmpty(t *testing.T) {
	m, _ := newTestModel(30)
	areas := m.Areas()
	if len(areas) != len(fixtureAreas) || areas[0].N != 3 {
		t.Errorf("areas %+v", areas)
	}
	tags := m.Tags()
	if len(tags) == 0 || tags[0].N < tags[len(tags)-1].N {
		t.Errorf("tags not by frequency: %+v", tags)
	}

	empty := NewModel(&review.Report{}, review.NewState(), "", nil)
	if empty.Len() != 0 || empty.Selected() != nil || empty.Index() != -1 {
		t.Errorf("empty model: len %d, index %d", empty.Len(), empty.Index())
	}
	if _, ok := empty.Mark(review.StatusReviewed, true); ok {
		t.Error("Mark on an empty list reported a change")
	}
	empty.Move(3)
	if empty.Index() != -1 {
		t.Errorf("index %d after moving in an empty list", empty.Index())
	}
}

// TestAreasArePlaces: the area list names each place once, and its filter keeps every commit
// whose area names that place.
func TestAreasArePlaces(t *testing.T) {
	rep := &review.Report{Commits: []review.Commit{
		{Hash: "a", Area: "core/state, eth/downloader"},
		{Hash: "b", Area: "eth/downloader"},
		{Hash: "c", Area: ""},
	}}
	m := NewModel(rep, review.NewState(), "", nil)
	var names []string
	for _, a := range m.Areas() {
		names = append(names, fmt.Sprintf("%s=%d", a.Name, a.N))
	}
	if got := strings.Join(names, " "); got != "eth/downloader=2 =1 core/state=1" {
		t.Errorf("areas %s", got)
	}
	area := "eth/downloader"
	m.SetArea(&area)
	if m.Len() != 2 || m.At(0).Hash != "a" || m.At(1).Hash != "b" {
		t.Errorf("the eth/downloader filter shows %d commits", m.Len())
	}
}
