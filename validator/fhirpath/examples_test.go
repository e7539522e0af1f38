package fhirpath

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// forEachExample calls fn with every JSON example of the R4 examples package.
func forEachExample(t testing.TB, fn func(name string, data []byte)) {
	f, err := os.Open(filepath.Join(sharedDir(t), "fhir", "hl7.fhir.r4.examples-4.0.1.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(h.Name, ".json") || strings.HasSuffix(h.Name, "package.json") || strings.Contains(h.Name, ".index.") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		fn(h.Name, data)
	}
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

// TestR4ExamplesInvariants evaluates every applicable R4 invariant at every
// element of the R4 examples (a stand-in for the validator's walk). No
// invariant may fail to evaluate; the count of false results (invalid
// examples or engine bugs) is logged by key. Native intrinsics (ele-1) are
// checked against the generic evaluation at every element.
func TestR4ExamplesInvariants(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: walks the whole examples package")
	}
	defs := r4(t)
	ctx := context.Background()
	files, evals, disagree := 0, 0, 0
	errs := map[string]int{}
	errSample := map[string]string{}
	falses := map[string]int{}
	falseSample := map[string]string{}
	forEachExample(t, func(name string, data []byte) {
		tree, _ := jsontree.Parse(data, jsontree.Options{})
		if tree == nil || !isResourceObject(tree, tree.Root()) {
			return
		}
		files++
		root := ResourceNode(defs, tree, tree.Root())
		ev := &evaluator{ctx: ctx, env: &Env{Defs: defs, Tree: tree}, maxWork: DefaultMaxWork}
		nodes := append(Collection{root}, ev.descendantsOf(root)...)
		for _, v := range nodes {
			n := v.(Node)
			for _, c := range applicable(defs, n) {
				e, err := CompileCached(c.Expression)
				if err != nil {
					t.Fatalf("%s: %v", c.Key, err)
				}
				env := &Env{Defs: defs, Tree: tree, Focus: n.ID, FocusType: n.Type, FocusElem: n.Elem}
				if n.ID == jsontree.None {
					env.FocusCompanion = n.Ext
				}
				evals++
				ok, err := e.EvaluateBool(ctx, env)
				if err != nil {
					errs[c.Key]++
					errSample[c.Key] = fmt.Sprintf("%s at %s: %v", name, n.Name, err)
					continue
				}
				if e.fast != nil {
					// The native version must agree with the generic evaluation.
					slow := &Expr{src: e.src, root: e.root, slots: e.slots}
					want, err := slow.EvaluateBool(ctx, env)
					if err != nil || want != ok {
						disagree++
						if disagree < 10 {
							t.Errorf("%s: intrinsic %s gives %v, generic %v (%v) at %s", name, c.Key, ok, want, err, n.Name)
						}
					}
				}
				if !ok {
					falses[c.Key]++
					if _, have := falseSample[c.Key]; !have {
						falseSample[c.Key] = name
					}
				}
			}
		}
	})
	t.Logf("%d examples, %d invariant evaluations", files, evals)
	for _, k := range sortedKeys(falses) {
		t.Logf("false: %-10s %5d  e.g. %s", k, falses[k], falseSample[k])
	}
	for _, k := range sortedKeys(errs) {
		t.Errorf("cannot evaluate %s (%d times), e.g. %s", k, errs[k], errSample[k])
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
