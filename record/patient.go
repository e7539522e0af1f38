package record

import (
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
	"github.com/tidwall/gjson"
)

func (b *builder) describePatient(it *item) {
	c := it.card
	c.Section = "banner"
	c.Title = ""
	if n := it.raw.Get("name.0"); n.IsObject() {
		c.Title = humanNameText(n)
	}
	c.add("Gender", code(it.raw, "gender").Text)
	c.add("Birth date", str(it.raw, "birthDate"))
}

// fillBanner builds the banner from the Patient resource, reading coded and
// required values from the raw JSON so nothing is invented.
func (b *builder) fillBanner(rec *PatientRecord) {
	bn := &rec.Banner
	bn.Names, bn.Identifiers, bn.Addresses, bn.Telecom, bn.GeneralPractitioners = []Name{}, []Identifier{}, []Value{}, []Value{}, []Ref{}
	it, ok := b.byKey[rec.Key]
	if !ok {
		bn.Gender = Value{Absent: "not in input"}
		bn.BirthDate = Value{Absent: "not in input"}
		bn.Deceased = Value{Absent: "not in input"}
		return
	}
	bn.InInput = true
	raw := it.raw
	var p fhir.Patient
	decodeCard(it, &p)

	raw.Get("name").ForEach(func(_, n gjson.Result) bool {
		bn.Names = append(bn.Names, Name{Use: str(n, "use"), Text: humanNameText(n)})
		return true
	})
	bn.Gender = code(raw, "gender")
	bn.BirthDate = code(raw, "birthDate")
	bn.BirthDate.Invalid = dateProblem(bn.BirthDate.Text)
	asOf, asOfKnown := b.opts.Now, true
	switch {
	case raw.Get("deceasedDateTime").Type == gjson.String:
		d := raw.Get("deceasedDateTime").String()
		bn.Deceased = Value{Text: d, Flag: "deceased", Invalid: dateProblem(d)}
		asOf, _, asOfKnown = parseDate(d)
		if bn.Deceased.Invalid != "" {
			asOfKnown = false // no age at death from an invalid date
		}
	case raw.Get("deceasedBoolean").Type == gjson.True:
		bn.Deceased = Value{Text: "deceased", Flag: "deceased"}
		asOfKnown = false // died on an unknown date: no age
	case raw.Get("deceasedBoolean").Type == gjson.False:
		bn.Deceased = Value{Text: "not deceased"}
	default:
		bn.Deceased = Value{Absent: "absent"}
	}
	// An age is derived only from a valid birth date (and a valid date of death).
	if bn.BirthDate.Text != "" && bn.BirthDate.Invalid == "" && asOfKnown {
		bn.Age = ageText(bn.BirthDate.Text, asOf)
		if bn.Age != "" && bn.Deceased.Flag == "deceased" {
			bn.Age += " at death"
		}
	}
	for i, id := range p.Identifier {
		bn.Identifiers = append(bn.Identifiers, identifier(raw.Get("identifier."+itoa(i)), id))
	}
	for _, a := range p.Address {
		if t := addressText(a); t != "" {
			v := Value{Text: t}
			if a.Use != nil {
				v.Note = a.Use.Code()
			}
			bn.Addresses = append(bn.Addresses, v)
		}
	}
	raw.Get("telecom").ForEach(func(_, t gjson.Result) bool {
		v := Value{Text: str(t, "value"), Note: strings.TrimSpace(str(t, "system") + " " + str(t, "use"))}
		if v.Text == "" {
			v.Absent = firstNonEmpty(darReason(t.Get("extension")), darReason(t.Get("_value.extension")), "absent")
		}
		bn.Telecom = append(bn.Telecom, v)
		return true
	})
	for _, r := range it.card.References {
		switch {
		case strings.HasPrefix(r.Path, "generalPractitioner"):
			bn.GeneralPractitioners = append(bn.GeneralPractitioners, r)
		case r.Path == "managingOrganization":
			ref := r
			bn.ManagingOrganization = &ref
		}
	}
}

func identifier(raw gjson.Result, id fhir.Identifier) Identifier {
	out := Identifier{System: deref(id.System), Use: str(raw, "use"), Type: conceptText(id.Type)}
	out.SystemName = systemName(out.System)
	if id.Value != nil {
		out.Value = Value{Text: *id.Value}
	} else {
		out.Value = Value{Absent: firstNonEmpty(darReason(raw.Get("_value.extension")), darReason(raw.Get("extension")), "absent")}
	}
	if out.System == nhsNumberSystem && id.Value != nil {
		valid, why := checkNHSNumber(*id.Value)
		out.NHSNumberValid = &valid
		out.NHSNumberCheck = why
		if !valid {
			out.Value.Flag = "warning"
			out.Value.Note = why
		}
	}
	return out
}

func addressText(a fhir.Address) string {
	if t := strings.TrimSpace(deref(a.Text)); t != "" {
		return t
	}
	parts := append([]string{}, a.Line...)
	for _, p := range []*string{a.City, a.District, a.State, a.PostalCode, a.Country} {
		if s := strings.TrimSpace(deref(p)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}
