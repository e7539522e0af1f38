//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"

	"github.com/fhirlens/fhirlens/validator"
)

// operationOutcome turns a JSON array of reports (as the page holds them)
// into what the download button saves: the OperationOutcome of the one
// report, or a collection Bundle of one OperationOutcome per file.
func operationOutcome(reportsJSON []byte) ([]byte, error) {
	var reports []validator.Report
	if err := json.Unmarshal(reportsJSON, &reports); err != nil {
		return nil, err
	}
	if len(reports) == 0 {
		return nil, errors.New("no report to convert")
	}
	outcomes := make([]json.RawMessage, len(reports))
	for i := range reports {
		oo, err := reportOutcome(&reports[i])
		if err != nil {
			return nil, err
		}
		outcomes[i] = oo
	}
	if len(outcomes) == 1 {
		return outcomes[0], nil
	}
	type entry struct {
		Resource json.RawMessage `json:"resource"`
	}
	bundle := struct {
		ResourceType string  `json:"resourceType"`
		Type         string  `json:"type"`
		Entry        []entry `json:"entry"`
	}{ResourceType: "Bundle", Type: "collection"}
	for _, oo := range outcomes {
		bundle.Entry = append(bundle.Entry, entry{Resource: oo})
	}
	return json.MarshalIndent(bundle, "", "  ")
}
