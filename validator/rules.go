package validator

import "github.com/fhirlens/fhirlens/validator/finding"

// rule is a registered rule as the walk uses it: its id with the issue code
// and the severity findings of it have by default.
type rule struct {
	id, code string
	sev      Severity
}

// about is a finding of r about the input as a whole (no resource), with
// the rule's code and default severity.
func (r rule) about(msg string) Finding {
	return Finding{Severity: r.sev, Code: r.code, Rule: r.id, Resource: -1, Message: msg}
}

// define registers r (finding.Define) and returns it in the walk's form.
func define(r finding.Rule) rule {
	return rule{id: finding.Define(r), code: r.Code, sev: r.Severity}
}

const (
	srcFHIRlens = "fhirlens"
	srcJSON     = "FHIR JSON (json.html)"
	srcResource = "FHIR resources (resource.html)"
	srcElements = "FHIR element definitions (elementdefinition.html)"
	srcTerm     = "FHIR terminology (terminologies.html)"
	srcExt      = "FHIR extensibility (extensibility.html)"
)

// The rules the walk and the input stage emit. Invariants evaluated from
// the definitions are registered as they are compiled (see constraintsFor);
// the lexical, narrative, JSON and bundle rules live in their packages.
var (
	ruleInputNotJSON     = define(finding.Rule{ID: "input.not-json", Code: "structure", Severity: Fatal, Source: srcFHIRlens, Summary: "the input is not JSON at all (XML, PDF, ZIP, gzip, binary, empty)"})
	ruleInputNotResource = define(finding.Rule{ID: "input.not-resource", Code: "structure", Severity: Fatal, Source: srcJSON, Summary: "the JSON document is not a FHIR resource (an array, a scalar, or no resourceType)"})
	ruleCancelled        = define(finding.Rule{ID: "engine.cancelled", Code: "processing", Severity: Fatal, Source: srcFHIRlens, Summary: "validation was cancelled before the end; the findings are incomplete"})
	rulePanic            = define(finding.Rule{ID: "engine.panic", Code: "exception", Severity: Fatal, Source: srcFHIRlens, Summary: "an internal error in fhirlens (a bug: please report it with the input)"})

	ruleResourceNotObject   = define(finding.Rule{ID: "resource.not-object", Code: "structure", Severity: Error, Source: srcJSON, Summary: "a resource is expected here, but the value is not a JSON object"})
	ruleResourceNoType      = define(finding.Rule{ID: "resource.no-type", Code: "structure", Severity: Error, Source: srcJSON, Summary: "a resource object without a string resourceType"})
	ruleResourceUnknownType = define(finding.Rule{ID: "resource.unknown-type", Code: "structure", Severity: Error, Source: srcResource, Summary: "resourceType names no resource type of this FHIR version"})
	ruleResourceAbstract    = define(finding.Rule{ID: "resource.abstract", Code: "structure", Severity: Error, Source: srcResource, Summary: "resourceType names an abstract type (Resource, DomainResource)"})
	ruleResourceWrongType   = define(finding.Rule{ID: "resource.wrong-type", Code: "structure", Severity: Error, Source: srcElements, Summary: "a resource of a type the element does not allow"})
	ruleResourceID          = define(finding.Rule{ID: "resource.id", Code: "value", Severity: Error, Source: "FHIR datatypes (datatypes.html#id)", Summary: "a resource id that is not 1 to 64 of A-Z a-z 0-9 - ."})

	ruleDom2 = define(finding.Rule{ID: "dom-2", Code: "invariant", Severity: Error, Source: "FHIR invariant dom-2", Summary: "a contained resource must not contain resources"})
	ruleDom4 = define(finding.Rule{ID: "dom-4", Code: "invariant", Severity: Error, Source: "FHIR invariant dom-4", Summary: "a contained resource must not have meta.versionId or meta.lastUpdated"})
	ruleEle1 = define(finding.Rule{ID: "ele-1", Code: "invariant", Severity: Error, Source: "FHIR invariant ele-1", Summary: "an element must have a value or children (no empty objects, no id alone)"})

	ruleElementUnknown        = define(finding.Rule{ID: "element.unknown", Code: "structure", Severity: Error, Source: srcElements, Summary: "a property the definition of this type does not have"})
	ruleElementChoiceMultiple = define(finding.Rule{ID: "element.choice-multiple", Code: "structure", Severity: Error, Source: srcElements, Summary: "more than one type given for a choice element value[x]"})
	ruleElementCompanion      = define(finding.Rule{ID: "element.companion", Code: "structure", Severity: Error, Source: srcJSON, Summary: "a '_name' property that does not match its primitive (not primitive, or arrays that do not line up)"})
	ruleCardinalityMin        = define(finding.Rule{ID: "cardinality.min", Code: "required", Severity: Error, Source: srcElements, Summary: "a required element is missing (minimum cardinality)"})
	ruleCardinalityMax        = define(finding.Rule{ID: "cardinality.max", Code: "structure", Severity: Error, Source: srcElements, Summary: "more values than the element allows (maximum cardinality)"})
	ruleCardinalityArray      = define(finding.Rule{ID: "cardinality.array", Code: "structure", Severity: Error, Source: srcJSON, Summary: "an array for an element that has at most one value"})
	ruleCardinalityNotArray   = define(finding.Rule{ID: "cardinality.not-array", Code: "structure", Severity: Error, Source: srcJSON, Summary: "a single value for a repeating element, which JSON writes as an array"})
	ruleArrayEmpty            = define(finding.Rule{ID: "array.empty", Code: "structure", Severity: Error, Source: srcJSON, Summary: "an empty array (FHIR JSON omits the property instead)"})
	ruleJSONNull              = define(finding.Rule{ID: "json.null", Code: "structure", Severity: Error, Source: srcJSON, Summary: "null where FHIR JSON does not allow it"})
	ruleJSONType              = define(finding.Rule{ID: "json.type", Code: "structure", Severity: Error, Source: srcJSON, Summary: "a value of the wrong JSON type (a string for a number, an object for a primitive, ...)"})

	ruleSDType = define(finding.Rule{ID: "structuredefinition.type", Code: "invalid", Severity: Error, Source: "FHIR StructureDefinition.type (structuredefinition-definitions.html#StructureDefinition.type)", Summary: "a StructureDefinition's type that is neither a FHIR type nor an absolute URL (only logical models may define other types, named by absolute URLs)"})

	ruleSDTypeProfile = define(finding.Rule{ID: "structuredefinition.type-profile", Code: "invalid", Severity: Error, Source: "FHIR ElementDefinition.type.profile (elementdefinition-definitions.html#ElementDefinition.type.profile)", Summary: "a type profile in a StructureDefinition's differential that is for another type than the element's"})

	ruleExtensionUnknown = define(finding.Rule{ID: "extension.unknown", Code: "structure", Severity: Warning, Source: srcExt, Summary: "an extension url in the FHIR core namespace that is not a core extension (likely misspelt)"})
	ruleExtensionValue   = define(finding.Rule{ID: "extension.value", Code: "structure", Severity: Error, Source: srcExt, Summary: "an extension value of a type its definition does not allow"})
	ruleExtensionNested  = define(finding.Rule{ID: "extension.nested", Code: "structure", Severity: Error, Source: srcExt, Summary: "nested extensions inside a simple (value) extension"})

	ruleBindingRequired   = define(finding.Rule{ID: "binding.required", Code: "code-invalid", Severity: Error, Source: srcTerm, Summary: "a code outside the value set of a required binding"})
	ruleCodeUnknown       = define(finding.Rule{ID: "code.unknown", Code: "code-invalid", Severity: Error, Source: srcTerm, Summary: "a code that its (fully known) code system does not define"})
	ruleCodeNotVerified   = define(finding.Rule{ID: "code.not-verified", Code: "informational", Severity: Information, Source: srcFHIRlens, Summary: "codes of systems that need a terminology server (SNOMED CT, LOINC, ...) were not checked"})
	ruleProfileNotChecked = define(finding.Rule{ID: "profile.not-checked", Code: "informational", Severity: Information, Source: srcFHIRlens, Summary: "profiles claimed in meta.profile that were not checked"})

	ruleInvariantError = define(finding.Rule{ID: "invariant.error", Code: "processing", Severity: Warning, Source: srcFHIRlens, Summary: "an invariant could not be evaluated (its expression does not compile, or evaluation failed or ran out of budget)"})
)

// invariantRule is the rule of a FHIR invariant (constraint) evaluated from
// the definitions. Its id is the constraint key ("dom-6", "us-core-8"); it
// is registered the first time a constraint of that key is compiled, with
// the constraint's own text, so every emitted key is in the registry.
func invariantRule(key, human string, sev Severity, source string, bestPractice bool) rule {
	finding.Ensure(finding.Rule{ID: key, Code: "invariant", Severity: sev, Summary: human, Source: source, BestPractice: bestPractice})
	return rule{id: key, code: "invariant", sev: sev}
}
