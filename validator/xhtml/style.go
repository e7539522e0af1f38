package xhtml

import "strings"

// cleanStyle keeps the declarations of an inline style that are plainly
// presentational, and drops the rest. See Sanitize.
func cleanStyle(style string) string {
	var b strings.Builder
	for _, decl := range strings.Split(style, ";") {
		prop, value, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		value = strings.TrimSpace(value)
		if !safeCSSProperty(prop) || !safeCSSValue(value) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(prop)
		b.WriteString(": ")
		b.WriteString(value)
	}
	// Belt and braces: never keep what Check would reject.
	if _, why := checkStyle(b.String()); why != "" {
		return ""
	}
	return b.String()
}

func safeCSSProperty(p string) bool {
	switch p {
	case "color", "background-color", "font-weight", "font-style", "font-size", "font-family",
		"font-variant", "text-align", "text-decoration", "text-transform", "text-indent",
		"vertical-align", "white-space", "line-height", "letter-spacing", "word-spacing",
		"border", "border-top", "border-bottom", "border-left", "border-right",
		"border-color", "border-style", "border-width", "border-collapse", "border-spacing",
		"padding", "padding-top", "padding-bottom", "padding-left", "padding-right",
		"margin", "margin-top", "margin-bottom", "margin-left", "margin-right",
		"width", "min-width", "max-width", "height", "min-height", "max-height",
		"list-style-type", "caption-side", "empty-cells", "table-layout":
		return true
	}
	return false
}

// safeCSSValue allows words, numbers with units, colours, commas, quotes for
// font names, and the colour functions rgb(), rgba(), hsl(), hsla().
func safeCSSValue(v string) bool {
	if v == "" || len(v) > 200 {
		return false
	}
	word := 0 // length of the identifier just before the current byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-':
			word++
			continue
		case c >= '0' && c <= '9' || c == '.' || c == '%' || c == '#' || c == ',' || c == ' ' || c == '\'' || c == '"' || c == ')':
		case c == '(':
			fn := strings.ToLower(v[i-word : i])
			if fn != "rgb" && fn != "rgba" && fn != "hsl" && fn != "hsla" {
				return false
			}
		default:
			return false
		}
		word = 0
	}
	return true
}
