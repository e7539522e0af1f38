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

// recordTestdata reads an input under testdata/record.
func recordTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "record", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// syntheaFiles reads the Synthea bulk export as separate files, in name
// order, as a user drops them.
func syntheaFiles(t testing.TB) []File {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(sharedDir(t), "corpus", "synthea-10-patients", "*.ndjson"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Synthea ndjson files: %v", err)
	}
	sort.Strings(names)
	var files []File
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: filepath.Base(n), Data: data})
	}
	return files
}

// syntheaNDJSON concatenates every ndjson file of the Synthea corpus, in name order.
func syntheaNDJSON(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, f := range syntheaFiles(t) {
		buf.Write(f.Data)
		if len(f.Data) > 0 && f.Data[len(f.Data)-1] != '\n' {
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
