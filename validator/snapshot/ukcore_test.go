package snapshot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/structure"
)

// readFolder decodes every StructureDefinition (JSON or XML) in dir, in name
// order.
func readFolder(t testing.TB, dir string, defs *definitions.Set) []*structure.StructureDefinition {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".xml") || strings.HasSuffix(e.Name(), ".json")) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var out []*structure.StructureDefinition
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if !IsStructureDefinition(data) {
			continue
		}
		sd, err := Decode(data, defs)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		out = append(out, sd)
	}
	return out
}

func ukCore(t testing.TB) ([]*structure.StructureDefinition, *definitions.Set) {
	set, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	return readFolder(t, filepath.Join(sharedtest.Dir(t), "ig", "uk-core-2.0.2", "structuredefinitions"), set), set
}

// TestUKCore generates every UK Core snapshot from its XML differential
// against the embedded compact R4 definitions alone.
func TestUKCore(t *testing.T) {
	sds, set := ukCore(t)
	if len(sds) != 78 {
		t.Errorf("%d UK Core StructureDefinitions read, want 78", len(sds))
	}
	g := NewGuide(sds, Definitions(set))
	fs := g.GenerateAll()
	made := 0
	for _, sd := range sds {
		if sd.Snapshot != nil && len(sd.Snapshot.Element) > 0 {
			made++
		} else {
			t.Errorf("%s: no snapshot generated", sd.URL)
		}
	}
	for _, f := range fs {
		t.Logf("%s: %s %s", f.Profile, f.Rule, f.Message)
	}
	t.Logf("UK Core 2.0.2: %d of %d snapshots generated, %d findings", made, len(sds), len(fs))
}

// BenchmarkUKCore measures generating all 78 UK Core snapshots from cold:
// a new resolver over the embedded R4 definitions each time (so the core
// types are converted again), the XML already read.
func BenchmarkUKCore(b *testing.B) {
	sds, set := ukCore(b)
	data := make([][]byte, len(sds))
	for i, sd := range sds {
		sd.Snapshot = nil
		data[i], _ = jsonMarshal(sd)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fresh := make([]*structure.StructureDefinition, len(data))
		for j, d := range data {
			fresh[j], _ = structure.Decode(d)
		}
		b.StartTimer()
		NewGuide(fresh, Definitions(set)).GenerateAll()
	}
}

func jsonMarshal(sd *structure.StructureDefinition) ([]byte, error) { return json.Marshal(sd) }

// BenchmarkUKCoreFromXML adds reading the 78 XML files (already in memory)
// to BenchmarkUKCore: what loading UK Core costs end to end.
func BenchmarkUKCoreFromXML(b *testing.B) {
	set, err := definitions.R4()
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(sharedtest.Dir(b), "ig", "uk-core-2.0.2", "structuredefinitions")
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var files [][]byte
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var sds []*structure.StructureDefinition
		for _, data := range files {
			sd, err := Decode(data, set)
			if err != nil {
				b.Fatal(err)
			}
			sds = append(sds, sd)
		}
		NewGuide(sds, Definitions(set)).GenerateAll()
	}
}

// TestUKCoreCompactAgainstFullCore generates UK Core twice — on the compact
// embedded R4 and on the full core package — and compares the snapshots
// element by element: how faithful the compact resolver is. Every
// difference is logged; the test holds the share of identical profiles.
func TestUKCoreCompactAgainstFullCore(t *testing.T) {
	sds, set := ukCore(t)
	compact := NewGuide(sds, Definitions(set))
	compact.GenerateAll()
	var again []*structure.StructureDefinition
	for _, sd := range sds {
		c := *sd
		c.Snapshot = nil
		again = append(again, &c)
	}
	full := NewGuide(again, corePackage(t, "fhir/hl7.fhir.r4.core-4.0.1.tgz"))
	full.GenerateAll()
	same := 0
	classes := map[string]int{}
	for i, sd := range sds {
		if sd.Snapshot == nil || again[i].Snapshot == nil {
			t.Errorf("%s: not generated", sd.URL)
			continue
		}
		ds := Compare(again[i].Snapshot.Element, sd.Snapshot.Element)
		if len(ds) == 0 {
			same++
			continue
		}
		seen := map[string]bool{}
		for _, d := range ds {
			if !seen[d.Class] {
				classes[d.Class]++
				seen[d.Class] = true
			}
		}
		t.Logf("%s: %d differences, first %s", sd.URL, len(ds), ds[0])
	}
	t.Logf("UK Core on the compact R4 vs the core package: %d of %d profiles the same; classes %v", same, len(sds), classes)
	if same*10 < len(sds)*9 {
		t.Errorf("only %d of %d UK Core profiles are the same on the compact definitions", same, len(sds))
	}
}
