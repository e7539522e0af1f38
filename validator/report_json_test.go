package validator

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/fhirlens/fhirlens/internal/hostile"
)

// TestWriteJSONIsMarshal: the streamed report is json.Marshal's bytes, for
// lists longer and shorter than a chunk, absent ones, and text encoding/json
// escapes (<, &, control characters).
func TestWriteJSONIsMarshal(t *testing.T) {
	v, err := New(Options{MaxPerRule: -1})
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{
		"entries":   hostile.EntriesWithoutFullURL(2*jsonChunk + 7), // resources and findings over two chunks
		"escapes":   hostile.TerminalEscapes(1),
		"html":      []byte(`{"resourceType":"Patient","id":"a<b>&c","gender":"<x>&"}`),
		"not json":  []byte("<html>"),
		"empty":     nil,
		"one chunk": hostile.EntriesWithoutFullURL(jsonChunk),
	}
	for name, data := range inputs {
		rep := v.Validate(context.Background(), FileInput(name, data))
		want, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := rep.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			i := 0
			for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
				i++
			}
			t.Errorf("%s: WriteJSON differs from json.Marshal at byte %d of %d/%d: %.80q vs %.80q", name, i, got.Len(), len(want), got.Bytes()[i:], want[i:])
		}
	}
	var zero bytes.Buffer
	if err := (&Report{}).WriteJSON(&zero); err != nil {
		t.Fatal(err)
	}
	if want, _ := json.Marshal(&Report{}); !bytes.Equal(zero.Bytes(), want) {
		t.Errorf("zero report: %s, want %s", zero.Bytes(), want)
	}
}
