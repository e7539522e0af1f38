package fhirpath

import (
	"strconv"
	"strings"
)

// node is one expression of the syntax tree. Trees are immutable once
// parsed, so one compiled expression can be evaluated concurrently.
type node interface {
	// pos is the byte offset of the construct in the source, for errors.
	pos() int
	// write appends the canonical text of the node.
	write(b *strings.Builder)
	// prec is the binding strength, for minimal parentheses when printing.
	prec() int
}

// Binding strengths, loosest first, as in the FHIRPath grammar.
const (
	precImplies = iota + 1
	precOr
	precAnd
	precMembership
	precEquality
	precInequality
	precUnion
	precType
	precAdditive
	precMultiplicative
	precUnary
	precPostfix // invocation and indexer
	precTerm
)

var binaryPrec = map[string]int{
	"implies": precImplies, "or": precOr, "xor": precOr, "and": precAnd,
	"in": precMembership, "contains": precMembership,
	"=": precEquality, "~": precEquality, "!=": precEquality, "!~": precEquality,
	"<": precInequality, ">": precInequality, "<=": precInequality, ">=": precInequality,
	"|": precUnion, "+": precAdditive, "-": precAdditive, "&": precAdditive,
	"*": precMultiplicative, "/": precMultiplicative, "div": precMultiplicative, "mod": precMultiplicative,
}

// literalNode is a constant: {}, a boolean, number, string, date/time or quantity.
type literalNode struct {
	at    int
	value Value      // nil for the empty collection {}
	coll  Collection // the value as a collection (len == cap, shared)
}

// memberNode is navigation to a child by name; target nil means $this.
type memberNode struct {
	at     int
	target node
	name   string
}

// callNode is a function invocation; target nil means the input is $this.
type callNode struct {
	at     int
	target node
	name   string
	args   []node
	fn     *function // resolved at compile time
	typ    *typeSpec // the type argument of is/as/ofType
}

// indexNode is target[index].
type indexNode struct {
	at            int
	target, index node
}

// unaryNode is +x or -x.
type unaryNode struct {
	at int
	op string
	x  node
}

// binaryNode is l op r.
type binaryNode struct {
	at   int
	op   string
	l, r node
}

// typeNode is "x is T" or "x as T".
type typeNode struct {
	at  int
	op  string
	x   node
	typ typeSpec
}

// varNode is $this, $index or $total.
type varNode struct {
	at   int
	name string
}

// constNode is an environment constant: %resource, %ucum, %vs-name...
type constNode struct {
	at   int
	name string
}

// parenNode keeps explicit parentheses (needed for "(-1).abs()" style
// expressions to print back the same way).
type parenNode struct {
	at int
	x  node
}

// typeSpec names a type: namespace "FHIR" or "System", or empty when
// unqualified (resolved against FHIR first, then System).
type typeSpec struct {
	namespace string
	name      string
}

func (t typeSpec) String() string {
	var b strings.Builder
	if t.namespace != "" {
		writeIdent(&b, t.namespace)
		b.WriteByte('.')
	}
	writeIdent(&b, t.name)
	return b.String()
}

func (n *literalNode) pos() int { return n.at }
func (n *memberNode) pos() int  { return n.at }
func (n *callNode) pos() int    { return n.at }
func (n *indexNode) pos() int   { return n.at }
func (n *unaryNode) pos() int   { return n.at }
func (n *binaryNode) pos() int  { return n.at }
func (n *typeNode) pos() int    { return n.at }
func (n *varNode) pos() int     { return n.at }
func (n *constNode) pos() int   { return n.at }
func (n *parenNode) pos() int   { return n.at }

func (n *literalNode) prec() int { return precTerm }
func (n *memberNode) prec() int {
	if n.target == nil {
		return precTerm
	}
	return precPostfix
}
func (n *callNode) prec() int {
	if n.target == nil {
		return precTerm
	}
	return precPostfix
}
func (n *indexNode) prec() int  { return precPostfix }
func (n *unaryNode) prec() int  { return precUnary }
func (n *binaryNode) prec() int { return binaryPrec[n.op] }
func (n *typeNode) prec() int   { return precType }
func (n *varNode) prec() int    { return precTerm }
func (n *constNode) prec() int  { return precTerm }
func (n *parenNode) prec() int  { return precTerm }

