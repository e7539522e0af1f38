package record

import (
	"bytes"
	"errors"
	"strconv"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/fhirlens/fhirlens/validator/bundle"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// item is one resource of the input with everything the builder learns about it.
type item struct {
	index   int // position among the input's resources
	raw     gjson.Result
	rtype   string
	id      string
	fullURL string
	loc     Location
	key     string
	card    *Card
	patient string // PatientRecord key, "" when unlinked
	// file is the index of the item's file in a record set; fileKind and
	// fileBundleType describe that file.
	file                     int
	fileKind, fileBundleType string
	// reading is an Observation's value for vital-sign series.
	reading     string
	readingNum  *float64
	readingUnit string
	// described is set once describe has filled the card (builder.need).
	described bool
}

type input struct {
	kind       string
	bundleType string
	bundleID   string
	items      []*item
	skipped    []Skipped
}

// splitInput finds the resources of a Bundle, an ndjson set or a single resource.
func splitInput(data []byte) (*input, error) {
	base := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		data, base = data[3:], 3
	}
	trimmed := bytes.TrimSpace(data)
	base += len(data) - len(bytes.TrimLeft(data, " \t\r\n\f\v"))
	if len(trimmed) == 0 {
		return nil, errors.New("record: empty input")
	}
	if trimmed[0] == '{' && gjson.ValidBytes(trimmed) {
		root := gjson.ParseBytes(trimmed)
		if root.Get("resourceType").String() == "Bundle" {
			return splitBundle(root, base), nil
		}
		in := &input{kind: "resource"}
		if !root.Get("resourceType").Exists() {
			return nil, errors.New("record: JSON object has no resourceType: not a FHIR resource")
		}
		in.add(root, Location{Offset: base, Length: len(trimmed)}, "resource", "")
		return in, nil
	}
	if trimmed[0] != '{' {
		return nil, errors.New("record: input is not FHIR JSON (expected a Bundle, a resource or ndjson)")
	}
	in := splitNDJSON(data, base-len(data)+len(bytes.TrimLeft(data, " \t\r\n\f\v")))
	if len(in.items) == 0 {
		// Neither one JSON document nor lines holding resources: most often
		// a truncated or malformed JSON file.
		return nil, errors.New("record: input is not valid JSON and holds no ndjson resources")
	}
	return in, nil
}

func splitBundle(root gjson.Result, base int) *input {
	in := &input{kind: "bundle", bundleType: root.Get("type").String(), bundleID: root.Get("id").String()}
	i := -1
	root.Get("entry").ForEach(func(_, entry gjson.Result) bool {
		i++
		n := i
		loc := Location{Entry: &n, FullURL: entry.Get("fullUrl").String(), Pointer: "/entry/" + strconv.Itoa(n) + "/resource"}
		res := entry.Get("resource")
		switch {
		case !res.Exists():
			in.skipped = append(in.skipped, Skipped{Location: loc, Reason: "entry has no resource"})
		case !res.IsObject() || !res.Get("resourceType").Exists():
			in.skipped = append(in.skipped, Skipped{Location: loc, Reason: "entry resource has no resourceType"})
		default:
			loc.Offset, loc.Length = base+res.Index, len(res.Raw)
			in.add(res, loc, "entry:"+strconv.Itoa(n), loc.FullURL)
		}
		return true
	})
	return in
}

// splitGraph finds the resources of a Bundle the validator's graph indexed
// (Options.Graph, built on a parse of these same bytes): the entries as
// splitBundle reads them, without parsing the input a second time.
func splitGraph(data []byte, g *bundle.Graph, share bool) *input {
	t := g.Tree()
	var text string
	if share {
		text = unsafe.String(unsafe.SliceData(data), len(data)) // Options.ShareInput: the caller does not modify data
	} else {
		text = string(data) // one copy, as gjson.ParseBytes makes; each resource is a slice of it
	}
	in := &input{kind: "bundle", bundleType: g.Type, bundleID: t.Text(t.Get(g.Root(), "id"))}
	for i, en := range g.Entries {
		n := i
		loc := Location{Entry: &n, FullURL: en.FullURL, Pointer: "/entry/" + strconv.Itoa(n) + "/resource"}
		res := jsontree.None
		if t.Kind(en.Node) == jsontree.Object {
			res = t.Get(en.Node, "resource")
		}
		switch {
		case res == jsontree.None:
			in.skipped = append(in.skipped, Skipped{Location: loc, Reason: "entry has no resource"})
		case t.Kind(res) != jsontree.Object || t.Get(res, "resourceType") == jsontree.None:
			in.skipped = append(in.skipped, Skipped{Location: loc, Reason: "entry resource has no resourceType"})
		default:
			off, end := t.Offset(res), t.End(res)
			loc.Offset, loc.Length = off, end-off
			// Index as gjson gives it: from the start of the Bundle object.
			raw := gjson.Result{Type: gjson.JSON, Raw: text[off:end], Index: off - t.Offset(g.Root())}
			if id := t.Get(res, "id"); en.Type != "" && (id == jsontree.None || t.Kind(id) == jsontree.String) {
				// The graph read the type and id already (both strings, as written).
				in.items = append(in.items, &item{index: len(in.items), raw: raw, rtype: en.Type, id: en.ID, fullURL: loc.FullURL, loc: loc, key: "entry:" + strconv.Itoa(n)})
				continue
			}
			in.add(raw, loc, "entry:"+strconv.Itoa(n), loc.FullURL)
		}
	}
	return in
}

// graphOf reports whether g indexes data itself as a Bundle (its tree was
// parsed from these bytes), so splitGraph can read it.
func graphOf(data []byte, g *bundle.Graph) bool {
	if g == nil || g.Type == "" || g.Tree() == nil || len(data) == 0 {
		return false
	}
	src := g.Tree().Data
	return len(src) == len(data) && &src[0] == &data[0] && g.Root() != jsontree.None && g.Tree().Kind(g.Root()) == jsontree.Object
}

// splitNDJSON reads one resource per line; base is the offset of data in the input.
func splitNDJSON(data []byte, base int) *input {
	in := &input{kind: "ndjson"}
	line := 0
	offset := base
	for len(data) > 0 {
		line++
		var text []byte
		start := offset
		if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
			text, data = data[:nl], data[nl+1:]
			offset += nl + 1
		} else {
			text, data = data, nil
		}
		start += len(text) - len(bytes.TrimLeft(text, " \t\r\f\v"))
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		n := line
		loc := Location{Line: &n, Offset: start, Length: len(text)}
		if !gjson.ValidBytes(text) {
			in.skipped = append(in.skipped, Skipped{Location: loc, Reason: "line is not valid JSON"})
			continue
		}
		res := gjson.ParseBytes(text)
		if !res.IsObject() || !res.Get("resourceType").Exists() {
			in.skipped = append(in.skipped, Skipped{Location: loc, Reason: "line is not a FHIR resource (no resourceType)"})
			continue
		}
		in.add(res, loc, "line:"+strconv.Itoa(n), "")
	}
	return in
}

func (in *input) add(res gjson.Result, loc Location, key, fullURL string) {
	it := &item{
		index:   len(in.items),
		raw:     res,
		rtype:   res.Get("resourceType").String(),
		id:      res.Get("id").String(),
		fullURL: fullURL,
		loc:     loc,
		key:     key,
	}
	in.items = append(in.items, it)
}
