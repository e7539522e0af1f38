package definitions

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxCompactSize bounds the decompressed compact form, against gzip bombs.
const maxCompactSize = 256 << 20

// DecodeCompact reads the compact form of definitions (what R4 embeds,
// stu3.Data holds and the browser fetches as gen/*.bin), as it is or
// gzip-compressed. It never panics on malformed input; it returns an error
// instead.
func DecodeCompact(data []byte) (*Set, error) {
	if bytes.HasPrefix(data, []byte(compactMagic)) {
		return decodeRaw(string(data))
	}
	return decodeGzip(data)
}

// decodeGzip is DecodeCompact for gzip-compressed input.
func decodeGzip(gz []byte) (*Set, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("compact definitions: %w", err)
	}
	// The gzip trailer holds the uncompressed size (mod 2^32): read into one
	// buffer of that size instead of growing one.
	var buf bytes.Buffer
	if len(gz) >= 4 {
		if n := binary.LittleEndian.Uint32(gz[len(gz)-4:]); n <= maxCompactSize {
			buf.Grow(int(n) + 1)
		}
	}
	_, err = buf.ReadFrom(io.LimitReader(zr, maxCompactSize+1))
	raw := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("compact definitions: %w", err)
	}
	if len(raw) > maxCompactSize {
		return nil, errors.New("compact definitions: too large")
	}
	return decodeRaw(string(raw))
}

// decodeRaw is DecodeCompact for uncompressed input. Every string of the Set
// is a substring of raw, so the embedded form decodes without copying text.
func decodeRaw(raw string) (*Set, error) {
	if !strings.HasPrefix(raw, compactMagic) {
		return nil, errors.New("compact definitions: bad magic")
	}
	d := &compactDecoder{buf: raw, pos: len(compactMagic)}
	s, err := d.decode()
	if err != nil {
		return nil, fmt.Errorf("compact definitions: %w (at byte %d)", err, d.pos)
	}
	return s, nil
}

var errTruncated = errors.New("truncated or corrupt data")

type compactDecoder struct {
	buf  string
	pos  int
	err  error
	strs stringTable
	cons []Constraint
	// conLists and typeLists are the shared lists elements refer to by
	// number; number 0, the empty list, is nil.
	conLists  [][]Constraint
	typeLists [][]TypeRef

	// Slabs hand out the many small values in big blocks: far fewer
	// allocations, which matters most in the browser.
	elems       slab[Element]
	children    slab[*Element]
	constraints slab[Constraint]
	typeRefs    slab[TypeRef]
	strings     slab[string]
	lazyCodes   slab[lazyCodes]
	lazyTrees   slab[lazyTree]
	shared      *compactTables // see tables
	bindings    slab[Binding]
	paths       pathArena
}

type slab[T any] struct {
	free  []T
	block int // values per block; 0 means 1024
}

// pathArena builds element paths in big blocks instead of one allocation
// each. A strings.Builder's String shares its buffer, and writes within its
// capacity never move it, so the strings handed out stay valid.
type pathArena struct {
	b     strings.Builder
	block int // bytes per block; 0 means 64 KiB
}

// join returns parent + "." + name + suffix.
func (a *pathArena) join(parent, name, suffix string) string {
	n := len(parent) + 1 + len(name) + len(suffix)
	if a.b.Cap()-a.b.Len() < n {
		a.b = strings.Builder{}
		a.b.Grow(max(n, cmp.Or(a.block, 64<<10)))
	}
	start := a.b.Len()
	a.b.WriteString(parent)
	a.b.WriteByte('.')
	a.b.WriteString(name)
	a.b.WriteString(suffix)
	return a.b.String()[start:]
}

// take returns n zero values carved from the current block.
func (s *slab[T]) take(n int) []T {
	if n > len(s.free) {
		s.free = make([]T, max(n, cmp.Or(s.block, 1024)))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// uvarint reads an unsigned varint (encoding/binary's format).
func (d *compactDecoder) uvarint() uint64 {
	var v uint64
	for shift := uint(0); d.pos < len(d.buf) && shift < 64; shift += 7 {
		b := d.buf[d.pos]
		d.pos++
		if b < 0x80 {
			if shift == 63 && b > 1 {
				break // overflows 64 bits
			}
			return v | uint64(b)<<shift
		}
		v |= uint64(b&0x7f) << shift
	}
	d.fail()
	return 0
}

// count reads a length and checks it against the bytes left, each item
// taking at least one byte, so corrupt counts cannot force huge allocations.
func (d *compactDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.buf)-d.pos) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *compactDecoder) fail() {
	if d.err == nil {
		d.err = errTruncated
	}
}

