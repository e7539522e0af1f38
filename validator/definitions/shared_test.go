package definitions

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// sharedDir is the reference data folder (see package sharedtest).
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

func loadShared(t testing.TB, name string) *Set {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedDir(t), "fhir", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := LoadPackage(f)
	if err != nil {
		t.Fatalf("LoadPackage(%s): %v", name, err)
	}
	return s
}

// The sets below are loaded once per test binary: loading takes a while and
// every test only reads them.
var (
	r4Once, r3Once, usOnce sync.Once
	r4Set, r3Set, usSet    *Set
)

func sharedR4(t testing.TB) *Set {
	sharedDir(t) // skips (or fails in CI) before the Once when data is missing
	r4Once.Do(func() { r4Set = loadShared(t, "hl7.fhir.r4.core-4.0.1.tgz") })
	if r4Set == nil {
		t.Fatal("R4 core package did not load")
	}
	return r4Set
}

func sharedR3(t testing.TB) *Set {
	sharedDir(t) // skips (or fails in CI) before the Once when data is missing
	r3Once.Do(func() { r3Set = loadShared(t, "hl7.fhir.r3.core-3.0.1.tgz") })
	if r3Set == nil {
		t.Fatal("STU3 core package did not load")
	}
	return r3Set
}

// sharedUSCore is R4 core with US Core 3.1.0 added on top.
func sharedUSCore(t testing.TB) *Set {
	sharedDir(t) // skips (or fails in CI) before the Once when data is missing
	usOnce.Do(func() {
		s := loadShared(t, "hl7.fhir.r4.core-4.0.1.tgz")
		f, err := os.Open(filepath.Join(sharedDir(t), "fhir", "hl7.fhir.us.core-3.1.0.tgz"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := s.AddPackage(f); err != nil {
			t.Fatalf("AddPackage(US Core): %v", err)
		}
		usSet = s
	})
	if usSet == nil {
		t.Fatal("US Core did not load")
	}
	return usSet
}
