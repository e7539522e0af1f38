package primitive

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strconv"
	"strings"
	"testing"
)

type checkCase struct {
	typ, value string
	rule       string // "" = valid
	sev        finding.Severity
}

// ok, bad and warn keep the table readable.
func ok(typ, value string) checkCase         { return checkCase{typ, value, "", 0} }
func bad(typ, value, rule string) checkCase  { return checkCase{typ, value, rule, finding.Error} }
func warn(typ, value, rule string) checkCase { return checkCase{typ, value, rule, finding.Warning} }

var checkCases = []checkCase{
	// every type: empty is an error
	bad("string", "", "primitive.empty"),
	bad("date", "", "primitive.empty"),
	bad("boolean", "", "primitive.empty"),

	ok("boolean", "true"),
	ok("boolean", "false"),
	bad("boolean", "True", "primitive.boolean"),
	bad("boolean", "1", "primitive.boolean"),
	bad("boolean", " true", "primitive.boolean"),

	ok("integer", "0"),
	ok("integer", "-0"),
	ok("integer", "42"),
	ok("integer", "-2147483648"),
	ok("integer", "2147483647"),
	bad("integer", "2147483648", "primitive.integer"),
	bad("integer", "-2147483649", "primitive.integer"),
	bad("integer", "99999999999999999999", "primitive.integer"),
	bad("integer", "01", "primitive.integer"),
	bad("integer", "+1", "primitive.integer"),
	bad("integer", "1.0", "primitive.integer"),
	bad("integer", "1e3", "primitive.integer"),
	bad("integer", "-", "primitive.integer"),
	bad("integer", "abc", "primitive.integer"),

	ok("unsignedInt", "0"),
	ok("unsignedInt", "2147483647"),
	bad("unsignedInt", "-1", "primitive.unsignedInt"),
	bad("unsignedInt", "-0", "primitive.unsignedInt"),
	bad("unsignedInt", "2147483648", "primitive.unsignedInt"),
	bad("unsignedInt", "00", "primitive.unsignedInt"),

	ok("positiveInt", "1"),
	ok("positiveInt", "2147483647"),
	bad("positiveInt", "0", "primitive.positiveInt"),
	bad("positiveInt", "-5", "primitive.positiveInt"),
	bad("positiveInt", "2147483648", "primitive.positiveInt"),

	ok("decimal", "0"),
	ok("decimal", "-0.5"),
	ok("decimal", "3.14159"),
	ok("decimal", "1.0e10"),
	ok("decimal", "1E-7"),
	ok("decimal", "123456789012345678"),
	warn("decimal", "1234567890.123456789", "primitive.decimal-range"),
	warn("decimal", "1e12345", "primitive.decimal-range"),
	bad("decimal", "01.5", "primitive.decimal"),
	bad("decimal", ".5", "primitive.decimal"),
	bad("decimal", "5.", "primitive.decimal"),
	bad("decimal", "+5", "primitive.decimal"),
	bad("decimal", "1e", "primitive.decimal"),
	bad("decimal", "1.5.2", "primitive.decimal"),
	bad("decimal", "NaN", "primitive.decimal"),
	bad("decimal", "1,5", "primitive.decimal"),

	ok("string", "hello world"),
	ok("string", "line 1\nline 2"),
	ok("string", "ünïcödé ✓"),
	warn("string", "   ", "primitive.whitespace-only"),
	warn("string", " padded", "primitive.string-whitespace"),
	warn("string", "padded\n", "primitive.string-whitespace"),
	warn("string", "bell\x07", "primitive.control-chars"),
	bad("string", "bad \xff utf8", "primitive.utf8"),
	ok("markdown", "  # indented heading is fine in markdown\n"),
	warn("markdown", "\t\n", "primitive.whitespace-only"),

	ok("uri", "http://example.org/fhir"),
	ok("uri", "urn:ietf:rfc:3986"),
	ok("uri", "Patient/123"),
	ok("uri", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"),
	bad("uri", "http://example.org/a b", "primitive.uri"),
	bad("uri", "oid:1.2.3.4.5", "primitive.uri"),
	bad("uri", "uuid:c757873d-ec9a-4326-a141-556f43239520", "primitive.uri"),
	bad("uri", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", "primitive.uri"),
	bad("uri", "urn:uuid:not-a-uuid", "primitive.uri"),
	ok("url", "https://example.org/x?y=z"),
	bad("url", "https://example.org/\tx", "primitive.url"),
	ok("canonical", "http://hl7.org/fhir/StructureDefinition/Patient|4.0.1"),
	ok("canonical", "#contained-q"),
	ok("canonical", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520|1.0"),
	warn("canonical", "Questionnaire/abc", "primitive.canonical-relative"),

	ok("oid", "urn:oid:2.16.840.1.113883"),
	ok("oid", "urn:oid:1.3.6"),
	bad("oid", "2.16.840.1.113883", "primitive.oid"),
	bad("oid", "urn:oid:3.1.2", "primitive.oid"),
	bad("oid", "urn:oid:1.02.3", "primitive.oid"),
	bad("oid", "urn:oid:1..2", "primitive.oid"),
	bad("oid", "urn:oid:1.2.", "primitive.oid"),
	bad("oid", "urn:oid:1", "primitive.oid"),
	bad("oid", "urn:oid:X.Y.Z", "primitive.oid"),
	warn("oid", "urn:oid:1.2.3", "primitive.oid-root"),

	ok("uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"),
	bad("uuid", "c757873d-ec9a-4326-a141-556f43239520", "primitive.uuid"),
	bad("uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", "primitive.uuid"),
	bad("uuid", "urn:uuid:c757873dec9a4326a141556f43239520", "primitive.uuid"),
	bad("uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f4323952g", "primitive.uuid"),

	ok("id", "a"),
	ok("id", "example-1.2"),
	ok("id", strings.Repeat("x", 64)),
	bad("id", strings.Repeat("x", 65), "primitive.id"),
	bad("id", "has_underscore", "primitive.id"),
	bad("id", "has space", "primitive.id"),
	bad("id", "Patient/1", "primitive.id"),
	bad("id", "ümlaut", "primitive.id"),

	ok("code", "final"),
	ok("code", "a b c"),
	ok("code", "mg/dL"),
	bad("code", " final", "primitive.code"),
	bad("code", "final ", "primitive.code"),
	bad("code", "a  b", "primitive.code"),
	bad("code", "   ", "primitive.code"),

	ok("date", "2024"),
	ok("date", "2024-02"),
	ok("date", "2024-02-29"),
	ok("date", "2000-02-29"),
	ok("date", "1984-12-31"),
	bad("date", "1900-02-29", "primitive.date"),
	bad("date", "2023-02-29", "primitive.date"),
	bad("date", "2023-02-30", "primitive.date"),
	bad("date", "2023-04-31", "primitive.date"),
	bad("date", "1984-13-02", "primitive.date"),
	bad("date", "1984-00", "primitive.date"),
	bad("date", "1984-01-00", "primitive.date"),
	bad("date", "0000", "primitive.date"),
	bad("date", "84-01-01", "primitive.date"),
	bad("date", "19840", "primitive.date"),
	bad("date", "1984-1-1", "primitive.date"),
	bad("date", "1984/01/01", "primitive.date"),
	bad("date", "1984-01-01T10:00:00Z", "primitive.date"),
	warn("date", "1066-10-14", "primitive.year-range"),
	warn("date", "9999", "primitive.year-range"),

	ok("dateTime", "2015"),
	ok("dateTime", "2015-02"),
	ok("dateTime", "2015-02-07"),
	ok("dateTime", "2015-02-07T13:28:17Z"),
	ok("dateTime", "2015-02-07T13:28:17-05:00"),
	ok("dateTime", "2015-02-07T13:28:17.239+02:00"),
	ok("dateTime", "2016-12-31T23:59:60Z"),
	ok("dateTime", "2015-02-07T13:28:17+14:00"),
	ok("dateTime", "2015-02-07T13:28:17-13:59"),
	bad("dateTime", "2015-02-07T13:28:17", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:28Z", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T24:00:00Z", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:60:00Z", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:28:61Z", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:28:17.Z", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:28:17+15:00", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:28:17+14:30", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:28:17+0500", "primitive.dateTime"),
	bad("dateTime", "2015-02-07 13:28:17Z", "primitive.dateTime"),
	bad("dateTime", "2015-02T13:28:17Z", "primitive.dateTime"),
	bad("dateTime", "2015-02-30", "primitive.dateTime"),
	bad("dateTime", "2015-02-07T13:28:17z", "primitive.dateTime"),

	ok("instant", "2015-02-07T13:28:17.239+02:00"),
	ok("instant", "2015-02-07T13:28:17Z"),
	bad("instant", "2015-02-07", "primitive.instant"),
	bad("instant", "2015-02-07T13:28:17", "primitive.instant"),
	bad("instant", "2015-02-07T13:28Z", "primitive.instant"),
	bad("instant", "2015", "primitive.instant"),
	bad("instant", "2015-02-29T13:28:17Z", "primitive.instant"),

	ok("time", "00:00:00"),
	ok("time", "23:59:59"),
	ok("time", "13:28:17.239"),
	bad("time", "24:00:00", "primitive.time"),
	bad("time", "13:28", "primitive.time"),
	bad("time", "13:28:17Z", "primitive.time"),
	bad("time", "1:28:17", "primitive.time"),
	bad("time", "13:28:17.", "primitive.time"),

	ok("base64Binary", "aGVsbG8="),
	ok("base64Binary", "aGVsbG8h"),
	ok("base64Binary", "aGVs+/8="),
	ok("base64Binary", "aGk="),
	ok("base64Binary", "YQ=="),
	warn("base64Binary", "aGVs\nbG8h", "primitive.base64-whitespace"),
	bad("base64Binary", "aGVsbG8", "primitive.base64Binary"),
	bad("base64Binary", "aGVs bG8", "primitive.base64Binary"),
	bad("base64Binary", "a===", "primitive.base64Binary"),
	bad("base64Binary", "YQ==YQ==", "primitive.base64Binary"),
	bad("base64Binary", "aGVs*G8h", "primitive.base64Binary"),
	bad("base64Binary", "aGVs-G8_", "primitive.base64Binary"), // base64url is not base64
	bad("base64Binary", "   ", "primitive.base64Binary"),

	// unknown types are not checked
	ok("HumanName", ""),
	ok("integer64", "x"),
}

func TestCheck(t *testing.T) {
	for _, c := range checkCases {
		p := Check(c.typ, c.value)
		name := c.typ + " " + strconv.Quote(c.value)
		switch {
		case c.rule == "" && p != nil:
			t.Errorf("%s: want valid, got %s %s: %s", name, p.Severity, p.Rule, p.Message)
		case c.rule != "" && p == nil:
			t.Errorf("%s: want %s %s, got valid", name, c.sev, c.rule)
		case c.rule != "" && (p.Rule != c.rule || p.Severity != c.sev):
			t.Errorf("%s: want %s %s, got %s %s: %s", name, c.sev, c.rule, p.Severity, p.Rule, p.Message)
		case p != nil && !strings.Contains(p.Message, ""):
		}
	}
}

// Messages say what is wrong and what is expected.
func TestCheckMessages(t *testing.T) {
	cases := []struct{ typ, value, want string }{
		{"date", "1984-13-02", "'1984-13-02' is not a valid date: month 13 is out of range (01-12) (expected YYYY, YYYY-MM or YYYY-MM-DD)"},
		{"date", "2023-02-29", "'2023-02-29' is not a valid date: 2023 is not a leap year, so February has no 29th day (expected YYYY, YYYY-MM or YYYY-MM-DD)"},
		{"dateTime", "2015-02-07T13:28:17", "a timezone (Z or +hh:mm) is required when a time is given"},
		{"dateTime", "2015-02-07T13:28Z", "seconds are required"},
		{"positiveInt", "0", "'0' is not a valid positiveInt: must be 1 or greater"},
		{"integer", "2147483648", "out of range (-2147483648 to 2147483647)"},
		{"id", "a_b", "'_' is not allowed"},
		{"uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", "UUIDs must be lowercase"},
		{"string", "tab\x01", `'tab\x01'`},
		{"code", "a  b", "more than one whitespace character in a row"},
	}
	for _, c := range cases {
		p := Check(c.typ, c.value)
		if p == nil {
			t.Errorf("%s %q: no problem", c.typ, c.value)
			continue
		}
		if !strings.Contains(p.Message, c.want) {
			t.Errorf("%s %q: message %q does not contain %q", c.typ, c.value, p.Message, c.want)
		}
	}
}

func TestStringLength(t *testing.T) {
	long := strings.Repeat("a", MaxStringLength)
	if p := Check("string", long); p != nil {
		t.Errorf("string of exactly 1 MB: %v", p.Message)
	}
	if p := Check("string", long+"a"); p == nil || p.Rule != "primitive.string-length" {
		t.Errorf("string over 1 MB: got %+v", p)
	}
	// 1 MB of bytes but fewer characters is fine.
	multi := strings.Repeat("é", MaxStringLength/2+10)
	if p := Check("string", multi); p != nil {
		t.Errorf("multi-byte string under 1M characters: %v", p.Message)
	}
}

func TestCheckNumber(t *testing.T) {
	cases := []struct {
		typ, raw, rule string
	}{
		{"integer", "12", ""},
		{"integer", "-12", ""},
		{"integer", "1.0", "primitive.integer"},
		{"integer", "1e2", "primitive.integer"},
		{"integer", "3000000000", "primitive.integer"},
		{"unsignedInt", "0", ""},
		{"unsignedInt", "-1", "primitive.unsignedInt"},
		{"positiveInt", "0", "primitive.positiveInt"},
		{"positiveInt", "7", ""},
		{"decimal", "1.50", ""},
		{"decimal", "-1.5e-3", ""},
		{"decimal", "007", "primitive.decimal"},
		{"string", "12", "primitive.json-type"},
		{"boolean", "1", "primitive.json-type"},
		{"Quantity", "1", ""},
	}
	for _, c := range cases {
		p := CheckNumber(c.typ, []byte(c.raw))
		got := ""
		if p != nil {
			got = p.Rule
		}
		if got != c.rule {
			t.Errorf("CheckNumber(%s, %s) = %q, want %q", c.typ, c.raw, got, c.rule)
		}
	}
}

func TestJSONKind(t *testing.T) {
	cases := map[string]Kind{
		"boolean": KindBoolean, "integer": KindNumber, "decimal": KindNumber,
		"positiveInt": KindNumber, "unsignedInt": KindNumber, "string": KindString,
		"date": KindString, "xhtml": KindString, "integer64": KindUnknown, "Patient": KindUnknown,
	}
	for typ, want := range cases {
		if got := JSONKind(typ); got != want {
			t.Errorf("JSONKind(%s) = %s, want %s", typ, got, want)
		}
	}
}

func TestXHTMLDelegates(t *testing.T) {
	const ns = `<div xmlns="http://www.w3.org/1999/xhtml">`
	if p := Check("xhtml", ns+"<p>fine</p></div>"); p != nil {
		t.Fatalf("valid narrative: %+v", p)
	}
	if p := Check("xhtml", ns+"<script>x</script></div>"); p == nil || p.Rule != "xhtml.element" || p.Severity != finding.Error {
		t.Fatalf("script: %+v", p)
	}
	if p := Check("xhtml", ns+"</div>"); p == nil || p.Rule != "xhtml.empty" || p.Severity != finding.Warning {
		t.Fatalf("empty: %+v", p)
	}
}

// The common valid case must not allocate.
func TestCheckDoesNotAllocate(t *testing.T) {
	valid := []checkCase{
		ok("string", "Peter James"), ok("date", "1974-12-25"), ok("dateTime", "2015-02-07T13:28:17-05:00"),
		ok("instant", "2015-02-07T13:28:17.239+02:00"), ok("code", "final"), ok("id", "example"),
		ok("uri", "http://loinc.org"), ok("uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"),
		ok("oid", "urn:oid:2.16.840.1.113883"), ok("base64Binary", "aGVsbG8="), ok("decimal", "3.14"),
		ok("boolean", "true"), ok("time", "10:00:00"), ok("canonical", "http://hl7.org/fhir/ValueSet/x|1"),
	}
	raw := []byte("12345")
	n := testing.AllocsPerRun(100, func() {
		for _, c := range valid {
			if Check(c.typ, c.value) != nil {
				panic(c.typ)
			}
		}
		if CheckNumber("positiveInt", raw) != nil {
			panic("positiveInt")
		}
	})
	if n != 0 {
		t.Errorf("valid values allocate: %v allocations per run", n)
	}
}
