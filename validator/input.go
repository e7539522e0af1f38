package validator

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// parsedJSON is an input's JSON parsed ahead of validation (by
// DetectInputVersion), so that run need not parse it again.
type parsedJSON struct {
	data          []byte
	tree          *jsontree.Tree
	probs         []Finding
	allowComments bool
}

// run detects what the input is and walks every resource in it; parsed, when
// not nil, may hold the JSON parse of data.
func (v *Validator) run(ctx context.Context, rep *Report, data []byte, format Format, parsed *parsedJSON) {
	body := bytes.TrimLeft(data, " \t\r\n")
	if len(body) >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF {
		body = bytes.TrimLeft(body[3:], " \t\r\n")
	}
	if format == FormatXML || format == FormatAuto && len(body) > 0 && body[0] == '<' {
		v.runXML(ctx, rep, data)
		return
	}
	if msg := notJSON(body); msg != "" {
		f := ruleInputNotJSON.about(msg)
		f.Line, f.Col, f.Offset = 1, 1, len(data)-len(body)
		rep.add(f)
		return
	}
	if format == FormatNDJSON {
		v.runNDJSON(ctx, rep, data)
		return
	}
	var tree *jsontree.Tree
	var probs []Finding
	if parsed != nil && parsed.allowComments == v.opts.AllowComments && sameBytes(parsed.data, data) {
		tree, probs = parsed.tree, parsed.probs
	} else {
		tree, probs = jsontree.Parse(data, jsontree.Options{AllowComments: v.opts.AllowComments})
	}
	if tree == nil && format == FormatAuto && looksLikeNDJSON(data, probs) {
		v.runNDJSON(ctx, rep, data)
		return
	}
	rep.Format = "json"
	v.walkDocument(ctx, rep, data, tree, probs, 0, 0)
}

// walkDocument reports a tree's JSON findings and walks its resource. base
// and lineBase place the tree in the whole input (non-zero for ndjson lines).
func (v *Validator) walkDocument(ctx context.Context, rep *Report, data []byte, tree *jsontree.Tree, probs []Finding, base, lineBase int) {
	for _, f := range probs {
		f.Offset += base
		f.Line += lineBase
		rep.add(f)
	}
	if tree == nil {
		return
	}
	w := &walker{v: v, defs: v.defs, tree: tree, rep: rep, ctx: ctx, offBase: base, lineBase: lineBase, resource: -1}
	root := tree.Root()
	switch tree.Kind(root) {
	case jsontree.Object:
	case jsontree.Array:
		w.report(root, false, ruleInputNotResource,
			"the input is a JSON array: FHIR JSON is a single resource; send several resources as a Bundle or as ndjson (one per line)")
		return
	default:
		w.report(root, false, ruleInputNotResource, "the input is a single JSON "+tree.Kind(root).String()+", not a FHIR resource")
		return
	}
	if tree.Get(root, "resourceType") == jsontree.None {
		w.report(root, false, ruleInputNotResource,
			"this JSON has no resourceType, so it is not a FHIR resource (is it FHIR at all?)")
		return
	}
	if e := tree.Get(root, "entry"); e != jsontree.None && tree.Kind(e) == jsontree.Array {
		w.progressTotal = tree.Count(e) + 1
	}
	w.installHooks()
	w.walkResource(root, "Resource", false, -1)
	w.checkForms()
	w.checkStructureDefinitions()
	if ctx.Err() != nil {
		rep.add(cancelled())
	}
}

// runNDJSON validates one resource per line; line numbers stay those of the
// whole input.
func (v *Validator) runNDJSON(ctx context.Context, rep *Report, data []byte) {
	rep.Format = "ndjson"
	if v.opts.Jobs > 1 && len(data) > 2*ndjsonChunk {
		v.runNDJSONParallel(ctx, rep, data)
		return
	}
	lines := bytes.Count(data, []byte{'\n'}) + 1
	done := 0
	if !v.validateLines(ctx, rep, data, 0, 0, func(lineNo int) {
		done++
		if rep.progress != nil && done%64 == 0 {
			rep.progress(lineNo, lines)
		}
	}) {
		rep.add(cancelled())
	}
}

