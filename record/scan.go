package record

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

const darURL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

// scan walks one resource's JSON in document order collecting outbound
// references and data-absent-reason extensions. Narrative is skipped.
type scan struct {
	refs   []rawRef
	absent []AbsentElement
}

type rawRef struct {
	path      string
	reference string
	display   string
	typ       string
}

func scanResource(res gjson.Result) scan {
	var s scan
	var path []string
	var walk func(v gjson.Result, depth int)
	walk = func(v gjson.Result, depth int) {
		if depth > maxNesting {
			return
		}
		// One pass over the object's members: note reference-shaped members
		// and descend into children.
		var reference, display, typ gjson.Result
		hasIdentifier := false
		v.ForEach(func(k, child gjson.Result) bool {
			key := k.String()
			switch key {
			case "reference":
				reference = child
			case "display":
				display = child
			case "type":
				typ = child
			case "identifier":
				hasIdentifier = child.IsObject()
			case "text":
				if depth == 0 {
					return true // narrative
				}
			case "data":
				if child.Type == gjson.String {
					return true // base64 attachment content
				}
			case "extension":
				if reason := darReason(child); reason != "" {
					s.absent = append(s.absent, AbsentElement{Path: strings.TrimPrefix(strings.Join(path, ""), "."), Reason: reason})
				}
			}
			if len(key) > 1 && key[0] == '_' {
				// _element carries the extensions of a primitive.
				elems := []gjson.Result{child}
				if child.IsArray() {
					elems = child.Array()
				}
				for i, e := range elems {
					if reason := darReason(e.Get("extension")); reason != "" {
						p := strings.TrimPrefix(strings.Join(path, "")+"."+key[1:], ".")
						if child.IsArray() {
							p += "[" + strconv.Itoa(i) + "]"
						}
						s.absent = append(s.absent, AbsentElement{Path: p, Reason: reason})
					}
				}
				return true
			}
			switch child.Type {
			case gjson.JSON:
				if child.IsObject() {
					path = append(path, "."+key)
					walk(child, depth+1)
					path = path[:len(path)-1]
				} else {
					i := 0
					child.ForEach(func(_, el gjson.Result) bool {
						if el.IsObject() {
							path = append(path, "."+key+"["+strconv.Itoa(i)+"]")
							walk(el, depth+1)
							path = path[:len(path)-1]
						}
						i++
						return true
					})
				}
			}
			return true
		})
		if reference.Type == gjson.String || display.Type == gjson.String && hasIdentifier {
			s.refs = append(s.refs, rawRef{
				path:      strings.TrimPrefix(strings.Join(path, ""), "."),
				reference: reference.String(),
				display:   display.String(),
				typ:       typ.String(),
			})
		}
	}
	if res.IsObject() {
		walk(res, 0)
	}
	return s
}

// darReason returns the data-absent-reason code in an extension array, or "".
func darReason(ext gjson.Result) string {
	reason := ""
	ext.ForEach(func(_, e gjson.Result) bool {
		if e.Get("url").String() == darURL {
			reason = e.Get("valueCode").String()
			if reason == "" {
				reason = "unknown"
			}
			return false
		}
		return true
	})
	return reason
}
