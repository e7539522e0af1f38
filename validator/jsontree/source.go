package jsontree

// A tree can be built from another format (FHIR XML, see package fhirxml):
// Data then holds the JSON form, and a source map sends the offsets of the
// nodes back into the original bytes, so that findings point into what the
// user wrote. Offset, KeyOffset, End, Position and Line then speak in the
// source's offsets; Raw and Str still read Data. NodeAt keeps taking offsets
// into Data (parse findings are located in Data).
type sourceMap struct {
	src      []byte
	from, to []int32 // ascending offsets in Data → offsets in src
	pos      positions
}

// SetSource attaches the original bytes of a tree built from another
// format. from must ascend; to[i] is the source offset of the JSON token
// starting at from[i]. A node's offset is that of the nearest token at or
// before it; its End is the source offset given for its last byte.
func (t *Tree) SetSource(src []byte, from, to []int32) {
	t.src = &sourceMap{src: src, from: from, to: to}
}

// Source is the bytes offsets refer to: the original input for a tree
// built from another format, else Data.
func (t *Tree) Source() []byte {
	if t.src != nil {
		return t.src.src
	}
	return t.Data
}

// HasSource reports whether the tree was built from another format.
func (t *Tree) HasSource() bool { return t.src != nil }

// SourceOffset maps an offset in Data to the source (identity for JSON).
func (t *Tree) SourceOffset(dataOffset int) int {
	if t.src == nil {
		return dataOffset
	}
	return t.src.lookup(int32(dataOffset))
}

func (m *sourceMap) lookup(off int32) int {
	lo, hi := 0, len(m.from)-1
	if hi < 0 || m.from[0] > off {
		return 0
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if m.from[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return int(m.to[lo])
}
