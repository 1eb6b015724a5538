package auditlog

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestPipeReadersApart: two reads of one named pipe wait for its writer;
// the first stops (its done closed) before the writer comes, and ends
// with errStopped at once, releasing its descriptor, without ending the
// other's wait: the second reads what the writer then writes, whole. (A
// read that ends its wait by opening the pipe to write ends every
// reader's wait, and the second read end-of-file.)
func TestPipeReadersApart(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "audit.log")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	src := &Source{Path: fifo}
	type result struct {
		data []byte
		err  error
	}
	read := func(fds *descriptors, done <-chan struct{}) result {
		f, err := openWith(src, fds, done, nil)
		if err != nil {
			return result{err: err}
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		return result{b, err}
	}
	stop := make(chan struct{})
	first, second := make(chan result, 1), make(chan result, 1)
	fds1, fds2 := newDescriptors(nil), newDescriptors(nil)
	go func() { first <- read(fds1, stop) }()
	go func() { second <- read(fds2, make(chan struct{})) }()

	time.Sleep(50 * time.Millisecond) // both wait
	close(stop)
	select {
	case r := <-first:
		if !errors.Is(r.err, errStopped) {
			t.Errorf("the stopped read: %q, %v; want errStopped", r.data, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stopped read still waits")
	}
	fds1.mu.Lock()
	if fds1.inUse != 0 {
		t.Errorf("the stopped read holds %d descriptors", fds1.inUse)
	}
	fds1.mu.Unlock()
	select {
	case r := <-second:
		t.Fatalf("the other read ended before the writer came: %q, %v", r.data, r.err)
	case <-time.After(50 * time.Millisecond):
	}

	want := []byte(`{"kind":"Event","auditID":"a"}` + "\n")
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(want); err != nil {
		t.Fatal(err)
	}
	w.Close()
	select {
	case r := <-second:
		if r.err != nil || string(r.data) != string(want) {
			t.Errorf("the other read: %q, %v; want %q", r.data, r.err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the other read still waits after the writer wrote and left")
	}
}
