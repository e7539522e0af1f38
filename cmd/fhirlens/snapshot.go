package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/snapshot"
	"github.com/fhirlens/fhirlens/validator/structure"
)

const snapshotUsage = `usage: fhirlens snapshot [--core PKG.tgz] [--dep PKG.tgz]... [--out DIR|FILE.tgz] [--format json|xml] [--diff] [--all] INPUT...

Generates the snapshots of StructureDefinitions that carry only a
differential. INPUT is a StructureDefinition file (JSON or XML), a folder of
them, or a FHIR package (.tgz); all inputs together form one guide, so
profiles derived from other profiles of the guide are generated bases first.
Base types come from --core (a core package such as
hl7.fhir.r4.core-4.0.1.tgz: full texts; needed for STU3) or, without it, from
the R4 definitions built into fhirlens (no texts). Definitions of --dep
packages resolve too.

Without --out it prints, per profile, the elements generated and the
findings about its differential. --out DIR writes one
StructureDefinition-<id>.json (--format xml: .xml) per profile with its
snapshot; --out FILE.tgz writes them as a FHIR package. A supplied snapshot
is kept unless --all.

--diff regenerates the profiles that carry a snapshot and prints how each
generated snapshot differs from the supplied one, element by element (paths,
ids, min/max, types and profiles, fixed/pattern, bindings, constraint keys,
slicing).

Exit status: 0 no errors, 1 error findings or (--diff) differences, 2 usage or
I/O error.
`

type snapshotOptions struct {
	core, format string
	deps         multiFlag
	out          string
	diff, all    bool
}

func snapshotFlags() (*flag.FlagSet, *snapshotOptions) {
	o := &snapshotOptions{}
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.StringVar(&o.core, "core", "", "core `package` (.tgz) for base types (default: the built-in R4 definitions)")
	fs.Var(&o.deps, "dep", "dependency `package` (.tgz); repeatable")
	fs.StringVar(&o.out, "out", "", "write the StructureDefinitions with snapshots to `DIR` or to a package FILE.tgz")
	fs.BoolVar(&o.diff, "diff", false, "regenerate supplied snapshots and print how they differ")
	fs.BoolVar(&o.all, "all", false, "regenerate supplied snapshots too")
	fs.StringVar(&o.format, "format", "json", "`format` of the files --out writes: json or xml")
	return fs, o
}

func runSnapshot(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs, o := snapshotFlags()
	pos, code, done := parseFlags(fs, snapshotUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(pos) == 0 {
		return usageError(stderr, "snapshot", "no INPUT given")
	}
	if o.format != "json" && o.format != "xml" {
		return usageError(stderr, "snapshot", "unknown format %q (use json or xml)", o.format)
	}
	r4, err := definitions.R4()
	if err != nil {
		fmt.Fprintf(stderr, "fhirlens snapshot: %v\n", err)
		return 2
	}
	xmlDefs := r4
	var base snapshot.Resolver = snapshot.Definitions(r4)
	if o.core != "" {
		f, err := os.Open(o.core)
		if err != nil {
			fmt.Fprintf(stderr, "fhirlens snapshot: %v\n", err)
			return 2
		}
		res, err := snapshot.Package(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "fhirlens snapshot: %s: %v\n", o.core, err)
			return 2
		}
		base = res
		if !strings.Contains(filepath.Base(o.core), ".r4.") {
			// another FHIR version: read its XML with its own definitions
			f, err := os.Open(o.core)
			if err == nil {
				if set, err := definitions.LoadPackage(f); err == nil {
					xmlDefs = set
				}
				f.Close()
			}
		}
	}
	var deps []snapshot.Resolver
	for _, d := range o.deps {
		f, err := os.Open(d)
		if err != nil {
			fmt.Fprintf(stderr, "fhirlens snapshot: %v\n", err)
			return 2
		}
		sds, errs := snapshot.ReadPackage(f, xmlDefs)
		f.Close()
		for _, e := range errs {
			fmt.Fprintf(stderr, "fhirlens snapshot: %s: %v\n", d, e)
		}
		deps = append(deps, snapshot.NewGuide(sds, base).Resolve)
	}
	sds, ok := readSnapshotInputs(pos, xmlDefs, stderr)
	if !ok {
		return 2
	}
	if len(sds) == 0 {
		fmt.Fprintln(stderr, "fhirlens snapshot: no StructureDefinition in the input")
		return 2
	}
	resolver := snapshot.Chain(append([]snapshot.Resolver{base}, deps...)...)
	// the supplied snapshots, for --diff, kept before they are stripped
	supplied := map[*structure.StructureDefinition][]*structure.ElementDefinition{}
	for _, sd := range sds {
		if sd.Snapshot != nil && sd.Differential != nil && (o.diff || o.all) && sd.BaseDefinition != "" {
			supplied[sd] = sd.Snapshot.Element
			sd.Snapshot = nil
		}
	}
	g := snapshot.NewGuide(sds, resolver)
	g.GenerateAll()
	exit := 0
	if o.diff {
		exact, compared := 0, 0
		for _, sd := range sds {
			want, had := supplied[sd]
			if !had {
				continue
			}
			compared++
			var got []*structure.ElementDefinition
			if sd.Snapshot != nil {
				got = sd.Snapshot.Element
			}
			ds := snapshot.Compare(want, got)
			if len(ds) == 0 {
				exact++
				fmt.Fprintf(stdout, "%s: exact (%d elements)\n", sd.URL, len(want))
				continue
			}
			exit = 1
			fmt.Fprintf(stdout, "%s: %d differences\n", sd.URL, len(ds))
			for _, d := range ds {
				fmt.Fprintf(stdout, "  %s\n", d)
			}
			printFindings(stdout, g.Findings[sd.URL])
		}
		fmt.Fprintf(stdout, "%d of %d supplied snapshots regenerated exactly\n", exact, compared)
		return exit
	}
	for _, sd := range sds {
		for _, f := range g.Findings[sd.URL] {
			if f.Severity.IsError() {
				exit = 1
			}
		}
	}
	if o.out != "" {
		if err := writeSnapshots(o.out, sds, o.format, xmlDefs); err != nil {
			fmt.Fprintf(stderr, "fhirlens snapshot: %v\n", err)
			return 2
		}
	}
	for _, sd := range sds {
		n := 0
		if sd.Snapshot != nil {
			n = len(sd.Snapshot.Element)
		}
		fmt.Fprintf(stdout, "%s: %d snapshot elements\n", sd.URL, n)
		printFindings(stdout, g.Findings[sd.URL])
	}
	return exit
}

