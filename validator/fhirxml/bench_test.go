package fhirxml

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/definitions"
)

// BenchmarkParse measures FHIR XML to the validator's tree (MB/s of XML):
// the R4 example Bundles converted to XML, about 4 MB.
func BenchmarkParse(b *testing.B) {
	defs, err := definitions.R4()
	if err != nil {
		b.Fatal(err)
	}
	var docs [][]byte
	total := 0
	sharedtest.EachJSON(b, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(name string, data []byte) {
		if total > 4<<20 {
			return
		}
		x, err := ToXML(data, defs)
		if err != nil {
			return
		}
		docs = append(docs, x)
		total += len(x)
	})
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			if tree, _ := Parse(d, defs); tree == nil {
				b.Fatal("no tree")
			}
		}
	}
}

// BenchmarkParseLarge measures one large document: a collection Bundle of
// R4 examples (about 10 MB of XML), the shape of a bulk payload.
func BenchmarkParseLarge(b *testing.B) {
	defs, err := definitions.R4()
	if err != nil {
		b.Fatal(err)
	}
	var bundle []byte
	bundle = append(bundle, `{"resourceType":"Bundle","type":"collection","entry":[`...)
	n := 0
	sharedtest.EachJSON(b, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(name string, data []byte) {
		if len(bundle) > 8<<20 || bytes.Contains(data, []byte(`"resourceType": "Bundle"`)) {
			return
		}
		if n > 0 {
			bundle = append(bundle, ',')
		}
		n++
		bundle = append(bundle, `{"fullUrl":"urn:uuid:00000000-0000-4000-8000-`...)
		bundle = append(bundle, fmt.Sprintf("%012d", n)...)
		bundle = append(bundle, `","resource":`...)
		bundle = append(bundle, data...)
		bundle = append(bundle, '}')
	})
	bundle = append(bundle, "]}"...)
	x, err := ToXML(bundle, defs)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(x)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if tree, _ := Parse(x, defs); tree == nil {
			b.Fatal("no tree")
		}
	}
}
