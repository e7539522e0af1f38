package record

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkSummarizeSynthea summarises a ~10 MB Synthea-shaped ndjson input
// (the corpus, repeated up to 10 MB). Run with -benchtime=5x; MB/s is reported.
func BenchmarkSummarizeSynthea(b *testing.B) {
	corpus := syntheaNDJSON(b)
	var buf bytes.Buffer
	for buf.Len() < 10<<20 {
		buf.Write(corpus)
	}
	data := buf.Bytes()[:10<<20]
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Summarize(data, Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkModelJSON measures encoding the model of the ~10 MB input as JSON
// (what the wasm bridge hands to the page).
func BenchmarkModelJSON(b *testing.B) {
	corpus := syntheaNDJSON(b)
	var buf bytes.Buffer
	for buf.Len() < 10<<20 {
		buf.Write(corpus)
	}
	data := buf.Bytes()[:10<<20]
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	m, err := Summarize(data, Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	out, _ := json.Marshal(m)
	b.SetBytes(int64(len(data)))
	b.ReportMetric(float64(len(out))/float64(len(data)), "model/input")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}
