package xhtml

import (
	"strings"
	"unicode/utf8"
)

// Sanitize returns a safe, well-formed copy of a narrative for display. It
// never fails: whatever the input, the result is
//
//	<div xmlns="http://www.w3.org/1999/xhtml"> ... </div>
//
// and passes Check, except that it may be empty (txt-2). The output is also
// safe to insert with innerHTML into an HTML document: it contains only the
// elements listed below (none with special HTML parsing rules), non-void
// elements always have explicit end tags, and every '<', '>', '&' and '"' in
// text and attribute values is escaped. What it keeps:
//
//   - Text, everywhere, with references decoded and then re-escaped; CDATA
//     sections become text. Characters XML does not allow are dropped.
//   - Elements of the txt-1 list (p, div, span, b, i, table, ul, a, img, ...)
//     except map and area (image maps), written in canonical XHTML form:
//     br, hr, img and col are always empty elements. The input's root div is
//     replaced by the output's own.
//   - Other elements lose their tags but keep their text, except those whose
//     content is not text for a reader, which are dropped with everything in
//     them: script, style, head, title, template, iframe, frame, frameset,
//     noframes, object, embed, applet, noscript, noembed, svg, math, select,
//     textarea, option, button and any element in a non-XHTML namespace.
//   - Attributes, only these: title, lang, xml:lang, dir (ltr/rtl), align,
//     valign, colspan, rowspan, span, scope, headers, abbr, width, height,
//     border, cellpadding, cellspacing, summary, alt; a href when it is
//     http(s):, mailto:, tel:, a '#' fragment or a relative reference; img
//     src when it is a raster image data: URL (png, gif, jpeg, webp, bmp) or
//     a '#' fragment (a contained resource). Numeric attributes keep only
//     digits, optionally followed by % or px.
//   - No style attribute: the page's Content-Security-Policy (style-src
//     'self') rejects every inline style, so the output keeps exactly what
//     the page may show (issue 17; the record viewer drops style as well).
//   - Dropped attributes include id, name, class (they can clobber or
//     restyle the host page), every on* handler and every namespaced
//     attribute other than xml:lang.
//   - Comments, processing instructions and DOCTYPEs are dropped. Unclosed
//     elements are closed; stray end tags are ignored.
func Sanitize(div string) string {
	s := sanitizer{tok: tokenizer{s: div}}
	s.out.Grow(len(div) + 64)
	s.out.WriteString(`<div xmlns="` + Namespace + `">`)
	s.run()
	s.out.WriteString("</div>")
	return s.out.String()
}

type sanitizeFrame struct {
	in   string // input tag name, to match end tags
	out  string // element written, "" when only the content is kept
	drop bool   // content dropped too
}

type sanitizer struct {
	tok      tokenizer
	out      strings.Builder
	stack    []sanitizeFrame
	dropping int // >0 while inside a dropped element
	rootDone bool
}

func (s *sanitizer) run() {
	for {
		t := s.tok.next()
		switch t.kind {
		case tokEOF:
			for len(s.stack) > 0 {
				s.pop()
			}
			return
		case tokText:
			if s.dropping == 0 {
				s.writeText(decode(t.text))
			}
		case tokCDATA:
			if s.dropping == 0 {
				s.writeText(t.text)
			}
		case tokStart:
			s.start(t)
		case tokEnd:
			s.end(t.name)
		}
	}
}

func (s *sanitizer) start(t token) {
	prefix, local := splitName(t.name)
	local = strings.ToLower(local)
	foreign := prefix != "" || hasForeignNamespace(t.attrs)
	f := sanitizeFrame{in: t.name}
	switch {
	case s.dropping > 0 || foreign || dropWithContent(local):
		f.drop = true
	case len(s.stack) == 0 && !s.rootDone && local == "div":
		// The input's root div: ours replaces it.
		s.rootDone = true
	case allowedElement(local) && local != "map" && local != "area":
		f.out = local
	}
	if f.out != "" {
		s.out.WriteByte('<')
		s.out.WriteString(f.out)
		var written []string
		for _, a := range t.attrs {
			written = s.writeAttribute(f.out, a, written)
		}
		if isVoid(f.out) {
			s.out.WriteString("/>")
			f.out = ""
		} else {
			s.out.WriteByte('>')
		}
	}
	if t.selfClosing {
		if f.out != "" {
			s.out.WriteString("</" + f.out + ">")
		}
		return
	}
	if f.drop {
		s.dropping++
	}
	s.stack = append(s.stack, f)
}