// validateLines validates each non-blank line of data (an ndjson record)
// into rep, as a document of its own; base and firstLine place data in the
// whole input. validated is called with the line index of each line done.
// It returns false when ctx was cancelled before all lines were validated.
func (v *Validator) validateLines(ctx context.Context, rep *Report, data []byte, base, firstLine int, validated func(lineNo int)) bool {
	for start, lineNo := 0, firstLine; start < len(data); lineNo++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		line := data[start:end]
		if len(bytes.TrimSpace(line)) > 0 {
			if ctx.Err() != nil {
				return false
			}
			tree, probs := jsontree.Parse(line, jsontree.Options{AllowComments: v.opts.AllowComments})
			v.walkDocument(ctx, rep, line, tree, probs, base+start, lineNo)
			validated(lineNo)
		}
		start = end + 1
	}
	return true
}

// sameBytes says whether a and b are the same slice of memory (not merely
// equal content: an Input's Data may be replaced after it was parsed).
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// panicked is the finding that says the engine failed (a recovered panic).
func panicked(p any) Finding {
	return rulePanic.about(fmt.Sprintf("internal error in fhirlens (please report it with the input): %v", p))
}

// cancelled is the finding that says validation stopped early.
func cancelled() Finding {
	return ruleCancelled.about("validation was cancelled before it finished; the findings are incomplete")
}

// looksLikeNDJSON: the first line is a complete object and the parse failed
// only because more JSON follows it (rule json.trailing) after a newline.
func looksLikeNDJSON(data []byte, probs []Finding) bool {
	if len(probs) == 0 {
		return false
	}
	last := probs[len(probs)-1]
	if last.Rule != jsontree.RuleTrailing {
		return false
	}
	nl := bytes.IndexByte(data, '\n')
	return nl >= 0 && nl < last.Offset && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
}

// notJSON names what the input is when it clearly is not JSON at all.
func notJSON(b []byte) string {
	switch {
	case len(b) == 0:
		return "the input is empty: expected a FHIR resource in JSON"
	case utf16or32(b) != "":
		name := utf16or32(b)
		enc := strings.Fields(name)[0]
		if strings.Contains(name, "little") {
			enc += "LE"
		} else {
			enc += "BE"
		}
		return "this is " + name + "; FHIR JSON must be UTF-8: convert it first (for example iconv -f " + enc + " -t UTF-8)"
	case len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return "this is gzip-compressed data: decompress it first (the web app does this for .json.gz files)"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "this is a PDF document, not FHIR JSON"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "this is a ZIP archive, not FHIR JSON: extract the JSON files first"
	case b[0] != '{' && b[0] != '[' && looksBinary(b):
		return fmt.Sprintf("this is binary data, not JSON (first byte 0x%02X)", b[0])
	}
	return ""
}

// utf16or32 names UTF-16 and UTF-32 text by its byte-order mark, or by the
// zero bytes around a leading '{' or '[' when it has none; "" otherwise.
// Such input is named, not decoded: FHIR JSON is UTF-8 (RFC 8259 §8.1).
func utf16or32(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return "UTF-32 text (big-endian, with a byte-order mark)"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return "UTF-32 text (little-endian, with a byte-order mark)"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "UTF-16 text (big-endian, with a byte-order mark)"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "UTF-16 text (little-endian, with a byte-order mark)"
	case len(b) >= 4 && (b[0] == '{' || b[0] == '[') && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return "UTF-32 text (little-endian, without a byte-order mark)"
	case len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && (b[3] == '{' || b[3] == '['):
		return "UTF-32 text (big-endian, without a byte-order mark)"
	case len(b) >= 2 && (b[0] == '{' || b[0] == '[') && b[1] == 0:
		return "UTF-16 text (little-endian, without a byte-order mark)"
	case len(b) >= 2 && b[0] == 0 && (b[1] == '{' || b[1] == '['):
		return "UTF-16 text (big-endian, without a byte-order mark)"
	}
	return ""
}

func looksBinary(b []byte) bool {
	n := min(len(b), 512)
	bad := 0
	for _, c := range b[:n] {
		if c < 0x09 || (c > 0x0d && c < 0x20) {
			bad++
		}
	}
	return bad > 0
}
