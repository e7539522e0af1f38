package xhtml

import (
	"strings"
	"unicode/utf8"
)

type tokenKind uint8

const (
	tokEOF     tokenKind = iota
	tokText              // character data; text is raw (references undecoded)
	tokStart             // start tag or empty-element tag (selfClosing)
	tokEnd               // end tag
	tokComment           // <!-- ... -->; text is the content
	tokCDATA             // <![CDATA[ ... ]]>; text is the content
	tokPI                // <? ... ?>
	tokDoctype           // <!DOCTYPE ...> or any other <! declaration
)

// attribute is one attribute of a start tag as written.
type attribute struct {
	name   string
	raw    string // value with references undecoded
	offset int    // where the attribute name starts
}

type token struct {
	kind        tokenKind
	name        string      // tag name as written (may have a prefix)
	attrs       []attribute // start tags only; valid until the next call
	selfClosing bool
	text        string
	offset      int // where the token starts
}

// tokenizer splits XML into tokens. It recovers from every syntax error
// (reporting it through report when that is set) so that the caller always
// sees a sensible token stream.
type tokenizer struct {
	s      string
	pos    int
	attrs  []attribute
	report func(offset int, msg string) // well-formedness findings; may be nil
}

func (t *tokenizer) fail(offset int, msg string) {
	if t.report != nil {
		t.report(offset, msg)
	}
}

func (t *tokenizer) next() token {
	s := t.s
	start := t.pos
	if start >= len(s) {
		return token{kind: tokEOF, offset: start}
	}
	if s[start] != '<' {
		end := strings.IndexByte(s[start:], '<')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		t.pos = end
		text := s[start:end]
		if i := strings.Index(text, "]]>"); i >= 0 {
			t.fail(start+i, "']]>' is not allowed in text (write ]]&gt;)")
		}
		return token{kind: tokText, text: text, offset: start}
	}
	rest := s[start:]
	switch {
	case strings.HasPrefix(rest, "<!--"):
		end := strings.Index(rest[4:], "-->")
		if end < 0 {
			t.fail(start, "comment is not closed with '-->'")
			t.pos = len(s)
			return token{kind: tokComment, text: rest[4:], offset: start}
		}
		body := rest[4 : 4+end]
		if i := strings.Index(body, "--"); i >= 0 || strings.HasSuffix(body, "-") {
			t.fail(start, "'--' is not allowed inside a comment")
		}
		t.pos = start + 4 + end + 3
		return token{kind: tokComment, text: body, offset: start}
	case strings.HasPrefix(rest, "<![CDATA["):
		end := strings.Index(rest[9:], "]]>")
		if end < 0 {
			t.fail(start, "CDATA section is not closed with ']]>'")
			t.pos = len(s)
			return token{kind: tokCDATA, text: rest[9:], offset: start}
		}
		t.pos = start + 9 + end + 3
		return token{kind: tokCDATA, text: rest[9 : 9+end], offset: start}
	case strings.HasPrefix(rest, "<!"):
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			t.fail(start, "declaration is not closed with '>'")
			t.pos = len(s)
			return token{kind: tokDoctype, text: rest, offset: start}
		}
		t.pos = start + end + 1
		return token{kind: tokDoctype, text: rest[:end+1], offset: start}
	case strings.HasPrefix(rest, "<?"):
		end := strings.Index(rest, "?>")
		if end < 0 {
			t.fail(start, "processing instruction is not closed with '?>'")
			t.pos = len(s)
			return token{kind: tokPI, text: rest, offset: start}
		}
		t.pos = start + end + 2
		return token{kind: tokPI, text: rest[:end+2], offset: start}
	case strings.HasPrefix(rest, "</"):
		name := readName(s, start+2)
		if name == "" {
			t.fail(start, "'</' must be followed by an element name (write &lt; for a literal '<')")
			t.pos = start + 1
			return token{kind: tokText, text: "<", offset: start}
		}
		p := skipSpace(s, start+2+len(name))
		if p < len(s) && s[p] == '>' {
			t.pos = p + 1
		} else {
			t.fail(start, "end tag </"+name+"> is not closed with '>'")
			t.pos = t.skipBrokenTag(p)
		}
		return token{kind: tokEnd, name: name, offset: start}
	}
	name := readName(s, start+1)
	if name == "" {
		t.fail(start, "'<' must start a tag (write &lt; for a literal '<')")
		t.pos = start + 1
		return token{kind: tokText, text: "<", offset: start}
	}
	tok := token{kind: tokStart, name: name, offset: start}
	t.attrs = t.attrs[:0]
	p := start + 1 + len(name)
	for {
		q := skipSpace(s, p)
		spaced := q > p
		p = q
		if p >= len(s) {
			t.fail(start, "start tag <"+name+"> is not closed with '>'")
			break
		}
		if s[p] == '>' {
			p++
			break
		}
		if strings.HasPrefix(s[p:], "/>") {
			tok.selfClosing = true
			p += 2
			break
		}
		an := readName(s, p)
		if an == "" {
			if s[p] == '<' {
				t.fail(start, "start tag <"+name+"> is not closed with '>'")
				break
			}
			t.fail(p, "unexpected "+quoteText(charAt(s, p))+" in start tag <"+name+">")
			p += len(charAt(s, p))
			continue
		}
		if !spaced {
			t.fail(p, "attributes must be separated by whitespace (at "+quoteText(an)+")")
		}
		at := attribute{name: an, offset: p}
		p = skipSpace(s, p+len(an))
		if p >= len(s) || s[p] != '=' {
			t.fail(at.offset, "attribute "+an+" on <"+name+"> has no value (XML requires "+an+"=\"...\")")
			t.addAttr(at, name)
			continue
		}
		p = skipSpace(s, p+1)
		switch {
		case p >= len(s):
			t.fail(at.offset, "attribute "+an+" on <"+name+"> has no value")
		case s[p] == '"' || s[p] == '\'':
			end := strings.IndexByte(s[p+1:], s[p])
			if end < 0 {
				t.fail(at.offset, "the value of attribute "+an+" is not closed")
				at.raw = s[p+1:]
				p = len(s)
			} else {
				at.raw = s[p+1 : p+1+end]
				p = p + 1 + end + 1
			}
			if i := strings.IndexByte(at.raw, '<'); i >= 0 {
				t.fail(at.offset, "'<' is not allowed in an attribute value (write &lt;)")
			}
		default:
			v := p
			for p < len(s) && !isSpaceByte(s[p]) && s[p] != '>' && !strings.HasPrefix(s[p:], "/>") {
				p++
			}
			at.raw = s[v:p]
			t.fail(at.offset, "the value of attribute "+an+" must be quoted")
		}
		t.addAttr(at, name)
	}
	t.pos = p
	tok.attrs = t.attrs
	return tok
}

