// Package jsontree parses JSON in one pass into a compact, position-carrying
// tree: a flat slice of nodes in document order, with no map[string]any and no
// per-value allocation. Strings and keys are views into the input, which must
// not be modified while the tree is in use.
package jsontree

import (
	"bytes"
	"strconv"
	"strings"
	"unsafe"
)

// Kind is the JSON kind of a node.
type Kind uint8

const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Object
	Array
)

var kindNames = [...]string{"invalid", "null", "boolean", "number", "string", "object", "array"}

func (k Kind) String() string { return kindNames[k] }

// ID identifies a node of a Tree. None is the absent node.
type ID int32

// None is returned where no node exists.
const None ID = -1

const (
	flagEscaped    uint8 = 1 << iota // string value contains escapes
	flagKeyEscaped                   // member key contains escapes
	flagTrue                         // boolean value true
	flagBare                         // string value written without quotes (recovered syntax error)
)

// node is kept small: a 10 MB bundle has about a million of them.
type node struct {
	start  int32 // first byte of the value
	end    int32 // one past the last byte of the value
	key    int32 // first byte of the member key's content (after the quote), or -1
	keyEnd int32
	next   int32 // next sibling, or -1
	parent int32 // -1 for the root
	count  int32 // number of children (object members or array items)
	kind   Kind
	flags  uint8
}

// Tree is a parsed JSON document. Children of a node follow it directly in
// Nodes order (pre-order), so the first child of n is n+1.
type Tree struct {
	Data  []byte
	nodes []node
	pos   positions
	src   *sourceMap // set when the tree was built from another format (see SetSource)
}

// Root is the top-level value, or None for an empty tree.
func (t *Tree) Root() ID {
	if t == nil || len(t.nodes) == 0 {
		return None
	}
	return 0
}

// Len is the number of nodes in the tree.
func (t *Tree) Len() int { return len(t.nodes) }

func (t *Tree) Kind(n ID) Kind { return t.nodes[n].kind }
func (t *Tree) Parent(n ID) ID { return ID(t.nodes[n].parent) }
func (t *Tree) Count(n ID) int { return int(t.nodes[n].count) }
func (t *Tree) Next(n ID) ID   { return ID(t.nodes[n].next) }

// Offset is where n's value starts (in Source when the tree has one).
func (t *Tree) Offset(n ID) int {
	if t.src != nil {
		return t.src.lookup(t.nodes[n].start)
	}
	return int(t.nodes[n].start)
}

// End is one past n's value (in Source when the tree has one).
func (t *Tree) End(n ID) int {
	if t.src != nil {
		return t.src.lookup(t.nodes[n].end - 1)
	}
	return int(t.nodes[n].end)
}

// First is the first child of an object or array, or None.
func (t *Tree) First(n ID) ID {
	if t.nodes[n].count == 0 {
		return None
	}
	return n + 1
}

// Raw is the value's bytes as written (strings with their quotes).
func (t *Tree) Raw(n ID) []byte { nd := &t.nodes[n]; return t.Data[nd.start:nd.end] }

// HasKey reports whether n is an object member.
func (t *Tree) HasKey(n ID) bool { return t.nodes[n].key >= 0 }

// KeyOffset is the offset of the member key's opening quote, or the value
// offset for array items and the root.
func (t *Tree) KeyOffset(n ID) int {
	if t.nodes[n].key < 0 {
		return t.Offset(n)
	}
	if t.src != nil {
		return t.src.lookup(t.nodes[n].key - 1)
	}
	return int(t.nodes[n].key) - 1
}

// Key is the member name of n ("" for array items and the root).
func (t *Tree) Key(n ID) string {
	nd := &t.nodes[n]
	if nd.key < 0 {
		return ""
	}
	raw := t.Data[nd.key:nd.keyEnd]
	if nd.flags&flagKeyEscaped != 0 {
		return unescape(raw)
	}
	return view(raw)
}

// Str is the decoded value of a string node; for other kinds, its raw text.
func (t *Tree) Str(n ID) string {
	nd := &t.nodes[n]
	if nd.kind != String {
		return view(t.Data[nd.start:nd.end])
	}
	if nd.flags&flagBare != 0 {
		return view(t.Data[nd.start:nd.end])
	}
	raw := t.Data[nd.start+1 : nd.end-1]
	if nd.flags&flagEscaped != 0 {
		return unescape(raw)
	}
	return view(raw)
}

// Text is the decoded value of n when it is a string node, and "" when it
// is not (or is None): how a check reads an optional string member,
// t.Text(t.Get(obj, "id")).
func (t *Tree) Text(n ID) string {
	if n == None || t.Kind(n) != String {
		return ""
	}
	return t.Str(n)
}

// StrOffset is the offset (in Source) of byte i of string n's decoded value:
// where the character or escape that produced it is written, so a finding
// inside a string value (a narrative's tag) points at its own line and
// column. For a tree built from another format it is the string's offset.
func (t *Tree) StrOffset(n ID, i int) int {
	nd := &t.nodes[n]
	if t.src != nil || nd.kind != String || i < 0 {
		return t.Offset(n)
	}
	raw := t.Data[nd.start+1 : nd.end-1]
	if nd.flags&flagEscaped == 0 {
		return int(nd.start) + 1 + min(i, len(raw))
	}
	_, at := decode(raw, i)
	return int(nd.start) + 1 + at
}

