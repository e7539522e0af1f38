package bundle

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

func parse(t *testing.T, src string) *jsontree.Tree {
	t.Helper()
	tree, probs := jsontree.Parse([]byte(src), jsontree.Options{})
	if tree == nil {
		t.Fatalf("parse: %v", probs)
	}
	return tree
}

func check(t *testing.T, src string) (*jsontree.Tree, *Graph, []finding.Finding) {
	t.Helper()
	tree := parse(t, src)
	g := Index(tree, tree.Root())
	fs := append(g.CheckEntries(), g.CheckReferences(CollectReferences(tree, tree.Root()), Options{})...)
	return tree, g, sortFindings(fs)
}

// The done-when cases, asserted directly rather than only by golden.
func TestDoneWhen(t *testing.T) {
	t.Run("collection sharing a fullUrl: bdl-7 at the second entry", func(t *testing.T) {
		_, _, fs := check(t, `{"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c001","resource":{"resourceType":"Patient","id":"a"}},
{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c001","resource":{"resourceType":"Patient","id":"b"}}]}`)
		if len(fs) != 1 || fs[0].Rule != "bdl-7" || fs[0].Severity != finding.Error ||
			fs[0].Expression != "Bundle.entry[1].fullUrl" || fs[0].Line != 3 || !strings.Contains(fs[0].Message, "bdl-7") {
			t.Fatalf("got %+v", fs)
		}
	})
	t.Run("urn:uuid no entry has: reported at the referencing element", func(t *testing.T) {
		_, _, fs := check(t, `{"resourceType":"Bundle","type":"transaction","entry":[
{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c002","request":{"method":"POST","url":"Observation"},
 "resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
  "subject":{"reference":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c009"}}}]}`)
		if len(fs) != 1 || fs[0].Rule != "ref.unresolved" || fs[0].Severity != finding.Error ||
			fs[0].Expression != "Bundle.entry[0].resource.subject" || fs[0].Line != 4 {
			t.Fatalf("got %+v", fs)
		}
	})
	t.Run("document whose first entry is not a Composition", func(t *testing.T) {
		_, _, fs := check(t, `{"resourceType":"Bundle","type":"document","identifier":{"system":"urn:ietf:rfc:3986","value":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c003"},
"timestamp":"2024-01-01T00:00:00Z","entry":[{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c004","resource":{"resourceType":"Patient"}}]}`)
		if len(fs) != 1 || fs[0].Rule != "bdl-11" || fs[0].Severity != finding.Error || fs[0].Expression != "Bundle.entry[0].resource" {
			t.Fatalf("got %+v", fs)
		}
	})
}

func TestUnresolvedSeverityByBundleType(t *testing.T) {
	const ref = `{"reference":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c0ff"}`
	const rel = `{"reference":"Patient/elsewhere"}`
	const abs = `{"reference":"http://other.example.org/fhir/Patient/1"}`
	tests := []struct {
		bundleType, ref string
		opts            Options
		want            finding.Severity // noFinding for none
	}{
		{"collection", ref, Options{}, finding.Warning},
		{"searchset", ref, Options{}, finding.Warning},
		{"transaction", ref, Options{}, finding.Error},
		{"batch", ref, Options{}, finding.Error},
		{"message", ref, Options{}, finding.Error},
		{"collection", rel, Options{}, noFinding},
		{"transaction", rel, Options{}, noFinding},
		{"message", rel, Options{}, finding.Information},
		{"collection", abs, Options{}, noFinding},
		{"collection", abs, Options{ReportExternal: true}, finding.Information},
	}
	for _, tt := range tests {
		req := ""
		if tt.bundleType == "transaction" || tt.bundleType == "batch" {
			req = `,"request":{"method":"POST","url":"Observation"}`
		}
		src := `{"resourceType":"Bundle","type":"` + tt.bundleType + `","entry":[{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c001"` + req +
			`,"resource":{"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"},"subject":` + tt.ref + `}}]}`
		tree := parse(t, src)
		g := Index(tree, tree.Root())
		fs := g.CheckReferences(CollectReferences(tree, tree.Root()), tt.opts)
		got := noFinding
		if len(fs) > 0 {
			got = fs[0].Severity
		}
		if len(fs) > 1 || got != tt.want {
			t.Errorf("%s %s %+v: got %+v, want severity %v", tt.bundleType, tt.ref, tt.opts, fs, tt.want)
		}
	}
}

func TestTargetTypes(t *testing.T) {
	const src = `{"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"http://x.org/fhir/Practitioner/pr","resource":{"resourceType":"Practitioner","id":"pr"}},
{"fullUrl":"http://x.org/fhir/Observation/o","resource":{"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"},
 "contained":[{"resourceType":"Device","id":"d"}],
 "subject":{"reference":"REF"}}}]}`
	tests := []struct {
		name    string
		ref     string
		targets []string
		want    bool // a ref.target-type finding
	}{
		{"allowed", "Practitioner/pr", []string{"Patient", "Practitioner"}, false},
		{"any", "Practitioner/pr", nil, false},
		{"Resource", "Practitioner/pr", []string{"Resource"}, false},
		{"DomainResource", "Practitioner/pr", []string{"DomainResource"}, false},
		{"wrong resolved target", "Practitioner/pr", []string{"Patient", "Group"}, true},
		{"wrong unresolved target, type from the URL", "Practitioner/absent", []string{"Patient", "Group"}, true},
		{"wrong contained target", "#d", []string{"Patient", "Group"}, true},
		{"urn target of unknown type", "urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c0aa", []string{"Patient"}, false},
	}
	for _, tt := range tests {
		tree := parse(t, strings.Replace(src, "REF", tt.ref, 1))
		g := Index(tree, tree.Root())
		refs := CollectReferences(tree, tree.Root())
		if len(refs) != 1 {
			t.Fatalf("refs = %+v", refs)
		}
		refs[0].Targets = tt.targets
		fs := g.CheckReferences(refs, Options{})
		got := slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.Rule == "ref.target-type" })
		if got != tt.want {
			t.Errorf("%s: findings %+v, want target-type finding %v", tt.name, fs, tt.want)
		}
	}
}

