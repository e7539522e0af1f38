package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

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
			start := processCPU()
			for b.Loop() {
				rep := v.Validate(context.Background(), validator.FileInput("synthea.json", data))
				if err := writeReports(io.Discard, format, []*validator.Report{rep}, false, validator.Information); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((processCPU()-start).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkWholeProcess runs the built fhirlens binary on the same ~10 MB
// bundle as BenchmarkValidateOutput, once per iteration, and reports the
// process's CPU time (user+sys) next to the wall time: the README compares
// both with the in-process figures (issue 16: whole process ≤ 1.2×).
func BenchmarkWholeProcess(b *testing.B) {
	data, err := synthea.Bundle(filepath.Join(sharedtest.Dir(b), "corpus", "synthea-10-patients"), 10<<20)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	input := filepath.Join(dir, "synthea.json")
	if err := os.WriteFile(input, data, 0o644); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "fhirlens")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for _, format := range []string{"text", "json", "outcome"} {
		b.Run(format, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var cpu time.Duration
			for b.Loop() {
				cmd := exec.Command(bin, "validate", "--format", format, input)
				cmd.Stdout = io.Discard
				if err := cmd.Run(); err != nil {
					if _, exit := err.(*exec.ExitError); !exit { // exit 1: errors found
						b.Fatal(err)
					}
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
