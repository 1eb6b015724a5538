package serve_test

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/auditlens/auditlens/serve"
)

// A server counts the batches an API server's audit webhook sends (here
// handed to Ingest directly; Handler serves them on POST /audit) and
// answers the command's questions over the minutes it keeps.
func Example() {
	s, err := serve.New(serve.Config{Queries: []string{"by=user&o=top"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	event := func(id, user, at string) string {
		return `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"` + id +
			`","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods","verb":"list",` +
			`"user":{"username":"` + user + `"},"objectRef":{"resource":"pods","namespace":"shop","apiVersion":"v1"},` +
			`"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"` + at +
			`","stageTimestamp":"` + at + `"}`
	}
	batch := `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[` +
		event("a1", "system:serviceaccount:shop:cart", "2026-12-07T10:00:01.000000Z") + "," +
		event("a2", "system:serviceaccount:shop:cart", "2026-12-07T10:00:02.000000Z") + "," +
		event("a3", "alice", "2026-12-07T10:00:03.000000Z") + `]}`
	if err := s.Ingest(serve.Batch{Name: "webhook", Data: []byte(batch)}); err != nil {
		fmt.Println(err)
		return
	}

	// Stopping counts what the queue holds; a running server answers the
	// same way at any time.
	stop()
	if err := <-done; err != nil {
		fmt.Println(err)
		return
	}
	res, err := s.Answer(url.Values{"by": {"user"}, "o": {"top"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := res.Write(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// count: 3, first: 2026-12-07T10:00:01Z, last: 2026-12-07T10:00:03Z, duration: 2s
	// 2x                   system:serviceaccount:shop:cart
	// 1x                   alice
}
