package record

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/tidwall/gjson"
)

// Summary is one patient's summary in the order a clinician reads it (the
// IPS viewer's and an EHR summary's order): alerts for the banner, then
// compact tables. Every row points to its card (details on demand); rows
// that stand for several resources (a medicine's repeat prescriptions, a
// finding recorded at every visit) list the others in History.
type Summary struct {
	Alerts   []Alert          `json:"alerts"`
	Sections []SummarySection `json:"sections"`
}

// Alert is a banner alert: allergies (with the most severe criticality) and
// active flags.
type Alert struct {
	Kind    string `json:"kind"` // "allergies", "no-allergies", "flag"
	Text    string `json:"text"`
	Flag    string `json:"flag,omitempty"` // "critical" for high criticality
	CardKey string `json:"cardKey,omitempty"`
}

// SummarySection is one table of the summary.
type SummarySection struct {
	ID      string     `json:"id"`
	Title   string     `json:"title"`
	Note    string     `json:"note,omitempty"` // how rows were chosen or grouped
	Columns []string   `json:"columns"`
	Groups  []RowGroup `json:"groups"` // one untitled group unless grouped (results by report)
	Rows    int        `json:"rows"`   // rows in all groups
	// Show is how many rows (groups, for grouped sections) are shown before
	// "show all"; the rest are the older or inactive ones.
	Show int `json:"show"`
	// Empty is said when the section has no rows (allergies, problems and
	// medications are always listed, so their absence is visible).
	Empty string `json:"empty,omitempty"`
}

// RowGroup is a titled block of rows: a report or panel with its results.
type RowGroup struct {
	Title       string `json:"title,omitempty"`
	CardKey     string `json:"cardKey,omitempty"`
	Date        string `json:"date,omitempty"`
	DateInvalid string `json:"dateInvalid,omitempty"`
	Rows        []Row  `json:"rows"`
}

// Row is one line of a summary table.
type Row struct {
	CardKey  string   `json:"cardKey"`
	History  []string `json:"history,omitempty"` // the item's other cards, newest first
	Related  []string `json:"related,omitempty"` // cards linked to it (what happened in an encounter)
	Inactive bool     `json:"inactive,omitempty"`
	Cells    []Cell   `json:"cells"`
}

// Cell is one value of a row.
type Cell struct {
	Text  string   `json:"text,omitempty"`
	Date  string   `json:"date,omitempty"` // a date as written (shown in the page's date format)
	Codes []Coding `json:"codes,omitempty"`
	// Flag marks abnormal values: "high", "low", "abnormal", "critical".
	Flag string `json:"flag,omitempty"`
	// Computed is set when Flag was worked out against the reference range
	// (the record had no interpretation).
	Computed bool `json:"computed,omitempty"`
	// Invalid says why the value failed validation; it is shown as written.
	Invalid string `json:"invalid,omitempty"`
	Absent  string `json:"absent,omitempty"`
}

// linkEvents records on each encounter the cards that point to it.
func (b *builder) linkEvents() {
	for _, it := range b.in.items {
		for _, r := range it.card.References {
			if r.TargetKey == "" || r.Contained != "" {
				continue
			}
			switch r.Path {
			case "encounter", "context", "context.encounter", "context.encounter[0]":
			default:
				continue
			}
			if t := b.byKey[r.TargetKey]; t != nil && t.rtype == "Encounter" && t != it {
				t.card.Events = append(t.card.Events, it.key)
			}
		}
	}
}

