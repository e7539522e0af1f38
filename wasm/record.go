//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"

	"github.com/fhirlens/fhirlens/record"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/bundle"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// recordJSON is a record view model as the page receives it: the model
// with each patient reduced to a header (key, id, banner), and, in one
// buffer (handed to the page without a copy), each patient's record and
// what its cards show only when opened (facts, references, narrative, …),
// as JSON the page decodes and parses only when the patient is shown and a
// card opened. parts holds four offsets per patient into buffer: record
// start and end, details start and end. buffer is nil when the model is
// whole (tests).
type recordJSON struct {
	model  []byte
	buffer []byte
	parts  []any
	// next, when set, builds the patients still to come one by one (the
	// buffer then holds the first patient only): each patient's index, its
	// record and details in a buffer of its own, and parts (four offsets
	// into it); ok is false when every patient is done.
	next func() (index int, buffer []byte, parts []any, ok bool, err error)
}

// summarizeRecord builds the record view model (issue 6) as JSON.
func summarizeRecord(data []byte) (*recordJSON, error) {
	if fhirxml.LooksLikeXML(data) {
		return modelJSON(summarizeXML(data))
	}
	// Attachment data stays out of the model (smaller, faster to post and
	// parse); the viewer reads it from the input bytes when it is shown.
	return modelJSON(record.Summarize(data, record.Options{OmitAttachmentData: true}))
}

// summarizeOnReport builds the record of a file just validated on the
// validator's own work: its reference graph (one resolver) and its resource
// list (cards carry their index in the report, so findings join exactly).
func summarizeOnReport(data []byte, rep *validator.Report) (*recordJSON, error) {
	if fhirxml.LooksLikeXML(data) || rep.Format != "json" && rep.Format != "ndjson" {
		return summarizeRecord(data) // XML: the record reads the converted JSON
	}
	offsets := make([]int, len(rep.Resources))
	for i, r := range rep.Resources {
		offsets[i] = r.Offset
	}
	return modelJSON(record.Summarize(data, record.Options{OmitAttachmentData: true, Graph: rep.Graph(), ResourceOffsets: offsets}))
}

// summarizeBeforeValidation builds the record of a JSON file before it is
// validated, so a large file's summary does not wait for its findings. A
// Bundle's references resolve through the same resolver the validator uses
// (bundle.Graph, indexed here from the file's own parse); the page joins the
// findings to the cards by their byte offsets when the report follows. The
// model comes with its first patient only: the others are built after it is
// posted (next), so the first summary shows after one patient, not all.
func summarizeBeforeValidation(data []byte) (*recordJSON, error) {
	// The job's bytes are never modified: the record reads them in place.
	opts := record.Options{OmitAttachmentData: true, ShareInput: true}
	if tree, problems := jsontree.Parse(data, jsontree.Options{}); tree != nil && len(problems) == 0 && tree.Len() > 0 {
		opts.Graph = bundle.Index(tree, tree.Root())
	}
	s, err := record.NewStream(data, opts)
	if err != nil {
		return nil, err
	}
	out := &recordJSON{}
	if out.model, err = json.Marshal(newModelHeader(s.Model)); err != nil {
		return nil, err
	}
	_, p, ok, err := s.Next()
	if err != nil {
		return nil, err
	}
	if !ok {
		out.buffer, out.parts = []byte{}, []any{}
		return out, nil
	}
	if out.buffer, out.parts, err = patientParts(nil, p); err != nil {
		return nil, err
	}
	out.next = func() (int, []byte, []any, bool, error) {
		i, p, ok, err := s.Next()
		if err != nil || !ok {
			return 0, nil, nil, false, err
		}
		buf, parts, err := patientParts(nil, p)
		return i, buf, parts, err == nil, err
	}
	return out, nil
}

// summarizeRecordSet builds one record from several files dropped together
// (resources merged per patient, references resolved across files).
func summarizeRecordSet(files []record.File) (*recordJSON, error) {
	return modelJSON(record.SummarizeFiles(files, record.Options{OmitAttachmentData: true}))
}

// patientHeader is a patient as the model's header lists it.
type patientHeader struct {
	Key    string        `json:"key"`
	ID     string        `json:"id,omitempty"`
	Banner record.Banner `json:"banner"`
	Lazy   bool          `json:"lazy"`
}

// modelHeader is the model with its patients reduced to headers (the
// outer Patients hides the embedded model's).
type modelHeader struct {
	*record.Model
	Patients []patientHeader `json:"patients"`
}

// cardDetails are the parts of a card shown only when it is opened.
type cardDetails struct {
	Events      []string               `json:"events,omitempty"`
	Facts       []record.Fact          `json:"facts"`
	References  []record.Ref           `json:"references,omitempty"`
	Absent      []record.AbsentElement `json:"absent,omitempty"`
	Narrative   *record.Narrative      `json:"narrative,omitempty"`
	Attachments []record.Attachment    `json:"attachments,omitempty"`
	Problems    []string               `json:"problems,omitempty"`
}

// detailsJSON moves the details of a patient's section cards out of the
// cards (which keep what the summary and the lists show) into one JSON
// object by card key, in the cards' order.
func detailsJSON(p *record.PatientRecord) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	seen := map[*record.Card]bool{}
	for _, s := range p.Sections {
		for _, c := range s.Cards {
			if seen[c] {
				continue // a card listed twice keeps its details under its key once
			}
			seen[c] = true
			d := cardDetails{Events: c.Events, Facts: c.Facts, References: c.References, Absent: c.Absent,
				Narrative: c.Narrative, Attachments: c.Attachments, Problems: c.Problems}
			c.Events, c.Facts, c.References, c.Absent, c.Narrative, c.Attachments, c.Problems = nil, nil, nil, nil, nil, nil, nil
			key, err := json.Marshal(c.Key)
			if err != nil {
				return nil, err
			}
			val, err := json.Marshal(d)
			if err != nil {
				return nil, err
			}
			if buf.Len() > 1 {
				buf.WriteByte(',')
			}
			buf.Write(key)
			buf.WriteByte(':')
			buf.Write(val)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// newModelHeader reduces a model's patients to headers.
func newModelHeader(model *record.Model) modelHeader {
	h := modelHeader{Model: model, Patients: make([]patientHeader, len(model.Patients))}
	for i, p := range model.Patients {
		h.Patients[i] = patientHeader{Key: p.Key, Banner: p.Banner, Lazy: true}
		if p.Card != nil {
			h.Patients[i].ID = p.Card.ID
		}
	}
	return h
}

// patientParts appends a patient's record and its cards' details to buf
// and returns it with their four offsets appended to parts.
func patientParts(buf []byte, p *record.PatientRecord) ([]byte, []any, error) {
	d, err := detailsJSON(p)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, nil, err
	}
	start := len(buf)
	buf = append(buf, b...)
	buf = append(buf, d...)
	return buf, []any{start, start + len(b), start + len(b), len(buf)}, nil
}

// modelJSON marshals a record model as a header and, per patient, its
// record and its cards' details, or passes on the error that stopped it.
func modelJSON(model *record.Model, err error) (*recordJSON, error) {
	if err != nil {
		return nil, err
	}
	out := &recordJSON{parts: make([]any, 0, 4*len(model.Patients))}
	for _, p := range model.Patients {
		var parts []any
		if out.buffer, parts, err = patientParts(out.buffer, p); err != nil {
			return nil, err
		}
		out.parts = append(out.parts, parts...)
	}
	if out.model, err = json.Marshal(newModelHeader(model)); err != nil {
		return nil, err
	}
	return out, nil
}
