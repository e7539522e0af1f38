//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/tidwall/gjson"

	"github.com/fhirlens/fhirlens/record"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/profile"
)

// STU3 in the browser: the compact STU3 definitions are not in the wasm
// (the R4 path does not grow); the worker fetches gen/stu3.bin from the
// app's own origin the first time an input needs them.
var stu3Core struct {
	once sync.Once
	set  *definitions.Set
	err  error

	vOnce sync.Once
	v     *validator.Validator
	vErr  error
}

func init() { definitions.RegisterCore("3.0", loadSTU3) }

var ruleVersion = finding.Define(finding.Rule{ID: "engine.version", Code: "processing", Severity: finding.Information, Source: "fhirlens",
	Summary: "the input looks like STU3, but the STU3 definitions could not be loaded: it was checked against R4 only"})

func loadSTU3() (*definitions.Set, error) {
	stu3Core.once.Do(func() {
		data, err := awaitBytes("fhirlensFetchSTU3")
		if err != nil {
			stu3Core.err = fmt.Errorf("the STU3 definitions could not be loaded: %w", err)
			return
		}
		stu3Core.set, stu3Core.err = definitions.DecodeCompact(data)
	})
	return stu3Core.set, stu3Core.err
}

// awaitBytes calls the global JS function fn, which returns a Promise of a
// Uint8Array, and waits for it. It must not run inside a JS callback (jobs
// run in their own goroutine, so it does not).
func awaitBytes(fn string) ([]byte, error) {
	f, err := safejs.Global().Get(fn)
	if err != nil || f.IsUndefined() {
		return nil, errors.New(fn + " is not available")
	}
	promise, err := f.Invoke()
	if err != nil {
		return nil, err
	}
	type result struct {
		v   safejs.Value
		err error
	}
	ch := make(chan result, 1)
	onOK, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	if err != nil {
		return nil, err
	}
	defer onOK.Release()
	onErr, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		msg := "failed"
		if len(args) > 0 {
			if s, err := args[0].Call("toString"); err == nil {
				msg, _ = s.String()
			}
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	defer onErr.Release()
	if _, err := promise.Call("then", onOK.Value(), onErr.Value()); err != nil {
		return nil, err
	}
	r := <-ch
	if r.err != nil {
		return nil, r.err
	}
	return copyBytes(r.v)
}

// validateVersioned validates with R4. An input that names a resource type
// R4 does not have, claims profiles under an STU3 path or declares an STU3
// fhirVersion is compared with STU3 too (fetched then, once), and validated
// against STU3 when it fits better. Unknown elements alone do not trigger
// the download: they are common in R4 input.
func (s *service) validateVersioned(ctx context.Context, name string, data []byte) *validator.Report {
	rep := s.validate(ctx, name, data)
	if !mayBeSTU3(rep, data) {
		return rep
	}
	s3, err := loadSTU3()
	if err != nil {
		rep.Findings = append(rep.Findings, validator.Finding{Severity: validator.Information, Code: "processing", Rule: ruleVersion,
			Resource: -1, Message: err.Error() + "; the input was checked against R4 only"})
		rep.Summary.Information++
		return rep
	}
	if r4, err := definitions.R4(); err != nil || validator.DetectVersion(data, r4, s3) != 1 {
		return rep
	}
	stu3Core.vOnce.Do(func() {
		stu3Core.v, stu3Core.vErr = validator.New(validator.Options{Definitions: s3})
	})
	if stu3Core.vErr != nil {
		return rep
	}
	return stu3Core.v.Validate(ctx, validator.FileInput(name, data), validator.WithProgress(s.progress))
}

func mayBeSTU3(rep *validator.Report, data []byte) bool {
	if bytes.Contains(data, []byte("/STU3/")) || bytes.Contains(data, []byte(`"fhirVersion":"3.`)) ||
		bytes.Contains(data, []byte(`"fhirVersion": "3.`)) || bytes.Contains(data, []byte(`<fhirVersion value="3.`)) {
		return true
	}
	for _, is := range rep.Findings {
		if is.Rule == "resource.unknown-type" {
			return true
		}
	}
	return false
}

// coreForInput picks the core definitions of an input for conversion and
// the record view: STU3 when it is loaded and fits better, else R4.
func coreForInput(data []byte) *definitions.Set {
	r4, err := definitions.R4()
	if err != nil {
		return nil
	}
	if bytes.Contains(data, []byte("/STU3/")) {
		if s3, err := loadSTU3(); err == nil && validator.DetectVersion(data, r4, s3) == 1 {
			return s3
		}
	} else if s3 := stu3Core.set; s3 != nil && validator.DetectVersion(data, r4, s3) == 1 {
		return s3
	}
	return r4
}

// summarizeXML builds the record view model of an XML input from its JSON
// form. Attachment data stays in the model: the page's bytes are XML, so it
// could not read them from there by JSON offsets.
func summarizeXML(data []byte) (*record.Model, error) {
	js, err := fhirxml.ToJSON(data, coreForInput(data))
	if err != nil {
		return nil, err
	}
	return record.Summarize(js, record.Options{})
}

// runConvert answers a "view as JSON / XML" request with the canonical form.
func (s *service) runConvert(j *job) {
	defs := coreForInput(j.data)
	var out []byte
	var err error
	switch {
	case defs == nil:
		err = errors.New("no definitions")
	case j.to == "json" && fhirxml.LooksLikeXML(j.data):
		out, err = fhirxml.ToJSON(j.data, defs)
		out = fhirxml.Indent(out)
	case j.to == "json":
		out, err = fhirxml.CanonicalJSON(j.data, defs)
	default:
		if fhirxml.LooksLikeXML(j.data) {
			if out, err = fhirxml.ToJSON(j.data, defs); err == nil {
				out, err = fhirxml.ToXML(out, defs)
			}
		} else {
			out, err = fhirxml.ToXML(j.data, defs)
		}
	}
	if err != nil {
		s.post(message{"type": "error", "id": j.id, "message": "cannot convert " + j.name + ": " + err.Error()})
		return
	}
	s.post(message{"type": "converted", "id": j.id, "name": j.name, "format": j.to, "text": string(out)})
}

// guidesCore is the core the guides are written against: STU3 when a guide
// says so (its manifest, else its StructureDefinitions' fhirVersion; the
// STU3 file is fetched then), else R4.
func guidesCore(guides []*profile.Guide) (*definitions.Set, error) {
	version := ""
	for _, g := range guides {
		if g.FHIRVersion != "" {
			version = g.FHIRVersion
			break
		}
	}
	if version == "" {
	search:
		for _, g := range guides {
			for _, f := range g.Files {
				if f.Kind == "StructureDefinition" {
					if v := gjson.GetBytes(f.Data, "fhirVersion").String(); v != "" {
						version = v
						break search
					}
				}
			}
		}
	}
	if strings.HasPrefix(version, "3.") {
		return loadSTU3()
	}
	return definitions.R4()
}
