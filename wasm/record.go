//go:build js && wasm

package main

import (
	"encoding/json"

	"github.com/fhirlens/fhirlens/record"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
)

// summarizeRecord builds the record view model (issue 6) as JSON.
func summarizeRecord(data []byte) ([]byte, error) {
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
func summarizeOnReport(data []byte, rep *validator.Report) ([]byte, error) {
	if fhirxml.LooksLikeXML(data) || rep.Format != "json" && rep.Format != "ndjson" {
		return summarizeRecord(data) // XML: the record reads the converted JSON
	}
	offsets := make([]int, len(rep.Resources))
	for i, r := range rep.Resources {
		offsets[i] = r.Offset
	}
	return modelJSON(record.Summarize(data, record.Options{OmitAttachmentData: true, Graph: rep.Graph(), ResourceOffsets: offsets}))
}

// summarizeRecordSet builds one record from several files dropped together
// (resources merged per patient, references resolved across files).
func summarizeRecordSet(files []record.File) ([]byte, error) {
	return modelJSON(record.SummarizeFiles(files, record.Options{OmitAttachmentData: true}))
}

// modelJSON marshals a record model, or passes on the error that stopped it.
func modelJSON(model *record.Model, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return json.Marshal(model)
}
