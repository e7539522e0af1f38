package jsontree

import (
	"bytes"
	"fmt"

	"github.com/fhirlens/fhirlens/validator/finding"
	"math"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The rules of the JSON text itself. Fatal ones stop the parse; the others
// (duplicate keys, a byte order mark, invalid UTF-8) are reported and
// parsing goes on.
var (
	RuleSyntax       = define("json.syntax", finding.Fatal, "the input is not well-formed JSON (RFC 8259)")
	RuleTrailing     = define("json.trailing", finding.Fatal, "more JSON (or other text) follows the end of the first JSON value")
	RuleDuplicateKey = define("json.duplicate-key", finding.Error, "an object repeats a member name")
	RuleBOM          = define("json.bom", finding.Warning, "the input starts with a byte order mark, which JSON text should not carry (RFC 8259 §8.1 lets readers ignore it, as the reference validator does)")
	RuleUTF8         = define("json.utf8", finding.Error, "a string holds bytes that are not UTF-8")
	RuleDepth        = define("json.depth", finding.Fatal, "the JSON nests deeper than the limit")
	RuleSize         = define("json.size", finding.Fatal, "the input is larger than the reader can address (2 GB)")
)

func define(id string, sev finding.Severity, summary string) string {
	return finding.Define(finding.Rule{ID: id, Code: "structure", Severity: sev, Summary: summary, Source: "JSON (RFC 8259) and FHIR JSON (json.html)"})
}

// nodeFinding is a finding of the parse with the node it concerns (None when
// it has none), located once the parse is over.
type nodeFinding struct {
	f    finding.Finding
	node ID
}

// Options bound the work a hostile document can cause.
type Options struct {
	MaxDepth int // nesting limit; 0 means DefaultMaxDepth
	// AllowComments accepts // and /* */ comments (JSON5 style) silently;
	// otherwise each is reported and skipped.
	AllowComments bool
}

// DefaultMaxDepth is far deeper than any real FHIR resource nests.
const DefaultMaxDepth = 512

// maxSize keeps offsets inside int32.
const maxSize = math.MaxInt32 - 1

// Parse reads data into a Tree. It returns the findings about the JSON text
// (rules Rule*), each located: offset, line, column and, when it concerns a
// node, the node's Expression. On a fatal finding the returned tree is nil
// and the last finding says where and why.
func Parse(data []byte, opts Options) (*Tree, []finding.Finding) {
	tree, fs := parse(data, opts)
	if len(fs) == 0 {
		return tree, nil
	}
	pos := tree
	if pos == nil {
		pos = &Tree{Data: data}
	}
	out := make([]finding.Finding, len(fs))
	for i, p := range fs {
		f := p.f
		f.Code, f.Resource = "structure", -1
		f.Line, f.Col = pos.Position(f.Offset)
		if tree != nil {
			n := p.node
			if n == None {
				n = tree.NodeAt(f.Offset)
			}
			f.Expression = tree.Expression(n)
		}
		out[i] = f
	}
	return tree, out
}

func parse(data []byte, opts Options) (*Tree, []nodeFinding) {
	p := parser{data: data, maxDepth: opts.MaxDepth, allowComments: opts.AllowComments}
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	if len(data) > maxSize {
		return nil, []nodeFinding{p.fatal(0, RuleSize, "input is larger than 2 GB")}
	}
	p.tree = &Tree{Data: data, nodes: make([]node, 0, nodeBound(data))}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.add(None, 0, RuleBOM, finding.Warning, "the input starts with a byte order mark (BOM): JSON text should not carry one (it is ignored)")
		p.pos = 3
	}
	ok := p.parseDocument()
	if !ok {
		return nil, p.findings
	}
	p.placeComments()
	return p.tree, p.findings
}

