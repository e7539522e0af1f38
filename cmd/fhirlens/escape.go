package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// safeText makes record-derived text safe to print on a terminal: control
// characters are written as escapes (\n, \r, \t, \x1b, \x00 …), C1 controls
// and the bidirectional-override characters (which reorder what a terminal
// shows) as \uXXXX, invalid UTF-8 bytes as \xNN. A record's keys, codes,
// ids, resource types and file names reach the text output only through it,
// so no record can forge a line ("valid: 0 errors") or hide what follows
// (ESC[8m).
func safeText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case (r >= 0x80 && r <= 0x9f) || isBidiControl(r) || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)) + h)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

func isBidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// maxIDRunes is how much of a resource id the text output shows; FHIR ids
// are at most 64 characters, so only invalid ids are shortened.
const maxIDRunes = 64

// shortID escapes an id and shortens a long one with an ellipsis.
func shortID(s string) string {
	if utf8.RuneCountInString(s) > maxIDRunes {
		n := 0
		for i := range s {
			if n == maxIDRunes-1 {
				s = s[:i] + "…"
				break
			}
			n++
		}
	}
	return safeText(s)
}
