package fhirxml

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/fhirlens/fhirlens/validator/finding"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Parse reads FHIR XML into the validator's tree. The tree's Data is the
// JSON form of the resource; its offsets, lines and columns (Offset,
// KeyOffset, End, Position) point into xml. defs tells which elements repeat,
// which are primitives of which JSON kind and which hold resources; an
// element they do not know is still placed in the tree (for the walk to
// report). On a fatal finding (not well-formed, a DTD, not FHIR) the tree is
// nil and the last finding says why.
func Parse(xml []byte, defs *definitions.Set) (*jsontree.Tree, []finding.Finding) {
	c := &conv{src: xml, defs: defs, out: &obuf{b: make([]byte, 0, len(xml)/2+16)}}
	c.out.from = make([]int32, 0, len(xml)/24+4)
	c.out.to = make([]int32, 0, len(xml)/24+4)
	if !c.document() {
		return nil, c.probs
	}
	tree, jprobs := jsontree.Parse(c.out.b, jsontree.Options{})
	probs := c.probs
	if tree == nil {
		// The converter wrote JSON its own reader refuses: a bug in fhirxml.
		msg := "internal error: the XML could not be put into the validator's tree"
		if len(jprobs) > 0 {
			msg += ": " + jprobs[len(jprobs)-1].Message
		}
		return nil, append(probs, finding.Finding{Resource: -1, Severity: finding.Fatal, Code: "exception", Rule: "xml.syntax", Message: msg})
	}
	tree.SetSource(xml, c.out.from, c.out.to)
	for _, p := range jprobs {
		// Duplicate members (an id attribute and an id element, say).
		probs = append(probs, finding.Finding{Resource: -1, Offset: tree.SourceOffset(p.Offset), Severity: finding.Error, Code: "structure", Rule: "xml.repeated",
			Message: p.Message})
	}
	return tree, probs
}

// ToJSON returns the JSON form of one FHIR XML resource (a
// StructureDefinition, ValueSet, CodeSystem, a Bundle …), for loaders of
// conformance resources that read JSON: UK Core and the NHS STU3 assets
// are kept as XML. defs must be the core definitions of the resource's
// FHIR version (definitions.R4() for R4, the STU3 set for STU3): they say
// which elements repeat and which primitives are numbers or booleans.
//
// The JSON is compact, with members in the XML's order (definition order
// for valid XML). The error is non-nil only when the input cannot be read
// as FHIR XML at all (not well-formed, a DTD, another kind of XML); FHIR
// XML rules that are broken (element order, text content …) do not stop
// the conversion — use Parse to see them.
func ToJSON(xml []byte, defs *definitions.Set) ([]byte, error) {
	if defs == nil {
		return nil, errors.New("fhirxml.ToJSON: no definitions")
	}
	c := &conv{src: xml, defs: defs, out: &obuf{b: make([]byte, 0, len(xml)/2+16)}}
	if !c.document() {
		p := c.probs[len(c.probs)-1]
		line, col := position(xml, p.Offset)
		return nil, fmt.Errorf("%d:%d: %s", line, col, p.Message)
	}
	return c.out.b, nil
}

// LooksLikeXML reports whether data (after a BOM and whitespace) starts
// with '<', as every XML document does.
func LooksLikeXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '<'
}

// position is the 1-based line and column (in characters) of offset.
func position(data []byte, offset int) (line, col int) {
	t := &jsontree.Tree{Data: data}
	return t.Position(offset)
}

// ToJSONVersion is ToJSON with the core definitions of a FHIR version
// (definitions.Core): version "" means the version the XML declares in a
// top-level fhirVersion element (StructureDefinition, CapabilityStatement,
// ImplementationGuide), else R4. STU3 is available once package
// validator/definitions/stu3 is imported (the CLI does).
func ToJSONVersion(xml []byte, version string) ([]byte, error) {
	if version == "" {
		version = DeclaredVersion(xml)
	}
	if version == "" {
		version = "4.0"
	}
	defs, err := definitions.Core(version)
	if err != nil {
		return nil, err
	}
	return ToJSON(xml, defs)
}

// DeclaredVersion is the FHIR version an XML conformance resource states in
// its fhirVersion element ("3.0.1"), or "".
func DeclaredVersion(xml []byte) string {
	i := bytes.Index(xml, []byte("<fhirVersion value="))
	if i < 0 || i+20 >= len(xml) {
		return ""
	}
	rest := xml[i+19:]
	q := rest[0]
	if q != '"' && q != '\'' {
		return ""
	}
	end := bytes.IndexByte(rest[1:], q)
	if end < 0 || end > 20 {
		return ""
	}
	return string(rest[1 : 1+end])
}
