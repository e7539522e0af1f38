package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/tidwall/gjson"
)

// syntheaCorpus is the Synthea bulk export: one ndjson file per type, with
// relative ("Patient/x") and conditional ("Practitioner?identifier=s|v")
// references.
type syntheaCorpus struct {
	resources []syntheaResource // in file then line order
	byKey     map[string]int    // "Type/id" → index
	byIdent   map[string]int    // "Type?identifier=system|value" → index
}

type syntheaResource struct {
	typ, id string
	raw     []byte
	refs    []string // reference strings in document order
}

var referencePattern = regexp.MustCompile(`"reference":\s*"([^"]*)"`)

func loadSynthea(dir string) (*syntheaCorpus, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.000.ndjson"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no Synthea ndjson in %s", dir)
	}
	sort.Strings(files)
	c := &syntheaCorpus{byKey: map[string]int{}, byIdent: map[string]int{}}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			r := syntheaResource{typ: gjson.GetBytes(line, "resourceType").String(), id: gjson.GetBytes(line, "id").String(), raw: line}
			for _, m := range referencePattern.FindAllSubmatch(line, -1) {
				r.refs = append(r.refs, string(m[1]))
			}
			c.byKey[r.typ+"/"+r.id] = len(c.resources)
			gjson.GetBytes(line, "identifier").ForEach(func(_, ident gjson.Result) bool {
				c.byIdent[r.typ+"?identifier="+ident.Get("system").String()+"|"+ident.Get("value").String()] = len(c.resources)
				return true
			})
			c.resources = append(c.resources, r)
		}
	}
	return c, nil
}

// patientIDs lists the patients in corpus order.
func (c *syntheaCorpus) patientIDs() []string {
	var ids []string
	for _, r := range c.resources {
		if r.typ == "Patient" {
			ids = append(ids, r.id)
		}
	}
	return ids
}

// bundle builds a Synthea-shaped transaction Bundle (urn:uuid fullUrls,
// references rewritten to them) holding the given patients, everything that
// refers to them, and the practitioners, organisations and locations those
// resources refer to — so every reference resolves inside the bundle.
func (c *syntheaCorpus) bundle(patients []string) []byte {
	want := map[string]bool{}
	for _, p := range patients {
		want["Patient/"+p] = true
	}
	include := make([]bool, len(c.resources))
	for i, r := range c.resources {
		if r.typ == "Patient" && want["Patient/"+r.id] {
			include[i] = true
			continue
		}
		for _, ref := range r.refs {
			if want[ref] {
				include[i] = true
				break
			}
		}
	}
	// Pull in referenced resources (one level is enough for Synthea's shape;
	// loop until stable to be safe).
	for changed := true; changed; {
		changed = false
		for i, r := range c.resources {
			if !include[i] {
				continue
			}
			for _, ref := range r.refs {
				if j, ok := c.target(ref); ok && !include[j] && c.resources[j].typ != "Patient" {
					include[j] = true
					changed = true
				}
			}
		}
	}
	var out bytes.Buffer
	out.WriteString(`{"resourceType":"Bundle","type":"transaction","entry":[`)
	first := true
	for i, r := range c.resources {
		if !include[i] {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		raw := referencePattern.ReplaceAllFunc(withoutIGExtensions(r.raw), func(m []byte) []byte {
			ref := string(referencePattern.FindSubmatch(m)[1])
			if j, ok := c.target(ref); ok && include[j] {
				return []byte(`"reference":"urn:uuid:` + c.resources[j].id + `"`)
			}
			return m
		})
		fmt.Fprintf(&out, `{"fullUrl":"urn:uuid:%s","resource":%s,"request":{"method":"POST","url":"%s"}}`, r.id, raw, r.typ)
	}
	out.WriteString(`]}`)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, out.Bytes(), "", "  "); err != nil {
		panic(err) // the corpus is valid JSON; a failure here is a bug in this builder
	}
	pretty.WriteByte('\n')
	return pretty.Bytes()
}

func (c *syntheaCorpus) target(ref string) (int, bool) {
	if strings.Contains(ref, "?identifier=") {
		j, ok := c.byIdent[ref]
		return j, ok
	}
	j, ok := c.byKey[ref]
	return j, ok
}

// bundleOfSize adds whole patients, in corpus order, until the bundle is at
// least size bytes.
func (c *syntheaCorpus) bundleOfSize(size int) []byte {
	var ids []string
	var data []byte
	for _, id := range c.patientIDs() {
		ids = append(ids, id)
		data = c.bundle(ids)
		if len(data) >= size {
			break
		}
	}
	return data
}

// igExtensions are the extension domains of Synthea's output that the R4
// core does not define (US Core and Synthea's own). The reference validator
// reports an extension it has no definition for as an error, so the valid
// sample leaves them out rather than need US Core loaded.
var igExtensions = []string{"http://hl7.org/fhir/us/core/", "http://synthetichealth.github.io/synthea/"}

// withoutIGExtensions removes, from one compact resource, the extensions of
// igExtensions (and an extension array left empty).
func withoutIGExtensions(raw []byte) []byte {
	t, probs := jsontree.Parse(raw, jsontree.Options{})
	if t == nil || len(probs) > 0 {
		return raw
	}
	type cut struct {
		start, end int
		with       []byte
	}
	var cuts []cut
	for n := jsontree.ID(0); int(n) < t.Len(); n++ {
		if t.Kind(n) != jsontree.Array || !t.HasKey(n) || (t.Key(n) != "extension" && t.Key(n) != "modifierExtension") {
			continue
		}
		var kept [][]byte
		dropped := false
		for e := t.First(n); e != jsontree.None; e = t.Next(e) {
			u := t.Get(e, "url")
			ig := false
			if u != jsontree.None && t.Kind(u) == jsontree.String {
				for _, d := range igExtensions {
					ig = ig || strings.HasPrefix(t.Str(u), d)
				}
			}
			if ig {
				dropped = true
			} else {
				kept = append(kept, raw[t.Offset(e):t.End(e)])
			}
		}
		switch {
		case !dropped:
		case len(kept) == 0: // the member goes, with the comma joining it to a sibling
			start, end := t.KeyOffset(n), t.End(n)
			if raw[start-1] == ',' {
				start--
			} else if end < len(raw) && raw[end] == ',' {
				end++
			}
			cuts = append(cuts, cut{start, end, nil})
		default:
			cuts = append(cuts, cut{t.Offset(n), t.End(n), append(append([]byte("["), bytes.Join(kept, []byte(","))...), ']')})
		}
	}
	if len(cuts) == 0 {
		return raw
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].start < cuts[j].start })
	var out []byte
	pos := 0
	for _, c := range cuts {
		if c.start < pos { // inside a cut already made
			continue
		}
		out = append(out, raw[pos:c.start]...)
		out = append(out, c.with...)
		pos = c.end
	}
	return append(out, raw[pos:]...)
}
