package xhtml

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The only named entities XML knows without a DTD. HTML entities such as
// &nbsp; are not well-formed in FHIR narrative.
func predefinedEntity(name string) (string, bool) {
	switch name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return `"`, true
	case "apos":
		return "'", true
	}
	return "", false
}

// reference parses the character or entity reference at s[0] == '&'.
// It returns the replacement text, the length consumed, and a reason when
// the reference is malformed (then the replacement is "&" and n is 1).
func reference(s string) (repl string, n int, why string) {
	end := strings.IndexByte(s, ';')
	if end < 0 || end > 40 {
		return "&", 1, "'&' must start a reference such as &amp; or &#160; (write &amp; for a literal ampersand)"
	}
	body := s[1:end]
	if body == "" {
		return "&", 1, "empty reference '&;'"
	}
	if body[0] == '#' {
		var v uint64
		var err error
		if len(body) > 1 && body[1] == 'x' {
			v, err = strconv.ParseUint(body[2:], 16, 32)
		} else {
			v, err = strconv.ParseUint(body[1:], 10, 32)
		}
		if err != nil || body == "#" || body == "#x" {
			return "&", 1, "malformed character reference " + quoteText(s[:end+1])
		}
		r := rune(v)
		if !isXMLChar(r) {
			return "&", 1, "character reference " + quoteText(s[:end+1]) + " is not a character XML allows"
		}
		return string(r), end + 1, ""
	}
	if r, ok := predefinedEntity(body); ok {
		return r, end + 1, ""
	}
	if isName(body) {
		return "&", 1, "the entity " + quoteText(s[:end+1]) +
			" is not defined: narrative is XML, which only knows &lt; &gt; &amp; &quot; &apos; - use the character itself or a numeric reference (e.g. &#160; for &nbsp;)"
	}
	return "&", 1, "'&' must start a reference such as &amp; or &#160; (write &amp; for a literal ampersand)"
}

// decode replaces references in raw text or attribute values. Malformed
// references are kept literally. It does not allocate when raw has no '&'.
func decode(raw string) string {
	if strings.IndexByte(raw, '&') < 0 {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); {
		if raw[i] != '&' {
			j := strings.IndexByte(raw[i:], '&')
			if j < 0 {
				j = len(raw) - i
			}
			b.WriteString(raw[i : i+j])
			i += j
			continue
		}
		repl, n, _ := reference(raw[i:])
		b.WriteString(repl)
		i += n
	}
	return b.String()
}

// isXMLChar is the XML 1.0 Char production.
func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func isNameStart(r rune) bool {
	return r == ':' || r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') ||
		(r >= 0xC0 && r <= 0xD6) || (r >= 0xD8 && r <= 0xF6) || (r >= 0xF8 && r <= 0x2FF) ||
		(r >= 0x370 && r <= 0x37D) || (r >= 0x37F && r <= 0x1FFF) || (r >= 0x200C && r <= 0x200D) ||
		(r >= 0x2070 && r <= 0x218F) || (r >= 0x2C00 && r <= 0x2FEF) || (r >= 0x3001 && r <= 0xD7FF) ||
		(r >= 0xF900 && r <= 0xFDCF) || (r >= 0xFDF0 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0xEFFFF)
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == '-' || r == '.' || (r >= '0' && r <= '9') || r == 0xB7 ||
		(r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if i == 0 && !isNameStart(r) || i > 0 && !isNameChar(r) {
			return false
		}
	}
	return true
}

// quoteText renders a fragment for a message, shortened.
func quoteText(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		n := 0
		for i := range s {
			if n == max {
				s = s[:i] + "..."
				break
			}
			n++
		}
	}
	return "'" + s + "'"
}
