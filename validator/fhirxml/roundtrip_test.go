package fhirxml

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/definitions"
)

// roundTrip checks one JSON resource: JSON → XML → JSON gives the same
// content (member order aside), and the canonical forms are fixed points.
func roundTrip(t testing.TB, defs *definitions.Set, name string, data []byte) (ok bool, why string) {
	x1, err := ToXML(data, defs)
	if err != nil {
		return false, "to XML: " + err.Error()
	}
	j1, err := ToJSON(x1, defs)
	if err != nil {
		return false, "back to JSON: " + err.Error()
	}
	var a, b any
	if err := decode(data, &a); err != nil {
		return false, "original: " + err.Error()
	}
	if err := decode(j1, &b); err != nil {
		return false, "converted: " + err.Error()
	}
	if !reflect.DeepEqual(a, b) {
		return false, "content differs: " + firstDiff(a, b, "")
	}
	x2, err := ToXML(j1, defs)
	if err != nil {
		return false, "second XML: " + err.Error()
	}
	if !bytes.Equal(x1, x2) {
		return false, "XML not stable"
	}
	j2, err := ToJSON(x2, defs)
	if err != nil || !bytes.Equal(j1, j2) {
		return false, "JSON not stable"
	}
	return true, ""
}

func decode(data []byte, v *any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

func firstDiff(a, b any, path string) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return path + ": object vs " + describe(b)
		}
		for k := range av {
			if _, ok := bv[k]; !ok {
				return path + "." + k + ": missing after the round trip"
			}
			if !reflect.DeepEqual(av[k], bv[k]) {
				return firstDiff(av[k], bv[k], path+"."+k)
			}
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				return path + "." + k + ": added by the round trip"
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return path + ": array vs " + describe(b)
		}
		for i := range av {
			if !reflect.DeepEqual(av[i], bv[i]) {
				return firstDiff(av[i], bv[i], path+"[]")
			}
		}
	}
	return path + ": " + describe(a) + " vs " + describe(b)
}

func describe(v any) string {
	s, _ := json.Marshal(v)
	if len(s) > 120 {
		s = append(s[:120], "..."...)
	}
	return string(s)
}

// TestRoundTripR4Examples: every R4 example converts JSON → XML → JSON
// with the same content, and the canonical forms are stable.
func TestRoundTripR4Examples(t *testing.T) {
	defs, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	n, bad := 0, 0
	sharedtest.EachJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(name string, data []byte) {
		n++
		if ok, why := roundTrip(t, defs, name, data); !ok {
			bad++
			if bad <= 20 {
				t.Errorf("%s: %s", strings.TrimPrefix(name, "package/"), why)
			}
		}
	})
	t.Logf("%d examples, %d failed the round trip", n, bad)
	if n < 5000 {
		t.Fatalf("only %d examples read", n)
	}
}
