package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST.:8080": true, "app.localhost:80": true, "127.0.0.1:8745": true,
		"127.9.9.9": true, "[::1]:8080": true, "::1": true,
		"evil.example": false, "evil.example:8745": false, "127.0.0.1.evil.example": false, "localhost.evil.example": false,
		"0.0.0.0:8745": false, "192.168.1.10:8745": false, "": false, "[::]:80": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestAnnounce: the printed address is the one really listened on; a
// wildcard or LAN address gets a warning and no Host guard; loopback gets
// the guard, which refuses a rebound DNS name.
func TestAnnounce(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("app")) })
	tests := []struct {
		addr, stdout, stderr string
		guarded              bool
	}{
		{"127.0.0.1:8745", "serving the app at http://127.0.0.1:8745/ on this machine only", "", true},
		{"[::1]:8745", "serving the app at http://[::1]:8745/ on this machine only", "", true},
		{"0.0.0.0:8745", "serving the app at http://localhost:8745/, listening on every network interface, port 8745", "warning: 0.0.0.0:8745 is not a loopback address", false},
		{"192.168.1.10:8745", "listening on 192.168.1.10:8745", "warning: 192.168.1.10:8745 is not a loopback address", false},
	}
	for _, tc := range tests {
		addr, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		h := announce(addr, ok, &stdout, &stderr)
		if !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) || (tc.stderr == "") != (stderr.Len() == 0) {
			t.Errorf("%s: stdout %q, stderr %q; want %q and %q", tc.addr, stdout.String(), stderr.String(), tc.stdout, tc.stderr)
		}
		for host, want := range map[string]int{"localhost:8745": 200, "127.0.0.1:8745": 200, "rebound.evil.example:8745": 421} {
			if !tc.guarded {
				want = 200
			}
			req := httptest.NewRequest("GET", "/", nil)
			req.Host = host
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != want {
				t.Errorf("%s: Host %s got %d, want %d", tc.addr, host, rec.Code, want)
			}
		}
	}
}
