package report

import (
	"bytes"
	"testing"
)

// FuzzRead: any bytes given to verify or dropped on the page as a
// report.json are refused with an error or read; a report read writes back
// to JSON that reads again the same, and compares equal to itself.
func FuzzRead(f *testing.F) {
	for _, r := range sampleReports(f) {
		f.Add(r.JSON())
	}
	f.Add([]byte(`{"format":"fhirlens-report/1","inputs":[{"findings":[{"resource":7}],"resources":[]}]}`))
	f.Add([]byte(`{"format":"fhirlens-report/1","matrix":{"rows":[{"cells":[]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read(data)
		if err != nil {
			return
		}
		out := r.JSON()
		again, err := Read(out)
		if err != nil {
			t.Fatalf("a report written back does not read: %v", err)
		}
		if !bytes.Equal(again.JSON(), out) {
			t.Fatal("a report does not survive a second write")
		}
		if d := Compare(r, again); len(d) != 0 {
			t.Fatalf("a report differs from its copy: %q", d)
		}
		r.HTML() // must not panic on any report
	})
}
