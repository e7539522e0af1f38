package record

import (
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/bundle"

	"github.com/tidwall/gjson"
)

// sectionOrder fixes the order and titles of sections.
var sectionOrder = []struct{ id, title string }{
	{"allergies", "Allergies and intolerances"},
	{"problems", "Active problems"},
	{"medications", "Medications"},
	{"labs", "Results"},
	{"reports", "Reports"},
	{"vitals", "Vital signs"},
	{"immunizations", "Immunizations"},
	{"procedures", "Procedures"},
	{"encounters", "Encounters"},
	{"past-problems", "Past problems"},
	{"findings", "Social and other findings"},
	{"observations", "Other observations"},
	{"careplans", "Care plans and goals"},
	{"documents", "Documents"},
	{"other", "Other resources"},
}

type builder struct {
	in          *input
	graph       *bundle.Graph // the validator's graph of a single Bundle input (Options.Graph)
	entryItem   map[int]*item // Bundle.entry index -> item, with graph
	reportIndex map[int]int   // resource offset -> index in the validator's report
	opts        Options
	res         *resolver
	byKey       map[string]*item
	patients    []*PatientRecord
	byPat       map[string]*PatientRecord
	patItems    map[string][]*item // a patient's items other than its Patient, in input order
}

func newBuilder(in *input, opts Options) *builder {
	return &builder{in: in, opts: opts, byKey: map[string]*item{}, byPat: map[string]*PatientRecord{}}
}

func (b *builder) build() *Model {
	m := b.start()
	for i := range m.Patients {
		b.finish(i)
	}
	return m
}

// start builds what the model's header needs: every card's identity and
// references, each resource's patient, the patients' banners, the unlinked
// cards, lists and document, and the counts. The patients' sections,
// vitals, timeline and summary are empty until finish: a page can show the
// first patient without waiting for the others. Cards are described (the
// costly step) on first need, and describing one card reads only the raw
// resources of others, so the order of finish calls does not change them.
func (b *builder) start() *Model {
	m := &Model{
		Input:    InputInfo{Kind: b.in.kind, BundleType: b.in.bundleType, BundleID: b.in.bundleID, Resources: len(b.in.items)},
		Patients: []*PatientRecord{},
		Unlinked: []*Section{},
		Skipped:  b.in.skipped,
	}
	if m.Skipped == nil {
		m.Skipped = []Skipped{}
	}
	b.res = newResolver(b.in.items)
	b.useGraph()
	for _, it := range b.in.items {
		b.byKey[it.key] = it
		b.startCard(it)
	}
	for _, it := range b.in.items {
		b.assignPatient(it)
	}
	b.linkEvents()

	b.patItems = map[string][]*item{}
	unlinked := newSections()
	for _, it := range b.in.items {
		it.card.Patient = it.patient
		switch {
		case it.rtype == "Patient":
			b.byPat[it.key].Card = it.card
			m.Counts.Banners++
		case it.patient != "":
			b.patItems[it.patient] = append(b.patItems[it.patient], it)
			m.Counts.InSections++
		default:
			c := b.need(it).card
			unlinked[sectionIndex(c.Section)].Cards = append(unlinked[sectionIndex(c.Section)].Cards, c)
			m.Counts.Unlinked++
		}
	}
	m.Counts.Resources = len(b.in.items)
	for _, rec := range b.patients {
		b.need(b.byKey[rec.Key])
		b.fillBanner(rec)
	}
	m.Patients = b.patients
	m.Unlinked = nonEmpty(unlinked)
	for _, sec := range m.Unlinked {
		for _, c := range sec.Cards {
			if c.ResourceType == "List" {
				ls := counted(b.listSection(c, len(m.Lists)))
				ls.ID = "unlinked-" + ls.ID
				m.Lists = append(m.Lists, ls)
			}
		}
	}
	m.Document = b.document()
	return m
}

// finish completes patient i of the model start returned: its sections (in
// input order, then newest first), vitals, timeline and summary.
func (b *builder) finish(i int) {
	rec := b.patients[i]
	for _, it := range b.patItems[rec.Key] {
		c := b.need(it).card
		rec.Sections[sectionIndex(c.Section)].Cards = append(rec.Sections[sectionIndex(c.Section)].Cards, c)
	}
	for _, s := range rec.Sections {
		newestFirst(s.Cards, activeFirst[s.ID])
	}
	rec.Vitals = vitalSeries(b, rec)
	rec.Timeline = timeline(rec.Sections)
	rec.Summary = b.summary(rec)
	rec.Sections = nonEmpty(rec.Sections)
}

