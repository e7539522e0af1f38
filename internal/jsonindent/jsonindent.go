// Package jsonindent writes compact JSON (json.Marshal's output) indented
// exactly as json.MarshalIndent(v, "", indent) would, streaming it to a
// buffered writer: no second, indented copy of a large document and no
// re-scan of it. A document may be fed in pieces that each end between
// tokens (a header written by hand, then one marshalled element at a time).
package jsonindent

import (
	"bufio"
	"io"
)

// Writer indents the compact JSON written to it.
type Writer struct {
	w          *bufio.Writer
	indent     string
	depth      int
	needIndent bool // after '{' or '[': a newline comes unless it closes at once
}

// New returns a Writer indenting by indent per level onto w (buffered, if
// it is not already a *bufio.Writer; call Flush at the end).
func New(w io.Writer, indent string) *Writer {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	return &Writer{w: bw, indent: indent}
}

// Flush writes out what is buffered.
func (x *Writer) Flush() error { return x.w.Flush() }

func (x *Writer) newline() {
	x.w.WriteByte('\n')
	for range x.depth {
		x.w.WriteString(x.indent)
	}
}

// Write writes a piece of compact JSON (no whitespace between tokens, as
// json.Marshal writes it), indented. A piece ends between tokens.
func (x *Writer) Write(src []byte) (int, error) {
	for i := 0; i < len(src); {
		c := src[i]
		if x.needIndent && c != ']' && c != '}' {
			x.needIndent = false
			x.newline()
		}
		switch c {
		case '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(src))
			x.w.Write(src[i:j])
			i = j
			continue
		case '{', '[':
			x.w.WriteByte(c)
			x.depth++
			x.needIndent = true
		case '}', ']':
			x.depth--
			if x.needIndent {
				x.needIndent = false // empty: {} or []
			} else {
				x.newline()
			}
			x.w.WriteByte(c)
		case ',':
			x.w.WriteByte(c)
			x.newline()
		case ':':
			x.w.WriteString(": ")
		default: // a number, true, false or null
			j := i + 1
			for j < len(src) && !structural(src[j]) {
				j++
			}
			x.w.Write(src[i:j])
			i = j
			continue
		}
		i++
	}
	return len(src), nil
}

// WriteString is Write of a string.
func (x *Writer) WriteString(s string) (int, error) { return x.Write([]byte(s)) }

func structural(c byte) bool {
	switch c {
	case '{', '}', '[', ']', ',', ':', '"':
		return true
	}
	return false
}
