package validator

import (
	"context"
	"strings"
	"testing"
)

// TestUTF16And32AreNamed: UTF-16 and UTF-32 input is named, with how to
// convert it, not called binary data.
func TestUTF16And32AreNamed(t *testing.T) {
	text := `{"resourceType":"Patient"}`
	encode := func(bom []byte, unit int, big bool) []byte {
		out := append([]byte(nil), bom...)
		for _, r := range text {
			u := make([]byte, unit)
			if big {
				u[unit-1] = byte(r)
			} else {
				u[0] = byte(r)
			}
			out = append(out, u...)
		}
		return out
	}
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{encode([]byte{0xFF, 0xFE}, 2, false), "this is UTF-16 text (little-endian, with a byte-order mark); FHIR JSON must be UTF-8: convert it first (for example iconv -f UTF-16LE -t UTF-8)"},
		{encode([]byte{0xFE, 0xFF}, 2, true), "this is UTF-16 text (big-endian, with a byte-order mark)"},
		{encode([]byte{0xFF, 0xFE, 0, 0}, 4, false), "this is UTF-32 text (little-endian, with a byte-order mark)"},
		{encode([]byte{0, 0, 0xFE, 0xFF}, 4, true), "this is UTF-32 text (big-endian, with a byte-order mark); FHIR JSON must be UTF-8: convert it first (for example iconv -f UTF-32BE -t UTF-8)"},
		{encode(nil, 2, false), "this is UTF-16 text (little-endian, without a byte-order mark)"},
		{encode(nil, 4, true), "this is UTF-32 text (big-endian, without a byte-order mark)"},
	} {
		rep := v.Validate(context.Background(), FileInput("x.json", tc.data))
		if len(rep.Findings) != 1 || rep.Findings[0].Rule != "input.not-json" || !strings.Contains(rep.Findings[0].Message, tc.want) {
			t.Errorf("% x…: %v, want one input.not-json finding saying %q", tc.data[:6], rep.Findings, tc.want)
		}
	}
}

// TestComplexInvariantsOnlyOnObjects: ext-1 (and any complex type's
// invariant) is reported on an Extension object, never on a string, number,
// boolean or array standing where the Extension should be (those have
// their json.type finding).
func TestComplexInvariantsOnlyOnObjects(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := `{"resourceType":"Basic","code":{"text":"x"},"extension":[["a"], "a", 1, true, {"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason"}],"modifierExtension":[[]]}`
	rep := v.Validate(context.Background(), FileInput("x.json", []byte(data)))
	var ext1 []string
	jsonType := 0
	for _, f := range rep.Findings {
		switch f.Rule {
		case "ext-1":
			ext1 = append(ext1, f.Expression)
		case "json.type":
			jsonType++
		}
	}
	if len(ext1) != 1 || ext1[0] != "Basic.extension[4]" || jsonType != 5 {
		t.Errorf("ext-1 at %v and %d json.type findings; want ext-1 only at Basic.extension[4] (the object without a value) and 5 json.type", ext1, jsonType)
	}
}
