//go:build !js

// SARIF, JUnit and package reading are left out of the browser build: the
// page offers report.json and report.html, and the wasm stays smaller.

package report

// File is one file of the report.
type File struct {
	Name string
	Data []byte
}

// Files are the report's files, as `fhirlens report` writes them.
func Files(r *Report) []File {
	return []File{
		{"report.json", r.JSON()},
		{"report.html", r.HTML()},
		{"report.sarif", r.SARIF()},
		{"report.junit.xml", r.JUnit()},
	}
}
