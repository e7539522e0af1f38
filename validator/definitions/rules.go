package definitions

import "github.com/fhirlens/fhirlens/validator/finding"

// The findings of loading a package (Set.Findings): a definition that
// cannot be read or used is left out, and the rest load.
var (
	ruleUnreadable = define("definitions.unreadable", "a conformance resource of a package is not readable JSON of its type")
	ruleUnusable   = define("definitions.unusable", "a StructureDefinition cannot be used (no snapshot, no root, an element outside the tree)")
)

func define(id, summary string) string {
	return finding.Define(finding.Rule{ID: id, Code: "processing", Severity: finding.Warning, Summary: summary,
		Source: "FHIR packages (packages.html) and StructureDefinition (structuredefinition.html)"})
}

// loadFinding is a loading finding; its message names the file or definition.
func loadFinding(rule, msg string) finding.Finding {
	return finding.Finding{Severity: finding.Warning, Code: "processing", Rule: rule, Message: msg, Resource: -1}
}
