package validator

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// The R4 examples are meant to be valid. Each one that still has errors is
// listed in testdata/r4-examples-allowlist.txt with the reason; the test
// fails on an unlisted example with errors and on a listed one that is clean,
// so the list can only shrink.
const allowlistFile = "testdata/r4-examples-allowlist.txt"

func TestR4ExamplesConformance(t *testing.T) {
	files := sharedtest.PackageJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz")
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	allowed := sharedtest.ReadReasons(t, allowlistFile, "#")
	clean, failing := 0, map[string]string{}
	for _, f := range files {
		rep := v.Validate(context.Background(), FileInput(f.Name, f.Data))
		checkRulesRegistered(t, f.Name, rep)
		var first *Finding
		n := 0
		for i := range rep.Findings {
			if rep.Findings[i].Severity <= Error {
				if first == nil {
					first = &rep.Findings[i]
				}
				n++
			}
		}
		if first == nil {
			clean++
			continue
		}
		failing[f.Name] = fmt.Sprintf("%d errors, first: %s %s: %s", n, first.Rule, first.Expression, first.Message)
	}
	rate := 100 * float64(clean) / float64(len(files))
	t.Logf("R4 examples: %d of %d error-free (%.2f%%)", clean, len(files), rate)
	if os.Getenv("FHIRLENS_LIST_FAILING") != "" {
		for _, f := range files {
			if msg, ok := failing[f.Name]; ok {
				t.Logf("%s\t%s", f.Name, msg)
			}
		}
	}
	for _, f := range files {
		msg, fails := failing[f.Name]
		_, listed := allowed[f.Name]
		switch {
		case fails && !listed:
			t.Errorf("%s has errors and is not in %s: %s", f.Name, allowlistFile, msg)
		case !fails && listed:
			t.Errorf("%s is now error-free: remove it from %s", f.Name, allowlistFile)
		}
		delete(allowed, f.Name)
	}
	for _, name := range slices.Sorted(maps.Keys(allowed)) {
		t.Errorf("%s is listed in %s but is not an R4 example: remove it", name, allowlistFile)
	}
	if rate < 99 {
		t.Errorf("only %.2f%% of the R4 examples are error-free; at least 99%% must be", rate)
	}
}
