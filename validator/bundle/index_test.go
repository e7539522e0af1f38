package bundle

import (
	"slices"
	"strconv"
	"testing"
)

// TestMultiIndex checks the open-addressing index against a Go map: groups,
// counts, chains in document order and misses, growing from empty (kept
// keys) and presized (keys read back from the entries).
func TestMultiIndex(t *testing.T) {
	const n = 5000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i*7%1237) // 1237 distinct keys, repeated
	}
	want := map[string][]int32{}
	for i, k := range keys {
		want[k] = append(want[k], int32(i))
	}
	for _, m := range []multiIndex[string]{
		newMultiIndex[string](0, nil),
		newMultiIndex(len(want), func(i int32) string { return keys[i] }),
		{}, // the zero value grows too
	} {
		for i, k := range keys {
			if first := m.add(k, int32(i), false); first != want[k][0] {
				t.Fatalf("add(%s, %d) = %d, want first %d", k, i, first, want[k][0])
			}
		}
		for k, es := range want {
			got := m.get(k)
			if int(got.count) != len(es) || !slices.Equal(got.list(-1), es) {
				t.Errorf("get(%s) = %d %v, want %v", k, got.count, got.list(-1), es)
			}
		}
		if got := m.get("absent"); got.count != 0 || got.list(-1) != nil {
			t.Errorf("get(absent) = %+v", got.group)
		}
	}
}
