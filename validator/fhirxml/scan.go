package fhirxml

import (
	"bytes"
	"fmt"
	"github.com/fhirlens/fhirlens/validator/finding"
	"unicode/utf8"
	"unsafe"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// The scanner: a hand-written, allocation-light reader of the XML subset
// FHIR uses. It is not a general XML parser: a DOCTYPE is refused (never
// read), entities other than the predefined five and character references
// are left unexpanded and reported.

const (
	nsFHIR  = "http://hl7.org/fhir"
	nsXHTML = "http://www.w3.org/1999/xhtml"
	nsXSI   = "http://www.w3.org/2001/XMLSchema-instance"
	nsXMLNS = "http://www.w3.org/XML/1998/namespace"
)

type attr struct {
	prefix, name string // views of the input
	raw          []byte // the value as written, between the quotes
	off          int    // offset of the value's first byte
	nameOff      int
}

// tag is a start tag just read.
type tag struct {
	start       int    // offset of '<'
	nameOff     int    // offset of the name
	qname       []byte // name as written (for the end tag)
	prefix      string
	name        string // local name (a view of the input)
	ns          string // resolved namespace
	selfClosing bool
	attrs       []attr // valid until the next tag is read
	nsMark      int    // length of the namespace stack before this tag's declarations
}

type nsDecl struct{ prefix, uri string }

// errFatal stops the reading; the finding is already recorded.
type errFatal struct{}

// view makes a string sharing b's memory; the input is not modified while
// it is read, and views never outlive the reading (messages copy).
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (c *conv) fatal(off int, rule, format string, args ...any) {
	code := "structure"
	switch rule {
	case "xml.dtd":
		code = "security"
	case "xml.depth", "xml.size":
		code = "too-costly"
	}
	c.probs = append(c.probs, finding.Finding{Resource: -1, Offset: off, Severity: finding.Fatal, Code: code, Rule: rule, Message: fmt.Sprintf(format, args...), Expression: c.pathString()})
	panic(errFatal{})
}

func (c *conv) add(off int, sev finding.Severity, rule, msg string) {
	c.probs = append(c.probs, finding.Finding{Resource: -1, Offset: off, Severity: sev, Code: "structure", Rule: rule, Message: msg, Expression: c.pathString()})
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func (c *conv) skipSpace() {
	for c.pos < len(c.src) && isSpace(c.src[c.pos]) {
		c.pos++
	}
}

// misc skips a comment, processing instruction or DOCTYPE (fatal) at c.pos
// ('<' followed by '!' or '?'); it reports whether it consumed one.
func (c *conv) misc() bool {
	s := c.src[c.pos:]
	switch {
	case bytes.HasPrefix(s, []byte("<!--")):
		end := bytes.Index(s[4:], []byte("-->"))
		if end < 0 {
			c.fatal(c.pos, "xml.syntax", "a comment starting here is never closed with -->")
		}
		c.pos += 4 + end + 3
		return true
	case bytes.HasPrefix(s, []byte("<?")):
		end := bytes.Index(s[2:], []byte("?>"))
		if end < 0 {
			c.fatal(c.pos, "xml.syntax", "a processing instruction starting here is never closed with ?>")
		}
		if bytes.HasPrefix(s, []byte("<?xml")) && len(s) > 5 && isSpace(s[5]) {
			c.xmlDecl(s[5 : 2+end])
		}
		c.pos += 2 + end + 2
		return true
	case isHTMLDoctype(s):
		c.fatal(c.pos, "xml.not-fhir", "this is an HTML page (<!DOCTYPE html>), not FHIR XML")
	case bytes.HasPrefix(s, []byte("<!DOCTYPE")) || bytes.HasPrefix(s, []byte("<!doctype")):
		c.fatal(c.pos, "xml.dtd", "this XML has a document type declaration (<!DOCTYPE …>): FHIR XML must not have one, "+
			"and fhirlens never reads DTDs or expands their entities, so nothing was read or fetched; remove the DOCTYPE")
	case bytes.HasPrefix(s, []byte("<!ENTITY")):
		c.fatal(c.pos, "xml.dtd", "this XML declares an entity: FHIR XML has no DTD or entities, and fhirlens never expands them")
	}
	return false
}

func isHTMLDoctype(s []byte) bool {
	if len(s) < 9 || !bytes.EqualFold(s[:9], []byte("<!DOCTYPE")) {
		return false
	}
	r := bytes.TrimLeft(s[9:], " \t\r\n")
	return len(r) >= 4 && bytes.EqualFold(r[:4], []byte("html"))
}

// xmlDecl checks the encoding named by the XML declaration.
func (c *conv) xmlDecl(body []byte) {
	i := bytes.Index(body, []byte("encoding"))
	if i < 0 {
		return
	}
	rest := bytes.TrimLeft(body[i+8:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) < 2 || (rest[0] != '"' && rest[0] != '\'') {
		return
	}
	end := bytes.IndexByte(rest[1:], rest[0])
	if end < 0 {
		return
	}
	enc := string(rest[1 : 1+end])
	if !bytes.EqualFold([]byte(enc), []byte("UTF-8")) && !bytes.EqualFold([]byte(enc), []byte("UTF8")) && !bytes.EqualFold([]byte(enc), []byte("US-ASCII")) {
		c.fatal(c.pos, "xml.encoding", "the XML declares encoding %q: fhirlens reads UTF-8 only (the encoding FHIR requires); convert the file to UTF-8", enc)
	}
}

func isNameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-' || b == '.' || b == ':' || b >= 0x80
}

func (c *conv) name() []byte {
	start := c.pos
	for c.pos < len(c.src) && isNameByte(c.src[c.pos]) {
		c.pos++
	}
	n := c.src[start:c.pos]
	if len(n) == 0 || (n[0] >= '0' && n[0] <= '9') || n[0] == '-' || n[0] == '.' {
		c.fatal(start, "xml.syntax", "expected an element or attribute name here")
	}
	return n
}

// startTag reads a start tag at c.pos ('<' then a name). The tag lives in
// the slot of its depth (valid until a sibling is read); its attrs are valid
// until the next start tag is read.
func (c *conv) startTag() *tag {
	t := c.tagAt(c.depth + 1)
	*t = tag{start: c.pos, attrs: c.attrBuf[:0], nsMark: len(c.ns)}
	c.pos++
	t.nameOff = c.pos
	t.qname = c.name()
	for {
		hadSpace := c.pos < len(c.src) && isSpace(c.src[c.pos])
		c.skipSpace()
		if c.pos >= len(c.src) {
			c.fatal(t.start, "xml.syntax", "the tag <%s is never closed with >", t.qname)
		}
		switch c.src[c.pos] {
		case '>':
			c.pos++
			c.finishTag(t)
			return t
		case '/':
			if c.pos+1 < len(c.src) && c.src[c.pos+1] == '>' {
				c.pos += 2
				t.selfClosing = true
				c.finishTag(t)
				return t
			}
			c.fatal(c.pos, "xml.syntax", "expected /> or > to end the tag <%s", t.qname)
		}
		if !hadSpace {
			c.fatal(c.pos, "xml.syntax", "expected a space before the attribute in <%s", t.qname)
		}
		a := attr{nameOff: c.pos}
		q := c.name()
		c.skipSpace()
		if c.pos >= len(c.src) || c.src[c.pos] != '=' {
			c.fatal(c.pos, "xml.syntax", "expected = after the attribute name %s", q)
		}
		c.pos++
		c.skipSpace()
		if c.pos >= len(c.src) || (c.src[c.pos] != '"' && c.src[c.pos] != '\'') {
			c.fatal(c.pos, "xml.syntax", "expected a quoted value for the attribute %s", q)
		}
		quote := c.src[c.pos]
		c.pos++
		a.off = c.pos
		end := bytes.IndexByte(c.src[c.pos:], quote)
		if end < 0 {
			c.fatal(a.off-1, "xml.syntax", "the value of the attribute %s is never closed", q)
		}
		a.raw = c.src[c.pos : c.pos+end]
		if i := bytes.IndexByte(a.raw, '<'); i >= 0 {
			c.fatal(a.off+i, "xml.syntax", "'<' is not allowed in an attribute value (write &lt;)")
		}
		c.pos += end + 1
		a.prefix, a.name = splitQName(q)
		for _, o := range t.attrs {
			if o.prefix == a.prefix && o.name == a.name {
				c.fatal(a.nameOff, "xml.syntax", "the attribute %s appears twice in <%s>", q, t.qname)
			}
		}
		t.attrs = append(t.attrs, a)
	}
}

func splitQName(q []byte) (prefix, local string) {
	if i := bytes.IndexByte(q, ':'); i >= 0 {
		return view(q[:i]), view(q[i+1:])
	}
	return "", view(q)
}

// finishTag pushes the tag's namespace declarations and resolves its name.
func (c *conv) finishTag(t *tag) {
	c.attrBuf = t.attrs[:0]
	for _, a := range t.attrs {
		switch {
		case a.prefix == "" && a.name == "xmlns":
			c.ns = append(c.ns, nsDecl{"", view(a.raw)})
		case a.prefix == "xmlns":
			c.ns = append(c.ns, nsDecl{a.name, view(a.raw)})
		}
	}
	t.prefix, t.name = splitQName(t.qname)
	t.ns = c.lookupNS(t.prefix)
	if t.ns == "\x00" {
		c.fatal(t.nameOff, "xml.syntax", "the namespace prefix %q of <%s> is not declared", t.prefix, t.qname)
	}
	c.depth++
	if c.depth > maxDepth {
		c.fatal(t.start, "xml.depth", "the XML nests more than %d elements deep; no FHIR resource does", maxDepth)
	}
}

func (c *conv) lookupNS(prefix string) string {
	if prefix == "xml" {
		return nsXMLNS
	}
	for i := len(c.ns) - 1; i >= 0; i-- {
		if c.ns[i].prefix == prefix {
			return c.ns[i].uri
		}
	}
	if prefix == "" {
		return ""
	}
	return "\x00"
}

// content scans character data up to the next markup. It returns the next
// thing: a start tag (c.pos at '<'), an end tag (c.pos at "</"), or the end
// of the input. Comments and processing instructions are skipped; text is
// reported (once per element) unless it is whitespace.
func (c *conv) content() (endTag bool) {
	for {
		i := bytes.IndexByte(c.src[c.pos:], '<')
		if i < 0 {
			c.text(c.pos, c.src[c.pos:])
			c.pos = len(c.src)
			c.fatal(len(c.src), "xml.syntax", "the XML ends before the element %s is closed", c.pathString())
		}
		if i > 0 {
			c.text(c.pos, c.src[c.pos:c.pos+i])
			c.pos += i
		}
		if c.pos+1 >= len(c.src) {
			c.fatal(c.pos, "xml.syntax", "the XML ends inside a tag")
		}
		switch c.src[c.pos+1] {
		case '/':
			return true
		case '!':
			if bytes.HasPrefix(c.src[c.pos:], []byte("<![CDATA[")) {
				end := bytes.Index(c.src[c.pos+9:], []byte("]]>"))
				if end < 0 {
					c.fatal(c.pos, "xml.syntax", "a CDATA section starting here is never closed with ]]>")
				}
				c.text(c.pos, c.src[c.pos+9:c.pos+9+end])
				c.pos += 9 + end + 3
				continue
			}
			if !c.misc() {
				c.fatal(c.pos, "xml.syntax", "unexpected markup <! here")
			}
		case '?':
			c.misc()
		default:
			return false
		}
	}
}

func (c *conv) text(off int, b []byte) {
	for i, ch := range b {
		if !isSpace(ch) {
			if c.textReported {
				return
			}
			c.textReported = true
			end := i + 40
			if end > len(b) {
				end = len(b)
			}
			for end < len(b) && !utf8.RuneStart(b[end]) {
				end++
			}
			c.add(off+i, finding.Error, "xml.text", fmt.Sprintf("text content %q is not allowed here: FHIR XML has no text in elements (values go in value attributes)",
				string(bytes.TrimSpace(b[i:end]))))
			return
		}
	}
}

// endTag reads the end tag at c.pos, which must close t.
func (c *conv) endTag(t *tag, qname []byte, nsMark int) {
	start := c.pos
	c.pos += 2
	n := c.name()
	c.skipSpace()
	if c.pos >= len(c.src) || c.src[c.pos] != '>' {
		c.fatal(c.pos, "xml.syntax", "expected > to end the tag </%s", n)
	}
	c.pos++
	if !bytes.Equal(n, qname) {
		c.fatal(start, "xml.syntax", "the end tag </%s> does not match the start tag <%s>", n, qname)
	}
	c.ns = c.ns[:nsMark]
	c.depth--
	_ = t
}

// closeTag finishes an element whose start tag was just read: nothing to do
// for a self-closing tag.
func (c *conv) closeSelf(t *tag) {
	c.ns = c.ns[:t.nsMark]
	c.depth--
}

// skip consumes the element whose start tag was just read, with all its
// content, without converting it.
func (c *conv) skip(t *tag) {
	if t.selfClosing {
		c.closeSelf(t)
		return
	}
	qname, nsMark := t.qname, t.nsMark
	saved := c.textReported
	c.textReported = true // text inside skipped content is not reported
	for !c.content() {
		c.skip(c.startTag())
	}
	c.endTag(t, qname, nsMark)
	c.textReported = saved
}

// decodeAttr returns an attribute value with entities and character
// references replaced and whitespace normalised as XML requires (tab, CR
// and LF become spaces). Undefined entities are reported and kept as written.
func (c *conv) decodeAttr(a *attr) []byte {
	raw := a.raw
	plain := true
	for _, ch := range raw {
		if ch == '&' || ch == '\t' || ch == '\n' || ch == '\r' {
			plain = false
			break
		}
	}
	if plain {
		return raw
	}
	out := c.scratch[:0]
	for i := 0; i < len(raw); i++ {
		ch := raw[i]
		switch ch {
		case '\t', '\n', '\r':
			out = append(out, ' ')
			if ch == '\r' && i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		case '&':
		default:
			out = append(out, ch)
			continue
		}
		end := bytes.IndexByte(raw[i:], ';')
		if end < 0 || end > 12 {
			c.add(a.off+i, finding.Error, "xml.entity", "a bare '&' in an attribute value: write &amp;")
			out = append(out, '&')
			continue
		}
		ent := raw[i+1 : i+end]
		switch string(ent) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				c.add(a.off+i, finding.Error, "xml.entity", fmt.Sprintf("the entity &%s; is not defined: FHIR XML has no DTD, so only &lt; &gt; &amp; &quot; &apos; and character references (&#160;) exist; nothing was expanded", ent))
				out = append(out, raw[i:i+end+1]...)
			} else {
				out = utf8.AppendRune(out, r)
			}
		}
		i += end
	}
	c.scratch = out
	return out
}

