package validator

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/primitive"
	"github.com/fhirlens/fhirlens/validator/profile"
)

// walker checks one parsed document against the definitions. It keeps the
// current FHIRPath location as a byte stack so that paths are only turned
// into strings when an issue needs one.
type walker struct {
	v    *Validator
	defs *definitions.Set
	tree *jsontree.Tree
	rep  *Report
	ctx  context.Context

	path []byte
	// offBase and lineBase place an ndjson line's tree in the whole input.
	offBase, lineBase int
	resource          int // index of the current resource in rep.Resources
	entry             int // index of the Bundle entry being walked
	resourceCount     int
	progressTotal     int

	// per-resource context for invariants and references
	frames []resourceFrame
	// dataTypes are the complex data-type values being walked inside the
	// current resources (kept only with guides loaded: extension contexts
	// such as "ContactPoint.system" name an element by its data type).
	dataTypes []dataTypeFrame
	hooks     walkHooks
	env       *fhirpath.Env // reused for every invariant evaluation
	scopes    []refScope    // reference scopes open along the walk

	profileMemo     *profile.Memo  // profile conformance of reference targets, per document tree
	profileMemoTree *jsontree.Tree // the tree profileMemo is about

	unknownProfileSaid bool // a requested profile the guides do not hold was reported
	graphs             *fhirpath.GraphResolver
	forms              *formState // questionnaires and responses, checked after the walk
	// structDefs are differential-only StructureDefinitions, whose snapshots
	// are generated after the walk (structdefs.go)
	structDefs []formResource

	// parents[i-parentBase] is the resource enclosing resource i (-1 for
	// none), for resources this walker added (resourceAt).
	parents    []int32
	parentBase int
}

// dataTypeFrame is a complex data-type value being walked: its type and
// the length of the path up to it.
type dataTypeFrame struct {
	typeName  string
	pathStart int
}

// resourceFrame is a resource being walked: its node and where it sits.
type resourceFrame struct {
	node      jsontree.ID
	contained bool
	entry     int    // Bundle entry index, or -1
	typeName  string // its resourceType
	pathStart int    // length of the path up to the resource
}

// walkHooks lets later stages (invariants, references) see elements as the
// walk passes them, without a second traversal.
type walkHooks struct {
	element   func(w *walker, n jsontree.ID, elem *definitions.Element, typeCode string)
	reference func(w *walker, n jsontree.ID, elem *definitions.Element)
}

func (w *walker) push(seg string) int {
	l := len(w.path)
	if l > 0 {
		w.path = append(w.path, '.')
	}
	w.path = append(w.path, seg...)
	return l
}

func (w *walker) pushIndex(i int) int {
	l := len(w.path)
	w.path = append(w.path, '[')
	w.path = strconv.AppendInt(w.path, int64(i), 10)
	w.path = append(w.path, ']')
	return l
}

func (w *walker) pop(l int) { w.path = w.path[:l] }

func (w *walker) pathString() string { return string(w.path) }

// report records a finding of rule r at node n (its value), or at its key
// when atKey, with the rule's default severity.
func (w *walker) report(n jsontree.ID, atKey bool, r rule, msg string) {
	w.reportAs(n, atKey, r, r.sev, msg)
}

// reportAs records a finding of rule r with severity sev. Every finding is
// counted; its location is only worked out when the report keeps it.
func (w *walker) reportAs(n jsontree.ID, atKey bool, r rule, sev Severity, msg string) {
	if !w.rep.list.Admit(r.id, sev) {
		return
	}
	off := w.tree.Offset(n)
	if atKey {
		off = w.tree.KeyOffset(n)
	}
	w.keepAt(off, Finding{Severity: sev, Code: r.code, Rule: r.id, Message: msg})
}

// reportFinding records a finding another stage made about node n (its
// rule, severity, code, message and, for profiles, the profile are set):
// counted, and when kept located at n (or its key) in the current resource,
// at the walk's current path unless the finding has its own expression.
func (w *walker) reportFinding(n jsontree.ID, atKey bool, f Finding) {
	if !w.rep.list.Admit(f.Rule, f.Severity) {
		return
	}
	off := w.tree.Offset(n)
	if atKey && w.tree.HasKey(n) {
		off = w.tree.KeyOffset(n)
	}
	w.keepAt(off, f)
}

