package validator

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/internal/synthea"
)

// syntheaBundle builds a collection Bundle of about size bytes from the
// Synthea ndjson files (the same bytes make bench-peers times).
func syntheaBundle(tb testing.TB, size int) []byte {
	data, err := synthea.Bundle(filepath.Join(sharedDir(tb), "corpus", "synthea-10-patients"), size)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func benchmarkValidate(b *testing.B, opts Options) {
	data := syntheaBundle(b, 10<<20)
	v, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	rep := v.Validate(context.Background(), FileInput("synthea.json", data))
	c := rep.Counts()
	b.Logf("%d bytes, %d resources, %d findings (%d kept)", len(data), rep.Summary.Resources, c[0]+c[1]+c[2]+c[3], len(rep.Findings))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v.Validate(context.Background(), FileInput("synthea.json", data))
	}
}

// BenchmarkValidateSynthea is the figure the README reports: a ~10 MB
// Synthea collection Bundle, every check on.
func BenchmarkValidateSynthea(b *testing.B) { benchmarkValidate(b, Options{}) }

// BenchmarkValidateSyntheaStructure is the same without FHIRPath invariants.
func BenchmarkValidateSyntheaStructure(b *testing.B) {
	benchmarkValidate(b, Options{SkipInvariants: true})
}
