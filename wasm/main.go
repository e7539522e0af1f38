//go:build js && wasm

// Command wasm is fhirlens compiled to WebAssembly for the browser. It runs
// inside a Web Worker (web/js/worker.js): the worker forwards the page's
// requests to the functions registered on globalThis.fhirlens, and every
// answer comes back as a message through globalThis.fhirlensPost. Work never
// runs inside a JS callback: callbacks only copy their input and queue a job.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	mainAt = time.Now() // after the runtime and every package init ran
	svc := newService(jsOutbox, yieldToJS)
	if err := register(svc); err != nil {
		fmt.Fprintln(os.Stderr, "fhirlens: cannot register the JS API:", err)
		os.Exit(1)
	}
	go svc.start()
	select {} // keep the Go program alive for callbacks
}
