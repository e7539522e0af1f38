package e2e

import (
	"path/filepath"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/fhirlens/fhirlens/internal/golden"
)

// The valid sample is one Synthea patient (the one with the least history)
// as a transaction bundle. It is committed so the app and its tests do not
// need the corpus; this test keeps it identical to what the builder makes.
const samplePatient = "63ee2253-bdd5-da55-2ad2-b4984d0ad700"

func TestValidSampleIsBuiltFromSynthea(t *testing.T) {
	corpus, err := loadSynthea(syntheaDir(t))
	if err != nil {
		t.Fatal(err)
	}
	got := corpus.bundle([]string{samplePatient})
	path := filepath.Join(repoRoot(), "testdata", "samples", "valid-patient-bundle.json")
	golden.Check(t, path, string(got)) // go test ./web/e2e -run TestValidSample -update rewrites it
	if len(got) > 300<<10 {
		t.Errorf("valid sample is %d bytes; keep it under 300 KB", len(got))
	}
	if n := gjson.GetBytes(got, "entry.#").Int(); n < 20 {
		t.Errorf("valid sample has %d entries; expected a patient with some history", n)
	}
	// Every reference resolves inside the bundle.
	fullURLs := map[string]bool{}
	for _, u := range gjson.GetBytes(got, "entry.#.fullUrl").Array() {
		fullURLs[u.String()] = true
	}
	for _, m := range referencePattern.FindAllSubmatch(got, -1) {
		if !fullURLs[string(m[1])] {
			t.Errorf("unresolved reference %s", m[1])
		}
	}
}
