package profile

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/structure"
)

// step is one segment of a discriminator path.
type step struct {
	kind stepKind
	arg  string // element name, extension url or type name
}

type stepKind uint8

const (
	stepName stepKind = iota
	stepExtension
	stepResolve
	stepOfType
)

// discriminator is one precompiled test that recognises a slice's items.
type discriminator struct {
	kind     string // value | pattern | exists | type | profile
	path     []step
	want     any // fixed or pattern value, for value/pattern
	exact    bool
	vs       string   // required binding, for value/pattern without a value
	exists   bool     // for exists
	types    []string // for type
	profiles []string // for profile
	usable   bool     // false when the profile gives nothing to compare: every item passes
}

// parsePath splits a discriminator path: names, $this, extension('url'),
// resolve() and ofType(T).
func parsePath(p string) ([]step, bool) {
	var out []step
	for p != "" {
		var seg string
		switch {
		case strings.HasPrefix(p, "extension('") || strings.HasPrefix(p, "extension(\""):
			q := p[len("extension(")]
			end := strings.IndexByte(p[len("extension('"):], q)
			if end < 0 {
				return nil, false
			}
			url := p[len("extension('") : len("extension('")+end]
			out = append(out, step{kind: stepExtension, arg: url})
			p = p[len("extension('")+end+1:]
			if !strings.HasPrefix(p, ")") {
				return nil, false
			}
			p = p[1:]
		case strings.HasPrefix(p, "resolve()"):
			out = append(out, step{kind: stepResolve})
			p = p[len("resolve()"):]
		case strings.HasPrefix(p, "ofType("):
			end := strings.IndexByte(p, ')')
			if end < 0 {
				return nil, false
			}
			out = append(out, step{kind: stepOfType, arg: strings.TrimSpace(p[len("ofType("):end])})
			p = p[end+1:]
		default:
			end := strings.IndexByte(p, '.')
			if end < 0 {
				end = len(p)
			}
			seg, p = p[:end], p[end:]
			if seg != "$this" && seg != "" {
				out = append(out, step{kind: stepName, arg: seg})
			}
		}
		p = strings.TrimPrefix(p, ".")
	}
	return out, true
}

// compileDiscriminators builds the tests of one slice of sliced.
func (s *Set) compileDiscriminators(sliced, sl *Elem) []discriminator {
	var out []discriminator
	for _, d := range sliced.Slicing.Discriminator {
		steps, ok := parsePath(d.Path)
		dc := discriminator{kind: d.Type, path: steps}
		if !ok {
			out = append(out, dc)
			continue
		}
		def, rest, viaResolve := s.definitionAt(sl, steps)
		if (d.Type == "value" || d.Type == "pattern") && len(sl.Types) == 1 && len(sl.Types[0].Profile) == 1 &&
			(def == nil || def.fixed == nil && def.pattern == nil) {
			// The value may be set in the profile the slice's type names
			// (a section library's slice, an extension definition).
			if _, e := s.typeTarget(sl.Types[0], 0); e != nil && e != sl {
				if d2, r2, v2 := s.definitionAt(e, steps); d2 != nil && (d2.fixed != nil || d2.pattern != nil) {
					def, rest, viaResolve = d2, r2, v2
				}
			}
		}
		switch d.Type {
		case "value", "pattern":
			if def != nil {
				v, exact := def.fixed, true
				if v == nil {
					v, exact = def.pattern, false
				}
				if v != nil {
					for _, st := range rest {
						v = valueAt(v, st.arg)
					}
				}
				switch {
				case v != nil:
					dc.want, dc.exact, dc.usable = v, exact && d.Type == "value", true
				case len(rest) == 0 && def.Max == 0:
					// Prohibited in this slice: the value must be absent.
					dc.kind, dc.exists, dc.usable = "exists", false, true
				case len(rest) == 0 && def.Def.Binding != nil && def.Def.Binding.Strength == "required":
					dc.vs, _, _ = strings.Cut(def.Def.Binding.ValueSet, "|")
					dc.usable = dc.vs != ""
				case len(rest) == 1 && rest[0].arg == "url" && len(def.Types) == 1 && def.Types[0].Code == "Extension" && len(def.Types[0].Profile) == 1:
					dc.want, dc.exact, dc.usable = def.Types[0].Profile[0], true, true
				}
			}
		case "exists":
			if def != nil && len(rest) == 0 {
				switch {
				case def.Min >= 1:
					dc.exists, dc.usable = true, true
				case def.Max == 0:
					dc.exists, dc.usable = false, true
				}
			}
		case "type":
			if def != nil && len(rest) == 0 {
				if viaResolve {
					for _, t := range def.Types {
						for _, tp := range t.TargetProfile {
							dc.types = append(dc.types, s.profileType(tp))
						}
					}
				} else if len(steps) == 0 && sl.Choice && strings.HasPrefix(sl.SliceName, sl.Name) && len(def.Types) != 1 {
					dc.types = []string{typeFromSliceName(sl)}
				} else {
					dc.types = def.typeCodes()
				}
				dc.usable = len(dc.types) > 0
			}
		case "profile":
			if def != nil && len(rest) == 0 {
				for _, t := range def.Types {
					if viaResolve {
						dc.profiles = append(dc.profiles, t.TargetProfile...)
					} else {
						dc.profiles = append(dc.profiles, t.Profile...)
					}
				}
				dc.usable = len(dc.profiles) > 0
			}
		}
		out = append(out, dc)
	}
	return out
}

