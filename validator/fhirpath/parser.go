package fhirpath

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxDepth bounds expression nesting so hostile input cannot overflow the
// stack; real invariants nest a few levels.
const maxDepth = 200

// Error is a compile or evaluation error. Offset is the byte offset in the
// expression source where the problem is (-1 when not tied to a position).
type Error struct {
	Source  string
	Offset  int
	Message string
}

func (e *Error) Error() string {
	if e.Offset < 0 {
		return e.Message
	}
	return fmt.Sprintf("%s (at offset %d)", e.Message, e.Offset)
}

// Caret renders the expression with a caret under the error position.
func (e *Error) Caret() string {
	if e.Offset < 0 || e.Source == "" {
		return e.Source
	}
	line := e.Source
	off := min(e.Offset, len(line))
	start := strings.LastIndexByte(line[:off], '\n') + 1
	end := strings.IndexByte(line[off:], '\n')
	if end < 0 {
		end = len(line)
	} else {
		end += off
	}
	col := len([]rune(line[start:off]))
	return line[start:end] + "\n" + strings.Repeat(" ", col) + "^"
}

func errorf(src string, pos int, format string, args ...any) *Error {
	return &Error{Source: src, Offset: pos, Message: fmt.Sprintf(format, args...)}
}

type parser struct {
	lex   lexer
	tok   token // current token
	depth int
}

// parse turns src into a syntax tree. Panics raised by the lexer and parser
// carry *Error values and are recovered here; nothing else panics.
func parse(src string) (n node, err error) {
	p := &parser{lex: lexer{src: src}}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			n, err = nil, e
		}
	}()
	p.advance()
	if p.tok.kind == tokEOF {
		p.fail(p.tok.pos, "empty expression")
	}
	n = p.expression(0)
	if p.tok.kind != tokEOF {
		p.fail(p.tok.pos, "unexpected %s after the end of the expression", p.describe())
	}
	return n, nil
}

func (p *parser) fail(pos int, format string, args ...any) {
	panic(errorf(p.lex.src, pos, format, args...))
}

func (p *parser) advance() { p.tok = p.lex.next() }

func (p *parser) describe() string {
	switch p.tok.kind {
	case tokEOF:
		return "end of expression"
	case tokString:
		return "string " + quoteString(p.tok.text, '\'')
	default:
		return strconv.Quote(p.lex.src[p.tok.pos:p.lex.pos])
	}
}

// isOp reports whether the current token is the operator or keyword s.
func (p *parser) isOp(s string) bool {
	switch p.tok.kind {
	case tokOp:
		return p.tok.text == s
	case tokIdent:
		return !p.tok.quoted && p.tok.text == s
	}
	return false
}

func (p *parser) expect(s string) {
	if !p.isOp(s) {
		p.fail(p.tok.pos, "expected %q, found %s", s, p.describe())
	}
	p.advance()
}

// binaryOp returns the operator at the current token with its strength.
func (p *parser) binaryOp() (string, int) {
	switch p.tok.kind {
	case tokOp:
		if pr, ok := binaryPrec[p.tok.text]; ok {
			return p.tok.text, pr
		}
	case tokIdent:
		if p.tok.quoted {
			return "", 0
		}
		if p.tok.text == "is" || p.tok.text == "as" {
			return p.tok.text, precType
		}
		if pr, ok := binaryPrec[p.tok.text]; ok {
			return p.tok.text, pr
		}
	}
	return "", 0
}

// expression parses operators binding at least as tightly as minPrec
// (precedence climbing; all binary operators are left-associative).
func (p *parser) expression(minPrec int) node {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok.pos, "expression nested too deeply (limit %d)", maxDepth)
	}
	defer func() { p.depth-- }()
	left := p.unary()
	for {
		op, pr := p.binaryOp()
		if pr == 0 || pr < minPrec {
			return left
		}
		at := p.tok.pos
		p.advance()
		if pr == precType {
			left = &typeNode{at: at, op: op, x: left, typ: p.typeSpecifier()}
			continue
		}
		right := p.expression(pr + 1)
		left = &binaryNode{at: at, op: op, l: left, r: right}
	}
}

func (p *parser) unary() node {
	if p.tok.kind == tokOp && (p.tok.text == "+" || p.tok.text == "-") {
		at, op := p.tok.pos, p.tok.text
		p.advance()
		p.depth++
		if p.depth > maxDepth {
			p.fail(at, "expression nested too deeply (limit %d)", maxDepth)
		}
		x := p.unary()
		p.depth--
		return &unaryNode{at: at, op: op, x: x}
	}
	return p.postfix(p.term())
}

