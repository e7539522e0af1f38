package fhirpath

import "strings"

// The work budget (Env.MaxWork) counts items produced and items scanned;
// the byte budget (Env.MaxBytes) counts the bytes of every string an
// evaluation builds ('+', '&', replace(), join() …), so an expression that
// doubles a string in repeat() or aggregate() stops at the limit instead
// of exhausting memory: the items stay few while the bytes explode.

// DefaultMaxBytes bounds the string bytes one evaluation may build.
const DefaultMaxBytes = 32 << 20

// spendBytes charges b bytes of new strings, before they are built.
func (ev *evaluator) spendBytes(n node, b int) {
	if b < 0 || b > ev.maxBytes-ev.bytes {
		ev.fail(n, "evaluation exceeded the memory limit (%d MB of strings)", ev.maxBytes>>20)
	}
	ev.bytes += b
	ev.spend(n, 0)
}

// isMember reports whether item is in coll ('in' and 'contains'), charging
// what it scans. A collection that is the same for every item of a lambda
// (a cached subexpression, such as dom-3's %resource.descendants()…) is
// indexed once per evaluation, so N lookups into it cost N, not N².
func (ev *evaluator) isMember(n node, collNode node, coll Collection, item Value) bool {
	if len(coll) > 8 {
		if cn := cachedOperand(collNode); cn != nil {
			if _, isString := ev.primitive(item).(String); isString {
				return ev.memberIndex(n, cn.slot, coll).has(item)
			}
		}
	}
	ev.spend(n, len(coll))
	return ev.containsValue(coll, item)
}

func cachedOperand(x node) *cacheNode {
	for {
		switch y := x.(type) {
		case *cacheNode:
			return y
		case *parenNode:
			x = y.x
		default:
			return nil
		}
	}
}

// memberIndex is the set of a cached collection, built on first use.
func (ev *evaluator) memberIndex(n node, slot int, coll Collection) *itemSet {
	if s := ev.indexes[slot]; s != nil {
		ev.spend(n, 0)
		return s
	}
	ev.spend(n, len(coll))
	s := ev.setOf(coll)
	if ev.indexes == nil {
		ev.indexes = map[int]*itemSet{}
	}
	ev.indexes[slot] = s
	return s
}

// replaceSize is an upper bound of the length of
// strings.ReplaceAll(s, pat, sub).
func replaceSize(s, pat, sub string) int {
	var n int
	if pat == "" {
		n = len(s) + 1
	} else {
		n = strings.Count(s, pat)
	}
	return len(s) + n*max(len(sub)-len(pat), 0)
}

// replaceMatchesSize is an upper bound of the length of
// re.ReplaceAllString(s, sub) without running it: at most len(s)+1
// matches, each adding sub, whose $-references each expand to at most the
// whole of s.
func replaceMatchesSize(s, sub string) int {
	per := len(sub) + strings.Count(sub, "$")*len(s)
	if per > 0 && len(s)+1 > (1<<62)/per {
		return -1 // overflows: refused by spendBytes
	}
	return len(s) + (len(s)+1)*per
}
