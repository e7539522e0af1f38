package definitions

import (
	"slices"
	"strings"
	"sync"
)

// codeSystem is a code system's concepts flattened in pre-order, so the
// descendants of concept i are exactly concepts[i+1 : concepts[i].end].
type codeSystem struct {
	url      string
	complete bool // content "complete": the package has every code
	concepts []csConcept
	byCode   map[string][]int32 // a code may sit under several parents

	// lazy, when set, fills concepts and byCode on first use (compact form).
	lazy    func(*codeSystem)
	once    sync.Once
	corrupt bool // set by lazy when the compact data is damaged
}

// ready decodes a lazily loaded code system; call before reading concepts.
func (cs *codeSystem) ready() {
	if cs.lazy != nil {
		cs.once.Do(func() { cs.lazy(cs) })
	}
}

type csConcept struct {
	code    string
	display string
	parent  string // code of the enclosing concept, "" at top level
	end     int32  // index after the last descendant
	props   []csProperty
}

type csProperty struct{ code, value string }

func newCodeSystem(raw *rawCodeSystem) *codeSystem {
	cs := &codeSystem{url: raw.URL, complete: raw.Content == "complete", byCode: map[string][]int32{}}
	var walk func(list []rawConcept, parent string)
	walk = func(list []rawConcept, parent string) {
		for i := range list {
			rc := &list[i]
			idx := int32(len(cs.concepts))
			c := csConcept{code: rc.Code, display: rc.Display, parent: parent}
			for _, p := range rc.Property {
				c.props = append(c.props, csProperty{code: p.Code, value: propertyValue(p)})
			}
			cs.concepts = append(cs.concepts, c)
			cs.byCode[rc.Code] = append(cs.byCode[rc.Code], idx)
			walk(rc.Concept, rc.Code)
			cs.concepts[idx].end = int32(len(cs.concepts))
		}
	}
	walk(raw.Concept, "")
	return cs
}

func propertyValue(p rawProperty) string {
	switch {
	case p.ValueCode != "":
		return p.ValueCode
	case p.ValueString != "":
		return p.ValueString
	case p.ValueBoolean != nil:
		if *p.ValueBoolean {
			return "true"
		}
		return "false"
	}
	return ""
}

func (cs *codeSystem) display(code string) string {
	cs.ready()
	if at := cs.byCode[code]; len(at) > 0 {
		return cs.concepts[at[0]].display
	}
	return ""
}

// codeSet is an ordered set of codes being built.
type codeSet struct {
	codes []Code
	seen  map[codeKey]bool
}

func (cs *codeSet) add(c Code) {
	if cs.seen == nil {
		cs.seen = map[codeKey]bool{}
	}
	k := codeKey{c.System, c.Code}
	if !cs.seen[k] {
		cs.seen[k] = true
		cs.codes = append(cs.codes, c)
	}
}

func (cs *codeSet) has(system, code string) bool { return cs.seen[codeKey{system, code}] }

// expander enumerates the value sets of one package against the code systems
// and value sets known so far.
type expander struct {
	s       *Set
	raw     map[string]*rawValueSet
	working map[string]bool // value sets being expanded, to break import cycles
}

func (s *Set) expandValueSets(list []*rawValueSet) {
	x := &expander{s: s, raw: map[string]*rawValueSet{}, working: map[string]bool{}}
	for _, r := range list {
		if _, dup := x.raw[r.URL]; !dup {
			x.raw[r.URL] = r
			delete(s.ValueSets, r.URL) // replaced by this package's version
		}
	}
	for _, r := range list {
		x.valueSet(r.URL)
	}
}

// valueSet returns the expanded value set, expanding it on first use. It
// returns nil for unknown value sets and for import cycles.
func (x *expander) valueSet(url string) *ValueSet {
	if vs := x.s.ValueSets[url]; vs != nil {
		vs.ready()
		return vs
	}
	r := x.raw[url]
	if r == nil || x.working[url] {
		return nil
	}
	x.working[url] = true
	defer delete(x.working, url)

	vs := &ValueSet{URL: r.URL, Name: r.Name, Title: r.Title}
	codes, systems, ok := x.compose(r)
	vs.Systems = systems
	if !ok && r.Expansion != nil && len(r.Expansion.Contains) > 0 {
		codes, ok = codeSet{}, true
		flattenContains(r.Expansion.Contains, &codes)
	}
	if ok {
		vs.Enumerable = true
		vs.Codes = codes.codes
	}
	x.s.ValueSets[url] = vs
	return vs
}

func flattenContains(list []rawContains, into *codeSet) {
	for _, c := range list {
		if c.Code != "" && !c.Abstract {
			into.add(Code{System: c.System, Code: c.Code, Display: c.Display})
		}
		flattenContains(c.Contains, into)
	}
}