func (b *builder) summary(rec *PatientRecord) Summary {
	cards := map[string][]*Card{}
	for _, s := range rec.Sections {
		cards[s.ID] = s.Cards
	}
	sum := Summary{Alerts: []Alert{}, Sections: []SummarySection{}}
	add := func(s SummarySection) {
		if s = counted(s); s.Rows > 0 || s.Empty != "" {
			sum.Sections = append(sum.Sections, s)
		}
	}

	// Lists are sections as their author structured them (a GP Connect
	// structured record: "Problems", "Medications and medical devices", …):
	// they come first, in input order, with their empty reasons and notes.
	n := 0
	for _, c := range cards["other"] {
		if c.ResourceType == "List" {
			add(b.listSection(c, n))
			n++
		}
	}

	allergies := b.allergyRows(cards["allergies"])
	sum.Alerts = append(sum.Alerts, allergyAlert(b, cards["allergies"]))
	for _, c := range cards["other"] {
		if c.ResourceType == "Flag" && strings.HasPrefix(c.Status, "active") {
			sum.Alerts = append(sum.Alerts, Alert{Kind: "flag", Text: c.Title, Flag: "warning", CardKey: c.Key})
		}
	}
	add(SummarySection{ID: "allergies", Title: "Allergies and intolerances", Columns: []string{"Substance", "Reaction", "Criticality", "Status", "Since"},
		Groups: one(allergies), Show: 10, Empty: "No allergies or intolerances are recorded in these files."})
	add(SummarySection{ID: "problems", Title: "Active problems", Columns: []string{"Problem", "Since", "Status"},
		Note:   "Disorders and diagnoses still active. Conditions coded as findings or situations (employment, education, stress …) are under Social and other findings; resolved ones under Past problems.",
		Groups: one(b.problemRows(cards["problems"])), Show: 15, Empty: "No active problems are recorded in these files."})
	current, past := b.medicineRows(cards["medications"])
	add(SummarySection{ID: "medications", Title: "Current medications", Columns: []string{"Medicine", "Dose", "Status", "Since", "Last"},
		Note:   "One row per medicine, from its latest prescription or statement; earlier ones behind the count.",
		Groups: one(current), Show: 15, Empty: "No current medications are recorded in these files."})
	add(SummarySection{ID: "results", Title: "Results", Columns: []string{"Test", "Value", "Reference range", "Flag", "Date"},
		Note:   "Grouped by report or panel, newest first. A flag marked “computed” was worked out against the reference range because the record gives no interpretation.",
		Groups: b.resultGroups(cards["labs"], cards["reports"]), Show: 3})
	if len(rec.Vitals) > 0 {
		sum.Sections = append(sum.Sections, SummarySection{ID: "vitals", Title: "Vital signs", Columns: []string{}, Groups: []RowGroup{}, Rows: len(rec.Vitals), Show: len(rec.Vitals)})
	}
	add(SummarySection{ID: "immunizations", Title: "Immunizations", Columns: []string{"Vaccine", "Date", "Status"},
		Groups: one(b.simpleRows(cards["immunizations"], false)), Show: 10})
	add(SummarySection{ID: "procedures", Title: "Procedures", Columns: []string{"Procedure", "Date", "Status"},
		Groups: one(b.simpleRows(cards["procedures"], false)), Show: 10})
	add(SummarySection{ID: "encounters", Title: "Encounters", Columns: []string{"Date", "Encounter", "Class", "Reason", "What happened"},
		Groups: one(b.encounterRows(cards["encounters"])), Show: 10})
	add(SummarySection{ID: "past-problems", Title: "Past problems", Columns: []string{"Problem", "Last episode", "Resolved", "Episodes"},
		Groups: one(b.groupedConditionRows(cards["past-problems"], false)), Show: 10})
	add(SummarySection{ID: "findings", Title: "Social and other findings", Columns: []string{"Finding", "First recorded", "Last recorded", "Times", "Status"},
		Note:   "Conditions coded as findings or situations rather than disorders, one row per finding.",
		Groups: one(b.groupedConditionRows(cards["findings"], true)), Show: 10})
	add(SummarySection{ID: "past-medications", Title: "Past medications", Columns: []string{"Medicine", "Dose", "Status", "Since", "Last"},
		Groups: one(past), Show: 10})
	add(SummarySection{ID: "observations", Title: "Other observations", Columns: []string{"Observation", "Latest", "Date", "Times"},
		Groups: one(b.observationRows(cards["observations"])), Show: 10})
	add(SummarySection{ID: "careplans", Title: "Care plans and goals", Columns: []string{"Plan", "Date", "Status"},
		Groups: one(b.simpleRows(cards["careplans"], true)), Show: 5})
	add(SummarySection{ID: "documents", Title: "Documents", Columns: []string{"Document", "Date", "Status"},
		Groups: one(b.simpleRows(cards["documents"], false)), Show: 10})
	return sum
}

