package jsonindent

import (
	"bytes"
	"encoding/json"
	"testing"
)

var samples = []string{
	`{}`, `[]`, `null`, `1.5e3`, `"a\"b\\"`, `{"a":[],"b":{},"c":[1,{"d":"x,y:z{}[]"},true,null,-2]}`,
	`[[[]],[{}],{"":""}]`, `{"s":"\u003ctag\u003e \u2028 é"}`,
}

// The output is json.MarshalIndent's (json.Indent of the same compact
// input), whole and fed in two pieces.
func TestSameAsIndent(t *testing.T) {
	for _, s := range samples {
		check(t, []byte(s))
	}
}

func check(t *testing.T, src []byte) {
	t.Helper()
	var want bytes.Buffer
	if err := json.Indent(&want, src, "", "  "); err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	var got bytes.Buffer
	x := New(&got, "  ")
	x.Write(src)
	x.Flush()
	if got.String() != want.String() {
		t.Fatalf("%q:\n got %q\nwant %q", src, got.String(), want.String())
	}
}

func FuzzIndent(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		src, err := json.Marshal(v)
		if err != nil {
			return
		}
		check(t, src)
	})
}
