package fhirpath

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokenKind classifies a lexical token.
type tokenKind uint8

const (
	tokEOF      tokenKind = iota
	tokIdent              // name or `delimited name`
	tokString             // 'text'
	tokNumber             // 12 or 1.5
	tokDateTime           // @2014-01-01T10:00 (also dates and times)
	tokVar                // $this, $index, $total
	tokConst              // %name, %`name`, %'name'
	tokOp                 // punctuation and symbolic operators
)

// token is one lexeme. text holds the decoded value for identifiers,
// strings and constants (quotes and escapes removed), the literal text
// otherwise.
type token struct {
	kind   tokenKind
	text   string
	pos    int  // byte offset in the source
	quoted bool // identifier was `delimited`, so never a keyword
}

// lexer turns the source into tokens on demand.
type lexer struct {
	src string
	pos int
}

// lexError is raised (via panic inside the parser) for malformed tokens.
func (l *lexer) fail(pos int, format string, args ...any) {
	panic(errorf(l.src, pos, format, args...))
}

func (l *lexer) skipSpaceAndComments() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "//"):
			end := strings.IndexByte(l.src[l.pos:], '\n')
			if end < 0 {
				l.pos = len(l.src)
			} else {
				l.pos += end + 1
			}
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				l.fail(l.pos, "unterminated comment")
			}
			l.pos += end + 4
		default:
			return
		}
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }
func isDigit(c byte) bool     { return c >= '0' && c <= '9' }

// next returns the next token.
func (l *lexer) next() token {
	l.skipSpaceAndComments()
	if l.pos >= len(l.src) {
		return token{kind: tokEOF, pos: l.pos}
	}
	start := l.pos
	c := l.src[l.pos]
	switch {
	case isIdentStart(c):
		for l.pos < len(l.src) && isIdentPart(l.src[l.pos]) {
			l.pos++
		}
		return token{kind: tokIdent, text: l.src[start:l.pos], pos: start}
	case c == '`':
		return token{kind: tokIdent, text: l.quoted('`'), pos: start, quoted: true}
	case c == '\'':
		return token{kind: tokString, text: l.quoted('\''), pos: start}
	case isDigit(c):
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
		// A '.' belongs to the number only when a digit follows: "1.abs()" is
		// an invocation on 1.
		if l.pos+1 < len(l.src) && l.src[l.pos] == '.' && isDigit(l.src[l.pos+1]) {
			l.pos++
			for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
				l.pos++
			}
		}
		return token{kind: tokNumber, text: l.src[start:l.pos], pos: start}
	case c == '@':
		return token{kind: tokDateTime, text: l.dateTime(), pos: start}
	case c == '$':
		l.pos++
		for l.pos < len(l.src) && isIdentPart(l.src[l.pos]) {
			l.pos++
		}
		name := l.src[start:l.pos]
		if name != "$this" && name != "$index" && name != "$total" {
			l.fail(start, "unknown variable %q (expected $this, $index or $total)", name)
		}
		return token{kind: tokVar, text: name, pos: start}
	case c == '%':
		l.pos++
		if l.pos >= len(l.src) {
			l.fail(start, "expected a constant name after %%")
		}
		switch d := l.src[l.pos]; {
		case d == '`' || d == '\'':
			return token{kind: tokConst, text: l.quoted(d), pos: start}
		case isIdentStart(d):
			// %vs-name and %ext-name allow '-' in the name.
			for l.pos < len(l.src) && (isIdentPart(l.src[l.pos]) || l.src[l.pos] == '-') {
				l.pos++
			}
			return token{kind: tokConst, text: l.src[start+1 : l.pos], pos: start}
		default:
			l.fail(start, "expected a constant name after %%")
		}
	}
	for _, op := range [...]string{"<=", ">=", "!=", "!~"} {
		if strings.HasPrefix(l.src[l.pos:], op) {
			l.pos += 2
			return token{kind: tokOp, text: op, pos: start}
		}
	}
	if strings.IndexByte(".,()[]{}+-*/|&=~<>", c) >= 0 {
		l.pos++
		return token{kind: tokOp, text: l.src[start:l.pos], pos: start}
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	l.fail(start, "unexpected character %q", r)
	return token{}
}

// quoted reads a delimited string or identifier starting at the delimiter
// and returns its decoded content.
func (l *lexer) quoted(delim byte) string {
	start := l.pos
	l.pos++
	var b strings.Builder
	for {
		if l.pos >= len(l.src) {
			l.fail(start, "unterminated %s", map[byte]string{'\'': "string", '`': "delimited identifier"}[delim])
		}
		c := l.src[l.pos]
		if c == delim {
			l.pos++
			return b.String()
		}
		if c != '\\' {
			b.WriteByte(c)
			l.pos++
			continue
		}
		if l.pos+1 >= len(l.src) {
			l.fail(l.pos, "unterminated escape")
		}
		e := l.src[l.pos+1]
		l.pos += 2
		switch e {
		case '\'', '"', '`', '\\', '/':
			b.WriteByte(e)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if l.pos+4 > len(l.src) {
				l.fail(l.pos-2, "bad unicode escape")
			}
			v, err := strconv.ParseUint(l.src[l.pos:l.pos+4], 16, 32)
			if err != nil {
				l.fail(l.pos-2, "bad unicode escape")
			}
			b.WriteRune(rune(v))
			l.pos += 4
		default:
			l.fail(l.pos-2, "unknown escape \\%c", e)
		}
	}
}

// dateTime reads @date, @dateTime or @Ttime literal text (without '@').
// The shape is checked when the literal is parsed into a value.
func (l *lexer) dateTime() string {
	l.pos++ // '@'
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isDigit(c) || c == '-' || c == ':' || c == 'T' || c == 'Z' {
			l.pos++
			continue
		}
		// '+' only as a time zone offset: digits follow and a time was seen.
		if c == '+' && strings.IndexByte(l.src[start:l.pos], 'T') >= 0 && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]) {
			l.pos++
			continue
		}
		// '.' only for fractional seconds: digit before and after.
		if c == '.' && l.pos > start && isDigit(l.src[l.pos-1]) && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]) &&
			strings.Count(l.src[start:l.pos], ":") == 2 {
			l.pos++
			continue
		}
		break
	}
	text := l.src[start:l.pos]
	// A '-' directly after the time part is a minus operator only when no
	// offset digits follow; offsets need "hh:mm", checked by the value parser.
	if text == "" {
		l.fail(start-1, "expected a date or time after @")
	}
	return text
}
