package auditlog

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestSorted reads the committed must-gather in time order: the same
// entries as All, in requestReceivedTimestamp order but for events that
// took longer than the window could hold back.
func TestSorted(t *testing.T) {
	sources, err := Find("../testdata/must-gather")
	if err != nil {
		t.Fatal(err)
	}
	key := func(e *Entry) string { return fmt.Sprintf("%s:%d", filepath.Base(e.Source.Path), e.Line) }
	var want []string
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	for e := range r.All() {
		want = append(want, key(e))
	}
	wantRep := *r.Report()
	for _, window := range []int64{1, 100 << 10, 0} {
		var got []string
		var prev *Entry
		late := 0
		for e := range r.Sorted(window) {
			got = append(got, key(e))
			if prev != nil && e.Event.RequestReceivedTimestamp.Before(&prev.Event.RequestReceivedTimestamp) {
				late++
				if d, _ := e.Latency(); window == 0 && d < time.Minute {
					t.Errorf("window %d: %s (%v, took %v) after %s (%v)", window, key(e), e.Event.RequestReceivedTimestamp, d, key(prev), prev.Event.RequestReceivedTimestamp)
				}
			}
			prev = e // Sorted's entries may be kept
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("window %d: %d entries, want the %d of All", window, len(got), len(want))
		}
		if rep := r.Report(); rep.Events != wantRep.Events || rep.Lines != wantRep.Lines || rep.Bytes != wantRep.Bytes {
			t.Errorf("window %d: report %+v, want %+v", window, rep, wantRep)
		}
		t.Logf("window %d: %d entries out of order", window, late)
	}
}

// TestSortedStop checks that breaking out of Sorted early ends its readers.
func TestSortedStop(t *testing.T) {
	sources, err := Find("../testdata/must-gather")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range NewReader(sources, Options{EveryStage: true, EveryCopy: true}).Sorted(0) {
		if n++; n == 10 {
			break
		}
	}
	if n != 10 {
		t.Errorf("read %d entries", n)
	}
}

// TestKeep checks that Options.Keep drops entries in every read path, and
// that the report still counts every event read.
func TestKeep(t *testing.T) {
	sources, err := Find("../testdata/must-gather")
	if err != nil {
		t.Fatal(err)
	}
	key := func(e *Entry) string { return fmt.Sprintf("%s:%d", filepath.Base(e.Source.Path), e.Line) }
	var want []string
	all := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
	for e := range all.All() {
		if e.Event.Verb == "delete" {
			want = append(want, key(e))
		}
	}
	if len(want) == 0 {
		t.Fatal("the sample has no delete requests")
	}
	slices.Sort(want)
	keep := func(e *Entry) bool { return e.Event.Verb == "delete" }
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true, Keep: FilterFunc(keep)})
	check := func(path string, got []string) {
		t.Helper()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d entries kept, want %d", path, len(got), len(want))
		}
		if r.Report().Events != all.Report().Events {
			t.Errorf("%s: report counts %d events, want every event read, %d", path, r.Report().Events, all.Report().Events)
		}
	}
	var got []string
	for e := range r.All() {
		got = append(got, key(e))
	}
	check("All", got)
	got = nil
	for e := range r.Sorted(0) {
		got = append(got, key(e))
	}
	check("Sorted", got)
	per := make([][]string, 3)
	sinks := make([]Sink, len(per))
	for i := range sinks {
		sinks[i] = SinkFunc(func(e *Entry) { per[i] = append(per[i], key(e)) })
	}
	if err := r.scan(context.Background(), sinks); err != nil {
		t.Fatal(err)
	}
	check("Scan", slices.Concat(per...))
}

// TestSortMergeLongLineFreesRoom: a stream waiting for room in a window
// filled by another stream's long line is woken when that line's bytes
// are let go without an entry (a filter dropped it), and the merge goes
// on. (It waited for ever: only taking an entry out woke the streams.)
func TestSortMergeLongLineFreesRoom(t *testing.T) {
	const window = 1 << 20
	m := newSortMerge(2, window)
	long := m.longLines()
	long(window) // stream 0 reads a line as long as the window
	waiting := make(chan bool)
	go func() {
		// Stream 1 hands over an entry, then waits for room to read on.
		e := &Entry{}
		m.send(sortBatch{stream: 1, items: []sortItem{{e: e, stream: 1, size: 100}}})
		ok := m.room(1)
		m.send(sortBatch{stream: 1, done: true})
		waiting <- ok
	}()
	go func() {
		time.Sleep(10 * time.Millisecond) // stream 1 waits in room by now, or soon
		long(-window)                     // the line is read, and dropped
		m.send(sortBatch{stream: 0, done: true})
	}()
	got := make(chan int)
	go func() {
		n := 0
		for {
			if _, ok := m.next(); !ok {
				break
			}
			n++
		}
		got <- n
	}()
	select {
	case n := <-got:
		if n != 1 {
			t.Errorf("%d entries, want 1", n)
		}
		if ok := <-waiting; !ok {
			t.Error("room said the merge stopped")
		}
	case <-time.After(2 * time.Second):
		m.stop()
		t.Fatal("the merge and stream 1 wait for each other")
	}
}

// TestSortedContextCancel: a done context ends SortedContext while its
// merge waits for input.
func TestSortedContextCancel(t *testing.T) {
	m := newSortMerge(1, 1<<20)
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = ctx.Done()
	ended := make(chan bool)
	go func() {
		_, ok := m.next() // the one stream sends nothing
		ended <- ok
	}()
	cancel()
	select {
	case ok := <-ended:
		if ok {
			t.Error("an entry from nowhere")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the merge waits on after its context is done")
	}
}