// nodeBound is an upper bound on the nodes of well-formed JSON data, so the
// node slice is allocated once instead of regrown (each regrowth copies
// every node so far: a 1M-entry bundle copied ~700 MB). Every value but the
// root is a member or an item, and the commas of a non-empty object or
// array number one less than its members or items, so
// members + items = commas + non-empty objects + non-empty arrays
// ≤ the ',', '{' and '[' outside strings. Input the parser recovers from (a
// missing comma) may exceed it and then grows the slice as before.
func nodeBound(data []byte) int {
	// Counting them everywhere is fast (vectorised); it is the bound unless
	// strings hold so many that it would reserve far more than FHIR needs
	// (more than one node per 8 bytes: a string of commas).
	if n := 1 + bytes.Count(data, []byte{','}) + bytes.Count(data, []byte{'{'}) + bytes.Count(data, []byte{'['}); n <= len(data)/8+4 {
		return n
	}
	n := 1
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case ',', '{', '[':
			n++
		case '"':
			// skip the string: to the next quote not escaped by an odd
			// number of backslashes
			for {
				j := bytes.IndexByte(data[i+1:], '"')
				if j < 0 {
					return n
				}
				i += j + 1
				k := i - 1
				for k >= 0 && data[k] == '\\' {
					k--
				}
				if (i-1-k)%2 == 0 {
					break
				}
			}
		}
	}
	return n
}

type parser struct {
	data     []byte
	pos      int
	tree     *Tree
	findings []nodeFinding
	maxDepth int
	depth    int
	failed   bool

	allowComments bool
	comments      []int // indexes in findings of reported comments
}

// recover records a syntax error the parser steps over (a missing or extra
// comma, a comment, a name or value without quotes), so that several can be
// reported in one pass, as the HL7 reference validator does.
func (p *parser) recover(offset int, format string, args ...any) {
	if len(p.findings) >= maxRecovered {
		p.fail(offset, format, args...)
		return
	}
	p.add(None, offset, RuleSyntax, finding.Error, fmt.Sprintf(format, args...))
}

// maxRecovered bounds the recovered errors of one document: past it, the
// next one stops the parse.
const maxRecovered = 1000

// placeComments ties each reported comment to the member that follows it
// (the reference validator's location for it): the first member whose
// value starts after the comment.
func (p *parser) placeComments() {
	nodes := p.tree.nodes
	for _, i := range p.comments {
		if i >= len(p.findings) {
			continue
		}
		off := int32(p.findings[i].f.Offset)
		k := sort.Search(len(nodes), func(k int) bool { return nodes[k].start > off })
		for ; k < len(nodes); k++ {
			if nodes[k].key >= 0 {
				p.findings[i].node = ID(k)
				break
			}
		}
	}
}

func (p *parser) add(n ID, offset int, rule string, sev finding.Severity, msg string) {
	p.findings = append(p.findings, nodeFinding{f: finding.Finding{Severity: sev, Rule: rule, Offset: offset, Message: msg}, node: n})
}

func (p *parser) fatal(offset int, rule, msg string) nodeFinding {
	return nodeFinding{f: finding.Finding{Severity: finding.Fatal, Rule: rule, Offset: offset, Message: msg}, node: None}
}

func (p *parser) fail(offset int, format string, args ...any) {
	p.failRule(offset, RuleSyntax, format, args...)
}

func (p *parser) failRule(offset int, rule, format string, args ...any) {
	if p.failed {
		return
	}
	p.failed = true
	p.findings = append(p.findings, p.fatal(offset, rule, fmt.Sprintf(format, args...)))
}

func (p *parser) parseDocument() bool {
	p.skipSpace()
	if p.pos >= len(p.data) {
		p.fail(p.pos, "the input is empty: expected a JSON object")
		return false
	}
	p.parseValue(-1, -1, -1, 0)
	if p.failed {
		return false
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		p.failRule(p.pos, RuleTrailing, "unexpected %s after the end of the JSON value", describe(p.data, p.pos))
		return false
	}
	return true
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		case '/':
			if !p.skipComment() {
				return
			}
		default:
			return
		}
	}
}

