//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/fhirlens/fhirlens/record"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/fhirlens/fhirlens/validator/report"
)

// version is set at link time (-X main.version=...).
var version = "dev"

// commit is set at link time (-X main.commit=...), as for the CLI.
var commit = ""

// mainAt is when main started: the page compares it with its own clock to
// see how long Go's start-up took.
var mainAt time.Time

// message is one answer to the page. Values are strings, numbers, booleans
// or nil so that they convert to JS as they are.
type message = map[string]any

// jobKind says what a job does with its input.
type jobKind int

const (
	jobValidate     jobKind = iota // validate, and summarise when asked
	jobSummarize                   // summarise only
	jobOutcome                     // reports → OperationOutcome
	jobSummarizeSet                // one record from several files
	jobConvert                     // JSON ↔ XML (canonical), see xml.go
	jobReport                      // inputs → conformance report (wasm/report.go)
	jobAddGuide                    // load an implementation guide
	jobRemoveGuide                 // drop a loaded guide
)

// job is one request from the page. Its data was copied out of JS once.
type job struct {
	id       int
	kind     jobKind
	name     string
	data     []byte
	files    []record.File     // jobSummarizeSet
	report   *validator.Report // the validation report, for the record (jobValidate)
	to       string            // jobConvert: "json" or "xml"
	record   bool              // also build the record view model (jobValidate)
	recorded bool              // the record has been posted (before validation); only the report is owed
	profile  string            // validate against this profile of a loaded guide (jobValidate)
	settings settings          // the reference validator's options chosen on the page (jobValidate)
	reported bool              // the report has been posted; only the record is owed
	ctx      context.Context
	cancel   context.CancelFunc
}

// service runs jobs one at a time in a single goroutine, so the shared
// validator's progress callback always belongs to the running job.
type service struct {
	post  func(message)
	yield func() // lets the JS event loop run (so a cancel can arrive)

	validatorReady chan struct{}
	validator      *validator.Validator
	validatorErr   error
	loadTime       time.Duration

	mu      sync.Mutex
	queue   []*job
	wake    chan struct{}
	byID    map[int]*job
	current *job

	gs guideState // loaded implementation guides (touched by jobs only)

	lastPost, lastYield time.Time
	// validate and summarize do the work; tests replace them.
	validate     func(ctx context.Context, name string, data []byte) *validator.Report
	summarize    func(data []byte) (*recordJSON, error)
	summarizeSet func(files []record.File) (*recordJSON, error)
	// summarizeOnReport builds the record on the report's graph and
	// resources; nil (tests) falls back to summarize.
	summarizeOnReport func(data []byte, rep *validator.Report) (*recordJSON, error)
	// summarizeFirst builds the record of a large JSON input before it is
	// validated (recordFirstBytes); nil (tests) falls back to summarize.
	summarizeFirst func(data []byte) (*recordJSON, error)
}

// recordFirstBytes is the size from which a JSON input's record is built
// before it is validated: the summary of a large file (a 15 MB Synthea
// bundle: about 1 s in the browser) then does not wait for its validation
// (as long again), and the findings follow. Smaller files are validated
// first, so the page can open on the Findings tab when they have errors.
const recordFirstBytes = 1 << 20

func newService(post func(message), yield func()) *service {
	return &service{
		post:           post,
		yield:          yield,
		validatorReady: make(chan struct{}),
		wake:           make(chan struct{}, 1),
		byID:           map[int]*job{},
		summarize:      summarizeRecord,
		summarizeSet:   summarizeRecordSet,

		summarizeOnReport: summarizeOnReport,
		summarizeFirst:    summarizeBeforeValidation,
	}
}

