package record

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// sharedDir is the reference data folder (see package sharedtest).
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// syntheaNDJSON concatenates every ndjson file of the Synthea corpus, in name order.
func syntheaNDJSON(t testing.TB) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sharedDir(t), "corpus", "synthea-10-patients", "*.ndjson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Synthea ndjson files: %v", err)
	}
	sort.Strings(files)
	var buf bytes.Buffer
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(data)
		if len(data) > 0 && data[len(data)-1] != '\n' {
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

// r4Examples returns the R4 example files whose name matches keep.
func r4Examples(t testing.TB, keep func(name string, data []byte) bool) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	sharedtest.EachJSON(t, "fhir/hl7.fhir.r4.examples-4.0.1.tgz", func(path string, data []byte) {
		if name := filepath.Base(path); keep(name, data) {
			out[name] = data
		}
	})
	return out
}
