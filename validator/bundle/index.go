package bundle

import "hash/maphash"

// group is the set of entries sharing one key, in document order: the first
// and last entry, how many there are, and whether any declares a version.
type group struct {
	first, last, count int32
	versioned          bool
}

// matchSet is a group with the chain to walk it.
type matchSet struct {
	group
	next []int32
}

// multiIndex maps keys to the entries that have them without a slice per
// key: an open-addressing table (half full at most) of the groups, in the
// order their keys first appeared, and next chains each group's entries.
// Entries must be added in document order. It holds 1M (type, id) keys in
// ~60 MB where a Go map took ~115 MB and a third of the bundle's index time.
type multiIndex[K comparable] struct {
	seed  maphash.Seed
	slots []uint64 // top 32 bits of the key's hash, then group index + 1; 0 is empty
	// keyOf is the key of an entry, read back from the entry (a copy of
	// every key would cost 32 MB for 1M (type, id) keys); nil keeps keys.
	keyOf  func(entry int32) K
	keys   []K // per group, when keyOf is nil
	groups []group
	next   []int32 // per entry: the next entry of its group, or -1
}

// newMultiIndex is an index sized for keys keys.
func newMultiIndex[K comparable](keys int, keyOf func(int32) K) multiIndex[K] {
	m := multiIndex[K]{seed: maphash.MakeSeed(), keyOf: keyOf}
	if keys > 0 {
		m.slots = make([]uint64, tableSize(keys))
		if keyOf == nil {
			m.keys = make([]K, 0, keys)
		}
		m.groups = make([]group, 0, keys)
	}
	return m
}

// key is the key of group g.
func (m *multiIndex[K]) key(g uint32) K {
	if m.keyOf != nil {
		return m.keyOf(m.groups[g].first)
	}
	return m.keys[g]
}

// tableSize is the power of two at least twice keys.
func tableSize(keys int) int {
	n := 8
	for n < 2*keys {
		n *= 2
	}
	return n
}

// find returns the slot of k: its group's, or the empty one to fill.
func (m *multiIndex[K]) find(k K) (slot int, tag uint64) {
	h := maphash.Comparable(m.seed, k)
	tag = h &^ (1<<32 - 1)
	mask := len(m.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := m.slots[i]
		if s == 0 || s&^(1<<32-1) == tag && m.key(uint32(s)-1) == k {
			return i, tag
		}
	}
}

// add puts entry i in the group of k and returns the group's first entry.
func (m *multiIndex[K]) add(k K, i int32, versioned bool) int32 {
	for int(i) >= len(m.next) {
		m.next = append(m.next, -1)
	}
	m.next[i] = -1
	if 2*(len(m.groups)+1) > len(m.slots) {
		m.grow()
	}
	slot, tag := m.find(k)
	if m.slots[slot] == 0 {
		if m.keyOf == nil {
			m.keys = append(m.keys, k)
		}
		m.groups = append(m.groups, group{first: i, last: i, count: 1, versioned: versioned})
		m.slots[slot] = tag | uint64(len(m.groups))
		return i
	}
	g := &m.groups[uint32(m.slots[slot])-1]
	m.next[g.last] = i
	g.last = i
	g.count++
	g.versioned = g.versioned || versioned
	return g.first
}

// grow doubles the table (rehashing the keys).
func (m *multiIndex[K]) grow() {
	if m.slots == nil {
		m.seed = maphash.MakeSeed()
	}
	m.slots = make([]uint64, tableSize(len(m.groups)+1)*2)
	for g := range m.groups {
		slot, tag := m.find(m.key(uint32(g)))
		m.slots[slot] = tag | uint64(g+1)
	}
}

func (m *multiIndex[K]) get(k K) matchSet {
	if len(m.groups) == 0 {
		return matchSet{next: m.next}
	}
	slot, _ := m.find(k)
	if m.slots[slot] == 0 {
		return matchSet{next: m.next}
	}
	return matchSet{group: m.groups[uint32(m.slots[slot])-1], next: m.next}
}

// list returns up to limit entries of the set (all when limit < 0).
func (s matchSet) list(limit int) []int32 {
	if s.count == 0 {
		return nil
	}
	var out []int32
	for i := s.first; i >= 0 && limit != 0; i = s.next[i] {
		out = append(out, i)
		limit--
	}
	return out
}

// versionKey names the entries of one group (by its first entry) that
// declare one meta.versionId.
type versionKey struct {
	group   int32
	version string
}

// versionedIndex is a multiIndex plus, for its groups, an index by version,
// so that version-specific references resolve in constant time too.
type versionedIndex[K comparable] struct {
	all      multiIndex[K]
	versions multiIndex[versionKey]
}

// newVersionedIndex is an index for keys entries of n, reading the key of
// an entry back with keyOf (nil: it keeps a copy of each); the version
// index (few bundles have versions) keeps its keys and grows as they come.
func newVersionedIndex[K comparable](keys, n int, keyOf func(int32) K) versionedIndex[K] {
	v := versionedIndex[K]{all: newMultiIndex(keys, keyOf), versions: newMultiIndex[versionKey](0, nil)}
	if keys > 0 {
		v.all.next = make([]int32, n)
	}
	return v
}

func (v *versionedIndex[K]) add(k K, i int32, version string) int32 {
	first := v.all.add(k, i, version != "")
	if version != "" {
		v.versions.add(versionKey{first, version}, i, true)
	}
	return first
}

// get returns the entries with key k and, when version is given, those of
// them at that version.
func (v *versionedIndex[K]) get(k K, version string) (all, atVersion matchSet) {
	all = v.all.get(k)
	if version != "" && all.count > 0 && all.versioned {
		atVersion = v.versions.get(versionKey{all.first, version})
	}
	return all, atVersion
}