// compose enumerates a value set's compose. ok is false when any part needs
// a code system or value set that is not available offline.
func (x *expander) compose(r *rawValueSet) (codes codeSet, systems []string, ok bool) {
	if r.Compose == nil {
		return codes, nil, false
	}
	ok = true
	addSystem := func(sys string) {
		if sys != "" && !slices.Contains(systems, sys) {
			systems = append(systems, sys)
		}
	}
	for _, inc := range r.Compose.Include {
		part, sys, partOK := x.include(&inc)
		for _, s := range sys {
			addSystem(s)
		}
		if !partOK {
			ok = false
			continue
		}
		for _, c := range part.codes {
			codes.add(c)
		}
	}
	var excluded codeSet
	for _, exc := range r.Compose.Exclude {
		part, sys, partOK := x.include(&exc)
		for _, s := range sys {
			addSystem(s)
		}
		if !partOK {
			ok = false // cannot tell what to leave out
			continue
		}
		for _, c := range part.codes {
			excluded.add(c)
		}
	}
	if !ok {
		return codeSet{}, systems, false
	}
	if len(excluded.codes) > 0 {
		var kept codeSet
		for _, c := range codes.codes {
			if !excluded.has(c.System, c.Code) {
				kept.add(c)
			}
		}
		codes = kept
	}
	return codes, systems, true
}

// include enumerates one include (or exclude) clause: the codes of its system
// part, intersected with every imported value set.
func (x *expander) include(inc *rawInclude) (codes codeSet, systems []string, ok bool) {
	var imported []*ValueSet
	for _, url := range inc.ValueSet {
		vs := x.valueSet(stripVersion(url))
		if vs == nil {
			return codeSet{}, systems, false
		}
		systems = append(systems, vs.Systems...)
		if !vs.Enumerable {
			return codeSet{}, systems, false
		}
		imported = append(imported, vs)
	}
	if inc.System != "" {
		systems = append(systems, inc.System)
		codes, ok = x.systemPart(inc)
		if !ok {
			return codeSet{}, systems, false
		}
	} else if len(imported) > 0 {
		for _, c := range imported[0].Codes {
			codes.add(c)
		}
		imported = imported[1:]
	} else {
		return codeSet{}, systems, false // neither system nor value set: malformed
	}
	for _, vs := range imported {
		var kept codeSet
		for _, c := range codes.codes {
			if vs.Contains(c.System, c.Code) {
				kept.add(c)
			}
		}
		codes = kept
	}
	return codes, systems, true
}

// systemPart enumerates the codes an include takes from its system: listed
// concepts, filtered concepts or the whole code system.
func (x *expander) systemPart(inc *rawInclude) (codeSet, bool) {
	var codes codeSet
	cs := x.s.codeSystems[inc.System]
	if len(inc.Concept) > 0 {
		// A list of codes is enumerable even when the code system is external.
		for _, c := range inc.Concept {
			d := c.Display
			if d == "" && cs != nil {
				d = cs.display(c.Code)
			}
			codes.add(Code{System: inc.System, Code: c.Code, Display: d})
		}
		return codes, len(inc.Filter) == 0
	}
	if cs == nil {
		return codes, false
	}
	cs.ready()
	if !cs.complete || cs.corrupt {
		return codes, false
	}
	selected := make([]bool, len(cs.concepts))
	for i := range selected {
		selected[i] = true
	}
	for _, f := range inc.Filter {
		match, ok := cs.filter(f)
		if !ok {
			return codes, false
		}
		for i := range selected {
			selected[i] = selected[i] && match[i]
		}
	}
	for i, c := range cs.concepts {
		if selected[i] {
			codes.add(Code{System: cs.url, Code: c.code, Display: c.display})
		}
	}
	return codes, true
}

// filter marks the concepts a compose filter selects; ok is false for
// filters that cannot be evaluated offline.
func (cs *codeSystem) filter(f rawFilter) (match []bool, ok bool) {
	match = make([]bool, len(cs.concepts))
	switch f.Op {
	case "is-a", "descendent-of", "is-not-a":
		if f.Property != "concept" && f.Property != "code" {
			return nil, false
		}
		for _, at := range cs.byCode[f.Value] {
			from := at
			if f.Op == "descendent-of" {
				from++
			}
			for i := from; i < cs.concepts[at].end; i++ {
				match[i] = true
			}
		}
		if f.Op == "is-not-a" {
			for i := range match {
				match[i] = !match[i]
			}
		}
		return match, true
	case "=":
		for i, c := range cs.concepts {
			switch f.Property {
			case "concept", "code":
				match[i] = c.code == f.Value
			case "parent":
				match[i] = c.parent == f.Value
			default:
				for _, p := range c.props {
					if p.code == f.Property && p.value == f.Value {
						match[i] = true
					}
				}
			}
		}
		return match, true
	case "in":
		if f.Property != "concept" && f.Property != "code" {
			return nil, false
		}
		for _, v := range strings.Split(f.Value, ",") {
			v = strings.TrimSpace(v)
			for _, at := range cs.byCode[v] {
				match[at] = true
			}
		}
		return match, true
	}
	return nil, false
}
