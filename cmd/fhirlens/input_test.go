package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bomb is a multi-member gzip stream of zeros: copies of one member, so a
// big expansion costs the test almost nothing to make.
func bomb(t testing.TB, members int) []byte {
	one := gz(t, make([]byte, 4<<20))
	return bytes.Repeat(one, members)
}

func TestReadInputLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	multi := append(gz(t, []byte(`{"resourceType":"Patient",`)), gz(t, []byte(`"id":"two-members"}`))...)
	tests := []struct {
		name    string
		file    string
		lim     inputLimits
		want    string // the content read, or
		wantErr string // the message
	}{
		{"plain", write("a.json", []byte(`{"a":1}`)), inputLimits{MaxBytes: 100}, `{"a":1}`, ""},
		{"multi-member gzip", write("m.json.gz", multi), inputLimits{MaxBytes: 100}, `{"resourceType":"Patient","id":"two-members"}`, ""},
		{"gzip without .gz name", write("m.json", multi), inputLimits{MaxBytes: 100}, `{"resourceType":"Patient","id":"two-members"}`, ""},
		{"over the size limit", write("big.json", make([]byte, 2000)), inputLimits{MaxBytes: 1000}, "", "big.json is 2.0 KB, over the input limit of 1000 bytes; raise --max-input"},
		{"bomb past the size limit", write("bomb.json.gz", bomb(t, 8)), inputLimits{MaxBytes: 16 << 20}, "", "bomb.json.gz expands past 16.0 MB (the input limit)"},
		{"bomb past the ratio", write("ratio.json.gz", bomb(t, 20)), inputLimits{MaxBytes: 1 << 30, MaxRatio: 200}, "", "ratio.json.gz expands more than 200× ("},
		{"needs more memory than there is", write("mem.json", make([]byte, 4000)), inputLimits{MaxBytes: 1 << 30, Memory: 9000, MemoryKind: "the machine's RAM", PerInputByte: 3}, "", "mem.json is 3.9 KB; validating it needs about 11.7 KB and this process may use 8.8 KB (the machine's RAM): split the file"},
		{"damaged gzip", write("bad.json.gz", gz(t, []byte(`{"a":1}`))[:15]), inputLimits{MaxBytes: 100}, "", "gzip data is damaged or truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readInput(tc.file, nil, tc.lim)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tc.want {
					t.Fatalf("read %q, want %q", got, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestBombMemory decompresses a 320 MB multi-member bomb (80 KB on disk)
// under a 32 MB limit and checks by allocation count that reading stopped
// near the limit instead of expanding it all.
func TestBombMemory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bomb.json.gz")
	if err := os.WriteFile(p, bomb(t, 80), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := readInput(p, nil, inputLimits{MaxBytes: 32 << 20, MaxRatio: 200})
	runtime.ReadMemStats(&after)
	var le *limitError
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want a limit error", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3*(32<<20) {
		t.Errorf("reading the bomb allocated %d MB, want at most 3× the 32 MB limit", alloc>>20)
	}
}

// TestStdinAndDevicesStopAtTheLimit reads an endless device and stdin.
func TestStdinAndDevicesStopAtTheLimit(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "--max-input", "1MB", "/dev/zero"}, nil, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "/dev/zero is larger than 1.0 MB (the input limit); raise --max-input") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	code = run([]string{"validate", "--max-input", "10", "-"}, strings.NewReader(`{"resourceType":"Patient"}`), &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "<stdin> is larger than 10 bytes") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{{"2GB", 2 << 30}, {"512MB", 512 << 20}, {"1.5g", 3 << 29}, {"800k", 800 << 10}, {"1000", 1000}, {"4GiB", 4 << 30}} {
		if got, err := parseSize(tc.in); err != nil || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "GB", "-1MB", "lots", "1e30"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}
