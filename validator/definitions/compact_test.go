package definitions

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fhirlens/fhirlens/validator/internal/compact"
)

// TestEmbeddedR4UpToDate regenerates the compact form from the R4 package in
// ../shared and compares it byte for byte with the embedded file.
func TestEmbeddedR4UpToDate(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedDir(t), "fhir", "hl7.fhir.r4.core-4.0.1.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fresh, err := compact.GenerateR4(f)
	if err != nil {
		t.Fatal(err)
	}
	if string(fresh) != r4Compact {
		t.Fatalf("embedded %s is stale (%d bytes, fresh %d bytes): run make generate (go generate ./validator/definitions)",
			compact.R4DataFile, len(r4Compact), len(fresh))
	}
	src, err := os.ReadFile(compact.R4GoFile)
	if err != nil || string(src) != compact.R4GoSource {
		t.Fatalf("%s is stale: run make generate (go generate ./validator/definitions)", compact.R4GoFile)
	}
	// The browser downloads this at page load inside the gzip-compressed
	// wasm: keep its compressed size within budget.
	gz := len(gzipped(t, fresh))
	t.Logf("embedded R4: %d bytes, %d bytes gzip", len(r4Compact), gz)
	if gz > 1500*1000 {
		t.Errorf("embedded R4 is %d bytes gzip, over the 1.5 MB budget", gz)
	}
}

// gzipped compresses data as `gzip -9` would.
func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeCompactGzip: DecodeCompact reads the compact form gzip-compressed
// as well as plain, and rejects damaged gzip.
func TestDecodeCompactGzip(t *testing.T) {
	raw := []byte(r4Compact)
	plain, err := DecodeCompact(raw)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzipped(t, raw)
	fromGzip, err := DecodeCompact(gz)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range plain.TypeNames {
		if got, want := dumpType(fromGzip.Types[name]), dumpType(plain.Types[name]); got != want {
			t.Fatalf("type %s differs when read from gzip:\n%s", name, firstDiff(got, want))
		}
	}
	if len(fromGzip.ValueSets) != len(plain.ValueSets) || len(fromGzip.Profiles) != len(plain.Profiles) {
		t.Error("gzip and plain decodings differ")
	}
	if _, err := DecodeCompact(gz[:len(gz)/2]); err == nil {
		t.Error("truncated gzip decoded without error")
	}
}

// TestEncodeDeterministic guards reproducibility: two encodings of one Set
// must be identical.
func TestEncodeDeterministic(t *testing.T) {
	s := sharedR4(t)
	a := encodeRaw(s, compact.Default)
	b := encodeRaw(s, compact.Default)
	if !bytes.Equal(a, b) {
		t.Fatal("two encodings of the same Set differ")
	}
}

