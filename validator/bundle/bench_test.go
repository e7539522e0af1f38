package bundle

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// generateBundle writes a collection of n entries with two references each:
// even entries have urn:uuid fullUrls, odd ones RESTful URLs; every entry
// references an even entry by urn:uuid and an odd one by Type/id (resolved
// against the base) from odd entries, by its fullUrl from even ones (where
// Type/id would mean urn:uuid:id).
func generateBundle(n int) []byte {
	var b strings.Builder
	b.Grow(n * 330)
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	typeOf := func(i int) string {
		if i%10 == 1 {
			return "Patient"
		}
		return "Observation"
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		typ, id := typeOf(i), "r"+strconv.Itoa(i)
		full := "urn:uuid:" + uuidFor(i)
		if i%2 == 1 {
			full = "http://example.org/fhir/" + typ + "/" + id
		}
		even := (i*7 + 2) % n &^ 1
		odd := ((i*13+3)%n | 1) % n
		if odd%2 == 0 { // n == 1
			odd = 0
		}
		focus := typeOf(odd) + "/r" + strconv.Itoa(odd)
		if i%2 == 0 {
			focus = "http://example.org/fhir/" + focus
		}
		fmt.Fprintf(&b, "\n{\"fullUrl\":%q,\"resource\":{\"resourceType\":%q,\"id\":%q,\"status\":\"final\",\"code\":{\"text\":\"generated\"},"+
			"\"subject\":{\"reference\":\"urn:uuid:%s\"},\"focus\":[{\"reference\":%q}]}}",
			full, typ, id, uuidFor(even), focus)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func uuidFor(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i) }

// BenchmarkBundle measures index + entry rules + reference collection and
// resolution (parse excluded) on 1k, 10k and 100k entries with two
// references each; ns/entry should stay flat if the work is linear.
func BenchmarkBundle(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		data := generateBundle(n)
		tree, probs := jsontree.Parse(data, jsontree.Options{})
		if tree == nil {
			b.Fatalf("generated bundle does not parse: %v", probs)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				g := Index(tree, tree.Root())
				fs := g.CheckEntries()
				fs = append(fs, g.CheckReferences(CollectReferences(tree, tree.Root()), Options{})...)
				if len(fs) != 0 {
					b.Fatalf("generated bundle has findings: %+v", fs[0])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
			// CPU time (all threads, GC included) is steadier than wall time
			// on a shared machine.
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(b.N)/float64(n), "cpu-ns/entry")
			}
		})
	}
}

// The generated bundle is clean and every reference resolves: the benchmark
// measures the real path, not early exits.
func TestGeneratedBundleResolves(t *testing.T) {
	tree := parse(t, string(generateBundle(1000)))
	g := Index(tree, tree.Root())
	fs := append(g.CheckEntries(), g.CheckReferences(CollectReferences(tree, tree.Root()), Options{})...)
	if len(fs) != 0 {
		t.Fatalf("findings: %+v", fs[:min(3, len(fs))])
	}
	if len(g.edges) != 2000 {
		t.Fatalf("%d edges", len(g.edges))
	}
	for _, e := range g.edges {
		if e.ToEntry < 0 {
			t.Fatalf("unresolved: %+v", e)
		}
	}
}
