package record

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestSmokeDump(t *testing.T) {
	data := syntheaNDJSON(t)
	start := time.Now()
	m, err := Summarize(data, Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	t.Logf("%d bytes in %v", len(data), time.Since(start))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(m, "", " ")
	os.WriteFile("/tmp/synthea-model.json", out, 0o644)
	t.Logf("counts %+v patients %d", m.Counts, len(m.Patients))
}
