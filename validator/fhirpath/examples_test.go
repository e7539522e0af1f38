package fhirpath

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// forEachExample calls fn with every JSON example of the R4 examples package.
func forEachExample(t testing.TB, fn func(name string, data []byte)) {
	forEachPackageFile(t, "hl7.fhir.r4.examples-4.0.1.tgz", fn)
}

// forEachPackageFile calls fn with every JSON resource of a shared package.
func forEachPackageFile(t testing.TB, pkg string, fn func(name string, data []byte)) {
	sharedtest.EachJSON(t, "fhir/"+pkg, fn)
}

// applicable lists the constraints checked at a node: those of its element
// definition and those of its data type's root (ref-1 on every Reference).
func applicable(defs *definitions.Set, n Node) []definitions.Constraint {
	var out []definitions.Constraint
	seen := map[string]bool{}
	add := func(e *definitions.Element) {
		if e == nil {
			return
		}
		for _, c := range e.Constraints {
			if c.Expression != "" && !seen[c.Key] {
				seen[c.Key] = true
				out = append(out, c)
			}
		}
	}
	add(n.Elem)
	if t := defs.Type(n.Type); t != nil && t.Root != n.Elem {
		add(t.Root)
	}
	return out
}

// invariantRun tallies a walk of invariants over many resources.
type invariantRun struct {
	files, evals, disagree int
	errs, falses           map[string]int
	errSample, falseSample map[string]string
}

func newInvariantRun() *invariantRun {
	return &invariantRun{errs: map[string]int{}, falses: map[string]int{}, errSample: map[string]string{}, falseSample: map[string]string{}}
}

// check evaluates every applicable invariant at every element of one
// resource. Native intrinsics are compared with the generic evaluation.
func (r *invariantRun) check(t *testing.T, defs *definitions.Set, name string, data []byte) {
	ctx := context.Background()
	tree, _ := jsontree.Parse(data, jsontree.Options{})
	if tree == nil || !isResourceObject(tree, tree.Root()) {
		return
	}
	r.files++
	root := ResourceNode(defs, tree, tree.Root())
	ev := &evaluator{ctx: ctx, env: &Env{Defs: defs, Tree: tree}, maxWork: DefaultMaxWork}
	for _, v := range append(Collection{root}, ev.descendantsOf(root)...) {
		n := v.(Node)
		for _, c := range applicable(defs, n) {
			e, err := CompileCached(CorrectInvariant(c.Expression))
			if err != nil {
				t.Fatalf("%s: %v", c.Key, err)
			}
			env := &Env{Defs: defs, Tree: tree, Focus: n.ID, FocusType: n.Type, FocusElem: n.Elem, FocusCompanion: n.Ext}
			r.evals++
			ok, err := e.EvaluateBool(ctx, env)
			if err != nil {
				r.errs[c.Key]++
				r.errSample[c.Key] = fmt.Sprintf("%s at %s: %v", name, n.Name, err)
				continue
			}
			if e.fast != nil {
				slow := &Expr{src: e.src, root: e.root, slots: e.slots}
				want, err := slow.EvaluateBool(ctx, env)
				if err != nil || want != ok {
					r.disagree++
					if r.disagree < 10 {
						t.Errorf("%s: intrinsic %s gives %v, generic %v (%v) at %s", name, c.Key, ok, want, err, n.Name)
					}
				}
			}
			if !ok {
				r.falses[c.Key]++
				if _, have := r.falseSample[c.Key]; !have {
					r.falseSample[c.Key] = name
				}
			}
		}
	}
}

func (r *invariantRun) report(t *testing.T) {
	t.Logf("%d resources, %d invariant evaluations", r.files, r.evals)
	for _, k := range sortedKeys(r.falses) {
		t.Logf("false: %-10s %5d  e.g. %s", k, r.falses[k], r.falseSample[k])
	}
	for _, k := range sortedKeys(r.errs) {
		t.Errorf("cannot evaluate %s (%d times), e.g. %s", k, r.errs[k], r.errSample[k])
	}
}

// TestR4ExamplesInvariants evaluates every applicable R4 invariant at every
// element of the R4 examples (a stand-in for the validator's walk). No
// invariant may fail to evaluate; the count of false results (invalid
// examples or engine bugs) is logged by key.
func TestR4ExamplesInvariants(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: walks the whole examples package")
	}
	defs := r4(t)
	run := newInvariantRun()
	forEachExample(t, func(name string, data []byte) { run.check(t, defs, name, data) })
	run.report(t)
}

// TestR4CorePackageInvariants walks the conformance resources of the R4
// core package (StructureDefinitions exercise the eld-* and sdf-* rules,
// including primitives present only as `_code`).
func TestR4CorePackageInvariants(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: walks the whole core package")
	}
	defs := r4(t)
	run := newInvariantRun()
	forEachPackageFile(t, "hl7.fhir.r4.core-4.0.1.tgz", func(name string, data []byte) { run.check(t, defs, name, data) })
	run.report(t)
}

// TestSyntheaInvariants does the same over the Synthea corpus, where only
// dom-6 (no narrative, a best-practice warning) may be false.
func TestSyntheaInvariants(t *testing.T) {
	defs := r4(t)
	files, err := filepath.Glob(filepath.Join(sharedDir(t), "corpus", "synthea-10-patients", "*.ndjson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Synthea files: %v", err)
	}
	run := newInvariantRun()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				run.check(t, defs, fmt.Sprintf("%s:%d", filepath.Base(f), i+1), line)
			}
		}
	}
	run.report(t)
	for k := range run.falses {
		if k != "dom-6" {
			t.Errorf("%s is false %d times, e.g. %s", k, run.falses[k], run.falseSample[k])
		}
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
