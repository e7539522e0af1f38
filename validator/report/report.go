// Package report builds the public conformance report of a validation run:
// the inputs with their hashes, the definitions and options used, every
// finding, and a verdict per input (and per profile, and per system in a
// plugfest), written as report.json, a self-contained report.html, SARIF
// 2.1.0 and JUnit XML. The CLI (`fhirlens report`) and the browser
// ("Download report") both write it with this package, so the same inputs
// and options give byte-identical files; nothing depends on the clock
// unless a date is given.
package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/tidwall/gjson"
)

// FormatID names this report format and its version in report.json.
const FormatID = "fhirlens-report/1"

// Report is the whole conformance report.
type Report struct {
	Format      string      `json:"format"`
	Tool        Tool        `json:"fhirlens"`
	Date        string      `json:"date,omitempty"` // only when asked for (--date)
	Definitions Definitions `json:"definitions"`
	Options     Options     `json:"options"`
	Summary     Summary     `json:"summary"`
	Matrix      *Matrix     `json:"matrix,omitempty"` // plugfest: inputs in folders per system
	Rules       []Rule      `json:"rules"`            // every rule with findings, by id
	Inputs      []Input     `json:"inputs"`
}

// Tool is the fhirlens build that made the report.
type Tool struct {
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

// Package is a FHIR package the inputs were checked against.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"` // of the .tgz, or of the embedded compact form
}

// Definitions are the core package and every implementation guide used.
type Definitions struct {
	FHIRVersion string    `json:"fhirVersion"`
	Core        Package   `json:"core"`
	Guides      []Package `json:"guides"`
}

// Options are the validation options that change verdicts.
type Options struct {
	Invariants bool     `json:"invariants"`
	Profiles   []string `json:"profiles"` // requested with --profile
}

// Summary counts over all inputs. Errors include fatal findings.
type Summary struct {
	Inputs    int `json:"inputs"`
	Conform   int `json:"conform"`
	Resources int `json:"resources"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Notes     int `json:"notes"`
}

// Rule describes a rule that has findings in the report.
type Rule struct {
	ID           string `json:"id"`
	Severity     string `json:"severity"` // default severity
	Summary      string `json:"summary"`
	Source       string `json:"source,omitempty"`
	BestPractice bool   `json:"bestPractice,omitempty"`
	Count        int    `json:"count"`
}

// Input is one validated file.
type Input struct {
	Name      string     `json:"name"`
	System    string     `json:"system,omitempty"` // plugfest: the system's folder
	Size      int        `json:"size"`
	SHA256    string     `json:"sha256"`
	Verdict   string     `json:"verdict"` // "conforms" or "fails" (has errors)
	Counts    Counts     `json:"counts"`
	Profiles  []Profile  `json:"profiles"`
	Resources []Resource `json:"resources"`
	Findings  []Finding  `json:"findings"` // every finding, up to the engine's limit per rule
	Omitted   []Omitted  `json:"omitted,omitempty"`
}

// Omitted counts the findings of a rule beyond the engine's limit per rule
// (counted in Counts, not listed).
type Omitted struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

// Counts of findings by severity (exact, listed or not); errors include
// fatal findings. Resources is the engine's count (a Bundle that only holds
// the others is not counted), as the CLI and the page print it.
type Counts struct {
	Resources int `json:"resources"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Notes     int `json:"notes"`
}

// Profile is the verdict of the resources claiming (meta.profile) or asked
// to conform to (--profile) a profile.
type Profile struct {
	URL       string `json:"url"`
	Resources int    `json:"resources"`
	Verdict   string `json:"verdict"` // "conforms", "fails" or "not checked"
}

// Resource is one resource of an input, in document order.
type Resource struct {
	Type       string   `json:"type"`
	ID         string   `json:"id,omitempty"`
	Expression string   `json:"expression"`
	Line       int      `json:"line"`
	Profiles   []string `json:"profiles,omitempty"` // claimed in meta.profile
}

