package follow_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/auditlens/auditlens/auditlog/follow"
)

// Follow a directory from the start: the rotated file first, then the live
// one; the incomplete last line waits for its newline.
func Example() {
	dir, err := os.MkdirTemp("", "follow-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "audit-2026-01-02T15-04-05.000.log"), []byte("{\"n\":1}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "audit.log"), []byte("{\"n\":2}\n{\"n\":3}\n{\"n\":"), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stats follow.Stats
	seen := 0
	err = follow.Follow(ctx, dir, follow.Options{FromStart: true, Poll: 10 * time.Millisecond, Stats: &stats},
		func(b follow.Batch) error {
			fmt.Printf("%s at %d: %q\n", filepath.Base(b.Path), b.Offset, b.Lines)
			if seen++; seen == 2 {
				cancel() // a server would run until shutdown
			}
			return nil
		})
	fmt.Println(errors.Is(err, context.Canceled), stats.Counts().Bytes)
	// Output:
	// audit-2026-01-02T15-04-05.000.log at 0: "{\"n\":1}\n"
	// audit.log at 0: "{\"n\":2}\n{\"n\":3}\n"
	// true 24
}
