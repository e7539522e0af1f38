package fhirxml

import (
	"fmt"
	"github.com/fhirlens/fhirlens/validator/finding"
	"math"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/primitive"
)

// maxDepth bounds element nesting (the JSON reader allows 512 levels of
// objects and arrays; one XML element is at most two of those).
const maxDepth = 250

// obuf is JSON being written, with the XML offset of each token.
type obuf struct {
	b        []byte
	from, to []int32
}

func (o *obuf) mark(xmlOff int) {
	o.from = append(o.from, int32(len(o.b)))
	o.to = append(o.to, int32(xmlOff))
}

func (o *obuf) appendBuf(x *obuf) {
	base := int32(len(o.b))
	o.b = append(o.b, x.b...)
	for i := range x.from {
		o.from = append(o.from, x.from[i]+base)
		o.to = append(o.to, x.to[i])
	}
}

func (o *obuf) reset() { o.b, o.from, o.to = o.b[:0], o.from[:0], o.to[:0] }

// conv converts one XML document into JSON.
type conv struct {
	src     []byte
	pos     int
	defs    *definitions.Set
	out     *obuf
	probs   []finding.Finding
	depth   int
	ns      []nsDecl
	path    []byte
	attrBuf []attr
	scratch []byte
	pool    []*obuf // side buffers for the _name arrays of primitives
	// per-depth slots (see tagAt)
	tagChunks [][]tag
	objChunks [][]object
	// textReported keeps text content to one finding per element.
	textReported bool
	fhirNS       string // the namespace FHIR elements are in (normally nsFHIR)
}

const (
	kindComplex = iota
	kindPrimitive
	kindResource
	kindXHTML
	kindUnknown
)

// object is an element being written as a JSON object.
type object struct {
	def      *definitions.Element // describes the children; nil when unknown
	typeName string
	first    bool // no member written yet
	lastIdx  int  // definition index of the last child seen
	lastName string
	seen     []string
	run      run
}

// run is a sequence of sibling elements of one name (one JSON member).
type run struct {
	name      string
	elem      *definitions.Element
	typeCode  string
	kind      int
	array     bool
	count     int
	start     int   // offset of the first element
	side      *obuf // items of the "_name" array of repeating primitives
	sideCount int
	pathLen   int
	valueKind primitive.Kind
	// where the member starts, to drop the value array of a repeating
	// primitive whose items all lack a value (JSON then has only "_name")
	keyStart, marksStart int
	firstBefore          bool
	valued               int
}

func (c *conv) pathString() string { return string(c.path) }

func (c *conv) pushPath(seg string) int {
	l := len(c.path)
	if l > 0 {
		c.path = append(c.path, '.')
	}
	c.path = append(c.path, seg...)
	return l
}

// document converts the whole input; it returns false on a fatal finding.
func (c *conv) document() (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, fatal := r.(errFatal); !fatal {
				panic(r)
			}
			ok = false
		}
	}()
	if len(c.src) > math.MaxInt32-1 {
		c.fatal(0, "xml.size", "the XML is larger than 2 GB")
	}
	if len(c.src) >= 3 && c.src[0] == 0xEF && c.src[1] == 0xBB && c.src[2] == 0xBF {
		c.pos = 3
	}
	for {
		c.skipSpace()
		if c.pos >= len(c.src) {
			c.fatal(c.pos, "xml.syntax", "the XML has no root element")
		}
		if c.src[c.pos] != '<' {
			c.fatal(c.pos, "xml.syntax", "expected '<': text before the root element")
		}
		if c.pos+1 < len(c.src) && (c.src[c.pos+1] == '!' || c.src[c.pos+1] == '?') {
			if !c.misc() {
				c.fatal(c.pos, "xml.syntax", "unexpected markup before the root element")
			}
			continue
		}
		break
	}
	c.root(c.startTag())
	for {
		c.skipSpace()
		if c.pos >= len(c.src) {
			return true
		}
		if c.src[c.pos] == '<' && c.pos+1 < len(c.src) && (c.src[c.pos+1] == '!' || c.src[c.pos+1] == '?') && c.misc() {
			continue
		}
		c.fatal(c.pos, "xml.syntax", "content after the end of the root element")
	}
}

