package definitions

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// R4Digest is the sha256 (hex) of the embedded R4 compact form: what a
// conformance report names as the exact core definitions it used.
var R4Digest = sync.OnceValue(func() string {
	sum := sha256.Sum256([]byte(r4Compact))
	return hex.EncodeToString(sum[:])
})
