package definitions

import (
	"fmt"
	"strings"
	"sync"
)

// The core definitions of each FHIR version: R4 is embedded in this
// package; other versions are registered by the packages that carry them
// (importing validator/definitions/stu3 registers STU3; the browser
// registers a loader that fetches the STU3 file from the app's origin), so
// that a binary only pays for the versions it imports.
var cores = struct {
	sync.Mutex
	load map[string]func() (*Set, error)
}{load: map[string]func() (*Set, error){"4.0": R4}}

// RegisterCore makes the core definitions of a FHIR version ("3.0")
// available to Core. load is called on each Core call and must cache.
func RegisterCore(version string, load func() (*Set, error)) {
	cores.Lock()
	defer cores.Unlock()
	cores.load[MajorMinor(version)] = load
}

// Core returns the core definitions of a FHIR version: "4.0", "4.0.1",
// "R4", "3.0", "3.0.2", "STU3" … The set is shared: Clone it before adding
// packages. The error says when the version is not available in this binary.
func Core(version string) (*Set, error) {
	v := MajorMinor(version)
	cores.Lock()
	load := cores.load[v]
	cores.Unlock()
	if load == nil {
		return nil, fmt.Errorf("the FHIR %s core definitions are not available (fhirlens has R4 and STU3)", version)
	}
	return load()
}

// MajorMinor reduces a FHIR version to the "major.minor" key of its core:
// "4.0.1" → "4.0", "R4" → "4.0", "STU3" → "3.0".
func MajorMinor(version string) string {
	switch strings.ToUpper(version) {
	case "R4":
		return "4.0"
	case "STU3", "R3":
		return "3.0"
	}
	if i := strings.IndexByte(version, '.'); i >= 0 {
		if j := strings.IndexByte(version[i+1:], '.'); j >= 0 {
			return version[:i+1+j]
		}
	}
	return version
}
