package definitions

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/internal/compact"
)

// makePackage builds a FHIR package .tgz in memory from file name -> JSON.
func makePackage(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testManifest = `{"name":"test.pkg","version":"0.1.0","fhirVersions":["4.0.1"]}`

// A code system with a hierarchy:
//
//	a
//	  a1
//	    a11
//	  a2
//	b (status=retired)
const testCodeSystem = `{"resourceType":"CodeSystem","url":"http://cs","content":"complete","concept":[
 {"code":"a","display":"A","concept":[{"code":"a1","display":"A1","concept":[{"code":"a11"}]},{"code":"a2"}]},
 {"code":"b","property":[{"code":"status","valueCode":"retired"}]}]}`

func vsJSON(url, compose string) string {
	return `{"resourceType":"ValueSet","url":"` + url + `","name":"N","compose":` + compose + `}`
}

func TestValueSetExpansionSynthetic(t *testing.T) {
	files := map[string]string{
		"package/package.json":       testManifest,
		"package/CodeSystem-cs.json": testCodeSystem,
		"package/CodeSystem-frag.json": `{"resourceType":"CodeSystem","url":"http://frag","content":"fragment",
			"concept":[{"code":"x"}]}`,
		"package/example/ValueSet-ignored.json": vsJSON("http://vs/ignored", `{"include":[{"system":"http://cs"}]}`),
		"package/Patient-ignored.json":          `{"resourceType":"Patient","id":"p"}`,
	}
	cases := []struct {
		name, compose string
		enumerable    bool
		codes         string // space-separated
	}{
		{"all", `{"include":[{"system":"http://cs"}]}`, true, "a a1 a11 a2 b"},
		{"list", `{"include":[{"system":"http://cs","concept":[{"code":"a2"},{"code":"zz"}]}]}`, true, "a2 zz"},
		{"isa", `{"include":[{"system":"http://cs","filter":[{"property":"concept","op":"is-a","value":"a1"}]}]}`, true, "a1 a11"},
		{"desc", `{"include":[{"system":"http://cs","filter":[{"property":"concept","op":"descendent-of","value":"a"}]}]}`, true, "a1 a11 a2"},
		{"isnota", `{"include":[{"system":"http://cs","filter":[{"property":"concept","op":"is-not-a","value":"a"}]}]}`, true, "b"},
		{"eq", `{"include":[{"system":"http://cs","filter":[{"property":"status","op":"=","value":"retired"}]}]}`, true, "b"},
		{"parent", `{"include":[{"system":"http://cs","filter":[{"property":"parent","op":"=","value":"a"}]}]}`, true, "a1 a2"},
		{"in", `{"include":[{"system":"http://cs","filter":[{"property":"concept","op":"in","value":"b, a11"}]}]}`, true, "a11 b"},
		{"two filters", `{"include":[{"system":"http://cs","filter":[{"property":"concept","op":"is-a","value":"a"},{"property":"concept","op":"is-not-a","value":"a1"}]}]}`, true, "a a2"},
		{"exclude", `{"include":[{"system":"http://cs"}],"exclude":[{"system":"http://cs","filter":[{"property":"concept","op":"is-a","value":"a1"}]}]}`, true, "a a2 b"},
		{"import", `{"include":[{"valueSet":["http://vs/isa"]},{"system":"http://other","concept":[{"code":"o"}]}]}`, true, "a1 a11 o"},
		{"import and system", `{"include":[{"system":"http://cs","valueSet":["http://vs/desc"],"filter":[{"property":"concept","op":"is-a","value":"a1"}]}]}`, true, "a1 a11"},
		{"versioned import", `{"include":[{"valueSet":["http://vs/list|1.0"]}]}`, true, "a2 zz"},
		{"regex filter", `{"include":[{"system":"http://cs","filter":[{"property":"code","op":"regex","value":"a.*"}]}]}`, false, ""},
		{"external system", `{"include":[{"system":"http://snomed.info/sct"}]}`, false, ""},
		{"fragment", `{"include":[{"system":"http://frag"}]}`, false, ""},
		{"unknown import", `{"include":[{"valueSet":["http://vs/nowhere"]}]}`, false, ""},
		{"bad exclude", `{"include":[{"system":"http://cs"}],"exclude":[{"system":"http://snomed.info/sct"}]}`, false, ""},
		{"cycle1", `{"include":[{"valueSet":["http://vs/cycle2"]}]}`, false, ""},
		{"cycle2", `{"include":[{"valueSet":["http://vs/cycle1"]}]}`, false, ""},
		{"empty include", `{"include":[{}]}`, false, ""},
	}
	for _, tc := range cases {
		url := "http://vs/" + strings.ReplaceAll(tc.name, " ", "-")
		if tc.name == "cycle1" || tc.name == "cycle2" {
			url = "http://vs/" + tc.name
		}
		files["package/ValueSet-"+strings.ReplaceAll(tc.name, " ", "-")+".json"] = vsJSON(url, tc.compose)
	}
	s, err := LoadPackage(bytes.NewReader(makePackage(t, files)))
	if err != nil {
		t.Fatal(err)
	}
	if s.FHIRVersion != "4.0.1" {
		t.Errorf("FHIRVersion = %q", s.FHIRVersion)
	}
	if s.ValueSet("http://vs/ignored") != nil {
		t.Error("a value set in a subfolder was loaded")
	}
	for _, tc := range cases {
		url := "http://vs/" + strings.ReplaceAll(tc.name, " ", "-")
		vs := s.ValueSet(url)
		if vs == nil {
			t.Errorf("%s: not loaded", tc.name)
			continue
		}
		var codes []string
		for _, c := range vs.Codes {
			codes = append(codes, c.Code)
		}
		if vs.Enumerable != tc.enumerable || strings.Join(codes, " ") != tc.codes {
			t.Errorf("%s: Enumerable=%v codes=%q; want %v %q", tc.name, vs.Enumerable, strings.Join(codes, " "), tc.enumerable, tc.codes)
		}
	}
	if c, ok := s.ValueSet("http://vs/list").Lookup("http://cs", "a2"); !ok || c.System != "http://cs" {
		t.Errorf("list: Lookup(a2) = %+v, %v", c, ok)
	}
	if c, _ := s.ValueSet("http://vs/isa").Lookup("", "a1"); c == nil || c.Display != "A1" {
		t.Errorf("display not taken from the code system: %+v", c)
	}
	if got := s.ValueSet("http://vs/import").Systems; !slices.Equal(got, []string{"http://cs", "http://other"}) {
		t.Errorf("import systems = %v", got)
	}
	if got := s.ValueSet("http://vs/external-system").Systems; !slices.Equal(got, []string{"http://snomed.info/sct"}) {
		t.Errorf("external systems = %v", got)
	}
}

// testPatientSD is a tiny StructureDefinition with a choice, a backbone
// element, a content reference, a slice and a system-typed id.
const testPatientSD = `{"resourceType":"StructureDefinition","url":"http://sd/Thing","name":"Thing","kind":"resource",
 "abstract":false,"type":"Thing","baseDefinition":"http://hl7.org/fhir/StructureDefinition/DomainResource","derivation":"specialization",
 "snapshot":{"element":[
  {"id":"Thing","path":"Thing","min":0,"max":"*","constraint":[{"key":"t-1","severity":"warning","human":"H","expression":"true",
    "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/elementdefinition-bestpractice","valueBoolean":true}]}]},
  {"id":"Thing.id","path":"Thing.id","min":0,"max":"1","type":[{"code":"http://hl7.org/fhirpath/System.String"}]},
  {"id":"Thing.value[x]","path":"Thing.value[x]","min":1,"max":"1","type":[{"code":"string"},{"code":"dateTime"},{"code":"Reference","targetProfile":["http://sd/Thing"]}]},
  {"id":"Thing.part","path":"Thing.part","min":0,"max":"*","type":[{"code":"BackboneElement"}]},
  {"id":"Thing.part.code","path":"Thing.part.code","min":1,"max":"1","type":[{"code":"code"}],
    "binding":{"strength":"required","valueSet":"http://vs/all|1.2"}},
  {"id":"Thing.part:s","path":"Thing.part","sliceName":"s","min":0,"max":"1"},
  {"id":"Thing.part:s.code","path":"Thing.part.code","min":1,"max":"1"},
  {"id":"Thing.part.part","path":"Thing.part.part","min":0,"max":"*","contentReference":"#Thing.part"},
  {"id":"Thing.orphan.x","path":"Thing.orphan.x","min":0,"max":"1"}
 ]}}`

func TestStructureSynthetic(t *testing.T) {
	pkg := makePackage(t, map[string]string{
		"package/package.json":                    testManifest,
		"package/StructureDefinition-t.json":      testPatientSD,
		"package/StructureDefinition-bad.json":    `{"resourceType":"StructureDefinition","url":"http://sd/bad","snapshot":{"element":[{"path":"A.b"}]}}`,
		"package/StructureDefinition-nosnap.json": `{"resourceType":"StructureDefinition","url":"http://sd/nosnap","name":"NoSnap"}`,
		"package/StructureDefinition-junk.json":   `{"resourceType":"StructureDefinition","url":5}`,
	})
	s, err := LoadPackage(bytes.NewReader(pkg))
	if err != nil {
		t.Fatal(err)
	}
	// The orphan element, the rootless SD, the one without snapshot and the
	// malformed file are problems.
	if len(s.Findings) != 4 {
		t.Errorf("findings = %q, want 4", s.Findings)
	}
	th := s.Type("Thing")
	if th == nil || th.Base != "DomainResource" {
		t.Fatalf("Thing = %+v", th)
	}
	var paths []string
	var walk func(e *Element)
	walk = func(e *Element) {
		paths = append(paths, e.Path)
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(th.Root)
	if got := strings.Join(paths, " "); got != "Thing Thing.id Thing.value[x] Thing.part Thing.part.code Thing.part.part" {
		t.Errorf("element tree = %s", got)
	}
	if c := th.Root.Constraints; len(c) != 1 || !c[0].BestPractice || c[0].Key != "t-1" {
		t.Errorf("root constraints = %+v", c)
	}
	v, code := th.Root.ChoiceType("valueReference")
	if v == nil || code != "Reference" || v.Min != 1 || v.Types[2].TargetProfiles[0] != "http://sd/Thing" {
		t.Errorf("valueReference = %+v %q", v, code)
	}
	if _, code := th.Root.ChoiceType("valueDateTime"); code != "dateTime" {
		t.Errorf("valueDateTime type = %q", code)
	}
	part := th.Root.Child("part")
	pc := part.Child("code")
	if pc == nil || pc.Binding == nil || pc.Binding.ValueSet != "http://vs/all" || pc.Binding.Strength != "required" {
		t.Errorf("part.code = %+v", pc)
	}
	pp := part.Child("part")
	if pp.Ref != part || pp.Child("code") != pc || pp.Max != -1 {
		t.Errorf("part.part = %+v", pp)
	}
	if id := th.Root.Child("id"); id.Types[0].Code != "http://hl7.org/fhirpath/System.String" {
		t.Errorf("id type = %+v", id.Types)
	}
	if th.Root.Child("orphan") != nil {
		t.Error("orphan element kept")
	}
}

func TestAddPackageKeepsCoreTypes(t *testing.T) {
	s, err := LoadPackage(bytes.NewReader(makePackage(t, map[string]string{
		"package/package.json":               testManifest,
		"package/StructureDefinition-t.json": testPatientSD,
	})))
	if err != nil {
		t.Fatal(err)
	}
	core := s.Type("Thing")
	other := strings.Replace(testPatientSD, `"url":"http://sd/Thing"`, `"url":"http://ig/Thing"`, 1)
	if err := s.AddPackage(bytes.NewReader(makePackage(t, map[string]string{
		"package/package.json":               `{"name":"ig","version":"1.0.0","fhirVersions":["5.0.0"]}`,
		"package/StructureDefinition-t.json": other,
	}))); err != nil {
		t.Fatal(err)
	}
	if s.Type("Thing") != core || s.Profile("http://ig/Thing") == nil || s.Profile("http://ig/Thing") == core {
		t.Error("an IG type named like a core type replaced it")
	}
	if s.FHIRVersion != "4.0.1" {
		t.Errorf("FHIRVersion changed to %q by an IG", s.FHIRVersion)
	}
}

func TestLoadPackageErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":       nil,
		"not gzip":    []byte("hello"),
		"no manifest": makePackage(t, map[string]string{"package/CodeSystem-cs.json": testCodeSystem}),
	} {
		if s, err := LoadPackage(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: LoadPackage = %v, want error", name, s)
		}
	}
}

