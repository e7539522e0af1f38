package record

import (
	"sort"
	"strconv"
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
	"github.com/tidwall/gjson"
)

func itoa(i int) string { return strconv.Itoa(i) }

// hasCategory reports whether a resource has a category coding with this code
// (vital-signs, laboratory) in the observation-category system or none.
func hasCategory(raw gjson.Result, want string) bool {
	found := false
	raw.Get("category").ForEach(func(_, cat gjson.Result) bool {
		cat.Get("coding").ForEach(func(_, cd gjson.Result) bool {
			sys := cd.Get("system").String()
			if cd.Get("code").String() == want && (sys == "" || sys == "http://terminology.hl7.org/CodeSystem/observation-category" || sys == "http://hl7.org/fhir/observation-category") {
				found = true
			}
			return !found
		})
		return !found
	})
	return found
}

// obsValue renders value[x] of an Observation or component.
type obsValue struct {
	text   string
	number *float64
	codes  []Coding
}

func valueOf(q *fhir.Quantity, cc *fhir.CodeableConcept, s *string, b *bool, i *int, rg *fhir.Range, ra *fhir.Ratio, sd *fhir.SampledData, tm, dt *string, p *fhir.Period) obsValue {
	switch {
	case q != nil:
		v := obsValue{text: quantityText(q)}
		if q.Value != nil {
			if f, err := q.Value.Float64(); err == nil {
				v.number = &f
			}
		}
		return v
	case cc != nil:
		c := concept(cc)
		return obsValue{text: c.Text, codes: c.Codes}
	case s != nil:
		return obsValue{text: *s}
	case b != nil:
		return obsValue{text: boolText(b)}
	case i != nil:
		f := float64(*i)
		return obsValue{text: strconv.Itoa(*i), number: &f}
	case rg != nil:
		return obsValue{text: rangeText(rg)}
	case ra != nil:
		return obsValue{text: ratioText(ra)}
	case sd != nil:
		return obsValue{text: "sampled data"}
	case tm != nil:
		return obsValue{text: *tm}
	case dt != nil:
		return obsValue{text: *dt}
	case p != nil:
		return obsValue{text: periodText(p)}
	}
	return obsValue{}
}

// interpretationFlag maps HL7 interpretation codes to a display flag.
func interpretationFlag(ccs []fhir.CodeableConcept) string {
	flag := ""
	for _, cc := range ccs {
		for _, cd := range cc.Coding {
			switch deref(cd.Code) {
			case "HH", "LL", "AA", "HU", "LU", "H>", "L<":
				return "critical"
			case "H", "L", "A", "POS", "DET", "R", "I", "W", ">", "<":
				flag = "abnormal"
			}
		}
	}
	return flag
}

