// Package structure is the full-fidelity model of the conformance resources
// that profiling needs: StructureDefinition with its differential and
// snapshot ElementDefinitions, for R4 and STU3. The compact base model in
// package definitions keeps only what base validation needs; snapshot
// generation (package snapshot) and profile validation (package profile)
// work on this one.
//
// Decode reads a StructureDefinition from FHIR JSON (XML is converted to
// JSON first by package fhirxml). Choice-typed elements (fixed[x],
// pattern[x], minValue[x], maxValue[x], defaultValue[x]) keep their type
// suffix and raw JSON. STU3 spellings (type.profile as a single string,
// binding.valueSetReference / valueSetUri, contextType + context strings) are
// read into the R4 shape.
package structure

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// StructureDefinition is one profile, extension, logical model or base type.
type StructureDefinition struct {
	ResourceType   string    `json:"resourceType"`
	ID             string    `json:"id,omitempty"`
	URL            string    `json:"url"`
	Version        string    `json:"version,omitempty"`
	Name           string    `json:"name"`
	Title          string    `json:"title,omitempty"`
	Status         string    `json:"status,omitempty"`
	FHIRVersion    string    `json:"fhirVersion,omitempty"`
	Kind           string    `json:"kind"`
	Abstract       bool      `json:"abstract"`
	Context        []Context `json:"context,omitempty"`
	ContextInv     []string  `json:"contextInvariant,omitempty"`
	Type           string    `json:"type"`
	BaseDefinition string    `json:"baseDefinition,omitempty"`
	Derivation     string    `json:"derivation,omitempty"`
	Snapshot       *Elements `json:"snapshot,omitempty"`
	Differential   *Elements `json:"differential,omitempty"`
}

// Context is where an extension may be used (R4 shape; STU3's contextType +
// context strings are read into it).
type Context struct {
	Type       string `json:"type"` // fhirpath | element | extension
	Expression string `json:"expression"`
}

// Elements is a snapshot or a differential.
type Elements struct {
	Element []*ElementDefinition `json:"element"`
}

// ElementDefinition is one element of a snapshot or differential. Pointer
// fields distinguish "not said" (nil) from a value, which the differential
// needs. Members this model does not name are kept in Other, in input order,
// and written back after the named ones.
type ElementDefinition struct {
	ID                  string          `json:"id,omitempty"`
	Path                string          `json:"path"`
	Representation      []string        `json:"representation,omitempty"`
	SliceName           string          `json:"sliceName,omitempty"`
	SliceIsConstraining *bool           `json:"sliceIsConstraining,omitempty"`
	Label               string          `json:"label,omitempty"`
	Code                json.RawMessage `json:"code,omitempty"`
	Slicing             *Slicing        `json:"slicing,omitempty"`
	Short               string          `json:"short,omitempty"`
	Definition          string          `json:"definition,omitempty"`
	Comment             string          `json:"comment,omitempty"`
	Requirements        string          `json:"requirements,omitempty"`
	Alias               []string        `json:"alias,omitempty"`
	Min                 *int            `json:"min,omitempty"`
	Max                 string          `json:"max,omitempty"` // "*" or a number; "" not said
	Base                *Base           `json:"base,omitempty"`
	ContentReference    string          `json:"contentReference,omitempty"`
	Type                []TypeRef       `json:"type,omitempty"`
	DefaultValue        *Value          `json:"-"`
	MeaningWhenMissing  string          `json:"meaningWhenMissing,omitempty"`
	OrderMeaning        string          `json:"orderMeaning,omitempty"`
	Fixed               *Value          `json:"-"`
	Pattern             *Value          `json:"-"`
	Example             json.RawMessage `json:"example,omitempty"`
	MinValue            *Value          `json:"-"`
	MaxValue            *Value          `json:"-"`
	MaxLength           *int            `json:"maxLength,omitempty"`
	Condition           []string        `json:"condition,omitempty"`
	Constraint          []Constraint    `json:"constraint,omitempty"`
	MustSupport         *bool           `json:"mustSupport,omitempty"`
	IsModifier          *bool           `json:"isModifier,omitempty"`
	IsModifierReason    string          `json:"isModifierReason,omitempty"`
	IsSummary           *bool           `json:"isSummary,omitempty"`
	Binding             *Binding        `json:"binding,omitempty"`
	Mapping             json.RawMessage `json:"mapping,omitempty"`

	// Other holds members not named above ("extension", "_short", ...), in
	// input order.
	Other []Member `json:"-"`
}