// writeOperand prints x, parenthesised when it binds looser than min.
func writeOperand(b *strings.Builder, x node, min int) {
	if x.prec() < min {
		b.WriteByte('(')
		x.write(b)
		b.WriteByte(')')
		return
	}
	x.write(b)
}

func (n *literalNode) write(b *strings.Builder) {
	if n.value == nil {
		b.WriteString("{}")
		return
	}
	b.WriteString(literalText(n.value))
}

func (n *memberNode) write(b *strings.Builder) {
	if n.target != nil {
		writeOperand(b, n.target, precPostfix)
		b.WriteByte('.')
	}
	writeIdent(b, n.name)
}

func (n *callNode) write(b *strings.Builder) {
	if n.target != nil {
		writeOperand(b, n.target, precPostfix)
		b.WriteByte('.')
	}
	writeIdent(b, n.name)
	b.WriteByte('(')
	for i, a := range n.args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.write(b)
	}
	b.WriteByte(')')
}

func (n *indexNode) write(b *strings.Builder) {
	writeOperand(b, n.target, precPostfix)
	b.WriteByte('[')
	n.index.write(b)
	b.WriteByte(']')
}

func (n *unaryNode) write(b *strings.Builder) {
	b.WriteString(n.op)
	writeOperand(b, n.x, precUnary)
}

func (n *binaryNode) write(b *strings.Builder) {
	p := n.prec()
	writeOperand(b, n.l, p)
	b.WriteByte(' ')
	b.WriteString(n.op)
	b.WriteByte(' ')
	writeOperand(b, n.r, p+1) // operators are left-associative
}

func (n *typeNode) write(b *strings.Builder) {
	writeOperand(b, n.x, precType)
	b.WriteByte(' ')
	b.WriteString(n.op)
	b.WriteByte(' ')
	b.WriteString(n.typ.String())
}

func (n *varNode) write(b *strings.Builder) { b.WriteString(n.name) }

func (n *constNode) write(b *strings.Builder) {
	b.WriteByte('%')
	if isPlainConstName(n.name) {
		b.WriteString(n.name)
		return
	}
	b.WriteString(quoteString(n.name, '`'))
}

func (n *parenNode) write(b *strings.Builder) {
	b.WriteByte('(')
	n.x.write(b)
	b.WriteByte(')')
}

// keywords cannot be used as plain identifiers.
var keywords = map[string]bool{
	"and": true, "or": true, "xor": true, "implies": true, "div": true, "mod": true,
	"in": true, "contains": true, "is": true, "as": true, "true": true, "false": true,
}

// nameKeywords may still be used as names (the grammar's identifier rule).
var nameKeywords = map[string]bool{"as": true, "contains": true, "in": true, "is": true}

func writeIdent(b *strings.Builder, name string) {
	plain := name != "" && isIdentStart(name[0]) && (!keywords[name] || nameKeywords[name])
	for i := 0; plain && i < len(name); i++ {
		plain = isIdentPart(name[i])
	}
	if plain {
		b.WriteString(name)
		return
	}
	b.WriteString(quoteString(name, '`'))
}

func isPlainConstName(name string) bool {
	if name == "" || !isIdentStart(name[0]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isIdentPart(c) && c != '-' {
			return false
		}
	}
	return true
}

// quoteString writes s between delim with FHIRPath escapes.
func quoteString(s string, delim byte) string {
	var b strings.Builder
	b.WriteByte(delim)
	for _, r := range s {
		switch r {
		case rune(delim), '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				b.WriteString(`\u`)
				h := strconv.FormatInt(int64(r), 16)
				b.WriteString(strings.Repeat("0", 4-len(h)) + h)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte(delim)
	return b.String()
}
