package definitions

import "sync"

var r4 = sync.OnceValues(func() (*Set, error) { return decodeRaw(r4Compact) })

// R4 returns the FHIR R4 (4.0.1) core definitions embedded in the binary,
// decoding them on first use. The Set is shared: callers must not modify it
// (use LoadPackage for a Set to extend with AddPackage).
func R4() (*Set, error) { return r4() }
