package xhtml

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Check checks a narrative div as FHIR R4 requires (see the package
// comment). It returns the findings in document order, nil when there are
// none; each finding's Offset is the byte offset in div where it starts
// (Line, Col and Expression are left to the caller, who knows where the div
// is).
func Check(div string) []finding.Finding {
	c := checker{}
	c.checkChars(div)
	c.tok = tokenizer{s: div, report: func(offset int, msg string) {
		c.add(offset, ruleWellFormed, finding.Error, "the narrative is not well-formed XML: "+msg)
	}}
	c.run()
	return c.findings
}

type frame struct {
	qname     string // as written, to match the end tag
	local     string
	defaultNS string // default namespace in scope for the children
	bindings  int    // len(checker.bindings) before this element's declarations
	offset    int
}

type binding struct{ prefix, uri string }

type checker struct {
	tok        tokenizer
	findings   []finding.Finding
	stack      []frame
	bindings   []binding
	rootSeen   bool
	hasContent bool // txt-2: some non-whitespace text or an image
	truncated  bool
}

func (c *checker) add(offset int, rule string, sev finding.Severity, msg string) {
	if c.truncated {
		return
	}
	if len(c.findings) == maxFindings {
		c.truncated = true
		c.findings = append(c.findings, finding.Finding{Rule: ruleTooMany, Code: "value", Severity: finding.Warning, Offset: offset, Resource: -1,
			Message: "more than " + strconv.Itoa(maxFindings) + " findings in this narrative; the rest are not reported"})
		return
	}
	c.findings = append(c.findings, finding.Finding{Rule: rule, Code: "value", Severity: sev, Message: msg, Offset: offset, Resource: -1})
}

// checkChars reports the first invalid UTF-8 sequence and the first
// character XML does not allow.
func (c *checker) checkChars(s string) {
	badUTF8, badChar := false, false
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if !badUTF8 {
				badUTF8 = true
				c.add(i, ruleChar, finding.Error, "the narrative is not valid UTF-8")
			}
		case !isXMLChar(r):
			if !badChar {
				badChar = true
				c.add(i, ruleChar, finding.Error, "the narrative contains the character U+"+
					strings.ToUpper(strconv.FormatInt(int64(r), 16))+", which XML does not allow")
			}
		}
		i += size
	}
}

func (c *checker) run() {
	for {
		t := c.tok.next()
		switch t.kind {
		case tokEOF:
			c.finish(t.offset)
			return
		case tokText:
			c.text(t.text, t.offset, true)
		case tokCDATA:
			c.text(t.text, t.offset, false)
		case tokStart:
			c.start(t)
		case tokEnd:
			c.end(t)
		case tokDoctype:
			c.add(t.offset, ruleDoctype, finding.Error, "DOCTYPE and other declarations are not allowed in narrative")
		case tokPI:
			c.add(t.offset, rulePI, finding.Error, "processing instructions ("+quoteText(t.text)+") are not allowed in narrative")
		case tokComment:
			// Comments are allowed and are not content.
		}
	}
}

func (c *checker) text(raw string, offset int, references bool) {
	if references {
		for i := strings.IndexByte(raw, '&'); i >= 0; {
			_, n, why := reference(raw[i:])
			if why != "" {
				c.add(offset+i, ruleEntity, finding.Error, why)
			}
			j := strings.IndexByte(raw[i+n:], '&')
			if j < 0 {
				break
			}
			i += n + j
		}
	}
	nonSpace := false
	for i := 0; i < len(raw); i++ {
		if !isSpaceByte(raw[i]) {
			nonSpace = true
			break
		}
	}
	if nonSpace && references && strings.IndexByte(raw, '&') >= 0 {
		// "&#32;" is whitespace too.
		nonSpace = strings.TrimLeft(decode(raw), " \t\r\n") != ""
	}
	if !nonSpace {
		return
	}
	if len(c.stack) == 0 {
		c.add(offset, ruleRoot, finding.Error, "text "+quoteText(strings.TrimSpace(raw))+
			" is outside the root <div>: the narrative must be a single <div> element")
		return
	}
	c.hasContent = true
}

