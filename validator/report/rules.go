package report

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator"
)

// bestPractice lists the rules FHIR itself marks as best practice (a
// warning that many suppliers choose to hide), used until the rule
// registry says so for every rule.
var bestPractice = map[string]bool{"dom-6": true}

// describeRule gives a rule's metadata for the report: its default
// severity, a one-line summary and its source. Rules not (yet) described
// elsewhere take the severity and message of their first finding, without
// the location-specific part.
func describeRule(id string, first *validator.Finding) *Rule {
	r := &Rule{ID: id, Severity: first.Severity.String(), BestPractice: bestPractice[id]}
	if s, ok := strings.CutPrefix(first.Message, id+": "); ok {
		r.Summary = s // an invariant: its message is its human description
	}
	return r
}
