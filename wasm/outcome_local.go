//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"

	"github.com/fhirlens/fhirlens/validator"
)

// reportOutcome converts one report to an OperationOutcome.
// TODO: use (*validator.Report).OperationOutcome once it lands.
func reportOutcome(rep *validator.Report) ([]byte, error) {
	type coding struct {
		Text string `json:"text"`
	}
	type issue struct {
		Severity    string   `json:"severity"`
		Code        string   `json:"code"`
		Details     *coding  `json:"details,omitempty"`
		Diagnostics string   `json:"diagnostics,omitempty"`
		Expression  []string `json:"expression,omitempty"`
		Location    []string `json:"location,omitempty"`
	}
	oo := struct {
		ResourceType string  `json:"resourceType"`
		Issue        []issue `json:"issue"`
	}{ResourceType: "OperationOutcome"}
	for _, is := range rep.Issues {
		out := issue{Severity: is.Severity.String(), Code: is.Code, Details: &coding{Text: is.Message}, Diagnostics: is.Rule}
		if out.Code == "" {
			out.Code = "processing"
		}
		if is.Expression != "" {
			out.Expression = []string{is.Expression}
		}
		if is.Line > 0 {
			out.Location = []string{fmt.Sprintf("%s: line %d, col %d", rep.Source, is.Line, is.Col)}
		}
		oo.Issue = append(oo.Issue, out)
	}
	if len(oo.Issue) == 0 {
		oo.Issue = []issue{{Severity: "information", Code: "informational", Details: &coding{Text: "No issues found in " + rep.Source}}}
	}
	return json.MarshalIndent(oo, "", "  ")
}
