package record

import (
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
	"github.com/tidwall/gjson"
)

func (b *builder) describeCondition(it *item) {
	var r fhir.Condition
	decodeCard(it, &r)
	c := it.card
	c.Code = concept(r.Code)
	if c.Code != nil {
		c.Title = c.Code.Text
	}
	clinical := concept(r.ClinicalStatus)
	verification := concept(r.VerificationStatus)
	c.Section, c.Kind = conditionPlace(it.raw, c.Code)
	c.Status = strings.TrimPrefix(statusText(clinical)+", "+statusText(verification), ", ")
	c.Status = strings.TrimSuffix(c.Status, ", ")
	c.addFacts(conceptFact("Clinical status", r.ClinicalStatus))
	c.addFacts(conceptFact("Verification status", r.VerificationStatus))
	c.addFacts(conceptsFact("Category", r.Category))
	c.addFacts(conceptFact("Severity", r.Severity))
	c.addFacts(conceptsFact("Body site", r.BodySite))
	c.add("Onset", firstNonEmpty(deref(r.OnsetDateTime), periodText(r.OnsetPeriod), quantityText(ageQuantity(r.OnsetAge)), rangeText(r.OnsetRange), deref(r.OnsetString)))
	c.add("Abatement", firstNonEmpty(deref(r.AbatementDateTime), periodText(r.AbatementPeriod), quantityText(ageQuantity(r.AbatementAge)), rangeText(r.AbatementRange), deref(r.AbatementString)))
	c.add("Recorded", deref(r.RecordedDate))
	c.addRefs("Encounter", "encounter")
	c.addRefs("Asserter", "asserter")
	c.addAnnotations(r.Note)
	c.setDate(it.raw, "onsetDateTime", "onsetPeriod.start", "recordedDate")
	c.DateEnd = firstStr(it.raw, "abatementDateTime", "abatementPeriod.end")
}

// conditionPlace puts a Condition among the active problems, the past
// problems or the social and other findings, from what the record says:
//   - a problem-list item, a SNOMED CT "(disorder)" or a coded diagnosis
//     without a semantic tag is a problem;
//   - a SNOMED CT "(finding)", "(situation)" or other non-disorder tag is a
//     finding (employment, education, stress, "history of ...");
//   - a problem whose clinical status is inactive, remission or resolved, that
//     has an abatement, or whose verification is refuted or entered-in-error
//     is a past problem.
func conditionPlace(raw gjson.Result, code *Concept) (section, kind string) {
	listed := false
	raw.Get("category").ForEach(func(_, cat gjson.Result) bool {
		cat.Get("coding").ForEach(func(_, cd gjson.Result) bool {
			if cd.Get("code").String() == "problem-list-item" {
				listed = true
			}
			return !listed
		})
		return !listed
	})
	if tag := semanticTag(code); !listed && tag != "" && tag != "disorder" {
		return "findings", "Finding"
	}
	clinical := raw.Get("clinicalStatus.coding.0.code").String()
	verification := raw.Get("verificationStatus.coding.0.code").String()
	switch {
	case clinical == "inactive" || clinical == "remission" || clinical == "resolved",
		verification == "refuted" || verification == "entered-in-error",
		clinical == "" && (raw.Get("abatementDateTime").Exists() || raw.Get("abatementPeriod").Exists() || raw.Get("abatementString").Exists()):
		return "past-problems", "Past problem"
	}
	return "problems", "Problem"
}

// semanticTag returns the SNOMED CT semantic tag of a concept's display
// ("disorder" for "Essential hypertension (disorder)"), or "".
func semanticTag(c *Concept) string {
	if c == nil {
		return ""
	}
	for _, cd := range c.Codes {
		if cd.System != "http://snomed.info/sct" {
			continue
		}
		d := strings.TrimSpace(cd.Display)
		if !strings.HasSuffix(d, ")") {
			continue
		}
		if i := strings.LastIndexByte(d, '('); i > 0 {
			return d[i+1 : len(d)-1]
		}
	}
	return ""
}