// TestEmbeddedR4RoundTrip compares the embedded definitions with a fresh load
// of the package: every type and profile, and every embedded value set.
func TestEmbeddedR4RoundTrip(t *testing.T) {
	fresh := sharedR4(t)
	emb, err := R4()
	if err != nil {
		t.Fatal(err)
	}
	if emb.FHIRVersion != fresh.FHIRVersion {
		t.Errorf("FHIRVersion %q != %q", emb.FHIRVersion, fresh.FHIRVersion)
	}
	if strings.Join(emb.TypeNames, ",") != strings.Join(fresh.TypeNames, ",") {
		t.Errorf("type names differ")
	}
	if strings.Join(emb.ProfileURLs, ",") != strings.Join(fresh.ProfileURLs, ",") {
		t.Errorf("profile URLs differ")
	}
	for _, name := range fresh.TypeNames {
		if got, want := dumpType(emb.Types[name]), dumpType(fresh.Types[name]); got != want {
			t.Errorf("type %s differs after round trip:\n%s", name, firstDiff(got, want))
		}
	}
	for _, url := range fresh.ProfileURLs {
		if got, want := dumpType(emb.Profile(url)), dumpType(fresh.Profiles[url]); got != want {
			t.Errorf("profile %s differs after round trip:\n%s", url, firstDiff(got, want))
		}
	}
	for url := range referencedValueSets(fresh) {
		if fresh.ValueSets[url] != nil && emb.ValueSets[url] == nil {
			t.Errorf("bound value set %s not embedded", url)
		}
	}
	strength := compactValueSets(fresh, compact.Default)
	if len(emb.ValueSets) != len(strength) {
		t.Errorf("%d value sets embedded, want %d", len(emb.ValueSets), len(strength))
	}
	for _, url := range emb.ValueSetURLs {
		got, want := emb.ValueSet(url), fresh.ValueSets[url]
		keepCodes, keepDisplays := compact.Default.Keeps(strength[url])
		if got.Name != want.Name || got.Title != want.Title || strings.Join(got.Systems, " ") != strings.Join(want.Systems, " ") {
			t.Errorf("value set %s header differs: %+v vs %+v", url, got, want)
		}
		if !want.Enumerable {
			if got.Enumerable {
				t.Errorf("value set %s became enumerable", url)
			}
			continue
		}
		if got.Enumerable != keepCodes {
			t.Errorf("value set %s: Enumerable = %v", url, got.Enumerable)
		}
		if !got.Enumerable {
			continue
		}
		if len(got.Codes) != len(want.Codes) {
			t.Errorf("value set %s: %d codes, want %d", url, len(got.Codes), len(want.Codes))
			continue
		}
		for i, c := range want.Codes {
			if !keepDisplays {
				c.Display = ""
			}
			if got.Codes[i] != c {
				t.Errorf("value set %s code %d = %+v, want %+v", url, i, got.Codes[i], c)
				break
			}
		}
	}
	if got, want := strings.Join(emb.CodeSystemURLs(), " "), strings.Join(fresh.CodeSystemURLs(), " "); got != want {
		t.Error("embedded code systems differ from the package's complete ones")
	}
	for _, url := range fresh.CodeSystemURLs() {
		a, b := emb.codeSystems[url], fresh.codeSystems[url]
		a.ready()
		if a.corrupt || len(a.concepts) != len(b.concepts) {
			t.Errorf("code system %s: %d concepts, want %d", url, len(a.concepts), len(b.concepts))
			continue
		}
		for i := range b.concepts {
			if fmt.Sprint(a.concepts[i]) != fmt.Sprint(b.concepts[i]) {
				t.Errorf("code system %s concept %d = %+v, want %+v", url, i, a.concepts[i], b.concepts[i])
				break
			}
		}
	}
	// The lookups work on the decoded form too.
	o := emb.Type("Observation")
	if e, code := o.Root.ChoiceType("valueQuantity"); e == nil || code != "Quantity" {
		t.Errorf("embedded Observation valueQuantity = %v, %q", e, code)
	}
	item := emb.Type("Questionnaire").Root.Child("item")
	if item.Child("item").Ref != item {
		t.Error("embedded Questionnaire.item.item not linked")
	}
	if !emb.ValueSet("http://hl7.org/fhir/ValueSet/administrative-gender").Contains("http://hl7.org/fhir/administrative-gender", "other") {
		t.Error("embedded administrative-gender lacks other")
	}
}

// TestLazyValueSetCodes: the codes of embedded value sets are decoded on
// first use, whichever way the value set is reached, and damaged code lists
// leave the value set not enumerable instead of failing.
func TestLazyValueSetCodes(t *testing.T) {
	const url = "http://hl7.org/fhir/ValueSet/administrative-gender"
	s, err := decodeRaw(r4Compact)
	if err != nil {
		t.Fatal(err)
	}
	if !s.ValueSets[url].Contains("http://hl7.org/fhir/administrative-gender", "male") {
		t.Error("Contains on a value set read from the map failed")
	}
	if got := len(s.ValueSet(url).Codes); got != 4 {
		t.Errorf("administrative-gender has %d codes, want 4", got)
	}

	damaged := &ValueSet{URL: url, Enumerable: true, lazy: &lazyCodes{body: "\x00\x05\x00"}}
	if damaged.Contains("", "male") || damaged.Enumerable || damaged.Codes != nil {
		t.Errorf("damaged code list: Enumerable %v, Codes %v", damaged.Enumerable, damaged.Codes)
	}
}