func (p *parser) postfix(x node) node {
	for {
		switch {
		case p.isOp("."):
			p.advance()
			x = p.invocation(x)
		case p.isOp("["):
			at := p.tok.pos
			p.advance()
			idx := p.expression(0)
			p.expect("]")
			x = &indexNode{at: at, target: x, index: idx}
		default:
			return x
		}
	}
}

// invocation parses name or name(args) applied to target (nil = $this).
func (p *parser) invocation(target node) node {
	t := p.tok
	if t.kind != tokIdent {
		p.fail(t.pos, "expected a name after '.', found %s", p.describe())
	}
	p.advance()
	if !p.isOp("(") {
		if !t.quoted && keywords[t.text] && t.text != "contains" && t.text != "in" && t.text != "as" && t.text != "is" {
			p.fail(t.pos, "%q is a keyword, not a name (quote it as `%s`)", t.text, t.text)
		}
		return &memberNode{at: t.pos, target: target, name: t.text}
	}
	p.advance()
	var args []node
	if !p.isOp(")") {
		for {
			args = append(args, p.expression(0))
			if !p.isOp(",") {
				break
			}
			p.advance()
		}
	}
	p.expect(")")
	return &callNode{at: t.pos, target: target, name: t.text, args: args}
}

func (p *parser) term() node {
	t := p.tok
	switch t.kind {
	case tokEOF:
		p.fail(t.pos, "unexpected end of expression")
	case tokString:
		p.advance()
		return &literalNode{at: t.pos, value: String(t.text)}
	case tokNumber:
		p.advance()
		return p.number(t)
	case tokDateTime:
		p.advance()
		v, err := parseLiteralTemporal(t.text)
		if err != nil {
			p.fail(t.pos, "%v", err)
		}
		return &literalNode{at: t.pos, value: v}
	case tokVar:
		p.advance()
		return &varNode{at: t.pos, name: t.text}
	case tokConst:
		p.advance()
		return &constNode{at: t.pos, name: t.text}
	case tokIdent:
		if !t.quoted && (t.text == "true" || t.text == "false") {
			p.advance()
			return &literalNode{at: t.pos, value: Boolean(t.text == "true")}
		}
		return p.invocation(nil)
	case tokOp:
		switch t.text {
		case "(":
			p.advance()
			x := p.expression(0)
			p.expect(")")
			return &parenNode{at: t.pos, x: x}
		case "{":
			p.advance()
			p.expect("}")
			return &literalNode{at: t.pos}
		}
	}
	p.fail(t.pos, "unexpected %s", p.describe())
	return nil
}

// number parses an integer, decimal or quantity literal.
func (p *parser) number(t token) node {
	var num Value
	if strings.Contains(t.text, ".") {
		d, ok := parseDecimal(t.text)
		if !ok {
			p.fail(t.pos, "invalid number %s", t.text)
		}
		num = d
	} else {
		i, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil || i > math.MaxInt32 {
			// Out of Integer range: keep it exact as a decimal.
			d, _ := parseDecimal(t.text)
			num = d
		} else {
			num = Integer(i)
		}
	}
	// A quantity: number followed by a unit string or calendar keyword.
	unit := ""
	switch {
	case p.tok.kind == tokString:
		unit = p.tok.text // unknown units stay comparable to the same unit
	case p.tok.kind == tokIdent && !p.tok.quoted && isCalendarWord(p.tok.text):
		unit = calendarUnits[p.tok.text]
	default:
		return &literalNode{at: t.pos, value: num}
	}
	p.advance()
	var d Decimal
	switch v := num.(type) {
	case Integer:
		d = decimalFromInt(int64(v))
	case Decimal:
		d = v
	}
	return &literalNode{at: t.pos, value: Quantity{Value: d, Unit: unit}}
}

// typeSpecifier parses Name or Namespace.Name.
func (p *parser) typeSpecifier() typeSpec {
	t := p.tok
	if t.kind != tokIdent {
		p.fail(t.pos, "expected a type name, found %s", p.describe())
	}
	p.advance()
	if p.isOp(".") {
		p.advance()
		n := p.tok
		if n.kind != tokIdent {
			p.fail(n.pos, "expected a type name after %s., found %s", t.text, p.describe())
		}
		p.advance()
		return typeSpec{namespace: t.text, name: n.text}
	}
	return typeSpec{name: t.text}
}