func ageQuantity(a *fhir.Age) *fhir.Quantity {
	if a == nil {
		return nil
	}
	return &fhir.Quantity{Value: a.Value, Comparator: a.Comparator, Unit: a.Unit, System: a.System, Code: a.Code}
}

func (b *builder) describeAllergy(it *item) {
	var r fhir.AllergyIntolerance
	decodeCard(it, &r)
	c := it.card
	c.Section = "allergies"
	c.Code = concept(r.Code)
	if c.Code != nil {
		c.Title = c.Code.Text
	}
	c.Status = statusText(concept(r.ClinicalStatus))
	c.addFacts(conceptFact("Clinical status", r.ClinicalStatus))
	c.addFacts(conceptFact("Verification status", r.VerificationStatus))
	c.addCode(it.raw, "Type", "type", false)
	var cats []string
	it.raw.Get("category").ForEach(func(_, v gjson.Result) bool {
		cats = append(cats, v.String())
		return true
	})
	c.add("Category", strings.Join(cats, ", "))
	if crit := c.addCode(it.raw, "Criticality", "criticality", false); crit == "high" {
		c.Facts[len(c.Facts)-1].Flag = "critical"
	}
	c.add("Onset", firstNonEmpty(deref(r.OnsetDateTime), periodText(r.OnsetPeriod), deref(r.OnsetString)))
	c.add("Recorded", deref(r.RecordedDate))
	c.add("Last occurrence", deref(r.LastOccurrence))
	for i, rx := range r.Reaction {
		var parts []string
		for j := range rx.Manifestation {
			if m := concept(&rx.Manifestation[j]); m.Text != "" {
				parts = append(parts, m.Text)
			}
		}
		text := strings.Join(parts, ", ")
		if sev := str(it.raw, "reaction."+itoa(i)+".severity"); sev != "" {
			text += " (" + sev + ")"
		}
		if s := concept(rx.Substance); s != nil && s.Text != "" {
			text += " to " + s.Text
		}
		text = strings.TrimSpace(firstNonEmpty(text, deref(rx.Description)))
		f := Fact{Label: "Reaction", Text: text}
		if str(it.raw, "reaction."+itoa(i)+".severity") == "severe" {
			f.Flag = "critical"
		}
		c.Facts = append(c.Facts, f)
	}
	c.addAnnotations(r.Note)
	c.setDate(it.raw, "onsetDateTime", "onsetPeriod.start", "recordedDate")
}