func (d *compactDecoder) str() string {
	i := d.uvarint()
	s, ok := d.strs.at(i)
	if !ok {
		d.fail()
	}
	return s
}

// stringTable holds the compact form's strings as one blob and the end
// offset of each in it: strings are cut from the blob on use, and the
// offsets, free of pointers, cost the collector nothing.
type stringTable struct {
	ends []uint32
	blob string
}

// at returns string i, or false when there is none.
func (t stringTable) at(i uint64) (string, bool) {
	if i >= uint64(len(t.ends)) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.blob[start:t.ends[i]], true
}

func (d *compactDecoder) strList() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := d.strings.take(n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

// listRef reads a list number and returns that list of the table.
func listRef[T any](d *compactDecoder, table [][]T) []T {
	i := d.uvarint()
	if i >= uint64(len(table)) {
		d.fail()
		return nil
	}
	return table[i]
}

func (d *compactDecoder) flag() bool { return d.uvarint() != 0 }

func (d *compactDecoder) decode() (*Set, error) {
	// The string table: every string is a substring of the input.
	n := d.count()
	blobLen := d.uvarint()
	d.strs.ends = make([]uint32, n)
	end := uint64(0)
	for i := range d.strs.ends {
		l := d.uvarint()
		if l > blobLen-end { // (so the offsets never decrease)
			d.fail()
			break
		}
		end += l
		d.strs.ends[i] = uint32(end)
	}
	if d.err != nil || blobLen > uint64(len(d.buf)-d.pos) {
		d.fail()
		return nil, d.err
	}
	d.strs.blob = d.buf[d.pos : d.pos+int(blobLen)]
	d.pos += int(blobLen)

	d.cons = make([]Constraint, d.count())
	for i := range d.cons {
		d.cons[i] = Constraint{
			Key:          d.str(),
			Severity:     d.str(),
			Human:        d.str(),
			Expression:   d.str(),
			Source:       d.str(),
			BestPractice: d.flag(),
		}
	}

	d.conLists = make([][]Constraint, d.count())
	for i := 1; i < len(d.conLists) && d.err == nil; i++ {
		list := d.constraints.take(d.count())
		for j := range list {
			ci := d.uvarint()
			if ci >= uint64(len(d.cons)) {
				d.fail()
				break
			}
			list[j] = d.cons[ci]
		}
		d.conLists[i] = list
	}
	d.typeLists = make([][]TypeRef, d.count())
	for i := 1; i < len(d.typeLists) && d.err == nil; i++ {
		list := d.typeRefs.take(d.count())
		for j := range list {
			list[j] = TypeRef{Code: d.str(), Profiles: d.strList(), TargetProfiles: d.strList()}
		}
		d.typeLists[i] = list
	}
	if d.err != nil {
		return nil, d.err
	}

	// Everything was written in sorted key order: the key lists are
	// collected as they come instead of sorted again (see keysInOrder).
	s := &Set{FHIRVersion: d.str()}
	var added []*Type
	nTypes := d.count()
	s.Types = make(map[string]*Type, nTypes)
	s.TypeNames = make([]string, 0, nTypes)
	for range nTypes {
		if t := d.typ(false); t != nil {
			s.Types[t.Name] = t
			s.TypeNames = append(s.TypeNames, t.Name)
			added = append(added, t)
		}
	}
	nProfiles := d.count()
	s.Profiles = make(map[string]*Type, nProfiles)
	s.ProfileURLs = make([]string, 0, nProfiles)
	for range nProfiles {
		if t := d.typ(true); t != nil {
			s.Profiles[t.URL] = t
			s.ProfileURLs = append(s.ProfileURLs, t.URL)
		}
	}
	nVS := d.count()
	s.ValueSets = make(map[string]*ValueSet, nVS)
	s.ValueSetURLs = make([]string, 0, nVS)
	for range nVS {
		if vs := d.valueSet(); vs != nil {
			s.ValueSets[vs.URL] = vs
			s.ValueSetURLs = append(s.ValueSetURLs, vs.URL)
		}
	}
	if nCS := d.count(); nCS > 0 {
		s.codeSystems = make(map[string]*codeSystem, nCS)
		for range nCS {
			if cs := d.codeSystem(); cs != nil {
				s.codeSystems[cs.url] = cs
			}
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.pos != len(d.buf) {
		return nil, errors.New("trailing data")
	}
	s.TypeNames = keysInOrder(s.TypeNames, s.Types)
	s.ProfileURLs = keysInOrder(s.ProfileURLs, s.Profiles)
	s.ValueSetURLs = keysInOrder(s.ValueSetURLs, s.ValueSets)
	for _, t := range added {
		linkType(t)
	}
	return s, nil
}

// keysInOrder returns the keys of m sorted: keys, when it is exactly that
// (the encoder writes in sorted order), else a fresh sorted list (damaged
// data with duplicate or unordered keys).
func keysInOrder[V any](keys []string, m map[string]V) []string {
	if len(keys) != len(m) {
		return sortedKeys(m)
	}
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			return sortedKeys(m)
		}
	}
	return keys
}

// typ reads a type or profile. The element trees of profiles are prefixed
// by their length and element count, and decoded on first use (see
// Type.ready): most profiles are never used, and decoding runs at page load.
func (d *compactDecoder) typ(profile bool) *Type {
	t := &Type{
		Name:     d.str(),
		URL:      d.str(),
		Kind:     d.str(),
		Base:     d.str(),
		BaseURL:  d.str(),
		Derived:  d.str(),
		Abstract: d.flag(),
	}
	if d.flag() {
		path := d.str()
		if profile {
			count := d.count()
			n := d.count()
			if d.err != nil {
				return nil
			}
			t.lazy = &d.lazyTrees.take(1)[0]
			*t.lazy = lazyTree{tables: d.tables(), path: path, count: count, body: d.buf[d.pos : d.pos+n]}
			d.pos += n
		} else {
			t.Root = d.element(path, 0)
		}
	}
	if d.err != nil {
		return nil
	}
	return t
}

// compactTables are the tables the body of the compact form refers to, kept
// for decoding lazily.
type compactTables struct {
	strs      stringTable
	conLists  [][]Constraint
	typeLists [][]TypeRef
}

// tables returns the decoder's tables, shared by everything decoded lazily.
func (d *compactDecoder) tables() *compactTables {
	if d.shared == nil {
		d.shared = &compactTables{strs: d.strs, conLists: d.conLists, typeLists: d.typeLists}
	}
	return d.shared
}

// lazyTree is the still encoded element tree of a profile: its root's path,
// its number of elements and the encoded elements.
type lazyTree struct {
	tables *compactTables
	path   string
	count  int
	body   string
}

// decode returns the root element, or nil when the data is corrupt.
func (lz *lazyTree) decode() *Element {
	d := &compactDecoder{buf: lz.body, strs: lz.tables.strs, conLists: lz.tables.conLists, typeLists: lz.tables.typeLists}
	// Size the blocks to the tree: one profile needs far fewer than the
	// defaults, which suit decoding everything at once.
	block := min(lz.count, 1024) // (count comes from the data: bound it)
	d.elems.block, d.children.block, d.bindings.block, d.strings.block = block, block, 16, 16
	d.paths.block = 1 << 10
	root := d.element(lz.path, 0)
	if d.err != nil || d.pos != len(d.buf) {
		return nil
	}
	return root
}

// maxDepth bounds element nesting so corrupt data cannot exhaust the stack.
const maxDepth = 64

// element decodes an element and its children. The root's path is given;
// a child's path is its parent's path plus its name (see compact_encode.go).
func (d *compactDecoder) element(path string, depth int) *Element {
	if depth > maxDepth {
		d.fail()
		return nil
	}
	flags := d.uvarint()
	// The slab's elements are zero: set the fields one by one rather than
	// assign a whole Element, which copies a temporary of its full size.
	e := &d.elems.take(1)[0]
	e.Name = d.str()
	e.Min = int(d.uvarint())
	e.Max = int(d.uvarint()) - 1
	e.Choice = flags&flagChoice != 0
	e.IsModifier = flags&flagModifier != 0
	e.IsSummary = flags&flagSummary != 0
	if depth == 0 {
		e.Path = path
	} else if e.Choice {
		e.Path = d.paths.join(path, e.Name, "[x]")
	} else {
		e.Path = d.paths.join(path, e.Name, "")
	}
	e.Types = listRef(d, d.typeLists)
	if flags&flagContentRef != 0 {
		e.ContentRef = d.str()
	}
	if flags&flagBinding != 0 {
		e.Binding = &d.bindings.take(1)[0]
		*e.Binding = Binding{Strength: d.str(), ValueSet: d.str()}
	}
	e.Constraints = listRef(d, d.conLists)
	if nc := d.count(); nc > 0 {
		e.Children = d.children.take(nc)
		for i := range e.Children {
			c := d.element(e.Path, depth+1)
			if c == nil {
				return nil
			}
			e.Children[i] = c
		}
	}
	if d.err != nil {
		return nil
	}
	return e
}

// valueSet reads a value set's header and defers decoding its codes to first
// use (see ValueSet.ready): most value sets are never consulted, and
// decoding runs at page load.
func (d *compactDecoder) valueSet() *ValueSet {
	vs := &ValueSet{URL: d.str(), Name: d.str(), Title: d.str()}
	flags := d.uvarint()
	vs.Systems = d.strList()
	if flags&vsEnumerable != 0 {
		vs.Enumerable = true
		n := d.count()
		if d.err != nil {
			return nil
		}
		lazy := &d.lazyCodes.take(1)[0]
		*lazy = lazyCodes{body: d.buf[d.pos : d.pos+n], strs: d.strs, displays: flags&vsDisplays != 0}
		d.pos += n
		vs.lazy = lazy
	}
	if d.err != nil {
		return nil
	}
	return vs
}

// lazyCodes is the still encoded code list of a value set: the systems the
// codes use beyond the compose's, then the codes (see putValueSet).
type lazyCodes struct {
	body     string
	strs     stringTable
	displays bool
}

// decode returns the codes, or false when the data is corrupt.
func (lz *lazyCodes) decode(composeSystems []string) ([]Code, bool) {
	d := &compactDecoder{buf: lz.body, strs: lz.strs}
	systems := composeSystems
	if extra := d.count(); extra > 0 {
		systems = make([]string, len(composeSystems)+extra)
		copy(systems, composeSystems)
		for i := len(composeSystems); i < len(systems); i++ {
			systems[i] = d.str()
		}
	}
	codes := make([]Code, d.count())
	for i := range codes {
		si := d.uvarint()
		if si >= uint64(len(systems)) {
			return nil, false
		}
		codes[i] = Code{System: systems[si], Code: d.str()}
		if lz.displays {
			codes[i].Display = d.str()
		}
	}
	return codes, d.err == nil && d.pos == len(d.buf)
}

// codeSystem reads a code system's URL and defers decoding its concepts to
// first use: most are never needed, and decoding runs at page load.
func (d *compactDecoder) codeSystem() *codeSystem {
	cs := &codeSystem{url: d.str(), complete: true}
	n := d.count()
	if d.err != nil {
		return nil
	}
	body := d.buf[d.pos : d.pos+n]
	d.pos += n
	strs := d.strs
	cs.lazy = func(cs *codeSystem) {
		sub := &compactDecoder{buf: body, strs: strs}
		if !sub.concepts(cs) {
			// Corrupt data: behave as an unknown code system.
			cs.corrupt, cs.concepts, cs.byCode = true, nil, map[string][]int32{}
		}
	}
	return cs
}

func (d *compactDecoder) concepts(cs *codeSystem) bool {
	n := d.count()
	cs.concepts = make([]csConcept, n)
	cs.byCode = make(map[string][]int32, n)
	var open []int32 // ancestors of the current concept, innermost last
	for i := range cs.concepts {
		for len(open) > 0 && int(cs.concepts[open[len(open)-1]].end) <= i {
			open = open[:len(open)-1]
		}
		c := &cs.concepts[i]
		c.code = d.str()
		c.display = d.str()
		desc := d.uvarint()
		if desc > uint64(n-i-1) {
			return false
		}
		c.end = int32(i + 1 + int(desc))
		if len(open) > 0 {
			parent := &cs.concepts[open[len(open)-1]]
			if c.end > parent.end {
				return false
			}
			c.parent = parent.code
		}
		if np := d.count(); np > 0 {
			c.props = make([]csProperty, np)
			for j := range c.props {
				c.props[j] = csProperty{code: d.str(), value: d.str()}
			}
		}
		cs.byCode[c.code] = append(cs.byCode[c.code], int32(i))
		open = append(open, int32(i))
		if d.err != nil {
			return false
		}
	}
	return d.err == nil && d.pos == len(d.buf)
}
