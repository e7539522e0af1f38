package report

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/finding"
)

// bestPractice lists the rules FHIR itself marks as best practice, for
// rules the registry does not (yet) describe.
var bestPractice = map[string]bool{"dom-6": true, "invariant:dom-6": true}

// describeRule gives a rule's metadata for the report from the rule
// registry (validator/finding): default severity, one-line summary,
// source, best practice. A rule of a family (an invariant) is summarised
// by its own description, which its findings' messages start with; a rule
// not registered yet takes the severity of its first finding.
func describeRule(id string, first *validator.Finding) *Rule {
	r := &Rule{ID: id, Severity: first.Severity.String(), BestPractice: bestPractice[id]}
	reg, ok := finding.Lookup(id)
	if ok {
		r.Severity, r.Source, r.BestPractice = reg.Severity.String(), reg.Source, reg.BestPractice || r.BestPractice
		if reg.ID == id {
			r.Summary = reg.Summary
		}
	}
	key := strings.TrimPrefix(id, "invariant:")
	if s, found := strings.CutPrefix(first.Message, key+": "); found {
		r.Summary = s // an invariant: its message is its human description
		if ok && reg.ID != id {
			r.Severity = first.Severity.String() // an invariant's own severity
		}
	} else if r.Summary == "" && ok {
		r.Summary = reg.Summary
	}
	return r
}
