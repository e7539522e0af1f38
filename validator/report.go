package validator

import (
	"fmt"

	"github.com/fhirlens/fhirlens/validator/bundle"
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

// Finding is one thing the validator found about the input (finding.Finding).
type Finding = finding.Finding

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
	Format      string     `json:"format"` // "json", "ndjson", "xml", or "" when unreadable
	FHIRVersion string     `json:"fhirVersion"`
	Bytes       int        `json:"bytes"`
	Resources   []Resource `json:"resources"`
	// Findings are the findings kept, in document order: every finding up to
	// the per-rule limit (Options.MaxPerRule); Summary counts all of them.
	Findings []Finding `json:"findings"`
	// Summary has the exact counts, whatever was kept.
	Summary Summary `json:"summary"`

	graph      *bundle.Graph // the reference graph of a single JSON input's root (see Graph)
	list       finding.List  // collects the findings during validation
	progress   func(done, total int)
	unverified map[string]int // codings per code system that cannot be checked offline
	profiles   map[string]int // resources per claimed profile (meta.profile), not checked
	cancelled  bool           // a chunk of a parallel run stopped early (see runNDJSONParallel)
}

// Summary counts what a report found. The counts are exact: findings beyond
// the per-rule limit are counted here and listed in Omitted, not dropped.
type Summary struct {
	// Resources counts the resources in the input, entries and contained
	// ones included, but not a Bundle at the top of the input (or of an
	// ndjson line), which only holds the others. The CLI and the page both
	// print this number.
	Resources   int `json:"resources"`
	Fatal       int `json:"fatal"`
	Error       int `json:"error"`
	Warning     int `json:"warning"`
	Information int `json:"information"`
	// Omitted lists, per rule and severity, the findings counted but not kept.
	Omitted []finding.Omitted `json:"omitted,omitempty"`
}

// Graph returns the reference graph the validator resolved the input's
// references with, when the input is one JSON document (a Bundle or a
// resource): its index of entries and, through Resolve, the same targets the
// reference checks reported. It is nil for ndjson, XML and unreadable input.
// The graph views the validated bytes, which must not change while it is used.
func (r *Report) Graph() *bundle.Graph { return r.graph }

// Counts returns the number of findings of each severity, indexed by
// Severity: all of them, kept or not.
func (r *Report) Counts() [4]int {
	s := r.Summary
	return [4]int{s.Fatal, s.Error, s.Warning, s.Information}
}

// HasErrors reports whether any finding is an error or fatal.
func (r *Report) HasErrors() bool { return r.Summary.Fatal+r.Summary.Error > 0 }

// Omitted is the number of findings counted but not kept.
func (r *Report) Omitted() int {
	n := 0
	for _, o := range r.Summary.Omitted {
		n += o.Count
	}
	return n
}

// add counts f and keeps it unless its rule has reached the limit.
func (r *Report) add(f Finding) { r.list.Add(f) }

// finish puts the kept findings in document order and fills the summary.
func (r *Report) finish() {
	r.list.Sort()
	r.Findings = r.list.Findings
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	c := r.list.Counts()
	n := 0
	for i := range r.Resources {
		if res := &r.Resources[i]; !(res.Type == "Bundle" && res.Expression == "Bundle") {
			n++
		}
	}
	r.Summary = Summary{Resources: n, Fatal: c[Fatal], Error: c[Error], Warning: c[Warning],
		Information: c[Information], Omitted: r.list.Omitted()}
}

// OmittedText says what an Omitted entry stands for, as every output writes
// it: "and 81,997 more warnings of dom-6 (not listed)".
func OmittedText(o finding.Omitted) string {
	what := o.Severity.String()
	if o.Severity == Information {
		what = "note"
	}
	if o.Count != 1 {
		what += "s"
	}
	return fmt.Sprintf("and %s more %s of %s (counted, not listed)", thousands(o.Count), what, o.Rule)
}

// thousands writes n with comma separators: 81,997.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
