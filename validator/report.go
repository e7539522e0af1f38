package validator

import (
	"sort"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// Severity of a finding, ordered from worst to mildest (finding.Severity).
type Severity = finding.Severity

const (
	Fatal       = finding.Fatal
	Error       = finding.Error
	Warning     = finding.Warning
	Information = finding.Information
)

// Issue is one finding about the input (finding.Finding; the engine engineer
// renames it to Finding across the packages).
type Issue = finding.Finding

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
