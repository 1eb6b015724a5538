package auditlog

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// errStopped is the error of opening a pipe when the read stopped (its
// context done) before a writer came.
var errStopped = errors.New("the read stopped before a writer opened the pipe")

// openUnblocked opens name with open; when name is not a regular file (a
// named pipe, a character device), it does so so that done ends the wait:
// opening a named pipe waits for a writer, and a read from it for data,
// neither of which a signal ends. Once done is closed, a pending open
// returns errStopped, and a pending read (stop is called with the file)
// returns an error. stop, when not nil, is to be called when the file is
// closed. abandon is called after an open that returned once done was
// closed has been undone (its file closed).
//
// open(atOnce) opens name; with atOnce, a named pipe without waiting for a
// writer (openPipe), which openUnblocked then waits for (where
// pipeOpensAtOnce).
func openUnblocked(name string, open func(atOnce bool) (*os.File, error), abandon func(), done <-chan struct{}) (f *os.File, stop func(), err error) {
	info, err := os.Stat(name)
	if done == nil || err != nil || info.Mode().IsRegular() {
		f, err := open(false)
		return f, nil, err
	}
	if pipeOpensAtOnce && info.Mode()&fs.ModeNamedPipe != 0 {
		f, err := open(true)
		if err != nil {
			return nil, nil, err
		}
		stop := unblockOnDone(f, done)
		if err := waitForWriter(f); err != nil {
			stop()
			f.Close()
			abandon()
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return nil, nil, errStopped
			}
			return nil, nil, err
		}
		return f, stop, nil
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := open(false)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, nil, o.err
		}
		return o.f, unblockOnDone(o.f, done), nil
	case <-done:
		if info.Mode()&fs.ModeNamedPipe != 0 {
			// Be the writer the open waits for, so that it returns (it
			// also ends the wait of any other reader of the pipe: see
			// pipeOpensAtOnce).
			if w, err := os.OpenFile(name, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		}
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
				abandon()
			}
		}()
		return nil, nil, errStopped
	}
}

// unblockOnDone ends a read of f pending when done is closed (f is a pipe
// or a device, which Go polls, so a deadline ends its reads); the returned
// function stops watching, when f is closed.
func unblockOnDone(f *os.File, done <-chan struct{}) func() {
	closed := make(chan struct{})
	go func() {
		select {
		case <-done:
			f.SetReadDeadline(time.Now())
		case <-closed:
		}
	}()
	return func() { close(closed) }
}
