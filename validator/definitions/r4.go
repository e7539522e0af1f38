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
	s, err := decodeRaw(r4Compact)
	if s != nil {
		s.shared = true
	}
	return s, err
})

// R4 returns the FHIR R4 (4.0.1) core definitions embedded in the binary,
// decoding them on first use. The Set is shared by every caller and
// read-only: AddPackage refuses it; WithPackages returns a new Set with
// implementation guides added, leaving this one as it is.
func R4() (*Set, error) { return r4() }
