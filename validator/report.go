package validator

import (
	"fmt"
	"sort"
)

// Severity of a finding, ordered from worst to mildest.
type Severity uint8

const (
	Fatal Severity = iota
	Error
	Warning
	Information
)

var severityNames = [...]string{"fatal", "error", "warning", "information"}

func (s Severity) String() string { return severityNames[s] }

// MarshalText writes the OperationOutcome severity code.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads an OperationOutcome severity code.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// Issue is one finding about the input.
type Issue struct {
	Severity Severity `json:"severity"`
	// Code is the OperationOutcome issue type (structure, required, value,
	// invariant, code-invalid, invalid, not-found, duplicate, processing, ...).
	Code string `json:"code"`
	// Rule is a stable identifier of the check: "json.syntax",
	// "element.unknown", "cardinality.min", "invariant:ele-1", ...
	Rule string `json:"rule"`
	// Expression is the FHIRPath location in the reference validator's style:
	// Bundle.entry[2].resource.name[0].given[1].
	Expression string `json:"expression,omitempty"`
	Line       int    `json:"line,omitempty"`
	Col        int    `json:"col,omitempty"`
	Offset     int    `json:"offset"` // byte offset of the offending value in the input
	Message    string `json:"message"`
	// Resource is the index into Report.Resources of the resource the issue is
	// in, or -1 when it concerns the input as a whole.
	Resource int `json:"resource"`
}

// Resource describes one resource found in the input, in document order.
type Resource struct {
	Type       string `json:"type"`
	ID         string `json:"id,omitempty"`
	FullURL    string `json:"fullUrl,omitempty"`
	Expression string `json:"expression"` // "Bundle.entry[3].resource", or the type for a top-level resource
	Line       int    `json:"line"`
	Offset     int    `json:"offset"`
	End        int    `json:"end"`
}

// Report is everything the validator found in one input.
type Report struct {
	Source      string     `json:"source"`
	Format      string     `json:"format"` // "json", "ndjson", or "" when unreadable
	FHIRVersion string     `json:"fhirVersion"`
	Bytes       int        `json:"bytes"`
	Resources   []Resource `json:"resources"`
	Issues      []Issue    `json:"issues"`

	truncated  bool           // the issue limit was reached and the walk stopped
	unverified map[string]int // codings per code system that cannot be checked offline
	profiles   map[string]int // resources per claimed profile (meta.profile), not checked
}

// Counts returns the number of issues of each severity, indexed by Severity.
func (r *Report) Counts() [4]int {
	var c [4]int
	for i := range r.Issues {
		c[r.Issues[i].Severity]++
	}
	return c
}

// HasErrors reports whether any issue is an error or fatal.
func (r *Report) HasErrors() bool {
	c := r.Counts()
	return c[Fatal]+c[Error] > 0
}

// sortIssues puts issues in document order; ties keep the order found.
func (r *Report) sortIssues() {
	sort.SliceStable(r.Issues, func(i, j int) bool { return r.Issues[i].Offset < r.Issues[j].Offset })
}