// counted sets a section's row count from its groups (and gives it an empty,
// not a null, list of groups).
func counted(s SummarySection) SummarySection {
	s.Rows = 0
	for _, g := range s.Groups {
		s.Rows += len(g.Rows)
	}
	if s.Groups == nil {
		s.Groups = []RowGroup{}
	}
	return s
}

func one(rows []Row) []RowGroup {
	if len(rows) == 0 {
		return nil
	}
	return []RowGroup{{Rows: rows}}
}

// snomedTag matches a SNOMED CT semantic tag at the end of a display.
// Compiled on first use: package init runs before the browser worker is ready.
var snomedTag = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(` \((disorder|finding|situation|procedure|substance|product|medicinal product|clinical drug|observable entity|body structure|morphologic abnormality|regime/therapy|qualifier value|event|person|social concept|life style|physical object|record artifact|environment|specimen|organism)\)$`)
})

// withoutTag reads "Essential hypertension (disorder)" as "Essential
// hypertension"; the coded display stays available on hover.
func withoutTag(s string) string { return snomedTag().ReplaceAllString(s, "") }

// titleCell is the first cell of a row: the card's title with its codes.
func titleCell(c *Card) Cell {
	cell := Cell{Text: c.Title}
	if c.Code != nil {
		cell.Codes = c.Code.Codes // the display as coded, on hover
		// "Essential hypertension (disorder)" reads "Essential hypertension".
		cell.Text = withoutTag(cell.Text)
	}
	if cell.Text == "" {
		cell.Text = c.Kind
	}
	return cell
}

func dateCell(c *Card) Cell {
	if c.Date == "" {
		return Cell{}
	}
	if c.DateInvalid != "" {
		return Cell{Text: c.Date, Invalid: c.DateInvalid}
	}
	return Cell{Date: c.Date}
}

func dateCellOf(s string) Cell {
	if s == "" {
		return Cell{}
	}
	if why := dateProblem(s); why != "" {
		return Cell{Text: s, Invalid: why}
	}
	return Cell{Date: s}
}

// fact returns the text of a card's first fact with this label.
func fact(c *Card, labels ...string) string {
	for _, l := range labels {
		for _, f := range c.Facts {
			if f.Label == l && f.Text != "" {
				return f.Text
			}
		}
	}
	return ""
}

func (b *builder) raw(c *Card) gjson.Result {
	if it := b.need(b.byKey[c.Key]); it != nil {
		return it.raw
	}
	return gjson.Result{}
}

func (b *builder) allergyRows(cards []*Card) []Row {
	rows := []Row{}
	for _, c := range cards {
		raw := b.raw(c)
		var reactions []string
		raw.Get("reaction").ForEach(func(_, rx gjson.Result) bool {
			var ms []string
			rx.Get("manifestation").ForEach(func(_, m gjson.Result) bool {
				if t := firstNonEmpty(str(m, "text"), str(m, "coding.0.display"), str(m, "coding.0.code")); t != "" {
					ms = append(ms, withoutTag(t))
				}
				return true
			})
			t := firstNonEmpty(strings.Join(ms, ", "), str(rx, "description"))
			if sev := str(rx, "severity"); sev != "" {
				t = strings.TrimSpace(t + " (" + sev + ")")
			}
			if t != "" {
				reactions = append(reactions, t)
			}
			return true
		})
		crit := Cell{Text: str(raw, "criticality")}
		if crit.Text == "high" {
			crit.Flag = "critical"
		}
		status := c.Status
		if v := raw.Get("verificationStatus.coding.0.code").String(); v != "" && v != "confirmed" {
			status = strings.TrimPrefix(status+", "+v, ", ")
		}
		rows = append(rows, Row{CardKey: c.Key, Inactive: !isCurrentStatus(c.Status), Cells: []Cell{
			titleCell(c), {Text: strings.Join(reactions, "; ")}, crit, {Text: status}, dateCell(c),
		}})
	}
	return rows
}