// root checks that the root element is a FHIR resource and converts it.
func (c *conv) root(t *tag) {
	isType := c.defs.Type(t.name) != nil
	l := c.pushPath(t.name)
	switch {
	case t.ns == nsFHIR:
		c.fhirNS = nsFHIR
	case t.name == "ClinicalDocument" && t.ns == "urn:hl7-org:v3":
		c.fatal(t.start, "xml.not-fhir", "this is an HL7 CDA document (ClinicalDocument), not FHIR: fhirlens validates FHIR resources (JSON or XML)")
	case strings.EqualFold(t.name, "html") || t.ns == nsXHTML:
		c.fatal(t.start, "xml.not-fhir", "this is an HTML/XHTML page, not FHIR XML")
	case t.ns == "" && isType:
		c.add(t.start, finding.Error, "xml.namespace", fmt.Sprintf(`the root element <%s> has no namespace: FHIR XML elements are in the namespace http://hl7.org/fhir (write <%s xmlns="http://hl7.org/fhir">)`, t.name, t.name))
		c.fhirNS = ""
	default:
		ns := t.ns
		if ns == "" {
			ns = "none"
		}
		c.fatal(t.start, "xml.not-fhir", "this XML is not FHIR: its root element is <%s> (namespace %s), where FHIR XML has a resource such as <Patient xmlns=\"http://hl7.org/fhir\">", t.qname, ns)
	}
	c.resource(t)
	c.path = c.path[:l]
}

// resource writes the resource element t as a JSON object.
func (c *conv) resource(t *tag) {
	o := c.out
	o.mark(t.start)
	o.b = append(o.b, '{')
	o.mark(t.start)
	o.b = append(o.b, `"resourceType":`...)
	o.mark(t.nameOff)
	o.b = appendJSONString(o.b, []byte(t.name))
	for i := range t.attrs {
		a := &t.attrs[i]
		if !c.xmlAttr(a) {
			c.add(a.nameOff, finding.Error, "xml.attribute", fmt.Sprintf("the attribute '%s' is not allowed on the resource element <%s>: FHIR XML has only namespace declarations there", qualified(a), t.name))
		}
	}
	obj := c.newObject(c.depth, nil, t.name, false)
	if typ := c.defs.Type(t.name); typ != nil && typ.Kind == "resource" {
		obj.def = typ.Root
	}
	c.children(t, obj)
	c.out.mark(c.pos)
	c.out.b = append(c.out.b, '}')
}

// xmlAttr reports whether a is a namespace declaration, the only
// attributes FHIR XML allows besides value, id and url. An
// xsi:schemaLocation is an error too, as the reference validator reports it
// (it accepts one only when told to).
func (c *conv) xmlAttr(a *attr) bool {
	return a.prefix == "xmlns" || (a.prefix == "" && a.name == "xmlns")
}

// children converts the content of t (whose start tag was just read) as the
// members of obj, up to and including t's end tag.
func (c *conv) children(t *tag, obj *object) {
	if t.selfClosing {
		c.closeSelf(t)
		c.closeRun(obj)
		return
	}
	qname, nsMark := t.qname, t.nsMark
	saved := c.textReported
	c.textReported = false
	for !c.content() {
		c.child(obj, c.startTag())
	}
	c.closeRun(obj)
	c.endTag(t, qname, nsMark)
	c.textReported = saved
}

func (c *conv) key(obj *object, name string, off int) { c.keyPrefixed(obj, "", name, off) }

// keyPrefixed writes the member name prefix+name ("_" for companions).
func (c *conv) keyPrefixed(obj *object, prefix, name string, off int) {
	o := c.out
	if !obj.first {
		o.b = append(o.b, ',')
	}
	obj.first = false
	o.mark(off)
	if prefix == "" {
		o.b = appendJSONString(o.b, []byte(name))
	} else {
		o.b = append(o.b, '"')
		o.b = append(o.b, prefix...)
		start := len(o.b)
		o.b = appendJSONString(o.b, []byte(name))
		copy(o.b[start:], o.b[start+1:]) // drop the name's own opening quote
		o.b = o.b[:len(o.b)-1]
	}
	o.b = append(o.b, ':')
}

