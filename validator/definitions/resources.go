package definitions

// Resource is one conformance resource already read from a package or a
// folder (say by package profile's guide loader).
type Resource struct {
	Name string // path inside the package or folder; resources are added in name order
	Kind string // resourceType
	Data []byte // the resource's JSON
}

// AddResources adds resources already read as AddPackage adds those of a
// .tgz, without reading an archive again: StructureDefinitions, ValueSets,
// CodeSystems and Questionnaires are kept, other kinds ignored. manifest is
// the package's package.json (it gives FHIRVersion when s has none yet), nil
// for none.
func (s *Set) AddResources(manifest []byte, res []Resource) error {
	if err := s.beginAdd(); err != nil {
		return err
	}
	files := make([]packageFile, 0, len(res))
	for _, r := range res {
		switch r.Kind {
		case "StructureDefinition", "ValueSet", "CodeSystem", "Questionnaire":
			files = append(files, packageFile{name: r.Name, kind: r.Kind, data: r.Data})
		}
	}
	s.addFiles(manifest, files)
	return nil
}
