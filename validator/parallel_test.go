package validator

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/fhirlens/fhirlens/internal/synthea"
)

// syntheaNDJSON is the resources of syntheaBundle, one per line.
func syntheaNDJSON(tb testing.TB, size int) []byte {
	data, err := synthea.NDJSON(filepath.Join(sharedDir(tb), "corpus", "synthea-10-patients"), size)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// Validating the records of an ndjson input on several goroutines gives
// byte for byte the report of a serial run: resources, findings (the kept
// ones under a small per-rule limit, so chunks omit differently), counts and
// the order of omitted rules. Broken lines are mixed in.
func TestParallelNDJSONSameAsSerial(t *testing.T) {
	data := syntheaNDJSON(t, 3<<20)
	// a few bad records, so json findings and resource-less findings are merged too
	lines := bytes.Split(data, []byte("\n"))
	for i := 100; i < len(lines); i += 997 {
		lines[i] = append([]byte(`{"resourceType":"Patient","bogus":[1,`), lines[i]...)
	}
	data = bytes.Join(lines, []byte("\n"))
	for _, keep := range []int{3, 0, -1} {
		var outs [][]byte
		for _, jobs := range []int{1, 2, 5} {
			v, err := New(Options{Jobs: jobs, MaxPerRule: keep})
			if err != nil {
				t.Fatal(err)
			}
			rep := v.Validate(context.Background(), FileInput("big.ndjson", data))
			if len(rep.Resources) < 1000 || len(rep.Findings) == 0 {
				t.Fatalf("jobs %d: %d resources, %d findings: the input is not what the test needs", jobs, len(rep.Resources), len(rep.Findings))
			}
			b, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, b)
		}
		for i := 1; i < len(outs); i++ {
			if !bytes.Equal(outs[0], outs[i]) {
				n := 0
				for n < len(outs[0]) && n < len(outs[i]) && outs[0][n] == outs[i][n] {
					n++
				}
				t.Errorf("max-per-rule %d: report %d differs from the serial one at byte %d: %.200q vs %.200q",
					keep, i, n, outs[0][n:], outs[i][n:])
			}
		}
	}
}

// BenchmarkValidateSyntheaNDJSON validates the ~10 MB Synthea resources as
// ndjson on one goroutine and on every core (Options.Jobs).
func BenchmarkValidateSyntheaNDJSON(b *testing.B) {
	data := syntheaNDJSON(b, 10<<20)
	for _, jobs := range []int{1, runtimeCPUs()} {
		b.Run(jobsName(jobs), func(b *testing.B) {
			v, err := New(Options{Jobs: jobs})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				v.Validate(context.Background(), FileInput("synthea.ndjson", data))
			}
		})
	}
}

func runtimeCPUs() int { return max(2, runtime.NumCPU()) }

func jobsName(n int) string { return "jobs=" + strconv.Itoa(n) }