func referenceRangeText(rr []fhir.ObservationReferenceRange) string {
	var parts []string
	for _, r := range rr {
		t := deref(r.Text)
		if t == "" {
			t = rangeText(&fhir.Range{Low: r.Low, High: r.High})
		}
		if t != "" {
			if ty := conceptText(r.Type); ty != "" {
				t += " (" + ty + ")"
			}
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; ")
}

func (b *builder) describeObservation(it *item) {
	var r fhir.Observation
	decodeCard(it, &r)
	c := it.card
	raw := it.raw
	switch {
	case hasCategory(raw, "vital-signs"):
		c.Section = "vitals"
	case hasCategory(raw, "laboratory"):
		c.Section = "labs"
	default:
		c.Section = "observations"
	}
	if raw.Get("code").Exists() {
		c.Code = concept(&r.Code)
		c.Title = c.Code.Text
	} else {
		c.Facts = append(c.Facts, Fact{Label: "Code", Absent: "absent"})
	}
	c.Status = c.addCode(raw, "Status", "status", true)
	c.addFacts(conceptsFact("Category", r.Category))
	c.setDate(raw, "effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued")
	c.DateEnd = str(raw, "effectivePeriod.end")
	c.add("Effective", firstNonEmpty(deref(r.EffectiveDateTime), periodText(r.EffectivePeriod), deref(r.EffectiveInstant)))
	flag := interpretationFlag(r.Interpretation)
	v := valueOf(r.ValueQuantity, r.ValueCodeableConcept, r.ValueString, r.ValueBoolean, r.ValueInteger, r.ValueRange, r.ValueRatio, r.ValueSampledData, r.ValueTime, r.ValueDateTime, r.ValuePeriod)
	it.reading, it.readingNum = v.text, v.number
	if r.ValueQuantity != nil {
		it.readingUnit = firstNonEmpty(deref(r.ValueQuantity.Code), deref(r.ValueQuantity.Unit))
	}
	switch {
	case v.text != "":
		c.Facts = append(c.Facts, Fact{Label: "Value", Text: v.text, Codes: v.codes, Flag: flag})
	case r.DataAbsentReason != nil:
		dar := concept(r.DataAbsentReason)
		c.Facts = append(c.Facts, Fact{Label: "Value", Absent: firstNonEmpty(dar.Text, "absent"), Codes: dar.Codes})
	case len(r.Component) == 0 && len(r.HasMember) == 0:
		c.Facts = append(c.Facts, Fact{Label: "Value", Absent: "absent"})
	}
	var compValues []string
	compUnit := ""
	for i, comp := range r.Component {
		name := "Component"
		var codes []Coding
		if raw.Get("component." + itoa(i) + ".code").Exists() {
			cc := concept(&comp.Code)
			name, codes = firstNonEmpty(cc.Text, name), cc.Codes
		}
		cv := valueOf(comp.ValueQuantity, comp.ValueCodeableConcept, comp.ValueString, comp.ValueBoolean, comp.ValueInteger, comp.ValueRange, comp.ValueRatio, comp.ValueSampledData, comp.ValueTime, comp.ValueDateTime, comp.ValuePeriod)
		f := Fact{Label: name, Text: cv.text, Codes: append(codes, cv.codes...), Flag: interpretationFlag(comp.Interpretation)}
		if cv.text == "" {
			f.Absent = "absent"
			if comp.DataAbsentReason != nil {
				f.Absent = firstNonEmpty(conceptText(comp.DataAbsentReason), "absent")
			}
		}
		if comp.ValueQuantity != nil && comp.ValueQuantity.Value != nil {
			compValues = append(compValues, comp.ValueQuantity.Value.String())
			compUnit = firstNonEmpty(deref(comp.ValueQuantity.Unit), deref(comp.ValueQuantity.Code))
			if it.readingUnit == "" {
				it.readingUnit = firstNonEmpty(deref(comp.ValueQuantity.Code), deref(comp.ValueQuantity.Unit))
			}
			if it.readingNum == nil && v.text == "" {
				if f, err := comp.ValueQuantity.Value.Float64(); err == nil {
					it.readingNum = &f
				}
			}
		}
		if rr := referenceRangeText(comp.ReferenceRange); rr != "" && f.Text != "" {
			f.Text += " (range " + rr + ")"
		}
		c.Facts = append(c.Facts, f)
	}
	if v.text == "" && len(compValues) > 0 {
		// blood pressure and friends: "120/80 mmHg"
		it.reading = strings.TrimSpace(strings.Join(compValues, "/") + " " + compUnit)
	}
	if rr := referenceRangeText(r.ReferenceRange); rr != "" {
		c.add("Reference range", rr)
	}
	if len(r.Interpretation) > 0 {
		fs := conceptsFact("Interpretation", r.Interpretation)
		fs[0].Flag = flag
		c.addFacts(fs)
	}
	c.addFacts(conceptFact("Body site", r.BodySite))
	c.addFacts(conceptFact("Method", r.Method))
	c.addRefs("Member", "hasMember")
	c.addRefs("Derived from", "derivedFrom")
	c.addRefs("Performer", "performer")
	c.addAnnotations(r.Note)
}

func (b *builder) describeReport(it *item) {
	var r fhir.DiagnosticReport
	decodeCard(it, &r)
	c := it.card
	raw := it.raw
	c.Section = "reports"
	if raw.Get("code").Exists() {
		c.Code = concept(&r.Code)
		c.Title = c.Code.Text
	} else {
		c.Facts = append(c.Facts, Fact{Label: "Code", Absent: "absent"})
	}
	c.Status = c.addCode(raw, "Status", "status", true)
	c.addFacts(conceptsFact("Category", r.Category))
	c.add("Effective", firstNonEmpty(deref(r.EffectiveDateTime), periodText(r.EffectivePeriod)))
	c.add("Issued", deref(r.Issued))
	c.addRefs("Performer", "performer")
	c.addRefs("Result", "result")
	c.add("Conclusion", deref(r.Conclusion))
	c.addFacts(conceptsFact("Conclusion code", r.ConclusionCode))
	for i := range r.PresentedForm {
		c.Attachments = append(c.Attachments, b.attachment("presentedForm["+itoa(i)+"]", &r.PresentedForm[i]))
	}
	c.setDate(raw, "effectiveDateTime", "effectivePeriod.start", "issued")
}

// vitalSeries groups a patient's vital-sign observations by code, in date order.
func vitalSeries(b *builder, rec *PatientRecord) []*VitalSeries {
	series := []*VitalSeries{}
	index := map[string]*VitalSeries{}
	for _, s := range rec.Sections {
		if s.ID != "vitals" {
			continue
		}
		for _, c := range s.Cards {
			if c.Code == nil || c.DateInvalid != "" {
				continue // an invalid date never makes a trend
			}
			key := seriesKey(c.Code)
			it := b.byKey[c.Key]
			text, num := it.reading, it.readingNum
			if text == "" {
				continue // panels without values
			}
			vs, ok := index[key]
			if !ok {
				vs = &VitalSeries{Code: *c.Code, Title: c.Title, Points: []VitalPoint{}}
				index[key] = vs
				series = append(series, vs)
			}
			vs.Points = append(vs.Points, VitalPoint{Date: c.Date, Text: text, Value: num, Unit: it.readingUnit, CardKey: c.Key})
		}
	}
	for _, vs := range series {
		sortPoints(vs.Points)
		vs.Trend = trend(vs.Points)
		vs.Unit = vs.Points[len(vs.Points)-1].Unit
	}
	return series
}

func seriesKey(c *Concept) string {
	for _, cd := range c.Codes {
		if cd.System == "http://loinc.org" && cd.Code != "" {
			return "loinc|" + cd.Code
		}
	}
	for _, cd := range c.Codes {
		if cd.Code != "" {
			return cd.System + "|" + cd.Code
		}
	}
	return "text|" + c.Text
}

func sortPoints(p []VitalPoint) {
	keys := make(map[string]string, len(p))
	for _, pt := range p {
		keys[pt.CardKey] = sortKey(pt.Date)
	}
	sort.SliceStable(p, func(i, j int) bool { return keys[p[i].CardKey] < keys[p[j].CardKey] })
}

// trend compares the last two numeric points, only when they share a unit.
func trend(p []VitalPoint) string {
	var last, prev *float64
	unit := ""
	for i := len(p) - 1; i >= 0; i-- {
		if p[i].Value == nil {
			continue
		}
		if last == nil {
			last, unit = p[i].Value, p[i].Unit
		} else {
			if p[i].Unit != unit {
				return ""
			}
			prev = p[i].Value
			break
		}
	}
	switch {
	case last == nil || prev == nil:
		return ""
	case *last > *prev:
		return "up"
	case *last < *prev:
		return "down"
	}
	return "same"
}
