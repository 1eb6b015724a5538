package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// signalCause is the cause of a context cancelled by a signal.
type signalCause struct{ sig syscall.Signal }

func (c signalCause) Error() string {
	switch c.sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return c.sig.String()
}

// withSignals returns a context that SIGINT and SIGTERM cancel, with the
// signal as its cause, and a function that stops listening.
func withSignals(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			if sig, ok := s.(syscall.Signal); ok {
				cancel(signalCause{sig})
			}
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sigs); cancel(nil) }
}

// interrupted reports whether err is ctx's, cancelled by a signal, and
// which (SIGINT is 2, SIGTERM 15).
func interrupted(ctx context.Context, err error) (int, bool) {
	var c signalCause
	if ctx.Err() == nil || !errors.Is(err, context.Canceled) || !errors.As(context.Cause(ctx), &c) {
		return 0, false
	}
	return int(c.sig), true
}
