package record

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/internal/hostile"
)

// nestingDepthBytewise is the byte-by-byte definition nestingDepth must
// agree with.
func nestingDepthBytewise(data []byte) int {
	depth, maxDepth := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				maxDepth = depth
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return maxDepth
}

func TestNestingDepth(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{``, 0},
		{`{}`, 1},
		{`{"a":[{"b":"[[["}]}`, 3},
		{`{"a":"x\"[[["}`, 1},
		{`{"a":"x\\"}[[`, 2},
		{`{"a":"x\\\"[["}`, 1},
		{`[[["unterminated \" [[[[`, 3},
		{`"\\\\"[`, 1},
		{`]]]{`, 1},
	}
	for _, c := range cases {
		if got := nestingDepth([]byte(c.in)); got != c.want {
			t.Errorf("nestingDepth(%q) = %d, want %d", c.in, got, c.want)
		}
		if got := nestingDepthBytewise([]byte(c.in)); got != c.want {
			t.Errorf("nestingDepthBytewise(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	inputs, _ := filepath.Glob(filepath.Join("..", "testdata", "record", "*"))
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := nestingDepth(data), nestingDepthBytewise(data); got != want {
			t.Errorf("%s: nestingDepth %d, byte by byte %d", in, got, want)
		}
	}
	if data := hostile.ContainedReferences(50); nestingDepth(data) != nestingDepthBytewise(data) {
		t.Errorf("hostile input: nestingDepth %d, byte by byte %d", nestingDepth(data), nestingDepthBytewise(data))
	}
}

// FuzzNestingDepth checks nestingDepth against its byte-by-byte definition.
func FuzzNestingDepth(f *testing.F) {
	for _, s := range []string{`{"a":"x\\"}[[`, `[[["u \" [[`, `{"a":[1,{"b":"\\\"}"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := nestingDepth(data), nestingDepthBytewise(data); got != want {
			t.Errorf("nestingDepth %d, byte by byte %d", got, want)
		}
	})
}
