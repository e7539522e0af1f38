package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/structure"
)

// Profile is a StructureDefinition compiled for validation: its snapshot as
// a tree, slices grouped under the element they slice, values parsed and
// slice matchers built once.
type Profile struct {
	URL, Version, Name, Title string
	Type                      string // the constrained type: "Patient", "Extension"
	Kind                      string
	Context                   []structure.Context // where an extension may be used
	Root                      *Elem
	// Problems found while compiling (bad ids, unknown slice bases), reported
	// once where the profile is used.
	Problems []string

	guide *Guide
	byID  map[string]*Elem
}

// Ref is "url|version" (or the url), as findings carry it.
func (p *Profile) Ref() string {
	if p.Version == "" {
		return p.URL
	}
	return p.URL + "|" + p.Version
}

// Label is the profile's name for messages.
func (p *Profile) Label() string {
	if p.Name != "" {
		return p.Name
	}
	return p.URL
}

// Elem is one element of a compiled snapshot.
type Elem struct {
	Def       *structure.ElementDefinition
	ID, Path  string
	Name      string // last path segment without [x]
	Choice    bool
	SliceName string
	Min, Max  int // Max -1 means "*"
	// BaseMin and BaseMax are the base definition's cardinality: the profile
	// reports only what it narrows (the base walk reports the rest).
	BaseMin, BaseMax int
	Types            []structure.TypeRef
	Children         []*Elem // unsliced child elements, in definition order
	Slicing          *structure.Slicing
	Slices           []*Elem // the slices of this element, in definition order

	prof        *Profile
	pos         int // index in the parent's Children
	byKey       map[string]*Elem
	choices     []*Elem
	fixed       any
	pattern     any
	disc        []discriminator // for a slice: how an item is recognised
	constraints []constraint
	baseDef     *definitions.Element // the base element, for FHIRPath navigation in invariants
	bindingVS   string               // value set to check (required or extensible), "" for none
	strength    string
}

type constraint struct {
	key, human string
	severity   string
	expr       *fhirpath.Expr
	err        error
}

// compile builds the element tree of a snapshot.
func compile(sd *structure.StructureDefinition, g *Guide) (*Profile, error) {
	if sd.Snapshot == nil || len(sd.Snapshot.Element) == 0 {
		return nil, fmt.Errorf("%s has no snapshot (a differential-only profile; snapshot generation is needed to check it)", sd.URL)
	}
	p := &Profile{URL: sd.URL, Version: sd.Version, Name: sd.Name, Title: sd.Title, Type: sd.Type, Kind: sd.Kind,
		Context: sd.Context, guide: g}
	byID := map[string]*Elem{}
	lastID := map[string]string{} // path → id of the element last seen at that path
	for i, d := range sd.Snapshot.Element {
		e := &Elem{Def: d, Path: d.Path, SliceName: d.SliceName, prof: p, Types: d.Type, Slicing: d.Slicing}
		seg := d.Path[strings.LastIndexByte(d.Path, '.')+1:]
		e.Name, e.Choice = strings.CutSuffix(seg, "[x]")
		e.Min, e.Max = d.MinOr(0), d.MaxInt(-1)
		e.BaseMin, e.BaseMax = e.Min, e.Max
		if d.Base != nil {
			b := structure.ElementDefinition{Min: &d.Base.Min, Max: d.Base.Max}
			e.BaseMin, e.BaseMax = b.MinOr(0), b.MaxInt(-1)
		}
		parentPath := ""
		if j := strings.LastIndexByte(d.Path, '.'); j >= 0 {
			parentPath = d.Path[:j]
		}
		e.ID = d.ID
		if e.ID == "" {
			e.ID = d.Path
			if pid, ok := lastID[parentPath]; ok {
				e.ID = pid + "." + seg
			}
			if d.SliceName != "" {
				e.ID += ":" + d.SliceName
			}
		}
		lastID[d.Path] = e.ID
		if err := e.values(); err != nil {
			p.Problems = append(p.Problems, fmt.Sprintf("%s: %v", e.ID, err))
		}
		if i == 0 {
			p.Root = e
			byID[e.ID] = e
			continue
		}
		byID[e.ID] = e
		if d.SliceName != "" {
			base := sliceBase(e.ID, d.SliceName)
			if b := byID[base]; b != nil {
				b.Slices = append(b.Slices, e)
				continue
			}
			// No element with the base id: the slice is left out, and said.
			p.Problems = append(p.Problems, fmt.Sprintf("%s: the sliced element %s is not in the snapshot", e.ID, base))
			continue
		}
		parent := parentOf(byID, e.ID)
		if parent == nil {
			p.Problems = append(p.Problems, fmt.Sprintf("%s: no parent element in the snapshot", e.ID))
			continue
		}
		parent.Children = append(parent.Children, e)
	}
	if p.Root == nil {
		return nil, fmt.Errorf("%s: empty snapshot", sd.URL)
	}
	p.byID = byID
	return p, nil
}

// sliceBase is the id of the element a slice slices: "Patient.identifier"
// for "Patient.identifier:nhs", and the slice for a reslice
// ("Patient.identifier:nhs" for "Patient.identifier:nhs/old").
func sliceBase(id, sliceName string) string {
	if i := strings.LastIndexByte(sliceName, '/'); i >= 0 {
		return strings.TrimSuffix(id, sliceName[i:])
	}
	return strings.TrimSuffix(id, ":"+sliceName)
}

// parentOf finds the nearest element whose id is a prefix of id at a '.'.
func parentOf(byID map[string]*Elem, id string) *Elem {
	for j := len(id) - 1; j > 0; j-- {
		if id[j] == '.' {
			if p := byID[id[:j]]; p != nil {
				return p
			}
		}
	}
	return nil
}

// values parses fixed and pattern values.
func (e *Elem) values() error {
	d := e.Def
	var err error
	if d.Fixed != nil {
		if e.fixed, err = parseJSON(d.Fixed.JSON); err != nil {
			return fmt.Errorf("fixed%s: %v", d.Fixed.Type, err)
		}
	}
	if d.Pattern != nil {
		if e.pattern, err = parseJSON(d.Pattern.JSON); err != nil {
			return fmt.Errorf("pattern%s: %v", d.Pattern.Type, err)
		}
	}
	return nil
}

func parseJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// index builds the lookups of the element and its descendants.
func (e *Elem) index() {
	e.byKey = map[string]*Elem{}
	for i, c := range e.Children {
		c.pos = i
		if c.Choice {
			e.choices = append(e.choices, c)
		} else {
			e.byKey[c.Name] = c
		}
	}
}

// child returns the child definition for a JSON key and the type the key
// names (for choice elements, from the suffix).
func (e *Elem) child(key string) (*Elem, string) {
	if c := e.byKey[key]; c != nil {
		return c, ""
	}
	for _, c := range e.choices {
		if len(key) > len(c.Name) && strings.HasPrefix(key, c.Name) && key[len(c.Name)] >= 'A' && key[len(c.Name)] <= 'Z' {
			return c, structure.TypeFromSuffix(key[len(c.Name):])
		}
	}
	return nil, ""
}

// typeCodes lists the element's type codes.
func (e *Elem) typeCodes() []string {
	out := make([]string, 0, len(e.Types))
	for _, t := range e.Types {
		out = append(out, t.Code)
	}
	return out
}

// label is the element's id for messages: "Patient.identifier:nhs".
func (e *Elem) label() string { return e.ID }
