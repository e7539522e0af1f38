package fhirpath

import "strings"

// Subexpressions inside a lambda argument (where, select, all, ...) that do
// not depend on the item, such as %resource.descendants() in dom-3, are
// evaluated once per evaluation and reused: otherwise dom-3 costs
// contained × document size and large resources hit the work limit.

// cacheNode wraps such a subexpression; it prints as what it wraps.
type cacheNode struct {
	x    node
	slot int
}

func (n *cacheNode) pos() int                 { return n.x.pos() }
func (n *cacheNode) write(b *strings.Builder) { n.x.write(b) }
func (n *cacheNode) prec() int                { return n.x.prec() }

// lambdaArg reports whether argument i of fn is evaluated once per input item.
func lambdaArg(name string, i int) bool {
	switch name {
	case "where", "select", "all", "exists", "repeat", "sort", "iif":
		return true
	case "aggregate":
		return i == 0
	case "trace":
		return i == 1
	}
	return false
}

// focusFree reports whether n evaluates the same for every focus and frame:
// it starts from constants and literals, and lambda arguments inside it
// only see their own items.
func focusFree(n node) bool {
	switch n := n.(type) {
	case *literalNode, *constNode:
		return true
	case *varNode:
		return false
	case *cacheNode:
		return true
	case *parenNode:
		return focusFree(n.x)
	case *unaryNode:
		return focusFree(n.x)
	case *typeNode:
		return focusFree(n.x)
	case *binaryNode:
		return focusFree(n.l) && focusFree(n.r)
	case *indexNode:
		return focusFree(n.target) && focusFree(n.index)
	case *memberNode:
		return n.target != nil && focusFree(n.target)
	case *callNode:
		if n.name == "iif" || n.name == "trace" {
			return false // lazy branches / side effects: keep them in place
		}
		if n.target == nil {
			switch n.name {
			case "now", "today", "timeOfDay":
				return true
			}
			return false
		}
		if !focusFree(n.target) {
			return false
		}
		if n.fn != nil && n.fn.typeArg {
			return true
		}
		for i, a := range n.args {
			if !lambdaArg(n.name, i) && !focusFree(a) {
				return false
			}
		}
		return true
	}
	return false
}

// worthCaching: literals and constants are already cheap.
func worthCaching(n node) bool {
	switch n := n.(type) {
	case *literalNode, *constNode:
		return false
	case *parenNode:
		return worthCaching(n.x)
	}
	return true
}

// addCaches wraps the focus-free subexpressions under lambda arguments
// (the outermost, and the navigations and calls inside them, so that
// repeated parts like %resource.descendants() share one slot) and returns
// the number of cache slots. Slots are shared by canonical text.
func addCaches(root node) int {
	slotOf := map[string]int{}
	var visit func(n node, inLambda bool) node
	wrap := func(n node, inLambda bool) node {
		if n == nil {
			return nil
		}
		if _, done := n.(*cacheNode); done {
			return n
		}
		if inLambda && focusFree(n) && worthCaching(n) {
			visit(n, true) // cache the shared parts inside too
			var b strings.Builder
			n.write(&b)
			key := b.String()
			slot, ok := slotOf[key]
			if !ok {
				slot = len(slotOf)
				slotOf[key] = slot
			}
			return &cacheNode{x: n, slot: slot}
		}
		return visit(n, inLambda)
	}
	visit = func(n node, inLambda bool) node {
		switch n := n.(type) {
		case *parenNode:
			n.x = wrap(n.x, inLambda)
		case *unaryNode:
			n.x = wrap(n.x, inLambda)
		case *typeNode:
			n.x = wrap(n.x, inLambda)
		case *binaryNode:
			n.l = wrap(n.l, inLambda)
			n.r = wrap(n.r, inLambda)
		case *indexNode:
			n.target = wrap(n.target, inLambda)
			n.index = wrap(n.index, inLambda)
		case *memberNode:
			n.target = wrap(n.target, inLambda)
		case *callNode:
			n.target = wrap(n.target, inLambda)
			if n.fn != nil && n.fn.typeArg {
				return n
			}
			for i, a := range n.args {
				n.args[i] = wrap(a, inLambda || lambdaArg(n.name, i))
			}
		}
		return n
	}
	visit(root, false)
	return len(slotOf)
}

// cached evaluates a cache node once per evaluation.
func (ev *evaluator) cached(n *cacheNode, focus Collection, fr *frame) Collection {
	if ev.cache == nil {
		ev.cache = make([]Collection, ev.slots)
		ev.filled = make([]bool, ev.slots)
	}
	if !ev.filled[n.slot] {
		ev.cache[n.slot] = ev.eval(n.x, focus, fr)
		ev.filled[n.slot] = true
	}
	return ev.cache[n.slot]
}
