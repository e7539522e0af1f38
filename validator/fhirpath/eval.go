package fhirpath

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// evalError carries an evaluation failure up through panics inside the
// evaluator; Evaluate recovers it and nothing escapes the package.
type evalError struct{ err *Error }

// evaluator is the state of one Evaluate call.
type evaluator struct {
	ctx      context.Context
	env      *Env
	src      string
	work     int
	maxWork  int
	bytes    int // string bytes built, against maxBytes (budget.go)
	maxBytes int
	now      time.Time // zero until now()/today() asks
	focus    Node
	bound    bool // resource and root computed
	resource Node // %resource
	root     Node // %rootResource
	depth    int
	top      frame
	slots    int          // cache slots of the expression
	cache    []Collection // cached focus-free subexpressions, made on first use
	filled   []bool
	indexes  map[int]*itemSet // sets of cached collections for 'in' (budget.go)
}

// evaluators are reused: invariants run by the million.
var evaluators = sync.Pool{New: func() any { return new(evaluator) }}

// nowTime is the evaluation instant, fixed on first use.
func (ev *evaluator) nowTime() time.Time {
	if ev.now.IsZero() {
		ev.now = time.Now()
	}
	return ev.now
}

// resources binds %resource and %rootResource on first use.
func (ev *evaluator) resources() {
	if !ev.bound {
		ev.bound = true
		ev.bindResources(ev.focus)
	}
}

// frame carries $this, $index and $total inside function arguments.
type frame struct {
	this     Value
	index    int
	total    Collection
	hasTotal bool
}

// maxEvalDepth bounds recursion through nested function arguments and
// descendants() walks.
const maxEvalDepth = 400

func (ev *evaluator) fail(n node, format string, args ...any) {
	pos := -1
	if n != nil {
		pos = n.pos()
	}
	panic(evalError{errorf(ev.src, pos, format, args...)})
}

// spend counts produced items against the work budget and polls for
// cancellation.
func (ev *evaluator) spend(n node, items int) {
	ev.work += items + 1
	if ev.work > ev.maxWork {
		ev.fail(n, "evaluation exceeded the work limit (%d items)", ev.maxWork)
	}
	if ev.work&0x3ff < items+1 {
		if err := ev.ctx.Err(); err != nil {
			ev.fail(n, "evaluation cancelled: %v", err)
		}
	}
}