// describeMedicationUse handles MedicationRequest, -Statement, -Administration and -Dispense.
func (b *builder) describeMedicationUse(it *item) {
	c := it.card
	c.Section = "medications"
	raw := it.raw
	c.Status = code(raw, "status").Text
	c.addCode(raw, "Status", "status", true)
	var notes []fhir.Annotation
	var dosages []fhir.Dosage
	switch it.rtype {
	case "MedicationRequest":
		var r fhir.MedicationRequest
		decodeCard(it, &r)
		c.addCode(raw, "Intent", "intent", true)
		c.add("Authored on", deref(r.AuthoredOn))
		c.addRefs("Requester", "requester")
		c.addFacts(conceptsFact("Reason", r.ReasonCode))
		c.addRefs("Reason", "reasonReference")
		if dr := r.DispenseRequest; dr != nil {
			c.add("Supply", quantityText(dr.Quantity))
			c.add("Repeats allowed", intText(dr.NumberOfRepeatsAllowed))
			c.add("Valid", periodText(dr.ValidityPeriod))
		}
		notes, dosages = r.Note, r.DosageInstruction
		c.setDate(raw, "authoredOn")
	case "MedicationStatement":
		var r fhir.MedicationStatement
		decodeCard(it, &r)
		c.add("Taken", firstNonEmpty(deref(r.EffectiveDateTime), periodText(r.EffectivePeriod)))
		c.add("Asserted", deref(r.DateAsserted))
		c.addRefs("Source", "informationSource")
		c.addFacts(conceptsFact("Reason", r.ReasonCode))
		c.addRefs("Reason", "reasonReference")
		notes, dosages = r.Note, r.Dosage
		c.setDate(raw, "effectiveDateTime", "effectivePeriod.start", "dateAsserted")
		c.DateEnd = str(raw, "effectivePeriod.end")
	case "MedicationAdministration":
		var r fhir.MedicationAdministration
		decodeCard(it, &r)
		if raw.Get("effectiveDateTime").Exists() {
			c.add("Given", r.EffectiveDateTime)
		} else if raw.Get("effectivePeriod").Exists() {
			c.add("Given", periodText(&r.EffectivePeriod))
		} else {
			c.Facts = append(c.Facts, Fact{Label: "Given", Absent: "absent"})
		}
		c.addRefs("Performer", "performer")
		if d := r.Dosage; d != nil {
			text := deref(d.Text)
			if text == "" {
				text = strings.TrimSpace(quantityText(d.Dose) + " " + conceptText(d.Route))
			}
			c.add("Dose", text)
			c.add("Rate", firstNonEmpty(quantityText(d.RateQuantity), ratioTextOrEmpty(d.RateRatio)))
		}
		c.addFacts(conceptsFact("Reason", r.ReasonCode))
		c.addRefs("Reason", "reasonReference")
		notes = r.Note
		c.setDate(raw, "effectiveDateTime", "effectivePeriod.start")
		c.DateEnd = str(raw, "effectivePeriod.end")
	case "MedicationDispense":
		var r fhir.MedicationDispense
		decodeCard(it, &r)
		c.add("Quantity", quantityText(r.Quantity))
		c.add("Days supply", quantityText(r.DaysSupply))
		c.add("Prepared", deref(r.WhenPrepared))
		c.add("Handed over", deref(r.WhenHandedOver))
		c.addRefs("Prescription", "authorizingPrescription")
		notes, dosages = r.Note, r.DosageInstruction
		c.setDate(raw, "whenHandedOver", "whenPrepared")
	}
	med := b.medication(it)
	c.Code = med.concept
	c.Title = med.text
	f := Fact{Label: "Medication", Text: med.text, RefKey: med.refKey, Absent: med.absent}
	if c.Code != nil {
		f.Codes = c.Code.Codes
	}
	c.Facts = append([]Fact{f}, c.Facts...)
	for i := range dosages {
		c.add("Dosage", dosageText(&dosages[i]))
	}
	c.addAnnotations(notes)
}

type medInfo struct {
	concept *Concept
	text    string
	refKey  string
	absent  string
}

// medication resolves medication[x]: a CodeableConcept, or a reference to a
// Medication in the input or contained in the resource.
func (b *builder) medication(it *item) medInfo {
	raw := it.raw
	if cc := raw.Get("medicationCodeableConcept"); cc.IsObject() {
		var v fhir.CodeableConcept
		if decode(cc, &v) == nil {
			c := concept(&v)
			return medInfo{concept: c, text: c.Text}
		}
	}
	if !raw.Get("medicationReference").IsObject() {
		return medInfo{absent: firstNonEmpty(darReason(raw.Get("_medicationCodeableConcept.extension")), "absent")}
	}
	display := str(raw, "medicationReference.display")
	for _, r := range it.card.References {
		if r.Path != "medicationReference" {
			continue
		}
		var medRaw gjson.Result
		info := medInfo{text: display}
		switch {
		case r.Contained != "":
			raw.Get("contained").ForEach(func(_, cr gjson.Result) bool {
				if cr.Get("id").String() == r.Contained {
					medRaw = cr
					return false
				}
				return true
			})
		case r.TargetKey != "":
			t := b.byKey[r.TargetKey]
			medRaw = t.raw
			info.refKey = t.key
		default:
			info.text = firstNonEmpty(display, r.Reference)
			return info
		}
		if medRaw.Get("resourceType").String() == "Medication" {
			var m fhir.Medication
			decodeResource(medRaw, &m)
			if mc := concept(m.Code); mc != nil {
				info.concept = mc
				info.text = firstNonEmpty(display, mc.Text)
			}
		}
		info.text = firstNonEmpty(info.text, r.Reference)
		return info
	}
	return medInfo{text: display}
}