// Finding is one finding with its location.
type Finding struct {
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	Expression string `json:"expression,omitempty"`
	Line       int    `json:"line,omitempty"`
	Col        int    `json:"col,omitempty"`
	Message    string `json:"message"`
	Resource   int    `json:"resource"`          // index in Resources, -1 for the file as a whole
	Profile    string `json:"profile,omitempty"` // the profile whose rule this is
}

// Source is one input as validated: its name as shown (a relative path,
// slash-separated; the first folder is the system in a plugfest), its bytes
// and the validator's report.
type Source struct {
	Name   string
	Data   []byte
	Report *validator.Report
}

// Meta is what the report says about the run itself.
type Meta struct {
	Tool        Tool
	Date        string
	Definitions Definitions
	Options     Options
	// Plugfest makes the first folder of each input name its system.
	Plugfest bool
}

// Build makes the report of sources, in name order (so the order the files
// were given or dropped in does not change the report).
func Build(meta Meta, sources []Source) *Report {
	r := &Report{Format: FormatID, Tool: meta.Tool, Date: meta.Date, Definitions: meta.Definitions, Options: meta.Options}
	if r.Definitions.Guides == nil {
		r.Definitions.Guides = []Package{}
	}
	if r.Options.Profiles == nil {
		r.Options.Profiles = []string{}
	}
	sources = slices.Clone(sources)
	slices.SortStableFunc(sources, func(a, b Source) int { return strings.Compare(a.Name, b.Name) })
	reps := make([]*validator.Report, len(sources))
	for i, s := range sources {
		in := buildInput(s, meta)
		reps[i] = s.Report
		r.Summary.Inputs++
		if in.Verdict == Conforms {
			r.Summary.Conform++
		}
		r.Summary.Resources += in.Counts.Resources
		r.Summary.Errors += in.Counts.Errors
		r.Summary.Warnings += in.Counts.Warnings
		r.Summary.Notes += in.Counts.Notes
		r.Inputs = append(r.Inputs, in)
	}
	if r.Inputs == nil {
		r.Inputs = []Input{}
	}
	r.Rules = RulesOf(reps...)
	if meta.Plugfest {
		r.Matrix = buildMatrix(r.Inputs)
	}
	return r
}

// Verdicts.
const (
	Conforms   = "conforms"
	Fails      = "fails"
	NotChecked = "not checked"
)

