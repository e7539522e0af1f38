package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestSafeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"naïve — ok", "naïve — ok"},
		{"a\x1b[8mhidden", `a\x1b[8mhidden`},
		{"line\r\nvalid: 0 errors", `line\r\nvalid: 0 errors`},
		{"bell\x07nul\x00del\x7f", `bell\x07nul\x00del\x7f`},
		{"tab\there", `tab\there`},
		{"bad \xff utf-8", `bad \xff utf-8`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bidi \u202eevil", `bidi \u202eevil`},
	} {
		if got := safeText(tc.in); got != tc.want {
			t.Errorf("safeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("x", 200)
	if got := shortID(long); got != strings.Repeat("x", 63)+"…" {
		t.Errorf("shortID(200 x) = %q", got)
	}
}

// TestTextOutputEscapesRecordContent validates a record whose keys, codes,
// resource type, id and file name carry terminal escapes: the text output
// shows them escaped and holds no control byte but newlines.
func TestTextOutputEscapesRecordContent(t *testing.T) {
	name := "evil\x1b[2K\rvalid: 0 errors\x07.json"
	if runtime.GOOS == "windows" {
		name = "evil.json"
	}
	p := filepath.Join(t.TempDir(), name)
	record := `{"resourceType":"Patient","id":"x\u001b]0;owned\u0007` + strings.Repeat("y", 100) + `",` +
		`"gender":"\u001b[8mmale","\u001b[31mkey\rvalid: 0 errors":1,` +
		`"contained":[{"resourceType":"Evil\u001b[8m"}]}`
	if err := os.WriteFile(p, []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	run([]string{"validate", "--color", "never", p}, nil, &out, &errOut)
	for _, stream := range []string{out.String(), errOut.String()} {
		for i := 0; i < len(stream); i++ {
			if c := stream[i]; (c < 0x20 && c != '\n') || c == 0x7f {
				t.Fatalf("control byte %#x in the output at %d:\n%s", c, i, stream)
			}
		}
	}
	for _, want := range []string{`\x1b[8mmale`, `\x1b[31mkey\rvalid: 0 errors`, `Evil\x1b[8m`, `x\x1b]0;owned\x07yyy`, "…"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if runtime.GOOS != "windows" && !strings.Contains(out.String(), `evil\x1b[2K\rvalid: 0 errors\x07.json`) {
		t.Errorf("file name not escaped:\n%s", out.String())
	}
}