func conceptText(cc *fhir.CodeableConcept) string {
	if c := concept(cc); c != nil {
		return c.Text
	}
	return ""
}

func ratioTextOrEmpty(r *fhir.Ratio) string {
	if r == nil {
		return ""
	}
	return ratioText(r)
}

var timingUnits = map[string]string{"s": "second", "min": "minute", "h": "hour", "d": "day", "wk": "week", "mo": "month", "a": "year"}

// dosageText prefers the written dosage text; otherwise it spells out dose,
// frequency, route and "as needed" from the structured dosage.
func dosageText(d *fhir.Dosage) string {
	if t := strings.TrimSpace(deref(d.Text)); t != "" {
		return t
	}
	var parts []string
	for _, dr := range d.DoseAndRate {
		if q := quantityText(dr.DoseQuantity); q != "" {
			parts = append(parts, q)
		} else if r := rangeText(dr.DoseRange); r != "" {
			parts = append(parts, r)
		}
	}
	if t := d.Timing; t != nil {
		if t.Code != nil {
			parts = append(parts, conceptText(t.Code))
		}
		if rp := t.Repeat; rp != nil && rp.Frequency != nil && rp.Period != nil {
			unit := timingUnits[deref(rp.PeriodUnit)]
			if unit == "" {
				unit = deref(rp.PeriodUnit)
			}
			times := plural(*rp.Frequency, "time")
			if *rp.Frequency == 1 {
				times = "once"
			} else if *rp.Frequency == 2 {
				times = "twice"
			}
			period := rp.Period.String()
			if period == "1" || period == "1.0" {
				parts = append(parts, times+" a "+unit)
			} else {
				parts = append(parts, times+" every "+period+" "+unit+"s")
			}
		}
	}
	if r := conceptText(d.Route); r != "" {
		parts = append(parts, r)
	}
	if d.AsNeededBoolean != nil && *d.AsNeededBoolean {
		parts = append(parts, "as needed")
	} else if a := conceptText(d.AsNeededCodeableConcept); a != "" {
		parts = append(parts, "as needed for "+a)
	}
	if p := strings.TrimSpace(deref(d.PatientInstruction)); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func (b *builder) describeMedication(it *item) {
	var r fhir.Medication
	decodeCard(it, &r)
	c := it.card
	c.Section = "other"
	c.Code = concept(r.Code)
	if c.Code != nil {
		c.Title = c.Code.Text
	}
	c.addFacts(conceptFact("Code", r.Code))
	c.addCode(it.raw, "Status", "status", false)
	c.addFacts(conceptFact("Form", r.Form))
	for _, ing := range r.Ingredient {
		name := conceptText(&ing.ItemCodeableConcept)
		if name == "" {
			name = deref(ing.ItemReference.Display)
		}
		if s := ratioTextOrEmpty(ing.Strength); s != "" {
			name += " " + s
		}
		c.add("Ingredient", strings.TrimSpace(name))
	}
}

func (b *builder) describeImmunization(it *item) {
	var r fhir.Immunization
	decodeCard(it, &r)
	c := it.card
	c.Section = "immunizations"
	if it.raw.Get("vaccineCode").Exists() {
		c.Code = concept(&r.VaccineCode)
		c.Title = c.Code.Text
		c.Facts = append(c.Facts, Fact{Label: "Vaccine", Text: c.Code.Text, Codes: c.Code.Codes})
	} else {
		c.Facts = append(c.Facts, Fact{Label: "Vaccine", Absent: "absent"})
	}
	c.Status = c.addCode(it.raw, "Status", "status", true)
	c.addFacts(conceptFact("Status reason", r.StatusReason))
	c.setDate(it.raw, "occurrenceDateTime", "occurrenceString")
	if c.Date != "" {
		c.add("Date", c.Date)
	} else {
		c.Facts = append(c.Facts, Fact{Label: "Date", Absent: firstNonEmpty(darReason(it.raw.Get("_occurrenceDateTime.extension")), "absent")})
	}
	c.add("Primary source", boolText(r.PrimarySource))
	c.add("Lot", deref(r.LotNumber))
	c.addFacts(conceptFact("Site", r.Site))
	c.addFacts(conceptFact("Route", r.Route))
	c.add("Dose", quantityText(r.DoseQuantity))
	c.addRefs("Performer", "performer")
	c.addRefs("Location", "location")
	for _, pa := range r.ProtocolApplied {
		dose := firstNonEmpty(pa.DoseNumberString, func() string {
			if pa.DoseNumberPositiveInt > 0 {
				return itoa(pa.DoseNumberPositiveInt)
			}
			return ""
		}())
		c.add("Dose number", dose)
	}
	c.addAnnotations(r.Note)
}

func (b *builder) describeProcedure(it *item) {
	var r fhir.Procedure
	decodeCard(it, &r)
	c := it.card
	c.Section = "procedures"
	c.Code = concept(r.Code)
	if c.Code != nil {
		c.Title = c.Code.Text
	}
	c.Status = c.addCode(it.raw, "Status", "status", true)
	c.addFacts(conceptFact("Category", r.Category))
	c.add("Performed", firstNonEmpty(deref(r.PerformedDateTime), periodText(r.PerformedPeriod), deref(r.PerformedString)))
	c.addRefs("Performer", "performer")
	c.addFacts(conceptsFact("Reason", r.ReasonCode))
	c.addRefs("Reason", "reasonReference")
	c.addFacts(conceptsFact("Body site", r.BodySite))
	c.addFacts(conceptFact("Outcome", r.Outcome))
	c.addRefs("Location", "location")
	c.addRefs("Report", "report")
	c.addAnnotations(r.Note)
	c.setDate(it.raw, "performedDateTime", "performedPeriod.start")
	c.DateEnd = str(it.raw, "performedPeriod.end")
}

func (b *builder) describeEncounter(it *item) {
	var r fhir.Encounter
	decodeCard(it, &r)
	c := it.card
	c.Section = "encounters"
	if len(r.Type) > 0 {
		c.Code = concept(&r.Type[0])
		c.Title = c.Code.Text
	}
	c.Status = c.addCode(it.raw, "Status", "status", true)
	if it.raw.Get("class").Exists() {
		cls := coding(r.Class)
		name := firstNonEmpty(encounterClassNames[deref(r.Class.Code)], deref(r.Class.Display), codingText(r.Class))
		c.Facts = append(c.Facts, Fact{Label: "Class", Text: name, Codes: []Coding{cls}})
		if c.Title == "" {
			c.Title = name + " encounter"
		}
	} else {
		c.Facts = append(c.Facts, Fact{Label: "Class", Absent: firstNonEmpty(darReason(it.raw.Get("class.extension")), "absent")})
	}
	c.addFacts(conceptsFact("Type", r.Type))
	c.add("Period", periodText(r.Period))
	c.addFacts(conceptsFact("Reason", r.ReasonCode))
	c.addRefs("Reason", "reasonReference")
	for i := range r.Participant {
		c.addRefs("Participant", "participant["+itoa(i)+"].individual")
	}
	for i := range r.Location {
		c.addRefs("Location", "location["+itoa(i)+"].location")
	}
	c.addRefs("Service provider", "serviceProvider")
	if h := r.Hospitalization; h != nil {
		c.addFacts(conceptFact("Discharge", h.DischargeDisposition))
	}
	c.setDate(it.raw, "period.start")
	c.DateEnd = str(it.raw, "period.end")
}

// encounterClassNames are the HL7 v3 ActEncounterCode displays, used for a
// card title when the class coding carries no display.
var encounterClassNames = map[string]string{
	"AMB": "Ambulatory", "EMER": "Emergency", "FLD": "Field", "HH": "Home health",
	"IMP": "Inpatient", "ACUTE": "Inpatient acute", "NONAC": "Inpatient non-acute",
	"OBSENC": "Observation", "PRENC": "Pre-admission", "SS": "Short stay", "VR": "Virtual",
}