// keepAt keeps an admitted finding at offset off of the tree, in the
// current resource, at the walk's current path unless it has its own.
func (w *walker) keepAt(off int, f Finding) {
	line, col := w.tree.Position(off)
	if f.Expression == "" {
		f.Expression = w.pathString()
	}
	f.Line, f.Col, f.Offset, f.Resource = line+w.lineBase, col, off+w.offBase, w.resource
	w.rep.list.Keep(f)
}

// walkResource checks a resource object at n. expected names the type the
// element allows ("Resource" for any); the path stack already holds its location.
func (w *walker) walkResource(n jsontree.ID, expected string, contained bool, entry int) {
	t := w.tree
	if t.Kind(n) != jsontree.Object {
		w.report(n, false, ruleResourceNotObject,
			fmt.Sprintf("expected a resource (a JSON object with resourceType), found %s", describeKind(t, n)))
		return
	}
	rt := t.Get(n, "resourceType")
	if rt == jsontree.None {
		w.report(n, false, ruleResourceNoType,
			"this object has no resourceType, so it is not a FHIR resource: add \"resourceType\" as its first property")
		return
	}
	if t.Kind(rt) != jsontree.String {
		w.report(rt, false, ruleResourceNoType, "resourceType must be a string")
		return
	}
	name := t.Str(rt)
	typ := w.defs.Type(name)
	if typ == nil || typ.Kind != "resource" {
		w.report(rt, false, ruleResourceUnknownType, unknownResourceMessage(name, w.defs))
		return
	}
	if typ.Abstract {
		w.report(rt, false, ruleResourceAbstract, fmt.Sprintf("%s is an abstract type: use a concrete resource type", name))
		return
	}
	if expected != "" && expected != "Resource" && !w.defs.IsSubtype(name, expected) {
		w.report(rt, false, ruleResourceWrongType,
			fmt.Sprintf("a %s is not allowed here: expected %s", name, expected))
	}

	// A top-level resource starts the path; a nested one already has it.
	var restore int = -1
	if len(w.path) == 0 {
		restore = w.push(name)
	}
	prev := w.resource
	w.resource = len(w.rep.Resources)
	res := Resource{Type: name, Expression: w.pathString(), Line: t.Line(t.Offset(n)) + w.lineBase, Offset: t.Offset(n) + w.offBase, End: t.End(n) + w.offBase}
	if id := t.Get(n, "id"); id != jsontree.None && t.Kind(id) == jsontree.String {
		res.ID = t.Str(id)
		// R4 snapshots type Resource.id as System.String; the spec and the
		// reference validator hold it to the id format.
		if p := primitive.Check("id", res.ID); p != nil && res.ID != "" {
			l := w.push("id")
			w.report(id, false, ruleResourceID, "resource id "+quoteValue(res.ID)+
				" is not a valid id: 1 to 64 characters from A-Z, a-z, 0-9, '-' and '.'")
			w.pop(l)
		}
	}
	w.noteParent(prev)
	w.rep.Resources = append(w.rep.Resources, res)
	w.frames = append(w.frames, resourceFrame{node: n, contained: contained, entry: entry, typeName: name, pathStart: len(w.path)})

	scoped := name == "Bundle" || len(w.frames) == 1
	if scoped {
		w.openScope(n)
	}
	if w.hooks.element != nil {
		w.hooks.element(w, n, typ.Root, name)
	}
	w.walkObject(n, typ.Root, name, true)
	w.applyProfiles(n, name, contained)
	if contained {
		w.checkContained(n)
	}
	w.afterResource(n, name)
	w.noteStructureDefinition(n, name)
	if scoped {
		w.closeScope(name == "Bundle")
	}

	w.frames = w.frames[:len(w.frames)-1]
	w.resource = prev
	if restore >= 0 {
		w.pop(restore)
	}
	w.resourceCount++
	if w.rep.progress != nil && w.resourceCount%256 == 0 {
		w.rep.progress(w.resourceCount, w.progressTotal)
	}
}

// checkContained applies the rules for contained resources that the walk
// can see directly (dom-2, dom-4).
func (w *walker) checkContained(n jsontree.ID) {
	t := w.tree
	if c := t.Get(n, "contained"); c != jsontree.None {
		l := w.push("contained")
		w.report(c, true, ruleDom2, "a contained resource must not itself contain resources (dom-2)")
		w.pop(l)
	}
	if meta := t.Get(n, "meta"); meta != jsontree.None && t.Kind(meta) == jsontree.Object {
		for _, k := range [...]string{"versionId", "lastUpdated"} {
			if m := t.Get(meta, k); m != jsontree.None {
				l := w.push("meta")
				l2 := w.push(k)
				w.report(m, true, ruleDom4,
					"a contained resource must not have meta.versionId or meta.lastUpdated (dom-4)")
				w.pop(l2)
				w.pop(l)
			}
		}
	}
}