// Evaluate runs the expression against env and returns the result.
func (e *Expr) Evaluate(ctx context.Context, env *Env) (result Collection, err error) {
	if env == nil || env.Tree == nil {
		return nil, &Error{Source: e.src, Offset: -1, Message: "no document to evaluate against"}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ev := evaluators.Get().(*evaluator)
	*ev = evaluator{ctx: ctx, env: env, src: e.src, maxWork: env.MaxWork, maxBytes: env.MaxBytes, now: env.Now, slots: e.slots}
	if ev.maxWork <= 0 {
		ev.maxWork = DefaultMaxWork
	}
	if ev.maxBytes <= 0 {
		ev.maxBytes = DefaultMaxBytes
	}
	defer func() {
		r := recover()
		*ev = evaluator{}
		evaluators.Put(ev)
		if r != nil {
			ee, ok := r.(evalError)
			if !ok {
				panic(r)
			}
			result, err = nil, ee.err
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, &Error{Source: e.src, Offset: -1, Message: "evaluation cancelled: " + err.Error()}
	}
	if !env.nodesValid() {
		return nil, &Error{Source: e.src, Offset: -1, Message: "a node of the environment is not in the document"}
	}
	ev.focus = ev.focusNode()
	var focus Value = ev.focus // boxed once for the frame and the input
	ev.top = frame{this: focus}
	in := Collection{focus}
	return ev.eval(e.root, in, &ev.top), nil
}

// EvaluateBool runs an invariant: true when the result is a single true (or
// a single item that is not a boolean), false for a single false and for the
// empty collection, and an error for several items. An invariant is a
// "condition that must evaluate to true" (FHIR R4 ElementDefinition.constraint),
// so an empty result fails it, as in the HL7 reference validator; published
// expressions that rely on empty passing are corrected by CorrectInvariant.
func (e *Expr) EvaluateBool(ctx context.Context, env *Env) (bool, error) {
	if e.fast != nil && env != nil && env.Tree != nil && !env.Strict && env.nodesValid() {
		// A primitive with a value needs no companion lookup for ele-1.
		if f := env.Focus; f >= 0 && env.FocusType != "" {
			switch env.Tree.Kind(f) {
			case jsontree.Bool, jsontree.Number, jsontree.String:
				if ok, done := e.fast(Node{Tree: env.Tree, ID: f, Ext: jsontree.None, Type: env.FocusType, Elem: env.FocusElem}); done {
					return ok, nil
				}
			}
		}
		if ok, done := e.fast(focusNodeOf(env)); done {
			return ok, nil
		}
	}
	res, err := e.Evaluate(ctx, env)
	if err != nil {
		return false, err
	}
	switch len(res) {
	case 0:
		return false, nil
	case 1:
		if b, ok := res[0].(Boolean); ok {
			return bool(b), nil
		}
		if n, ok := res[0].(Node); ok && n.Type == "boolean" && n.ID != jsontree.None && n.Tree.Kind(n.ID) == jsontree.Bool {
			return n.Tree.Bool(n.ID), nil
		}
		// A single non-boolean item is true (singleton evaluation of collections).
		return true, nil
	}
	return false, &Error{Source: e.src, Offset: -1, Message: fmt.Sprintf("expected a boolean, got %d items", len(res))}
}

func (ev *evaluator) focusNode() Node { return focusNodeOf(ev.env) }

// focusNodeOf is the item the evaluation starts from.
func focusNodeOf(env *Env) Node {
	id := env.Focus
	if id == jsontree.None && env.FocusCompanion > 0 {
		return Node{Tree: env.Tree, ID: jsontree.None, Ext: env.FocusCompanion, Type: env.FocusType, Elem: env.FocusElem}
	}
	if id == jsontree.None {
		id = env.Tree.Root()
	}
	if (env.FocusType == "" || env.FocusType == "Resource" || env.FocusType == "DomainResource") && isResourceObject(env.Tree, id) {
		return ResourceNode(env.Defs, env.Tree, id)
	}
	n := Node{Tree: env.Tree, ID: id, Ext: jsontree.None, Type: env.FocusType, Elem: env.FocusElem}
	if n.Elem == nil && env.Defs != nil && n.Type != "" {
		if t := env.Defs.Type(n.Type); t != nil {
			n.Elem = t.Root
		}
	}
	// A primitive focus carries its _name companion, for ele-1 on primitives.
	n.Ext = companionOf(env.Tree, id)
	if env.FocusCompanion > 0 {
		n.Ext = env.FocusCompanion
	}
	return n
}

// companionOf finds the `_name` twin of a primitive value node.
func companionOf(t *jsontree.Tree, id jsontree.ID) jsontree.ID {
	if id == jsontree.None || t.Kind(id) == jsontree.Object || t.Kind(id) == jsontree.Array {
		return jsontree.None
	}
	p := t.Parent(id)
	if p == jsontree.None {
		return jsontree.None
	}
	if t.Kind(p) == jsontree.Object {
		return getCompanion(t, p, t.Key(id))
	}
	if t.Kind(p) == jsontree.Array && t.HasKey(p) {
		idx := 0
		for c := t.First(p); c != jsontree.None && c != id; c = t.Next(c) {
			idx++
		}
		twin := getCompanion(t, t.Parent(p), t.Key(p))
		if twin != jsontree.None && t.Kind(twin) == jsontree.Array {
			return t.Item(twin, idx)
		}
	}
	return jsontree.None
}

func (ev *evaluator) bindResources(focus Node) {
	env, tree := ev.env, ev.env.Tree
	res := env.Resource
	if res < 0 || res == 0 && !env.ResourcesSet { // zero value or None: derive from the focus
		start := focus.ID
		if start == jsontree.None {
			start = focus.Ext
		}
		res = enclosingResource(tree, start)
	}
	if res == jsontree.None {
		ev.resource = focus
	} else {
		ev.resource = ResourceNode(env.Defs, tree, res)
	}
	root := env.RootResource
	if (root < 0 || root == 0 && !env.ResourcesSet) && res != jsontree.None {
		root = containerResource(tree, res)
	}
	if root == jsontree.None {
		ev.root = ev.resource
	} else {
		ev.root = ResourceNode(env.Defs, tree, root)
	}
}

// eval evaluates n with focus as the input of implicit ($this) invocations.
func (ev *evaluator) eval(n node, focus Collection, fr *frame) Collection {
	// depth is not restored on a failure: the evaluator is discarded then.
	ev.depth++
	if ev.depth > maxEvalDepth {
		ev.fail(n, "evaluation nested too deeply")
	}
	out := ev.evalNode(n, focus, fr)
	ev.depth--
	return out
}

func (ev *evaluator) evalNode(n node, focus Collection, fr *frame) Collection {
	switch n := n.(type) {
	case *literalNode:
		return n.coll
	case *parenNode:
		return ev.eval(n.x, focus, fr)
	case *cacheNode:
		return ev.cached(n, focus, fr)
	case *varNode:
		switch n.name {
		case "$this":
			if fr.this == nil {
				return nil
			}
			return Collection{fr.this}
		case "$index":
			return Collection{Integer(fr.index)}
		case "$total":
			if !fr.hasTotal {
				ev.fail(n, "$total is only defined inside aggregate()")
			}
			return fr.total
		}
	case *constNode:
		return ev.constant(n)
	case *memberNode:
		in := focus
		if n.target != nil {
			if ev.env.Strict {
				ev.checkStaticMember(n)
			}
			in = ev.eval(n.target, focus, fr)
		}
		var out Collection
		for _, v := range in {
			out = ev.member(n, v, out, n.target == nil)
		}
		ev.spend(n, len(out))
		return out
	case *indexNode:
		if ev.env.Strict {
			ev.checkOrdered(n, n.target)
		}
		in := ev.eval(n.target, focus, fr)
		idx := ev.eval(n.index, focus, fr)
		if len(idx) == 0 {
			return nil
		}
		i, ok := ev.integerOf(n.index, idx)
		if !ok {
			ev.fail(n.index, "index must be an integer")
		}
		if i < 0 || i >= int64(len(in)) {
			return nil
		}
		return Collection{in[i]}
	case *unaryNode:
		x := ev.eval(n.x, focus, fr)
		if len(x) == 0 {
			return nil
		}
		if len(x) > 1 {
			ev.fail(n, "unary %s applied to a collection of %d items", n.op, len(x))
		}
		v := ev.primitive(x[0])
		if n.op == "+" {
			switch v.(type) {
			case Integer, Decimal, Quantity:
				return Collection{v}
			}
			ev.fail(n, "unary + applied to %s", typeLabel(v))
		}
		switch v := v.(type) {
		case Integer:
			return Collection{-v}
		case Decimal:
			return Collection{v.Neg()}
		case Quantity:
			return Collection{Quantity{Value: v.Value.Neg(), Unit: v.Unit}}
		}
		ev.fail(n, "unary - applied to %s", typeLabel(v))
	case *binaryNode:
		return ev.binary(n, focus, fr)
	case *typeNode:
		x := ev.eval(n.x, focus, fr)
		if len(x) == 0 {
			return nil
		}
		if len(x) > 1 {
			ev.fail(n, "'%s' needs a single item, got %d", n.op, len(x))
		}
		if n.op == "is" {
			return Collection{Boolean(ev.isType(x[0], n.typ))}
		}
		if ev.asType(x[0], n.typ) {
			return x
		}
		return nil
	case *callNode:
		return ev.call(n, focus, fr)
	}
	ev.fail(n, "unsupported expression")
	return nil
}

func (ev *evaluator) constant(n *constNode) Collection {
	if v, ok := ev.env.Vars[n.name]; ok {
		return v
	}
	switch n.name {
	case "resource":
		ev.resources()
		return Collection{ev.resource}
	case "rootResource":
		ev.resources()
		return Collection{ev.root}
	case "context":
		if c := ev.env.Context; c > 0 && c < jsontree.ID(ev.env.Tree.Len()) {
			if isResourceObject(ev.env.Tree, c) {
				return Collection{ResourceNode(ev.env.Defs, ev.env.Tree, c)}
			}
			return Collection{Node{Tree: ev.env.Tree, ID: c, Ext: companionOf(ev.env.Tree, c)}}
		}
		return Collection{ev.focus}
	case "ucum":
		return Collection{String("http://unitsofmeasure.org")}
	case "sct":
		return Collection{String("http://snomed.info/sct")}
	case "loinc":
		return Collection{String("http://loinc.org")}
	case "us-zip":
		return Collection{String(`[0-9]{5}(-[0-9]{4}){0,1}`)}
	}
	if name, ok := cutPrefix(n.name, "vs-"); ok {
		return Collection{String("http://hl7.org/fhir/ValueSet/" + name)}
	}
	if name, ok := cutPrefix(n.name, "ext-"); ok {
		return Collection{String("http://hl7.org/fhir/StructureDefinition/" + name)}
	}
	ev.fail(n, "unknown constant %%%s", n.name)
	return nil
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return "", false
}

// integerOf reads a single Integer from c.
func (ev *evaluator) integerOf(n node, c Collection) (int64, bool) {
	if len(c) != 1 {
		return 0, false
	}
	switch v := ev.primitive(c[0]).(type) {
	case Integer:
		return int64(v), true
	}
	return 0, false
}
