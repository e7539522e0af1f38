package xhtml

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// Namespace is the XHTML namespace the narrative root must declare.
const Namespace = "http://www.w3.org/1999/xhtml"

// allowedElement is txt-1's element list: the basic formatting elements of
// HTML 4 chapters 7-11 and 15, <a> and images. It is the list the HL7
// reference validator and FHIRPath htmlChecks() use.
func allowedElement(local string) bool {
	switch local {
	case "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "a", "span", "b", "em", "i", "strong",
		"small", "big", "tt", "dfn", "q", "var", "abbr", "acronym", "cite", "blockquote", "hr",
		"address", "bdo", "kbd", "sub", "sup", "ul", "ol", "li", "dl", "dt", "dd", "pre", "table",
		"caption", "colgroup", "col", "thead", "tr", "tfoot", "tbody", "th", "td", "code", "samp",
		"img", "map", "area":
		return true
	}
	return false
}

// allowedAttribute is txt-1's attribute list, again as the reference
// validator has it: attributes allowed on any element, then
// element-specific ones. Namespace declarations are always allowed.
func allowedAttribute(elem, attr string) bool {
	if attr == "xmlns" || strings.HasPrefix(attr, "xmlns:") {
		return true
	}
	switch attr {
	case "title", "style", "class", "id", "lang", "xml:lang", "dir", "accesskey", "tabindex",
		// tables
		"span", "width", "align", "valign", "char", "charoff", "abbr", "axis", "headers", "scope",
		"rowspan", "colspan":
		return true
	}
	switch elem + "." + attr {
	case "a.href", "a.name", "a.charset", "a.type", "a.hreflang", "a.rel", "a.rev", "a.shape", "a.coords",
		"img.src", "img.border", "img.alt", "img.longdesc", "img.height", "img.width", "img.usemap", "img.ismap",
		"div.xmlns", "blockquote.cite", "q.cite", "map.name",
		"area.shape", "area.coords", "area.href", "area.nohref", "area.alt",
		"table.summary", "table.width", "table.border", "table.frame", "table.rules",
		"table.cellspacing", "table.cellpadding", "pre.space", "pre.xml:space", "td.nowrap":
		return true
	}
	return false
}

// whyElementNotAllowed explains the common cases.
func whyElementNotAllowed(local string) string {
	switch local {
	case "script", "noscript":
		return "scripts are not allowed in narrative"
	case "form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend":
		return "forms are not allowed in narrative"
	case "iframe", "frame", "frameset", "noframes", "object", "embed", "applet", "param":
		return "frames and embedded objects are not allowed in narrative"
	case "html", "head", "body", "title", "meta", "base", "link", "style":
		return "document structure, head elements and stylesheets are not allowed in narrative (use style attributes)"
	case "svg", "math":
		return "only XHTML elements are allowed in narrative"
	}
	return "only the basic HTML 4 formatting elements (p, div, span, b, i, table, ul, li, a, img, ...) are allowed in narrative"
}

// urlAttribute reports whether elem.attr holds a URL a browser may follow or load.
func urlAttribute(elem, attr string) bool {
	switch attr {
	case "href", "src", "cite", "longdesc", "usemap":
		return true
	}
	return false
}

// urlScheme returns the lower-cased scheme of a URL the way a browser sees
// it: ASCII whitespace and control characters anywhere in it are ignored
// (so "java&#9;script:" is "javascript"). "" means a relative reference.
func urlScheme(v string) string {
	var buf [16]byte
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c == 0x7f {
			continue
		}
		if c == ':' {
			if n == 0 {
				return ""
			}
			return string(buf[:n])
		}
		isSchemeChar := (c|0x20) >= 'a' && (c|0x20) <= 'z' || n > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')
		if !isSchemeChar || n == len(buf) {
			return ""
		}
		buf[n] = c | 0x20
		n++
	}
	return ""
}