// child converts one child element of obj.
func (c *conv) child(obj *object, t *tag) {
	if t.ns != c.fhirNS && !(t.name == "div" && t.ns == nsXHTML) {
		ns := t.ns
		if ns == "" {
			ns = "no namespace"
		}
		l := c.pushPath(t.name)
		c.add(t.start, finding.Error, "xml.namespace", fmt.Sprintf("the element <%s> is in %s, not in the FHIR namespace http://hl7.org/fhir; it was not read", t.qname, ns))
		c.path = c.path[:l]
		c.skip(t)
		return
	}
	r := &obj.run
	if r.count > 0 && r.name == t.name {
		if r.kind == kindUnknown {
			c.skip(t) // the walk reports the unknown element once
			return
		}
		if !r.array {
			l := c.pushPath(t.name)
			c.add(t.start, finding.Error, "xml.repeated", fmt.Sprintf("'%s' appears more than once, but %s allows at most one; the repeat was not read", t.name, elemLabel(r.elem, obj, t.name)))
			c.path = c.path[:l]
			c.skip(t)
			return
		}
		c.item(obj, t)
		return
	}
	c.closeRun(obj)
	for _, s := range obj.seen {
		if s == t.name {
			l := c.pushPath(t.name)
			c.add(t.start, finding.Error, "xml.repeated", fmt.Sprintf("'%s' appears again after '%s': the elements of one name must be together (in definition order); this one was not read", t.name, obj.lastName))
			c.path = c.path[:l]
			c.skip(t)
			return
		}
	}
	obj.seen = append(obj.seen, t.name)
	*r = run{name: t.name, start: t.start, kind: kindUnknown, side: r.side}
	r.side = nil
	if obj.def != nil {
		elem, typeCode := obj.def.ChoiceType(t.name)
		if elem != nil {
			r.elem = elem
			r.array = elem.Max != 1
			typeCode = definitions.NormalizeType(elem, typeCode)
			r.typeCode = typeCode
			switch {
			case typeCode == "xhtml":
				r.kind = kindXHTML
			case primitive.IsPrimitive(typeCode):
				r.kind = kindPrimitive
				r.valueKind = primitive.JSONKind(typeCode)
			case typeCode == "Resource" || typeCode == "DomainResource" || c.isResourceType(typeCode):
				r.kind = kindResource
			default:
				r.kind = kindComplex
			}
			c.checkOrder(obj, elem, t)
		}
	}
	r.pathLen = len(c.path)
	if r.kind != kindPrimitive {
		c.key(obj, t.name, t.start)
		if r.array {
			c.out.mark(t.start)
			c.out.b = append(c.out.b, '[')
		}
	} else if r.array {
		r.keyStart, r.marksStart, r.firstBefore = len(c.out.b), len(c.out.from), obj.first
		c.key(obj, t.name, t.start)
		c.out.mark(t.start)
		c.out.b = append(c.out.b, '[')
	}
	c.item(obj, t)
}

func qualified(a *attr) string {
	if a.prefix != "" {
		return a.prefix + ":" + a.name
	}
	return a.name
}

func (c *conv) isResourceType(code string) bool {
	typ := c.defs.Type(code)
	return typ != nil && typ.Kind == "resource"
}

func elemLabel(e *definitions.Element, obj *object, name string) string {
	if e != nil {
		return e.Path
	}
	return obj.typeName + "." + name
}

