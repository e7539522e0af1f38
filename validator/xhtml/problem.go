// Package xhtml checks FHIR narrative XHTML (Narrative.div) against the R4
// rules — well-formed XML, a root <div> in the XHTML namespace, only the
// permitted HTML 4 elements and attributes (invariant txt-1) and some content
// (txt-2) — plus safety rules (no script URLs or script-capable CSS), and
// sanitizes narrative for display.
//
// Parsing is done by a small hand-written tokenizer: it reports problems
// with byte offsets, recovers from errors, and never panics.
package xhtml

// Severity grades a Problem.
type Severity uint8

const (
	// Error: the narrative is not conformant.
	Error Severity = iota + 1
	// Warning: conformant but questionable.
	Warning
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "unknown"
}

// Problem is one finding in a narrative.
type Problem struct {
	Rule     string   // stable identifier, e.g. "xhtml.element"
	Severity Severity // Error or Warning
	Message  string   // what is wrong and what is allowed
	Offset   int      // byte offset in the div string where the problem starts
}

// maxProblems bounds the report for garbage input; one more problem says
// that the rest were left out.
const maxProblems = 50
