package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/internal/synthea"
	"github.com/fhirlens/fhirlens/validator"
)

// BenchmarkValidateOutput is the in-process time of what "fhirlens validate
// --format F" does with the ~10 MB Synthea bundle (validate, then write the
// output): the README compares the whole process's time with it.
func BenchmarkValidateOutput(b *testing.B) {
	data, err := synthea.Bundle(filepath.Join(sharedtest.Dir(b), "corpus", "synthea-10-patients"), 10<<20)
	if err != nil {
		b.Fatal(err)
	}
	v, err := validator.New(validator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"text", "json", "outcome"} {
		b.Run(format, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				rep := v.Validate(context.Background(), validator.FileInput("synthea.json", data))
				if err := writeReports(io.Discard, format, []*validator.Report{rep}, false, validator.Information); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
