// Package questionnaire checks a QuestionnaireResponse against its
// Questionnaire (linkIds, nesting and order, required items, repeats, answer
// types, answer options and value sets, enableWhen, lengths, limits,
// attachments) and a Questionnaire definition itself (duplicate linkIds,
// enableWhen pointing at unknown items). It reports through a callback, with
// locations relative to the resource checked, so any walk can place them.
//
// The rules follow the FHIR R4 Questionnaire and QuestionnaireResponse pages
// and the core extensions for questionnaires (minValue, maxValue, minLength,
// regex, entryFormat, maxDecimalPlaces, questionnaire-minOccurs/maxOccurs,
// maxSize, mimeType, questionnaire-optionExclusive,
// questionnaire-referenceResource, SDC min/maxQuantity); the grading
// (error, warning) follows the HL7 reference validator.
package questionnaire

import (
	"encoding/json"
	"sort"
	"strings"
)

// Questionnaire is the part of a Questionnaire resource the checks use.
type Questionnaire struct {
	URL     string
	Version string
	Name    string
	Status  string
	// EffectiveEnd is effectivePeriod.end, when given.
	EffectiveEnd string
	Items        []*Item
	// byLink indexes every item of the questionnaire by linkId (first one).
	byLink map[string]*Item
	// dupLinks are linkIds used more than once.
	dupLinks []string
}

// Item is one Questionnaire.item.
type Item struct {
	LinkID         string
	Text           string
	Type           string
	Required       bool
	Repeats        bool
	ReadOnly       bool
	MaxLength      int // 0: none
	AnswerValueSet string
	Options        []Value // answerOption.value[x]
	Exclusive      []bool  // per option: questionnaire-optionExclusive
	EnableWhen     []EnableWhen
	EnableBehavior string
	// EnableExpression is a FHIRPath condition on the response that decides
	// instead of EnableWhen (SDC enableWhenExpression, or the Finnish PHR
	// extension the reference validator also reads); "" when none.
	EnableExpression string
	Items            []*Item
	Parent           *Item

	// from extensions
	MinValue, MaxValue       *Value
	MinLength                int // 0: none
	Regex, EntryFormat       string
	MaxDecimalPlaces         int // -1: none
	MinOccurs, MaxOccurs     int // 0: none
	MaxSize                  string
	MimeTypes                []string
	MinQuantity, MaxQuantity *Value
	ReferenceTypes           []string
}

// EnableWhen is one Questionnaire.item.enableWhen.
type EnableWhen struct {
	Question string
	Operator string
	Answer   Value
}

// Value is a typed FHIR value: an answer, an option, a limit.
type Value struct {
	Type string // the [x] suffix: "Integer", "Coding", "Quantity", ...
	// Text is the primitive as written (numbers keep their digits), or the
	// reference string of a Reference.
	Text string
	// Coding and Quantity members.
	System, Code, Display string
	Unit                  string
	// Attachment members.
	ContentType string
	Size        string
	Data        string
	HasSize     bool
}

type rawValueHolder map[string]json.RawMessage

// valueOf reads the first "value[x]" (or "prefix[x]") member of an object.
// Keys are taken in sorted order, so that an object wrongly holding two
// value[x] members is read the same way every time.
func valueOf(m rawValueHolder, prefix string) (Value, bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		suffix, ok := strings.CutPrefix(k, prefix)
		if !ok || suffix == "" || suffix[0] < 'A' || suffix[0] > 'Z' {
			continue
		}
		return decodeValue(suffix, m[k]), true
	}
	return Value{}, false
}

// decodeValue reads a value of a type from its JSON.
func decodeValue(typ string, raw []byte) Value {
	v := Value{Type: typ}
	switch typ {
	case "Coding", "Quantity", "Reference", "Attachment":
		var o struct {
			System      string          `json:"system"`
			Code        string          `json:"code"`
			Display     string          `json:"display"`
			Unit        string          `json:"unit"`
			Value       json.Number     `json:"value"`
			Reference   string          `json:"reference"`
			ContentType string          `json:"contentType"`
			Size        json.RawMessage `json:"size"`
			Data        string          `json:"data"`
		}
		d := json.NewDecoder(strings.NewReader(string(raw)))
		d.UseNumber()
		if d.Decode(&o) != nil {
			return v
		}
		v.System, v.Code, v.Display, v.Unit = o.System, o.Code, o.Display, o.Unit
		v.Text = string(o.Value)
		if typ == "Reference" {
			v.Text = o.Reference
		}
		v.ContentType, v.Data = o.ContentType, o.Data
		if len(o.Size) > 0 {
			v.HasSize = true
			v.Size = strings.Trim(string(o.Size), `"`)
		}
	default:
		s := strings.TrimSpace(string(raw))
		if strings.HasPrefix(s, `"`) {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				s = str
			}
		}
		v.Text = s
	}
	return v
}

// Label writes a value for a message: a code with its system, a quantity
// with its unit, a primitive as written.
func (v Value) Label() string {
	switch v.Type {
	case "Coding":
		if v.System != "" {
			return v.System + "#" + v.Code
		}
		return v.Code
	case "Quantity":
		u := v.Code
		if u == "" {
			u = v.Unit
		}
		return strings.TrimSpace(v.Text + " " + u)
	}
	return v.Text
}

