package fhirpath

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

func TestDebugCounts(t *testing.T) {
	defs := r4(t)
	dir := filepath.Join(sharedDir(t), "corpus", "synthea-10-patients")
	counts := map[string]int{}
	for _, name := range []string{"Patient", "Encounter", "Condition", "MedicationRequest", "Procedure"} {
		data, _ := os.ReadFile(filepath.Join(dir, name+".000.ndjson"))
		for i, l := range bytes.Split(data, []byte("\n")) {
			if i >= 200 || len(l) == 0 {
				break
			}
			tree, _ := jsontree.Parse(l, jsontree.Options{})
			walkInvariants(context.Background(), defs, tree, func(k string, ok bool, err error) { counts[k]++ })
		}
	}
	type kv struct {
		k string
		n int
	}
	var l []kv
	for k, n := range counts {
		l = append(l, kv{k, n})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].n > l[j].n })
	for _, x := range l[:15] {
		t.Log(x.k, x.n)
	}
}