// Bool is the value of a boolean node.
func (t *Tree) Bool(n ID) bool { return t.nodes[n].flags&flagTrue != 0 }

// Get is the first member of object obj named key, or None.
func (t *Tree) Get(obj ID, key string) ID {
	if obj < 0 || t.nodes[obj].kind != Object {
		return None
	}
	for c := t.First(obj); c != None; c = t.Next(c) {
		if t.Key(c) == key {
			return c
		}
	}
	return None
}

// Item is the i-th element of array arr, or None.
func (t *Tree) Item(arr ID, i int) ID {
	c := t.First(arr)
	for ; c != None && i > 0; i-- {
		c = t.Next(c)
	}
	return c
}

// Position converts a byte offset to a 1-based line and a 1-based column
// counted in characters. Calls with increasing offsets on one line (many
// issues on a minified file) resume counting where the last call stopped.
func (t *Tree) Position(offset int) (line, col int) {
	if t.src != nil {
		return t.src.pos.at(t.src.src, offset)
	}
	return t.pos.at(t.Data, offset)
}

// Line is the 1-based line of offset, without the cost of a column.
func (t *Tree) Line(offset int) int {
	if t.src != nil {
		return t.src.pos.line(t.src.src, offset) + 1
	}
	return t.pos.line(t.Data, offset) + 1
}

// positions maps offsets to lines and columns; built on first use.
type positions struct {
	lines                      []int32 // byte offsets of line starts
	lastOff, lastLine, lastCol int
	// marks holds, for long lines (minified JSON), the character count at
	// every markStride bytes, so a column costs at most one stride to count.
	marks map[int][]int32
}

const markStride = 256

func (p *positions) line(data []byte, offset int) int {
	if p.lines == nil {
		ls := make([]int32, 1, 1+len(data)/64)
		for i := 0; ; {
			j := bytes.IndexByte(data[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			ls = append(ls, int32(i))
		}
		p.lines = ls
		p.lastOff = -1
	}
	ls := p.lines
	lo, hi := 0, len(ls)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if int(ls[mid]) <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

func (p *positions) at(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	l := p.line(data, offset)
	from, c := int(p.lines[l]), 1
	if offset-from > markStride {
		m := p.lineMarks(data, l)
		k := min((offset-from)/markStride, len(m)-1)
		from, c = from+k*markStride, int(m[k])
	}
	if p.lastOff >= 0 && p.lastLine == l && p.lastOff <= offset && p.lastOff >= from {
		from, c = p.lastOff, p.lastCol
	}
	c += runeCount(data[from:offset])
	p.lastOff, p.lastLine, p.lastCol = offset, l, c
	return l + 1, c
}

// lineMarks returns the character counts (1-based column) at each stride
// of line l, computing them once.
func (p *positions) lineMarks(data []byte, l int) []int32 {
	if m, ok := p.marks[l]; ok {
		return m
	}
	start, end := int(p.lines[l]), len(data)
	if l+1 < len(p.lines) {
		end = int(p.lines[l+1])
	}
	m := []int32{1}
	for i := start; i+markStride <= end; i += markStride {
		m = append(m, m[len(m)-1]+int32(runeCount(data[i:i+markStride])))
	}
	if p.marks == nil {
		p.marks = map[int][]int32{}
	}
	p.marks[l] = m
	return m
}

// runeCount counts UTF-8 sequence starts; invalid bytes count as one each
// (close enough for a column) and nothing is allocated.
func runeCount(b []byte) int {
	n := 0
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// view makes a string sharing b's memory: the input is never modified while
// a tree is alive, and this keeps the walk free of per-value allocations.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// NodeAt is the innermost node whose value spans offset, or None.
func (t *Tree) NodeAt(offset int) ID {
	lo, hi := 0, len(t.nodes)-1
	if hi < 0 || int(t.nodes[0].start) > offset {
		return None
	}
	for lo < hi { // last node starting at or before offset (pre-order starts ascend)
		mid := (lo + hi + 1) / 2
		if int(t.nodes[mid].start) <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	n := ID(lo)
	for n != None && int(t.nodes[n].end) <= offset {
		n = t.Parent(n)
	}
	return n
}

// Expression is a FHIRPath-style location of node n from the tree alone
// (the root named by its resourceType, or "$root"): Patient.name[0].given,
// for findings made before or outside a walk that knows the definitions.
func (t *Tree) Expression(n ID) string {
	if n == None {
		return ""
	}
	var segs []string
	for ; n != None; n = t.Parent(n) {
		p := t.Parent(n)
		switch {
		case p == None:
			name := "$root"
			if rt := t.Get(n, "resourceType"); rt != None && t.Kind(rt) == String {
				name = t.Str(rt)
			}
			segs = append(segs, name)
		case t.Kind(p) == Array:
			i := 0
			for c := t.First(p); c != n && c != None; c = t.Next(c) {
				i++
			}
			segs = append(segs, "["+strconv.Itoa(i)+"]")
		default:
			segs = append(segs, "."+t.Key(n))
		}
	}
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		b.WriteString(segs[i])
	}
	return b.String()
}