// allergyAlert summarises allergies for the banner.
func allergyAlert(b *builder, cards []*Card) Alert {
	n, worst, worstName := 0, "", ""
	for _, c := range cards {
		if !isCurrentStatus(c.Status) {
			continue
		}
		n++
		crit := str(b.raw(c), "criticality")
		if crit == "high" && worst != "high" || crit == "low" && worst == "" || crit == "unable-to-assess" && worst == "" {
			worst, worstName = crit, c.Title
		}
	}
	if n == 0 {
		return Alert{Kind: "no-allergies", Text: "No allergies recorded"}
	}
	a := Alert{Kind: "allergies", Text: countOf(n, "allergy")}
	if worst != "" {
		a.Text += " · criticality " + worst
		if worstName != "" && worst == "high" {
			a.Text += " (" + withoutTag(worstName) + ")"
		}
	}
	if worst == "high" {
		a.Flag = "critical"
	}
	return a
}

// isCurrentStatus: an allergy, problem or medication status that is still current.
func isCurrentStatus(status string) bool {
	return status == "" || isActive(status)
}

func (b *builder) problemRows(cards []*Card) []Row {
	rows := []Row{}
	for _, c := range cards {
		rows = append(rows, Row{CardKey: c.Key, Cells: []Cell{titleCell(c), dateCell(c), {Text: c.Status}}})
	}
	return rows
}

// groupKey is the key rows of one item share: the main code, else the title.
func groupKey(c *Card) string {
	if c.Code != nil && len(c.Code.Codes) > 0 {
		return seriesKey(c.Code)
	}
	return "text|" + strings.ToLower(c.Title)
}

// grouped groups cards by groupKey keeping the order of first appearance;
// each group is ordered newest first (invalid and missing dates last).
func grouped(cards []*Card) [][]*Card {
	index := map[string]int{}
	var groups [][]*Card
	for _, c := range cards {
		k := groupKey(c)
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c)
	}
	for _, g := range groups {
		newestFirst(g, false)
	}
	return groups
}

// earliestDated returns the oldest card of a group (ordered newest first)
// that has a valid date, or nil.
func earliestDated(g []*Card) *Card {
	for i := len(g) - 1; i >= 0; i-- {
		if g[i].Date != "" && g[i].DateInvalid == "" {
			return g[i]
		}
	}
	return nil
}

func keys(cards []*Card) []string {
	out := make([]string, len(cards))
	for i, c := range cards {
		out[i] = c.Key
	}
	return out
}

// groupedConditionRows: one row per problem or finding with its episodes.
func (b *builder) groupedConditionRows(cards []*Card, findings bool) []Row {
	rows := []Row{}
	for _, g := range grouped(cards) {
		latest, first := g[0], earliestDated(g)
		if first == nil {
			first = g[len(g)-1]
		}
		r := Row{CardKey: latest.Key, History: keys(g[1:])}
		times := Cell{Text: strconv.Itoa(len(g))}
		if findings {
			r.Inactive = !isActive(latest.Status)
			r.Cells = []Cell{titleCell(latest), dateCell(first), dateCell(latest), times, {Text: latest.Status}}
		} else {
			r.Inactive = true
			r.Cells = []Cell{titleCell(latest), dateCell(latest), dateCellOf(latest.DateEnd), times}
		}
		rows = append(rows, r)
	}
	return rows
}

// currentMedication: the latest status of a medicine keeps it on the current list.
func currentMedication(status string) bool {
	switch strings.SplitN(status, ",", 2)[0] {
	case "active", "on-hold", "intended", "draft":
		return true
	}
	return false
}