// start announces readiness, loads the definitions and then runs jobs
// forever. "ready" goes out first: the page can hand over work while the
// definitions decode (jobs queue until they are), so neither the download of
// gen/r4.bin nor its decode delays the page; "definitions" follows with
// what was loaded, or why it failed.
func (s *service) start() {
	msg := s.info()
	msg["type"] = "ready"
	s.post(msg)
	begin := time.Now()
	if err := provideR4(); err != nil {
		s.validatorErr = err
	} else {
		s.validator, s.validatorErr = newValidatorSafely()
	}
	if s.validate == nil && s.validator != nil {
		s.validate = func(ctx context.Context, name string, data []byte) *validator.Report {
			return s.validator.Validate(ctx, validator.FileInput(name, data), validator.WithProgress(s.progress))
		}
	}
	s.loadTime = time.Since(begin)
	close(s.validatorReady)
	msg = s.info()
	msg["type"] = "definitions"
	s.post(msg)
	for {
		j := s.next()
		s.run(j)
	}
}

func newValidatorSafely() (v *validator.Validator, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("internal error loading the definitions: %v", p)
		}
	}()
	return validator.New(validator.Options{})
}

// info describes this build and its definitions.
func (s *service) info() message {
	msg := message{"version": version, "commit": commit, "go": runtime.Version()}
	if !mainAt.IsZero() {
		msg["mainAtEpochMs"] = float64(mainAt.UnixMicro()) / 1000
	}
	select {
	case <-s.validatorReady:
	default:
		msg["loading"] = true
		return msg
	}
	msg["loadMs"] = float64(s.loadTime.Microseconds()) / 1000
	if s.validatorErr != nil {
		msg["error"] = s.validatorErr.Error()
		return msg
	}
	if defs := definitionsOf(s.validator); defs != nil {
		msg["fhirVersion"] = defs.FHIRVersion
		msg["types"] = len(defs.Types)
		msg["profiles"] = len(defs.Profiles)
		msg["valueSets"] = len(defs.ValueSets)
	}
	return msg
}

// enqueue adds a job; it never blocks, so it is safe inside a JS callback.
func (s *service) enqueue(j *job) {
	j.ctx, j.cancel = context.WithCancel(context.Background())
	s.mu.Lock()
	s.queue = append(s.queue, j)
	s.byID[j.id] = j
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// cancelJob stops a queued or running job; unknown ids are ignored.
func (s *service) cancelJob(id int) {
	s.mu.Lock()
	j := s.byID[id]
	s.mu.Unlock()
	if j != nil {
		j.cancel()
	}
}

func (s *service) next() *job {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			j := s.queue[0]
			s.queue = s.queue[1:]
			s.current = j
			s.mu.Unlock()
			return j
		}
		s.mu.Unlock()
		<-s.wake
	}
}

func (s *service) finish(j *job) {
	s.mu.Lock()
	delete(s.byID, j.id)
	s.current = nil
	s.mu.Unlock()
	j.cancel()
	j.data = nil
	j.files = nil
	j.report = nil
}

// run executes one job. A panic anywhere becomes a fatal finding (or an
// error message) for this job only; the service goes on with the next.
func (s *service) run(j *job) {
	defer s.finish(j)
	defer func() {
		if p := recover(); p != nil {
			// Answer with the message the page is waiting for.
			switch {
			case j.kind == jobOutcome || j.kind == jobConvert || j.kind == jobReport || j.kind == jobAddGuide || j.kind == jobRemoveGuide:
				s.post(message{"type": "error", "id": j.id, "message": fmt.Sprintf("internal error in fhirlens: %v", p)})
			case j.kind == jobSummarize || j.kind == jobSummarizeSet || j.reported:
				s.post(message{"type": "record", "id": j.id, "name": j.name, "error": fmt.Sprintf("internal error building the record view (please report it with the input): %v", p)})
			default:
				s.post(message{"type": "result", "id": j.id, "name": j.name, "report": panicReport(j, p)})
			}
		}
	}()
	// Let the JS call that queued the job return first, so the worker can hand
	// the input buffer back to the page at once (the page also holds results
	// until the buffer is back: the raw and record views read from it).
	s.yield()
	if j.ctx.Err() != nil {
		s.post(message{"type": "cancelled", "id": j.id, "name": j.name})
		return
	}
	switch j.kind {
	case jobValidate:
		s.runValidate(j)
	case jobSummarize, jobSummarizeSet:
		s.runSummarize(j)
	case jobOutcome:
		s.runOutcome(j)
	case jobConvert:
		s.runConvert(j)
	case jobReport:
		s.runReport(j)
	case jobAddGuide, jobRemoveGuide:
		s.runGuide(j)
	}
}

