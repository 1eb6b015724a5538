package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// naiveMaxLine is the naive baseline's longest line. The reference tool
// reads with a default bufio.Scanner, whose limit is 64 KiB, and never
// checks its error, so on the generator's RequestResponse events (over
// 64 KiB) it silently drops the rest of the file (its defect 1) and its
// answers would be wrong. The baseline keeps the reference's approach but
// gives the scanner a buffer big enough for every line.
const naiveMaxLine = 64 << 20

// runNaive answers the questions the way the reference tool does: read
// every file under o.dir (whole files in parallel, gzip by name), decode
// every line with encoding/json into an auditv1.Event, hold every event in
// one slice, sort it by requestReceivedTimestamp, then filter and count
// for each question. Each answer goes to o.outDir/naive-QUESTION.txt in
// the reference's output format.
func runNaive(o childOptions) (childResult, error) {
	var res childResult
	t0 := time.Now()
	events, failures, files, err := naiveLoad(o.dir, o.workers)
	if err != nil {
		return res, err
	}
	res.LoadSeconds = time.Since(t0).Seconds()
	res.Events, res.Failures, res.Files = int64(len(events)), failures, files

	t0 = time.Now()
	sort.Slice(events, func(i, j int) bool {
		return events[i].RequestReceivedTimestamp.Before(&events[j].RequestReceivedTimestamp)
	})
	res.SortSeconds = time.Since(t0).Seconds()

	qs := labQuestions(o.culprit)
	res.QuestionSeconds = map[string]float64{}
	for _, name := range o.questions {
		q, err := findQuestion(qs, name)
		if err != nil {
			return res, err
		}
		if !q.compared() {
			continue // the reference has no such view
		}
		t0 = time.Now()
		if err := naiveAnswerFile(filepath.Join(o.outDir, "naive-"+name+".txt"), q, events); err != nil {
			return res, err
		}
		res.QuestionSeconds[name] = time.Since(t0).Seconds()
	}
	return res, nil
}

// naiveLoad reads and decodes every file under dir with workers
// goroutines, each taking whole files, and returns every event.
func naiveLoad(dir string, workers int) (events []*auditv1.Event, failures int64, files int, err error) {
	var paths []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, 0, 0, err
	}
	type part struct {
		events   []*auditv1.Event
		failures int64
		err      error
	}
	parts := make([]part, len(paths))
	work := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range work {
				p := &parts[i]
				p.events, p.failures, p.err = naiveReadFile(paths[i])
			}
		})
	}
	for i := range paths {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, p := range parts {
		if p.err != nil {
			return nil, 0, 0, p.err
		}
		events = append(events, p.events...)
		failures += p.failures
	}
	return events, failures, len(paths), nil
}

// naiveReadFile decodes one file, gunzipped when its name ends in .gz.
func naiveReadFile(path string) (events []*auditv1.Event, failures int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), naiveMaxLine)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) > 0 && line[0] != '{' {
			// A collector's host-name prefix: "master-0 {...}".
			if i := bytes.IndexByte(line, ' '); i >= 0 {
				line = line[i+1:]
			}
		}
		ev := new(auditv1.Event)
		if err := json.Unmarshal(line, ev); err != nil {
			failures++
			continue
		}
		events = append(events, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return events, failures, nil
}

// naiveAnswerFile writes the answer to q into a new file at path.
func naiveAnswerFile(path string, q question, events []*auditv1.Event) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = naiveAnswer(w, q, events)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