func FuzzLoadPackage(f *testing.F) {
	f.Add(makePackage(f, map[string]string{
		"package/package.json":               testManifest,
		"package/StructureDefinition-t.json": testPatientSD,
		"package/CodeSystem-cs.json":         testCodeSystem,
		"package/ValueSet-v.json":            vsJSON("http://vs/v", `{"include":[{"system":"http://cs","filter":[{"property":"concept","op":"is-a","value":"a"}]}]}`),
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LoadPackage(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever loaded must survive the compact round trip. (The raw
		// form: compressing in a fuzz body is very slow under coverage.)
		if _, err := decodeRaw(string(encodeRaw(s, compact.Default))); err != nil {
			t.Fatalf("decoding what was just encoded: %v", err)
		}
	})
}

// FuzzLoadStructureDefinition and FuzzLoadTerminology fuzz the JSON of the
// resources of a package, which FuzzLoadPackage rarely reaches through the
// gzip and tar layers. (Split in two: one target with all three resources
// barely makes progress under the fuzzer.)
func FuzzLoadStructureDefinition(f *testing.F) {
	f.Add(testPatientSD)
	f.Add(`{"resourceType":"StructureDefinition","snapshot":{"element":[{"path":"X"},{"path":"X.a[x]","type":[{"code":"string"}],"contentReference":"#X"}]}}`)
	f.Fuzz(func(t *testing.T, sd string) {
		loadAndRoundTrip(t, []packageFile{{name: "package/StructureDefinition-x.json", kind: "StructureDefinition", data: []byte(sd)}})
	})
}

func FuzzLoadTerminology(f *testing.F) {
	f.Add(testCodeSystem, vsJSON("http://vs/v", `{"include":[{"system":"http://cs","filter":[{"property":"concept","op":"descendent-of","value":"a"}]}],"exclude":[{"valueSet":["http://vs/v"]}]}`))
	f.Add(`{"resourceType":"CodeSystem","url":"http://cs","content":"complete","concept":[{"code":"a","concept":[{"code":"a"}]}]}`,
		`{"resourceType":"ValueSet","url":"http://vs/v","expansion":{"contains":[{"system":"s","code":"c","contains":[{"code":"d"}]}]}}`)
	f.Fuzz(func(t *testing.T, cs, vs string) {
		loadAndRoundTrip(t, []packageFile{
			{name: "package/CodeSystem-x.json", kind: "CodeSystem", data: []byte(cs)},
			{name: "package/ValueSet-x.json", kind: "ValueSet", data: []byte(vs)},
		})
	})
}

func loadAndRoundTrip(t *testing.T, files []packageFile) {
	s := &Set{Types: map[string]*Type{}, Profiles: map[string]*Type{}, ValueSets: map[string]*ValueSet{}}
	s.addFiles([]byte(testManifest), files)
	for _, name := range s.TypeNames {
		s.Types[name].Root.Child("a")
	}
	for _, url := range s.ValueSetURLs {
		s.ValueSets[url].Contains("", "a")
	}
	if _, err := decodeRaw(string(encodeRaw(s, compact.Default))); err != nil {
		t.Fatalf("decoding what was just encoded: %v", err)
	}
}

// TestWithPackagesLeavesOriginal: WithPackages returns a new set and never
// changes the one it starts from; the embedded R4 set refuses AddPackage.
func TestWithPackagesLeavesOriginal(t *testing.T) {
	base, err := LoadPackage(bytes.NewReader(makePackage(t, map[string]string{
		"package/package.json":               testManifest,
		"package/StructureDefinition-t.json": testPatientSD,
	})))
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(testPatientSD, `"url":"http://sd/Thing"`, `"url":"http://ig/Thing"`, 1)
	ig, err := base.WithPackages(bytes.NewReader(makePackage(t, map[string]string{
		"package/package.json":               `{"name":"ig","version":"1.0.0","fhirVersions":["4.0.1"]}`,
		"package/StructureDefinition-t.json": other,
	})))
	if err != nil {
		t.Fatal(err)
	}
	if ig.Profile("http://ig/Thing") == nil {
		t.Error("the new set lacks the added profile")
	}
	if base.Profile("http://ig/Thing") != nil || len(base.ProfileURLs) != 0 {
		t.Error("WithPackages changed the set it started from")
	}
	if _, err := base.WithPackages(bytes.NewReader([]byte("not a package"))); err == nil {
		t.Error("a broken package gave no error")
	}
	r4, err := R4()
	if err != nil {
		t.Fatal(err)
	}
	if err := r4.AddPackage(bytes.NewReader(nil)); err == nil || !strings.Contains(err.Error(), "WithPackages") {
		t.Errorf("AddPackage on the embedded set: %v", err)
	}
}