func (s *service) runValidate(j *job) {
	<-s.validatorReady
	if s.validatorErr != nil {
		s.post(message{"type": "error", "id": j.id, "name": j.name, "message": "the validator could not start: " + s.validatorErr.Error()})
		return
	}
	s.lastPost, s.lastYield = time.Time{}, time.Now()
	s.post(message{"type": "progress", "id": j.id, "phase": "validating", "done": 0, "total": 0})
	// With guides loaded, a profile chosen or settings changed, their
	// validator is used; otherwise the core one (which also tries STU3).
	v, err := s.validatorFor(j.profile, j.settings)
	if err != nil {
		s.post(message{"type": "error", "id": j.id, "name": j.name, "message": err.Error()})
		return
	}
	if j.record && len(j.data) >= recordFirstBytes && !fhirxml.LooksLikeXML(j.data) {
		s.post(message{"type": "progress", "id": j.id, "phase": "summarizing", "done": 0, "total": 0})
		s.runSummarize(j)
		j.recorded = true
		s.yield() // let the page take the record before validation starts
		if j.ctx.Err() != nil {
			s.post(message{"type": "cancelled", "id": j.id, "name": j.name})
			return
		}
		s.lastPost, s.lastYield = time.Time{}, time.Now()
		s.post(message{"type": "progress", "id": j.id, "phase": "validating", "done": 0, "total": 0})
	}
	begin := time.Now()
	var rep *validator.Report
	if v != nil {
		rep = v.Validate(j.ctx, validator.FileInput(j.name, j.data), validator.WithProgress(s.progress))
	} else {
		rep = s.validateVersioned(j.ctx, j.name, j.data)
	}
	elapsed := time.Since(begin)
	if j.recorded {
		s.yield() // the report is the job's last answer: a cancel sent meanwhile still counts
	}
	if j.ctx.Err() != nil {
		s.post(message{"type": "cancelled", "id": j.id, "name": j.name})
		return
	}
	n := rep.Summary.Fatal + rep.Summary.Error + rep.Summary.Warning + rep.Summary.Information
	s.post(message{"type": "progress", "id": j.id, "phase": "encoding", "done": n, "total": n})
	out, err := json.Marshal(rep)
	if err != nil {
		out = []byte(panicReport(j, fmt.Sprintf("report could not be encoded: %v", err)))
	}
	rules, _ := json.Marshal(report.RulesOf(rep)) // summaries and best-practice flags from the rule registry
	s.post(message{"type": "result", "id": j.id, "name": j.name, "report": string(out), "rules": string(rules),
		"validateMs": ms(elapsed), "bytes": len(j.data)})
	j.reported = true
	j.report = rep
	if j.record && !j.recorded {
		s.post(message{"type": "progress", "id": j.id, "phase": "summarizing", "done": 0, "total": 0})
		s.yield() // let the page draw the findings before the record is built
		if j.ctx.Err() != nil {
			s.post(message{"type": "cancelled", "id": j.id, "name": j.name})
			return
		}
		s.runSummarize(j)
	}
}

