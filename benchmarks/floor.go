package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/auditlens/auditlens/auditlog"
)

// runFloor decompresses every audit log under dir with workers goroutines,
// one whole file at a time each, and throws the bytes away: the least any
// reader of the same files must spend. It reads the files the library
// reads (auditlog.Find, skipping what Find skips) through auditlog.Open,
// the library's own decompression.
func runFloor(dir string, workers int) (childResult, error) {
	sources, err := auditlog.Find(dir)
	if err != nil {
		return childResult{}, err
	}
	var (
		next  atomic.Int64
		bytes atomic.Int64
		files atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  []error
	)
	buf := make([][]byte, workers)
	for w := range workers {
		buf[w] = make([]byte, 256<<10)
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(sources) {
					return
				}
				src := &sources[i]
				if src.Skip != "" {
					continue
				}
				n, err := discard(src, buf[w])
				bytes.Add(n)
				files.Add(1)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return childResult{}, fmt.Errorf("floor: %w", err)
	}
	return childResult{Bytes: bytes.Load(), Files: int(files.Load())}, nil
}

// discard reads the source's uncompressed bytes into buf, again and again,
// and returns how many there were.
func discard(src *auditlog.Source, buf []byte) (int64, error) {
	f, err := auditlog.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var n int64
	for {
		m, err := f.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