// need describes an item's card on first use and returns the item (nil
// stays nil).
func (b *builder) need(it *item) *item {
	if it == nil || it.described {
		return it
	}
	it.described = true
	b.describe(it)
	it.card.Patient = it.patient
	if it.rtype == "Patient" {
		it.card.Section = "banner"
	}
	return it
}

func newSections() []*Section {
	s := make([]*Section, len(sectionOrder))
	for i, so := range sectionOrder {
		s[i] = &Section{ID: so.id, Title: so.title, Cards: []*Card{}}
	}
	return s
}

func sectionIndex(id string) int {
	for i, so := range sectionOrder {
		if so.id == id {
			return i
		}
	}
	return len(sectionOrder) - 1 // "other"
}

func nonEmpty(sections []*Section) []*Section {
	out := []*Section{}
	for _, s := range sections {
		if len(s.Cards) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// startCard creates the card with what every resource has: identity,
// location, references, data-absent-reason elements and narrative.
func (b *builder) startCard(it *item) {
	s := scanResource(it.raw)
	c := &Card{
		Key:          it.key,
		ResourceType: it.rtype,
		ID:           it.id,
		Location:     it.loc,
		Facts:        []Fact{},
		Absent:       s.absent,
	}
	if i, ok := b.reportIndex[it.loc.Offset]; ok && it.loc.File == nil {
		c.Resource = &i
	}
	for _, r := range s.refs {
		ref := Ref{Path: r.path, Reference: r.reference, Display: r.display}
		target, contained, why := b.resolve(it, r.reference)
		switch {
		case target != nil:
			ref.TargetKey = target.key
			ref.Contained = contained
		default:
			ref.Unresolved = why
		}
		c.References = append(c.References, ref)
	}
	c.Narrative = b.narrativeOf(it.raw.Get("text"))
	it.card = c
}

// patientPaths are the elements that name a resource's patient, in order of trust.
var patientPaths = []string{"subject", "patient", "beneficiary", "for"}

// assignPatient decides which patient record a resource belongs to.
func (b *builder) assignPatient(it *item) {
	if it.rtype == "Patient" {
		it.patient = b.patientRecord(it.key, it).Key
		return
	}
	refs := it.card.References
	for _, p := range patientPaths {
		for _, r := range refs {
			if r.Path != p || r.Contained != "" {
				continue
			}
			if r.TargetKey != "" {
				if t := b.byKey[r.TargetKey]; t.rtype == "Patient" {
					it.patient = b.patientRecord(t.key, t).Key
					return
				}
				continue
			}
			if isPatientReference(r.Reference) {
				it.patient = b.patientRecord("ref:"+r.Reference, nil).Key
				return
			}
		}
	}
	for _, r := range refs {
		if r.TargetKey != "" && r.Contained == "" {
			if t := b.byKey[r.TargetKey]; t.rtype == "Patient" {
				it.patient = b.patientRecord(t.key, t).Key
				return
			}
		}
	}
}

func isPatientReference(ref string) bool {
	return strings.HasPrefix(ref, "Patient/") || strings.HasPrefix(ref, "Patient?") || strings.Contains(ref, "/Patient/")
}

// patientRecord returns the record for key, creating it on first use so that
// records keep the order in which the input first mentions them.
func (b *builder) patientRecord(key string, it *item) *PatientRecord {
	if rec, ok := b.byPat[key]; ok {
		return rec
	}
	rec := &PatientRecord{Key: key, Sections: newSections(), Vitals: []*VitalSeries{}, Timeline: []TimelineItem{}}
	if it == nil {
		rec.Banner.Reference = strings.TrimPrefix(key, "ref:")
	}
	b.byPat[key] = rec
	b.patients = append(b.patients, rec)
	return rec
}

// timeline lists every dated card of a patient, oldest first (ties keep
// section order, then input order).
func timeline(sections []*Section) []TimelineItem {
	items := []TimelineItem{}
	for _, s := range sections {
		for _, c := range s.Cards {
			if c.Date == "" || c.DateInvalid != "" {
				continue
			}
			items = append(items, TimelineItem{Date: c.Date, Sort: sortKey(c.Date), CardKey: c.Key, ResourceType: c.ResourceType, Kind: c.Kind})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Sort < items[j].Sort })
	return items
}

// str reads a string element exactly as written; "" when absent.
func str(v gjson.Result, path string) string {
	r := v.Get(path)
	if r.Type == gjson.String || r.Type == gjson.Number {
		return r.String()
	}
	return ""
}

// firstStr returns the first present string among paths.
func firstStr(v gjson.Result, paths ...string) string {
	for _, p := range paths {
		if s := str(v, p); s != "" {
			return s
		}
	}
	return ""
}

// activeFirst lists the sections where current items lead (active problems,
// allergies and medications before resolved or stopped ones).
var activeFirst = map[string]bool{"problems": true, "past-problems": true, "findings": true, "allergies": true, "medications": true, "careplans": true}

// isActive reports whether a card's status line starts with a current status.
func isActive(status string) bool {
	for _, p := range []string{"active", "current", "in-progress", "on-hold", "intended", "accepted", "planned", "proposed"} {
		if strings.HasPrefix(status, p) {
			return true
		}
	}
	return false
}

// newestFirst orders a section's cards by main date, most recent first;
// undated cards go last; ties keep input order. With active set, active
// cards come before the others.
func newestFirst(cards []*Card, active bool) {
	type order struct {
		inactive bool
		undated  bool
		date     string
	}
	keys := make(map[*Card]order, len(cards))
	for _, c := range cards {
		keys[c] = order{inactive: active && !isActive(c.Status), undated: c.Date == "" || c.DateInvalid != "", date: sortKey(c.Date)}
	}
	sort.SliceStable(cards, func(i, j int) bool {
		a, b := keys[cards[i]], keys[cards[j]]
		if a.inactive != b.inactive {
			return !a.inactive
		}
		if a.undated != b.undated {
			return !a.undated
		}
		return a.date > b.date
	})
}

// useGraph adopts the validator's reference graph when the input is the one
// Bundle it indexed (its entries are the items' entries), and the report's
// resource offsets.
func (b *builder) useGraph() {
	if len(b.opts.ResourceOffsets) > 0 {
		b.reportIndex = make(map[int]int, len(b.opts.ResourceOffsets))
		for i, off := range b.opts.ResourceOffsets {
			if _, dup := b.reportIndex[off]; !dup {
				b.reportIndex[off] = i
			}
		}
	}
	g := b.opts.Graph
	if g == nil || b.in.kind != "bundle" || g.Type == "" {
		return
	}
	entryItem := map[int]*item{}
	for _, it := range b.in.items {
		if it.loc.Entry == nil || *it.loc.Entry >= len(g.Entries) || g.Entries[*it.loc.Entry].Type != it.rtype {
			return // not the same input: keep the record's own resolver
		}
		entryItem[*it.loc.Entry] = it
	}
	b.graph, b.entryItem = g, entryItem
}

// resolve follows a reference: with the validator's graph as the validator
// did (bundle.Graph.Resolve), otherwise with the record's own resolver.
func (b *builder) resolve(from *item, ref string) (target *item, contained string, unresolved string) {
	if b.graph == nil || from.loc.Entry == nil {
		return b.res.resolve(from, ref)
	}
	if ref == "" {
		return nil, "", "no reference (identifier or display only)"
	}
	res := b.graph.Resolve(*from.loc.Entry, ref)
	switch {
	case res.Kind == bundle.KindContainer:
		return from, "", ""
	case res.Kind == bundle.KindContained && res.Target >= 0:
		return from, strings.TrimPrefix(ref, "#"), ""
	case res.Kind == bundle.KindContained:
		return nil, "", "contained resource not found"
	case res.Entry >= 0:
		if t := b.entryItem[res.Entry]; t != nil {
			return t, "", ""
		}
	case res.Apparent >= 0:
		// Not a match by the Bundle rules (the validator says so), but the
		// only resource of that type and id: what the sender meant.
		if t := b.entryItem[res.Apparent]; t != nil {
			return t, "", ""
		}
	}
	return nil, "", "not in input"
}
