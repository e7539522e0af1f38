package record

import (
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
)

func (b *builder) describeCarePlan(it *item) {
	var r fhir.CarePlan
	decodeCard(it, &r)
	c := it.card
	c.Section = "careplans"
	c.Title = deref(r.Title)
	if len(r.Category) > 0 {
		c.Code = concept(&r.Category[0])
		if c.Title == "" {
			c.Title = c.Code.Text
		}
	}
	c.Status = c.addCode(it.raw, "Status", "status", true)
	c.addCode(it.raw, "Intent", "intent", true)
	c.addFacts(conceptsFact("Category", r.Category))
	c.add("Description", deref(r.Description))
	c.add("Period", periodText(r.Period))
	c.addRefs("Addresses", "addresses")
	c.addRefs("Goal", "goal")
	c.addRefs("Care team", "careTeam")
	for i, a := range r.Activity {
		if d := a.Detail; d != nil {
			text := conceptText(d.Code)
			if text == "" {
				text = deref(d.Description)
			}
			if st := str(it.raw, "activity."+itoa(i)+".detail.status"); st != "" && text != "" {
				text += " (" + st + ")"
			}
			c.add("Activity", text)
		}
		c.addRefs("Activity", "activity["+itoa(i)+"].reference")
	}
	c.addAnnotations(r.Note)
	c.setDate(it.raw, "period.start", "created")
	c.DateEnd = str(it.raw, "period.end")
}

func (b *builder) describeGoal(it *item) {
	var r fhir.Goal
	decodeCard(it, &r)
	c := it.card
	c.Section = "careplans"
	if it.raw.Get("description").Exists() {
		c.Code = concept(&r.Description)
		c.Title = c.Code.Text
	}
	c.Status = c.addCode(it.raw, "Lifecycle status", "lifecycleStatus", true)
	c.addFacts(conceptFact("Achievement", r.AchievementStatus))
	c.addFacts(conceptFact("Priority", r.Priority))
	c.add("Start", firstNonEmpty(deref(r.StartDate), conceptText(r.StartCodeableConcept)))
	for _, t := range r.Target {
		var parts []string
		if m := conceptText(t.Measure); m != "" {
			parts = append(parts, m)
		}
		detail := firstNonEmpty(quantityText(t.DetailQuantity), rangeText(t.DetailRange), conceptText(t.DetailCodeableConcept), deref(t.DetailString), boolText(t.DetailBoolean), intText(t.DetailInteger))
		if detail != "" {
			parts = append(parts, detail)
		}
		if d := deref(t.DueDate); d != "" {
			parts = append(parts, "by "+d)
		}
		c.add("Target", strings.Join(parts, " "))
	}
	c.addRefs("Addresses", "addresses")
	c.addAnnotations(r.Note)
	c.setDate(it.raw, "startDate", "statusDate")
}

func (b *builder) describeCareTeam(it *item) {
	var r fhir.CareTeam
	decodeCard(it, &r)
	c := it.card
	c.Section = "careplans"
	c.Title = deref(r.Name)
	if c.Title == "" {
		c.Title = "Care team"
	}
	c.Status = c.addCode(it.raw, "Status", "status", false)
	c.add("Period", periodText(r.Period))
	for i, p := range r.Participant {
		role := ""
		if len(p.Role) > 0 {
			role = conceptText(&p.Role[0])
		}
		before := len(c.Facts)
		c.addRefs("Member", "participant["+itoa(i)+"].member")
		if role != "" {
			for j := before; j < len(c.Facts); j++ {
				c.Facts[j].Label = "Member (" + role + ")"
			}
		}
	}
	c.addFacts(conceptsFact("Reason", r.ReasonCode))
	c.addRefs("Managing organization", "managingOrganization")
	c.setDate(it.raw, "period.start")
	c.DateEnd = str(it.raw, "period.end")
}