// typeFromSliceName reads "Quantity" from the slice "valueQuantity" of value[x].
func typeFromSliceName(sl *Elem) string {
	return strings.TrimPrefix(sl.SliceName, sl.Name)
}

// profileType is the type a profile constrains ("Patient" for US Core
// Patient, the last segment for a core definition URL).
func (s *Set) profileType(url string) string {
	if p, err := s.Profile(url); err == nil && p != nil {
		return p.Type
	}
	u, _, _ := strings.Cut(url, "|")
	return u[strings.LastIndexByte(u, '/')+1:]
}

// definitionAt follows a discriminator path through the slice's element
// definitions. It returns the element reached, the steps left over when a
// fixed or pattern value was reached first (to be followed inside the
// value), and whether the path went through resolve().
func (s *Set) definitionAt(sl *Elem, steps []step) (def *Elem, rest []step, viaResolve bool) {
	cur := sl
	for i, st := range steps {
		switch st.kind {
		case stepResolve:
			if i == len(steps)-1 {
				return cur, nil, true
			}
			// Into the target profile.
			var next *Elem
			for _, t := range cur.Types {
				for _, tp := range t.TargetProfile {
					if p, err := s.Profile(tp); err == nil && p != nil {
						next = p.Root
					}
				}
			}
			if next == nil {
				return nil, nil, true
			}
			cur, viaResolve = next, true
		case stepOfType:
			// The type is checked on the instance; the definition stays.
		case stepExtension:
			ext := childNamed(cur, "extension")
			var found *Elem
			if ext != nil {
				for _, x := range ext.Slices {
					for _, t := range x.Types {
						for _, p := range t.Profile {
							if p == st.arg {
								found = x
							}
						}
					}
					if found == nil {
						if u := childNamed(x, "url"); u != nil && u.fixed == st.arg {
							found = x
						}
					}
				}
			}
			if found == nil {
				return nil, nil, viaResolve
			}
			cur = found
		case stepName:
			next := childNamed(cur, st.arg)
			if next == nil && len(cur.Children) == 0 && len(cur.Types) == 1 && len(cur.Types[0].Profile) == 1 {
				// Into the element a type profile points at.
				if _, e := s.typeTarget(cur.Types[0], 0); e != nil {
					cur = e
					next = childNamed(cur, st.arg)
				}
			}
			if next == nil {
				if cur.fixed != nil || cur.pattern != nil || len(cur.Children) == 0 {
					return cur, steps[i:], viaResolve
				}
				return nil, nil, viaResolve
			}
			cur = next
		}
	}
	return cur, nil, viaResolve
}

// childNamed finds a child definition by FHIRPath name ("value" for value[x]).
func childNamed(e *Elem, name string) *Elem {
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	if c, _ := e.child(name); c != nil {
		return c
	}
	return nil
}

// valueAt steps into a parsed JSON value by member name, through arrays.
func valueAt(v any, name string) any {
	switch x := v.(type) {
	case map[string]any:
		return x[name]
	case []any:
		if len(x) == 1 {
			return valueAt(x[0], name)
		}
	}
	return nil
}

// item is one value of an element in the instance.
type item struct {
	node  jsontree.ID
	key   string // the member's JSON key
	index int    // position in its array, -1 for a single value
	typ   string // its type, when the key or resourceType says
}

