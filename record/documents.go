package record

import (
	"mime"
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
	"github.com/tidwall/gjson"
)

// passiveTypes are content types that cannot run script or load resources
// when shown as text, in an <img> or drawn to canvas by pdf.js. Anything else
// (HTML, SVG, XML, unknown) is "active" and never rendered in the page origin.
var passiveTypes = []string{
	"text/plain", "text/csv", "text/markdown", "application/json", "application/fhir+json",
	"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
}

func isActiveContent(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return true
	}
	for _, p := range passiveTypes {
		if mt == p {
			return false
		}
	}
	return true
}

// base64Len is the decoded length of base64 text, without decoding it.
func base64Len(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '=' || c == '\n' || c == '\r' || c == ' ' || c == '\t':
		default:
			n++
		}
	}
	return n * 3 / 4
}

func (b *builder) attachment(path string, a *fhir.Attachment) Attachment {
	out := Attachment{
		Path: path, ContentType: deref(a.ContentType), Language: deref(a.Language), Title: deref(a.Title),
		URL: deref(a.Url), Creation: deref(a.Creation), Size: a.Size,
	}
	if a.Data != nil {
		out.DataBytes = base64Len(*a.Data)
		if !b.opts.OmitAttachmentData {
			out.Data = *a.Data
		}
	}
	out.Active = isActiveContent(out.ContentType)
	return out
}

// decodeWithoutData decodes a resource whose attachments may carry megabytes
// of base64: the data strings are blanked in a copy first (the JSON decoder
// would otherwise validate and copy them), and returned as written.
func decodeWithoutData(it *item, v any, dataPaths []string) []string {
	raw := it.raw.Raw
	type span struct{ start, end int }
	var spans []span
	var data []string
	for _, p := range dataPaths {
		d := gjson.Get(raw, p)
		data = append(data, d.String())
		if d.Type == gjson.String && d.Index > 0 && len(d.Raw) > 2 {
			spans = append(spans, span{d.Index, d.Index + len(d.Raw)})
		}
	}
	if len(spans) == 0 {
		decodeCard(it, v)
		return data
	}
	var sb strings.Builder
	sb.Grow(len(raw))
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			continue
		}
		sb.WriteString(raw[last:sp.start])
		sb.WriteString(`""`)
		last = sp.end
	}
	sb.WriteString(raw[last:])
	it.card.Problems = append(it.card.Problems, decodeResource(gjson.Parse(sb.String()), v)...)
	return data
}

func (b *builder) describeDocumentReference(it *item) {
	var r fhir.DocumentReference
	var paths []string
	for i := range it.raw.Get("content").Array() {
		paths = append(paths, "content."+itoa(i)+".attachment.data")
	}
	data := decodeWithoutData(it, &r, paths)
	for i := range r.Content {
		if i < len(data) && r.Content[i].Attachment.Data != nil {
			r.Content[i].Attachment.Data = &data[i]
		}
	}
	c := it.card
	c.Section = "documents"
	c.Code = concept(r.Type)
	if c.Code != nil {
		c.Title = c.Code.Text
	}
	c.Title = firstNonEmpty(deref(r.Description), c.Title)
	c.Status = c.addCode(it.raw, "Status", "status", true)
	c.addCode(it.raw, "Document status", "docStatus", false)
	c.addFacts(conceptFact("Type", r.Type))
	c.addFacts(conceptsFact("Category", r.Category))
	c.add("Date", deref(r.Date))
	c.add("Description", deref(r.Description))
	c.addRefs("Author", "author")
	c.addRefs("Custodian", "custodian")
	if ctx := r.Context; ctx != nil {
		c.add("Period", periodText(ctx.Period))
		c.addRefs("Encounter", "context.encounter")
	}
	for i := range r.Content {
		c.Attachments = append(c.Attachments, b.attachment("content["+itoa(i)+"].attachment", &r.Content[i].Attachment))
	}
	c.setDate(it.raw, "date", "context.period.start")
}

func (b *builder) describeBinary(it *item) {
	var r fhir.Binary
	data := decodeWithoutData(it, &r, []string{"data"})
	if r.Data != nil {
		r.Data = &data[0]
	}
	c := it.card
	c.Section = "documents"
	ct := str(it.raw, "contentType")
	c.Title = "Binary " + firstNonEmpty(ct, "(no content type)")
	if ct == "" {
		c.Facts = append(c.Facts, Fact{Label: "Content type", Absent: "absent"})
	}
	a := fhir.Attachment{Data: r.Data}
	if ct != "" {
		a.ContentType = &ct
	}
	c.Attachments = append(c.Attachments, b.attachment("", &a))
}

func (b *builder) describeComposition(it *item) {
	var r fhir.Composition
	decodeCard(it, &r)
	c := it.card
	c.Section = "documents"
	c.Title = str(it.raw, "title")
	if it.raw.Get("type").Exists() {
		c.Code = concept(&r.Type)
		c.Title = firstNonEmpty(c.Title, c.Code.Text)
	}
	c.Status = c.addCode(it.raw, "Status", "status", true)
	if it.raw.Get("type").Exists() {
		c.addFacts(conceptFact("Type", &r.Type))
	}
	c.addCode(it.raw, "Date", "date", true)
	c.addRefs("Author", "author")
	c.addRefs("Custodian", "custodian")
	c.add("Sections", itoa(len(r.Section)))
	c.setDate(it.raw, "date")
}

// document builds the Composition view when the first resource of a Bundle
// is a Composition (a FHIR document).
func (b *builder) document() *Document {
	var it *item
	for _, c := range b.in.items {
		if c.fileKind == "bundle" && c.rtype == "Composition" && c.loc.Entry != nil && *c.loc.Entry == 0 {
			it = c
			break
		}
	}
	if it == nil {
		return nil
	}
	var r fhir.Composition
	decodeResource(it.raw, &r)
	d := &Document{
		CardKey:  it.key,
		Title:    code(it.raw, "title"),
		Status:   code(it.raw, "status"),
		Date:     code(it.raw, "date"),
		Authors:  []Ref{},
		Sections: []DocSection{},
	}
	if it.raw.Get("type").Exists() {
		d.Type = concept(&r.Type)
	}
	for _, ref := range it.card.References {
		switch {
		case ref.Path == "subject":
			rr := ref
			d.Subject = &rr
		case strings.HasPrefix(ref.Path, "author["):
			d.Authors = append(d.Authors, ref)
		}
	}
	d.Sections = b.docSections(it, it.raw.Get("section"), "section")
	return d
}

func (b *builder) docSections(it *item, sections gjson.Result, path string) []DocSection {
	out := []DocSection{}
	i := 0
	sections.ForEach(func(_, s gjson.Result) bool {
		p := path + "[" + itoa(i) + "]"
		i++
		var sec fhir.CompositionSection
		decode(s, &sec)
		ds := DocSection{Title: deref(sec.Title), Code: concept(sec.Code), EmptyReason: concept(sec.EmptyReason), Entries: []Ref{}}
		ds.Narrative = b.narrativeOf(s.Get("text"))
		for _, ref := range it.card.References {
			if strings.HasPrefix(ref.Path, p+".entry[") && !strings.Contains(ref.Path[len(p)+1:], "].") {
				ds.Entries = append(ds.Entries, ref)
			}
		}
		ds.Sections = b.docSections(it, s.Get("section"), p+".section")
		out = append(out, ds)
		return true
	})
	return out
}
