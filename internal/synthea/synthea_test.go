package synthea

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

func TestBundleSizesAndUniqueIDs(t *testing.T) {
	dir := filepath.Join(sharedtest.Dir(t), "corpus", "synthea-10-patients")
	for _, size := range []int{100_000, 2_000_000} {
		data, err := Bundle(dir, size)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < size || len(data) > size+(8<<20) {
			t.Errorf("size %d: got %d bytes", size, len(data))
		}
		var b struct {
			Entry []struct {
				FullURL  string `json:"fullUrl"`
				Resource struct {
					Type string `json:"resourceType"`
					ID   string `json:"id"`
				} `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatalf("size %d: not JSON: %v", size, err)
		}
		seen := map[string]bool{}
		for _, e := range b.Entry {
			k := e.Resource.Type + "/" + e.Resource.ID
			if seen[k] || seen[e.FullURL] {
				t.Fatalf("size %d: %s or %s twice", size, k, e.FullURL)
			}
			seen[k], seen[e.FullURL] = true, true
		}
	}
}

func TestBundleNoInput(t *testing.T) {
	if _, err := Bundle(t.TempDir(), 10); err == nil {
		t.Error("an empty folder gave no error")
	}
}
