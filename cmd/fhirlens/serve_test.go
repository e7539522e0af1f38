package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fhirlens/fhirlens/web"
)

func TestServeArguments(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"help", []string{"-h"}, 0, ""}, // help goes to stdout: TestHelpToStdout
		{"unknown flag", []string{"--port", "80"}, 2, "flag provided but not defined"},
		{"stray argument", []string{"web"}, 2, `unexpected argument "web"`},
		{"app not built", []string{"--dir", "DIR"}, 2, "run `make web` first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string(nil), tt.args...)
			for i, a := range args {
				if a == "DIR" {
					args[i] = t.TempDir()
				}
			}
			var stdout, stderr bytes.Buffer
			if code := runServe(args, &stdout, &stderr); code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestServeListenError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	app := t.TempDir()
	// A built app on disk, so serve gets as far as listening.
	for _, name := range []string{"index.html", "gen/wasm_exec.js", "gen/fhirlens.wasm"} {
		writeFile(t, app, name)
	}
	if code := runServe([]string{"--dir", app, "--addr", "256.0.0.1:99999"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2 (stderr %q)", code, stderr.String())
	}
}

func TestAppURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080/"},
		{"0.0.0.0:8080", "http://localhost:8080/"},
		{"[::]:9000", "http://localhost:9000/"},
		{"[::1]:9000", "http://[::1]:9000/"},
	}
	for _, tt := range tests {
		addr, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := appURL(addr); got != tt.want {
			t.Errorf("appURL(%s) = %s, want %s", tt.addr, got, tt.want)
		}
	}
}

// serve answers with the app's handler and stops cleanly when its context ends.
func TestServeRunsAndShutsDown(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, listener, web.Handler(app)) }()
	resp, err := http.Get(appURL(listener.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != web.ContentSecurityPolicy {
		t.Errorf("GET /: status %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

func writeFile(t *testing.T, dir, name string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}
