// Package xhtml checks FHIR narrative XHTML (Narrative.div) against the R4
// rules — well-formed XML, a root <div> in the XHTML namespace, only the
// permitted HTML 4 elements and attributes (invariant txt-1) and some content
// (txt-2) — plus safety rules (no script URLs or script-capable CSS), and
// sanitizes narrative for display.
//
// Parsing is done by a small hand-written tokenizer: it reports findings
// with byte offsets, recovers from errors, and never panics.
package xhtml

import "github.com/fhirlens/fhirlens/validator/finding"

// Check grades findings finding.Error when the narrative is not
// conformant and finding.Warning when it is conformant but questionable.

// The rules Check reports. Findings are located by Offset: the byte offset
// in the div string where the finding starts (the caller places it in the
// input).
var (
	ruleWellFormed = define("xhtml.well-formed", finding.Error, "the narrative must be well-formed XML")
	ruleChar       = define("xhtml.char", finding.Error, "the narrative must be UTF-8 with only the characters XML allows")
	ruleDoctype    = define("xhtml.doctype", finding.Error, "no DOCTYPE or other declarations in narrative")
	rulePI         = define("xhtml.processing-instruction", finding.Error, "no processing instructions in narrative")
	ruleEntity     = define("xhtml.entity", finding.Error, "only XML's own entities and character references (no HTML named entities)")
	ruleRoot       = define("xhtml.root", finding.Error, "the narrative is a single <div> element")
	ruleNamespace  = define("xhtml.namespace", finding.Error, "narrative elements are in the XHTML namespace")
	ruleElement    = define("xhtml.element", finding.Error, "only the HTML 4 elements FHIR permits (txt-1)")
	ruleAttribute  = define("xhtml.attribute", finding.Error, "only the HTML 4 attributes FHIR permits (txt-1), no event handlers")
	ruleURL        = define("xhtml.url", finding.Error, "no script URLs (javascript:, vbscript:, data: HTML) in links and images")
	ruleStyle      = define("xhtml.style", finding.Error, "no inline CSS that can run script or load other sites")
	ruleEmpty      = define("xhtml.empty", finding.Warning, "the narrative should have some text or an image (txt-2)")
	ruleTooMany    = define("xhtml.too-many", finding.Warning, "more findings in one narrative than are reported")
)

func define(id string, sev finding.Severity, summary string) string {
	return finding.Define(finding.Rule{ID: id, Code: "value", Severity: sev, Summary: summary,
		Source: "FHIR narrative (narrative.html#xhtml), invariants txt-1 and txt-2"})
}

// maxFindings bounds the report for garbage input; one more finding says
// that the rest were left out.
const maxFindings = 50