// walkObject checks the members of object n against the children of
// content (a type's root or a backbone element).
func (w *walker) walkObject(n jsontree.ID, content *definitions.Element, typeName string, isResource bool) {
	t := w.tree
	if w.ctx.Err() != nil {
		return
	}
	if t.Count(n) == 0 {
		w.report(n, false, ruleEle1, "an element must have a value or children; this object is empty (ele-1)")
		return
	}
	if content.Ref != nil {
		content = content.Ref
	}
	// seen holds the child elements present, to check minimum cardinality
	// and choice exclusivity; nearly always fits the stack buffer.
	var seenBuf [32]*definitions.Element
	seen := seenBuf[:0]
	onlyID := true
	for c := t.First(n); c != jsontree.None; c = t.Next(c) {
		key := t.Key(c)
		if key != "id" {
			onlyID = false
		}
		if isResource && key == "resourceType" {
			continue
		}
		if strings.HasPrefix(key, "_") {
			w.walkCompanion(n, c, key[1:], content)
			continue
		}
		elem, typeCode := content.ChoiceType(key)
		if elem == nil {
			l := w.push(key)
			w.report(c, true, ruleElementUnknown, unknownElementMessage(key, typeName, content))
			w.pop(l)
			continue
		}
		if elem.Choice {
			dup := false
			for _, s := range seen {
				if s == elem {
					dup = true
				}
			}
			if dup {
				l := w.push(key)
				w.report(c, true, ruleElementChoiceMultiple,
					fmt.Sprintf("only one %s[x] is allowed, but this %s has several", elem.Name, typeName))
				w.pop(l)
				continue
			}
		}
		seen = append(seen, elem)
		l := w.push(key)
		w.walkMember(n, c, key, elem, typeCode)
		w.pop(l)
	}
	if onlyID && !isResource {
		w.report(n, false, ruleEle1, "an element must have a value or children; this one has only an id (ele-1)")
	}
	for _, child := range content.Children {
		if child.Min == 0 {
			continue
		}
		found := false
		for _, s := range seen {
			if s == child {
				found = true
				break
			}
		}
		if !found && !w.hasCompanion(n, child) {
			name := child.Name
			if child.Choice {
				name += "[x]"
			}
			w.report(n, false, ruleCardinalityMin,
				fmt.Sprintf("%s is required (minimum cardinality %d) but missing", name, child.Min))
		}
	}
}

// hasCompanion reports whether a required primitive is present only
// through its "_name" extension object, which satisfies cardinality.
func (w *walker) hasCompanion(n jsontree.ID, child *definitions.Element) bool {
	t := w.tree
	for c := t.First(n); c != jsontree.None; c = t.Next(c) {
		k := t.Key(c)
		if len(k) < 2 || k[0] != '_' {
			continue
		}
		if name := k[1:]; name == child.Name || child.Choice && strings.HasPrefix(name, child.Name) && len(name) > len(child.Name) {
			return true
		}
	}
	return false
}

// walkMember checks one property value (single or array) against elem.
func (w *walker) walkMember(obj, c jsontree.ID, key string, elem *definitions.Element, typeCode string) {
	t := w.tree
	if elem.Max == 0 {
		w.report(c, true, ruleCardinalityMax, fmt.Sprintf("%s is not allowed here (maximum cardinality 0)", key))
		return
	}
	if t.Kind(c) == jsontree.Array {
		if elem.Max == 1 {
			w.report(c, true, ruleCardinalityArray,
				fmt.Sprintf("%s has at most one value, so it must not be an array", key))
			return
		}
		if t.Count(c) == 0 {
			w.report(c, true, ruleArrayEmpty,
				fmt.Sprintf("the array %s is empty: FHIR does not allow empty arrays; omit the property", key))
			return
		}
		if elem.Max > 0 && t.Count(c) > elem.Max {
			w.report(c, true, ruleCardinalityMax,
				fmt.Sprintf("%s has %d values, but at most %d are allowed", key, t.Count(c), elem.Max))
		}
		i := 0
		outerEntry, isEntry := w.entry, elem.Path == "Bundle.entry"
		defer func() { w.entry = outerEntry }()
		for item := t.First(c); item != jsontree.None; item = t.Next(item) {
			if isEntry {
				w.entry = i
			}
			l := w.pushIndex(i)
			if t.Kind(item) == jsontree.Null {
				if !w.nullAllowed(obj, key, i) {
					w.report(item, false, ruleJSONNull,
						"null is not allowed here: FHIR only allows null in a primitive array aligned with its _"+key+" extensions")
				}
			} else {
				w.walkValue(item, elem, typeCode)
			}
			w.pop(l)
			i++
		}
		return
	}
	if elem.Max != 1 {
		w.report(c, true, ruleCardinalityNotArray,
			fmt.Sprintf("%s can repeat, so its value must be an array (wrap it in [ ])", key))
		// Check the value anyway so one mistake does not hide others.
	}
	if t.Kind(c) == jsontree.Null {
		w.report(c, false, ruleJSONNull, "null is not allowed as a value in FHIR JSON: omit the property")
		return
	}
	w.walkValue(c, elem, typeCode)
}