// skipComment steps over a // or /* */ comment at p.pos, reporting it unless
// comments are allowed; false when there is none.
func (p *parser) skipComment() bool {
	d := p.data
	if p.pos+1 >= len(d) || (d[p.pos+1] != '/' && d[p.pos+1] != '*') {
		return false
	}
	start := p.pos
	if d[p.pos+1] == '/' {
		for p.pos < len(d) && d[p.pos] != '\n' {
			p.pos++
		}
	} else {
		p.pos += 2
		for p.pos+1 < len(d) && !(d[p.pos] == '*' && d[p.pos+1] == '/') {
			p.pos++
		}
		if p.pos+1 >= len(d) {
			p.pos = start
			p.fail(start, "unterminated /* comment")
			return false
		}
		p.pos += 2
	}
	if !p.allowComments {
		p.comments = append(p.comments, len(p.findings))
		p.recover(start, "comments are not allowed in JSON")
	}
	return true
}

func isNameByte(c byte) bool {
	return c == '_' || c == '$' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// startsValue: the byte can begin a JSON value (or a bare word).
func startsValue(c byte) bool {
	return c == '{' || c == '[' || c == '"' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// parseValue appends the value at p.pos as a node and returns its index.
func (p *parser) parseValue(parent int32, key, keyEnd int32, keyFlags uint8) int32 {
	idx := int32(len(p.tree.nodes))
	p.tree.nodes = append(p.tree.nodes, node{start: int32(p.pos), key: key, keyEnd: keyEnd, next: -1, parent: parent, flags: keyFlags})
	if p.pos >= len(p.data) {
		p.fail(p.pos, "unexpected end of input: expected a value")
		return idx
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		p.parseObject(idx)
	case c == '[':
		p.parseArray(idx)
	case c == '"':
		p.tree.nodes[idx].kind = String
		start := p.pos
		p.pos++
		if p.scanString(start) {
			p.tree.nodes[idx].flags |= flagEscaped
		}
	case p.isWord("true"):
		p.literal(idx, "true", Bool)
		p.tree.nodes[idx].flags |= flagTrue
	case p.isWord("false"):
		p.literal(idx, "false", Bool)
	case p.isWord("null"):
		p.literal(idx, "null", Null)
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
		// A word without quotes: read it as a string and go on.
		start := p.pos
		for p.pos < len(p.data) && isNameByte(p.data[p.pos]) {
			p.pos++
		}
		p.tree.nodes[idx].kind = String
		p.tree.nodes[idx].flags |= flagBare
		if keyFlags&flagKeyEscaped == 0 && key >= 0 {
			p.recover(start, "the value '%s' of '%s' has no quotes around it", p.data[start:p.pos], p.data[key:keyEnd])
		} else {
			p.recover(start, "the value '%s' has no quotes around it", p.data[start:p.pos])
		}
	case c == '-' || (c >= '0' && c <= '9'):
		p.tree.nodes[idx].kind = Number
		p.scanNumber()
	default:
		p.fail(p.pos, "unexpected %s: expected a value", describe(p.data, p.pos))
	}
	p.tree.nodes[idx].end = int32(p.pos)
	return idx
}

// isWord: the keyword is at p.pos and not followed by more name bytes.
func (p *parser) isWord(w string) bool {
	end := p.pos + len(w)
	return end <= len(p.data) && string(p.data[p.pos:end]) == w && (end == len(p.data) || !isNameByte(p.data[end]))
}

func (p *parser) literal(idx int32, word string, kind Kind) {
	p.tree.nodes[idx].kind = kind
	if len(p.data)-p.pos >= len(word) && string(p.data[p.pos:p.pos+len(word)]) == word {
		p.pos += len(word)
		return
	}
	p.fail(p.pos, "unexpected %s: expected a value", describe(p.data, p.pos))
}

func (p *parser) enter() bool {
	p.depth++
	if p.depth > p.maxDepth {
		if !p.failed {
			p.failed = true
			p.findings = append(p.findings, p.fatal(p.pos, RuleDepth, fmt.Sprintf("the JSON nests deeper than %d levels", p.maxDepth)))
		}
		return false
	}
	return true
}

func (p *parser) parseObject(idx int32) {
	p.tree.nodes[idx].kind = Object
	if !p.enter() {
		return
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return
	}
	prev := int32(-1)
	var count int32
	for !p.failed {
		p.skipSpace()
		var keyStart, keyEnd, nameStart int
		var keyFlags uint8
		switch {
		case p.pos < len(p.data) && p.data[p.pos] == '"':
			keyStart = p.pos
			p.pos++
			if p.scanString(keyStart) {
				keyFlags = flagKeyEscaped
			}
			if p.failed {
				return
			}
			nameStart, keyEnd = keyStart+1, p.pos-1
		case p.pos < len(p.data) && isNameByte(p.data[p.pos]) && p.data[p.pos] != '-':
			// A name without quotes: take it and go on.
			keyStart = p.pos
			for p.pos < len(p.data) && isNameByte(p.data[p.pos]) {
				p.pos++
			}
			nameStart, keyEnd = keyStart, p.pos
			p.recover(keyStart, "the member name '%s' has no quotes around it", p.data[keyStart:keyEnd])
		default:
			p.fail(p.pos, "unexpected %s: expected a quoted member name", describe(p.data, p.pos))
			return
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			p.fail(p.pos, "unexpected %s: expected ':' after member name", describe(p.data, p.pos))
			return
		}
		p.pos++
		p.skipSpace()
		child := p.parseValue(idx, int32(nameStart), int32(keyEnd), keyFlags)
		if prev >= 0 {
			p.tree.nodes[prev].next = child
		}
		prev = child
		count++
		if p.failed {
			return
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			p.fail(p.pos, "unexpected end of input: expected ',' or '}'")
			return
		}
		switch c := p.data[p.pos]; {
		case c == ',':
			comma := p.pos
			p.pos++
			p.skipSpace()
			if p.pos < len(p.data) && p.data[p.pos] == '}' {
				p.recover(comma, "extra ',' at the end of an object")
				p.pos++
				p.tree.nodes[idx].count = count
				p.checkDuplicateKeys(idx)
				return
			}
		case c == '}':
			p.pos++
			p.tree.nodes[idx].count = count
			p.checkDuplicateKeys(idx)
			return
		case c == '"' || isNameByte(c) && c != '-':
			p.recover(p.pos, "missing ',' between object members")
		default:
			p.fail(p.pos, "unexpected %s: expected ',' or '}'", describe(p.data, p.pos))
			return
		}
	}
}

// checkDuplicateKeys reports each key that repeats an earlier one. Small
// objects (nearly all of FHIR) are compared pairwise without allocating.
func (p *parser) checkDuplicateKeys(obj int32) {
	t := p.tree
	n := t.nodes[obj].count
	if n < 2 {
		return
	}
	if n <= 24 {
		for a := t.First(ID(obj)); a != None; a = t.Next(a) {
			for b := t.First(ID(obj)); b != a; b = t.Next(b) {
				if t.Key(a) == t.Key(b) {
					p.duplicate(a)
					break
				}
			}
		}
		return
	}
	seen := make(map[string]struct{}, n)
	for a := t.First(ID(obj)); a != None; a = t.Next(a) {
		k := t.Key(a)
		if _, dup := seen[k]; dup {
			p.duplicate(a)
			continue
		}
		seen[k] = struct{}{}
	}
}

func (p *parser) duplicate(n ID) {
	p.add(n, p.tree.KeyOffset(n), RuleDuplicateKey, finding.Error,
		fmt.Sprintf("duplicate member name %q: JSON objects in FHIR must not repeat a name", p.tree.Key(n)))
}

func (p *parser) parseArray(idx int32) {
	p.tree.nodes[idx].kind = Array
	if !p.enter() {
		return
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return
	}
	prev := int32(-1)
	var count int32
	for !p.failed {
		p.skipSpace()
		child := p.parseValue(idx, -1, -1, 0)
		if prev >= 0 {
			p.tree.nodes[prev].next = child
		}
		prev = child
		count++
		if p.failed {
			return
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			p.fail(p.pos, "unexpected end of input: expected ',' or ']'")
			return
		}
		switch c := p.data[p.pos]; {
		case c == ',':
			comma := p.pos
			p.pos++
			p.skipSpace()
			if p.pos < len(p.data) && p.data[p.pos] == ']' {
				p.recover(comma, "extra ',' at the end of an array")
				p.pos++
				p.tree.nodes[idx].count = count
				return
			}
		case c == ']':
			p.pos++
			p.tree.nodes[idx].count = count
			return
		case startsValue(c):
			p.recover(p.pos, "missing ',' between array elements")
		default:
			p.fail(p.pos, "unexpected %s: expected ',' or ']'", describe(p.data, p.pos))
			return
		}
	}
}

// scanString moves past a string whose opening quote is at start and whose
// content begins at p.pos. It reports whether the string has escapes.
func (p *parser) scanString(start int) (escaped bool) {
	d := p.data
	for p.pos < len(d) {
		c := d[p.pos]
		switch {
		case c == '"':
			p.pos++
			return escaped
		case c == '\\':
			escaped = true
			if p.pos+1 >= len(d) {
				p.pos++
				continue
			}
			switch d[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				if p.pos+6 > len(d) || !isHex4(d[p.pos+2:p.pos+6]) {
					p.fail(p.pos, "invalid \\u escape in string: expected four hex digits")
					return escaped
				}
				p.pos += 6
			default:
				p.fail(p.pos, "invalid escape '\\%c' in string", d[p.pos+1])
				return escaped
			}
		case c < 0x20:
			p.fail(p.pos, "control character U+%04X must be escaped inside a JSON string", c)
			return escaped
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(d[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				p.add(None, p.pos, RuleUTF8, finding.Error, fmt.Sprintf("invalid UTF-8 byte 0x%02X in string: FHIR JSON must be UTF-8", c))
				size = 1
			}
			p.pos += size
		}
	}
	p.fail(start, "unterminated string: no closing quote before the end of input")
	return escaped
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// scanNumber checks the JSON number grammar strictly (no leading zeros, no
// trailing dot, no bare exponent).
func (p *parser) scanNumber() {
	d, start := p.data, p.pos
	if d[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(d) && d[p.pos] >= '0' && d[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	n := digits()
	if n == 0 {
		p.fail(start, "invalid number: expected a digit")
		return
	}
	if n > 1 && d[intStart] == '0' {
		p.fail(start, "invalid number %s: JSON numbers must not have leading zeros", d[start:p.pos])
		return
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			p.fail(start, "invalid number: expected a digit after the decimal point")
			return
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.fail(start, "invalid number: expected a digit in the exponent")
			return
		}
	}
}

// describe names the byte at pos for an error message.
func describe(d []byte, pos int) string {
	if pos >= len(d) {
		return "end of input"
	}
	c := d[pos]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("character '%c'", c)
	}
	r, _ := utf8.DecodeRune(d[pos:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02X", c)
	}
	return fmt.Sprintf("character %q", r)
}

// unescape decodes a string's content; it is only called on content that
// scanString accepted.
func unescape(raw []byte) string {
	out, _ := decode(raw, -1)
	return string(out)
}

// decode unescapes raw (a JSON string's content). With want >= 0 it stops at
// the token (character or escape) that produces decoded byte want and
// returns that token's index in raw (len(raw) when the string is shorter).
func decode(raw []byte, want int) (out []byte, at int) {
	out = make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		tok := i
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			out = append(out, c)
		} else {
			i++
			switch raw[i] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				if i+5 > len(raw) {
					return out, len(raw)
				}
				v, _ := strconv.ParseUint(string(raw[i+1:i+5]), 16, 32)
				r := rune(v)
				i += 4
				if utf16.IsSurrogate(r) && i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					if v2, err := strconv.ParseUint(string(raw[i+3:i+7]), 16, 32); err == nil {
						if dec := utf16.DecodeRune(r, rune(v2)); dec != utf8.RuneError {
							r = dec
							i += 6
						}
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				out = append(out, raw[i])
			}
		}
		if want >= 0 && len(out) > want {
			return out, tok
		}
	}
	return out, len(raw)
}
