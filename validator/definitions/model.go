// Package definitions holds what validation needs from FHIR StructureDefinitions,
// ValueSets and CodeSystems: element trees, cardinalities, types, bindings,
// invariants and the codes of enumerable value sets. It is loaded from official
// FHIR packages (.tgz) at run time, or from the compact form generated from the
// R4 core package and embedded in the binary.
package definitions

import (
	"sync"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// Set is every definition of one FHIR version, optionally extended by IG packages.
type Set struct {
	FHIRVersion string               // "4.0.1"
	Types       map[string]*Type     // base types by name: "Patient", "HumanName", "string"
	TypeNames   []string             // Types' keys, sorted, for stable iteration
	Profiles    map[string]*Type     // constraint definitions (profiles, extensions) by canonical URL; read them through Profile (see there)
	ValueSets   map[string]*ValueSet // by canonical URL without version; read them through ValueSet (see there)

	ProfileURLs  []string // Profiles' keys, sorted, for stable iteration
	ValueSetURLs []string // ValueSets' keys, sorted, for stable iteration

	// Findings lists definitions that could not be loaded, with the reason,
	// in package order. A bad definition does not stop the rest loading.
	Findings []finding.Finding

	// Questionnaires holds the Questionnaire resources of loaded packages as
	// JSON, by canonical URL (and by "url|version" when versioned), for
	// checking QuestionnaireResponses (package validator/questionnaire).
	Questionnaires map[string][]byte

	// codeSystems are kept from loaded packages so that value sets of packages
	// added later can be expanded against them; the embedded form has none.
	codeSystems map[string]*codeSystem

	// shared marks the embedded R4 set, which every caller of R4 receives:
	// AddPackage refuses it (use WithPackages).
	shared bool
}

// Type is one StructureDefinition, reduced to its snapshot's element tree.
type Type struct {
	Name     string // "Patient"; for profiles the SD name
	URL      string // canonical URL
	Kind     string // "resource", "complex-type", "primitive-type", "logical"
	Base     string // base type name ("DomainResource"), "" for Base/Element roots
	Abstract bool
	Derived  string   // "specialization" or "constraint"
	Root     *Element // the element at path == Name (constraints, children)
	// BaseURL is the baseDefinition canonical. For profiles Base is the
	// constrained type ("Patient", "Extension") and BaseURL the parent profile.
	BaseURL string

	// lazy holds the element tree of a profile of the embedded form until
	// first use, when ready decodes it into Root.
	rootOnce sync.Once
	lazy     *lazyTree
}

// Element is one element of a snapshot. Children are in definition order.
type Element struct {
	Path        string // "Patient.contact.name"
	Name        string // last path segment without "[x]": "name", "value"
	Choice      bool   // the definition's name ends in [x]
	Min         int
	Max         int // -1 means "*"
	Types       []TypeRef
	ContentRef  string     // "Questionnaire.item" for "#Questionnaire.item"; Children then empty
	Children    []*Element // inline children (BackboneElement / Element types, root)
	Binding     *Binding
	Constraints []Constraint
	IsModifier  bool
	IsSummary   bool
	// Ref is the element ContentRef points to (within the same type), resolved at load.
	Ref *Element
	// childIndex maps JSON property names (choice names expanded, e.g.
	// "valueQuantity") to children, so lookups are O(1). It is built on
	// first use: most elements are never looked into, and building them all
	// at load would slow the start-up.
	childIndexOnce sync.Once
	childIndex     map[string]childSlot
	// Fixed/pattern values are not carried (not needed by core validation).
}

// TypeRef is one allowed type of an element.
type TypeRef struct {
	Code           string   // FHIR type name: "string", "Reference", "BackboneElement"; for System types "http://hl7.org/fhirpath/System.String"
	Profiles       []string // canonical URLs
	TargetProfiles []string // for Reference/canonical: allowed targets' canonical URLs
}

// Binding of a coded element to a value set.
type Binding struct {
	Strength string // "required", "extensible", "preferred", "example"
	ValueSet string // canonical URL, version suffix ("|4.0.1") stripped
}

// Constraint is one invariant on an element.
type Constraint struct {
	Key          string // "ele-1"
	Severity     string // "error" or "warning"
	Human        string
	Expression   string // FHIRPath
	Source       string // canonical URL of the defining SD, when given
	BestPractice bool   // carries the elementdefinition-bestpractice extension
}

// ValueSet is a value set with its enumerated codes, when it can be enumerated offline.
type ValueSet struct {
	URL        string
	Name       string // computer name: "AdministrativeGender"
	Title      string
	Enumerable bool     // false when it depends on external code systems (SNOMED CT, LOINC, ...)
	Codes      []Code   // in definition order; empty when !Enumerable
	Systems    []string // code systems referenced by the compose (for "not verified" reporting)

	// lazy holds the codes of a value set of the embedded form until first
	// use, when ready decodes them into Codes.
	codesOnce sync.Once
	lazy      *lazyCodes

	lookupOnce sync.Once
	lookup     map[codeKey]int32 // (system, code) -> index in Codes
	byCode     map[string]int32  // code -> first index in Codes, for system-less lookups
}

// Code is one member of an enumerated value set.
type Code struct {
	System  string
	Code    string
	Display string
}
