//go:build js && wasm

package main

import (
	"os"
	"strings"
	"testing"
)

// The committed samples go through the service as the page sends them.
func TestSamples(t *testing.T) {
	svc, box := startService(t, nil)
	for i, name := range []string{"valid-patient-bundle.json", "broken-patient-bundle.json"} {
		data, err := os.ReadFile("../testdata/samples/" + name)
		if err != nil {
			t.Fatal(err)
		}
		id := 100 + i
		svc.enqueue(&job{id: id, kind: jobValidate, name: name, data: data, record: true})
		report := box.await(t, id, "result")["report"].(string)
		hasErrors := strings.Contains(report, `"severity":"error"`) || strings.Contains(report, `"severity":"fatal"`)
		if want := strings.HasPrefix(name, "broken"); hasErrors != want {
			t.Errorf("%s: has errors = %v, want %v", name, hasErrors, want)
		}
		record := box.await(t, id, "record")
		if record["error"] != nil {
			t.Errorf("%s: record: %v", name, record["error"])
		}
	}
}
