// Package web is the browser app: its static files, embedded in the binary,
// and the HTTP handler that serves them (used by `fhirlens serve` and by
// the browser tests).
package web

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
)

// The gen folder holds build output (wasm, wasm_exec.js, samples); it always
// contains a committed README so this embeds on a clean clone.
//
//go:embed index.html favicon.svg css js gen
var embedded embed.FS

// Files returns the embedded app, index.html at its root.
func Files() fs.FS { return embedded }

// WasmPath is where the compiled validator lives inside the app.
const WasmPath = "gen/fhirlens.wasm"

// ErrNotBuilt says the wasm (and so the app) has not been built.
var ErrNotBuilt = errors.New("the web app is not built (web/" + WasmPath + " is missing): run `make web` first, or `make run`")

// CheckBuilt reports ErrNotBuilt when fsys lacks the compiled parts of the app.
func CheckBuilt(fsys fs.FS) error {
	for _, name := range []string{WasmPath, "gen/r4.bin", "gen/wasm_exec.js", "index.html"} {
		if _, err := fs.Stat(fsys, name); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return ErrNotBuilt
			}
			return fmt.Errorf("web app: %w", err)
		}
	}
	return nil
}
