package validator

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// syntheaBundle builds a collection Bundle of about size bytes from the
// Synthea ndjson files, one entry per resource, in file order.
func syntheaBundle(tb testing.TB, size int) []byte {
	dir := filepath.Join(sharedDir(tb), "corpus", "synthea-10-patients")
	names, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no Synthea ndjson in %s", dir)
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	n := 0
	for _, name := range names {
		if filepath.Base(name) == "log.ndjson" {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() && b.Len() < size {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"fullUrl":"urn:uuid:%08x-0000-4000-8000-%012x","resource":`, n, n)
			b.Write(line)
			b.WriteByte('}')
			n++
		}
		f.Close()
	}
	b.WriteString("]}")
	return b.Bytes()
}

func benchmarkValidate(b *testing.B, opts Options) {
	data := syntheaBundle(b, 10<<20)
	v, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	rep := v.Validate(context.Background(), "synthea.json", data)
	b.Logf("%d bytes, %d resources, %d issues", len(data), len(rep.Resources), len(rep.Findings))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v.Validate(context.Background(), "synthea.json", data)
	}
}

// BenchmarkValidateSynthea is the figure the README reports: a ~10 MB
// Synthea collection Bundle, every check on.
func BenchmarkValidateSynthea(b *testing.B) { benchmarkValidate(b, Options{}) }

// BenchmarkValidateSyntheaStructure is the same without FHIRPath invariants.
func BenchmarkValidateSyntheaStructure(b *testing.B) {
	benchmarkValidate(b, Options{SkipInvariants: true})
}
