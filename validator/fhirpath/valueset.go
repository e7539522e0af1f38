package fhirpath

import "github.com/fhirlens/fhirlens/validator/jsontree"

// itemSet is a set of values under '=' equality that stays fast on large
// collections: values with a canonical key (booleans, numbers, strings,
// complex nodes by their JSON text) are hashed; the rest (dates, times,
// quantities, whose equality has precision and unit rules) are compared
// one by one.
type itemSet struct {
	ev     *evaluator
	keyed  map[string]struct{}
	others Collection
}

func newItemSet(ev *evaluator, hint int) *itemSet {
	return &itemSet{ev: ev, keyed: make(map[string]struct{}, hint)}
}

// hashKey is the canonical key of v, or "" when v is compared pairwise.
func (s *itemSet) hashKey(v Value) string {
	p := s.ev.primitive(v)
	switch p := p.(type) {
	case Boolean:
		if p {
			return "b:true"
		}
		return "b:false"
	case Integer:
		return "n:" + itoa(int64(p))
	case Decimal:
		return "n:" + p.trim(0).String()
	case String:
		return "s:" + string(p)
	case Node:
		if p.ID != jsontree.None && p.Tree.Kind(p.ID) == jsontree.Object {
			return "o:" + string(p.Tree.Raw(p.ID))
		}
	}
	return ""
}

func (s *itemSet) has(v Value) bool {
	if k := s.hashKey(v); k != "" {
		_, ok := s.keyed[k]
		return ok
	}
	return s.ev.containsValue(s.others, v)
}

// add inserts v and reports whether it was new.
func (s *itemSet) add(v Value) bool {
	if k := s.hashKey(v); k != "" {
		if _, ok := s.keyed[k]; ok {
			return false
		}
		s.keyed[k] = struct{}{}
		return true
	}
	if s.ev.containsValue(s.others, v) {
		return false
	}
	s.others = append(s.others, v)
	return true
}

func (ev *evaluator) setOf(c Collection) *itemSet {
	s := newItemSet(ev, len(c))
	for _, v := range c {
		s.add(v)
	}
	return s
}
