package validator

import (
	"context"

	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// runXML reads FHIR XML into the tree (reporting XML's own rules) and runs
// the same walk as for JSON; every location points into the XML.
func (v *Validator) runXML(ctx context.Context, rep *Report, data []byte) {
	rep.Format = "xml"
	tree, probs := fhirxml.Parse(data, v.defs)
	first := len(rep.list.Findings)
	pos := tree
	if pos == nil {
		pos = &jsontree.Tree{Data: data}
	}
	for _, p := range probs {
		line, col := pos.Position(p.Offset)
		rep.add(Finding{Severity: p.Severity, Code: p.Code, Rule: p.Rule, Offset: p.Offset,
			Line: line, Col: col, Expression: p.Expression, Message: p.Message, Resource: -1})
	}
	if tree == nil {
		return
	}
	xmlFindings := len(rep.list.Findings)
	v.walkDocument(ctx, rep, data, tree, nil, 0, 0)
	// Place the XML findings in the innermost resource around them.
	for i := first; i < xmlFindings; i++ {
		is := &rep.list.Findings[i]
		for r := len(rep.Resources) - 1; r >= 0; r-- {
			if res := rep.Resources[r]; res.Offset <= is.Offset && is.Offset < res.End {
				is.Resource = r
				break
			}
		}
	}
}