// medicineRows gives one row per medicine (by code, else name): the latest
// prescription or statement decides status and dose; the others are history.
func (b *builder) medicineRows(cards []*Card) (current, past []Row) {
	current, past = []Row{}, []Row{}
	for _, g := range grouped(cards) {
		latest := g[0]
		since := Cell{}
		if first := earliestDated(g); first != nil {
			since = dateCell(first)
		}
		dose := withoutTag(fact(latest, "Dosage", "Dose"))
		r := Row{CardKey: latest.Key, History: keys(g[1:]), Cells: []Cell{titleCell(latest), {Text: dose}, {Text: latest.Status}, since, dateCell(latest)}}
		if currentMedication(latest.Status) {
			current = append(current, r)
		} else {
			r.Inactive = true
			past = append(past, r)
		}
	}
	return current, past
}

func (b *builder) simpleRows(cards []*Card, activeFirst bool) []Row {
	rows := []Row{}
	for _, c := range cards {
		rows = append(rows, Row{CardKey: c.Key, Inactive: activeFirst && !isActive(c.Status), Cells: []Cell{titleCell(c), dateCell(c), {Text: c.Status}}})
	}
	return rows
}

func (b *builder) encounterRows(cards []*Card) []Row {
	rows := []Row{}
	for _, c := range cards {
		reason := fact(c, "Reason")
		rows = append(rows, Row{CardKey: c.Key, Related: c.Events, Cells: []Cell{
			dateCell(c), titleCell(c), {Text: fact(c, "Class")}, {Text: reason}, {Text: b.eventsText(c.Events)},
		}})
	}
	return rows
}

// eventsText counts what happened in an encounter by kind: "2 problems, 1 procedure".
func (b *builder) eventsText(events []string) string {
	var order []string
	count := map[string]int{}
	for _, k := range events {
		it := b.need(b.byKey[k])
		if it == nil {
			continue
		}
		kind := strings.ToLower(it.card.Kind)
		if count[kind] == 0 {
			order = append(order, kind)
		}
		count[kind]++
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		parts = append(parts, countOf(count[k], k))
	}
	return strings.Join(parts, ", ")
}

// countOf spells "1 prescription", "3 prescriptions", "2 medications given".
func countOf(n int, kind string) string {
	if n == 1 {
		return "1 " + kind
	}
	// The noun is the first word when a participle or a note follows it.
	head, tail, found := strings.Cut(kind, " ")
	if found && (tail == "given" || tail == "taken" || tail == "dispensed" || strings.HasPrefix(tail, "(")) {
		return strconv.Itoa(n) + " " + pluralWord(head) + " " + tail
	}
	return strconv.Itoa(n) + " " + pluralWord(kind)
}

func pluralWord(w string) string {
	switch {
	case strings.HasSuffix(w, "y") && !strings.HasSuffix(w, "ay") && !strings.HasSuffix(w, "ey"):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s"):
		return w
	}
	return w + "s"
}

func (b *builder) observationRows(cards []*Card) []Row {
	rows := []Row{}
	for _, g := range grouped(cards) {
		latest := g[0]
		it := b.need(b.byKey[latest.Key])
		rows = append(rows, Row{CardKey: latest.Key, History: keys(g[1:]), Cells: []Cell{
			titleCell(latest), {Text: it.reading}, dateCell(latest), {Text: strconv.Itoa(len(g))},
		}})
	}
	return rows
}

