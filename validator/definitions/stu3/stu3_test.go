package stu3

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator/definitions"
	compactform "github.com/fhirlens/fhirlens/validator/internal/compact"
)

// TestGeneratedUpToDate: the committed stu3.bin is what the generator makes
// from the STU3 core package (run `make generate` when this fails).
func TestGeneratedUpToDate(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedtest.Dir(t), "fhir", "hl7.fhir.r3.core-3.0.1.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fresh, err := compactform.GenerateSTU3(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, Data()) {
		t.Fatalf("stu3.bin is stale (%d bytes committed, %d generated): run make generate", len(Data()), len(fresh))
	}
}

func TestLoad(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if s.FHIRVersion != "3.0.1" {
		t.Errorf("FHIRVersion %q", s.FHIRVersion)
	}
	for _, name := range []string{"ProcedureRequest", "ReferralRequest", "Patient", "HumanName"} {
		if s.Type(name) == nil {
			t.Errorf("no type %s", name)
		}
	}
	if s.Type("ServiceRequest") != nil {
		t.Error("ServiceRequest is R4, not STU3")
	}
}

func BenchmarkLoad(b *testing.B) {
	b.SetBytes(int64(len(Data())))
	for i := 0; i < b.N; i++ {
		if _, err := definitions.DecodeCompact(Data()); err != nil {
			b.Fatal(err)
		}
	}
}
