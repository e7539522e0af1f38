// Package bundle checks what lives between the resources of a FHIR Bundle:
// the entry rules (fullUrl, request/response, document and message shape,
// bdl-* invariants), and reference resolution. It indexes a bundle once
// (fullUrl, type/id, versions) so that resolving every reference is linear in
// entries + references, and exposes the resolved graph for the record viewer.
package bundle

import (
	"slices"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Severities of findings, as OperationOutcome writes them.
const (
	SeverityError       = "error"
	SeverityWarning     = "warning"
	SeverityInformation = "information"
)

// Finding is one problem found in a bundle or its references.
type Finding struct {
	Severity string `json:"severity"` // "error", "warning" or "information"
	// Code is the OperationOutcome issue type: invalid, required, not-found,
	// duplicate, business-rule, informational, structure.
	Code string `json:"code"`
	// Rule is a stable id: the invariant key ("bdl-7", "ref-1") when the
	// check is the same as a core invariant, else "bundle.*", "ref.*", "doc.*".
	Rule    string      `json:"rule"`
	Node    jsontree.ID `json:"node"` // the offending node; the caller turns it into line:col
	Path    string      `json:"path"` // FHIRPath location: Bundle.entry[1].fullUrl
	Message string      `json:"message"`
}

// NativeInvariants are the core invariant keys this package checks itself,
// reporting at the offending entry or element rather than at the Bundle. A
// caller that also evaluates the FHIRPath invariants of the definitions can
// skip these keys to avoid reporting the same problem twice.
var NativeInvariants = []string{
	"bdl-1", "bdl-2", "bdl-3", "bdl-4", "bdl-5", "bdl-7", "bdl-8",
	"bdl-9", "bdl-10", "bdl-11", "bdl-12", "ref-1",
}

// sortFindings puts findings in document order; ties keep the order found.
func sortFindings(t *jsontree.Tree, fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return offsetOf(t, a.Node) - offsetOf(t, b.Node)
	})
	return fs
}

func offsetOf(t *jsontree.Tree, n jsontree.ID) int {
	if n < 0 || int(n) >= t.Len() {
		return -1
	}
	return t.KeyOffset(n)
}
