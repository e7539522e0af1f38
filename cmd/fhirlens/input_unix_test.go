//go:build unix

package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFolderOfSpecialFiles: a folder holding a FIFO, a socket, a symlink to
// /dev/zero and a broken link next to a real file validates the real file
// and names each skipped one (before: /dev/zero ran the CLI out of memory
// and the FIFO hung it).
func TestFolderOfSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"resourceType":"Basic","id":"a","code":{"text":"x"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "broken.json")); err != nil {
		t.Fatal(err)
	}
	if l, err := net.Listen("unix", filepath.Join(dir, "s.json")); err == nil {
		defer l.Close()
	}
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "--color", "never", dir}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		"fifo.json: a FIFO (named pipe), not a regular file",
		"zero.json: a symbolic link to a character device, not to a regular file",
		"broken.json: a broken symbolic link",
		"s.json: a socket, not a regular file",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr does not note %q:\n%s", want, errOut.String())
		}
	}
	if !strings.Contains(out.String(), "a.json") || strings.Count(out.String(), ".json\n") != 1 {
		t.Errorf("want exactly a.json validated:\n%s", out.String())
	}
}
