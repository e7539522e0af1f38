package validator

import (
	"fmt"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// Resource types that exist in other FHIR versions but not in R4, so that a
// payload of the wrong version gets a message that says so.
var (
	stu3OnlyTypes = setOf("BodySite", "DataElement", "DeviceComponent", "EligibilityRequest", "EligibilityResponse",
		"ExpansionProfile", "ImagingManifest", "ProcedureRequest", "ProcessRequest", "ProcessResponse",
		"ReferralRequest", "Sequence", "ServiceDefinition")
	r5OnlyTypes = setOf("ActorDefinition", "AdministrableProductDefinition", "ArtifactAssessment",
		"BiologicallyDerivedProductDispense", "Citation", "ClinicalUseDefinition", "ConditionDefinition",
		"DeviceDispense", "DeviceUsage", "EncounterHistory", "EvidenceReport", "FormularyItem", "GenomicStudy",
		"ImagingSelection", "Ingredient", "InventoryItem", "InventoryReport", "ManufacturedItemDefinition",
		"MedicinalProductDefinition", "NutritionIntake", "NutritionProduct", "PackagedProductDefinition",
		"Permission", "RegulatedAuthorization", "RequestOrchestration", "Requirements", "SubscriptionStatus",
		"SubscriptionTopic", "TestPlan", "TestReport2", "Transport")
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func unknownResourceMessage(name string, defs *definitions.Set) string {
	switch {
	case stu3OnlyTypes[name]:
		return fmt.Sprintf("%s is a FHIR STU3 (3.0) resource type that R4 does not have: this looks like STU3 content, which this validator (FHIR %s) does not check", name, defs.FHIRVersion)
	case r5OnlyTypes[name]:
		return fmt.Sprintf("%s is a resource type of a later FHIR version (R4B/R5), not R4: this looks like R5 content, which this validator (FHIR %s) does not check", name, defs.FHIRVersion)
	}
	if t := defs.Type(name); t != nil {
		return fmt.Sprintf("%s is a data type, not a resource type", name)
	}
	if s := closest(name, resourceNames(defs)); s != "" {
		return fmt.Sprintf("unknown resource type '%s' (did you mean '%s'?)", name, s)
	}
	return fmt.Sprintf("unknown resource type '%s' in FHIR %s", name, defs.FHIRVersion)
}

func resourceNames(defs *definitions.Set) []string {
	var out []string
	for _, n := range defs.TypeNames {
		if t := defs.Types[n]; t.Kind == "resource" && !t.Abstract {
			out = append(out, n)
		}
	}
	return out
}

// unknownElementMessage names the element and suggests a close valid name.
func unknownElementMessage(key, typeName string, content *definitions.Element) string {
	var names []string
	for _, c := range content.Children {
		if c.Choice {
			for _, tr := range c.Types {
				names = append(names, c.Name+strings.ToUpper(tr.Code[:1])+tr.Code[1:])
			}
			continue
		}
		names = append(names, c.Name)
	}
	msg := fmt.Sprintf("unknown element '%s' in %s", key, typeName)
	if s := closest(key, names); s != "" {
		msg += fmt.Sprintf(" (did you mean '%s'?)", s)
	}
	return msg
}

// closest returns the candidate nearest to name by edit distance, when it is
// close enough to be a plausible typo.
func closest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	lname := strings.ToLower(name)
	for _, c := range candidates {
		d := editDistance(lname, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(1, min(3, len(name)/3))
	if bestD <= limit {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
