package record

import (
	"strconv"
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
	"github.com/tidwall/gjson"
)

// describe fills the type-specific part of a card and picks its section.
func (b *builder) describe(it *item) {
	c := it.card
	switch it.rtype {
	case "Patient":
		b.describePatient(it)
	case "Condition":
		b.describeCondition(it)
	case "AllergyIntolerance":
		b.describeAllergy(it)
	case "MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense":
		b.describeMedicationUse(it)
	case "Medication":
		b.describeMedication(it)
	case "Observation":
		b.describeObservation(it)
	case "DiagnosticReport":
		b.describeReport(it)
	case "Immunization":
		b.describeImmunization(it)
	case "Procedure":
		b.describeProcedure(it)
	case "Encounter":
		b.describeEncounter(it)
	case "CarePlan":
		b.describeCarePlan(it)
	case "Goal":
		b.describeGoal(it)
	case "CareTeam":
		b.describeCareTeam(it)
	case "DocumentReference":
		b.describeDocumentReference(it)
	case "Binary":
		b.describeBinary(it)
	case "Composition":
		b.describeComposition(it)
	default:
		b.describeOther(it)
	}
	if c.Section == "" {
		c.Section = "other"
	}
	if c.Kind == "" {
		c.Kind = kindOf(it.rtype, c.Section)
	}
	dropRepeatedCodes(c)
	if c.Title == "" {
		c.Title = genericTitle(it)
	}
}

// decodeCard decodes the resource into v and records decoding problems on the card.
func decodeCard(it *item, v any) {
	it.card.Problems = append(it.card.Problems, decodeResource(it.raw, v)...)
}

// add appends a text fact when text is not empty.
func (c *Card) add(label, text string) {
	if text != "" {
		c.Facts = append(c.Facts, Fact{Label: label, Text: text})
	}
}

func (c *Card) addFacts(fs []Fact) { c.Facts = append(c.Facts, fs...) }

// code reads a code element exactly as written. When missing, the value is
// absent, with the data-absent-reason from _element if there is one.
func code(raw gjson.Result, key string) Value {
	if v := raw.Get(key); v.Type == gjson.String {
		return Value{Text: v.String()}
	}
	if reason := darReason(raw.Get("_" + key + ".extension")); reason != "" {
		return Value{Absent: reason}
	}
	return Value{Absent: "absent"}
}

// addCode adds a fact for a code element; required ones show as absent when missing.
func (c *Card) addCode(raw gjson.Result, label, key string, required bool) string {
	v := code(raw, key)
	if v.Text == "" && !required && v.Absent == "absent" {
		return ""
	}
	c.Facts = append(c.Facts, Fact{Label: label, Text: v.Text, Absent: v.Absent})
	return v.Text
}

// addRefs adds one fact per reference found at path (or path[i]).
func (c *Card) addRefs(label, path string) {
	for _, r := range c.References {
		if r.Path == path || strings.HasPrefix(r.Path, path+"[") && !strings.Contains(r.Path[len(path):], ".") {
			f := Fact{Label: label, Text: r.Display, RefKey: r.TargetKey}
			if r.Contained != "" {
				f.RefKey = ""
				f.Text = firstNonEmpty(r.Display, "contained "+r.Contained)
			}
			if f.Text == "" && f.RefKey == "" {
				f.Text = r.Reference
			}
			c.Facts = append(c.Facts, f)
		}
	}
}

