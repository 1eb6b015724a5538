package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/klauspost/compress/gzip"
)

// klauspostFloorCase is the row of the klauspost floor, measured beside
// the floor in a build whose gzip inflater is another (ISA-L).
const klauspostFloorCase = "floor-klauspost"

// opener opens a source as its uncompressed bytes.
type opener func(*auditlog.Source) (io.ReadCloser, error)

// runFloor decompresses every audit log under dir with workers goroutines,
// one whole file at a time each, and throws the bytes away: the least any
// reader of the same files must spend. It reads the files the library
// reads (auditlog.Find, skipping what Find skips) through auditlog.Open,
// the library's own decompression (with the gzip inflater of this build).
func runFloor(dir string, workers int) (childResult, error) {
	return runFloorWith(dir, workers, openLibrary)
}

// openLibrary opens a source with auditlog.Open.
func openLibrary(src *auditlog.Source) (io.ReadCloser, error) {
	f, err := auditlog.Open(src)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// runKlauspostFloor is runFloor with gzip files inflated by
// klauspost/compress whatever the build's inflater: the floor issue 26's
// target is set against, measured in the same run as an ISA-L build.
func runKlauspostFloor(dir string, workers int) (childResult, error) {
	return runFloorWith(dir, workers, openKlauspost)
}

// openKlauspost opens a source as auditlog.Open does in a build without
// the tag isal: a gzip file (told by its magic) through klauspost's gzip
// reader over reads of 256 KiB, any other through auditlog.Open.
func openKlauspost(src *auditlog.Source) (io.ReadCloser, error) {
	osf, err := os.Open(src.Path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewReaderSize(osf, 256<<10)
	if magic, _ := buf.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		osf.Close()
		return openLibrary(src)
	}
	gz, err := gzip.NewReader(buf)
	if err != nil {
		osf.Close()
		return nil, fmt.Errorf("%s: %w", src.Path, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{gz, osf}, nil
}

// runFloorWith is runFloor with the files opened by open.
func runFloorWith(dir string, workers int, open opener) (childResult, error) {
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
				n, err := discard(open, src, buf[w])
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

// discard reads the source's uncompressed bytes, opened by open, into buf,
// again and again, and returns how many there were.
func discard(open opener, src *auditlog.Source, buf []byte) (int64, error) {
	f, err := open(src)
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
