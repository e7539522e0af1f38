package definitions

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/gjson"
)

// MaxPackageFile bounds one file read from a FHIR package (or a guide's
// folder), so a hostile archive cannot make a reader allocate without
// limit; every package reader (definitions, profile, snapshot) uses it.
const MaxPackageFile = 64 << 20

// LoadPackage reads a FHIR package (.tgz) and returns the definitions in it.
// FHIRVersion comes from package/package.json.
func LoadPackage(r io.Reader) (*Set, error) {
	s := &Set{
		Types:     map[string]*Type{},
		Profiles:  map[string]*Type{},
		ValueSets: map[string]*ValueSet{},
	}
	if err := s.AddPackage(r); err != nil {
		return nil, err
	}
	return s, nil
}

// packageFile is one conformance resource found in a package.
type packageFile struct {
	name string // file name inside the archive, for deterministic ordering
	kind string // resourceType
	data []byte
}

// AddPackage adds the StructureDefinitions, ValueSets and CodeSystems of a
// FHIR package (.tgz) to s, e.g. an implementation guide on top of the core.
// Definitions already in s with the same canonical URL are replaced.
// FHIRVersion is set from the package manifest when s has none yet.
func (s *Set) AddPackage(r io.Reader) error {
	if err := s.beginAdd(); err != nil {
		return err
	}
	manifest, files, err := readPackage(r)
	if err != nil {
		return err
	}
	s.addFiles(manifest, files)
	return nil
}

// beginAdd refuses the shared embedded set and makes the maps a package is
// added to.
func (s *Set) beginAdd() error {
	if s.shared {
		return errors.New("definitions: the embedded R4 set is shared and read-only: use WithPackages for a new set with packages added")
	}
	if s.Types == nil {
		s.Types = map[string]*Type{}
	}
	if s.Profiles == nil {
		s.Profiles = map[string]*Type{}
	}
	if s.ValueSets == nil {
		s.ValueSets = map[string]*ValueSet{}
	}
	return nil
}

// addFiles adds the resources read from one package.
func (s *Set) addFiles(manifest []byte, files []packageFile) {
	if s.FHIRVersion == "" {
		s.FHIRVersion = manifestFHIRVersion(manifest)
	}
	// Archive order is arbitrary; process in name order so loading is deterministic.
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })

	if s.codeSystems == nil {
		s.codeSystems = map[string]*codeSystem{}
	}
	var valueSets []*rawValueSet
	var sds []*rawStructureDefinition
	for _, f := range files {
		switch f.kind {
		case "CodeSystem":
			var cs rawCodeSystem
			if err := json.Unmarshal(f.data, &cs); err != nil {
				s.Findings = append(s.Findings, loadFinding(ruleUnreadable, fmt.Sprintf("%s: %v", f.name, err)))
				continue
			}
			if cs.URL != "" {
				s.codeSystems[cs.URL] = newCodeSystem(&cs)
			}
		case "ValueSet":
			vs := new(rawValueSet)
			if err := json.Unmarshal(f.data, vs); err != nil {
				s.Findings = append(s.Findings, loadFinding(ruleUnreadable, fmt.Sprintf("%s: %v", f.name, err)))
				continue
			}
			if vs.URL != "" {
				valueSets = append(valueSets, vs)
			}
		case "Questionnaire":
			if url := gjson.GetBytes(f.data, "url").String(); url != "" {
				if s.Questionnaires == nil {
					s.Questionnaires = map[string][]byte{}
				}
				s.Questionnaires[url] = f.data
				if v := gjson.GetBytes(f.data, "version").String(); v != "" {
					s.Questionnaires[url+"|"+v] = f.data
				}
			}
		case "StructureDefinition":
			sd := new(rawStructureDefinition)
			if err := json.Unmarshal(f.data, sd); err != nil {
				s.Findings = append(s.Findings, loadFinding(ruleUnreadable, fmt.Sprintf("%s: %v", f.name, err)))
				continue
			}
			sds = append(sds, sd)
		}
	}
	var added []*Type
	for _, sd := range sds {
		t, problems := buildType(sd)
		for _, p := range problems {
			s.Findings = append(s.Findings, loadFinding(ruleUnusable, p))
		}
		if t == nil {
			continue
		}
		old := s.Types[t.Name]
		switch {
		case t.Derived == "constraint":
			s.Profiles[t.URL] = t
		case old != nil && old.URL != t.URL:
			// An IG's own type (say a logical model) named like a core
			// type must not replace it: keep it reachable by URL only.
			s.Profiles[t.URL] = t
		default:
			s.Types[t.Name] = t
		}
		added = append(added, t)
	}
	s.expandValueSets(valueSets)
	s.finish(added)
}

