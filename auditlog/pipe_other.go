//go:build !linux

package auditlog

import (
	"errors"
	"os"
)

// pipeOpensAtOnce is false where a pipe's poll may say it is hung up
// before any writer came: a named pipe is then opened the blocking way,
// in a goroutine, as openUnblocked does.
const pipeOpensAtOnce = false

func openPipe(string) (*os.File, error) { return nil, errors.ErrUnsupported }

func waitForWriter(*os.File) error { return errors.ErrUnsupported }