// addAnnotations adds notes.
func (c *Card) addAnnotations(notes []fhir.Annotation) {
	for _, n := range notes {
		c.add("Note", strings.TrimSpace(n.Text))
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// setDate sets the card's main date from the first present element.
// A date that fails the validator's lexical rules is kept as written and
// marked (DateInvalid), so it is never used for sorting or the timeline.
func (c *Card) setDate(raw gjson.Result, paths ...string) {
	c.Date = firstStr(raw, paths...)
	c.DateInvalid = dateProblem(c.Date)
}

// quantityText renders a Quantity as "120 mmHg" or "<5 mg".
func quantityText(q *fhir.Quantity) string {
	if q == nil {
		return ""
	}
	var sb strings.Builder
	if q.Comparator != nil {
		sb.WriteString(q.Comparator.Code())
	}
	if q.Value != nil {
		sb.WriteString(q.Value.String())
	}
	unit := firstNonEmpty(deref(q.Unit), deref(q.Code))
	if unit != "" && unit != "1" {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(unit)
	}
	return sb.String()
}

func rangeText(r *fhir.Range) string {
	if r == nil {
		return ""
	}
	lo, hi := quantityText(r.Low), quantityText(r.High)
	switch {
	case lo != "" && hi != "":
		return lo + " – " + hi
	case lo != "":
		return "≥ " + lo
	case hi != "":
		return "≤ " + hi
	}
	return ""
}

func ratioText(r *fhir.Ratio) string {
	if r == nil {
		return ""
	}
	return quantityText(r.Numerator) + " / " + quantityText(r.Denominator)
}

func periodText(p *fhir.Period) string {
	if p == nil {
		return ""
	}
	s, e := deref(p.Start), deref(p.End)
	switch {
	case s != "" && e != "":
		return s + " to " + e
	case s != "":
		return "from " + s
	case e != "":
		return "until " + e
	}
	return ""
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	if *b {
		return "yes"
	}
	return "no"
}

func intText(i *int) string {
	if i == nil {
		return ""
	}
	return strconv.Itoa(*i)
}

// genericTitle names a resource the model has no specific view for.
func genericTitle(it *item) string {
	r := it.raw
	if n := r.Get("name"); n.Type == gjson.String {
		return n.String()
	}
	if n := r.Get("name.0"); n.IsObject() {
		if t := humanNameText(n); t != "" {
			return t
		}
	}
	for _, p := range []string{"title", "code.text", "code.coding.0.display", "type.text", "type.coding.0.display", "type.0.text", "type.0.coding.0.display", "description"} {
		if s := str(r, p); s != "" {
			return s
		}
	}
	if it.id != "" {
		return it.rtype + " " + it.id
	}
	return it.rtype
}

// humanNameText renders a HumanName from raw JSON: text, else prefix given family suffix.
func humanNameText(n gjson.Result) string {
	if t := str(n, "text"); t != "" {
		return t
	}
	var parts []string
	for _, k := range []string{"prefix", "given"} {
		n.Get(k).ForEach(func(_, v gjson.Result) bool {
			parts = append(parts, v.String())
			return true
		})
	}
	if f := str(n, "family"); f != "" {
		parts = append(parts, f)
	}
	n.Get("suffix").ForEach(func(_, v gjson.Result) bool {
		parts = append(parts, v.String())
		return true
	})
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// describeOther shows what every resource has, without typed decoding
// (lazy: resources with no specific view are never unmarshalled).
func (b *builder) describeOther(it *item) {
	c := it.card
	c.Section = "other"
	if s := str(it.raw, "status"); s != "" {
		c.Status = s
		c.add("Status", s)
	}
	c.setDate(it.raw, "date", "effectiveDateTime", "occurrenceDateTime", "authoredOn", "created", "issued", "recorded", "period.start", "billablePeriod.start", "performedDateTime", "sent")
	// Contact details make organisations, practitioners and locations useful
	// when a reference leads to them.
	it.raw.Get("identifier").ForEach(func(_, id gjson.Result) bool {
		if v := str(id, "value"); v != "" {
			sys := str(id, "system")
			c.add(firstNonEmpty(systemName(sys), "Identifier"), v)
		}
		return true
	})
	switch addresses := it.raw.Get("address"); {
	case addresses.IsObject(): // Location has one address
		c.add("Address", rawAddressText(addresses))
	case addresses.IsArray():
		addresses.ForEach(func(_, a gjson.Result) bool {
			if a.IsObject() {
				c.add("Address", rawAddressText(a))
			}
			return true
		})
	}
	it.raw.Get("telecom").ForEach(func(_, t gjson.Result) bool {
		c.add(strings.TrimSpace("Contact "+str(t, "system")), str(t, "value"))
		return true
	})
}

// rawAddressText renders an Address from raw JSON.
func rawAddressText(a gjson.Result) string {
	if t := str(a, "text"); t != "" {
		return t
	}
	var parts []string
	a.Get("line").ForEach(func(_, l gjson.Result) bool {
		parts = append(parts, l.String())
		return true
	})
	for _, k := range []string{"city", "district", "state", "postalCode", "country"} {
		if v := str(a, k); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// dropRepeatedCodes removes from facts the codings that the card's main code
// already carries (the hover on the title shows them), keeping the model small.
func dropRepeatedCodes(c *Card) {
	if c.Code == nil {
		return
	}
	for i := range c.Facts {
		f := &c.Facts[i]
		if len(f.Codes) == len(c.Code.Codes) && f.Text == c.Code.Text && sameCodings(f.Codes, c.Code.Codes) {
			f.Codes = nil
		}
	}
}

func sameCodings(a, b []Coding) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// kinds names resource types in clinical words.
var kinds = map[string]string{
	"AllergyIntolerance": "Allergy", "MedicationRequest": "Prescription", "MedicationStatement": "Medication taken",
	"MedicationAdministration": "Medication given", "MedicationDispense": "Medication dispensed", "Medication": "Medicine",
	"DiagnosticReport": "Report", "Immunization": "Immunization", "Procedure": "Procedure", "Encounter": "Encounter",
	"CarePlan": "Care plan", "Goal": "Goal", "CareTeam": "Care team", "DocumentReference": "Document",
	"Binary": "Attachment", "Composition": "Document", "Patient": "Patient", "Practitioner": "Clinician",
	"PractitionerRole": "Clinician role", "Organization": "Organisation", "Location": "Location", "Device": "Device",
	"Claim": "Claim (billing)", "ExplanationOfBenefit": "Billing statement", "Coverage": "Insurance cover",
	"ServiceRequest": "Referral or order", "Flag": "Alert", "List": "List", "Provenance": "Provenance",
	"ImagingStudy": "Imaging study", "Specimen": "Specimen", "FamilyMemberHistory": "Family history",
	"Appointment": "Appointment", "RelatedPerson": "Related person", "Consent": "Consent", "Questionnaire": "Questionnaire",
	"QuestionnaireResponse": "Questionnaire answers", "SupplyDelivery": "Supply delivery", "DeviceUseStatement": "Device use",
}

// kindOf returns the clinical word for a card.
func kindOf(rtype, section string) string {
	if rtype == "Observation" {
		switch section {
		case "labs":
			return "Lab result"
		case "vitals":
			return "Vital sign"
		}
		return "Observation"
	}
	if k, ok := kinds[rtype]; ok {
		return k
	}
	return rtype
}
