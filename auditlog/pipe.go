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
func openUnblocked(name string, open func() (*os.File, error), abandon func(), done <-chan struct{}) (f *os.File, stop func(), err error) {
	info, err := os.Stat(name)
	if done == nil || err != nil || info.Mode().IsRegular() {
		f, err := open()
		return f, nil, err
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := open()
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
			// Be the writer the open waits for, so that it returns.
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
