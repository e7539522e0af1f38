// Package fhirxml reads and writes FHIR XML (R4 and STU3).
//
// Reading: Parse turns FHIR XML into the validator's own tree
// (validator/jsontree) so the same walk and checks run on it. The XML is read
// once, by a hand-written scanner, into the tree's JSON form following the
// FHIR mapping rules (value attributes, id and url attributes, repeated
// elements as arrays, choice types by name, resource wrappers, the XHTML div
// kept verbatim); every JSON token carries the offset of the XML it came
// from, so findings point at lines and columns of the XML. The reader never
// reads a DTD and never expands an entity other than XML's five predefined
// ones and character references: a DOCTYPE is a fatal finding.
//
// XML's own rules (namespace, element order, text content, empty
// primitives, wrong root) are reported as findings by Parse.
//
// ToJSON gives the JSON form of an XML resource (for loading XML conformance
// resources); ToXML writes the canonical XML form of a JSON resource; and
// CanonicalJSON the canonical JSON form that XML reads back into.
package fhirxml