func (t *tokenizer) addAttr(at attribute, elem string) {
	for _, a := range t.attrs {
		if a.name == at.name {
			t.fail(at.offset, "attribute "+at.name+" appears twice on <"+elem+">")
			return
		}
	}
	t.attrs = append(t.attrs, at)
}

// skipBrokenTag recovers from a malformed tag: continue after the next '>',
// unless a '<' comes first (then the next tag starts there).
func (t *tokenizer) skipBrokenTag(p int) int {
	for ; p < len(t.s); p++ {
		switch t.s[p] {
		case '>':
			return p + 1
		case '<':
			return p
		}
	}
	return p
}

// readName returns the XML name starting at s[p], or "".
func readName(s string, p int) string {
	i := p
	for i < len(s) {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if i == p && !isNameStart(r) || i > p && !isNameChar(r) {
			break
		}
		i += size
	}
	return s[p:i]
}

func skipSpace(s string, p int) int {
	for p < len(s) && isSpaceByte(s[p]) {
		p++
	}
	return p
}

// isSpaceByte is XML whitespace.
func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// charAt returns the UTF-8 sequence at s[i] (one byte when invalid).
func charAt(s string, i int) string {
	_, size := utf8.DecodeRuneInString(s[i:])
	return s[i : i+size]
}

// splitName splits "prefix:local".
func splitName(qname string) (prefix, local string) {
	if i := strings.IndexByte(qname, ':'); i >= 0 {
		return qname[:i], qname[i+1:]
	}
	return "", qname
}
