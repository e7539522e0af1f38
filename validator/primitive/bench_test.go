package primitive

import "testing"

func BenchmarkCheck(b *testing.B) {
	values := []checkCase{
		ok("string", "Peter James Chalmers"), ok("date", "1974-12-25"),
		ok("dateTime", "2015-02-07T13:28:17-05:00"), ok("code", "final"), ok("id", "example"),
		ok("uri", "http://loinc.org"), ok("decimal", "185.5"), ok("boolean", "true"),
		ok("uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"), ok("base64Binary", "aGVsbG8gd29ybGQ="),
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range values {
			Check(c.typ, c.value)
		}
	}
}
