//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"

	"github.com/fhirlens/fhirlens/validator"
)

// operationOutcome turns a JSON array of reports (as the page holds them)
// into what the download button saves, the same as `fhirlens validate
// --format outcome`: the OperationOutcome of one report, or a collection
// Bundle of one OperationOutcome per file.
func operationOutcome(reportsJSON []byte) ([]byte, error) {
	var reports []*validator.Report
	if err := json.Unmarshal(reportsJSON, &reports); err != nil {
		return nil, err
	}
	if len(reports) == 0 {
		return nil, errors.New("no report to convert")
	}
	for _, r := range reports {
		if r == nil {
			return nil, errors.New("a report is null")
		}
	}
	if len(reports) == 1 {
		return reports[0].OperationOutcome()
	}
	return validator.OutcomeBundle(reports)
}
