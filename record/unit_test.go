package record

import (
	"strings"
	"testing"
	"time"
)

func TestCheckNHSNumber(t *testing.T) {
	tests := []struct {
		in    string
		valid bool
	}{
		{"9434765919", true},
		{"4010232137", true},
		{"9434765918", false}, // wrong check digit
		{"9990000000", false}, // check digit would be 10
		{"943476591", false},  // too short
		{"943 476 5919", false},
		{"94347659a9", false},
		{"", false},
	}
	for _, tt := range tests {
		if got, why := checkNHSNumber(tt.in); got != tt.valid {
			t.Errorf("checkNHSNumber(%q) = %v (%s), want %v", tt.in, got, why, tt.valid)
		}
	}
}

func TestAgeText(t *testing.T) {
	now := time.Date(2025, 6, 1, 15, 0, 0, 0, time.UTC)
	tests := []struct{ birth, want string }{
		{"1960-05-20", "65 years"},
		{"1960-06-01", "65 years"},
		{"1960-06-02", "64 years"},
		{"2023-06-02", "23 months"},
		{"2025-05-01", "1 month"},
		{"2025-05-20", "12 days"},
		{"1980", "about 45 years"},
		{"2024-02", "16 months"},
		{"2030-01-01", ""},
		{"garbage", ""},
	}
	for _, tt := range tests {
		if got := ageText(tt.birth, now); got != tt.want {
			t.Errorf("ageText(%q) = %q, want %q", tt.birth, got, tt.want)
		}
	}
}

// TestCountOf: what happened in an encounter, counted in clinical words.
func TestCountOf(t *testing.T) {
	tests := []struct {
		n          int
		kind, want string
	}{
		{1, "prescription", "1 prescription"},
		{3, "prescription", "3 prescriptions"},
		{2, "allergy", "2 allergies"},
		{2, "lab result", "2 lab results"},
		{2, "vital sign", "2 vital signs"},
		{2, "medication given", "2 medications given"},
		{4, "medication taken", "4 medications taken"},
		{2, "medication dispensed", "2 medications dispensed"},
		{2, "claim (billing)", "2 claims (billing)"},
		{2, "questionnaire answers", "2 questionnaire answers"},
		{2, "care plan", "2 care plans"},
	}
	for _, tt := range tests {
		if got := countOf(tt.n, tt.kind); got != tt.want {
			t.Errorf("countOf(%d, %q) = %q, want %q", tt.n, tt.kind, got, tt.want)
		}
	}
}