func TestGraphAPI(t *testing.T) {
	tree, g, _ := check(t, `{"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c001","resource":{"resourceType":"Patient","id":"p"}},
{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c002","resource":{"resourceType":"Encounter","id":"e","status":"finished","class":{"code":"AMB"},
 "subject":{"reference":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c001"}}},
{"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c003","resource":{"resourceType":"Condition","id":"c",
 "subject":{"reference":"Patient/p"},"encounter":{"reference":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c002"},
 "asserter":{"reference":"Practitioner/nobody"}}}]}`)
	edges := g.edges
	if len(edges) != 4 {
		t.Fatalf("edges = %+v", edges)
	}
	// "Patient/p" from a urn:uuid: entry means urn:uuid:p (as the reference
	// validator reads it), which no entry has: entry 0 is only apparent.
	want := []int{0, -1, 1, -1}
	for i, e := range edges {
		if e.ToEntry != want[i] {
			t.Errorf("edge %d %s -> %d, want %d", i, e.Ref, e.ToEntry, want[i])
		}
	}
	if got := g.EntryOf(g.Entries[2].Resource); got != 2 {
		t.Errorf("EntryOf = %d", got)
	}
	r := g.Resolve(2, "Patient/p")
	if r.Entry != -1 || r.Apparent != 0 || r.ByTypeID || r.Kind != KindRelative {
		t.Errorf("Resolve(Patient/p) = %+v", r)
	}
	r = g.Resolve(2, "Patient/9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c001")
	if r.Entry != 0 || r.Kind != KindRelative || r.Target != g.Entries[0].Resource {
		t.Errorf("Resolve(Patient/<uuid>) = %+v", r)
	}
	r = g.Resolve(-1, "Patient/p")
	if r.Entry != 0 || !r.ByTypeID || r.Target != g.Entries[0].Resource {
		t.Errorf("Resolve from outside the entries = %+v", r)
	}
	// The graph is JSON for the viewer.
	b, err := json.Marshal(struct {
		Graph *Graph
		Edges []edge
	}{g, g.edges})
	if err != nil || !strings.Contains(string(b), `"to":1`) || !strings.Contains(string(b), `"fullUrl":"urn:uuid:9c3bd3b8-1ea5-4e8a-9d2f-8a3cbbd3c003"`) {
		t.Errorf("json: %v %s", err, b)
	}
	_ = tree
}

func TestResolveContained(t *testing.T) {
	tree := parse(t, `{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o"}],"managingOrganization":{"reference":"#o"}}`)
	root := tree.Root()
	g := Index(tree, root)
	if r := g.Resolve(-1, "#"); r.Target != root {
		t.Errorf("# -> %+v", r)
	}
	for _, ref := range []string{"#x", "o", ""} {
		if r := g.Resolve(-1, ref); r.Target != jsontree.None {
			t.Errorf("%q -> %+v", ref, r)
		}
	}
	if r := g.Resolve(-1, "#o"); r.Kind != KindContained || r.Target == jsontree.None {
		t.Errorf("graph of a lone resource: %+v", r)
	}
}

func TestParseREST(t *testing.T) {
	tests := []struct {
		in   string
		want restURL
		ok   bool
	}{
		{"Patient/1", restURL{Type: "Patient", ID: "1"}, true},
		{"Patient/1/_history/2", restURL{Type: "Patient", ID: "1", Version: "2"}, true},
		{"http://x.org/fhir/Patient/1", restURL{Base: "http://x.org/fhir/", Type: "Patient", ID: "1"}, true},
		{"https://x.org/Patient/a.b-c/_history/v1", restURL{Base: "https://x.org/", Type: "Patient", ID: "a.b-c", Version: "v1"}, true},
		{"Unknown/1", restURL{}, false},
		{"Patient/a b", restURL{}, false},
		{"ftp://x.org/Patient/1", restURL{}, false},
		{"Patient", restURL{}, false},
		{"Patient/1/_history/", restURL{}, false},
		{"Patient/" + strings.Repeat("x", 65), restURL{}, false},
	}
	for _, tt := range tests {
		got, ok := parseREST(tt.in, r4ResourceTypes)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseREST(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// The built-in list of resource types must be exactly R4's.
func TestResourceTypesMatchCore(t *testing.T) {
	core := map[string]bool{}
	sharedtest.EachJSON(t, "fhir/hl7.fhir.r4.core-4.0.1.tgz", func(name string, data []byte) {
		if !strings.HasPrefix(filepath.Base(name), "StructureDefinition-") {
			return
		}
		var sd struct {
			Kind, Derivation, Name string
			Abstract               bool
		}
		if json.Unmarshal(data, &sd) == nil && sd.Kind == "resource" && sd.Derivation == "specialization" && !sd.Abstract {
			core[sd.Name] = true
		}
	})
	for n := range core {
		if !r4ResourceTypes[n] {
			t.Errorf("missing %s", n)
		}
	}
	for n := range r4ResourceTypes {
		if !core[n] {
			t.Errorf("not an R4 resource type: %s", n)
		}
	}
}
