package validator

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/internal/searchparams"
)

// findingsOf validates src with opts and lists "rule expression" of every
// finding of the given rules, in report order.
func findingsOf(t *testing.T, opts Options, src string, rules ...string) []string {
	t.Helper()
	v, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rep := v.Validate(context.Background(), FileInput("test.json", []byte(src)))
	var out []string
	for _, is := range rep.Findings {
		for _, r := range rules {
			if is.Rule == r {
				out = append(out, is.Severity.String()+" "+is.Rule+" "+is.Expression)
			}
		}
	}
	return out
}

func TestParityRules(t *testing.T) {
	const pat = `{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},`
	tests := []struct {
		name string
		opts Options
		src  string
		want string // findings joined by "; "
	}{
		{"unknown extension", Options{}, pat + `"extension":[{"url":"http://other.org/fhir/ext/age","valueInteger":3}]}`,
			"error extension.not-found Patient.extension[0]"},
		{"unknown core-namespace extension stays a warning", Options{}, pat + `"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/no-such-ext","valueInteger":3}]}`,
			"warning extension.unknown Patient.extension[0].url"},
		{"known core extension", Options{}, pat + `"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"X"}}]}`, ""},
		{"example domain allowed", Options{}, pat + `"extension":[{"url":"http://example.org/fhir/ext/age","valueInteger":3}]}`, ""},
		{"example domain disallowed", Options{DisallowExampleURLs: true}, pat + `"extension":[{"url":"http://example.org/fhir/ext/age","valueInteger":3}]}`,
			"error extension.not-found Patient.extension[0]; error url.example Patient.extension[0].url"},
		{"allowed domain", Options{ExtensionDomains: []string{"http://other.org/fhir/"}}, pat + `"extension":[{"url":"http://other.org/fhir/ext/age","valueInteger":3}]}`, ""},
		{"any extension", Options{ExtensionDomains: []string{"any"}}, pat + `"extension":[{"url":"http://other.org/fhir/ext/age","valueInteger":3}]}`, ""},
		{"cross-version extension", Options{}, pat + `"extension":[{"url":"http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.x","valueInteger":3}]}`, ""},
		{"attachment size", Options{}, pat + `"photo":[{"contentType":"text/plain","data":"aGVsbG8=","size":6}]}`,
			"error attachment.size Patient.photo[0]"},
		{"attachment size right", Options{}, pat + `"photo":[{"contentType":"text/plain","data":"aGVsbG8=","size":5,"hash":"qvTGHdzF6KLavt4PO0gs2a6pQ00="}]}`, ""},
		{"attachment hash wrong", Options{}, pat + `"photo":[{"contentType":"text/plain","data":"aGVsbG8=","hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAA="}]}`,
			"error attachment.hash Patient.photo[0]"},
		{"html in a string is a note", Options{}, pat + `"name":[{"text":"Standard <script>alert(1)</script>"}]}`,
			"information security.html-in-string Patient.name[0].text"},
		{"html in a string with security checks", Options{SecurityChecks: true}, pat + `"name":[{"text":"Standard <img src=x onerror=y>"}]}`,
			"error security.html-in-string Patient.name[0].text"},
		{"a less-than sign is not html", Options{SecurityChecks: true}, pat + `"name":[{"text":"blood pressure < 120 and > 80, x<y"}]}`, ""},
		{"comments reported", Options{}, pat + `/* c */ "active":true}`, "error json.syntax Patient.active"},
		{"comments allowed", Options{AllowComments: true}, pat + `/* c */ "active":true}`, ""},
		{"attachment hash not base64 sha-1", Options{}, pat + `"photo":[{"contentType":"text/plain","data":"aGVsbG8=","hash":"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"}]}`,
			"warning attachment.hash Patient.photo[0].hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(findingsOf(t, tc.opts, tc.src, "extension.not-found", "extension.unknown", "url.example", "attachment.size", "attachment.hash", "security.html-in-string", "json.syntax"), "; ")
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestResourceRules(t *testing.T) {
	const narr = `"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}`
	tests := []struct{ name, src, want string }{
		{"bundle link twice", `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://a/1"},{"relation":"next","url":"http://a/2"},{"relation":"self","url":"http://a/3"}]}`,
			"error bundle.link-once Bundle.link[2]"},
		{"bundle links once each", `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://a/1"},{"relation":"next","url":"http://a/2"}]}`, ""},
		{"searchset entries", `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://a/fhir/Observation?code=x"}],"entry":[` +
			`{"fullUrl":"http://a/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1"},"search":{"mode":"outcome"}},` +
			`{"fullUrl":"http://a/fhir/Observation/2","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"}},"search":{"mode":"match"}},` +
			`{"fullUrl":"http://a/fhir/Patient/3","resource":{"resourceType":"Patient","id":"3"},"search":{"mode":"match"}},` +
			`{"fullUrl":"http://a/fhir/Patient/4","resource":{"resourceType":"Patient","id":"4"},"search":{"mode":"include"}}]}`,
			"error bundle.search-entry Bundle.entry[0].resource; error bundle.search-entry Bundle.entry[1].resource; error bundle.search-entry Bundle.entry[2].resource"},
		{"searchset by _type, no modes", `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://a/fhir?_type=Patient,Group"}],"entry":[` +
			`{"fullUrl":"http://a/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1"}},` +
			`{"fullUrl":"http://a/fhir/Device/2","resource":{"resourceType":"Device","id":"2"}}]}`,
			"warning bundle.search-entry Bundle; warning bundle.search-entry Bundle.entry[1].resource"},
		{"searchset without self", `{"resourceType":"Bundle","type":"searchset"}`, "warning bundle.search-self Bundle"},
		{"paging link in a collection", `{"resourceType":"Bundle","type":"collection","link":[{"relation":"next","url":"http://a/2"}]}`,
			"error bundle.link-paging Bundle.link[0].relation"},
		{"versioned extension url", `{"resourceType":"Patient",` + narr + `,"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace|4.0.1","valueAddress":{"city":"X"}}]}`,
			"error extension.versioned-url Patient.extension[0]"},
		{"code system count", `{"resourceType":"CodeSystem",` + narr + `,"url":"http://x.org/cs","status":"active","content":"complete","count":3,"concept":[{"code":"a","concept":[{"code":"b"}]}]}`,
			"error codesystem.count CodeSystem.count"},
		{"code system count right", `{"resourceType":"CodeSystem",` + narr + `,"url":"http://x.org/cs","status":"active","content":"complete","count":2,"concept":[{"code":"a","concept":[{"code":"b"}]}]}`, ""},
		{"supplement content", `{"resourceType":"CodeSystem",` + narr + `,"url":"http://x.org/cs","status":"active","content":"complete","supplements":"http://x.org/base"}`,
			"error codesystem.supplement CodeSystem.content"},
		{"include system relative", `{"resourceType":"ValueSet",` + narr + `,"url":"http://x.org/vs","status":"active","compose":{"include":[{"system":"cs1"}]}}`,
			"error valueset.include-system ValueSet.compose.include[0]"},
		{"include system contained fragment", `{"resourceType":"ValueSet",` + narr + `,"contained":[{"resourceType":"CodeSystem","id":"c1","url":"http://x.org/c1","status":"active","content":"complete"}],"url":"http://x.org/vs","status":"active","compose":{"include":[{"system":"#c1"}]}}`,
			"warning valueset.include-system ValueSet.compose.include[0]"},
		{"canonical url relative", `{"resourceType":"ValueSet",` + narr + `,"url":"vs1","status":"active"}`,
			"error canonical.absolute ValueSet.url"},
		{"composite search parameter", `{"resourceType":"SearchParameter",` + narr + `,"url":"http://x.org/sp","name":"x","status":"active","description":"x","code":"x","base":["Patient"],"type":"composite","expression":"Patient"}`,
			"error searchparameter.composite SearchParameter"},
		{"derived search parameter on another base, of another type", `{"resourceType":"SearchParameter",` + narr + `,"url":"http://x.org/sp","name":"x","status":"active","description":"x","code":"name","base":["Patient"],"type":"token","expression":"Patient.name","derivedFrom":"http://hl7.org/fhir/SearchParameter/Organization-name|4.0.1"}`,
			"error searchparameter.derived-base SearchParameter; error searchparameter.derived-type SearchParameter"},
		{"derived search parameter of its base and type", `{"resourceType":"SearchParameter",` + narr + `,"url":"http://x.org/sp","name":"x","status":"active","description":"x","code":"name","base":["Organization"],"type":"string","expression":"Organization.name","derivedFrom":"http://hl7.org/fhir/SearchParameter/Organization-name"}`, ""},
		{"derived from a multi-base search parameter", `{"resourceType":"SearchParameter",` + narr + `,"url":"http://x.org/sp","name":"x","status":"active","description":"x","code":"code","base":["Condition"],"type":"token","expression":"Condition.code","derivedFrom":"http://hl7.org/fhir/SearchParameter/clinical-code"}`, ""},
		{"value set parameter used", vsParams("%p-inactive", "text/fhirpath"), ""},
		{"value set parameter unknown, declared one unused", vsParams("%p-other", "text/fhirpath"),
			"warning valueset.parameter-unused ValueSet.extension[0]; error valueset.parameter-unknown ValueSet.compose.include[0].filter[0].value.extension[0].valueExpression"},
		{"value set filter expression in CQL", vsParams("%p-inactive", "text/cql"),
			"warning valueset.parameter-unused ValueSet.extension[0]; error valueset.parameter-language ValueSet.compose.include[0].filter[0].value.extension[0].valueExpression"},
		{"filter on a boolean property", `{"resourceType":"ValueSet",` + narr + `,"url":"http://x.org/vs","status":"active","compose":{"include":[{"system":"http://x.org/cs","filter":[` +
			`{"property":"notSelectable","op":"=","value":"1"},{"property":"inactive","op":"=","value":"false"},{"property":"parent","op":"exists","value":"yes"},{"property":"parent","op":"=","value":"1"}]}]}}`,
			"error valueset.filter-boolean ValueSet.compose.include[0].filter[0]; error valueset.filter-boolean ValueSet.compose.include[0].filter[2]"},
		{"wrong display of a known code", `{"resourceType":"Patient",` + narr + `,"maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M","display":"Australia"}]}}`,
			"error code.display Patient.maritalStatus.coding[0].display"},
		{"display differing in case only", `{"resourceType":"Patient",` + narr + `,"maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M","display":"married "}]}}`, ""},
		{"display of a code system not known in full", `{"resourceType":"Patient",` + narr + `,"maritalStatus":{"coding":[{"system":"http://snomed.info/sct","code":"87915002","display":"Australia"}]}}`, ""},
		{"required code with only a data-absent-reason", `{"resourceType":"AllergyIntolerance",` + narr + `,"patient":{"reference":"Patient/1"},"_category":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}],` +
			`"_criticality":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}`,
			"error binding.no-code AllergyIntolerance._category[0]; error binding.no-code AllergyIntolerance._criticality"},
		{"required code with a value and extensions", `{"resourceType":"AllergyIntolerance",` + narr + `,"patient":{"reference":"Patient/1"},"category":["food"],"_category":[{"extension":[{"url":"http://x.org/e","valueString":"x"}]}]}`, ""},
		{"derived from an unknown search parameter", `{"resourceType":"SearchParameter",` + narr + `,"url":"http://x.org/sp","name":"x","status":"active","description":"x","code":"code","base":["Condition"],"type":"token","expression":"Condition.code","derivedFrom":"http://x.org/SearchParameter/other"}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(findingsOf(t, Options{}, tc.src, "bundle.link-once", "bundle.link-paging", "bundle.search-self", "bundle.search-entry", "extension.versioned-url", "codesystem.count",
				"codesystem.supplement", "valueset.include-system", "canonical.absolute", "searchparameter.composite",
				"searchparameter.derived-base", "searchparameter.derived-type", "valueset.parameter-language", "valueset.parameter-unknown", "valueset.parameter-unused", "valueset.filter-boolean", "code.display", "binding.no-code"), "; ")
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// vsParams is a ValueSet declaring the parameter p-inactive and filtering on
// an expression in a language.
func vsParams(expr, lang string) string {
	return `{"resourceType":"ValueSet","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},` +
		`"extension":[{"url":"http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter","extension":[{"url":"name","valueCode":"p-inactive"}]}],` +
		`"url":"http://x.org/vs","status":"active","compose":{"include":[{"system":"http://x.org/cs","filter":[{"property":"inactive","op":"=",` +
		`"_value":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/cqf-expression","valueExpression":{"language":"` + lang + `","expression":"` + expr + `"}}]}}]}]}}`
}

// TestSearchParamsGenerated: searchparams_gen.go is what the generator makes
// from the R4 core package (regenerate: see validator/internal/gensearch).
func TestSearchParamsGenerated(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedtest.Dir(t), "fhir", "hl7.fhir.r4.core-4.0.1.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := searchparams.Generate(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("searchparams_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("searchparams_gen.go is stale: go run ./validator/internal/gensearch ../shared/fhir/hl7.fhir.r4.core-4.0.1.tgz > validator/searchparams_gen.go")
	}
	if sp, ok := coreSearchParam("http://hl7.org/fhir/SearchParameter/clinical-code|4.0.1"); !ok || sp.typ != "token" || len(sp.bases) < 5 {
		t.Errorf("clinical-code: %+v %v", sp, ok)
	}
}

// A JWS signature with an attached payload signs the Bundle only when the
// payload is the Bundle without id, meta and signature.
func TestBundleSignaturePayload(t *testing.T) {
	const entry = `"entry":[{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0","resource":{"resourceType":"Basic","id":"b","code":{"text":"x"}}}]`
	jws := func(payload string) string {
		enc := base64.RawURLEncoding.EncodeToString
		return base64.StdEncoding.EncodeToString([]byte(enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(payload)) + "." + enc([]byte("sig"))))
	}
	bundle := func(data string) string {
		return `{"resourceType":"Bundle","id":"b1","meta":{"versionId":"1"},"type":"collection",` + entry + `,"signature":{"type":[{"system":"urn:iso-astm:E1762-95:2013","code":"1.2.840.10065.1.12.1.1"}],` +
			`"when":"2020-10-23T04:54:56Z","who":{"display":"X"},"sigFormat":"application/jose","data":"` + data + `"}}`
	}
	tests := []struct{ name, data, want string }{
		{"payload is the bundle", jws(`{"type":"collection","resourceType":"Bundle",` + entry + `}`), ""},
		{"payload differs", jws(`{"resourceType":"Bundle","type":"collection","entry":[]}`), "error signature.payload Bundle"},
		{"not a JWS", base64.StdEncoding.EncodeToString([]byte("this blob is snipped")), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(findingsOf(t, Options{}, bundle(tc.data), "signature.payload"), "; "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
