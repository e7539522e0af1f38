//go:build !js

package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// JUnit XML types (the Jenkins/JUnit 5 form of the format).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string      `xml:"name,attr"`
		Tests      int         `xml:"tests,attr"`
		Failures   int         `xml:"failures,attr"`
		Errors     int         `xml:"errors,attr"`
		Skipped    int         `xml:"skipped,attr"`
		Timestamp  string      `xml:"timestamp,attr,omitempty"`
		Properties *junitProps `xml:"properties"`
		Cases      []junitCase `xml:"testcase"`
	}
	junitProps struct {
		Props []junitProp `xml:"property"`
	}
	junitProp struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Failure   *junitFailure `xml:"failure"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// JUnit writes the report as JUnit XML for CI dashboards: a test suite
// per system (one "fhirlens" suite outside a plugfest), a test case per
// input that fails when the input has errors (listed in the failure);
// warnings and notes go to the case's system-out.
func (r *Report) JUnit() []byte {
	props := &junitProps{Props: []junitProp{
		{"fhirlens.version", r.Tool.Version},
		{"fhirlens.commit", r.Tool.Commit},
		{"fhir.version", r.Definitions.FHIRVersion},
		{"definitions.core", fmt.Sprintf("%s#%s sha256:%s", r.Definitions.Core.Name, r.Definitions.Core.Version, r.Definitions.Core.SHA256)},
		{"options.invariants", fmt.Sprint(r.Options.Invariants)},
	}}
	for _, g := range r.Definitions.Guides {
		props.Props = append(props.Props, junitProp{"definitions.guide", fmt.Sprintf("%s#%s sha256:%s", g.Name, g.Version, g.SHA256)})
	}
	for _, p := range r.Options.Profiles {
		props.Props = append(props.Props, junitProp{"options.profile", p})
	}
	root := junitSuites{Name: "fhirlens"}
	index := map[string]int{}
	for _, in := range r.Inputs {
		name := "fhirlens"
		if in.System != "" {
			name = "fhirlens." + in.System
		}
		i, ok := index[name]
		if !ok {
			i = len(root.Suites)
			index[name] = i
			root.Suites = append(root.Suites, junitSuite{Name: name, Timestamp: r.Date, Properties: props})
		}
		s := &root.Suites[i]
		c := junitCase{Name: in.Name, Classname: name}
		var errs, rest strings.Builder
		for _, f := range in.Findings {
			if SeverityWord(f.Severity) == "error" {
				errs.WriteString(findingText(f) + "\n")
			} else {
				rest.WriteString(findingText(f) + "\n")
			}
		}
		if in.Counts.Errors > 0 {
			c.Failure = &junitFailure{Message: CountsLine(in.Counts, in.Counts.Resources), Type: "fhirlens.errors", Text: errs.String()}
			s.Failures++
			root.Failures++
		}
		c.SystemOut = rest.String()
		s.Cases = append(s.Cases, c)
		s.Tests++
		root.Tests++
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(root); err != nil {
		panic(fmt.Sprintf("report: encoding JUnit: %v", err))
	}
	b.WriteByte('\n')
	return b.Bytes()
}
