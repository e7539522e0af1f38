package validator

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/hostile"
)

// TestHostileCorpus validates every hostile shape of issue 17 at full scale
// (made in memory) and checks the outcome, the exact counts, that the kept
// findings stay bounded, and that the allocations (runtime.MemStats, not
// wall-clock) stay within a linear budget per repeated unit: a quadratic
// path at these scales would exceed it by orders of magnitude.
func TestHostileCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds inputs of up to 15 MB")
	}
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	type check func(t *testing.T, rep *Report, n int)
	count := func(rep *Report, rule string) int { return perRule(rep)[rule] }
	exactly := func(rule string, delta int) check {
		return func(t *testing.T, rep *Report, n int) {
			if got := count(rep, rule); got != n+delta {
				t.Errorf("%s counted %d times, want %d", rule, got, n+delta)
			}
		}
	}
	says := func(rule, text string) check {
		return func(t *testing.T, rep *Report, n int) {
			for _, f := range rep.Findings {
				if f.Rule == rule && strings.Contains(f.Message, text) {
					return
				}
			}
			t.Errorf("no %s finding saying %q in %v", rule, text, head(rep.Findings))
		}
	}
	noErrors := func(t *testing.T, rep *Report, n int) {
		if rep.HasErrors() || count(rep, "invariant.error") > 0 {
			t.Errorf("%d fatal, %d errors, %d invariant.error; want none: %v", rep.Summary.Fatal, rep.Summary.Error, count(rep, "invariant.error"), head(rep.Findings))
		}
	}
	cases := map[string]struct {
		perUnit int // bytes allocated per repeated unit (entry, key, KB …)
		checks  []check
	}{
		"entries-without-fullurl":   {6 << 10, []check{exactly("bundle.fullurl-missing", 0)}},
		"contained-hash-references": {8 << 10, []check{noErrors}},
		"references":                {6 << 10, []check{noErrors}},
		"empty-entries":             {3 << 10, []check{exactly("bdl-5", 0), exactly("ele-1", 0)}},
		"duplicate-keys":            {3 << 10, []check{exactly("json.duplicate-key", -1)}},
		"deep-nesting":              {64, []check{says("json.depth", "deeper than 512 levels")}},
		"long-string":               {3 << 10, []check{says("primitive.string-length", "the maximum is 1 MB")}},
		"terminal-escapes":          {0, []check{says("primitive.control-chars", `U+001B`)}},
		"utf16-bom":                 {0, []check{says("input.not-json", "this is UTF-16 text (little-endian, with a byte-order mark); FHIR JSON must be UTF-8")}},
	}
	for _, c := range hostile.Cases() {
		want, ok := cases[c.Name]
		if !ok {
			t.Errorf("no expectations for hostile case %s", c.Name)
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			data := c.Make(c.N)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			rep := v.Validate(context.Background(), FileInput(c.Name+".json", data))
			runtime.ReadMemStats(&after)
			budget := uint64(want.perUnit*c.N) + 32<<20
			alloc := after.TotalAlloc - before.TotalAlloc
			if alloc > budget {
				t.Errorf("allocated %d MB for %d units (%d KB input), budget %d MB", alloc>>20, c.N, len(data)>>10, budget>>20)
			}
			t.Logf("%d units, %d KB input: %d MB allocated (budget %d MB), %d findings kept of %d", c.N, len(data)>>10, alloc>>20, budget>>20, len(rep.Findings), len(rep.Findings)+rep.Omitted())
			kept := map[string]int{}
			for _, f := range rep.Findings {
				kept[f.Rule]++
			}
			for rule, k := range kept {
				if k > 1000 {
					t.Errorf("%d %s findings kept; the per-rule limit is 1000", k, rule)
				}
			}
			for _, ch := range want.checks {
				ch(t, rep, c.N)
			}
		})
	}
}

func head(fs []Finding) []Finding {
	return fs[:min(len(fs), 3)]
}

// TestHostileExamplesUpToDate: testdata/hostile holds what the generator
// writes (go generate ./internal/hostile), README included, and nothing else.
func TestHostileExamplesUpToDate(t *testing.T) {
	examples := hostile.Examples()
	for _, name := range slices.Sorted(maps.Keys(examples)) {
		got, err := os.ReadFile(filepath.Join("..", "testdata", "hostile", name))
		if err != nil || !bytes.Equal(got, examples[name]) {
			t.Errorf("testdata/hostile/%s is stale or missing (%v): run go generate ./internal/hostile", name, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join("..", "testdata", "hostile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := examples[e.Name()]; !ok {
			t.Errorf("testdata/hostile/%s is not made by the generator: remove it", e.Name())
		}
	}
}
