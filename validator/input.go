package validator

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// run detects what the input is and walks every resource in it.
func (v *Validator) run(ctx context.Context, rep *Report, data []byte) {
	body := bytes.TrimLeft(data, " \t\r\n")
	if len(body) >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF {
		body = bytes.TrimLeft(body[3:], " \t\r\n")
	}
	if len(body) > 0 && body[0] == '<' {
		v.runXML(ctx, rep, data)
		return
	}
	if msg := notJSON(body); msg != "" {
		rep.Issues = append(rep.Issues, Issue{Severity: Fatal, Code: "structure", Rule: "input.not-json", Resource: -1,
			Line: 1, Col: 1, Offset: len(data) - len(body), Message: msg})
		return
	}
	if strings.HasSuffix(strings.ToLower(rep.Source), ".ndjson") {
		v.runNDJSON(ctx, rep, data)
		return
	}
	tree, probs := jsontree.Parse(data, jsontree.Options{})
	if tree == nil && looksLikeNDJSON(data, probs) {
		v.runNDJSON(ctx, rep, data)
		return
	}
	rep.Format = "json"
	v.walkDocument(ctx, rep, data, tree, probs, 0, 0)
}

// walkDocument reports a tree's JSON problems and walks its resource. base
// and lineBase place the tree in the whole input (non-zero for ndjson lines).
func (v *Validator) walkDocument(ctx context.Context, rep *Report, data []byte, tree *jsontree.Tree, probs []jsontree.Problem, base, lineBase int) {
	for _, p := range probs {
		sev := Error
		if p.Fatal {
			sev = Fatal
		}
		line, col := positionOf(data, tree, p.Offset)
		expr := ""
		if tree != nil {
			n := p.Node
			if n == jsontree.None {
				n = tree.NodeAt(p.Offset)
			}
			expr = expressionOf(tree, n)
		}
		rep.Issues = append(rep.Issues, Issue{Severity: sev, Code: "structure", Rule: p.Rule, Offset: base + p.Offset,
			Line: lineBase + line, Col: col, Expression: expr, Message: p.Message, Resource: -1})
	}
	if tree == nil {
		return
	}
	w := &walker{v: v, defs: v.defs, tree: tree, rep: rep, ctx: ctx, offBase: base, lineBase: lineBase, resource: -1}
	root := tree.Root()
	switch tree.Kind(root) {
	case jsontree.Object:
	case jsontree.Array:
		w.issue(root, false, Fatal, "structure", "input.not-resource",
			"the input is a JSON array: FHIR JSON is a single resource; send several resources as a Bundle or as ndjson (one per line)")
		return
	default:
		w.issue(root, false, Fatal, "structure", "input.not-resource", "the input is a single JSON "+tree.Kind(root).String()+", not a FHIR resource")
		return
	}
	if tree.Get(root, "resourceType") == jsontree.None {
		w.issue(root, false, Fatal, "structure", "input.not-resource",
			"this JSON has no resourceType, so it is not a FHIR resource (is it FHIR at all?)")
		return
	}
	if e := tree.Get(root, "entry"); e != jsontree.None && tree.Kind(e) == jsontree.Array {
		w.progressTotal = tree.Count(e) + 1
	}
	w.installHooks()
	w.walkResource(root, "Resource", false, -1)
	w.checkForms()
	if ctx.Err() != nil {
		rep.Issues = append(rep.Issues, Issue{Severity: Fatal, Code: "processing", Rule: "engine.cancelled", Resource: -1,
			Message: "validation was cancelled before it finished; the findings are incomplete"})
	}
}

// runNDJSON validates one resource per line; line numbers stay those of the
// whole input.
func (v *Validator) runNDJSON(ctx context.Context, rep *Report, data []byte) {
	rep.Format = "ndjson"
	lines := bytes.Count(data, []byte{'\n'}) + 1
	done := 0
	for start, lineNo := 0, 0; start < len(data); lineNo++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		line := data[start:end]
		if len(bytes.TrimSpace(line)) > 0 {
			if ctx.Err() != nil {
				rep.Issues = append(rep.Issues, Issue{Severity: Fatal, Code: "processing", Rule: "engine.cancelled", Resource: -1,
					Message: "validation was cancelled before it finished; the findings are incomplete"})
				return
			}
			tree, probs := jsontree.Parse(line, jsontree.Options{})
			v.walkDocument(ctx, rep, line, tree, probs, start, lineNo)
			done++
			if v.opts.Progress != nil && done%64 == 0 {
				v.opts.Progress(lineNo, lines)
			}
		}
		start = end + 1
	}
}

func positionOf(data []byte, tree *jsontree.Tree, off int) (line, col int) {
	if tree != nil {
		return tree.Position(off)
	}
	t := &jsontree.Tree{Data: data}
	return t.Position(off)
}

// looksLikeNDJSON: the first line is a complete object and the parse failed
// only because more JSON follows it.
func looksLikeNDJSON(data []byte, probs []jsontree.Problem) bool {
	if len(probs) == 0 {
		return false
	}
	last := probs[len(probs)-1]
	if !strings.Contains(last.Message, "after the end of the JSON value") {
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

// expressionOf builds a FHIRPath-style location for any node from the tree
// alone (the root named by its resourceType), for findings made before or
// outside the walk.
func expressionOf(t *jsontree.Tree, n jsontree.ID) string {
	if n == jsontree.None {
		return ""
	}
	var segs []string
	for ; n != jsontree.None; n = t.Parent(n) {
		p := t.Parent(n)
		switch {
		case p == jsontree.None:
			name := "$root"
			if rt := t.Get(n, "resourceType"); rt != jsontree.None && t.Kind(rt) == jsontree.String {
				name = t.Str(rt)
			}
			segs = append(segs, name)
		case t.Kind(p) == jsontree.Array:
			i := 0
			for c := t.First(p); c != n && c != jsontree.None; c = t.Next(c) {
				i++
			}
			segs = append(segs, "["+strconv.Itoa(i)+"]")
		default:
			segs = append(segs, "."+t.Key(n))
		}
	}
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		b.WriteString(segs[i])
	}
	return b.String()
}