// resultGroups groups lab results by the report (or panel) that lists them,
// newest first; results no report lists are grouped by day.
func (b *builder) resultGroups(labs, reports []*Card) []RowGroup {
	groups := []RowGroup{}
	used := map[string]bool{}
	for _, rep := range reports {
		g := RowGroup{Title: rep.Title, CardKey: rep.Key, Date: rep.Date, DateInvalid: rep.DateInvalid, Rows: []Row{}}
		for _, r := range rep.References {
			if !strings.HasPrefix(r.Path, "result") || r.TargetKey == "" || r.Contained != "" {
				continue
			}
			b.addResultRows(&g, r.TargetKey, used, 0)
		}
		groups = append(groups, g)
	}
	var loose []*Card
	for _, c := range labs {
		if !used[c.Key] {
			if it := b.need(b.byKey[c.Key]); it != nil && it.raw.Get("hasMember").Exists() {
				g := RowGroup{Title: c.Title, CardKey: c.Key, Date: c.Date, DateInvalid: c.DateInvalid, Rows: []Row{}}
				b.addResultRows(&g, c.Key, used, 0)
				groups = append(groups, g)
				continue
			}
			loose = append(loose, c)
		}
	}
	byDay := map[string]int{}
	for _, c := range loose {
		if used[c.Key] {
			continue
		}
		day := c.Date
		if len(day) > 10 {
			day = day[:10]
		}
		if c.DateInvalid != "" {
			day = "invalid"
		}
		i, ok := byDay[day]
		if !ok {
			i = len(groups)
			byDay[day] = i
			g := RowGroup{Title: "Results not in a report", Rows: []Row{}}
			if c.DateInvalid == "" {
				g.Date = day
			}
			groups = append(groups, g)
		}
		used[c.Key] = true
		groups[i].Rows = append(groups[i].Rows, b.resultRow(c))
	}
	// Newest first; a group without a valid date goes last.
	order := make([]*Card, len(groups))
	for i, g := range groups {
		order[i] = &Card{Key: strconv.Itoa(i), Date: g.Date, DateInvalid: g.DateInvalid}
	}
	newestFirst(order, false)
	out := make([]RowGroup, 0, len(groups))
	for _, c := range order {
		i, _ := strconv.Atoi(c.Key)
		if len(groups[i].Rows) > 0 || groups[i].CardKey != "" {
			out = append(out, groups[i])
		}
	}
	return out
}

// addResultRows adds an observation (and, for a panel, its members) to a group.
func (b *builder) addResultRows(g *RowGroup, key string, used map[string]bool, depth int) {
	it := b.need(b.byKey[key])
	if it == nil || it.rtype != "Observation" || used[key] || depth > 3 {
		return
	}
	used[key] = true
	members := false
	for _, r := range it.card.References {
		if strings.HasPrefix(r.Path, "hasMember") && r.TargetKey != "" && r.Contained == "" {
			members = true
		}
	}
	if !members || it.reading != "" {
		g.Rows = append(g.Rows, b.resultRow(it.card))
	}
	for _, r := range it.card.References {
		if strings.HasPrefix(r.Path, "hasMember") && r.TargetKey != "" && r.Contained == "" {
			b.addResultRows(g, r.TargetKey, used, depth+1)
		}
	}
}

// resultRow: test, value, reference range, flag (interpretation, else
// computed against the reference range), date.
func (b *builder) resultRow(c *Card) Row {
	it := b.need(b.byKey[c.Key])
	raw := it.raw
	value := Cell{Text: it.reading}
	if value.Text == "" {
		if f := firstFact(c, "Value"); f != nil && f.Absent != "" {
			value.Absent = f.Absent
		}
	}
	flag := interpretationCell(raw.Get("interpretation"))
	if flag.Flag == "" && flag.Text == "" {
		flag = computedFlag(raw)
	}
	if flag.Flag != "" {
		value.Flag = flag.Flag
	}
	return Row{CardKey: c.Key, Cells: []Cell{titleCell(c), value, {Text: fact(c, "Reference range")}, flag, dateCell(c)}}
}

func firstFact(c *Card, label string) *Fact {
	for i := range c.Facts {
		if c.Facts[i].Label == label {
			return &c.Facts[i]
		}
	}
	return nil
}

// interpretations maps HL7 v3 ObservationInterpretation codes to a flag.
var interpretations = map[string]struct{ text, flag string }{
	"H": {"High", "high"}, "HH": {"Critically high", "critical"}, "HU": {"Significantly high", "critical"},
	"L": {"Low", "low"}, "LL": {"Critically low", "critical"}, "LU": {"Significantly low", "critical"},
	"A": {"Abnormal", "abnormal"}, "AA": {"Critically abnormal", "critical"},
	"POS": {"Positive", "abnormal"}, "DET": {"Detected", "abnormal"}, "R": {"Resistant", "abnormal"},
	">": {"Above range", "high"}, "<": {"Below range", "low"}, "H>": {"Critically high", "critical"}, "L<": {"Critically low", "critical"},
	"N": {"Normal", ""}, "NEG": {"Negative", ""}, "ND": {"Not detected", ""}, "S": {"Susceptible", ""},
}

