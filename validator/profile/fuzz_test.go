package profile_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/profile"
)

// noPanic fails when the validator had to recover from a panic.
func noPanic(t *testing.T, rep *validator.Report) {
	for _, f := range rep.Findings {
		if f.Rule == "engine.panic" {
			t.Fatalf("panic: %s", f.Message)
		}
	}
}

// FuzzLoadGuide feeds a guide's StructureDefinition and an instance to the
// loader, the compiler (with snapshot generation) and profile validation:
// whatever they are, loading reports problems and validation reports
// findings, and nothing panics.
func FuzzLoadGuide(f *testing.F) {
	sd, err := os.ReadFile("testdata/closed-guide/StructureDefinition-closed-identifiers.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"testdata/closed/no-nhs-number.json", "testdata/closed/wrong-order-unknown-system-long-nhs.json"} {
		inst, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sd, inst)
	}
	f.Add([]byte(`{"resourceType":"StructureDefinition","url":"u","derivation":"constraint","type":"Patient","kind":"resource","snapshot":{"element":[{"path":"Patient"},{"path":"Patient.name","sliceName":"x"}]}}`),
		[]byte(`{"resourceType":"Patient","meta":{"profile":["u"]},"name":[{}]}`))
	r4, err := definitions.R4()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sdData, instance []byte) {
		g := &profile.Guide{Name: "fuzz", Version: "0", FHIRVersion: "4.0.1"}
		g.AddFile("sd.json", sdData)
		defs := r4.Clone()
		guides := []*profile.Guide{g}
		if err := profile.AddToDefinitions(defs, guides); err != nil {
			return // the definitions loader refused the package: reported, fine
		}
		set := profile.NewSet(defs, guides)
		urls := set.URLs()
		for _, u := range urls {
			set.Profile(u) // compile errors are values, never panics
		}
		v, err := validator.New(validator.Options{Definitions: defs, Guides: set, Profiles: urls})
		if err != nil {
			t.Fatal(err)
		}
		noPanic(t, v.Validate(context.Background(), validator.FileInput("fuzz.json", instance)))
	})
}

// FuzzLoadPackage feeds bytes to the package reader: a .tgz or not, it
// returns a guide or an error.
func FuzzLoadPackage(f *testing.F) {
	g := &profile.Guide{Name: "seed", Version: "1", FHIRVersion: "4.0.1"}
	sd, _ := os.ReadFile("testdata/closed-guide/StructureDefinition-closed-identifiers.json")
	g.AddFile("sd.json", sd)
	f.Add(g.Package())
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := profile.LoadPackage(bytes.NewReader(data), "fuzz.tgz")
		if err != nil {
			return
		}
		set := profile.NewSet(nil, []*profile.Guide{g})
		_ = set.URLs()
	})
}