// Member is one JSON member kept verbatim.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Value is a choice-typed value: fixedCode, patternCodeableConcept, ...
type Value struct {
	Type string          // the type suffix as written: "Code", "CodeableConcept", "Uri"
	JSON json.RawMessage // the value as written
}

// FHIRType returns the FHIR type name of the value: "code", "CodeableConcept".
func (v *Value) FHIRType() string { return TypeFromSuffix(v.Type) }

// TypeFromSuffix turns a choice suffix into the FHIR type name: primitive
// types start lower-case ("Code" → "code", "DateTime" → "dateTime"), complex
// types keep their name.
func TypeFromSuffix(s string) string {
	if s == "" {
		return s
	}
	if primitiveSuffixes[s] {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

var primitiveSuffixes = map[string]bool{
	"Base64Binary": true, "Boolean": true, "Canonical": true, "Code": true, "Date": true, "DateTime": true,
	"Decimal": true, "Id": true, "Instant": true, "Integer": true, "Markdown": true, "Oid": true,
	"PositiveInt": true, "String": true, "Time": true, "UnsignedInt": true, "Uri": true, "Url": true,
	"Uuid": true, "Xhtml": true, "Integer64": true,
}

// Slicing says how an element is sliced.
type Slicing struct {
	Discriminator []Discriminator `json:"discriminator,omitempty"`
	Description   string          `json:"description,omitempty"`
	Ordered       *bool           `json:"ordered,omitempty"`
	Rules         string          `json:"rules,omitempty"` // closed | open | openAtEnd
}

// Discriminator of a slicing.
type Discriminator struct {
	Type string `json:"type"` // value | exists | pattern | type | profile
	Path string `json:"path"`
}

// Base is the element's definition in the base type.
type Base struct {
	Path string `json:"path"`
	Min  int    `json:"min"`
	Max  string `json:"max"`
}

// TypeRef is one allowed type. STU3's single profile/targetProfile strings are
// read into the lists.
type TypeRef struct {
	Code          string   `json:"code,omitempty"`
	Profile       []string `json:"profile,omitempty"`
	TargetProfile []string `json:"targetProfile,omitempty"`
	Aggregation   []string `json:"aggregation,omitempty"`
	Versioning    string   `json:"versioning,omitempty"`
	// Other holds members not named above (extension, _code ...), in input order.
	Other []Member `json:"-"`
}

// Constraint is one invariant.
type Constraint struct {
	Key          string          `json:"key"`
	Requirements string          `json:"requirements,omitempty"`
	Severity     string          `json:"severity"`
	Human        string          `json:"human"`
	Expression   string          `json:"expression,omitempty"`
	XPath        string          `json:"xpath,omitempty"`
	Source       string          `json:"source,omitempty"`
	Extension    json.RawMessage `json:"extension,omitempty"`
}

// Binding of a coded element. STU3's valueSetReference.reference and
// valueSetUri are read into ValueSet.
type Binding struct {
	Extension   json.RawMessage `json:"extension,omitempty"`
	Strength    string          `json:"strength"`
	Description string          `json:"description,omitempty"`
	ValueSet    string          `json:"valueSet,omitempty"`
}

// Decode reads a StructureDefinition from JSON.
func Decode(data []byte) (*StructureDefinition, error) {
	var raw struct {
		StructureDefinition
		ContextType string          `json:"contextType"` // STU3
		ContextRaw  json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	sd := raw.StructureDefinition
	if sd.ResourceType != "StructureDefinition" {
		return nil, fmt.Errorf("not a StructureDefinition (resourceType %q)", sd.ResourceType)
	}
	sd.Context = nil
	if len(raw.ContextRaw) > 0 {
		var r4 []Context
		if err := json.Unmarshal(raw.ContextRaw, &r4); err == nil {
			sd.Context = r4
		} else {
			var stu3 []string
			if err := json.Unmarshal(raw.ContextRaw, &stu3); err != nil {
				return nil, fmt.Errorf("context: %v", err)
			}
			typ := map[string]string{"resource": "element", "datatype": "element", "extension": "extension"}[raw.ContextType]
			if typ == "" {
				typ = "element"
			}
			for _, c := range stu3 {
				sd.Context = append(sd.Context, Context{Type: typ, Expression: c})
			}
		}
	}
	return &sd, nil
}

// namedKeys are the members of ElementDefinition decoded into named fields.
var namedKeys = map[string]bool{}

func init() {
	for _, k := range []string{"id", "path", "representation", "sliceName", "sliceIsConstraining", "label", "code",
		"slicing", "short", "definition", "comment", "requirements", "alias", "min", "max", "base",
		"contentReference", "type", "meaningWhenMissing", "orderMeaning", "example", "maxLength", "condition",
		"constraint", "mustSupport", "isModifier", "isModifierReason", "isSummary", "binding", "mapping"} {
		namedKeys[k] = true
	}
}

var choicePrefixes = []string{"defaultValue", "fixed", "pattern", "minValue", "maxValue"}

// elementAlias has ElementDefinition's fields without its methods.
type elementAlias ElementDefinition

// UnmarshalJSON reads the named members, the choice-typed values and keeps
// the rest in Other.
func (e *ElementDefinition) UnmarshalJSON(data []byte) error {
	var a elementAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	*e = ElementDefinition(a)
	return EachMember(data, func(k string, v json.RawMessage) error {
		if namedKeys[k] {
			return nil
		}
		for _, p := range choicePrefixes {
			if len(k) > len(p) && strings.HasPrefix(k, p) && k[len(p)] >= 'A' && k[len(p)] <= 'Z' {
				val := &Value{Type: k[len(p):], JSON: v}
				switch p {
				case "defaultValue":
					e.DefaultValue = val
				case "fixed":
					e.Fixed = val
				case "pattern":
					e.Pattern = val
				case "minValue":
					e.MinValue = val
				case "maxValue":
					e.MaxValue = val
				}
				return nil
			}
		}
		e.Other = append(e.Other, Member{Key: k, Value: v})
		return nil
	})
}

// elementOrder is the order FHIR defines ElementDefinition's members in.
var elementOrder = []string{"id", "extension", "modifierExtension", "path", "representation", "sliceName",
	"sliceIsConstraining", "label", "code", "slicing", "short", "definition", "comment", "requirements", "alias",
	"min", "max", "base", "contentReference", "type", "defaultValue[x]", "meaningWhenMissing", "orderMeaning",
	"fixed[x]", "pattern[x]", "example", "minValue[x]", "maxValue[x]", "maxLength", "condition", "constraint",
	"mustSupport", "isModifier", "isModifierReason", "isSummary", "binding", "mapping"}

// MarshalJSON writes the element's members in the order FHIR defines them
// (a member's "_name" companion right after it), then any other members.
func (e *ElementDefinition) MarshalJSON() ([]byte, error) {
	base, err := json.Marshal((*elementAlias)(e))
	if err != nil {
		return nil, err
	}
	named := map[string]json.RawMessage{}
	if err := EachMember(base, func(k string, v json.RawMessage) error { named[k] = v; return nil }); err != nil {
		return nil, err
	}
	choices := map[string]*Value{"defaultValue": e.DefaultValue, "fixed": e.Fixed, "pattern": e.Pattern,
		"minValue": e.MinValue, "maxValue": e.MaxValue}
	used := make([]bool, len(e.Other))
	var buf bytes.Buffer
	buf.WriteByte('{')
	put := func(k string, v []byte) {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(v)
	}
	other := func(k string) {
		for i, m := range e.Other {
			if !used[i] && m.Key == k {
				used[i] = true
				put(m.Key, m.Value)
			}
		}
	}
	for _, k := range elementOrder {
		if p, ok := strings.CutSuffix(k, "[x]"); ok {
			if v := choices[p]; v != nil {
				put(p+v.Type, v.JSON)
				other("_" + p + v.Type)
			}
			continue
		}
		if v, ok := named[k]; ok {
			put(k, v)
		} else {
			other(k)
		}
		other("_" + k)
	}
	for i, m := range e.Other {
		if !used[i] {
			put(m.Key, m.Value)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

type typeAlias TypeRef

// UnmarshalJSON reads R4 lists and STU3 single strings for profile and
// targetProfile, and keeps unnamed members in Other.
func (t *TypeRef) UnmarshalJSON(data []byte) error {
	*t = TypeRef{}
	return EachMember(data, func(k string, v json.RawMessage) error {
		switch k {
		case "code":
			return json.Unmarshal(v, &t.Code)
		case "profile":
			return stringOrList(v, &t.Profile)
		case "targetProfile":
			return stringOrList(v, &t.TargetProfile)
		case "aggregation":
			return json.Unmarshal(v, &t.Aggregation)
		case "versioning":
			return json.Unmarshal(v, &t.Versioning)
		}
		t.Other = append(t.Other, Member{Key: k, Value: v})
		return nil
	})
}

// MarshalJSON writes the R4 shape, then Other.
func (t TypeRef) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(typeAlias(t))
	if err != nil || len(t.Other) == 0 {
		return b, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	for _, m := range t.Other {
		kb, _ := json.Marshal(m.Key)
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(m.Value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

type bindingAlias Binding

// UnmarshalJSON reads R4's valueSet and STU3's valueSetReference/valueSetUri.
func (b *Binding) UnmarshalJSON(data []byte) error {
	var a struct {
		bindingAlias
		Ref *struct {
			Reference string `json:"reference"`
		} `json:"valueSetReference"`
		URI string `json:"valueSetUri"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	*b = Binding(a.bindingAlias)
	if b.ValueSet == "" && a.Ref != nil {
		b.ValueSet = a.Ref.Reference
	}
	if b.ValueSet == "" {
		b.ValueSet = a.URI
	}
	return nil
}

func stringOrList(v json.RawMessage, out *[]string) error {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		*out = []string{s}
		return nil
	}
	return json.Unmarshal(v, out)
}

// EachMember calls fn for each member of a JSON object, in order (an error
// from fn stops it and comes back prefixed with the member name). It runs
// for every element decoded, so it walks the object with gjson rather than
// a json.Decoder, which allocated several times as much (a decoder, its
// buffer, every token and a syntax error after every value).
func EachMember(data []byte, fn func(k string, v json.RawMessage) error) error {
	if !json.Valid(data) {
		var v json.RawMessage
		return json.Unmarshal(data, &v) // the syntax error
	}
	obj := gjson.Parse(string(data))
	if !obj.IsObject() {
		return fmt.Errorf("expected an object")
	}
	var err error
	obj.ForEach(func(k, v gjson.Result) bool {
		if e := fn(k.Str, json.RawMessage(v.Raw)); e != nil {
			err = fmt.Errorf("%s: %w", k.Str, e)
			return false
		}
		return true
	})
	return err
}

// MinOr returns Min, or def when not said.
func (e *ElementDefinition) MinOr(def int) int {
	if e.Min == nil {
		return def
	}
	return *e.Min
}

// MaxInt returns Max as a number, -1 for "*", and def when not said.
func (e *ElementDefinition) MaxInt(def int) int {
	switch e.Max {
	case "":
		return def
	case "*":
		return -1
	}
	n := 0
	for _, c := range e.Max {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}