// interpretationCell reads Observation.interpretation.
func interpretationCell(interp gjson.Result) Cell {
	var cell Cell
	interp.ForEach(func(_, cc gjson.Result) bool {
		cc.Get("coding").ForEach(func(_, cd gjson.Result) bool {
			if m, ok := interpretations[cd.Get("code").String()]; ok {
				cell = Cell{Text: firstNonEmpty(cd.Get("display").String(), m.text), Flag: m.flag}
				return false
			}
			return true
		})
		if cell.Text == "" {
			cell.Text = firstNonEmpty(cc.Get("text").String(), cc.Get("coding.0.display").String(), cc.Get("coding.0.code").String())
		}
		return cell.Text == ""
	})
	return cell
}

// computedFlag compares valueQuantity with the first reference range whose
// bounds are in the same unit (or give none). Nothing is computed when the
// units differ or a comparator makes the value inexact.
func computedFlag(raw gjson.Result) Cell {
	vq := raw.Get("valueQuantity")
	v := vq.Get("value")
	if v.Type != gjson.Number || vq.Get("comparator").Exists() {
		return Cell{}
	}
	unit := firstNonEmpty(vq.Get("code").String(), vq.Get("unit").String())
	var out Cell
	raw.Get("referenceRange").ForEach(func(_, rr gjson.Result) bool {
		lo, hi := rr.Get("low"), rr.Get("high")
		same := func(q gjson.Result) bool {
			u := firstNonEmpty(q.Get("code").String(), q.Get("unit").String())
			return u == "" || unit == "" || u == unit
		}
		if lo.Get("value").Type != gjson.Number && hi.Get("value").Type != gjson.Number {
			return true
		}
		if lo.Exists() && !same(lo) || hi.Exists() && !same(hi) {
			return true
		}
		switch {
		case hi.Get("value").Type == gjson.Number && v.Num > hi.Get("value").Num:
			out = Cell{Text: "High (computed)", Flag: "high", Computed: true}
		case lo.Get("value").Type == gjson.Number && v.Num < lo.Get("value").Num:
			out = Cell{Text: "Low (computed)", Flag: "low", Computed: true}
		}
		return false
	})
	return out
}

// listSection renders a List resource as a summary table of its entries.
func (b *builder) listSection(c *Card, n int) SummarySection {
	raw := b.raw(c)
	s := SummarySection{ID: "list-" + strconv.Itoa(n), Title: firstNonEmpty(withoutTag(c.Title), "List"),
		Columns: []string{"Entry", "Date", "Status", "Kind"}, Show: 15}
	var notes []string
	raw.Get("note").ForEach(func(_, note gjson.Result) bool {
		if t := strings.TrimSpace(str(note, "text")); t != "" {
			notes = append(notes, t)
		}
		return true
	})
	s.Note = strings.Join(notes, " ")
	rows := []Row{}
	for _, r := range c.References {
		if !strings.HasPrefix(r.Path, "entry[") || !strings.HasSuffix(r.Path, "].item") {
			continue
		}
		if t := b.need(b.byKey[r.TargetKey]); t != nil && r.Contained == "" {
			rows = append(rows, Row{CardKey: t.key, Inactive: t.card.Status != "" && !isActive(t.card.Status), Cells: []Cell{
				titleCell(t.card), dateCell(t.card), {Text: t.card.Status}, {Text: t.card.Kind}}})
			continue
		}
		rows = append(rows, Row{Cells: []Cell{{Text: firstNonEmpty(r.Display, r.Reference)}, {}, {}, {Absent: "not in input"}}})
	}
	s.Groups = one(rows)
	empty := firstNonEmpty(str(raw, "emptyReason.text"), str(raw, "emptyReason.coding.0.display"), str(raw, "emptyReason.coding.0.code"))
	switch {
	case empty != "":
		s.Empty = "Empty: " + empty
	default:
		s.Empty = "The list has no entries."
	}
	return s
}
