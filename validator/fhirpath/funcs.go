package fhirpath

import (
	"sort"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// function is one entry of the function table. impl receives the input
// collection (the target, or the focus for an implicit invocation), the
// focus for evaluating ordinary arguments, and the frame.
type function struct {
	name     string
	min, max int
	// typeArg marks is/as/ofType, whose argument is a type name.
	typeArg bool
	impl    func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection
}

// functions is filled in init to break the initialization cycle through eval.
var functions map[string]*function

func register(name string, min, max int, impl func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection) {
	functions[name] = &function{name: name, min: min, max: max, impl: impl}
}

func init() {
	functions = map[string]*function{}
	registerCore()
	registerConversion()
	registerStrings()
	registerMath()
	registerFHIR()
}

// call evaluates a function invocation.
func (ev *evaluator) call(c *callNode, focus Collection, fr *frame) Collection {
	in := focus
	if c.target != nil {
		if ev.env.Strict {
			switch c.name {
			case "first", "last", "tail", "skip", "take":
				ev.checkOrdered(c, c.target)
			}
		}
		in = ev.eval(c.target, focus, fr)
	}
	out := c.fn.impl(ev, c, in, focus, fr)
	ev.spend(c, len(out))
	return out
}

// arg evaluates an ordinary argument against the focus of the invocation.
func (ev *evaluator) arg(c *callNode, i int, focus Collection, fr *frame) Collection {
	if i >= len(c.args) {
		return nil
	}
	return ev.eval(c.args[i], focus, fr)
}

// lambda evaluates argument i with $this bound to item.
func (ev *evaluator) lambda(c *callNode, i int, item Value, index int, fr *frame) Collection {
	ev.spend(c, 0)
	sub := &frame{this: item, index: index, total: fr.total, hasTotal: fr.hasTotal}
	return ev.eval(c.args[i], Collection{item}, sub)
}

// single returns the only item of c (nil when empty); more is an error.
func (ev *evaluator) single(c *callNode, in Collection) Value {
	switch len(in) {
	case 0:
		return nil
	case 1:
		return in[0]
	}
	ev.fail(c, "%s() needs a single input item, got %d", c.name, len(in))
	return nil
}

// singleArg evaluates argument i to at most one primitive value.
func (ev *evaluator) singleArg(c *callNode, i int, focus Collection, fr *frame) Value {
	a := ev.arg(c, i, focus, fr)
	if len(a) > 1 {
		ev.fail(c.args[i], "argument %d of %s() must be a single item, got %d", i+1, c.name, len(a))
	}
	if len(a) == 0 || valueless(a[0]) {
		return nil
	}
	return ev.primitive(a[0])
}

func (ev *evaluator) intArg(c *callNode, i int, focus Collection, fr *frame) (int64, bool) {
	v := ev.singleArg(c, i, focus, fr)
	if v == nil {
		return 0, false
	}
	n, ok := v.(Integer)
	if !ok {
		ev.fail(c.args[i], "argument %d of %s() must be an integer, got %s", i+1, c.name, typeLabel(v))
	}
	return int64(n), true
}

func registerCore() {
	register("empty", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return boolColl(len(in) == 0)
	})
	register("exists", 0, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		if len(c.args) == 0 {
			return boolColl(len(in) > 0)
		}
		for i, v := range in {
			if ev.toTruth(c.args[0], ev.lambda(c, 0, v, i, fr)) == trueT {
				return boolColl(true)
			}
		}
		return boolColl(false)
	})
	register("all", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		for i, v := range in {
			if ev.toTruth(c.args[0], ev.lambda(c, 0, v, i, fr)) != trueT {
				return boolColl(false)
			}
		}
		return boolColl(true)
	})
	boolAgg := func(name string, want bool, all bool) {
		register(name, 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
			for _, v := range in {
				b, ok := ev.primitive(v).(Boolean)
				if !ok {
					ev.fail(c, "%s() needs booleans, got %s", name, typeLabel(v))
				}
				if all && bool(b) != want {
					return boolColl(false)
				}
				if !all && bool(b) == want {
					return boolColl(true)
				}
			}
			return boolColl(all)
		})
	}
	boolAgg("allTrue", true, true)
	boolAgg("anyTrue", true, false)
	boolAgg("allFalse", false, true)
	boolAgg("anyFalse", false, false)
	register("subsetOf", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		other := ev.setOf(ev.arg(c, 0, focus, fr))
		for _, v := range in {
			if !other.has(v) {
				return boolColl(false)
			}
		}
		return boolColl(true)
	})
	register("supersetOf", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		other := ev.arg(c, 0, focus, fr)
		set := ev.setOf(in)
		for _, v := range other {
			if !set.has(v) {
				return boolColl(false)
			}
		}
		return boolColl(true)
	})
	register("count", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return Collection{Integer(len(in))}
	})
	register("distinct", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return ev.union(in, nil)
	})
	register("isDistinct", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return boolColl(len(ev.union(in, nil)) == len(in))
	})
	register("where", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		var out Collection
		for i, v := range in {
			if ev.toTruth(c.args[0], ev.lambda(c, 0, v, i, fr)) == trueT {
				out = append(out, v)
			}
		}
		return out
	})
	register("select", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		var out Collection
		for i, v := range in {
			out = append(out, ev.lambda(c, 0, v, i, fr)...)
			ev.spend(c, 0)
		}
		return out
	})
	register("repeat", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		var out Collection
		seen := newSeenSet(ev)
		queue := in
		for len(queue) > 0 {
			var next Collection
			for i, v := range queue {
				for _, r := range ev.lambda(c, 0, v, i, fr) {
					// Cycle-safe: an item already produced is not expanded again.
					if seen.add(ev, r) {
						out = append(out, r)
						next = append(next, r)
					}
				}
				ev.spend(c, len(next))
			}
			queue = next
		}
		return out
	})
	register("ofType", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		var out Collection
		for _, v := range in {
			if ev.asType(v, *c.typ) {
				out = append(out, v)
			}
		}
		return out
	})
	functions["ofType"].typeArg = true
	register("is", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		if v == nil {
			return nil
		}
		return boolColl(ev.isType(v, *c.typ))
	})
	functions["is"].typeArg = true
	register("as", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		// The spec wants an error for several items, but R4's dom-3 applies
		// as() to descendants(), so as() filters like ofType().
		var out Collection
		for _, v := range in {
			if ev.asType(v, *c.typ) {
				out = append(out, v)
			}
		}
		return out
	})
	functions["as"].typeArg = true
	register("single", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		if v := ev.single(c, in); v != nil {
			return Collection{v}
		}
		return nil
	})
	register("first", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		if len(in) == 0 {
			return nil
		}
		return in[:1:1]
	})
	register("last", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		if len(in) == 0 {
			return nil
		}
		return Collection{in[len(in)-1]}
	})
	register("tail", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		if len(in) <= 1 {
			return nil
		}
		return in[1:]
	})
	register("skip", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		n, ok := ev.intArg(c, 0, focus, fr)
		if !ok {
			return nil
		}
		if n <= 0 {
			return in
		}
		if n >= int64(len(in)) {
			return nil
		}
		return in[n:]
	})
	register("take", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		n, ok := ev.intArg(c, 0, focus, fr)
		if !ok || n <= 0 {
			return nil
		}
		if n >= int64(len(in)) {
			return in
		}
		return in[:n:n]
	})
	register("intersect", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		other := ev.setOf(ev.arg(c, 0, focus, fr))
		seen := newItemSet(ev, len(in))
		var out Collection
		for _, v := range in {
			if other.has(v) && seen.add(v) {
				out = append(out, v)
			}
		}
		return out
	})
	register("exclude", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		other := ev.setOf(ev.arg(c, 0, focus, fr))
		var out Collection
		for _, v := range in {
			if !other.has(v) {
				out = append(out, v)
			}
		}
		return out
	})
	register("union", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return ev.union(in, ev.arg(c, 0, focus, fr))
	})
	register("combine", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		other := ev.arg(c, 0, focus, fr)
		out := make(Collection, 0, len(in)+len(other))
		return append(append(out, in...), other...)
	})
	register("iif", 2, 3, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		ctx, sub := focus, fr
		if c.target != nil {
			if len(in) > 1 {
				ev.fail(c, "iif() needs a single input item, got %d", len(in))
			}
			ctx = in
			var this Value
			if len(in) == 1 {
				this = in[0]
			}
			sub = &frame{this: this, total: fr.total, hasTotal: fr.hasTotal}
		}
		crit := ev.eval(c.args[0], ctx, sub)
		if len(crit) > 1 {
			ev.fail(c.args[0], "iif() criterion must be a single boolean, got %d items", len(crit))
		}
		if len(crit) == 1 {
			if _, ok := ev.primitive(crit[0]).(Boolean); !ok {
				ev.fail(c.args[0], "iif() criterion must be a boolean, got %s", typeLabel(crit[0]))
			}
		}
		if ev.toTruth(c.args[0], crit) == trueT {
			return ev.eval(c.args[1], ctx, sub)
		}
		if len(c.args) == 3 {
			return ev.eval(c.args[2], ctx, sub)
		}
		return nil
	})
	register("not", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		switch ev.toTruth(c, in) {
		case trueT:
			return boolColl(false)
		case falseT:
			return boolColl(true)
		}
		return nil
	})
	register("children", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		var out Collection
		for _, v := range in {
			out = ev.children(v, out)
		}
		return out
	})
	register("descendants", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		var out Collection
		queue := in
		// JSON trees have no cycles; the work budget bounds huge documents.
		for len(queue) > 0 {
			var next Collection
			for _, v := range queue {
				next = ev.children(v, next)
			}
			ev.spend(c, len(next))
			out = append(out, next...)
			queue = next
		}
		return out
	})
	register("trace", 1, 2, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		if ev.env.Trace != nil {
			name := ""
			if s, ok := ev.singleArg(c, 0, focus, fr).(String); ok {
				name = string(s)
			}
			shown := in
			if len(c.args) == 2 {
				shown = nil
				for i, v := range in {
					shown = append(shown, ev.lambda(c, 1, v, i, fr)...)
				}
			}
			ev.env.Trace(name, shown)
		}
		return in
	})
	register("aggregate", 1, 2, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		total := ev.arg(c, 1, focus, fr)
		for i, v := range in {
			sub := &frame{this: v, index: i, total: total, hasTotal: true}
			total = ev.eval(c.args[0], Collection{v}, sub)
			ev.spend(c, len(total))
		}
		return total
	})
	register("sort", 0, -1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return ev.sortItems(c, in, fr)
	})
	register("type", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		out := make(Collection, 0, len(in))
		for _, v := range in {
			out = append(out, ev.typeOf(v))
		}
		return out
	})
	register("now", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return Collection{DateTime{temporalFromTime(ev.nowTime(), PrecMillisecond)}}
	})
	register("today", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return Collection{Date{temporalFromTime(ev.nowTime(), PrecDay)}}
	})
	register("timeOfDay", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		t := temporalFromTime(ev.nowTime(), PrecMillisecond)
		t.hasTZ = false
		return Collection{Time{t}}
	})
}