// readPackage returns package/package.json and the conformance resources
// directly under package/.
func readPackage(r io.Reader) (manifest []byte, files []packageFile, err error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("not a gzip FHIR package: %w", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading package: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		name := strings.TrimPrefix(hdr.Name, "./")
		dir, base := path.Split(name)
		if dir != "package/" || !strings.HasSuffix(base, ".json") || base == ".index.json" {
			continue // examples and other material live in subfolders
		}
		if hdr.Size > MaxPackageFile {
			return nil, nil, fmt.Errorf("%s: file too large (%d bytes)", name, hdr.Size)
		}
		data, err := io.ReadAll(io.LimitReader(tr, MaxPackageFile))
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", name, err)
		}
		if base == "package.json" {
			manifest = data
			continue
		}
		kind := gjson.GetBytes(data, "resourceType").String()
		switch kind {
		case "StructureDefinition", "ValueSet", "CodeSystem", "Questionnaire":
			files = append(files, packageFile{name: name, kind: kind, data: data})
		}
	}
	if manifest == nil {
		return nil, nil, errors.New("not a FHIR package: no package/package.json")
	}
	return manifest, files, nil
}

// manifestFHIRVersion reads the FHIR version from a package manifest: IGs
// list "fhirVersions", R4 core "fhir-version-list", and STU3 core only has
// its own "version".
func manifestFHIRVersion(manifest []byte) string {
	for _, key := range []string{"fhirVersions.0", "fhir-version-list.0"} {
		if v := gjson.GetBytes(manifest, key).String(); v != "" {
			return v
		}
	}
	name := gjson.GetBytes(manifest, "name").String()
	if name == "hl7.fhir.core" || strings.HasPrefix(name, "hl7.fhir.r") && strings.HasSuffix(name, ".core") {
		return gjson.GetBytes(manifest, "version").String()
	}
	return ""
}

// finish rebuilds the sorted key lists after a change and links the new
// types. Types already in the set are left alone: they may be shared with
// other Sets (see Clone) and read concurrently.
func (s *Set) finish(added []*Type) {
	s.TypeNames = sortedKeys(s.Types)
	s.ProfileURLs = sortedKeys(s.Profiles)
	s.ValueSetURLs = sortedKeys(s.ValueSets)
	for _, t := range added {
		linkType(t)
	}
}

// WithPackages returns a new Set holding s's definitions plus those of the
// given FHIR packages (.tgz), added in order as AddPackage does; s itself is
// not changed. This is how an implementation guide is layered on the shared
// embedded core:
//
//	r4, _ := definitions.R4()
//	uscore, err := r4.WithPackages(f) // r4 is still plain R4
func (s *Set) WithPackages(pkgs ...io.Reader) (*Set, error) {
	c := s.Clone()
	for i, r := range pkgs {
		if err := c.AddPackage(r); err != nil {
			return nil, fmt.Errorf("package %d: %w", i+1, err)
		}
	}
	return c, nil
}

// Clone returns a Set that can be extended with AddPackage without changing
// s, e.g. the shared embedded R4() set plus an implementation guide. The
// definitions themselves are shared, not copied: they are never modified
// after loading.
func (s *Set) Clone() *Set {
	c := &Set{
		FHIRVersion:  s.FHIRVersion,
		Types:        maps.Clone(s.Types),
		TypeNames:    slices.Clone(s.TypeNames),
		Profiles:     maps.Clone(s.Profiles),
		ValueSets:    maps.Clone(s.ValueSets),
		ProfileURLs:  slices.Clone(s.ProfileURLs),
		ValueSetURLs: slices.Clone(s.ValueSetURLs),
		Findings:     slices.Clone(s.Findings),
		codeSystems:  maps.Clone(s.codeSystems),

		Questionnaires: maps.Clone(s.Questionnaires),
	}
	if c.Types == nil {
		c.Types = map[string]*Type{}
	}
	if c.Profiles == nil {
		c.Profiles = map[string]*Type{}
	}
	if c.ValueSets == nil {
		c.ValueSets = map[string]*ValueSet{}
	}
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
