package record

import (
	"bytes"
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
