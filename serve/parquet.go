package serve

import (
	"errors"
	"fmt"

	"github.com/auditlens/auditlens/export"
)

// exporter writes the events a server counts as a Parquet export, one
// writer at a time: commit closes it, which commits its files (and the
// export's manifest), and opens the next, appending.
type exporter struct {
	dir   string
	opts  export.Options
	w     *export.Writer
	sinks []*export.Sink
	rows  int64 // committed
}

// newExporter opens an export into dir, appending to what it holds, with
// one sink a worker.
func newExporter(dir, cluster string, workers int) (*exporter, error) {
	e := &exporter{dir: dir, opts: export.Options{Cluster: cluster, Append: true, Tool: "auditlens serve", Filter: "every event received"},
		sinks: make([]*export.Sink, workers)}
	if err := e.open(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *exporter) open() error {
	w, err := export.NewWriter(e.dir, e.opts)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	e.w = w
	for i := range e.sinks {
		e.sinks[i] = w.Sink()
	}
	return nil
}

// sink returns worker i's sink; nil when e is nil (no export).
func (e *exporter) sink(i int) *export.Sink {
	if e == nil {
		return nil
	}
	return e.sinks[i]
}

// commit commits what was written and starts the next writer. The
// workers must be paused.
func (e *exporter) commit() error {
	err := e.close()
	if oerr := e.open(); oerr != nil {
		return errors.Join(err, oerr)
	}
	return err
}

// close commits what was written.
func (e *exporter) close() error {
	err := e.w.Close()
	e.rows += e.w.Result().Rows
	if err != nil {
		return fmt.Errorf("serve: committing the export: %w", err)
	}
	return nil
}
