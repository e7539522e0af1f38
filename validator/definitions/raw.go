package definitions

import (
	"bytes"
	"encoding/json"
)

// The raw* types mirror just the JSON of package resources that loading reads.
// They accept both R4 and STU3 spellings (STU3 has single-valued profile and
// targetProfile, and binding.valueSetReference / valueSetUri).

type rawExtension struct {
	URL          string `json:"url"`
	ValueBoolean *bool  `json:"valueBoolean"`
	ValueString  string `json:"valueString"`
	ValueURL     string `json:"valueUrl"`
	ValueURI     string `json:"valueUri"`
}

type rawStructureDefinition struct {
	ResourceType   string `json:"resourceType"`
	URL            string `json:"url"`
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	Abstract       bool   `json:"abstract"`
	Type           string `json:"type"`
	BaseDefinition string `json:"baseDefinition"`
	Derivation     string `json:"derivation"`
	Snapshot       *struct {
		Element []rawElement `json:"element"`
	} `json:"snapshot"`
}

type rawElement struct {
	ID               string          `json:"id"`
	Path             string          `json:"path"`
	SliceName        string          `json:"sliceName"`
	Min              int             `json:"min"`
	Max              string          `json:"max"`
	ContentReference string          `json:"contentReference"`
	Type             []rawType       `json:"type"`
	Binding          *rawBinding     `json:"binding"`
	Constraint       []rawConstraint `json:"constraint"`
	IsModifier       bool            `json:"isModifier"`
	IsSummary        bool            `json:"isSummary"`
}

type rawType struct {
	Code        string     `json:"code"`
	CodeElement *rawPrimEx `json:"_code"`
	Profile     stringList `json:"profile"`
	Target      stringList `json:"targetProfile"`
}

// rawPrimEx is the "_code" companion STU3 uses to type primitive values.
type rawPrimEx struct {
	Extension []rawExtension `json:"extension"`
}

type rawBinding struct {
	Strength          string `json:"strength"`
	ValueSet          string `json:"valueSet"`
	ValueSetURI       string `json:"valueSetUri"`
	ValueSetReference *struct {
		Reference string `json:"reference"`
	} `json:"valueSetReference"`
}

type rawConstraint struct {
	Key        string         `json:"key"`
	Severity   string         `json:"severity"`
	Human      string         `json:"human"`
	Expression string         `json:"expression"`
	Source     string         `json:"source"`
	Extension  []rawExtension `json:"extension"`
}

type rawValueSet struct {
	URL     string `json:"url"`
	Name    string `json:"name"`
	Title   string `json:"title"`
	Compose *struct {
		Include []rawInclude `json:"include"`
		Exclude []rawInclude `json:"exclude"`
	} `json:"compose"`
	Expansion *struct {
		Contains []rawContains `json:"contains"`
	} `json:"expansion"`
}

type rawInclude struct {
	System   string       `json:"system"`
	ValueSet stringList   `json:"valueSet"`
	Concept  []rawConcept `json:"concept"`
	Filter   []rawFilter  `json:"filter"`
}

type rawFilter struct {
	Property string `json:"property"`
	Op       string `json:"op"`
	Value    string `json:"value"`
}

type rawContains struct {
	System   string        `json:"system"`
	Code     string        `json:"code"`
	Display  string        `json:"display"`
	Abstract bool          `json:"abstract"`
	Contains []rawContains `json:"contains"`
}

type rawCodeSystem struct {
	URL      string       `json:"url"`
	Content  string       `json:"content"`
	Concept  []rawConcept `json:"concept"`
	ValueSet string       `json:"valueSet"`
}

type rawConcept struct {
	Code     string        `json:"code"`
	Display  string        `json:"display"`
	Property []rawProperty `json:"property"`
	Concept  []rawConcept  `json:"concept"`
}

type rawProperty struct {
	Code         string   `json:"code"`
	ValueCode    string   `json:"valueCode"`
	ValueString  string   `json:"valueString"`
	ValueBoolean *bool    `json:"valueBoolean"`
	ValueInteger *float64 `json:"valueInteger"`
}

// stringList decodes either a JSON string or an array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = stringList{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*l = ss
	return nil
}
