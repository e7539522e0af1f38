package snapshot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/structure"
)

func r4Resolver(t testing.TB) Resolver {
	set, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	return Definitions(set)
}

// profile makes a differential-only profile of base type typ.
func profile(t testing.TB, url, typ, base string, diff string) *structure.StructureDefinition {
	t.Helper()
	if base == "" {
		base = "http://hl7.org/fhir/StructureDefinition/" + typ
	}
	src := fmt.Sprintf(`{"resourceType":"StructureDefinition","url":%q,"name":"P","kind":"resource","abstract":false,
		"type":%q,"baseDefinition":%q,"derivation":"constraint","differential":{"element":[%s]}}`, url, typ, base, diff)
	sd, err := structure.Decode([]byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return sd
}

func byID(els []*structure.ElementDefinition) map[string]*structure.ElementDefinition {
	m := map[string]*structure.ElementDefinition{}
	for _, e := range els {
		m[e.ID] = e
	}
	return m
}

func ids(els []*structure.ElementDefinition) []string {
	out := make([]string, len(els))
	for i, e := range els {
		out[i] = e.ID
	}
	return out
}

// indexOf returns the position of id in the list, or -1.
func indexOf(list []string, id string) int {
	for i, s := range list {
		if s == id {
			return i
		}
	}
	return -1
}

func TestGenerate(t *testing.T) {
	res := r4Resolver(t)
	ext := profile(t, "http://x/ext", "Extension", "", `
		{"id":"Extension","path":"Extension"},
		{"id":"Extension.url","path":"Extension.url","fixedUri":"http://x/ext"},
		{"id":"Extension.value[x]","path":"Extension.value[x]","type":[{"code":"CodeableConcept"}]}`)
	ext.Kind = "complex-type"
	guide := Chain(Map([]*structure.StructureDefinition{ext}), res)
	// extension's own snapshot first, so profiles can use it
	extEls, fs := Generate(ext, res)
	if len(fs) != 0 {
		t.Fatalf("extension findings %v", fs)
	}
	ext.Snapshot = &structure.Elements{Element: extEls}

	tests := []struct {
		name, typ, diff string
		check           func(t *testing.T, els []*structure.ElementDefinition)
		rules           []string // findings expected, by rule, in order
	}{
		{"cardinality and texts", "Patient", `
			{"id":"Patient.name","path":"Patient.name","min":1,"short":"a name","mustSupport":true},
			{"id":"Patient.gender","path":"Patient.gender","binding":{"strength":"required","valueSet":"http://x/vs"}}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				m := byID(els)
				if n := m["Patient.name"]; n == nil || n.MinOr(0) != 1 || n.Max != "*" || n.Short != "a name" || n.MustSupport == nil || !*n.MustSupport {
					t.Errorf("Patient.name %+v", n)
				}
				if g := m["Patient.gender"]; g.Binding == nil || g.Binding.ValueSet != "http://x/vs" || g.Binding.Strength != "required" {
					t.Errorf("gender binding %+v", g.Binding)
				}
				if b := m["Patient.id"].Base; b == nil || b.Path != "Resource.id" {
					t.Errorf("Patient.id base %+v", b)
				}
			}, nil},
		{"widened cardinality", "Patient", `
			{"id":"Patient.gender","path":"Patient.gender","max":"*"}`, nil, []string{RuleCardinality}},
		{"widened type", "Patient", `
			{"id":"Patient.gender","path":"Patient.gender","type":[{"code":"string"}]}`, nil, []string{RuleType}},
		{"path not in base", "Patient", `
			{"id":"Patient.colour","path":"Patient.colour","min":1},
			{"id":"Patient.name.nickname","path":"Patient.name.nickname","min":1}`, nil, []string{RulePath, RulePath}},
		{"slicing with datatype expansion", "Patient", `
			{"id":"Patient.identifier","path":"Patient.identifier","slicing":{"discriminator":[{"type":"value","path":"system"}],"rules":"open"}},
			{"id":"Patient.identifier:nhs","path":"Patient.identifier","sliceName":"nhs","min":1,"max":"1"},
			{"id":"Patient.identifier:nhs.system","path":"Patient.identifier.system","min":1,"fixedUri":"https://fhir.nhs.uk/Id/nhs-number"},
			{"id":"Patient.identifier:nhs.extension:status","path":"Patient.identifier.extension","sliceName":"status","type":[{"code":"Extension","profile":["http://x/ext"]}]},
			{"id":"Patient.identifier:nhs.extension:status.value[x]","path":"Patient.identifier.extension.value[x]","patternCodeableConcept":{"text":"x"}}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				l := ids(els)
				m := byID(els)
				for _, id := range []string{"Patient.identifier", "Patient.identifier:nhs", "Patient.identifier:nhs.id", "Patient.identifier:nhs.system",
					"Patient.identifier:nhs.assigner", "Patient.identifier:nhs.extension:status", "Patient.identifier:nhs.extension:status.url"} {
					if m[id] == nil {
						t.Errorf("no element %s in %v", id, l)
					}
				}
				if t.Failed() {
					return
				}
				if indexOf(l, "Patient.identifier:nhs") < indexOf(l, "Patient.identifier") || indexOf(l, "Patient.active") < indexOf(l, "Patient.identifier:nhs.assigner") {
					t.Errorf("order %v", l)
				}
				if m["Patient.identifier.system"] != nil {
					t.Errorf("the unsliced identifier was expanded")
				}
				if s := m["Patient.identifier:nhs"]; s.SliceName != "nhs" || s.MinOr(0) != 1 || s.Path != "Patient.identifier" {
					t.Errorf("slice %+v", s)
				}
				if f := m["Patient.identifier:nhs.system"].Fixed; f == nil || string(f.JSON) != `"https://fhir.nhs.uk/Id/nhs-number"` {
					t.Errorf("fixed %+v", f)
				}
				if e := m["Patient.identifier:nhs.extension"]; e.Slicing == nil || e.Slicing.Discriminator[0].Path != "url" {
					t.Errorf("extension slicing %+v", e.Slicing)
				}
				if u := m["Patient.identifier:nhs.extension:status.url"].Fixed; u == nil || string(u.JSON) != `"http://x/ext"` {
					t.Errorf("extension url from the extension's snapshot %+v", u)
				}
				if v := m["Patient.identifier:nhs.extension:status.value[x]"]; v.Pattern == nil || len(v.Type) != 1 || v.Type[0].Code != "CodeableConcept" {
					t.Errorf("extension value %+v", v)
				}
			}, nil},
		{"reslicing", "Patient", `
			{"id":"Patient.identifier","path":"Patient.identifier","slicing":{"discriminator":[{"type":"value","path":"system"}],"rules":"open"}},
			{"id":"Patient.identifier:a","path":"Patient.identifier","sliceName":"a"},
			{"id":"Patient.identifier:b","path":"Patient.identifier","sliceName":"b"},
			{"id":"Patient.identifier:a/x","path":"Patient.identifier","sliceName":"a/x","max":"1"}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				l := ids(els)
				a, ax, b := indexOf(l, "Patient.identifier:a"), indexOf(l, "Patient.identifier:a/x"), indexOf(l, "Patient.identifier:b")
				if a < 0 || ax < 0 || b < 0 || !(a < ax && ax < b) {
					t.Errorf("reslice order a=%d a/x=%d b=%d", a, ax, b)
				}
			}, nil},
		{"undefined slice", "Patient", `
			{"id":"Patient.identifier:nope.system","path":"Patient.identifier.system","min":1}`, nil, []string{RuleSlice}},
		{"slice without slicing", "Patient", `
			{"id":"Patient.name:x","path":"Patient.name","sliceName":"x"}`, nil, []string{RuleSlice}},
		{"renamed choice makes a type slice", "Observation", `
			{"id":"Observation.valueQuantity","path":"Observation.valueQuantity","min":1},
			{"id":"Observation.valueQuantity.code","path":"Observation.valueQuantity.code","min":1}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				m := byID(els)
				v := m["Observation.value[x]"]
				if v == nil || len(v.Type) != 1 || v.Type[0].Code != "Quantity" || v.Slicing == nil || v.Slicing.Discriminator[0].Type != "type" {
					t.Fatalf("value[x] %+v", v)
				}
				s := m["Observation.value[x]:valueQuantity"]
				if s == nil || s.MinOr(0) != 1 || s.Path != "Observation.value[x]" {
					t.Fatalf("slice %+v", s)
				}
				if c := m["Observation.value[x]:valueQuantity.code"]; c == nil || c.MinOr(0) != 1 || c.Path != "Observation.value[x].code" {
					t.Errorf("code %+v", c)
				}
			}, nil},
		{"renamed choice in a new slice narrows", "Observation", `
			{"id":"Observation.component","path":"Observation.component","slicing":{"discriminator":[{"type":"pattern","path":"code"}],"rules":"open"}},
			{"id":"Observation.component:a","path":"Observation.component","sliceName":"a"},
			{"id":"Observation.component:a.valueQuantity","path":"Observation.component.valueQuantity","min":1}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				v := byID(els)["Observation.component:a.value[x]"]
				if v == nil || len(v.Type) != 1 || v.Type[0].Code != "Quantity" || v.MinOr(0) != 1 {
					t.Errorf("value %+v", v)
				}
			}, nil},
		{"content reference unrolled", "Questionnaire", `
			{"id":"Questionnaire.item.item","path":"Questionnaire.item.item","max":"3"},
			{"id":"Questionnaire.item.item.linkId","path":"Questionnaire.item.item.linkId","maxLength":10}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				m := byID(els)
				ii := m["Questionnaire.item.item"]
				if ii == nil || ii.ContentReference != "" || ii.Max != "3" {
					t.Fatalf("item.item %+v", ii)
				}
				if l := m["Questionnaire.item.item.linkId"]; l == nil || l.MaxLength == nil || *l.MaxLength != 10 {
					t.Errorf("linkId %+v", l)
				}
				if m["Questionnaire.item.item.item"] == nil || m["Questionnaire.item.item.item"].ContentReference == "" {
					t.Errorf("the nested item is not a content reference")
				}
			}, nil},
		{"constraint added with source", "Patient", `
			{"id":"Patient","path":"Patient","constraint":[{"key":"x-1","severity":"error","human":"h","expression":"name.exists()"}]}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				var keys []string
				for _, c := range els[0].Constraint {
					keys = append(keys, c.Key)
					if c.Key == "x-1" && c.Source != "http://x/p" {
						t.Errorf("source %q", c.Source)
					}
				}
				if !strings.Contains(strings.Join(keys, ","), "dom-2") || keys[len(keys)-1] != "x-1" {
					t.Errorf("constraints %v", keys)
				}
			}, nil},
		{"inside a choice of several datatypes", "Observation", `
			{"id":"Observation.effective[x].extension:x","path":"Observation.effective[x].extension","sliceName":"x","type":[{"code":"Extension","profile":["http://x/ext"]}]}`,
			func(t *testing.T, els []*structure.ElementDefinition) {
				if byID(els)["Observation.effective[x].extension:x"] == nil {
					t.Errorf("no extension slice in %v", ids(els))
				}
			}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sd := profile(t, "http://x/p", tc.typ, "", tc.diff)
			els, fs := Generate(sd, guide)
			var rules []string
			for _, f := range fs {
				rules = append(rules, f.Rule)
				if f.Profile != "http://x/p" || !strings.Contains(f.Message, "P: ") {
					t.Errorf("finding does not name the profile: %+v", f)
				}
				if _, ok := finding.Lookup(f.Rule); !ok {
					t.Errorf("unregistered rule %s", f.Rule)
				}
			}
			if strings.Join(rules, " ") != strings.Join(tc.rules, " ") {
				t.Errorf("findings %v, want %v: %v", rules, tc.rules, fs)
			}
			if len(els) == 0 || els[0].ID != tc.typ {
				t.Fatalf("no snapshot")
			}
			seen := map[string]bool{}
			for _, e := range els {
				if seen[e.ID] {
					t.Errorf("duplicate id %s", e.ID)
				}
				seen[e.ID] = true
			}
			if tc.check != nil {
				tc.check(t, els)
			}
		})
	}
}

func TestGenerateMessagesNameElement(t *testing.T) {
	sd := profile(t, "http://x/p", "Patient", "", `{"id":"Patient.colour","path":"Patient.colour"}`)
	_, fs := Generate(sd, r4Resolver(t))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "Patient.colour") || fs[0].Expression != "StructureDefinition.differential.element[0]" {
		t.Errorf("findings %+v", fs)
	}
}

func TestGenerateBaseMissing(t *testing.T) {
	sd := profile(t, "http://x/p", "Patient", "http://x/nothing", `{"id":"Patient","path":"Patient"}`)
	els, fs := Generate(sd, r4Resolver(t))
	if els != nil || len(fs) != 1 || fs[0].Rule != RuleBase {
		t.Errorf("els %d findings %+v", len(els), fs)
	}
}

func TestGuideDependencyOrderAndCycle(t *testing.T) {
	res := r4Resolver(t)
	child := profile(t, "http://x/child", "Patient", "http://x/parent", `{"id":"Patient.name","path":"Patient.name","max":"1"}`)
	parent := profile(t, "http://x/parent", "Patient", "", `{"id":"Patient.name","path":"Patient.name","min":1}`)
	a := profile(t, "http://x/a", "Patient", "http://x/b", `{"id":"Patient","path":"Patient"}`)
	b := profile(t, "http://x/b", "Patient", "http://x/a", `{"id":"Patient","path":"Patient"}`)
	g := NewGuide([]*structure.StructureDefinition{child, parent, a, b}, res)
	fs := g.GenerateAll()
	if child.Snapshot == nil {
		t.Fatal("child not generated")
	}
	n := byID(child.Snapshot.Element)["Patient.name"]
	if n.MinOr(0) != 1 || n.Max != "1" {
		t.Errorf("child's Patient.name %s..%s, want 1..1 (parent generated first)", minString(n), n.Max)
	}
	cycles := 0
	for _, f := range fs {
		if f.Rule == RuleCycle {
			cycles++
		}
	}
	if cycles == 0 || a.Snapshot != nil || b.Snapshot != nil {
		t.Errorf("cycle not reported: %+v", fs)
	}
}

func TestSpliceKeepsMembers(t *testing.T) {
	raw := []byte(`{"resourceType":"StructureDefinition","url":"u","publisher":"me","snapshot":{"element":[]},"differential":{"element":[]}}`)
	min := 0
	out, err := Splice(raw, []*structure.ElementDefinition{{ID: "Patient", Path: "Patient", Min: &min}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"resourceType":"StructureDefinition","url":"u","publisher":"me","snapshot":{"element":[{"id":"Patient","path":"Patient","min":0}]},"differential":{"element":[]}}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

func TestIDSegments(t *testing.T) {
	tests := []struct {
		id, path, want string
	}{
		{"Patient.identifier:nhs.system", "Patient.identifier.system", "Patient identifier:nhs system"},
		{"Observation.value[x]:valueQuantity", "Observation.value[x]", "Observation value[x]:valueQuantity"},
		{"Patient.extension:a.b.value[x]", "Patient.extension.value[x]", "Patient extension:a.b value[x]"},
		{"Patient.identifier:a/b", "Patient.identifier", "Patient identifier:a/b"},
		{"Patient.wrong", "Patient.identifier", ""},
		{"", "Patient", ""},
	}
	for _, tc := range tests {
		segs := idSegments(tc.id, strings.Split(tc.path, "."))
		var parts []string
		for _, s := range segs {
			if s.slice != "" {
				parts = append(parts, s.name+":"+s.slice)
			} else {
				parts = append(parts, s.name)
			}
		}
		got := strings.Join(parts, " ")
		if got != tc.want {
			t.Errorf("idSegments(%q, %q) = %q, want %q", tc.id, tc.path, got, tc.want)
		}
	}
}

func FuzzGenerate(f *testing.F) {
	f.Add(`{"id":"Patient.identifier:nhs.system","path":"Patient.identifier.system","fixedUri":"x"}`)
	f.Add(`{"id":"Patient.identifier","path":"Patient.identifier","slicing":{"rules":"open"}},{"id":"Patient.identifier:a/b","path":"Patient.identifier","sliceName":"a/b"}`)
	f.Add(`{"id":"Observation.valueQuantity.code","path":"Observation.valueQuantity.code","min":1}`)
	f.Add(`{"id":"Questionnaire.item.item.item.linkId","path":"Questionnaire.item.item.item.linkId","max":"0"}`)
	f.Add(`{"path":"Patient.extension","sliceName":"x","type":[{"code":"Extension","profile":["http://x/p"]}]},{"path":"Patient.extension.url"}`)
	res := r4Resolver(f)
	f.Fuzz(func(t *testing.T, diff string) {
		for _, typ := range []string{"Patient", "Observation", "Questionnaire"} {
			src := fmt.Sprintf(`{"resourceType":"StructureDefinition","url":"http://x/p","name":"P","kind":"resource","type":%q,
				"baseDefinition":"http://hl7.org/fhir/StructureDefinition/%s","derivation":"constraint","differential":{"element":[%s]}}`, typ, typ, diff)
			sd, err := structure.Decode([]byte(src))
			if err != nil {
				return
			}
			// the profile may name itself (extension profile, base): no loop
			els, _ := Generate(sd, Chain(Map([]*structure.StructureDefinition{sd}), res))
			seen := map[string]bool{}
			for _, e := range els {
				if seen[e.ID] && !strings.Contains(e.ID, "/") {
					// duplicates only from a differential naming the same slice twice
					continue
				}
				seen[e.ID] = true
				if _, err := json.Marshal(e); err != nil {
					t.Fatalf("element does not marshal: %v", err)
				}
			}
		}
	})
}
