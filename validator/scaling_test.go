package validator

import (
	"context"
	"testing"
	"time"

	"github.com/fhirlens/fhirlens/internal/hostile"
)

// BenchmarkScaling validates each scaling shape of the hostile corpus at N
// and 10N and reports the growth ratio t(10N)/t(N): about 10 is linear,
// about 100 quadratic. `make bench` runs it once per shape.
func BenchmarkScaling(b *testing.B) {
	v, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	shapes := []struct {
		name string
		make func(int) []byte
		n    int
	}{
		{"entries-without-fullurl", hostile.EntriesWithoutFullURL, 10_000},
		{"contained-hash-references", hostile.ContainedReferences, 2_000},
		{"references", hostile.References, 10_000},
	}
	for _, s := range shapes {
		small, large := s.make(s.n), s.make(10*s.n)
		b.Run(s.name, func(b *testing.B) {
			var tSmall, tLarge time.Duration
			for b.Loop() {
				start := time.Now()
				v.Validate(context.Background(), FileInput("small", small))
				tSmall += time.Since(start)
				start = time.Now()
				v.Validate(context.Background(), FileInput("large", large))
				tLarge += time.Since(start)
			}
			b.ReportMetric(float64(tSmall.Microseconds())/float64(b.N)/1000, "ms@N")
			b.ReportMetric(float64(tLarge.Microseconds())/float64(b.N)/1000, "ms@10N")
			b.ReportMetric(float64(tLarge)/float64(tSmall), "growth(10N/N)")
		})
	}
}