// Parse reads a Questionnaire resource from its JSON.
func Parse(data []byte) (*Questionnaire, error) {
	var raw struct {
		URL             string               `json:"url"`
		Version         string               `json:"version"`
		Name            string               `json:"name"`
		Title           string               `json:"title"`
		Status          string               `json:"status"`
		EffectivePeriod struct{ End string } `json:"effectivePeriod"`
		Item            []rawItem            `json:"item"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	q := &Questionnaire{URL: raw.URL, Version: raw.Version, Name: raw.Name, Status: raw.Status,
		EffectiveEnd: raw.EffectivePeriod.End, byLink: map[string]*Item{}}
	if q.Name == "" {
		q.Name = raw.Title
	}
	q.Items = q.build(raw.Item, nil)
	return q, nil
}

type rawItem struct {
	LinkID         string           `json:"linkId"`
	Text           string           `json:"text"`
	Type           string           `json:"type"`
	Required       bool             `json:"required"`
	Repeats        bool             `json:"repeats"`
	ReadOnly       bool             `json:"readOnly"`
	MaxLength      int              `json:"maxLength"`
	AnswerValueSet string           `json:"answerValueSet"`
	AnswerOption   []rawValueHolder `json:"answerOption"`
	EnableWhen     []rawValueHolder `json:"enableWhen"`
	EnableBehavior string           `json:"enableBehavior"`
	Extension      []rawValueHolder `json:"extension"`
	Item           []rawItem        `json:"item"`
}

const (
	// extFinnishEnableWhen is the Finnish PHR's enable condition (a FHIRPath
	// string), which the HL7 reference validator evaluates like SDC's.
	extFinnishEnableWhen = "http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen"
	extBase              = "http://hl7.org/fhir/StructureDefinition/"
	sdcBase              = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
)

func (q *Questionnaire) build(raws []rawItem, parent *Item) []*Item {
	var out []*Item
	for i := range raws {
		r := &raws[i]
		it := &Item{LinkID: r.LinkID, Text: r.Text, Type: r.Type, Required: r.Required, Repeats: r.Repeats,
			ReadOnly: r.ReadOnly, MaxLength: r.MaxLength, AnswerValueSet: r.AnswerValueSet,
			EnableBehavior: r.EnableBehavior, Parent: parent, MaxDecimalPlaces: -1}
		for _, o := range r.AnswerOption {
			v, _ := valueOf(o, "value")
			it.Options = append(it.Options, v)
			exclusive := false
			var exts []rawValueHolder
			json.Unmarshal(o["extension"], &exts)
			for _, e := range exts {
				if extURL(e) == extBase+"questionnaire-optionExclusive" {
					if b, ok := valueOf(e, "value"); ok && b.Text == "true" {
						exclusive = true
					}
				}
			}
			it.Exclusive = append(it.Exclusive, exclusive)
		}
		for _, e := range r.EnableWhen {
			var ew EnableWhen
			json.Unmarshal(e["question"], &ew.Question)
			json.Unmarshal(e["operator"], &ew.Operator)
			ew.Answer, _ = valueOf(e, "answer")
			it.EnableWhen = append(it.EnableWhen, ew)
		}
		for _, e := range r.Extension {
			v, _ := valueOf(e, "value")
			switch extURL(e) {
			case sdcBase + "sdc-questionnaire-enableWhenExpression":
				var x struct{ Language, Expression string }
				if json.Unmarshal(e["valueExpression"], &x) == nil && x.Language == "text/fhirpath" {
					it.EnableExpression = x.Expression
				}
			case extFinnishEnableWhen:
				it.EnableExpression = v.Text
			case extBase + "minValue":
				it.MinValue = &v
			case extBase + "maxValue":
				it.MaxValue = &v
			case extBase + "minLength":
				it.MinLength = atoi(v.Text)
			case extBase + "regex":
				it.Regex = v.Text
			case extBase + "entryFormat":
				it.EntryFormat = v.Text
			case extBase + "maxDecimalPlaces":
				it.MaxDecimalPlaces = atoi(v.Text)
			case extBase + "questionnaire-minOccurs":
				it.MinOccurs = atoi(v.Text)
			case extBase + "questionnaire-maxOccurs":
				it.MaxOccurs = atoi(v.Text)
			case extBase + "maxSize":
				it.MaxSize = v.Text
			case extBase + "mimeType":
				it.MimeTypes = append(it.MimeTypes, v.Text)
			case sdcBase + "sdc-questionnaire-minQuantity", extBase + "questionnaire-minQuantity":
				it.MinQuantity = &v
			case sdcBase + "sdc-questionnaire-maxQuantity", extBase + "questionnaire-maxQuantity":
				it.MaxQuantity = &v
			case extBase + "questionnaire-referenceResource":
				it.ReferenceTypes = append(it.ReferenceTypes, v.Text)
			}
		}
		if it.LinkID != "" {
			if _, dup := q.byLink[it.LinkID]; dup {
				q.dupLinks = append(q.dupLinks, it.LinkID)
			} else {
				q.byLink[it.LinkID] = it
			}
		}
		it.Items = q.build(r.Item, it)
		out = append(out, it)
	}
	return out
}

func extURL(e rawValueHolder) string {
	var u string
	json.Unmarshal(e["url"], &u)
	return u
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Item returns the item with a linkId anywhere in the questionnaire.
func (q *Questionnaire) Item(linkID string) *Item { return q.byLink[linkID] }
