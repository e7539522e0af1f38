// Package bundle checks what lives between the resources of a FHIR Bundle:
// the entry rules (fullUrl, request/response, document and message shape,
// bdl-* invariants), and reference resolution. It indexes a bundle once
// (fullUrl, type/id, versions) so that resolving every reference is linear in
// entries + references, and exposes the resolved graph for the record viewer.
package bundle

import (
	"slices"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Severities of findings (finding.Severity).
const (
	SeverityError       = finding.Error
	SeverityWarning     = finding.Warning
	SeverityInformation = finding.Information

	noFinding finding.Severity = 255 // a grade that reports nothing
)

// newFinding is a finding at node n of the tree. The offset, line and
// column are the tree's: a caller that placed the tree inside a larger input
// (an ndjson line) shifts them; Resource is left to the caller (-1).
func newFinding(t *jsontree.Tree, sev finding.Severity, code, rule string, n jsontree.ID, path, msg string) finding.Finding {
	off := 0
	if n >= 0 && int(n) < t.Len() {
		off = t.Offset(n)
	}
	line, col := t.Position(off)
	return finding.Finding{Severity: sev, Code: code, Rule: rule, Expression: path, Offset: off, Line: line, Col: col,
		Message: msg, Resource: -1}
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
func sortFindings(fs []finding.Finding) []finding.Finding {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int { return a.Offset - b.Offset })
	return fs
}
