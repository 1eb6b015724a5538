package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/query"
)

// PageRefresh is how often, in seconds, a served HTML page reloads itself.
const PageRefresh = 30

// Handler returns the server's HTTP API, each route behind its check of
// who asks (nil lets anyone: a server on loopback):
//
//	POST /audit    a batch of events (an EventList, as the audit webhook sends it, or JSON lines): 200 once queued, 429 with Retry-After when the queue is full, 413 past the size limit; ?server=NAME&node=NAME say who sent it
//	GET  /query    the command's flags as parameters (by=user&o=top&format=json&since=-5m): the command's answer for the events kept
//	GET  /metrics  Prometheus metrics
//	GET  /healthz  200 while the server runs
func (s *Server) Handler(ingest, ask func(*http.Request) bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /audit", guard(ingest, http.HandlerFunc(s.serveIngest)))
	mux.Handle("GET /query", guard(ask, http.HandlerFunc(s.serveQuery)))
	mux.Handle("GET /metrics", guard(ask, promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if s.stopped.Load() {
			http.Error(w, "stopping", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	return mux
}

// guard answers 401 to the requests allowed refuses.
func guard(allowed func(*http.Request) bool, h http.Handler) http.Handler {
	if allowed == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="auditlens"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) serveIngest(w http.ResponseWriter, r *http.Request) {
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	data, err := readBody(body, r.ContentLength, s.cfg.MaxBody)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.metrics.batches.WithLabelValues("too_large").Inc()
		http.Error(w, fmt.Sprintf("batch larger than %d bytes", s.cfg.MaxBody), http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "cannot read the batch: "+err.Error(), http.StatusBadRequest)
		return
	}
	from := r.URL.Query()
	b := Batch{Name: fmt.Sprintf("batch %d from %s", s.batches.Load()+1, r.RemoteAddr),
		Server: auditlog.Server(from.Get("server")), Node: from.Get("node"), Data: data}
	switch err := s.Ingest(b); {
	case errors.Is(err, ErrQueueFull):
		w.Header().Set("Retry-After", "1")
		http.Error(w, "queue full: send again later", http.StatusTooManyRequests)
	case errors.Is(err, ErrTooLarge):
		http.Error(w, "batch too large", http.StatusRequestEntityTooLarge)
	case errors.Is(err, ErrStopped):
		w.Header().Set("Retry-After", "5")
		http.Error(w, "stopping", http.StatusServiceUnavailable)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}\n")
	}
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	res, err := s.Answer(params)
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", res.MediaType())
	if res.HTML != nil {
		h.Set("Refresh", strconv.Itoa(PageRefresh))
	}
	if since, err := s.CountingSince(params); err == nil {
		h.Set("X-Auditlens-Counting-Since", since.UTC().Format(time.RFC3339))
	}
	if rep := res.Report; rep != nil && rep.Failures() > 0 {
		h.Set("X-Auditlens-Partial", strconv.FormatInt(rep.Failures(), 10)+" unreadable lines (see /metrics)")
	}
	if n := res.WhereFailed(); n > 0 {
		h.Set("X-Auditlens-Where-Failures", strconv.FormatInt(n, 10)+" events --where could not be evaluated on, not kept, since the query was first counted")
	}
	if err := res.Write(w); err != nil {
		// The answer is half written: nothing more can be said.
		return
	}
}

// readBody reads a request's body into a buffer of its announced length,
// when it has one within limit, rather than growing one as it comes.
func readBody(body io.Reader, length, limit int64) ([]byte, error) {
	if length <= 0 || length > limit {
		return io.ReadAll(body)
	}
	buf := bytes.NewBuffer(make([]byte, 0, length+bytes.MinRead))
	_, err := buf.ReadFrom(body)
	return buf.Bytes(), err
}
