package follow

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// benchLine is an audit event's size, about: 1 KiB.
var benchLine = append(bytes.Repeat([]byte(`{"kind":"Event","x":"`), 48), []byte("\"}\n")...)[:1024]

func init() { benchLine[len(benchLine)-1] = '\n' }

// BenchmarkFollow measures the bytes of whole lines delivered a second:
// "appended" while a writer appends b.N lines (64 KiB writes) to a
// followed file, "existing" reading b.N lines already there from the
// start. Each op is one 1 KiB line, so MB/s is the throughput. The file
// is b.N KiB: run with -benchtime 100000x or so.
func BenchmarkFollow(b *testing.B) {
	for _, mode := range []string{"appended", "existing"} {
		b.Run(mode, func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "audit.log")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			write := func() {
				chunk := bytes.Repeat(benchLine, 64)
				for left := b.N; left > 0; left -= 64 {
					if _, err := f.Write(chunk[:min(left, 64)*len(benchLine)]); err != nil {
						b.Error(err)
						return
					}
				}
			}
			if mode == "existing" {
				write()
			}
			want := int64(b.N) * int64(len(benchLine))
			var got atomic.Int64
			var stats Stats
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			b.SetBytes(int64(len(benchLine)))
			b.ResetTimer()
			go func() {
				done <- Follow(ctx, path, Options{FromStart: true, Poll: time.Millisecond, Stats: &stats}, func(bt Batch) error {
					if got.Add(int64(len(bt.Lines))) >= want {
						cancel()
					}
					return nil
				})
			}()
			if mode == "appended" {
				for stats.Counts().Files == 0 {
					time.Sleep(100 * time.Microsecond)
				}
				write()
			}
			<-done
			b.StopTimer()
			if got.Load() != want {
				b.Fatalf("%d bytes emitted, want %d", got.Load(), want)
			}
		})
	}
}