// checkOrder reports an element that comes before one it follows in the
// definition.
func (c *conv) checkOrder(obj *object, elem *definitions.Element, t *tag) {
	def := obj.def
	if def.Ref != nil {
		def = def.Ref
	}
	idx := -1
	for i, ch := range def.Children {
		if ch == elem {
			idx = i
			break
		}
	}
	if idx < 0 {
		return
	}
	if idx < obj.lastIdx {
		l := c.pushPath(t.name)
		c.add(t.start, finding.Error, "xml.order", fmt.Sprintf("element '%s' is out of order: it comes after '%s' here, but %s puts it before (expected position: %s)",
			t.name, obj.lastName, defName(def), expectedPosition(def.Children, idx)))
		c.path = c.path[:l]
		return
	}
	obj.lastIdx, obj.lastName = idx, t.name
}

func defName(def *definitions.Element) string {
	if def.Path != "" {
		return "the definition of " + def.Path
	}
	return "the definition"
}

// expectedPosition names the neighbours an element sits between.
func expectedPosition(children []*definitions.Element, idx int) string {
	name := func(e *definitions.Element) string {
		if e.Choice {
			return e.Name + "[x]"
		}
		return e.Name
	}
	var prev, next string
	for i := idx - 1; i >= 0; i-- {
		if n := children[i].Name; n != "id" {
			prev = name(children[i])
			break
		}
	}
	if idx+1 < len(children) {
		next = name(children[idx+1])
	}
	switch {
	case prev != "" && next != "":
		return "after '" + prev + "' and before '" + next + "'"
	case next != "":
		return "before '" + next + "'"
	case prev != "":
		return "after '" + prev + "'"
	}
	return "first"
}

// closeRun ends the current run: closes its array and writes the "_name"
// array of a repeating primitive.
func (c *conv) closeRun(obj *object) {
	r := &obj.run
	if r.count == 0 {
		return
	}
	if r.array {
		c.out.b = append(c.out.b, ']')
		if r.kind == kindPrimitive && r.valued == 0 {
			c.out.b = c.out.b[:r.keyStart]
			c.out.from, c.out.to = c.out.from[:r.marksStart], c.out.to[:r.marksStart]
			obj.first = r.firstBefore
		}
	}
	if r.side != nil {
		if r.sideCount > 0 {
			for r.sideCount < r.count {
				r.side.b = append(r.side.b, ",null"...)
				r.sideCount++
			}
			c.keyPrefixed(obj, "_", r.name, r.start)
			c.out.mark(r.start)
			c.out.b = append(c.out.b, '[')
			c.out.appendBuf(r.side)
			c.out.b = append(c.out.b, ']')
		}
		r.side.reset()
		c.pool = append(c.pool, r.side)
		r.side = nil
	}
	r.count = 0
}

// item converts one element of the current run.
func (c *conv) item(obj *object, t *tag) {
	r := &obj.run
	i := r.count
	r.count++
	c.path = c.path[:r.pathLen]
	l := c.pushPath(t.name)
	if r.array {
		c.path = append(c.path, '[')
		c.path = strconv.AppendInt(c.path, int64(i), 10)
		c.path = append(c.path, ']')
	}
	defer func() { c.path = c.path[:l] }()
	if r.array && i > 0 && r.kind != kindPrimitive {
		c.out.b = append(c.out.b, ',')
	}
	switch r.kind {
	case kindPrimitive:
		c.primitive(obj, t, i)
	case kindResource:
		c.wrapper(t)
	case kindXHTML:
		c.xhtml(t)
	case kindComplex:
		c.complex(t, c.defs.Content(r.elem, r.typeCode), r.typeCode)
	default:
		c.unknown(t)
	}
}

// complex writes an element of a complex type as an object.
func (c *conv) complex(t *tag, def *definitions.Element, typeName string) {
	o := c.out
	o.mark(t.start)
	o.b = append(o.b, '{')
	obj := c.newObject(c.depth, def, typeName, true)
	c.attributes(t, obj, def, false)
	c.children(t, obj)
	c.out.mark(c.pos)
	c.out.b = append(c.out.b, '}')
}