// runSummarize builds and posts the record. Before validation (a large
// input), the message says the report is still to come ("first"), and a
// panic becomes the record's error: the validation still runs.
func (s *service) runSummarize(j *job) {
	first := j.kind == jobValidate && j.report == nil
	begin := time.Now()
	var model *recordJSON
	var err error
	func() {
		if first {
			defer func() {
				if p := recover(); p != nil {
					model, err = nil, fmt.Errorf("internal error building the record view (please report it with the input): %v", p)
				}
			}()
		}
		switch {
		case j.kind == jobSummarizeSet:
			model, err = s.summarizeSet(j.files)
		case first && s.summarizeFirst != nil:
			model, err = s.summarizeFirst(j.data)
		case j.report != nil && s.summarizeOnReport != nil:
			model, err = s.summarizeOnReport(j.data, j.report)
		default:
			model, err = s.summarize(j.data)
		}
	}()
	msg := message{"type": "record", "id": j.id, "name": j.name, "summarizeMs": ms(time.Since(begin))}
	if first {
		msg["first"] = true
	}
	if err != nil {
		msg["error"] = err.Error()
	} else {
		msg["model"] = string(model.model)
		if model.buffer != nil {
			msg["buffer"] = model.buffer // a Uint8Array, transferred (jsOutbox)
			msg["parts"] = model.parts
		}
		if model.next != nil {
			msg["pending"] = true // the other patients follow, one "recordPatient" each
		}
	}
	s.post(msg)
	if err != nil || model.next == nil {
		return
	}
	// The first patient is on the page: build the others, posting each as
	// it is done, then say the record is complete ("done").
	for {
		var i int
		var buf []byte
		var parts []any
		var ok bool
		func() {
			defer func() {
				if p := recover(); p != nil {
					ok, err = false, fmt.Errorf("internal error building the record view (please report it with the input): %v", p)
				}
			}()
			i, buf, parts, ok, err = model.next()
		}()
		if !ok {
			break
		}
		s.post(message{"type": "recordPatient", "id": j.id, "index": i, "buffer": buf, "parts": parts})
	}
	done := message{"type": "recordPatient", "id": j.id, "done": true, "summarizeMs": ms(time.Since(begin))}
	if err != nil {
		done["error"] = err.Error()
	}
	s.post(done)
}

func (s *service) runOutcome(j *job) {
	out, err := operationOutcome(j.data)
	if err != nil {
		s.post(message{"type": "error", "id": j.id, "message": "cannot build the OperationOutcome: " + err.Error()})
		return
	}
	s.post(message{"type": "outcome", "id": j.id, "json": string(out)})
}

// progress is the validator's callback. It posts at most every 50 ms and
// hands control back to JS every 100 ms, because a busy Go goroutine in wasm
// otherwise keeps the worker from seeing a cancel message.
func (s *service) progress(done, total int) {
	s.mu.Lock()
	j := s.current
	s.mu.Unlock()
	if j == nil {
		return
	}
	now := time.Now()
	if now.Sub(s.lastPost) >= 50*time.Millisecond || done == total {
		s.lastPost = now
		s.post(message{"type": "progress", "id": j.id, "phase": "validating", "done": done, "total": total})
	}
	if now.Sub(s.lastYield) >= 100*time.Millisecond {
		s.yield()
		s.lastYield = time.Now()
	}
}

// panicReport is a report whose only finding is a fatal one saying the
// engine failed, in the shape of validator.Report.
func panicReport(j *job, p any) string {
	rep := validator.Report{Source: j.name, Bytes: len(j.data), Resources: []validator.Resource{}, Findings: []validator.Finding{{
		Severity: validator.Fatal, Code: "exception", Rule: "engine.panic", Resource: -1,
		Message: fmt.Sprintf("internal error in fhirlens (please report it with the input): %v", p),
	}}, Summary: validator.Summary{Fatal: 1}}
	out, err := json.Marshal(rep)
	if err != nil {
		return `{"findings":[{"severity":"fatal","code":"exception","rule":"engine.panic","resource":-1,"offset":0,"message":"internal error in fhirlens"}],"resources":[],"summary":{"resources":0,"fatal":1,"error":0,"warning":0,"information":0}}`
	}
	return string(out)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