func printFindings(w io.Writer, fs []finding.Finding) {
	for _, f := range fs {
		fmt.Fprintf(w, "  %s %s: %s\n", f.Severity, f.Rule, f.Message)
	}
}

// rawSD keeps the JSON each definition was read from, so what is written
// keeps every member the model does not name.
var rawSD = map[*structure.StructureDefinition][]byte{}

// readSnapshotInputs reads StructureDefinitions from files, folders (all
// .json and .xml files below, in name order) and packages.
func readSnapshotInputs(inputs []string, defs *definitions.Set, stderr io.Writer) ([]*structure.StructureDefinition, bool) {
	var out []*structure.StructureDefinition
	ok := true
	add := func(data []byte, sd *structure.StructureDefinition) {
		if js, err := snapshot.ToJSON(data, defs); err == nil {
			rawSD[sd] = js
		}
		out = append(out, sd)
	}
	readFile := func(path string, explicit bool) {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "fhirlens snapshot: %v\n", err)
			ok = false
			return
		}
		if !snapshot.IsStructureDefinition(data) {
			if explicit {
				fmt.Fprintf(stderr, "fhirlens snapshot: %s: not a StructureDefinition\n", path)
				ok = false
			}
			return
		}
		sd, err := snapshot.Decode(data, defs)
		if err != nil {
			fmt.Fprintf(stderr, "fhirlens snapshot: %s: %v\n", path, err)
			ok = false
			return
		}
		add(data, sd)
	}
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			fmt.Fprintf(stderr, "fhirlens snapshot: %v\n", err)
			ok = false
			continue
		}
		switch {
		case st.IsDir():
			var files []string
			_ = filepath.WalkDir(in, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".xml")) {
					files = append(files, p)
				}
				return nil
			})
			sort.Strings(files)
			for _, f := range files {
				readFile(f, false)
			}
		case strings.HasSuffix(in, ".tgz") || strings.HasSuffix(in, ".tar.gz"):
			f, err := os.Open(in)
			if err != nil {
				fmt.Fprintf(stderr, "fhirlens snapshot: %v\n", err)
				ok = false
				continue
			}
			sds, errs := snapshot.ReadPackage(f, defs)
			f.Close()
			for _, e := range errs {
				fmt.Fprintf(stderr, "fhirlens snapshot: %s: %v\n", in, e)
			}
			out = append(out, sds...)
		default:
			readFile(in, true)
		}
	}
	return out, ok
}

// writeSnapshots writes the definitions, one JSON file each, to a folder or
// a package .tgz.
func writeSnapshots(out string, sds []*structure.StructureDefinition, format string, defs *definitions.Set) error {
	type file struct {
		name string
		data []byte
	}
	var files []file
	seen := map[string]bool{}
	for _, sd := range sds {
		var data []byte
		var err error
		if raw, ok := rawSD[sd]; ok && sd.Snapshot != nil {
			data, err = snapshot.Splice(raw, sd.Snapshot.Element)
		} else {
			data, err = json.Marshal(sd)
		}
		if err != nil {
			return fmt.Errorf("%s: %v", sd.URL, err)
		}
		ext := ".json"
		if format == "xml" {
			if data, err = fhirxml.ToXML(data, defs); err != nil {
				return fmt.Errorf("%s: %v", sd.URL, err)
			}
			ext = ".xml"
		} else {
			var pretty bytes.Buffer
			if json.Indent(&pretty, data, "", "  ") == nil {
				data = pretty.Bytes()
			}
		}
		id := sd.ID
		if id == "" {
			id = sd.Name
		}
		name := "StructureDefinition-" + safeName(id) + ext
		for i := 2; seen[name]; i++ {
			name = fmt.Sprintf("StructureDefinition-%s-%d%s", safeName(id), i, ext)
		}
		seen[name] = true
		files = append(files, file{name, append(data, '\n')})
	}
	if strings.HasSuffix(out, ".tgz") || strings.HasSuffix(out, ".tar.gz") {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		gz := gzip.NewWriter(f)
		tw := tar.NewWriter(gz)
		for _, fl := range files {
			if err := tw.WriteHeader(&tar.Header{Name: "package/" + fl.name, Mode: 0o644, Size: int64(len(fl.data)), Typeflag: tar.TypeReg}); err != nil {
				return err
			}
			if _, err := tw.Write(fl.data); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		if err := gz.Close(); err != nil {
			return err
		}
		return f.Close()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, fl := range files {
		if err := os.WriteFile(filepath.Join(out, fl.name), fl.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
