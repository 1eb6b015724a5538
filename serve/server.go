package serve

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/query"
)

// Defaults of a Config's zero fields.
const (
	DefaultRetain     = time.Hour
	DefaultQueueBytes = 64 << 20
	DefaultMaxBody    = 64 << 20
	DefaultMaxQueries = 16
)

// DefaultQueries are the queries a server counts from its start, as
// parameters of the command's flags; others are counted from when they
// are first asked.
var DefaultQueries = []string{
	"o=top&by=user", "o=top&by=resource", "o=top&by=useragent",
	"o=stats", "o=latency&by=resource", "o=throttling", "o=findings",
}

// Config is what a Server keeps and how much it takes.
type Config struct {
	// Retain is how long the minutes of events are kept, back from the
	// newest event received; 0 is DefaultRetain.
	Retain time.Duration
	// QueueBytes bounds the bytes of the batches accepted and not yet
	// counted; past it, Ingest refuses with ErrQueueFull (a batch larger
	// than the bound is taken when the queue is empty). 0 is
	// DefaultQueueBytes.
	QueueBytes int64
	// MaxBody is the largest batch accepted, in bytes; 0 is DefaultMaxBody.
	MaxBody int64
	// Workers is how many goroutines decode and count; 0 is one per core.
	Workers int
	// Queries are the queries counted from the start (parameters of the
	// command's flags); nil is DefaultQueries.
	Queries []string
	// MaxQueries is how many queries beyond those are counted at once;
	// asking for one more stops counting the one asked least recently. 0
	// is DefaultMaxQueries.
	MaxQueries int
	// Files are what the findings' next commands read (-f FILES): the
	// Parquet export when there is one.
	Files []string
	// Parquet, when set, is a directory the events are exported to
	// (package export's layout), committed every hour and when the server
	// stops.
	Parquet string
	// Cluster names the export's cluster partition.
	Cluster string
	// CommitEvery is how often the export is committed: 0 is on every
	// hour of the clock (and at shutdown).
	CommitEvery time.Duration
}

// ErrQueueFull is Ingest's error when the queue holds Config.QueueBytes:
// the batch is not accepted, and is to be sent again later.
var ErrQueueFull = errors.New("serve: queue full")

// ErrTooLarge is Ingest's error for a batch larger than Config.MaxBody.
var ErrTooLarge = errors.New("serve: batch too large")

// ErrStopped is Ingest's error once the server stops accepting.
var ErrStopped = errors.New("serve: stopped")

// Server counts the events it is given, a minute at a time, and answers
// queries over the minutes it keeps. Its methods may be called from any
// goroutine.
type Server struct {
	cfg       Config
	queue     chan Batch
	queued    atomic.Int64 // bytes in the queue
	stopped   atomic.Bool
	accepting sync.RWMutex // held for reading while a batch is queued, for writing to stop accepting

	plans   atomic.Pointer[planSet]
	plansMu sync.Mutex // adding and dropping plans
	byKey   map[string]*standing

	workers []*worker
	// sealed holds the minutes past, each once: the workers' copies
	// merged (see seal). Its lock is taken after a worker's.
	sealed  *worker
	sealMu  sync.RWMutex // held for writing while minutes are sealed
	newest  atomic.Int64 // the newest event's requestReceivedTimestamp, Unix nanoseconds
	batches atomic.Int64 // batches accepted, to name them

	reportMu sync.Mutex
	report   auditlog.Report

	metrics    *metrics
	export     *exporter
	followLost atomic.Int64
}

// Batch is bytes received, to decode: events in any shape the reader
// reads (an EventList, JSON lines; gzip or zstd included).
type Batch struct {
	// Name says where the batch came from, in the read report.
	Name string
	// Server and Node are the API server and the node that sent it, when
	// known (the webhook's URL can say: /audit?server=kube-apiserver&node=master-0).
	Server auditlog.Server
	Node   string
	// Data is the batch's bytes, which the server keeps: not to be
	// changed after Ingest.
	Data []byte
}

// standing is a query counted a minute at a time.
type standing struct {
	live     *query.Live
	params   string
	preset   bool
	since    time.Time // when it was first counted
	fields   auditlog.Fields
	lastUsed atomic.Int64 // Unix nanoseconds of the last time it was asked
}

