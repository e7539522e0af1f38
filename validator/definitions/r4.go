package definitions

import (
	"runtime"
	"runtime/debug"
	"sync"
)

var r4 = sync.OnceValues(func() (*Set, error) {
	if runtime.GOOS == "js" {
		// In the browser the collector shares the one thread with the
		// decoder, and collecting while the definitions are being built
		// only marks them again and again: pause it for the decode (cold
		// decode under Node: 97 ms -> 40 ms). It runs again right after.
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
	}
	return decodeRaw(r4Compact)
})

// R4 returns the FHIR R4 (4.0.1) core definitions embedded in the binary,
// decoding them on first use. The Set is shared: callers must not modify it
// (use LoadPackage for a Set to extend with AddPackage).
func R4() (*Set, error) { return r4() }