func (c *checker) start(t token) {
	prefix, local := splitName(t.name)
	isRoot := len(c.stack) == 0
	if isRoot {
		if c.rootSeen {
			c.add(t.offset, ruleRoot, finding.Error, "<"+t.name+"> follows the root element: the narrative must be a single <div> element")
		}
		c.rootSeen = true
		if local != "div" {
			c.add(t.offset, ruleRoot, finding.Error, "the narrative root is <"+t.name+">; it must be <div>")
		}
	}

	// Namespace declarations first: they apply to the element itself.
	defaultNS := ""
	if !isRoot {
		defaultNS = c.stack[len(c.stack)-1].defaultNS
	}
	mark := len(c.bindings)
	for _, a := range t.attrs {
		if a.name == "xmlns" {
			defaultNS = decode(a.raw)
		} else if p, ok := strings.CutPrefix(a.name, "xmlns:"); ok {
			c.bindings = append(c.bindings, binding{p, decode(a.raw)})
		}
	}
	ns := defaultNS
	if prefix != "" {
		ns = ""
		found := false
		for i := len(c.bindings) - 1; i >= 0; i-- {
			if c.bindings[i].prefix == prefix {
				ns, found = c.bindings[i].uri, true
				break
			}
		}
		if !found {
			c.add(t.offset, ruleWellFormed, finding.Error, "the narrative is not well-formed XML: the prefix "+
				quoteText(prefix)+" of <"+t.name+"> is not declared")
		}
	}

	switch {
	case ns != Namespace && isRoot:
		if ns == "" {
			c.add(t.offset, ruleNamespace, finding.Error, "the narrative <div> must declare the XHTML namespace: <div xmlns=\""+Namespace+"\">")
		} else {
			c.add(t.offset, ruleNamespace, finding.Error, "the narrative <div> is in the namespace "+quoteText(ns)+"; it must be "+quoteText(Namespace))
		}
	case ns != Namespace:
		c.add(t.offset, ruleNamespace, finding.Error, "<"+t.name+"> is not in the XHTML namespace ("+quoteText(ns)+
			"): "+whyElementNotAllowed(local))
	case !allowedElement(local):
		c.add(t.offset, ruleElement, finding.Error, "<"+t.name+"> is not allowed: "+whyElementNotAllowed(local))
	}
	if local == "img" {
		c.hasContent = true
	}

	for _, a := range t.attrs {
		c.attribute(local, a)
	}

	if t.selfClosing {
		c.bindings = c.bindings[:mark]
		return
	}
	c.stack = append(c.stack, frame{qname: t.name, local: local, defaultNS: defaultNS, bindings: mark, offset: t.offset})
}

func (c *checker) attribute(elem string, a attribute) {
	for i := strings.IndexByte(a.raw, '&'); i >= 0; {
		_, n, why := reference(a.raw[i:])
		if why != "" {
			c.add(a.offset, ruleEntity, finding.Error, "in attribute "+a.name+": "+why)
		}
		j := strings.IndexByte(a.raw[i+n:], '&')
		if j < 0 {
			break
		}
		i += n + j
	}
	name := a.name
	if !allowedAttribute(elem, name) {
		lower := strings.ToLower(name)
		why := "only the HTML 4 formatting attributes (title, style, class, id, lang, dir, table layout, a href/name, img src/alt, ...) are allowed"
		if strings.HasPrefix(lower, "on") {
			why = "event handler attributes run script and are not allowed in narrative"
		}
		c.add(a.offset, ruleAttribute, finding.Error, "attribute "+name+" is not allowed on <"+elem+">: "+why)
		return
	}
	if urlAttribute(elem, name) {
		if why := checkURL(elem, name, decode(a.raw)); why != "" {
			c.add(a.offset, ruleURL, finding.Error, "<"+elem+" "+name+"="+quoteText(a.raw)+">: "+why)
		}
	}
	if name == "style" {
		if sev, why := checkStyle(decode(a.raw)); why != "" {
			c.add(a.offset, ruleStyle, sev, "<"+elem+" style="+quoteText(a.raw)+">: "+why)
		}
	}
}

func (c *checker) end(t token) {
	if len(c.stack) == 0 {
		c.add(t.offset, ruleWellFormed, finding.Error, "the narrative is not well-formed XML: </"+t.name+"> has no matching start tag")
		return
	}
	top := c.stack[len(c.stack)-1]
	if top.qname == t.name {
		c.pop()
		return
	}
	for i := len(c.stack) - 2; i >= 0; i-- {
		if c.stack[i].qname == t.name {
			c.add(t.offset, ruleWellFormed, finding.Error, "the narrative is not well-formed XML: </"+t.name+"> closes <"+
				t.name+"> while <"+top.qname+"> (at offset "+strconv.Itoa(top.offset)+") is still open")
			for len(c.stack) > i {
				c.pop()
			}
			return
		}
	}
	c.add(t.offset, ruleWellFormed, finding.Error, "the narrative is not well-formed XML: </"+t.name+"> does not match the open <"+top.qname+">")
}

func (c *checker) pop() {
	f := c.stack[len(c.stack)-1]
	c.bindings = c.bindings[:f.bindings]
	c.stack = c.stack[:len(c.stack)-1]
}

func (c *checker) finish(offset int) {
	if len(c.stack) > 0 {
		f := c.stack[len(c.stack)-1]
		c.add(f.offset, ruleWellFormed, finding.Error, "the narrative is not well-formed XML: <"+f.qname+"> is never closed")
	}
	if !c.rootSeen {
		c.add(0, ruleRoot, finding.Error, "the narrative has no root element: it must be a <div xmlns=\""+Namespace+"\"> element")
		return
	}
	if !c.hasContent {
		// txt-2 says SHALL, but R4's FHIRPath htmlChecks() (the invariant's
		// expression) does not test it, the reference validator does not
		// enforce it, and R4's own examples break it: a warning.
		c.add(0, ruleEmpty, finding.Warning, "the narrative has no content: it should contain some non-whitespace text or an image (txt-2)")
	}
}

// HTMLChecks is the FHIRPath function htmlChecks() that R4's narrative
// invariants txt-1 and txt-2 use: true when the div is well-formed narrative
// with only the permitted elements and attributes, i.e. Check reports no
// errors. (Like the reference validator's, it does not test txt-2's
// non-empty rule, which Check reports as a warning.)
func HTMLChecks(div string) bool {
	for _, p := range Check(div) {
		if p.Severity == finding.Error {
			return false
		}
	}
	return true
}
