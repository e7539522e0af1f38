package definitions

import (
	"bytes"
	"encoding/binary"
	"regexp"
	"sort"
	"sync"

	"github.com/fhirlens/fhirlens/validator/internal/compact"
)

// The compact form is a binary stream (embedded uncompressed: the binary or
// wasm file carrying it is compressed as a whole, so a gzip layer of its own
// would only cost decode time at start-up):
//
//	magic "FHIRLENS-DEFS\x05"
//	string table: count and total length, the length of each string
//	(uvarints), then the strings' bytes
//	constraint table, constraint-list table, type-list table
//	FHIRVersion, types, profiles, value sets, code systems
//
// The element trees of profiles, the codes of value sets and the concepts of
// code systems are prefixed by their length in bytes, so that decoding can
// skip them until first use.
//
// All strings are string table indexes. Element paths are not stored: a
// child's path is its parent's path plus its name (with "[x]" for choices).
// Constraints are stored once in a table, since ele-1 and friends repeat on
// every element, and so are the lists of constraints and of types an element
// has: most elements share theirs with many others, and the decoded elements
// share them too (one slice each instead of a copy per element). List 0 of
// each table is the empty list.
// Everything is written in sorted-key and document order, so the same Set
// always encodes to the same bytes.
const compactMagic = "FHIRLENS-DEFS\x05"

// Element flag bits.
const (
	flagChoice = 1 << iota
	flagModifier
	flagSummary
	flagBinding
	flagContentRef
)

// Value set flag bits.
const (
	vsEnumerable = 1 << iota
	vsDisplays
)

// encodeRaw serialises the definitions validation needs: every type and
// profile, and the value sets bound from any element or named in a
// constraint (memberOf('…'), %vs-…). The output is uncompressed and
// byte-for-byte reproducible. The generator reaches it through
// validator/internal/compact (see generate.go).
func encodeRaw(s *Set, opt compact.Options) []byte {
	e := &compactEncoder{
		strIndex:  map[string]int{},
		conIndex:  map[Constraint]int{},
		conLists:  listTable{index: map[string]int{"": 0}, count: 1},
		typeLists: listTable{index: map[string]int{"": 0}, count: 1},
	}
	e.putStr(s.FHIRVersion)
	e.putUvarint(uint64(len(s.TypeNames)))
	for _, name := range s.TypeNames {
		e.putType(s.Types[name], false)
	}
	e.putUvarint(uint64(len(s.ProfileURLs)))
	for _, url := range s.ProfileURLs {
		e.putType(s.Profiles[url], true)
	}
	strength := compactValueSets(s, opt)
	urls := sortedKeys(strength)
	e.putUvarint(uint64(len(urls)))
	for _, url := range urls {
		codes, displays := opt.Keeps(strength[url])
		e.putValueSet(s.ValueSets[url], codes, displays)
	}
	var csURLs []string
	if opt.CodeSystems {
		for url, cs := range s.codeSystems {
			if cs.complete {
				csURLs = append(csURLs, url)
			}
		}
		sort.Strings(csURLs)
	}
	e.putUvarint(uint64(len(csURLs)))
	for _, url := range csURLs {
		e.putCodeSystem(s.codeSystems[url])
	}

	// Assemble: magic, string table, constraint table, body.
	var raw bytes.Buffer
	raw.WriteString(compactMagic)
	var tmp [binary.MaxVarintLen64]byte
	putU := func(v uint64) { raw.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	putU(uint64(len(e.strs)))
	total := 0
	for _, str := range e.strs {
		total += len(str)
	}
	putU(uint64(total))
	for _, str := range e.strs {
		putU(uint64(len(str)))
	}
	for _, str := range e.strs {
		raw.WriteString(str)
	}
	putU(uint64(len(e.cons)))
	raw.Write(e.conBody.Bytes())
	for _, t := range []*listTable{&e.conLists, &e.typeLists} {
		putU(uint64(t.count))
		raw.Write(t.body.Bytes())
	}
	raw.Write(e.body.Bytes())
	return raw.Bytes()
}

// compactValueSets chooses the value sets the compact form keeps, each with
// the binding strength that decides how much of it is kept.
func compactValueSets(s *Set, opt compact.Options) map[string]string {
	strength := referencedValueSets(s)
	for url := range strength {
		if s.ValueSets[url] == nil {
			delete(strength, url) // bound, but not in the package
		}
	}
	if opt.AllValueSets {
		for url := range s.ValueSets {
			if _, ok := strength[url]; !ok {
				strength[url] = "required"
			}
		}
	}
	return strength
}

var (
	// Compiled on first use, not at program start: only encoding needs
	// them, and start-up time counts in the browser.
	memberOfRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`memberOf\(\s*'([^']+)'\s*\)`) })
	vsVarRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`%vs-([A-Za-z0-9\-.]+)`) })
)

