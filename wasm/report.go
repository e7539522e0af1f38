//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"

	"github.com/fhirlens/fhirlens/validator/report"
)

// reportRequest is the page's description of a report job: the inputs'
// names and sizes (their bytes come concatenated in the job's data), and,
// to verify, the report.json that was dropped with them.
type reportRequest struct {
	Names  []string `json:"names"`
	Sizes  []int    `json:"sizes"`
	Verify string   `json:"verify"`
}

// runReport builds the conformance report of the inputs exactly as
// `fhirlens report` does with the same inputs and default options (the
// embedded R4 definitions, invariants on): report.json and report.html are
// byte-identical to the CLI's. With a report to verify, it also compares.
func (s *service) runReport(j *job) {
	fail := func(format string, a ...any) {
		s.post(message{"type": "error", "id": j.id, "message": fmt.Sprintf(format, a...)})
	}
	var req reportRequest
	if err := json.Unmarshal([]byte(j.name), &req); err != nil || len(req.Names) != len(req.Sizes) {
		fail("report: bad request")
		return
	}
	<-s.validatorReady
	if s.validatorErr != nil {
		fail("the validator could not start: %v", s.validatorErr)
		return
	}
	var old *report.Report
	if req.Verify != "" {
		var err error
		if old, err = report.Read([]byte(req.Verify)); err != nil {
			fail("%v", err)
			return
		}
		if len(old.Definitions.Guides) > 0 || !old.Options.Invariants || len(old.Options.Profiles) > 0 || old.Definitions.Core != report.EmbeddedR4() {
			fail("this report was made with options or packages the page does not have (guides, another core, --profile or --no-invariants): verify it with fhirlens verify")
			return
		}
	}
	meta := report.Meta{Tool: report.ToolOf(version, commit), Options: report.Options{Invariants: true}}
	meta.Definitions.Core = report.EmbeddedR4()
	meta.Definitions.FHIRVersion = s.validator.FHIRVersion()
	if old != nil {
		meta.Date = old.Date
	}
	sources := make([]report.Source, 0, len(req.Names))
	off := 0
	for i, name := range req.Names {
		n := req.Sizes[i]
		if n < 0 || off+n > len(j.data) {
			fail("report: sizes do not match the bytes")
			return
		}
		data := j.data[off : off+n : off+n]
		off += n
		s.post(message{"type": "progress", "id": j.id, "phase": "reporting", "done": i, "total": len(req.Names)})
		rep := s.validate(j.ctx, name, data)
		if j.ctx.Err() != nil {
			s.post(message{"type": "cancelled", "id": j.id})
			return
		}
		sources = append(sources, report.Source{Name: name, Data: data, Report: rep})
	}
	r := report.Build(meta, sources)
	msg := message{"type": "conformance", "id": j.id, "json": string(r.JSON()), "html": string(r.HTML())}
	if old != nil {
		diffs, _ := json.Marshal(report.Compare(old, r))
		msg["diffs"] = string(diffs)
	}
	s.post(msg)
}
