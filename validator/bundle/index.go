package bundle

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
// key: the map holds the group, next chains its entries. Entries must be
// added in document order.
type multiIndex[K comparable] struct {
	groups map[K]group
	next   []int32 // per entry: the next entry of its group, or -1
}

// add puts entry i in the group of k and returns the group's first entry.
func (m *multiIndex[K]) add(k K, i int32, versioned bool) int32 {
	for int(i) >= len(m.next) {
		m.next = append(m.next, -1)
	}
	m.next[i] = -1
	g, ok := m.groups[k]
	if !ok {
		m.groups[k] = group{first: i, last: i, count: 1, versioned: versioned}
		return i
	}
	m.next[g.last] = i
	g.last = i
	g.count++
	g.versioned = g.versioned || versioned
	m.groups[k] = g
	return g.first
}

func (m *multiIndex[K]) get(k K) matchSet {
	return matchSet{group: m.groups[k], next: m.next}
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

// newVersionedIndex is an index for keys entries of n; the version index
// grows as versions are added.
func newVersionedIndex[K comparable](keys, n int) versionedIndex[K] {
	v := versionedIndex[K]{all: multiIndex[K]{groups: make(map[K]group, keys)}, versions: multiIndex[versionKey]{groups: map[versionKey]group{}}}
	if keys > 0 {
		v.all.next = make([]int32, n)
	}
	return v
}

// add puts entry i under k (and its version) and returns the first entry
// with k.
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