// attributes writes the id and url attributes as members and reports the
// attributes FHIR XML does not have. value is handled by the caller for
// primitives (isPrim).
func (c *conv) attributes(t *tag, obj *object, def *definitions.Element, isPrim bool) {
	for i := range t.attrs {
		a := &t.attrs[i]
		if a.prefix != "" || a.name == "xmlns" {
			if !c.xmlAttr(a) {
				c.add(a.nameOff, finding.Error, "xml.attribute", fmt.Sprintf("the attribute '%s:%s' is not allowed on <%s>: FHIR XML has only value, id and url attributes (and namespace declarations)", a.prefix, a.name, t.name))
			}
			continue
		}
		switch {
		case a.name == "value" && isPrim:
		case a.name == "id" || (a.name == "url" && obj.typeName == "Extension"):
			c.key(obj, a.name, a.nameOff)
			c.out.mark(a.off)
			c.out.b = appendJSONString(c.out.b, c.decodeAttr(a))
		default:
			c.add(a.nameOff, finding.Error, "xml.attribute", fmt.Sprintf("the attribute '%s' is not allowed on <%s>: FHIR XML has only value (primitives), id and url (extensions) attributes", a.name, t.name))
		}
	}
}

// primitive writes the i-th element of a primitive run: its value, and its
// id and extensions as the "_name" companion.
func (c *conv) primitive(obj *object, t *tag, i int) {
	r := &obj.run
	var value *attr
	hasExtra := false
	for j := range t.attrs {
		a := &t.attrs[j]
		if a.prefix != "" || a.name == "xmlns" {
			continue
		}
		switch a.name {
		case "value":
			value = a
		case "id":
			hasExtra = true
		}
	}
	if !t.selfClosing && !hasExtra {
		// children? look past whitespace and comments to the next tag
		if value != nil {
			value = c.keepAttr(value)
		}
		hasExtra = !c.content()
	}
	if value == nil && !hasExtra {
		c.add(t.start, finding.Error, "xml.primitive-empty", fmt.Sprintf("<%s/> has neither a value attribute nor extensions: a primitive element must have at least one", t.name))
	}
	if r.array {
		if i > 0 {
			c.out.b = append(c.out.b, ',')
		}
		if value != nil {
			r.valued++
			c.value(value, r.valueKind)
		} else {
			c.out.mark(t.start)
			c.out.b = append(c.out.b, "null"...)
		}
		if !hasExtra {
			c.closeSelfOrEmpty(t)
			return
		}
		if r.side == nil {
			r.side = c.sideBuf()
		}
		for r.sideCount < i {
			if r.sideCount > 0 {
				r.side.b = append(r.side.b, ',')
			}
			r.side.b = append(r.side.b, "null"...)
			r.sideCount++
		}
		if r.sideCount > 0 {
			r.side.b = append(r.side.b, ',')
		}
		saved := c.out
		c.out = r.side
		c.extras(t, r.typeCode)
		c.out = saved
		r.sideCount++
		return
	}
	if value != nil {
		c.key(obj, t.name, t.start)
		c.value(value, r.valueKind)
	}
	if !hasExtra {
		c.closeSelfOrEmpty(t)
		return
	}
	c.keyPrefixed(obj, "_", t.name, t.start)
	c.extras(t, r.typeCode)
}

// closeSelfOrEmpty finishes a primitive element without children (a
// self-closing tag, or one whose content turned out empty).
func (c *conv) closeSelfOrEmpty(t *tag) {
	if t.selfClosing {
		c.closeSelf(t)
		return
	}
	c.children(t, c.newObject(c.depth, nil, "", true))
}

// extras writes the id attribute and the child elements of a primitive as
// an object.
func (c *conv) extras(t *tag, typeCode string) {
	def := c.defs.Content(nil, typeCode)
	c.out.mark(t.start)
	c.out.b = append(c.out.b, '{')
	obj := c.newObject(c.depth, def, typeCode, true)
	c.attributes(t, obj, def, true)
	c.children(t, obj)
	c.out.mark(c.pos)
	c.out.b = append(c.out.b, '}')
}

// keepAttr copies an attribute so it survives reading the next tag.
func (c *conv) keepAttr(a *attr) *attr {
	cp := *a
	return &cp
}

func (c *conv) sideBuf() *obuf {
	if n := len(c.pool); n > 0 {
		b := c.pool[n-1]
		c.pool = c.pool[:n-1]
		return b
	}
	return &obuf{}
}

