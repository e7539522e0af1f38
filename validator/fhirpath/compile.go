package fhirpath

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Expr is a compiled FHIRPath expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	src  string
	root node
	// fast is a native implementation of a hot invariant (ele-1), used by
	// EvaluateBool; done is false when it cannot decide.
	fast func(focus Node) (ok, done bool)
	// slots is the number of cached focus-free subexpressions (cache.go).
	slots int
}

// Compile parses and checks an expression. The error is an *Error with
// the offset of the problem.
func Compile(src string) (*Expr, error) {
	root, err := parse(src)
	if err != nil {
		return nil, err
	}
	if err := check(src, root); err != nil {
		return nil, err
	}
	fillLiterals(root)
	e := &Expr{src: src, root: root, slots: addCaches(root)}
	e.fast = intrinsics[e.String()]
	return e, nil
}

// fillLiterals precomputes the collections of literal nodes.
func fillLiterals(n node) {
	switch n := n.(type) {
	case *literalNode:
		if n.value != nil {
			n.coll = Collection{n.value}
		}
	case *memberNode:
		if n.target != nil {
			fillLiterals(n.target)
		}
	case *callNode:
		if n.target != nil {
			fillLiterals(n.target)
		}
		for _, a := range n.args {
			fillLiterals(a)
		}
	case *indexNode:
		fillLiterals(n.target)
		fillLiterals(n.index)
	case *unaryNode:
		fillLiterals(n.x)
	case *binaryNode:
		fillLiterals(n.l)
		fillLiterals(n.r)
	case *typeNode:
		fillLiterals(n.x)
	case *parenNode:
		fillLiterals(n.x)
	}
}

// MustCompile is Compile for expressions known to be valid; it panics otherwise.
func MustCompile(src string) *Expr {
	e, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return e
}

// Source is the expression as given.
func (e *Expr) Source() string { return e.src }

// String prints the expression canonically: single spaces around binary
// operators, minimal parentheses, quoted names only where needed.
func (e *Expr) String() string {
	var b strings.Builder
	e.root.write(&b)
	return b.String()
}

var (
	compiled      sync.Map // source -> compileResult
	compiledCount atomic.Int64
)

// maxCached bounds the compile cache; beyond it expressions are compiled
// each time (the R4 core has about 1,500 distinct invariants).
const maxCached = 20000

type compileResult struct {
	expr *Expr
	err  error
}

// CompileCached is Compile with a process-wide cache keyed by source.
func CompileCached(src string) (*Expr, error) {
	if r, ok := compiled.Load(src); ok {
		cr := r.(compileResult)
		return cr.expr, cr.err
	}
	e, err := Compile(src)
	if compiledCount.Load() < maxCached {
		if _, loaded := compiled.LoadOrStore(src, compileResult{e, err}); !loaded {
			compiledCount.Add(1)
		}
	}
	return e, err
}

var (
	regexCache sync.Map
	regexCount atomic.Int64
)

const maxCachedRegexes = 1000

// check resolves function names, verifies argument counts and extracts
// the type arguments of is/as/ofType.
func check(src string, n node) error {
	var err error
	var walk func(n node)
	walk = func(n node) {
		if err != nil || n == nil {
			return
		}
		switch n := n.(type) {
		case *memberNode:
			walk(n.target)
		case *indexNode:
			walk(n.target)
			walk(n.index)
		case *unaryNode:
			walk(n.x)
		case *binaryNode:
			walk(n.l)
			walk(n.r)
		case *typeNode:
			walk(n.x)
		case *parenNode:
			walk(n.x)
		case *callNode:
			walk(n.target)
			fn := functions[n.name]
			if fn == nil {
				err = errorf(src, n.at, "unknown function %s()", n.name)
				return
			}
			if len(n.args) < fn.min || (fn.max >= 0 && len(n.args) > fn.max) {
				err = errorf(src, n.at, "%s() takes %s, got %d", n.name, argCount(fn), len(n.args))
				return
			}
			n.fn = fn
			if fn.typeArg {
				ts, ok := typeSpecOf(n.args[0])
				if !ok {
					err = errorf(src, n.args[0].pos(), "%s() needs a type name", n.name)
					return
				}
				n.typ = &ts
				return
			}
			for _, a := range n.args {
				walk(a)
			}
		}
	}
	walk(n)
	return err
}

func argCount(fn *function) string {
	switch {
	case fn.min == fn.max && fn.min == 0:
		return "no arguments"
	case fn.min == fn.max && fn.min == 1:
		return "1 argument"
	case fn.min == fn.max:
		return itoa(int64(fn.min)) + " arguments"
	case fn.max < 0:
		return "at least " + itoa(int64(fn.min)) + " arguments"
	}
	return itoa(int64(fn.min)) + " to " + itoa(int64(fn.max)) + " arguments"
}

// typeSpecOf reads a type name written as an expression: Quantity,
// FHIR.Quantity, System.`String`.
func typeSpecOf(n node) (typeSpec, bool) {
	switch n := n.(type) {
	case *memberNode:
		if n.target == nil {
			return typeSpec{name: n.name}, true
		}
		if t, ok := n.target.(*memberNode); ok && t.target == nil {
			return typeSpec{namespace: t.name, name: n.name}, true
		}
	case *parenNode:
		return typeSpecOf(n.x)
	}
	return typeSpec{}, false
}
