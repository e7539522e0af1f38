package validator

import (
	"bytes"
	"context"
	"sync"
)

// ndjsonChunk is about how many bytes of ndjson records one goroutine
// validates at a time: large enough that merging costs nothing, small
// enough that two cores stay busy to the end of a 10 MB file.
const ndjsonChunk = 256 << 10

// chunk is a run of whole ndjson lines validated into its own report.
type chunk struct {
	start, lineNo int    // byte offset and line index of its first line
	data          []byte // its lines
	rep           *Report
	lines         int // non-blank lines validated
	lastLine      int
	done          chan struct{}
}

// runNDJSONParallel validates the records of an ndjson input on
// Options.Jobs goroutines, a chunk of lines each, and merges the chunk
// reports in input order, so the report is exactly the serial one: the same
// resources, findings (finding.List.Merge keeps the per-rule limit and the
// order of omissions of a single list), and counts.
func (v *Validator) runNDJSONParallel(ctx context.Context, rep *Report, data []byte) {
	jobs := v.opts.Jobs
	total := bytes.Count(data, []byte{'\n'}) + 1
	work := make(chan *chunk)
	queue := make(chan *chunk, 2*jobs) // chunks in input order; bounds those in flight
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				v.validateChunk(ctx, c)
				close(c.done)
			}
		}()
	}
	go func() { // cut the input into chunks of whole lines
		defer close(queue)
		defer close(work)
		for start, lineNo := 0, 0; start < len(data); {
			end := min(len(data), start+ndjsonChunk)
			if nl := bytes.IndexByte(data[end:], '\n'); nl >= 0 {
				end += nl + 1
			} else {
				end = len(data)
			}
			c := &chunk{start: start, lineNo: lineNo, data: data[start:end], done: make(chan struct{})}
			lineNo += bytes.Count(c.data, []byte{'\n'})
			start = end
			queue <- c
			if ctx.Err() != nil {
				close(c.done) // not validated: the merge reports the cancellation
				continue
			}
			work <- c
		}
	}()
	done, stopped := 0, false
	for c := range queue {
		<-c.done
		if stopped {
			continue
		}
		if c.rep == nil || c.rep.cancelled {
			rep.add(cancelled())
			stopped = true
			continue
		}
		rep.merge(c.rep)
		if rep.progress != nil && c.lines > 0 && (done+c.lines)/64 > done/64 {
			rep.progress(c.lastLine, total)
		}
		done += c.lines
	}
	wg.Wait()
}

// validateChunk validates the lines of c into c.rep, as runNDJSON would.
func (v *Validator) validateChunk(ctx context.Context, c *chunk) {
	rep := &Report{Source: "", FHIRVersion: v.defs.FHIRVersion, Format: "ndjson"}
	rep.list.KeepPerRule = v.opts.MaxPerRule
	defer func() {
		if p := recover(); p != nil {
			rep.add(panicked(p))
		}
		c.rep = rep
	}()
	if !v.validateLines(ctx, rep, c.data, c.start, c.lineNo, func(lineNo int) {
		c.lines++
		c.lastLine = lineNo
	}) {
		rep.cancelled = true
	}
}

// merge appends the resources, findings and counts of a chunk's report,
// renumbering the chunk's resources after those already here.
func (r *Report) merge(c *Report) {
	base := len(r.Resources)
	r.Resources = append(r.Resources, c.Resources...)
	for i := range c.list.Findings {
		if f := &c.list.Findings[i]; f.Resource >= 0 {
			f.Resource += base
		}
	}
	r.list.Merge(&c.list)
	for k, n := range c.unverified {
		if r.unverified == nil {
			r.unverified = map[string]int{}
		}
		r.unverified[k] += n
	}
	for k, n := range c.profiles {
		if r.profiles == nil {
			r.profiles = map[string]int{}
		}
		r.profiles[k] += n
	}
}
