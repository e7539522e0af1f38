package xhtml

import (
	"encoding/json"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/finding"
)

// sharedDir is the reference data folder (see package sharedtest).
func sharedDir(t *testing.T) string { return sharedtest.Dir(t) }

// narratives calls fn for every Narrative.div in the R4 examples package.
func narratives(t *testing.T, fn func(file, div string)) {
	sharedtest.EachJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(name string, data []byte) {
		var doc any
		if json.Unmarshal(data, &doc) != nil {
			return // not our concern here
		}
		walkDivs(doc, func(div string) { fn(name, div) })
	})
}

func walkDivs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		if text, ok := v["text"].(map[string]any); ok {
			if div, ok := text["div"].(string); ok {
				fn(div)
			}
		}
		for _, child := range v {
			walkDivs(child, fn)
		}
	case []any:
		for _, child := range v {
			walkDivs(child, fn)
		}
	}
}

// The R4 examples are meant to be valid: Check must not report errors on
// their narratives, and Sanitize must keep their text.
func TestR4ExampleNarratives(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test")
	}
	n, failures := 0, 0
	narratives(t, func(file, div string) {
		n++
		for _, p := range Check(div) {
			if p.Severity == finding.Error {
				failures++
				if failures <= 20 {
					t.Errorf("%s: %s at %d: %s", file, p.Rule, p.Offset, p.Message)
				}
			}
		}
		clean := Sanitize(div)
		for _, p := range Check(clean) {
			if p.Severity == finding.Error && p.Rule != "xhtml.empty" {
				t.Errorf("%s: sanitized narrative fails Check: %s: %s", file, p.Rule, p.Message)
			}
		}
	})
	t.Logf("%d narratives checked, %d errors", n, failures)
	if n < 3000 {
		t.Errorf("only %d narratives found; expected the R4 examples to have thousands", n)
	}
}
