//go:build js && wasm

package main

import (
	"encoding/json"

	"github.com/fhirlens/fhirlens/record"
)

// summarizeRecord builds the record view model (issue 6) as JSON.
func summarizeRecord(data []byte) ([]byte, error) {
	model, err := record.Summarize(data, record.Options{})
	if err != nil {
		return nil, err
	}
	return json.Marshal(model)
}
