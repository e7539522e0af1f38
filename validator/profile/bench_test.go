package profile_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/internal/synthea"
	"github.com/fhirlens/fhirlens/validator"
)

// syntheaBundle is the ~10 MB Synthea collection Bundle of the validator
// benchmark; its resources claim US Core profiles.
func syntheaBundle(b *testing.B) []byte {
	data, err := synthea.Bundle(filepath.Join(sharedtest.Dir(b), "corpus", "synthea-10-patients"), 10<<20)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchmark(b *testing.B, v *validator.Validator) {
	data := syntheaBundle(b)
	rep := v.Validate(context.Background(), validator.FileInput("synthea.json", data))
	profiled := 0
	for _, f := range rep.Findings {
		if f.Profile != "" {
			profiled++
		}
	}
	b.Logf("%d bytes, %d resources, %d findings (%d from profiles)", len(data), len(rep.Resources), len(rep.Findings), profiled)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v.Validate(context.Background(), validator.FileInput("synthea.json", data))
	}
}

// BenchmarkSyntheaBase is base validation of the bundle (no guide): the
// figure profile validation is compared with.
func BenchmarkSyntheaBase(b *testing.B) {
	v, err := validator.New(validator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchmark(b, v)
}

// BenchmarkSyntheaUSCore is the same bundle with US Core 3.1.0 loaded: every
// resource is also checked against the US Core profile it claims.
func BenchmarkSyntheaUSCore(b *testing.B) {
	v, _ := usCoreValidator(b)
	benchmark(b, v)
}

// BenchmarkLoadUSCore is loading the US Core package: reading it, adding
// its definitions to a copy of the core and indexing its profiles.
func BenchmarkLoadUSCore(b *testing.B) {
	pkg := filepath.Join(sharedtest.Dir(b), "fhir", "hl7.fhir.us.core-3.1.0.tgz")
	for b.Loop() {
		if _, _, err := loadGuides(pkg); err != nil {
			b.Fatal(err)
		}
	}
}
