// Package finding is the one vocabulary of the engine: the Severity of a
// finding, the Finding itself, the rule registry every emitted rule is
// defined in, and a List that collects findings with a bound on what is kept
// per rule while every count stays exact.
//
// Every stage (jsontree, primitive, xhtml, fhirpath, bundle, the walk,
// profiles, XML) reports into this type; conversion to other forms
// (OperationOutcome, SARIF, the page) happens once, at the public boundary.
package finding

import (
	"fmt"
	"sort"
	"sync"
)

// Severity of a finding, ordered from worst to mildest (the OperationOutcome
// issue severities).
type Severity uint8

const (
	Fatal Severity = iota
	Error
	Warning
	Information
)

var severityNames = [...]string{"fatal", "error", "warning", "information"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// MarshalText writes the OperationOutcome severity code.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads an OperationOutcome severity code.
func (s *Severity) UnmarshalText(b []byte) error {
	v, ok := ParseSeverity(string(b))
	if !ok {
		return fmt.Errorf("unknown severity %q", b)
	}
	*s = v
	return nil
}

// ParseSeverity reads "fatal", "error", "warning" or "information".
func ParseSeverity(s string) (Severity, bool) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), true
		}
	}
	return 0, false
}

// IsError reports whether the severity makes a verdict fail (fatal or error).
func (s Severity) IsError() bool { return s <= Error }

// Finding is one thing the engine found about the input.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is the OperationOutcome issue type (structure, required, value,
	// invariant, code-invalid, invalid, not-found, duplicate, processing, ...).
	Code string `json:"code"`
	// Rule is the id of the rule in the registry: "json.syntax",
	// "element.unknown", "cardinality.min", "invariant:ele-1", ...
	Rule string `json:"rule"`
	// Expression is the FHIRPath location in the reference validator's style:
	// Bundle.entry[2].resource.name[0].given[1].
	Expression string `json:"expression,omitempty"`
	Line       int    `json:"line,omitempty"`
	Col        int    `json:"col,omitempty"`
	Offset     int    `json:"offset"` // byte offset of the offending value in the input
	Message    string `json:"message"`
	// Resource is the index into the report's resources of the resource the
	// finding is in, or -1 when it concerns the input as a whole.
	Resource int `json:"resource"`
	// Profile is the canonical URL (with "|version" when known) of the profile
	// whose rule this is; empty for the base definitions.
	Profile string `json:"profile,omitempty"`
}

// Rule is one entry of the registry.
type Rule struct {
	ID       string   // stable id: "cardinality.min", "invariant:dom-6"
	Code     string   // OperationOutcome issue type
	Severity Severity // default severity (a finding may carry another, e.g. an invariant's own)
	Summary  string   // one line: what the rule checks
	// Source says where the rule comes from: a FHIR invariant key, a section of
	// the specification ("FHIR JSON §json.html#primitive"), or "fhirlens".
	Source string
	// BestPractice marks rules that are advice rather than conformance (the
	// page's "hide all best-practice warnings").
	BestPractice bool
}

var registry = struct {
	sync.RWMutex
	rules map[string]*Rule
}{rules: map[string]*Rule{}}

// Define registers a rule and returns its id, so packages can write
//
//	var ruleUnknown = finding.Define(finding.Rule{ID: "element.unknown", ...})
//
// Defining the same id twice panics: rule ids are unique across the engine.
func Define(r Rule) string {
	registry.Lock()
	defer registry.Unlock()
	if r.ID == "" {
		panic("finding.Define: empty rule id")
	}
	if _, dup := registry.rules[r.ID]; dup {
		panic("finding.Define: rule " + r.ID + " defined twice")
	}
	rc := r
	registry.rules[r.ID] = &rc
	return r.ID
}

// Ensure registers r unless a rule with its id is already registered, and
// returns the id. It is for rules whose ids come from data, such as the
// invariants of loaded definitions ("dom-6", "us-core-8"), which several
// definitions may share; the first registration wins.
func Ensure(r Rule) string {
	registry.RLock()
	_, ok := registry.rules[r.ID]
	registry.RUnlock()
	if ok {
		return r.ID
	}
	registry.Lock()
	defer registry.Unlock()
	if r.ID == "" {
		panic("finding.Ensure: empty rule id")
	}
	if _, ok := registry.rules[r.ID]; !ok {
		rc := r
		registry.rules[r.ID] = &rc
	}
	return r.ID
}

// Lookup returns the rule of an id, and whether it is registered.
func Lookup(id string) (Rule, bool) {
	registry.RLock()
	defer registry.RUnlock()
	if r, ok := registry.rules[id]; ok {
		return *r, true
	}
	return Rule{}, false
}

// Rules returns every registered rule, sorted by id.
func Rules() []Rule {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Rule, 0, len(registry.rules))
	for _, r := range registry.rules {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