// referencedValueSets maps each value set URL used by the definitions to the
// strongest binding strength it is used with, or "constraint" when a
// constraint expression names it.
func referencedValueSets(s *Set) map[string]string {
	rank := map[string]int{"constraint": 0, "required": 1, "extensible": 2, "preferred": 3, "example": 4}
	out := map[string]string{}
	note := func(url, strength string) {
		url = stripVersion(url)
		if url == "" {
			return
		}
		r, ok := rank[strength]
		if !ok {
			r, strength = 5, "example"
		}
		if old, seen := out[url]; !seen || r < rank[old] {
			out[url] = strength
		}
	}
	var walk func(e *Element)
	walk = func(e *Element) {
		if e.Binding != nil {
			note(e.Binding.ValueSet, e.Binding.Strength)
		}
		for _, c := range e.Constraints {
			for _, m := range memberOfRe().FindAllStringSubmatch(c.Expression, -1) {
				note(m[1], "constraint")
			}
			for _, m := range vsVarRe().FindAllStringSubmatch(c.Expression, -1) {
				note("http://hl7.org/fhir/ValueSet/"+m[1], "constraint")
			}
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	for _, name := range s.TypeNames {
		if t := s.Types[name]; t.Root != nil {
			walk(t.Root)
		}
	}
	for _, url := range s.ProfileURLs {
		if t := s.Profile(url); t.Root != nil {
			walk(t.Root)
		}
	}
	return out
}

type compactEncoder struct {
	strs     []string
	strIndex map[string]int
	cons     []Constraint
	conIndex map[Constraint]int
	conBody  bytes.Buffer
	// conLists and typeLists hold the distinct constraint and type lists of
	// elements (see putElement).
	conLists  listTable
	typeLists listTable
	body      bytes.Buffer
	tmp       [binary.MaxVarintLen64]byte
}

// listTable numbers distinct encoded lists in order of first use. The empty
// list is number 0 and is not written.
type listTable struct {
	index map[string]int // encoded list -> number
	count int
	body  bytes.Buffer
}

// ref returns the number of the encoded list, adding it when new.
func (t *listTable) ref(encoded []byte) uint64 {
	i, ok := t.index[string(encoded)]
	if !ok {
		i = t.count
		t.count++
		t.index[string(encoded)] = i
		t.body.Write(encoded)
	}
	return uint64(i)
}

func (e *compactEncoder) putUvarint(v uint64) {
	e.body.Write(e.tmp[:binary.PutUvarint(e.tmp[:], v)])
}

func (e *compactEncoder) strRef(s string) uint64 {
	i, ok := e.strIndex[s]
	if !ok {
		i = len(e.strs)
		e.strs = append(e.strs, s)
		e.strIndex[s] = i
	}
	return uint64(i)
}

func (e *compactEncoder) putStr(s string) { e.putUvarint(e.strRef(s)) }

func (e *compactEncoder) putBool(b bool) {
	if b {
		e.body.WriteByte(1)
	} else {
		e.body.WriteByte(0)
	}
}

// putType writes a type or profile. A profile's element tree is prefixed
// by its number of elements and its length, so decoding can defer it.
func (e *compactEncoder) putType(t *Type, profile bool) {
	t.ready()
	e.putStr(t.Name)
	e.putStr(t.URL)
	e.putStr(t.Kind)
	e.putStr(t.Base)
	e.putStr(t.BaseURL)
	e.putStr(t.Derived)
	e.putBool(t.Abstract)
	e.putBool(t.Root != nil)
	if t.Root == nil {
		return
	}
	e.putStr(t.Root.Path)
	if !profile {
		e.putElement(t.Root)
		return
	}
	saved := e.body
	e.body = bytes.Buffer{}
	e.putElement(t.Root)
	tree := e.body
	e.body = saved
	e.putUvarint(uint64(countElements(t.Root)))
	e.putUvarint(uint64(tree.Len()))
	e.body.Write(tree.Bytes())
}

func countElements(e *Element) int {
	n := 1
	for _, c := range e.Children {
		n += countElements(c)
	}
	return n
}

func (e *compactEncoder) putElement(el *Element) {
	var flags uint64
	if el.Choice {
		flags |= flagChoice
	}
	if el.IsModifier {
		flags |= flagModifier
	}
	if el.IsSummary {
		flags |= flagSummary
	}
	if el.Binding != nil {
		flags |= flagBinding
	}
	if el.ContentRef != "" {
		flags |= flagContentRef
	}
	e.putUvarint(flags)
	e.putStr(el.Name)
	e.putUvarint(uint64(el.Min))
	e.putUvarint(uint64(el.Max + 1)) // -1 ("*") becomes 0
	e.putUvarint(e.typeListRef(el.Types))
	if el.ContentRef != "" {
		e.putStr(el.ContentRef)
	}
	if el.Binding != nil {
		e.putStr(el.Binding.Strength)
		e.putStr(el.Binding.ValueSet)
	}
	e.putUvarint(e.conListRef(el.Constraints))
	e.putUvarint(uint64(len(el.Children)))
	for _, c := range el.Children {
		e.putElement(c)
	}
}

// typeListRef numbers an element's type list: its length, then each type's
// code, profiles and target profiles.
func (e *compactEncoder) typeListRef(types []TypeRef) uint64 {
	if len(types) == 0 {
		return 0
	}
	var enc []byte
	enc = binary.AppendUvarint(enc, uint64(len(types)))
	appendStrs := func(list []string) {
		enc = binary.AppendUvarint(enc, uint64(len(list)))
		for _, s := range list {
			enc = binary.AppendUvarint(enc, e.strRef(s))
		}
	}
	for _, tr := range types {
		enc = binary.AppendUvarint(enc, e.strRef(tr.Code))
		appendStrs(tr.Profiles)
		appendStrs(tr.TargetProfiles)
	}
	return e.typeLists.ref(enc)
}

// conListRef numbers an element's constraint list: its length, then each
// constraint's number in the constraint table.
func (e *compactEncoder) conListRef(cons []Constraint) uint64 {
	if len(cons) == 0 {
		return 0
	}
	var enc []byte
	enc = binary.AppendUvarint(enc, uint64(len(cons)))
	for _, c := range cons {
		enc = binary.AppendUvarint(enc, e.conRef(c))
	}
	return e.conLists.ref(enc)
}

func (e *compactEncoder) conRef(c Constraint) uint64 {
	i, ok := e.conIndex[c]
	if !ok {
		i = len(e.cons)
		e.cons = append(e.cons, c)
		e.conIndex[c] = i
		put := func(v uint64) { e.conBody.Write(e.tmp[:binary.PutUvarint(e.tmp[:], v)]) }
		put(e.strRef(c.Key))
		put(e.strRef(c.Severity))
		put(e.strRef(c.Human))
		put(e.strRef(c.Expression))
		put(e.strRef(c.Source))
		if c.BestPractice {
			put(1)
		} else {
			put(0)
		}
	}
	return uint64(i)
}

func (e *compactEncoder) putValueSet(vs *ValueSet, codes, displays bool) {
	vs.ready()
	e.putStr(vs.URL)
	e.putStr(vs.Name)
	e.putStr(vs.Title)
	var flags uint64
	if vs.Enumerable && codes {
		flags |= vsEnumerable
		if displays {
			flags |= vsDisplays
		}
	}
	e.putUvarint(flags)
	e.putUvarint(uint64(len(vs.Systems)))
	for _, s := range vs.Systems {
		e.putStr(s)
	}
	if flags&vsEnumerable == 0 {
		return
	}
	// The codes, prefixed by their length so decoding can defer them. Code
	// systems: those of the compose, then any other the codes use, so each
	// code can name its system by a small index.
	saved := e.body
	e.body = bytes.Buffer{}
	systems := append([]string(nil), vs.Systems...)
	sysIndex := map[string]int{}
	for i, s := range systems {
		if _, dup := sysIndex[s]; !dup {
			sysIndex[s] = i
		}
	}
	for _, c := range vs.Codes {
		if _, ok := sysIndex[c.System]; !ok {
			sysIndex[c.System] = len(systems)
			systems = append(systems, c.System)
		}
	}
	e.putUvarint(uint64(len(systems) - len(vs.Systems)))
	for _, s := range systems[len(vs.Systems):] {
		e.putStr(s)
	}
	e.putUvarint(uint64(len(vs.Codes)))
	for _, c := range vs.Codes {
		e.putUvarint(uint64(sysIndex[c.System]))
		e.putStr(c.Code)
		if displays {
			e.putStr(c.Display)
		}
	}
	codeList := e.body
	e.body = saved
	e.putUvarint(uint64(codeList.Len()))
	e.body.Write(codeList.Bytes())
}

// putCodeSystem writes a complete code system: its URL, then, prefixed by
// their length so decoding can defer them, its concepts in pre-order, each
// with the number of its descendants so the hierarchy can be rebuilt.
func (e *compactEncoder) putCodeSystem(cs *codeSystem) {
	cs.ready()
	e.putStr(cs.url)
	saved := e.body
	e.body = bytes.Buffer{}
	e.putUvarint(uint64(len(cs.concepts)))
	for i, c := range cs.concepts {
		e.putStr(c.code)
		e.putStr(c.display)
		e.putUvarint(uint64(int(c.end) - i - 1))
		e.putUvarint(uint64(len(c.props)))
		for _, p := range c.props {
			e.putStr(p.code)
			e.putStr(p.value)
		}
	}
	concepts := e.body
	e.body = saved
	e.putUvarint(uint64(concepts.Len()))
	e.body.Write(concepts.Bytes())
}
