package snapshot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/fhirlens/fhirlens/validator/structure"
)

// Decode reads a StructureDefinition from FHIR JSON or FHIR XML (XML is
// converted by package fhirxml; defs are the core definitions of the
// resource's FHIR version — definitions.R4() for R4 — which say what repeats
// in XML; only XML needs them).
func Decode(data []byte, defs *definitions.Set) (*structure.StructureDefinition, error) {
	if fhirxml.LooksLikeXML(data) {
		if defs == nil {
			return nil, fmt.Errorf("XML StructureDefinition: no definitions to read it with")
		}
		js, err := fhirxml.ToJSON(data, defs)
		if err != nil {
			return nil, err
		}
		data = js
	}
	return structure.Decode(data)
}

// ReadPackage returns the StructureDefinitions of a FHIR package (.tgz),
// JSON or XML files, in archive order. Files that are not
// StructureDefinitions are skipped; ones that cannot be read are reported in
// the error list and skipped.
func ReadPackage(r io.Reader, defs *definitions.Set) ([]*structure.StructureDefinition, []error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, []error{fmt.Errorf("package: %w", err)}
	}
	defer gz.Close()
	var out []*structure.StructureDefinition
	var errs []error
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("package: %w", err))
			break
		}
		if h.Typeflag != tar.TypeReg || !(strings.HasSuffix(h.Name, ".json") || strings.HasSuffix(h.Name, ".xml")) {
			continue
		}
		if h.Size > definitions.MaxPackageFile {
			errs = append(errs, fmt.Errorf("%s: file too large (%d bytes; a package file may have %d)", h.Name, h.Size, definitions.MaxPackageFile))
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, definitions.MaxPackageFile))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", h.Name, err))
			break
		}
		if !IsStructureDefinition(data) {
			continue
		}
		sd, err := Decode(data, defs)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", h.Name, err))
			continue
		}
		out = append(out, sd)
	}
	return out, errs
}

// IsStructureDefinition reports, cheaply, whether a JSON or XML file holds
// a StructureDefinition.
func IsStructureDefinition(data []byte) bool {
	if fhirxml.LooksLikeXML(data) {
		i := bytes.Index(data, []byte("<StructureDefinition"))
		if i < 0 {
			return false
		}
		// the root element: nothing but the prolog, comments and whitespace before it
		head := data[:i]
		return !bytes.Contains(stripXMLDecl(head), []byte("<"))
	}
	var head struct {
		ResourceType string `json:"resourceType"`
	}
	return json.Unmarshal(data, &head) == nil && head.ResourceType == "StructureDefinition"
}

func stripXMLDecl(b []byte) []byte {
	for {
		i := bytes.Index(b, []byte("<?"))
		j := bytes.Index(b, []byte("?>"))
		if i >= 0 && j > i {
			b = append(append([]byte{}, b[:i]...), b[j+2:]...)
			continue
		}
		i = bytes.Index(b, []byte("<!--"))
		j = bytes.Index(b, []byte("-->"))
		if i >= 0 && j > i {
			b = append(append([]byte{}, b[:i]...), b[j+3:]...)
			continue
		}
		return b
	}
}

// Splice returns the JSON StructureDefinition raw with its snapshot replaced
// by els (put before the differential, where FHIR orders it), every other
// member kept as it was, in its order.
func Splice(raw []byte, els []*structure.ElementDefinition) ([]byte, error) {
	snap, err := json.Marshal(structure.Elements{Element: els})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	put := func(k string, v []byte) {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(v)
	}
	done := false
	err = structure.EachMember(raw, func(k string, v json.RawMessage) error {
		switch k {
		case "snapshot":
			return nil
		case "differential":
			if !done {
				put("snapshot", snap)
				done = true
			}
		}
		put(k, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !done {
		put("snapshot", snap)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// ToJSON returns the JSON form of a JSON or XML resource (see Decode).
func ToJSON(data []byte, defs *definitions.Set) ([]byte, error) {
	if fhirxml.LooksLikeXML(data) {
		if defs == nil {
			return nil, fmt.Errorf("XML: no definitions to read it with")
		}
		return fhirxml.ToJSON(data, defs)
	}
	return data, nil
}