func (s *sanitizer) end(name string) {
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i].in == name {
			for len(s.stack) > i {
				s.pop()
			}
			return
		}
	}
}

func (s *sanitizer) pop() {
	f := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if f.drop {
		s.dropping--
	}
	if f.out != "" {
		s.out.WriteString("</" + f.out + ">")
	}
}

// writeAttribute writes a if it is kept, and returns the names written so far.
func (s *sanitizer) writeAttribute(elem string, a attribute, written []string) []string {
	name := strings.ToLower(a.name)
	for _, w := range written {
		if w == name {
			return written
		}
	}
	// Clean first, so the safety checks see exactly what will be written.
	v := dropNonXMLChars(decode(a.raw))
	keep := ""
	switch name {
	case "title", "alt", "summary", "abbr", "headers":
		keep = v
	case "lang", "xml:lang":
		if isLanguageTag(v) {
			keep = v
		}
	case "dir":
		if lv := strings.ToLower(strings.TrimSpace(v)); lv == "ltr" || lv == "rtl" {
			keep = lv
		}
	case "align", "valign", "scope":
		if lv := strings.ToLower(strings.TrimSpace(v)); isWord(lv) {
			keep = lv
		}
	case "colspan", "rowspan", "span", "width", "height", "border", "cellpadding", "cellspacing":
		keep = cleanLength(v)
	case "href":
		if elem == "a" && safeLink(v) {
			keep = strings.TrimSpace(v)
		}
	case "src":
		if elem == "img" {
			if tv := strings.TrimSpace(v); safeImageDataURL(tv) || strings.HasPrefix(tv, "#") {
				keep = tv
			}
		}
	}
	if keep == "" || !allowedAttribute(elem, name) {
		return written
	}
	s.out.WriteByte(' ')
	s.out.WriteString(name)
	s.out.WriteString(`="`)
	escape(&s.out, keep, true)
	s.out.WriteByte('"')
	return append(written, name)
}

func (s *sanitizer) writeText(text string) {
	escape(&s.out, text, false)
}

// escape writes text with &, <, > (and " in attributes) escaped and
// characters XML does not allow dropped.
func escape(b *strings.Builder, text string, attr bool) {
	for _, r := range text {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case (r == '\n' || r == '\r' || r == '\t') && attr:
			b.WriteByte(' ')
		case r == utf8.RuneError || !isXMLChar(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
}

// dropNonXMLChars removes invalid UTF-8 and characters XML does not allow.
func dropNonXMLChars(v string) string {
	clean := true
	for _, r := range v {
		if r == utf8.RuneError || !isXMLChar(r) {
			clean = false
			break
		}
	}
	if clean {
		return v
	}
	var b strings.Builder
	for _, r := range v {
		if r != utf8.RuneError && isXMLChar(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hasForeignNamespace: the element declares a default namespace other than XHTML.
func hasForeignNamespace(attrs []attribute) bool {
	for _, a := range attrs {
		if a.name == "xmlns" && decode(a.raw) != Namespace {
			return true
		}
	}
	return false
}

func dropWithContent(local string) bool {
	switch local {
	case "script", "style", "head", "title", "template", "iframe", "frame", "frameset", "noframes",
		"object", "embed", "applet", "noscript", "noembed", "svg", "math", "select", "textarea",
		"option", "button", "xml", "xmp", "plaintext":
		return true
	}
	return false
}

func isVoid(local string) bool {
	switch local {
	case "br", "hr", "img", "col":
		return true
	}
	return false
}

// safeLink: http(s), mailto, tel, fragments and relative references.
func safeLink(v string) bool {
	switch urlScheme(v) {
	case "", "http", "https", "mailto", "tel":
		// A relative reference must not hide a scheme behind characters
		// urlScheme skips; require it to be printable.
		for i := 0; i < len(v); i++ {
			if v[i] < ' ' || v[i] == 0x7f {
				return false
			}
		}
		return strings.TrimSpace(v) != ""
	}
	return false
}

func isLanguageTag(v string) bool {
	if v == "" || len(v) > 35 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func isWord(v string) bool {
	if v == "" || len(v) > 20 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 'a' || v[i] > 'z' {
			return false
		}
	}
	return true
}

// cleanLength keeps "12", "12%" or "12px".
func cleanLength(v string) string {
	v = strings.TrimSpace(v)
	digits := 0
	for digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
		digits++
	}
	if digits == 0 || digits > 6 {
		return ""
	}
	switch strings.ToLower(v[digits:]) {
	case "", "%", "px":
		return v
	}
	return ""
}
