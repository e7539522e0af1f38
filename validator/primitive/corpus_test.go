package primitive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"github.com/fhirlens/fhirlens/validator/finding"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// This test runs Check over every primitive value in the R4 examples and the
// Synthea sample, typed by the R4 core StructureDefinitions. Those instances
// are meant to be valid, so errors there are almost certainly bugs here;
// the few genuine mistakes in the examples are listed in knownBadExamples.

// knownBadExamples are example values that really are invalid ("file|value").
var knownBadExamples = map[string]bool{
	// uppercase UUIDs (the reference validator rejects them too)
	"package/TerminologyCapabilities-example.json|urn:uuid:68D043B5-9ECF-4559-A57A-396E0D452311": true,
	"package/CapabilityStatement-example.json|urn:uuid:68D043B5-9ECF-4559-A57A-396E0D452311":     true,
	// a placeholder, not an OID
	"package/Library-zika-virus-intervention-logic.json|urn:oid:X.Y.Z": true,
}

// sharedDir is the reference data folder (see package sharedtest).
func sharedDir(t *testing.T) string { return sharedtest.Dir(t) }

// eachJSON calls fn with every .json member of a package under the
// reference data (see sharedtest.EachJSON).
func eachJSON(t *testing.T, rel string, fn func(name string, data []byte)) {
	sharedtest.EachJSON(t, rel, fn)
}

// typeIndex maps element paths ("Patient.contact.name") to their definition,
// for the core types.
type elementDef struct {
	types      []string // type codes (primitive ones resolved to the FHIR name)
	contentRef string   // "Questionnaire.item" for recursive elements
}

type typeIndex map[string]*elementDef

func loadCore(t *testing.T, shared string) typeIndex {
	idx := typeIndex{}
	eachJSON(t, "fhir/hl7.fhir.r4.core-4.0.1.tgz", func(name string, data []byte) {
		if !strings.Contains(name, "StructureDefinition-") {
			return
		}
		var sd struct {
			Kind       string `json:"kind"`
			Derivation string `json:"derivation"`
			Type       string `json:"type"`
			Snapshot   struct {
				Element []struct {
					Path       string `json:"path"`
					ContentRef string `json:"contentReference"`
					Type       []struct {
						Code      string `json:"code"`
						Extension []struct {
							URL      string `json:"url"`
							ValueURL string `json:"valueUrl"`
						} `json:"extension"`
					} `json:"type"`
				} `json:"element"`
			} `json:"snapshot"`
		}
		if err := json.Unmarshal(data, &sd); err != nil || sd.Derivation == "constraint" || sd.Kind == "logical" {
			return
		}
		for _, e := range sd.Snapshot.Element {
			d := &elementDef{contentRef: strings.TrimPrefix(e.ContentRef, "#")}
			for _, ty := range e.Type {
				code := ty.Code
				for _, x := range ty.Extension {
					if strings.HasSuffix(x.URL, "structuredefinition-fhir-type") && x.ValueURL != "" {
						code = x.ValueURL
					}
				}
				d.types = append(d.types, code)
			}
			idx[e.Path] = d
		}
	})
	return idx
}

type corpusStats struct {
	values   int
	errors   int
	warnings map[string]int
}

// walk checks the properties of obj, an instance of the element at path.
func (idx typeIndex) walk(t *testing.T, file string, obj map[string]any, path string, st *corpusStats) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic order of reports
	for _, k := range keys {
		if k == "resourceType" || strings.HasPrefix(k, "_") || k == "fhir_comments" {
			continue
		}
		typ, elemPath := idx.resolve(path, k)
		if typ == "" {
			continue
		}
		var values []any
		if arr, ok := obj[k].([]any); ok {
			values = arr
		} else {
			values = []any{obj[k]}
		}
		for _, v := range values {
			idx.value(t, file, v, typ, elemPath, st)
		}
	}
}

func (idx typeIndex) resolve(path, key string) (typ, elemPath string) {
	p := path + "." + key
	if d, ok := idx[p]; ok {
		if d.contentRef != "" {
			return "BackboneElement", d.contentRef
		}
		if len(d.types) == 1 {
			return d.types[0], p
		}
		return "", ""
	}
	// choice element: valueQuantity -> value[x] of type Quantity
	for i := len(key) - 1; i > 0; i-- {
		if key[i] >= 'A' && key[i] <= 'Z' {
			if d, ok := idx[path+"."+key[:i]+"[x]"]; ok {
				suffix := key[i:]
				for _, ty := range d.types {
					if strings.EqualFold(ty, suffix) {
						return ty, path + "." + key[:i] + "[x]"
					}
				}
			}
		}
	}
	return "", ""
}

func (idx typeIndex) value(t *testing.T, file string, v any, typ, elemPath string, st *corpusStats) {
	switch typ {
	case "BackboneElement", "Element":
		if m, ok := v.(map[string]any); ok {
			idx.walk(t, file, m, elemPath, st)
		}
		return
	case "Resource":
		if m, ok := v.(map[string]any); ok {
			if rt, ok := m["resourceType"].(string); ok {
				idx.walk(t, file, m, rt, st)
			}
		}
		return
	}
	if !IsPrimitive(typ) {
		if m, ok := v.(map[string]any); ok {
			idx.walk(t, file, m, typ, st)
		}
		return
	}
	var p *finding.Finding
	switch v := v.(type) {
	case string:
		p = Check(typ, v)
	case json.Number:
		p = CheckNumber(typ, []byte(v))
	case bool:
		if JSONKind(typ) != KindBoolean {
			p = &finding.Finding{Rule: "test.json-type", Severity: finding.Error, Message: "boolean for " + typ}
		}
	default:
		return // null or object: not this test's concern
	}
	st.values++
	if p == nil {
		return
	}
	if p.Severity == finding.Warning {
		st.warnings[p.Rule]++
		if os.Getenv("CORPUS_SHOW_WARNINGS") != "" && st.warnings[p.Rule] <= 3 {
			t.Logf("%s %s (%s): %s: %s", file, elemPath, typ, p.Rule, p.Message)
		}
		return
	}
	if s, ok := v.(string); ok && knownBadExamples[file+"|"+s] {
		return
	}
	st.errors++
	if st.errors <= 30 {
		t.Errorf("%s %s (%s): %s: %s", file, elemPath, typ, p.Rule, p.Message)
	}
}

func decodeJSON(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	err := dec.Decode(&m)
	return m, err
}

func TestCorpusPrimitives(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test")
	}
	shared := sharedDir(t)
	idx := loadCore(t, shared)
	st := &corpusStats{warnings: map[string]int{}}
	check := func(file string, data []byte) {
		m, err := decodeJSON(data)
		if err != nil {
			return
		}
		rt, _ := m["resourceType"].(string)
		if _, ok := idx[rt]; !ok {
			return
		}
		idx.walk(t, file, m, rt, st)
	}
	eachJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", check)
	synthea, _ := filepath.Glob(filepath.Join(shared, "corpus", "synthea-10-patients", "*.ndjson"))
	for _, path := range synthea {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			check(filepath.Base(path), sc.Bytes())
		}
		f.Close()
	}
	t.Logf("%d primitive values checked, %d errors, warnings by rule: %v", st.values, st.errors, st.warnings)
	if st.values < 100000 {
		t.Errorf("only %d values checked: the type index is probably broken", st.values)
	}
}