func TestSystemName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://snomed.info/sct", "SNOMED CT"},
		{"http://loinc.org", "LOINC"},
		{"http://hl7.org/fhir/sid/icd-10", "ICD-10"},
		{"https://dmd.nhs.uk", "dm+d"},
		{"http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm"},
		{"http://unitsofmeasure.org", "UCUM"},
		{"http://terminology.hl7.org/CodeSystem/condition-clinical", "HL7 condition-clinical"},
		{"http://terminology.hl7.org/CodeSystem/v3-ActCode", "HL7 v3 ActCode"},
		{"http://terminology.hl7.org/CodeSystem/v2-0203", "HL7 v2 table 0203"},
		{"http://example.org/codes", ""},
	}
	for _, tt := range tests {
		if got := systemName(tt.in); got != tt.want {
			t.Errorf("systemName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNarrativeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p><p>Two</p></div>`, "Hello world\nTwo"},
		{`<div><script>alert(1)</script>Safe</div>`, "Safe"},
		{`<div>Fish &amp; chips&nbsp;today</div>`, "Fish & chips today"},
		{`<div><table><tr><td>a</td><td>b</td></tr></table></div>`, "a b"},
		{`<div>unclosed <b>bold`, "unclosed bold"},
	}
	for _, tt := range tests {
		if got := narrativeText(tt.in); got != tt.want {
			t.Errorf("narrativeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestResolve(t *testing.T) {
	data := `{"resourceType":"Bundle","type":"collection","entry":[
	 {"fullUrl":"http://x.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1"}},
	 {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Practitioner","id":"2","identifier":[{"system":"npi","value":"77"}]}},
	 {"fullUrl":"http://x.org/fhir/Observation/3","resource":{"resourceType":"Observation","id":"3","contained":[{"resourceType":"Device","id":"dev"}]}}]}`
	in, err := splitInput([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	r := newResolver(in.items)
	obs := in.items[2]
	tests := []struct {
		ref, wantKey, wantContained string
	}{
		{"Patient/1", "entry:0", ""},
		{"http://x.org/fhir/Patient/1", "entry:0", ""},
		{"http://x.org/fhir/Patient/1/_history/4", "entry:0", ""},
		{"urn:uuid:2", "entry:1", ""},
		{"Practitioner?identifier=npi|77", "entry:1", ""},
		{"Practitioner/2", "entry:1", ""},
		{"#dev", "entry:2", "dev"},
		{"#nope", "", ""},
		{"Patient/9", "", ""},
		{"urn:uuid:9", "", ""},
	}
	for _, tt := range tests {
		target, contained, why := r.resolve(obs, tt.ref)
		key := ""
		if target != nil {
			key = target.key
		}
		if key != tt.wantKey || contained != tt.wantContained {
			t.Errorf("resolve(%q) = %q %q (%s), want %q %q", tt.ref, key, contained, why, tt.wantKey, tt.wantContained)
		}
	}
}

// TestFaithful checks that values samply would invent are shown as absent.
func TestFaithful(t *testing.T) {
	data := `{"resourceType":"Observation","id":"o","code":{"text":"Pulse"},"subject":{"reference":"Patient/x"},"valueQuantity":{"value":60}}`
	m, err := Summarize([]byte(data), Options{Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	c := m.Patients[0].Sections[0].Cards[0]
	if c.Status != "" {
		t.Errorf("status %q invented", c.Status)
	}
	for _, f := range c.Facts {
		if f.Label == "Status" && f.Absent != "absent" {
			t.Errorf("status fact %+v, want absent", f)
		}
		if strings.Contains(f.Text, "registered") {
			t.Errorf("invented value in %+v", f)
		}
	}
	if m.Patients[0].Banner.InInput || m.Patients[0].Key != "ref:Patient/x" {
		t.Errorf("referenced patient not shown as missing: %+v", m.Patients[0])
	}
}

func TestRejectsBadInput(t *testing.T) {
	for _, in := range []string{"", "   ", "[1,2]", "{}", `{"a":1}`, "hello", strings.Repeat("[", 100000), `{"resourceType":"Bundle","entry":` + strings.Repeat("[", 5000) + "}"} {
		if m, err := Summarize([]byte(in), Options{}); err == nil && len(allCards(m)) > 0 {
			t.Errorf("Summarize(%.20q) accepted", in)
		}
	}
}

func TestSanitizerHook(t *testing.T) {
	data := `{"resourceType":"Basic","id":"b","text":{"status":"generated","div":"<div><script>x</script>hi</div>"}}`
	m, err := Summarize([]byte(data), Options{SanitizeNarrative: func(string) string { return "<div>clean</div>" }})
	if err != nil {
		t.Fatal(err)
	}
	n := m.Unlinked[0].Cards[0].Narrative
	if n.XHTML != "<div>clean</div>" || n.Text != "hi" {
		t.Errorf("narrative %+v", n)
	}
}

func FuzzSummarize(f *testing.F) {
	for _, s := range []string{
		`{"resourceType":"Patient","id":"1","name":[{"given":["A"]}],"birthDate":"2000"}`,
		`{"resourceType":"Bundle","type":"document","entry":[{"resource":{"resourceType":"Composition","section":[{"entry":[{"reference":"#x"}]}]}}]}`,
		"{\"resourceType\":\"Observation\",\"status\":\"x\"}\n{\"resourceType\":\"Patient\"}\nnope\n",
		`{"resourceType":"MedicationRequest","medicationReference":{"reference":"Medication?identifier=a|b"},"subject":{"reference":"Patient/1"}}`,
		`{"resourceType":"DocumentReference","content":[{"attachment":{"data":"!!","contentType":"text/html"}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Summarize(data, Options{Now: goldenNow})
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("panic recovered: %v", err)
			}
			return
		}
		if len(allCards(m)) != m.Input.Resources {
			t.Fatalf("resources lost: %d cards for %d resources", len(allCards(m)), m.Input.Resources)
		}
	})
}

// TestOffsets checks that Location.Offset and Length point at each resource's
// bytes in the input as given, for bundles, ndjson and single resources.
func TestOffsets(t *testing.T) {
	inputs := []string{
		"\xef\xbb\xbf  {\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"a\"}}, {\"resource\": {\"resourceType\":\"Basic\",\"id\":\"b\"}}]}",
		"\n{\"resourceType\":\"Patient\",\"id\":\"a\"}\r\n  {\"resourceType\":\"Basic\",\"id\":\"b\"}\n\n{\"resourceType\":\"Basic\",\"id\":\"c\"}",
		"  {\"resourceType\":\"Basic\",\"id\":\"b\"}  ",
	}
	for _, in := range inputs {
		m, err := Summarize([]byte(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range allCards(m) {
			l := c.Location
			got := in[l.Offset : l.Offset+l.Length]
			if !strings.HasPrefix(got, "{\"resourceType\":\""+c.ResourceType) || !strings.HasSuffix(got, "}") {
				t.Errorf("%s: offset %d length %d gives %q", c.Key, l.Offset, l.Length, got)
			}
		}
	}
}

func TestDefaultSanitizer(t *testing.T) {
	data := `{"resourceType":"Basic","id":"b","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x()</script><a href=\"javascript:x()\" onclick=\"x()\">hi</a></div>"}}`
	m, err := Summarize([]byte(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := m.Unlinked[0].Cards[0].Narrative.XHTML
	for _, bad := range []string{"script", "javascript:", "onclick"} {
		if strings.Contains(x, bad) {
			t.Errorf("sanitized narrative keeps %q: %s", bad, x)
		}
	}
	if !strings.Contains(x, "hi") {
		t.Errorf("sanitized narrative lost its text: %s", x)
	}
}
