package auditlog

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// pipeOpensAtOnce says that a named pipe is opened without waiting for a
// writer (openPipe), the wait being waitForWriter's: on Linux, a pipe's
// read end polls as neither readable nor hung up until a writer has come,
// so the wait is the poller's, which a deadline ends. Ending a blocked
// open instead takes opening the pipe to write, which also ends the wait
// of any other reader of the same pipe: it then reads end-of-file, and
// reports no events, before the real writer comes.
const pipeOpensAtOnce = true

// openPipe opens the named pipe name to read, without waiting for a
// writer.
func openPipe(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// waitForWriter waits until f, a named pipe opened by openPipe, has data to
// read or a writer that came and went (then f reads end-of-file), or until
// f's read deadline (unblockOnDone sets it when the read stops).
func waitForWriter(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var pollErr error
	err = rc.Read(func(fd uintptr) bool {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(p, 0)
		switch {
		case errors.Is(err, unix.EINTR):
			return false
		case err != nil:
			pollErr = err
			return true
		}
		return n > 0 && p[0].Revents != 0
	})
	if err != nil {
		return err
	}
	return pollErr
}
