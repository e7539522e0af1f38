package validator

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"

	"github.com/fhirlens/fhirlens/internal/jsonindent"
)

// Standard extensions that carry a finding's position, so an outcome can be
// compared issue by issue with other validators' output.
const (
	extLine = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line"
	extCol  = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col"
	extRule = "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id"
	extFile = "http://hl7.org/fhir/StructureDefinition/operationoutcome-file"
)

type ooExtension struct {
	URL          string `json:"url"`
	ValueInteger *int   `json:"valueInteger,omitempty"`
	ValueString  string `json:"valueString,omitempty"`
}

type ooIssue struct {
	Extension   []ooExtension `json:"extension,omitempty"`
	Severity    string        `json:"severity"`
	Code        string        `json:"code"`
	Details     *ooText       `json:"details,omitempty"`
	Diagnostics string        `json:"diagnostics,omitempty"`
	Expression  []string      `json:"expression,omitempty"`
}

type ooText struct {
	Text string `json:"text"`
}

type outcome struct {
	ResourceType string        `json:"resourceType"`
	Extension    []ooExtension `json:"extension,omitempty"`
	Issue        []ooIssue     `json:"issue"`
}

func (r *Report) outcome() outcome {
	oo := outcome{ResourceType: "OperationOutcome", Issue: make([]ooIssue, 0, len(r.Findings)+len(r.Summary.Omitted)+1)}
	if r.Source != "" {
		oo.Extension = []ooExtension{{URL: extFile, ValueString: r.Source}}
	}
	for _, is := range r.Findings {
		i := ooIssue{Severity: is.Severity.String(), Code: is.Code, Details: &ooText{Text: is.Message},
			Diagnostics: fmt.Sprintf("rule %s", is.Rule)}
		if is.Line > 0 {
			line, col := is.Line, is.Col
			i.Extension = []ooExtension{{URL: extLine, ValueInteger: &line}, {URL: extCol, ValueInteger: &col}}
		}
		i.Extension = append(i.Extension, ooExtension{URL: extRule, ValueString: is.Rule})
		if is.Expression != "" {
			i.Expression = []string{is.Expression}
		}
		oo.Issue = append(oo.Issue, i)
	}
	// What was counted but not kept: one note per rule, so the outcome's
	// totals are exact too.
	for _, o := range r.Summary.Omitted {
		oo.Issue = append(oo.Issue, ooIssue{Severity: "information", Code: "informational",
			Details:   &ooText{Text: OmittedText(o)},
			Extension: []ooExtension{{URL: extRule, ValueString: o.Rule}}})
	}
	if len(oo.Issue) == 0 {
		// An OperationOutcome needs at least one issue; this is how the
		// reference validator says "nothing found".
		oo.Issue = append(oo.Issue, ooIssue{Severity: "information", Code: "informational", Details: &ooText{Text: "All OK"}})
	}
	return oo
}

// OperationOutcome renders the report as a FHIR OperationOutcome (JSON).
func (r *Report) OperationOutcome() ([]byte, error) {
	return json.MarshalIndent(r.outcome(), "", "  ")
}

// WriteOperationOutcome writes what OperationOutcome returns, and a
// newline, to w, streamed: no indented copy of the whole outcome is built.
func (r *Report) WriteOperationOutcome(w io.Writer) error {
	b, err := json.Marshal(r.outcome())
	if err != nil {
		return err
	}
	x := jsonindent.New(w, "  ")
	x.Write(b)
	x.WriteString("\n")
	return x.Flush()
}

// WriteOutcomeBundle writes what OutcomeBundle returns, and a newline, to
// w, streamed one entry at a time.
func WriteOutcomeBundle(w io.Writer, reports []*Report) error {
	if len(reports) == 0 {
		b, err := OutcomeBundle(reports)
		if err == nil {
			_, err = w.Write(append(b, '\n'))
		}
		return err
	}
	x := jsonindent.New(w, "  ")
	x.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	for i, r := range reports {
		if i > 0 {
			x.WriteString(",")
		}
		b, err := json.Marshal(outcomeEntry{FullURL: nameUUID(fmt.Sprintf("%d:%s", i, r.Source)), Resource: r.outcome()})
		if err != nil {
			return err
		}
		x.Write(b)
	}
	x.WriteString("]}\n")
	return x.Flush()
}

// outcomeEntry is an entry of OutcomeBundle.
type outcomeEntry struct {
	FullURL  string  `json:"fullUrl"`
	Resource outcome `json:"resource"`
}

// OutcomeBundle renders several reports as a collection Bundle whose entries
// are their OperationOutcomes, in input order.
func OutcomeBundle(reports []*Report) ([]byte, error) {
	type entry = outcomeEntry
	b := struct {
		ResourceType string  `json:"resourceType"`
		Type         string  `json:"type"`
		Entry        []entry `json:"entry"`
	}{ResourceType: "Bundle", Type: "collection"}
	for i, r := range reports {
		b.Entry = append(b.Entry, entry{FullURL: nameUUID(fmt.Sprintf("%d:%s", i, r.Source)), Resource: r.outcome()})
	}
	return json.MarshalIndent(b, "", "  ")
}

// nameUUID is a name-based (version 5 style) urn:uuid, so that the same
// inputs give the same Bundle byte for byte.
func nameUUID(name string) string {
	h := sha1.Sum([]byte("fhirlens-outcome:" + name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
