package fhirpath

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// benchObservation is a typical resource for invariant benchmarks.
const benchObservation = `{
  "resourceType": "Observation",
  "id": "bp",
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">BP 120/80</div>"},
  "contained": [{"resourceType": "Practitioner", "id": "p1", "name": [{"family": "Smith"}]}],
  "status": "final",
  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
  "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9", "display": "Blood pressure"}]},
  "subject": {"reference": "Patient/example"},
  "performer": [{"reference": "#p1"}],
  "effectiveDateTime": "2012-09-17",
  "component": [
    {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
     "valueQuantity": {"value": 107, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
    {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
     "valueQuantity": {"value": 60, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}
  ]
}`

var benchInvariants = []struct{ key, expr string }{
	{"ele-1", "hasValue() or (children().count() > id.count())"},
	{"dom-2", "contained.contained.empty()"},
	{"dom-3", domThree},
	{"dom-6", "text.`div`.exists()"},
	{"obs-6", "dataAbsentReason.empty() or value.empty()"},
	{"obs-7", "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()"},
	{"txt-1", "htmlChecks()"},
}

func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		for _, inv := range benchInvariants {
			if _, err := Compile(inv.expr); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkInvariants evaluates each invariant (compiled once) on the
// sample Observation, as the validator does per resource.
func BenchmarkInvariants(b *testing.B) {
	defs := r4(b)
	tree, _ := jsontree.Parse([]byte(benchObservation), jsontree.Options{})
	ctx := context.Background()
	for _, inv := range benchInvariants {
		e := MustCompile(inv.expr)
		env := &Env{Defs: defs, Tree: tree}
		if inv.key == "txt-1" {
			env.Focus = tree.Get(tree.Get(tree.Root(), "text"), "div")
			env.FocusType = "xhtml"
		}
		b.Run(inv.key, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.EvaluateBool(ctx, env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkElementWalk evaluates every applicable invariant at every
// element of the sample, as a validator walk would (ele-1 dominates).
func BenchmarkElementWalk(b *testing.B) {
	defs := r4(b)
	tree, _ := jsontree.Parse([]byte(benchObservation), jsontree.Options{})
	ctx := context.Background()
	root := ResourceNode(defs, tree, tree.Root())
	ev := &evaluator{ctx: ctx, env: &Env{Defs: defs, Tree: tree}, maxWork: DefaultMaxWork}
	type job struct {
		e   *Expr
		env *Env
	}
	var jobs []job
	for _, v := range append(Collection{root}, ev.descendantsOf(root)...) {
		n := v.(Node)
		for _, c := range applicable(defs, n) {
			e, err := CompileCached(c.Expression)
			if err != nil {
				b.Fatal(err)
			}
			jobs = append(jobs, job{e, &Env{Defs: defs, Tree: tree, Focus: n.ID, FocusType: n.Type, FocusElem: n.Elem, FocusCompanion: n.Ext}})
		}
	}
	b.ReportMetric(float64(len(jobs)), "evals/op")
	b.ReportAllocs()
	for b.Loop() {
		for _, j := range jobs {
			if _, err := j.e.EvaluateBool(ctx, j.env); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSyntheaWalk evaluates every applicable invariant at every
// element of a slice of the Synthea corpus (Patient, Encounter, Condition,
// MedicationRequest lines) and reports throughput in input bytes.
func BenchmarkSyntheaWalk(b *testing.B) {
	defs := r4(b)
	dir := filepath.Join(sharedDir(b), "corpus", "synthea-10-patients")
	var docs [][]byte
	for _, name := range []string{"Patient", "Encounter", "Condition", "MedicationRequest", "Procedure"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".000.ndjson"))
		if err != nil {
			b.Fatal(err)
		}
		lines := bytes.Split(data, []byte("\n"))
		for i, l := range lines {
			if i >= 200 {
				break
			}
			if len(bytes.TrimSpace(l)) > 0 {
				docs = append(docs, l)
			}
		}
	}
	size := 0
	for _, d := range docs {
		size += len(d)
	}
	ctx := context.Background()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			tree, _ := jsontree.Parse(d, jsontree.Options{})
			walkInvariants(ctx, defs, tree, func(key string, ok bool, err error) {
				if err != nil {
					b.Fatal(key, err)
				}
			})
		}
	}
}

// walkInvariants evaluates the applicable invariants at every element.
func walkInvariants(ctx context.Context, defs *definitions.Set, tree *jsontree.Tree, report func(key string, ok bool, err error)) {
	root := ResourceNode(defs, tree, tree.Root())
	ev := &evaluator{ctx: ctx, env: &Env{Defs: defs, Tree: tree}, maxWork: DefaultMaxWork}
	env := &Env{Defs: defs, Tree: tree}
	for _, v := range append(Collection{root}, ev.descendantsOf(root)...) {
		n := v.(Node)
		for _, c := range applicable(defs, n) {
			e, err := CompileCached(c.Expression)
			if err != nil {
				report(c.Key, false, err)
				continue
			}
			env.Focus, env.FocusType, env.FocusElem, env.FocusCompanion = n.ID, n.Type, n.Elem, n.Ext
			ok, err := e.EvaluateBool(ctx, env)
			report(c.Key, ok, err)
		}
	}
}

// BenchmarkSyntheaEvaluateOnly is BenchmarkSyntheaWalk without the walk:
// the (node, invariant) pairs are listed first, so only evaluation is timed.
func BenchmarkSyntheaEvaluateOnly(b *testing.B) {
	defs := r4(b)
	dir := filepath.Join(sharedDir(b), "corpus", "synthea-10-patients")
	type job struct {
		e   *Expr
		env Env
	}
	var jobs []job
	size := 0
	ctx := context.Background()
	for _, name := range []string{"Patient", "Encounter", "Condition", "MedicationRequest", "Procedure"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".000.ndjson"))
		if err != nil {
			b.Fatal(err)
		}
		for i, l := range bytes.Split(data, []byte("\n")) {
			if i >= 200 || len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			size += len(l)
			tree, _ := jsontree.Parse(l, jsontree.Options{})
			root := ResourceNode(defs, tree, tree.Root())
			ev := &evaluator{ctx: ctx, env: &Env{Defs: defs, Tree: tree}, maxWork: DefaultMaxWork}
			for _, v := range append(Collection{root}, ev.descendantsOf(root)...) {
				n := v.(Node)
				for _, c := range applicable(defs, n) {
					e, _ := CompileCached(c.Expression)
					jobs = append(jobs, job{e, Env{Defs: defs, Tree: tree, Focus: n.ID, FocusType: n.Type, FocusElem: n.Elem, FocusCompanion: n.Ext}})
				}
			}
		}
	}
	b.SetBytes(int64(size))
	b.ReportMetric(float64(len(jobs)), "evals/op")
	b.ReportAllocs()
	for b.Loop() {
		for i := range jobs {
			if _, err := jobs[i].e.EvaluateBool(ctx, &jobs[i].env); err != nil {
				b.Fatal(err)
			}
		}
	}
}
