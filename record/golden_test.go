package record

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fhirlens/fhirlens/internal/golden"
)

// goldenNow fixes "today" so ages in golden files never drift.
var goldenNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// TestGolden summarises every input under testdata/record and compares the
// model with <name>.model.json.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("..", "testdata", "record", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".model.json") {
			continue
		}
		n++
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Summarize(data, Options{Now: goldenNow})
			if err != nil {
				t.Fatal(err)
			}
			checkAccounted(t, m)
			got, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden.Check(t, strings.TrimSuffix(in, filepath.Ext(in))+".model.json", string(got))
		})
	}
	if n == 0 {
		t.Fatal("no golden inputs found")
	}
}
