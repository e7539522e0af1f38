package record

import (
	"bytes"
	"encoding/json"
	"github.com/fhirlens/fhirlens/internal/hostile"
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

// BenchmarkScaling summarises each scaling shape at N and 10N and reports
// the growth ratio t(10N)/t(N): about 10 is linear, about 100 quadratic (the
// same style as the validator's BenchmarkScaling).
func BenchmarkScaling(b *testing.B) {
	shapes := []struct {
		name string
		make func(int) []byte
		n    int
	}{
		{"contained-hash-references", hostile.ContainedReferences, 2_000},
	}
	opts := Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), OmitAttachmentData: true}
	for _, s := range shapes {
		small, large := s.make(s.n), s.make(10*s.n)
		b.Run(s.name, func(b *testing.B) {
			var tSmall, tLarge time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := Summarize(small, opts); err != nil {
					b.Fatal(err)
				}
				tSmall += time.Since(start)
				start = time.Now()
				if _, err := Summarize(large, opts); err != nil {
					b.Fatal(err)
				}
				tLarge += time.Since(start)
			}
			b.ReportMetric(float64(tSmall.Microseconds())/float64(b.N)/1000, "ms@N")
			b.ReportMetric(float64(tLarge.Microseconds())/float64(b.N)/1000, "ms@10N")
			b.ReportMetric(float64(tLarge)/float64(tSmall), "growth(10N/N)")
		})
	}
}
