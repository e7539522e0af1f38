package fhirpath

import (
	"context"
	"os"
	"runtime"
	"testing"
)

var fuzzSeeds = []string{
	"name.given", "1 + 2 * 3", "Patient.name.where(use = 'official').given.first()",
	"@2014-01-01T10:00:00.123+01:00 + 1 'ms'", "4 'mg' ~ 4.0 'mg'", "iif(a, b, c)",
	"%`vs-x`.memberOf(%resource)", "$this.repeat(children())", "a[0][1].b", "-(-1)",
	"x is FHIR.`Patient`", "'\\u0041'", "/* c */ 1 // d", "{}.empty()",
}

func fuzzCorpus(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	if _, err := os.Stat(sharedPath()); err == nil {
		for _, s := range corpusExpressions(f) {
			f.Add(s)
		}
	}
}

// FuzzCompile: the parser never panics, and what compiles prints back to
// an expression that compiles to the same text.
func FuzzCompile(f *testing.F) {
	fuzzCorpus(f)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			_ = err.(*Error).Caret()
			return
		}
		again, err := Compile(e.String())
		if err != nil {
			t.Fatalf("reparse %q -> %q: %v", src, e.String(), err)
		}
		if again.String() != e.String() {
			t.Fatalf("unstable print: %q -> %q -> %q", src, e.String(), again.String())
		}
	})
}

// FuzzEvaluate: evaluation never panics and stays within its budget.
func FuzzEvaluate(f *testing.F) {
	fuzzCorpus(f)
	tree := parseDoc(f, samplePatient)
	defs := r4(f)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			return
		}
		_, _ = e.Evaluate(context.Background(), &Env{Tree: tree, MaxWork: 20000})
		_, _ = e.Evaluate(context.Background(), &Env{Defs: defs, Tree: tree, MaxWork: 20000, Strict: len(src)%2 == 0})
		_, _ = e.EvaluateBool(context.Background(), &Env{Defs: defs, Tree: tree, MaxWork: 20000})
	})
}

// FuzzEvaluateBudget: whatever the expression, one evaluation under small
// budgets (20,000 items, 1 MB of strings) allocates a bounded amount
// (runtime.MemStats), so no expression in a profile can exhaust memory.
func FuzzEvaluateBudget(f *testing.F) {
	fuzzCorpus(f)
	for _, s := range []string{
		`'a'.repeat($this + $this)`, `'a'.repeat($this & $this)`, `'ab'.repeat(replace('a', 'aa'))`,
		`'ab'.repeat(replaceMatches('a', 'aa'))`, `(1 | 2 | 3).aggregate($total & $total, 'x')`,
		`'x'.repeat($this.encode('hex'))`, `'a'.repeat(($this | 'b').join($this))`,
		`descendants().select(descendants()).count()`, `name.given.repeat($this.toChars())`,
	} {
		f.Add(s)
	}
	tree := parseDoc(f, samplePatient)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			return
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = e.Evaluate(context.Background(), &Env{Tree: tree, MaxWork: 20_000, MaxBytes: 1 << 20})
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Fatalf("%q allocated %d MB under a 20,000-item, 1 MB budget", src, alloc>>20)
		}
	})
}