func buildInput(s Source, meta Meta) Input {
	sum := sha256.Sum256(s.Data)
	rep := s.Report
	in := Input{Name: s.Name, Size: len(s.Data), SHA256: hex.EncodeToString(sum[:]), Verdict: Conforms,
		Resources: make([]Resource, len(rep.Resources)), Findings: make([]Finding, len(rep.Findings)), Profiles: []Profile{}}
	if meta.Plugfest {
		if i := strings.IndexByte(s.Name, '/'); i > 0 {
			in.System = s.Name[:i]
		}
	}
	for i, res := range rep.Resources {
		in.Resources[i] = Resource{Type: res.Type, ID: res.ID, Expression: res.Expression, Line: res.Line}
	}
	failing := make([]bool, len(rep.Resources))
	notChecked := ""
	for i, is := range rep.Findings {
		in.Findings[i] = Finding{Rule: is.Rule, Severity: is.Severity.String(), Expression: is.Expression,
			Line: is.Line, Col: is.Col, Message: is.Message, Resource: is.Resource, Profile: is.Profile}
		if is.Severity.IsError() && is.Resource >= 0 && is.Resource < len(failing) {
			failing[is.Resource] = true
		}
		if is.Rule == "profile.not-checked" {
			notChecked = is.Message
		}
	}
	for _, o := range rep.Summary.Omitted {
		in.Omitted = append(in.Omitted, Omitted{Rule: o.Rule, Severity: o.Severity.String(), Count: o.Count})
	}
	c := rep.Summary
	in.Counts = Counts{Resources: c.Resources, Errors: c.Fatal + c.Error, Warnings: c.Warning, Notes: c.Information}
	if in.Counts.Errors > 0 {
		in.Verdict = Fails
	}
	// Profiles: those asked for apply to every resource; claimed ones to
	// the resources that claim them.
	claims := claimedProfiles(s.Data, rep.Resources)
	for u, idx := range claims {
		for _, i := range idx {
			in.Resources[i].Profiles = append(in.Resources[i].Profiles, u)
		}
	}
	for i := range in.Resources {
		slices.Sort(in.Resources[i].Profiles)
	}
	urls := slices.Clone(meta.Options.Profiles)
	for u := range claims {
		if !slices.Contains(urls, u) {
			urls = append(urls, u)
		}
	}
	slices.Sort(urls)
	for _, u := range urls {
		p := Profile{URL: u, Verdict: Conforms}
		idx := claims[u]
		if slices.Contains(meta.Options.Profiles, u) {
			idx = nil
			for i := range rep.Resources {
				idx = append(idx, i)
			}
		}
		p.Resources = len(idx)
		for _, i := range idx {
			if failing[i] {
				p.Verdict = Fails
			}
		}
		for _, f := range in.Findings {
			if (f.Severity == "fatal" || f.Severity == "error") && (f.Profile == u || strings.HasPrefix(f.Profile, u+"|")) {
				p.Verdict = Fails
			}
		}
		if p.Verdict == Conforms && notChecked != "" && strings.Contains(notChecked, profileName(u)) {
			p.Verdict = NotChecked
		}
		in.Profiles = append(in.Profiles, p)
	}
	return in
}

// claimedProfiles maps each profile URL claimed in meta.profile to the
// indexes of the resources claiming it.
func claimedProfiles(data []byte, resources []validator.Resource) map[string][]int {
	out := map[string][]int{}
	if !bytes.Contains(data, []byte(`"profile"`)) {
		return out
	}
	for i, res := range resources {
		if res.Offset < 0 || res.End > len(data) || res.Offset >= res.End {
			continue
		}
		raw := data[res.Offset:res.End]
		for _, p := range gjson.GetBytes(raw, "meta.profile").Array() {
			if p.Type == gjson.String {
				if u := p.String(); !slices.Contains(out[u], i) {
					out[u] = append(out[u], i)
				}
			}
		}
	}
	return out
}

// profileName is the last segment of a canonical URL, as the engine's note
// names profiles.
func profileName(url string) string {
	return path.Base(strings.TrimRight(url, "/"))
}

// JSON writes report.json: indented, keys in a fixed order, a final newline.
func (r *Report) JSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(r); err != nil {
		panic(fmt.Sprintf("report: encoding: %v", err)) // only plain types: cannot fail
	}
	return b.Bytes()
}

// Read parses a report.json.
func Read(data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a fhirlens report: %w", err)
	}
	if r.Format != FormatID {
		return nil, fmt.Errorf("not a fhirlens report (format %q, want %q)", r.Format, FormatID)
	}
	return &r, nil
}

// Hash returns the sha256 of data in hex, as the report writes it.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// RulesOf describes the rules that have findings in reps, with counts,
// sorted by id.
func RulesOf(reps ...*validator.Report) []Rule {
	rules := map[string]*Rule{}
	var ids []string
	for _, rep := range reps {
		for i := range rep.Findings {
			is := &rep.Findings[i]
			ru := rules[is.Rule]
			if ru == nil {
				ru = describeRule(is.Rule, is)
				rules[is.Rule] = ru
				ids = append(ids, is.Rule)
			}
			ru.Count++
		}
		for _, o := range rep.Summary.Omitted {
			if ru := rules[o.Rule]; ru != nil { // a rule with omitted findings has kept ones too
				ru.Count += o.Count
			}
		}
	}
	slices.Sort(ids)
	out := make([]Rule, 0, len(ids))
	for _, id := range ids {
		out = append(out, *rules[id])
	}
	return out
}
