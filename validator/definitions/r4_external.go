//go:build js && wasm

package definitions

// r4Compact is empty in the browser build until SetR4 hands over the compact
// R4 definitions: keeping them out of the wasm makes it smaller, and the
// worker downloads them (gen/r4.bin) in parallel with it.
var r4Compact string

// SetR4 provides the compact R4 definitions (the content of r4.bin) to a
// build that does not embed them. It must be called before the first R4().
func SetR4(data string) { r4Compact = data }
