// Package profile validates resources against the profiles of implementation
// guides: it loads guides (FHIR packages, folders of conformance resources,
// the local package cache), compiles each profile's snapshot once into a tree
// with precompiled slice matchers, and checks a resource's JSON tree against
// it: cardinality, types, fixed and pattern values, ranges, lengths,
// bindings, the profile's invariants, extensions and slicing.
package profile

import (
	"github.com/fhirlens/fhirlens/validator/definitions"

	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/tidwall/gjson"
)

// maxFile bounds one file read from a package or folder.
const maxFile = definitions.MaxPackageFile

// Guide is one loaded implementation guide (or any FHIR package or folder of
// conformance resources).
type Guide struct {
	Name        string       // package name, or the folder's name
	Version     string       // package version, "" for a folder without package.json
	Canonical   string       // the guide's canonical base, when the manifest says
	FHIRVersion string       // from the manifest
	Deps        []Dependency // from the manifest, in its order
	Source      string       // where it was loaded from (file, folder or cache id)
	// Files are the conformance resources (StructureDefinition, ValueSet,
	// CodeSystem, Questionnaire) in name order.
	Files []File
	// Problems lists what could not be loaded, one line each.
	Problems []string

	manifest []byte
	tgz      []byte // the package as given, when it was one
}

// Dependency is one entry of a manifest's dependencies.
type Dependency struct{ Name, Version string }

// File is one conformance resource of a guide.
type File struct {
	Name string // path inside the package or folder
	Kind string // resourceType
	URL  string
	Data []byte
}

// ID is "name#version" (or the name alone).
func (g *Guide) ID() string {
	if g.Version == "" {
		return g.Name
	}
	return g.Name + "#" + g.Version
}

// ProfileCount is the number of StructureDefinitions that constrain a type
// (profiles and extensions).
func (g *Guide) ProfileCount() int {
	n := 0
	for _, f := range g.Files {
		if f.Kind == "StructureDefinition" && gjson.GetBytes(f.Data, "derivation").String() == "constraint" {
			n++
		}
	}
	return n
}

// LoadPackage reads a FHIR package (.tgz): the conformance resources in
// package/, JSON or FHIR XML (read as the version each declares).
func LoadPackage(r io.Reader, source string) (*Guide, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 1<<30))
	if err != nil {
		return nil, err
	}
	gz, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: not a gzip FHIR package: %w", source, err)
	}
	defer gz.Close()
	g := &Guide{Source: source, tgz: raw}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: reading package: %w", source, err)
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		name := strings.TrimPrefix(hdr.Name, "./")
		dir, base := path.Split(name)
		lower := strings.ToLower(base)
		if dir != "package/" || !strings.HasSuffix(lower, ".json") && !strings.HasSuffix(lower, ".xml") || base == ".index.json" {
			continue // examples and other material live in subfolders
		}
		if hdr.Size > maxFile {
			g.Problems = append(g.Problems, fmt.Sprintf("%s: file too large (%d bytes)", name, hdr.Size))
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxFile))
		if err != nil {
			return nil, fmt.Errorf("%s: reading %s: %w", source, name, err)
		}
		if base == "package.json" {
			g.manifest = data
			continue
		}
		g.add(name, data)
	}
	if g.manifest == nil {
		return nil, fmt.Errorf("%s: not a FHIR package: no package/package.json", source)
	}
	g.readManifest()
	g.sortFiles()
	return g, nil
}

// LoadFolder reads the conformance resources of a folder and its subfolders
// (JSON files; a package.json, when present, names the guide).
func LoadFolder(dir string) (*Guide, error) {
	g := &Guide{Source: dir, Name: filepath.Base(filepath.Clean(dir))}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		lower := strings.ToLower(d.Name())
		if d.IsDir() || !strings.HasSuffix(lower, ".json") && !strings.HasSuffix(lower, ".xml") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if info.Size() > maxFile {
			g.Problems = append(g.Problems, fmt.Sprintf("%s: file too large (%d bytes)", rel, info.Size()))
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if d.Name() == "package.json" && g.manifest == nil && !strings.Contains(rel, "/") {
			g.manifest = data
			return nil
		}
		g.add(rel, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if g.manifest != nil {
		g.readManifest()
	}
	g.sortFiles()
	return g, nil
}

// AddFile adds one file to a guide made in memory (the browser's folder
// drop): conformance resources are kept, other JSON is ignored and a
// package.json names the guide.
func (g *Guide) AddFile(name string, data []byte) {
	if path.Base(name) == "package.json" && g.manifest == nil {
		g.manifest = data
		g.readManifest()
		return
	}
	g.add(name, data)
	g.sortFiles()
}

// CacheDir is the standard local FHIR package cache, ~/.fhir/packages.
func CacheDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".fhir", "packages")
}