// navigate evaluates a discriminator path on an instance item.
func (r *run) navigate(start item, steps []step) []item {
	cur := []item{start}
	t := r.t
	for _, st := range steps {
		var next []item
		for _, it := range cur {
			n := it.node
			if n == jsontree.None || t.Kind(n) != jsontree.Object {
				if st.kind == stepOfType && it.typ == st.arg {
					next = append(next, it)
				}
				continue
			}
			switch st.kind {
			case stepName:
				for c := t.First(n); c != jsontree.None; c = t.Next(c) {
					k := t.Key(c)
					typ := ""
					if k != st.arg {
						if len(k) <= len(st.arg) || !strings.HasPrefix(k, st.arg) || k[len(st.arg)] < 'A' || k[len(st.arg)] > 'Z' {
							continue
						}
						typ = structure.TypeFromSuffix(k[len(st.arg):])
					}
					next = appendValues(t, next, c, k, typ)
				}
			case stepExtension:
				exts := t.Get(n, "extension")
				if exts == jsontree.None || t.Kind(exts) != jsontree.Array {
					continue
				}
				i := 0
				for x := t.First(exts); x != jsontree.None; x = t.Next(x) {
					if u := t.Get(x, "url"); u != jsontree.None && t.Kind(u) == jsontree.String && t.Str(u) == st.arg {
						next = append(next, item{node: x, key: "extension", index: i, typ: "Extension"})
					}
					i++
				}
			case stepResolve:
				if r.o.Resolve == nil {
					continue
				}
				ref := t.Get(n, "reference")
				if ref == jsontree.None || t.Kind(ref) != jsontree.String {
					continue
				}
				if target, ok := r.o.Resolve(n, t.Str(ref)); ok {
					next = append(next, item{node: target, index: -1, typ: resourceType(t, target)})
				}
			case stepOfType:
				if it.typ == st.arg || resourceType(t, n) == st.arg {
					next = append(next, it)
				}
			}
		}
		cur = next
	}
	return cur
}

// appendValues adds the value(s) of member c.
func appendValues(t *jsontree.Tree, out []item, c jsontree.ID, key, typ string) []item {
	if t.Kind(c) == jsontree.Array {
		i := 0
		for x := t.First(c); x != jsontree.None; x = t.Next(x) {
			out = append(out, item{node: x, key: key, index: i, typ: typ})
			i++
		}
		return out
	}
	return append(out, item{node: c, key: key, index: -1, typ: typ})
}

func resourceType(t *jsontree.Tree, n jsontree.ID) string {
	if n == jsontree.None || t.Kind(n) != jsontree.Object {
		return ""
	}
	if rt := t.Get(n, "resourceType"); rt != jsontree.None && t.Kind(rt) == jsontree.String {
		return t.Str(rt)
	}
	return ""
}

// matches reports whether an item belongs to slice sl.
func (r *run) matches(it item, sl *Elem) bool {
	if len(sl.disc) == 0 {
		// No discriminator: the item belongs to the slice when it conforms.
		return r.conforms(it, sl, nil)
	}
	for i := range sl.disc {
		d := &sl.disc[i]
		if !d.usable {
			continue
		}
		vals := r.navigate(it, d.path)
		ok := false
		switch d.kind {
		case "value", "pattern":
			for _, v := range vals {
				if d.vs != "" {
					if r.inValueSet(v, d.vs) {
						ok = true
					}
				} else if d.exact && equalValue(r.t, v.node, d.want) || !d.exact && matchPattern(r.t, v.node, d.want) {
					ok = true
				}
			}
		case "exists":
			ok = (len(vals) > 0) == d.exists
		case "type":
			for _, v := range vals {
				typ := v.typ
				if typ == "" {
					typ = resourceType(r.t, v.node)
				}
				if typ == "" && len(d.path) == 0 {
					typ = it.typ
				}
				for _, want := range d.types {
					if typ == want || typ == "" && len(d.types) == 1 {
						ok = true
					}
				}
			}
		case "profile":
			for _, v := range vals {
				for _, url := range d.profiles {
					if p, err := r.s.Profile(url); err == nil && p != nil {
						if r.conforms(v, p.Root, p) {
							ok = true
						}
					} else if resourceType(r.t, v.node) == r.s.profileType(url) {
						ok = true // a core definition: its type is what matters
					}
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// conforms validates an item quietly and reports whether it had no errors.
func (r *run) conforms(it item, e *Elem, p *Profile) bool {
	if r.depth > maxDepth {
		return false
	}
	saveQuiet, saveErrs, saveProf := r.quiet, r.errs, r.prof
	r.quiet, r.errs = true, 0
	if p != nil {
		r.prof = p
	}
	l := len(r.path)
	r.value(it, e)
	r.path = r.path[:l]
	ok := r.errs == 0
	r.quiet, r.errs, r.prof = saveQuiet, saveErrs, saveProf
	return ok
}
