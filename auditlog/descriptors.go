package auditlog

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"time"
)

// Opening a file fails with EMFILE or ENFILE when the process or the system
// has no file descriptor to spare. A reader never turns that into lost
// input: it waits for one of its own files to close, or, when it holds
// none, retries for up to descriptorPatience before it reports the file
// unreadable.
const (
	descriptorRetry    = 5 * time.Millisecond // the first wait; it doubles up to descriptorRetryMax
	descriptorRetryMax = 500 * time.Millisecond
)

// descriptorPatience is how long a read that holds no file waits for a
// descriptor; a variable for tests.
var descriptorPatience = 30 * time.Second

// descriptors opens the files of one read (All, Scan or Sorted) and counts
// those open, to wait out a shortage of file descriptors.
type descriptors struct {
	// open is os.Open; tests replace it.
	open func(name string) (*os.File, error)

	mu     sync.Mutex
	inUse  int           // files of this read open now
	peak   int           // the most open at once
	closed chan struct{} // closed, and replaced, when one of them closes
}

func newDescriptors(open func(string) (*os.File, error)) *descriptors {
	if open == nil {
		open = os.Open
	}
	return &descriptors{open: open, closed: make(chan struct{})}
}

// openFile opens name, waiting while descriptors are short: for one of
// this read's files to close when it holds any (reading goes on elsewhere,
// so one will), else for up to descriptorPatience. done, when closed, ends
// the wait with the last error. stall, when not nil, is told when a wait
// starts (true) and ends (false), so that the caller does not wait for this
// file while it waits for a descriptor.
func (d *descriptors) openFile(name string, done <-chan struct{}, stall func(bool)) (*os.File, error) {
	return d.openFileWith(name, d.open, done, stall)
}

// openFileWith is openFile opening with open.
func (d *descriptors) openFileWith(name string, open func(string) (*os.File, error), done <-chan struct{}, stall func(bool)) (*os.File, error) {
	retry := descriptorRetry
	var alone time.Duration // time waited while holding no file
	stalled := false
	defer func() {
		if stalled {
			stall(false)
		}
	}()
	for {
		f, err := open(name)
		if err == nil {
			d.mu.Lock()
			d.inUse++
			d.peak = max(d.peak, d.inUse)
			d.mu.Unlock()
			return f, nil
		}
		if !isDescriptorShortage(err) {
			return nil, err
		}
		d.mu.Lock()
		held, closed := d.inUse, d.closed
		d.mu.Unlock()
		if held == 0 && alone >= descriptorPatience {
			return nil, err
		}
		if stall != nil && !stalled {
			stalled = true
			stall(true)
		}
		wait := time.NewTimer(retry)
		select {
		case <-closed:
		case <-wait.C:
			if held == 0 {
				alone += retry
			}
			retry = min(2*retry, descriptorRetryMax)
		case <-done:
			wait.Stop()
			return nil, err
		}
		wait.Stop()
	}
}

// peakOpen is the most files of this read open at once.
func (d *descriptors) peakOpen() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.peak
}

// release is called when a file opened by openFile is closed.
func (d *descriptors) release() {
	d.mu.Lock()
	d.inUse--
	close(d.closed)
	d.closed = make(chan struct{})
	d.mu.Unlock()
}

// isDescriptorShortage reports whether err says the process or the system
// is out of file descriptors.
func isDescriptorShortage(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}
