package record

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStreamMatchesSummarize checks that the model a Stream hands out,
// once every patient is done, is the model Summarize builds (byte for byte
// as JSON), and that each patient is final when Next returns it.
func TestStreamMatchesSummarize(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "record", "*"))
	if len(files) == 0 {
		t.Fatal("no inputs in testdata/record")
	}
	opts := Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), OmitAttachmentData: true}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, werr := Summarize(data, opts)
			s, err := NewStream(data, opts)
			if (err != nil) != (werr != nil) {
				t.Fatalf("NewStream error %v, Summarize error %v", err, werr)
			}
			if err != nil {
				return
			}
			var patients [][]byte
			for {
				i, p, ok, err := s.Next()
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					break
				}
				if i != len(patients) {
					t.Fatalf("Next returned patient %d, want %d", i, len(patients))
				}
				b, _ := json.Marshal(p)
				patients = append(patients, b)
			}
			got, _ := json.Marshal(s.Model)
			exp, _ := json.Marshal(want)
			if string(got) != string(exp) {
				t.Errorf("streamed model differs from Summarize's")
			}
			for i, p := range want.Patients {
				if b, _ := json.Marshal(p); string(b) != string(patients[i]) {
					t.Errorf("patient %d changed after Next returned it", i)
				}
			}
		})
	}
}
