package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// child is one measured process.
type child struct {
	// path is the binary; args its arguments.
	path string
	args []string
	// harness is set when path is the harness itself in a child mode.
	harness bool
	// stdout is the file its standard output goes to; "" discards it.
	stdout string
	// stderr, when set, is the file its standard error is saved to.
	stderr string
	// result is the file a harness child writes its childResult to.
	result string
	// before, when not nil, runs before each run of the child, unmeasured.
	before func() error
}

// measurement is what one run of a child cost.
type measurement struct {
	Wall    time.Duration
	CPU     time.Duration
	PeakRSS int64 // bytes
	Result  childResult
}

// measure runs c, timing it from start to exit. Its peak RSS is its own:
// the kernel's maximum resident set size of the child process.
func measure(c child) (measurement, error) {
	if c.before != nil {
		if err := c.before(); err != nil {
			return measurement{}, err
		}
	}
	cmd := exec.Command(c.path, c.args...)
	// The summary line's times are in the local zone in the reference;
	// UTC everywhere keeps the answers comparable.
	cmd.Env = append(os.Environ(), "TZ=UTC")
	if c.harness {
		cmd.Env = append(cmd.Env, childEnv+"=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if c.stdout != "" {
		f, err := os.Create(c.stdout)
		if err != nil {
			return measurement{}, err
		}
		defer f.Close()
		cmd.Stdout = f
	}
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if c.stderr != "" {
		if werr := os.WriteFile(c.stderr, stderr.Bytes(), 0o644); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return measurement{}, fmt.Errorf("%s %s: %w\n%s", c.path, strings.Join(c.args, " "), err, tail(stderr.String(), 2000))
	}
	m := measurement{Wall: wall}
	m.PeakRSS, m.CPU = usage(cmd.ProcessState)
	if c.result != "" {
		b, err := os.ReadFile(c.result)
		if err != nil {
			return m, err
		}
		if err := json.Unmarshal(b, &m.Result); err != nil {
			return m, fmt.Errorf("%s: %w", c.result, err)
		}
	}
	return m, nil
}

// measureBest runs c count times and keeps the shortest wall time and the
// largest peak RSS.
func measureBest(c child, count int) (measurement, error) {
	var best measurement
	for i := range max(count, 1) {
		m, err := measure(c)
		if err != nil {
			return m, err
		}
		if i == 0 || m.Wall < best.Wall {
			rss := max(best.PeakRSS, m.PeakRSS)
			best = m
			best.PeakRSS = rss
		} else {
			best.PeakRSS = max(best.PeakRSS, m.PeakRSS)
		}
	}
	return best, nil
}

// job is a case measured in rounds (measureRounds): its child, and the
// row its best measurement makes.
type job struct {
	c   child
	row func(measurement) row
}

// measureRounds measures each job's child count times (at least once),
// in rounds that run every child once in turn, and returns each one's
// best as measureBest does: the fastest run, with the largest peak RSS.
func measureRounds(jobs []job, count int) ([]measurement, error) {
	best := make([]measurement, len(jobs))
	for round := range max(count, 1) {
		for i, j := range jobs {
			m, err := measure(j.c)
			if err != nil {
				return nil, err
			}
			if round == 0 || m.Wall < best[i].Wall {
				m.PeakRSS = max(m.PeakRSS, best[i].PeakRSS)
				best[i] = m
			} else {
				best[i].PeakRSS = max(best[i].PeakRSS, m.PeakRSS)
			}
		}
	}
	return best, nil
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
