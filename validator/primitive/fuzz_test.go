package primitive

import (
	"testing"

	"github.com/fhirlens/fhirlens/validator/finding"
)

var fuzzTypes = []string{
	"boolean", "integer", "string", "decimal", "uri", "url", "canonical", "base64Binary",
	"instant", "date", "dateTime", "time", "code", "oid", "id", "markdown",
	"unsignedInt", "positiveInt", "uuid", "xhtml",
}

// FuzzCheck: no input panics, every problem is well-formed, and the number
// check agrees with the string check on number types.
func FuzzCheck(f *testing.F) {
	for _, c := range checkCases {
		f.Add(c.value)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, typ := range fuzzTypes {
			p := Check(typ, v)
			if p != nil && (p.Rule == "" || p.Message == "" || (p.Severity != finding.Error && p.Severity != finding.Warning)) {
				t.Fatalf("malformed problem for %s %q: %+v", typ, v, p)
			}
			if JSONKind(typ) == KindNumber && v != "" {
				q := CheckNumber(typ, []byte(v))
				if (p == nil) != (q == nil) {
					t.Fatalf("%s %q: Check=%v CheckNumber=%v", typ, v, p, q)
				}
			}
		}
	})
}