// New returns a server with cfg's limits, which counts nothing until Run.
func New(cfg Config) (*Server, error) {
	if cfg.Retain <= 0 {
		cfg.Retain = DefaultRetain
	}
	if cfg.Retain < time.Minute {
		return nil, fmt.Errorf("serve: retention %v is shorter than a minute", cfg.Retain)
	}
	if cfg.QueueBytes <= 0 {
		cfg.QueueBytes = DefaultQueueBytes
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxQueries <= 0 {
		cfg.MaxQueries = DefaultMaxQueries
	}
	if cfg.Queries == nil {
		cfg.Queries = DefaultQueries
	}
	s := &Server{cfg: cfg, queue: make(chan Batch, 4096), byKey: map[string]*standing{}}
	s.plans.Store(&planSet{})
	for _, params := range cfg.Queries {
		if _, _, err := s.standingFor(params, true); err != nil {
			return nil, fmt.Errorf("serve: query %q: %w", params, err)
		}
	}
	for range cfg.Workers {
		s.workers = append(s.workers, newWorker())
	}
	s.sealed = newWorker()
	s.metrics = newMetrics(s)
	if cfg.Parquet != "" {
		exp, err := newExporter(cfg.Parquet, cfg.Cluster, len(s.workers))
		if err != nil {
			return nil, err
		}
		s.export = exp
	}
	return s, nil
}

// Ingest accepts a batch of events into the queue, to be counted by Run's
// workers. It does not wait: a full queue refuses it with ErrQueueFull,
// and the batch is to be sent again later.
func (s *Server) Ingest(b Batch) error {
	data := b.Data
	if int64(len(data)) > s.cfg.MaxBody {
		s.metrics.batches.WithLabelValues("too_large").Inc()
		return ErrTooLarge
	}
	s.accepting.RLock()
	defer s.accepting.RUnlock()
	if s.stopped.Load() {
		return ErrStopped
	}
	n := int64(len(data))
	// A batch larger than the queue's bound is taken when the queue is
	// empty (it is within MaxBody), else it could never be.
	if total := s.queued.Add(n); total > s.cfg.QueueBytes && total != n {
		s.queued.Add(-n)
		s.metrics.batches.WithLabelValues("queue_full").Inc()
		return ErrQueueFull
	}
	select {
	case s.queue <- b:
		s.batches.Add(1)
		s.metrics.batches.WithLabelValues("accepted").Inc()
		return nil
	default:
		s.queued.Add(-n)
		s.metrics.batches.WithLabelValues("queue_full").Inc()
		return ErrQueueFull
	}
}

// Run counts what Ingest accepts until ctx is done; then it stops
// accepting, counts what the queue holds, commits the Parquet export and
// returns the error of that commit, if any.
func (s *Server) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i, w := range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range s.queue {
				s.count(i, w, b)
				s.queued.Add(-int64(len(b.Data)))
			}
		}()
	}
	var tick <-chan time.Time
	every := s.cfg.CommitEvery
	if every <= 0 {
		every = time.Hour
	}
	if s.export != nil {
		t := time.NewTicker(min(every, time.Minute))
		defer t.Stop()
		tick = t.C
	}
	last := time.Now().Truncate(every)
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case now := <-tick:
			if at := now.Truncate(every); at.After(last) {
				last = at
				_ = s.Commit() // counted in the metrics; the next commit tries again
			}
		}
	}
	s.accepting.Lock()
	s.stopped.Store(true)
	close(s.queue)
	s.accepting.Unlock()
	wg.Wait()
	if s.export != nil {
		return s.export.close()
	}
	return nil
}

// Commit commits the Parquet export's files so far (Config.Parquet), with
// every worker paused between two batches, as Run does every
// Config.CommitEvery; without an export it does nothing.
func (s *Server) Commit() error {
	if s.export == nil {
		return nil
	}
	for _, w := range s.workers {
		w.mu.Lock()
	}
	err := s.export.commit()
	for _, w := range s.workers {
		w.mu.Unlock()
	}
	if err != nil {
		s.metrics.exportErrors.Inc()
	}
	return err
}

// Report returns what was read of the batches so far: counts and samples
// of every line that could not be read (the report holds no file by file
// account: a batch is no file).
func (s *Server) Report() *auditlog.Report {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	r := s.report
	for p := range r.Problems {
		r.Problems[p].Samples = append([]auditlog.Sample(nil), r.Problems[p].Samples...)
	}
	return &r
}

// QueuedBytes is the number of bytes accepted and not yet counted.
func (s *Server) QueuedBytes() int64 { return s.queued.Load() }

// Newest returns the time of the newest event received; zero before any.
func (s *Server) Newest() time.Time {
	if ns := s.newest.Load(); ns != 0 {
		return time.Unix(0, ns).UTC()
	}
	return time.Time{}
}