// testProfileSD is testPatientSD as a profile, whose element tree the
// compact form defers.
var testProfileSD = strings.NewReplacer(`"url":"http://sd/Thing"`, `"url":"http://sd/ThingProfile"`,
	`"derivation":"specialization"`, `"derivation":"constraint"`).Replace(testPatientSD)

// TestLazyProfileTrees: the element trees of embedded profiles are decoded
// and linked on first use through Profile; damaged ones leave Root nil.
func TestLazyProfileTrees(t *testing.T) {
	const url = "http://hl7.org/fhir/StructureDefinition/bp"
	s, err := decodeRaw(r4Compact)
	if err != nil {
		t.Fatal(err)
	}
	bp := s.Profile(url)
	if bp == nil || bp.Root == nil || bp.Root.Path != "Observation" {
		t.Fatalf("bp profile = %+v", bp)
	}
	if e, code := bp.Root.ChoiceType("valueQuantity"); e == nil || code != "Quantity" {
		t.Errorf("bp valueQuantity = %v, %q", e, code)
	}
	if s.Profile(url) != bp || s.Profiles[url] != bp {
		t.Error("Profile and the Profiles map disagree")
	}

	damaged := &Type{URL: "http://x", lazy: &lazyTree{tables: &compactTables{}, path: "X", count: 1, body: "\x00\x05"}}
	if damaged.ready(); damaged.Root != nil {
		t.Errorf("damaged tree decoded to %+v", damaged.Root)
	}
}

// TestLazyConcurrent decodes lazily held definitions from several
// goroutines at once (run with -race).
func TestLazyConcurrent(t *testing.T) {
	s, err := decodeRaw(r4Compact)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, url := range s.ProfileURLs[:50] {
				if p := s.Profile(url); p.Root != nil {
					p.Root.Child("id")
				}
			}
			for _, url := range s.ValueSetURLs[:50] {
				s.ValueSet(url).Contains("", "x")
			}
			s.LookupCode("http://hl7.org/fhir/administrative-gender", "male")
		})
	}
	wg.Wait()
}