// seenSet tracks produced items for cycle-safe repeat(): nodes by
// identity, other values by equality.
type seenSet struct {
	nodes  map[nodeKey]bool
	values *itemSet
}

type nodeKey struct {
	tree    *jsontree.Tree
	id, ext jsontree.ID
}

func newSeenSet(ev *evaluator) *seenSet {
	return &seenSet{nodes: map[nodeKey]bool{}, values: newItemSet(ev, 0)}
}

// add reports whether v is new.
func (s *seenSet) add(ev *evaluator, v Value) bool {
	if n, ok := v.(Node); ok {
		k := nodeKey{n.Tree, n.ID, n.Ext}
		if s.nodes[k] {
			return false
		}
		s.nodes[k] = true
		return true
	}
	return s.values.add(v)
}

// sortItems implements sort(key, ...): ascending by each key, or
// descending when the key is written -expr.
func (ev *evaluator) sortItems(c *callNode, in Collection, fr *frame) Collection {
	type keyed struct {
		v    Value
		keys []Value
	}
	items := make([]keyed, len(in))
	for i, v := range in {
		items[i].v = v
		if len(c.args) == 0 {
			items[i].keys = []Value{ev.primitive(v)}
			continue
		}
		for _, a := range c.args {
			if u, ok := a.(*unaryNode); ok && u.op == "-" {
				a = u.x
			}
			k := ev.eval(a, Collection{v}, &frame{this: v, index: i})
			var kv Value
			if len(k) > 0 {
				kv = ev.primitive(k[0])
			}
			items[i].keys = append(items[i].keys, kv)
		}
	}
	desc := make([]bool, max(len(c.args), 1))
	for i, a := range c.args {
		if u, ok := a.(*unaryNode); ok && u.op == "-" {
			desc[i] = true
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		for k := range items[i].keys {
			a, b := items[i].keys[k], items[j].keys[k]
			var r int
			switch {
			case a == nil && b == nil:
				r = 0
			case a == nil: // empty keys sort first in either direction
				return true
			case b == nil:
				return false
			default:
				r, _ = ev.compare(c, a, b)
			}
			if desc[k] {
				r = -r
			}
			if r != 0 {
				return r < 0
			}
		}
		return false
	})
	out := make(Collection, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// stringInput returns the single input as a string; ok is false when empty.
func (ev *evaluator) stringInput(c *callNode, in Collection) (string, bool) {
	v := ev.single(c, in)
	if v == nil || valueless(v) {
		return "", false
	}
	switch p := ev.primitive(v).(type) {
	case String:
		return string(p), true
	}
	ev.fail(c, "%s() needs a string input, got %s", c.name, typeLabel(v))
	return "", false
}

func (ev *evaluator) stringArg(c *callNode, i int, focus Collection, fr *frame) (string, bool) {
	v := ev.singleArg(c, i, focus, fr)
	if v == nil {
		return "", false
	}
	s, ok := v.(String)
	if !ok {
		ev.fail(c.args[i], "argument %d of %s() must be a string, got %s", i+1, c.name, typeLabel(v))
	}
	return string(s), true
}

// descendantsOf lists every element below v, in document order per level.
func (ev *evaluator) descendantsOf(v Value) Collection {
	var out Collection
	queue := Collection{v}
	for len(queue) > 0 {
		var next Collection
		for _, x := range queue {
			next = ev.children(x, next)
		}
		out = append(out, next...)
		queue = next
	}
	return out
}
