package xhtml

import (
	"strings"
	"testing"
)

var benchDiv = wrap(strings.Repeat(`<p>Patient <b>Peter James Chalmers</b> &amp; family</p><table class="grid"><tr><td style="color: red">Name</td><td><a href="Patient/example">link</a></td></tr></table>`, 20))

func BenchmarkCheck(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchDiv)))
	for b.Loop() {
		Check(benchDiv)
	}
}

func BenchmarkSanitize(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchDiv)))
	for b.Loop() {
		Sanitize(benchDiv)
	}
}
