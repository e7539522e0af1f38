package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// schemas runs .ci/fetch-report-schemas.sh once: the published SARIF 2.1.0
// schema and the JUnit XSD from npm packages, and xmllint. Unavailable, the
// test skips, except with CI=true, where it fails.
var schemas = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(os.TempDir(), "fhirlens-schemas")
	out, err := exec.Command("bash", filepath.Join(sharedtest.Root(), ".ci", "fetch-report-schemas.sh"), dir).CombinedOutput()
	if err != nil {
		return "", &exec.Error{Name: "fetch-report-schemas.sh", Err: errorString(strings.TrimSpace(string(out)) + ": " + err.Error())}
	}
	return dir, nil
})

type errorString string

func (e errorString) Error() string { return string(e) }

func schemaDir(t *testing.T) string {
	t.Helper()
	dir, err := schemas()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("schemas unavailable: %v", err)
		}
		t.Skipf("schemas unavailable: %v", err)
	}
	return dir
}

func compileSARIF(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(schemaDir(t), "sarif-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateJSON(s *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

func TestSARIFSchema(t *testing.T) {
	s := compileSARIF(t)
	for name, r := range sampleReports(t) {
		if err := validateJSON(s, r.SARIF()); err != nil {
			t.Errorf("%s: SARIF fails the 2.1.0 schema: %v", name, err)
		}
	}
	// The check can fail: a level the schema does not allow.
	bad := bytes.Replace(sampleReports(t)["validate"].SARIF(), []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)
	if validateJSON(s, bad) == nil {
		t.Error("a SARIF log with level \"fatal\" passed the schema")
	}
}

func xmllint(t *testing.T, xsd string, data []byte) error {
	t.Helper()
	f := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		return errorString(string(out))
	}
	return nil
}

func TestJUnitSchema(t *testing.T) {
	xsd := filepath.Join(schemaDir(t), "jenkins-junit.xsd")
	for name, r := range sampleReports(t) {
		if err := xmllint(t, xsd, r.JUnit()); err != nil {
			t.Errorf("%s: JUnit XML fails the schema: %v", name, err)
		}
	}
	bad := bytes.Replace(sampleReports(t)["validate"].JUnit(), []byte("<testcase "), []byte("<testcase bogus=\"1\" "), 1)
	if xmllint(t, xsd, bad) == nil {
		t.Error("a JUnit file with an unknown attribute passed the schema")
	}
}
