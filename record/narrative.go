package record

import (
	"encoding/xml"
	"io"
	"strings"

	"github.com/tidwall/gjson"
)

// narrativeOf returns the resource's narrative, or nil when it has none.
func (b *builder) narrativeOf(text gjson.Result) *Narrative {
	div := text.Get("div")
	if div.Type != gjson.String {
		return nil
	}
	return &Narrative{
		Status: text.Get("status").String(),
		Text:   narrativeText(div.String()),
		XHTML:  b.opts.SanitizeNarrative(div.String()),
	}
}

// blockElements end a line in the plain-text rendering.
var blockElements = map[string]bool{
	"p": true, "div": true, "br": true, "tr": true, "li": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"pre": true, "blockquote": true, "ul": true, "ol": true, "dt": true, "dd": true,
}

// narrativeText extracts readable plain text from XHTML. The result is only
// ever inserted as text, so it needs no escaping; script and style content
// is dropped so it never appears as prose.
func narrativeText(div string) string {
	dec := xml.NewDecoder(strings.NewReader(div))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var sb strings.Builder
	skip := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err != io.EOF && sb.Len() == 0 {
				return stripTags(div)
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if name == "script" || name == "style" {
				skip++
			}
			if blockElements[name] {
				sb.WriteByte('\n')
			}
			if name == "td" || name == "th" {
				sb.WriteString("  ")
			}
		case xml.EndElement:
			name := strings.ToLower(t.Name.Local)
			if (name == "script" || name == "style") && skip > 0 {
				skip--
			}
			if blockElements[name] {
				sb.WriteByte('\n')
			}
		case xml.CharData:
			if skip == 0 {
				sb.Write(t)
			}
		}
	}
	return tidyText(sb.String())
}

// stripTags is the fallback for markup the XML decoder rejects outright.
func stripTags(s string) string {
	var sb strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			sb.WriteByte(' ')
		case !in:
			sb.WriteRune(r)
		}
	}
	return tidyText(sb.String())
}

// tidyText collapses runs of spaces within lines and drops empty lines.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