func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var r rune
	if ent[1] == 'x' {
		if len(ent) < 3 {
			return 0, false
		}
		for _, ch := range ent[2:] {
			switch {
			case ch >= '0' && ch <= '9':
				r = r*16 + rune(ch-'0')
			case ch >= 'a' && ch <= 'f':
				r = r*16 + rune(ch-'a'+10)
			case ch >= 'A' && ch <= 'F':
				r = r*16 + rune(ch-'A'+10)
			default:
				return 0, false
			}
			if r > utf8.MaxRune {
				return 0, false
			}
		}
	} else {
		for _, ch := range ent[1:] {
			if ch < '0' || ch > '9' {
				return 0, false
			}
			r = r*10 + rune(ch-'0')
			if r > utf8.MaxRune {
				return 0, false
			}
		}
	}
	if r == 0 || (r >= 0xD800 && r <= 0xDFFF) {
		return 0, false
	}
	return r, true
}

// Tags and objects live in per-depth slots, allocated in chunks that never
// move: the reader recurses, so the compiler would put every element's tag
// and object on the heap otherwise.
const slotChunk = 16

func (c *conv) tagAt(depth int) *tag {
	for len(c.tagChunks)*slotChunk <= depth {
		c.tagChunks = append(c.tagChunks, make([]tag, slotChunk))
	}
	return &c.tagChunks[depth/slotChunk][depth%slotChunk]
}

// newObject resets the object slot of a depth (keeping its seen list's
// memory) and returns it.
func (c *conv) newObject(depth int, def *definitions.Element, typeName string, first bool) *object {
	for len(c.objChunks)*slotChunk <= depth {
		c.objChunks = append(c.objChunks, make([]object, slotChunk))
	}
	o := &c.objChunks[depth/slotChunk][depth%slotChunk]
	seen := o.seen[:0]
	*o = object{def: def, typeName: typeName, first: first, lastIdx: -1, seen: seen}
	return o
}