// checkURL returns a reason when the URL in elem.attr can run script or
// smuggle a document: javascript:-like schemes anywhere, and data: URLs
// except images in img src.
func checkURL(elem, attr, value string) string {
	switch urlScheme(value) {
	case "javascript", "vbscript", "livescript", "mocha":
		return "script URLs are not allowed in narrative"
	case "data":
		if elem == "img" && attr == "src" && isImageDataURL(value) {
			return ""
		}
		return "data: URLs are only allowed for images (img src=\"data:image/...\")"
	}
	return ""
}

// isImageDataURL reports a data: URL of an image media type.
// Whitespace is ignored, as browsers do (R4's own examples write "data: image/png").
func isImageDataURL(v string) bool {
	const want = "data:image/"
	n := 0
	for i := 0; i < len(v) && n < len(want); i++ {
		c := v[i]
		if c <= ' ' || c == 0x7f {
			continue
		}
		if c|lowerBit(c) != want[n] {
			return false
		}
		n++
	}
	return n == len(want)
}

// safeImageDataURL is stricter, for Sanitize: raster image types only (no
// SVG) and no whitespace tricks.
func safeImageDataURL(v string) bool {
	for _, prefix := range []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/jpg", "data:image/webp", "data:image/bmp"} {
		if len(v) > len(prefix) && strings.EqualFold(v[:len(prefix)], prefix) && (v[len(prefix)] == ';' || v[len(prefix)] == ',') {
			return true
		}
	}
	return false
}

// checkStyle returns a rule and reason when an inline style can run script
// or load external content. CSS escapes and comments are undone first, so
// "u\72l(" and "exp/**/ression(" are seen for what they are.
func checkStyle(style string) (severity finding.Severity, why string) {
	css := normalizeCSS(style)
	for _, bad := range []string{"expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding", "@import"} {
		if strings.Contains(css, bad) {
			return finding.Error, "the style contains " + quoteText(bad) + ", which can run script or load external content"
		}
	}
	if externalCSSURL(css) {
		return finding.Warning, "the style loads a resource from another site (url(...)); narrative should be self-contained"
	}
	return 0, ""
}

// externalCSSURL reports a url(...) in normalized CSS that points at another
// site (absolute or protocol-relative). Relative images, as the tables that
// FHIR's tooling generates use, and data: URLs are not reported.
func externalCSSURL(css string) bool {
	for rest := css; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return false
		}
		arg := strings.TrimLeft(rest[i+4:], `"'`)
		if strings.HasPrefix(arg, "//") {
			return true
		}
		if scheme := urlScheme(arg); scheme != "" && scheme != "data" {
			return true
		}
		rest = rest[i+4:]
	}
}

// normalizeCSS lower-cases css, removes comments and whitespace, and decodes
// backslash escapes. It only allocates when the style is non-trivial.
func normalizeCSS(css string) string {
	var b strings.Builder
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			end := strings.Index(css[i+2:], "*/")
			if end < 0 {
				i = len(css)
			} else {
				i += 2 + end + 1
			}
		case c == '\\':
			// \hhhhhh (1-6 hex digits, one optional space) or \c
			j := i + 1
			v := 0
			for j < len(css) && j < i+7 && isHex(css[j]) {
				v = v*16 + hexVal(css[j])
				j++
			}
			if j > i+1 {
				if v > 0 && v < 0x80 {
					b.WriteByte(byte(v) | lowerBit(byte(v)))
				} else {
					b.WriteRune(rune(v))
				}
				if j < len(css) && isSpaceByte(css[j]) {
					j++
				}
				i = j - 1
			} else if j < len(css) {
				b.WriteByte(css[j] | lowerBit(css[j]))
				i = j
			}
		case isSpaceByte(c) || c == '\f':
		default:
			b.WriteByte(c | lowerBit(c))
		}
	}
	return b.String()
}

func lowerBit(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return 0x20
	}
	return 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

func hexVal(c byte) int {
	if c <= '9' {
		return int(c - '0')
	}
	return int(c|0x20-'a') + 10
}