// LoadCached reads package id "name#version" from the package cache folder
// (never from the network).
func LoadCached(cache, id string) (*Guide, error) {
	name, version, ok := strings.Cut(id, "#")
	if !ok || name == "" || version == "" || strings.ContainsAny(id, "/\\") {
		return nil, fmt.Errorf("%q is not a package id (name#version)", id)
	}
	dir := filepath.Join(cache, id, "package")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("package %s is not in the local package cache %s", id, cache)
	}
	g, err := LoadFolder(dir)
	if err != nil {
		return nil, err
	}
	g.Source = id
	if g.Name == "package" {
		g.Name, g.Version = name, version
	}
	return g, nil
}

// Load reads a guide given on the command line: a .tgz package, a folder,
// or a package id name#version found in the package cache.
func Load(arg, cache string) (*Guide, error) {
	if st, err := os.Stat(arg); err == nil {
		if st.IsDir() {
			return LoadFolder(arg)
		}
		f, err := os.Open(arg)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return LoadPackage(f, arg)
	}
	if strings.Contains(arg, "#") {
		return LoadCached(cache, arg)
	}
	return nil, fmt.Errorf("%s: no such file, folder or package id (name#version)", arg)
}

// add keeps a conformance resource; broken JSON is a problem, other
// resources are ignored. XML files are converted to JSON first.
func (g *Guide) add(name string, data []byte) {
	if strings.HasSuffix(strings.ToLower(name), ".xml") {
		if !bytes.Contains(data[:min(len(data), 4096)], []byte("StructureDefinition")) &&
			!bytes.Contains(data[:min(len(data), 4096)], []byte("ValueSet")) &&
			!bytes.Contains(data[:min(len(data), 4096)], []byte("CodeSystem")) &&
			!bytes.Contains(data[:min(len(data), 4096)], []byte("Questionnaire")) {
			return // not a conformance resource
		}
		// The guide's FHIR version, else the one the resource declares
		// (STU3 for the NHS assets), else R4.
		js, err := fhirxml.ToJSONVersion(data, g.FHIRVersion)
		if err != nil {
			g.Problems = append(g.Problems, fmt.Sprintf("%s: not readable FHIR XML, skipped (%v)", name, err))
			return
		}
		data = js
	}
	if !gjson.ValidBytes(data) {
		g.Problems = append(g.Problems, fmt.Sprintf("%s: not valid JSON, skipped", name))
		return
	}
	kind := gjson.GetBytes(data, "resourceType").String()
	switch kind {
	case "StructureDefinition", "ValueSet", "CodeSystem", "Questionnaire":
	default:
		return
	}
	url := gjson.GetBytes(data, "url").String()
	if url == "" {
		g.Problems = append(g.Problems, fmt.Sprintf("%s: %s without a url, skipped", name, kind))
		return
	}
	g.Files = append(g.Files, File{Name: name, Kind: kind, URL: url, Data: data})
}

func (g *Guide) sortFiles() {
	sort.SliceStable(g.Files, func(i, j int) bool { return g.Files[i].Name < g.Files[j].Name })
}

func (g *Guide) readManifest() {
	m := g.manifest
	if n := gjson.GetBytes(m, "name").String(); n != "" {
		g.Name = n
	}
	g.Version = gjson.GetBytes(m, "version").String()
	g.Canonical = gjson.GetBytes(m, "canonical").String()
	for _, key := range []string{"fhirVersions.0", "fhir-version-list.0"} {
		if v := gjson.GetBytes(m, key).String(); v != "" {
			g.FHIRVersion = v
			break
		}
	}
	g.Deps = nil
	gjson.GetBytes(m, "dependencies").ForEach(func(k, v gjson.Result) bool {
		g.Deps = append(g.Deps, Dependency{Name: k.String(), Version: v.String()})
		return true
	})
}

// Package returns the guide as a FHIR package (.tgz): the bytes given when
// it was loaded from one, otherwise a package made of its conformance
// resources (for keeping in the browser).
func (g *Guide) Package() []byte {
	if g.tgz != nil {
		return g.tgz
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	manifest := g.manifestJSON()
	put := func(name string, data []byte) {
		tw.WriteHeader(&tar.Header{Name: "package/" + name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	put("package.json", manifest)
	for i, f := range g.Files {
		put(fmt.Sprintf("%s-%d.json", f.Kind, i), f.Data)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// manifestJSON is the guide's package.json, or one made from its name,
// version and FHIR version when it has none.
func (g *Guide) manifestJSON() []byte {
	if g.manifest != nil {
		return g.manifest
	}
	return fmt.Appendf(nil, `{"name":%q,"version":%q,"fhirVersions":[%q]}`, g.Name, g.Version, g.FHIRVersion)
}