// value writes a primitive's value attribute as JSON: numbers and booleans
// bare when their text is a JSON number or boolean, otherwise as a string
// (the walk then reports the lexical error).
func (c *conv) value(a *attr, kind primitive.Kind) {
	v := c.decodeAttr(a)
	c.out.mark(a.off)
	switch kind {
	case primitive.KindBoolean:
		if string(v) == "true" || string(v) == "false" {
			c.out.b = append(c.out.b, v...)
			return
		}
	case primitive.KindNumber:
		if isJSONNumber(v) {
			c.out.b = append(c.out.b, v...)
			return
		}
	}
	c.out.b = appendJSONString(c.out.b, v)
}

func isJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return false
	}
	if b[i] == '0' {
		i++
	} else if b[i] >= '1' && b[i] <= '9' {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	return i == len(b)
}

// wrapper writes the one resource inside a resource wrapper element
// (contained, Bundle.entry.resource, Parameters.parameter.resource ...).
func (c *conv) wrapper(t *tag) {
	for i := range t.attrs {
		if a := &t.attrs[i]; !c.xmlAttr(a) {
			c.add(a.nameOff, finding.Error, "xml.attribute", fmt.Sprintf("the attribute '%s' is not allowed on <%s>", qualified(a), t.name))
		}
	}
	if t.selfClosing {
		c.closeSelf(t)
		c.add(t.start, finding.Error, "xml.resource-wrapper", fmt.Sprintf("<%s/> is empty: it must hold one resource", t.name))
		c.out.mark(t.start)
		c.out.b = append(c.out.b, "{}"...)
		return
	}
	qname, nsMark := t.qname, t.nsMark
	saved := c.textReported
	c.textReported = false
	n := 0
	for !c.content() {
		ct := c.startTag()
		if n > 0 || ct.ns != c.fhirNS {
			msg := fmt.Sprintf("<%s> holds more than one element: it must hold exactly one resource; <%s> was not read", t.name, ct.qname)
			if ct.ns != c.fhirNS {
				msg = fmt.Sprintf("<%s> inside <%s> is not in the FHIR namespace; it was not read", ct.qname, t.name)
			}
			c.add(ct.start, finding.Error, "xml.resource-wrapper", msg)
			c.skip(ct)
			continue
		}
		n++
		c.resource(ct)
	}
	if n == 0 {
		c.add(t.start, finding.Error, "xml.resource-wrapper", fmt.Sprintf("<%s> is empty: it must hold one resource", t.name))
		c.out.mark(t.start)
		c.out.b = append(c.out.b, "{}"...)
	}
	c.endTag(t, qname, nsMark)
	c.textReported = saved
}

// xhtml writes the narrative div verbatim, as the JSON form holds it.
func (c *conv) xhtml(t *tag) {
	if t.ns != nsXHTML {
		c.add(t.start, finding.Error, "xml.namespace", fmt.Sprintf(`the narrative <%s> must be an XHTML div: <div xmlns="http://www.w3.org/1999/xhtml">`, t.qname))
	}
	start := t.start
	c.skip(t)
	c.out.mark(start)
	c.out.b = appendJSONString(c.out.b, c.src[start:c.pos])
}

// unknown writes an element the definitions do not know (the walk reports
// it): its value attribute as a string, else an empty object.
func (c *conv) unknown(t *tag) {
	for i := range t.attrs {
		a := &t.attrs[i]
		if a.prefix == "" && a.name == "value" {
			c.out.mark(a.off)
			c.out.b = appendJSONString(c.out.b, c.decodeAttr(a))
			c.skip(t)
			return
		}
	}
	c.out.mark(t.start)
	c.out.b = append(c.out.b, "{}"...)
	c.skip(t)
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string. Invalid UTF-8 is kept as is
// (the walk reports it).
func appendJSONString(b []byte, s []byte) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 0x20 && ch != '"' && ch != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch ch {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[ch>>4], hexDigits[ch&0xF])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