// nullAllowed: a null in a primitive array is fine when _key has a non-null
// object at the same index.
func (w *walker) nullAllowed(obj jsontree.ID, key string, i int) bool {
	comp := w.tree.Get(obj, "_"+key)
	if comp == jsontree.None || w.tree.Kind(comp) != jsontree.Array {
		return false
	}
	item := w.tree.Item(comp, i)
	return item != jsontree.None && w.tree.Kind(item) == jsontree.Object
}

// walkValue checks a single value against elem with the given type.
func (w *walker) walkValue(n jsontree.ID, elem *definitions.Element, typeCode string) {
	typeCode = definitions.NormalizeType(elem, typeCode)
	if typeCode == "" {
		if len(elem.Types) == 0 && (len(elem.Children) > 0 || elem.Ref != nil) {
			typeCode = "BackboneElement"
		} else {
			return
		}
	}
	// A complex type's invariants (ext-1 …) apply only to an object: a
	// string or array in its place already has its json.type finding.
	if w.hooks.element != nil && (isPrimitiveType(typeCode) || w.tree.Kind(n) == jsontree.Object) {
		w.hooks.element(w, n, elem, typeCode)
	}
	if isPrimitiveType(typeCode) {
		w.checkPrimitive(n, elem, typeCode)
		return
	}
	t := w.tree
	switch typeCode {
	case "Resource", "DomainResource":
		contained := elem.Name == "contained"
		entry := -1
		if elem.Path == "Bundle.entry.resource" {
			entry = w.entry
		}
		w.walkResource(n, typeCode, contained, entry)
		return
	}
	if t.Kind(n) != jsontree.Object {
		w.report(n, false, ruleJSONType,
			fmt.Sprintf("expected a %s object, found %s", typeCode, describeKind(t, n)))
		return
	}
	content := w.defs.Content(elem, typeCode)
	if content == nil {
		return
	}
	if w.v.opts.Guides != nil {
		w.dataTypes = append(w.dataTypes, dataTypeFrame{typeName: typeCode, pathStart: len(w.path)})
		w.walkObject(n, content, typeCode, false)
		w.dataTypes = w.dataTypes[:len(w.dataTypes)-1]
	} else {
		w.walkObject(n, content, typeCode, false)
	}
	switch typeCode {
	case "Reference":
		if w.hooks.reference != nil {
			w.hooks.reference(w, n, elem)
		}
	case "Extension":
		w.checkExtension(n)
		w.checkExtensionContext(n, elem.Path)
	case "Coding":
		w.checkCoding(n)
	case "Attachment":
		w.checkAttachment(n)
	}
	if elem.Binding != nil && elem.Binding.Strength == "required" {
		w.checkCodedBinding(n, elem, typeCode)
	}
}

func describeKind(t *jsontree.Tree, n jsontree.ID) string {
	switch t.Kind(n) {
	case jsontree.Object:
		return "an object"
	case jsontree.Array:
		return "an array"
	case jsontree.String:
		return "the string " + quoteValue(t.Str(n))
	case jsontree.Number:
		return "the number " + string(t.Raw(n))
	case jsontree.Bool:
		return "the boolean " + string(t.Raw(n))
	case jsontree.Null:
		return "null"
	}
	return "nothing"
}

func quoteValue(s string) string {
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return "'" + s + "'"
}
