package fhirxml_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
)

// findings lists a report's findings without positions, sorted.
func findings(rep *validator.Report) []string {
	var out []string
	for _, is := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s: %s", is.Severity, is.Rule, is.Expression, is.Message))
	}
	sort.Strings(out)
	return out
}

// TestR4ExamplesAsXML: each R4 example, converted to XML, validates with
// exactly the findings of its JSON twin (locations as FHIRPath; lines and
// columns differ by nature), so the XML form is as error-free as the JSON.
func TestR4ExamplesAsXML(t *testing.T) {
	defs, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	v, err := validator.New(validator.Options{Definitions: defs})
	if err != nil {
		t.Fatal(err)
	}
	n, differ, xmlErrorFree := 0, 0, 0
	sharedtest.EachJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(name string, data []byte) {
		n++
		x, err := fhirxml.ToXML(data, defs)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		rj := v.Validate(context.Background(), validator.FileInput(name, data))
		rx := v.Validate(context.Background(), validator.FileInput(strings.TrimSuffix(name, ".json")+".xml", x))
		if rx.Format != "xml" {
			t.Fatalf("%s: read as %q", name, rx.Format)
		}
		if !rx.HasErrors() {
			xmlErrorFree++
		}
		fj, fx := findings(rj), findings(rx)
		if strings.Join(fj, "\n") != strings.Join(fx, "\n") {
			differ++
			if differ <= 10 {
				t.Errorf("%s: findings differ\n--- JSON\n%s\n--- XML\n%s", name, strings.Join(fj, "\n"), strings.Join(fx, "\n"))
			}
		}
	})
	rate := float64(xmlErrorFree) / float64(n)
	t.Logf("%d examples as XML: %d error-free (%.2f%%), %d with findings different from the JSON", n, xmlErrorFree, 100*rate, differ)
	if rate < 0.99 {
		t.Errorf("XML error-free rate %.2f%% is under 99%%", 100*rate)
	}
}