// TestDecodeDamagedStringTable: string lengths that overrun the strings, or
// wrap around when summed, are errors, not panics.
func TestDecodeDamagedStringTable(t *testing.T) {
	uv := func(vs ...uint64) string {
		var b []byte
		for _, v := range vs {
			b = binary.AppendUvarint(b, v)
		}
		return string(b)
	}
	tests := map[string]string{
		"overrun":     uv(2, 3, 2, 2) + "abc",
		"wraps":       uv(2, 3, 2, math.MaxUint64) + "abc",
		"blob cut":    uv(1, 9, 9) + "abc",
		"count large": uv(1 << 40),
	}
	for name, table := range tests {
		if _, err := decodeRaw(compactMagic + table); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// dumpType renders a type as text for comparison; pointers (Ref) are shown
// by path.
func dumpType(t *Type) string {
	if t == nil {
		return "<nil>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%v\n", t.Name, t.URL, t.Kind, t.Base, t.BaseURL, t.Derived, t.Abstract)
	var walk func(e *Element)
	walk = func(e *Element) {
		ref := ""
		if e.Ref != nil {
			ref = e.Ref.Path
		}
		fmt.Fprintf(&b, "%s name=%s choice=%v %d..%d mod=%v sum=%v cref=%s ref=%s\n",
			e.Path, e.Name, e.Choice, e.Min, e.Max, e.IsModifier, e.IsSummary, e.ContentRef, ref)
		for _, tr := range e.Types {
			fmt.Fprintf(&b, "  type %s %v %v\n", tr.Code, tr.Profiles, tr.TargetProfiles)
		}
		if e.Binding != nil {
			fmt.Fprintf(&b, "  binding %s %s\n", e.Binding.Strength, e.Binding.ValueSet)
		}
		for _, c := range e.Constraints {
			fmt.Fprintf(&b, "  constraint %#v\n", c)
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	if t.Root != nil {
		walk(t.Root)
	}
	return b.String()
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(g), len(w))
}

func BenchmarkDecodeR4(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeRaw(r4Compact); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadR4Package(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(sharedDir(b), "fhir", "hl7.fhir.r4.core-4.0.1.tgz"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := LoadPackage(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChoiceType(b *testing.B) {
	s, err := R4()
	if err != nil {
		b.Fatal(err)
	}
	root := s.Type("Observation").Root
	b.ReportAllocs()
	for b.Loop() {
		if e, _ := root.ChoiceType("valueQuantity"); e == nil {
			b.Fatal("not found")
		}
	}
}

func BenchmarkValueSetContains(b *testing.B) {
	s, err := R4()
	if err != nil {
		b.Fatal(err)
	}
	vs := s.ValueSet("http://hl7.org/fhir/ValueSet/administrative-gender")
	b.ReportAllocs()
	for b.Loop() {
		if !vs.Contains("http://hl7.org/fhir/administrative-gender", "unknown") {
			b.Fatal("not found")
		}
	}
}

// FuzzDecodeCompact feeds damaged compact data to the decoder, both the raw
// form and gzip-wrapped (DecodeCompact also reads gzip).
func FuzzDecodeCompact(f *testing.F) {
	small, err := LoadPackage(bytes.NewReader(makePackage(f, map[string]string{
		"package/package.json":               testManifest,
		"package/StructureDefinition-t.json": testPatientSD,
		"package/CodeSystem-cs.json":         testCodeSystem,
		"package/ValueSet-v.json":            vsJSON("http://vs/v", `{"include":[{"system":"http://cs"}]}`),
		"package/StructureDefinition-p.json": testProfileSD,
	})))
	if err != nil {
		f.Fatal(err)
	}
	if small.Profile("http://sd/ThingProfile") == nil {
		f.Fatal("seed has no profile")
	}
	f.Add(encodeRaw(small, compact.Default))
	f.Add(encodeRaw(&Set{FHIRVersion: "4.0.1"}, compact.Default))
	f.Add([]byte(r4Compact[:min(len(r4Compact), 2048)]))
	f.Add(gzipped(f, encodeRaw(small, compact.Default)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := decodeRaw(string(data)); err == nil {
			if s == nil {
				t.Fatal("nil Set without error")
			}
			// Lazily decoded code systems must cope with damage too.
			for _, url := range s.CodeSystemURLs() {
				s.LookupCode(url, "a")
			}
			for _, url := range s.ValueSetURLs {
				s.ValueSets[url].Contains("", "a")
			}
			for _, url := range s.ProfileURLs {
				s.Profile(url).Root.Child("a")
			}
		}
		if s, err := DecodeCompact(data); err == nil && s == nil {
			t.Fatal("nil Set without error")
		}
	})
}

// TestEmbeddedR4Summary logs what the embedded form holds.
func TestEmbeddedR4Summary(t *testing.T) {
	s, err := R4()
	if err != nil {
		t.Fatal(err)
	}
	enumerable, codes := 0, 0
	for _, url := range s.ValueSetURLs {
		if vs := s.ValueSet(url); vs.Enumerable {
			enumerable++
			codes += len(vs.Codes)
		}
	}
	t.Logf("embedded R4 %s: %d types, %d profiles, %d value sets (%d enumerable, %d codes), %d code systems; %d bytes",
		s.FHIRVersion, len(s.Types), len(s.Profiles), len(s.ValueSets), enumerable, codes, len(s.CodeSystemURLs()), len(r4Compact))
	if len(s.Types) < 200 || len(s.Profiles) < 400 || enumerable < 1000 {
		t.Error("embedded R4 is missing definitions")
	}
}
