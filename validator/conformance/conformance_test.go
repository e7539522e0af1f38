package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/golden"
	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/profile"
)

// disagreementsFile is rewritten from the run with -update (internal/golden's
// flag), keeping the reasons written by hand of entries still listed.
const disagreementsFile = "testdata/disagreements.txt"

// caseInfo is one case.json.
type caseInfo struct {
	Dir         string `json:"-"`
	Name        string `json:"name"`
	Module      string `json:"module"`
	Instance    string `json:"instance"`
	IG          []string
	Java        string `json:"java"`
	Profile     string `json:"profile"`
	JavaProfile string `json:"java-profile"`
	// Options holds the case's "option:NAME" keys (NAME → raw JSON value).
	Options map[string]json.RawMessage `json:"-"`
	// DiffOnly: an ig/ StructureDefinition has no snapshot (generated on load).
	DiffOnly bool `json:"-"`
}

// outcome is what one validator said about one run: the verdict and the
// locations (normalised expressions) of its errors. locations is nil when the
// reference validator recorded only an error count.
type outcome struct {
	errors    bool
	locations []string
	// unsupported, when set, says which missing fhirlens capability the run
	// needs; such a run counts as a disagreement with that reason.
	unsupported string
	// summary is a one-line description of the errors, for reasons.
	summary string
}

// runCase validates a case's instance through the public validator API the
// way case.json says: its ig/ folder as supporting definitions, its options
// mapped to fhirlens options, and, when profile is not empty, against that
// profile (the profile step). This is the one function to extend when
// fhirlens learns something new (profiles, XML, snapshots, options).
func runCase(c *caseInfo, profile string) outcome {
	data, err := os.ReadFile(filepath.Join(c.Dir, c.Instance))
	if err != nil {
		return outcome{unsupported: "instance unreadable: " + err.Error()}
	}
	if _, ok := c.Options["logical"]; ok {
		return outcome{unsupported: "needs validation against a logical model (CDS Hooks, from the hl7.fhir.uv.tools package)"}
	}
	if _, ok := c.Options["supporting5"]; ok {
		return outcome{unsupported: "needs a supporting R5 definition the case does not carry (option supporting5)"}
	}
	opts := validator.Options{}
	if why := applyOptions(c, &opts); why != "" {
		return outcome{unsupported: why}
	}
	defs, guides, why := caseDefinitions(c)
	if why != "" {
		return outcome{unsupported: why}
	}
	opts.Definitions, opts.Guides = defs, guides
	if profile != "" {
		// A profile the case's ig/ does not hold is a warning, as with the
		// reference validator (the CLI refuses it instead).
		opts.Profiles = []string{profile}
	}
	v, err := validator.New(opts)
	if err != nil {
		return outcome{unsupported: "validator: " + err.Error()}
	}
	rep := v.Validate(context.Background(), validator.FileInput(c.Instance, data))
	for _, is := range rep.Findings {
		if is.Rule == "input.not-json" && strings.HasSuffix(c.Instance, ".xml") {
			return outcome{unsupported: "needs the FHIR XML reader"}
		}
	}
	var out outcome
	var parts []string
	for _, is := range rep.Findings {
		if !is.Severity.IsError() {
			continue
		}
		out.errors = true
		out.locations = append(out.locations, normalize(is.Expression))
		if len(parts) < 3 {
			parts = append(parts, is.Expression+" "+is.Rule)
		}
	}
	out.summary = strings.Join(parts, "; ")
	return out
}

// applyOptions maps a case's "option:NAME" settings to fhirlens options. An
// option fhirlens has no equivalent for makes the case unsupported, unless
// it does not change what is checked here.
func applyOptions(c *caseInfo, o *validator.Options) string {
	names := make([]string, 0, len(c.Options))
	for k := range c.Options {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		raw := c.Options[k]
		var s string
		json.Unmarshal(raw, &s)
		switch k {
		case "fetcher":
			// "standalone": nothing is fetched from the web; fhirlens never does.
		case "examples":
			o.DisallowExampleURLs = string(raw) == "false"
		case "security-checks":
			o.SecurityChecks = string(raw) == "true"
		case "allow-comments":
			o.AllowComments = string(raw) == "true"
		case "allowed-extension-domain":
			o.ExtensionDomains = append(o.ExtensionDomains, s)
		case "bundle-param":
			var b struct{ Rule, Profile string }
			if err := json.Unmarshal(raw, &b); err != nil {
				return "option bundle-param unreadable: " + err.Error()
			}
			o.BundleProfiles = append(o.BundleProfiles, validator.BundleProfile{Rule: b.Rule, Profile: b.Profile})
		}
	}
	return ""
}

// caseDefinitions is the R4 core plus the conformance resources (JSON and
// XML) of the case's ig/ folder, loaded as a guide (nil when it has none).
func caseDefinitions(c *caseInfo) (*definitions.Set, *profile.Set, string) {
	if len(c.IG) == 0 {
		return nil, nil, ""
	}
	g := &profile.Guide{Name: "conformance.case", Version: "0.0.0", FHIRVersion: "4.0.1", Source: filepath.Join(c.Dir, "ig")}
	for _, f := range c.IG {
		b, err := os.ReadFile(filepath.Join(c.Dir, "ig", f))
		if err != nil {
			return nil, nil, "ig file unreadable: " + err.Error()
		}
		g.AddFile(f, b)
	}
	r4, err := definitions.R4()
	if err != nil {
		return nil, nil, err.Error()
	}
	set := r4.Clone()
	guides := []*profile.Guide{g}
	if err := profile.AddToDefinitions(set, guides); err != nil {
		return nil, nil, "ig: " + err.Error()
	}
	return set, profile.NewSet(set, guides), ""
}

// javaOutcome reads the reference validator's recorded OperationOutcome.
func javaOutcome(path string) (outcome, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return outcome{}, err
	}
	var oo struct {
		ErrorCount *int `json:"errorCount"`
		Issue      []struct {
			Severity   string   `json:"severity"`
			Expression []string `json:"expression"`
			Details    struct {
				Text string `json:"text"`
			} `json:"details"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(b, &oo); err != nil {
		return outcome{}, err
	}
	if oo.ErrorCount != nil && oo.Issue == nil {
		return outcome{errors: *oo.ErrorCount > 0}, nil
	}
	out := outcome{locations: []string{}}
	var parts []string
	for _, is := range oo.Issue {
		if is.Severity != "error" && is.Severity != "fatal" {
			continue
		}
		out.errors = true
		loc := ""
		if len(is.Expression) > 0 {
			loc = is.Expression[0]
		}
		out.locations = append(out.locations, normalize(loc))
		if len(parts) < 2 {
			msg := is.Details.Text
			if len(msg) > 90 {
				msg = msg[:90] + "…"
			}
			parts = append(parts, normalize(loc)+": "+msg)
		}
	}
	out.summary = strings.Join(parts, "; ")
	return out, nil
}

var (
	commentRE = regexp.MustCompile(`/\*[^*]*\*/`)
	filterRE  = regexp.MustCompile(`\[url='[^']*'\]`)
	ofTypeRE  = regexp.MustCompile(`\.ofType\(([A-Za-z]+)\)`)
)

// normalize writes an expression in one form for both validators: the
// reference validator's "value.ofType(integer)" becomes "valueInteger" (the
// JSON name fhirlens uses) and its "/*Patient/1*/" comments go.
func normalize(expr string) string {
	if strings.HasPrefix(expr, "/f:") {
		expr = fromXPath(expr)
	}
	expr = commentRE.ReplaceAllString(expr, "")
	expr = filterRE.ReplaceAllString(expr, "") // the reference validator's [url='…'] after an extension's index
	expr = strings.ReplaceAll(expr, "._", ".") // _valueX is the same element in FHIRPath
	expr = ofTypeRE.ReplaceAllStringFunc(expr, func(m string) string {
		t := ofTypeRE.FindStringSubmatch(m)[1]
		return strings.ToUpper(t[:1]) + t[1:]
	})
	return expr
}

// xpathStep is one step of the reference validator's XPath-style location
// for XML input: "f:entry[2]" (positions from 1).
var xpathStep = regexp.MustCompile(`^f:([A-Za-z0-9_]+)(?:\[(\d+)\])?$`)

// fromXPath turns "/f:Bundle/f:entry[2]/f:resource" into the FHIRPath form
// "Bundle.entry[1].resource"; a step it cannot read ends the conversion.
func fromXPath(xp string) string {
	var out []string
	for _, step := range strings.Split(strings.TrimPrefix(xp, "/"), "/") {
		m := xpathStep.FindStringSubmatch(step)
		if m == nil {
			break
		}
		seg := m[1]
		if len(out) > 0 && (out[len(out)-1] == "resource" || strings.HasPrefix(out[len(out)-1], "contained") || strings.HasPrefix(out[len(out)-1], "outcome")) &&
			seg[0] >= 'A' && seg[0] <= 'Z' {
			continue // XML wraps a nested resource in an element named by its type
		}
		if m[2] != "" {
			n := 0
			fmt.Sscan(m[2], &n)
			seg += fmt.Sprintf("[%d]", n-1)
		}
		out = append(out, seg)
	}
	return strings.Join(out, ".")
}

// steps splits an expression into its steps, indexes dropped.
func steps(expr string) []string {
	var out []string
	for _, s := range strings.Split(expr, ".") {
		if i := strings.IndexByte(s, '['); i >= 0 {
			s = s[:i]
		}
		out = append(out, s)
	}
	return out
}

// sameElement reports whether two locations name the same element, its
// parent or its child (indexes compared when both have them).
func sameElement(a, b string) bool {
	if a == b {
		return true
	}
	if strings.HasPrefix(b, a) && len(b) > len(a) && (b[len(a)] == '.' || b[len(a)] == '[') {
		return len(steps(b))-len(steps(a)) <= 1
	}
	if strings.HasPrefix(a, b) && len(a) > len(b) && (a[len(b)] == '.' || a[len(b)] == '[') {
		return len(steps(a))-len(steps(b)) <= 1
	}
	return false
}

// matchLocations counts the reference locations matched by a fhirlens
// location, and the fhirlens locations matched by no reference one.
func matchLocations(java, ours []string) (matched, extra int) {
	for _, j := range java {
		for _, o := range ours {
			if sameElement(j, o) {
				matched++
				break
			}
		}
	}
	for _, o := range ours {
		found := false
		for _, j := range java {
			if sameElement(j, o) {
				found = true
				break
			}
		}
		if !found {
			extra++
		}
	}
	return
}

// run is one comparison: a case, or a case's profile step.
type run struct {
	key      string // case name, or name + "#profile"
	c        *caseInfo
	java, us outcome
}

func (r *run) verdictAgrees() bool { return r.us.unsupported == "" && r.java.errors == r.us.errors }

// locationsAgree: the verdicts agree, every reference error location has a
// fhirlens error at the same element (or its parent/child) and fhirlens has
// no error elsewhere. Runs whose reference outcome has only a count agree on
// the verdict alone. A run that does not agree so is a disagreement.
func (r *run) locationsAgree() bool {
	if !r.verdictAgrees() {
		return false
	}
	if r.java.locations == nil {
		return true
	}
	m, extra := matchLocations(r.java.locations, r.us.locations)
	return m == len(r.java.locations) && extra == 0
}

// reason describes a disagreement for the list.
func (r *run) reason() string {
	switch {
	case r.us.unsupported != "":
		return r.us.unsupported
	case r.java.errors && !r.us.errors:
		return "missed: reference errors " + orCount(r.java.summary)
	case !r.java.errors && r.us.errors:
		return "extra errors: " + r.us.summary
	}
	return "locations: reference " + orCount(r.java.summary) + " | fhirlens " + r.us.summary
}

// generatedReason: the reason is one runCase or reason() wrote, not one
// written by hand after looking at the case.
func generatedReason(s string) bool {
	for _, p := range []string{"missed: ", "extra errors: ", "locations: ", "needs ", "ig: ", "ig file unreadable: ", "instance unreadable: ", "validator: "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func orCount(s string) string {
	if s == "" {
		return "(count only)"
	}
	return s
}

// group names the figure a run counts towards.
func (r *run) categories() []string {
	c := r.c
	var cats []string
	xml := strings.HasSuffix(c.Instance, ".xml")
	if strings.HasSuffix(r.key, "#profile") {
		if c.DiffOnly {
			return []string{"profile steps", "diff-only ig/"}
		}
		return []string{"profile steps"}
	}
	_, logical := c.Options["logical"]
	switch {
	case logical:
		// CDS Hooks JSON checked against logical models of a package
		// (hl7.fhir.uv.tools): not FHIR resources, not base R4.
		return []string{"logical models"}
	case c.Module == "questionnaire":
		cats = append(cats, "questionnaire")
	case !xml && len(c.IG) == 0:
		cats = append(cats, "base-R4")
	}
	if len(c.IG) > 0 {
		cats = append(cats, "with ig/")
	}
	if c.DiffOnly {
		cats = append(cats, "diff-only ig/")
	}
	if xml {
		cats = append(cats, "XML instances")
	}
	return cats
}

// isDiffOnlySD reports whether a file (JSON or XML) is a StructureDefinition
// without a snapshot.
func isDiffOnlySD(b []byte) bool {
	var sd struct {
		ResourceType string          `json:"resourceType"`
		Snapshot     json.RawMessage `json:"snapshot"`
		Differential json.RawMessage `json:"differential"`
	}
	if json.Unmarshal(b, &sd) == nil {
		return sd.ResourceType == "StructureDefinition" && sd.Snapshot == nil && sd.Differential != nil
	}
	x := string(b)
	return strings.Contains(x, "<StructureDefinition") && !strings.Contains(x, "<snapshot") && strings.Contains(x, "<differential")
}

func loadCases(t *testing.T) []*caseInfo {
	dir := filepath.Join(sharedtest.Path(), "conformance", "r4")
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("conformance cases missing at %s (set FHIRLENS_SHARED): %v", dir, err)
		}
		t.Skipf("conformance cases missing at %s (set FHIRLENS_SHARED)", dir)
	}
	var cases []*caseInfo
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		d := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(filepath.Join(d, "case.json"))
		if err != nil {
			t.Fatal(err)
		}
		c := &caseInfo{Dir: d}
		if err := json.Unmarshal(b, c); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		var raw map[string]json.RawMessage
		json.Unmarshal(b, &raw)
		json.Unmarshal(raw["ig"], &c.IG)
		for _, f := range c.IG {
			if b, err := os.ReadFile(filepath.Join(d, "ig", f)); err == nil && isDiffOnlySD(b) {
				c.DiffOnly = true
			}
		}
		for k, v := range raw {
			if name, ok := strings.CutPrefix(k, "option:"); ok {
				if c.Options == nil {
					c.Options = map[string]json.RawMessage{}
				}
				c.Options[name] = v
			}
		}
		if c.Module == "" {
			c.Module = "(none)"
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatalf("no conformance cases in %s", dir)
	}
	return cases
}

type tally struct{ runs, verdict, locCases, javaLocs, locMatched, extra int }

func (s *tally) add(r *run) {
	s.runs++
	if r.verdictAgrees() {
		s.verdict++
	}
	if r.locationsAgree() {
		s.locCases++
	}
	if r.java.locations != nil {
		s.javaLocs += len(r.java.locations)
		if r.us.unsupported == "" {
			m, extra := matchLocations(r.java.locations, r.us.locations)
			s.locMatched += m
			s.extra += extra
		}
	}
}

func (s *tally) String() string {
	pct := func(a, b int) float64 {
		if b == 0 {
			return 100
		}
		return 100 * float64(a) / float64(b)
	}
	return fmt.Sprintf("%3d runs: verdict %3d (%5.1f%%) · locations agree %3d (%5.1f%%) · reference error locations matched %d/%d (%5.1f%%), %d fhirlens errors elsewhere",
		s.runs, s.verdict, pct(s.verdict, s.runs), s.locCases, pct(s.locCases, s.runs), s.locMatched, s.javaLocs, pct(s.locMatched, s.javaLocs), s.extra)
}

func TestConformance(t *testing.T) {
	cases := loadCases(t)
	var runs []*run
	for _, c := range cases {
		j, err := javaOutcome(filepath.Join(c.Dir, c.Java))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		runs = append(runs, &run{key: c.Name, c: c, java: j, us: runCase(c, "")})
		if c.Profile != "" && c.JavaProfile != "" {
			j, err := javaOutcome(filepath.Join(c.Dir, c.JavaProfile))
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			runs = append(runs, &run{key: c.Name + "#profile", c: c, java: j, us: runCase(c, c.Profile)})
		}
	}

	modules := map[string]*tally{}
	cats := map[string]*tally{}
	for _, r := range runs {
		m := r.c.Module
		if strings.HasSuffix(r.key, "#profile") {
			m += " (profile step)"
		}
		if modules[m] == nil {
			modules[m] = &tally{}
		}
		modules[m].add(r)
		for _, c := range append(r.categories(), "all") {
			if cats[c] == nil {
				cats[c] = &tally{}
			}
			cats[c].add(r)
		}
		if cs := r.categories(); len(cs) > 0 && (cs[0] == "base-R4" || cs[0] == "questionnaire") {
			if cats["base-R4 + questionnaire"] == nil {
				cats["base-R4 + questionnaire"] = &tally{}
			}
			cats["base-R4 + questionnaire"].add(r)
		}
	}
	var names []string
	for m := range modules {
		names = append(names, m)
	}
	sort.Strings(names)
	for _, m := range names {
		t.Logf("module %-26s %s", m, modules[m])
	}
	for _, c := range []string{"base-R4", "questionnaire", "base-R4 + questionnaire", "with ig/", "diff-only ig/", "profile steps", "XML instances", "logical models", "all"} {
		if cats[c] != nil {
			t.Logf("%-24s %s", c, cats[c])
		}
	}

	listed := sharedtest.ReadReasons(t, disagreementsFile, "\t")
	// With -v, the base-R4 and questionnaire runs whose verdict differs, and
	// the verdict figure without those whose listed reason is that they need
	// a terminology server (SNOMED CT, LOINC … content fhirlens cannot hold).
	base, agree, tx := 0, 0, 0
	for _, r := range runs {
		if cs := r.categories(); len(cs) == 0 || cs[0] != "base-R4" && cs[0] != "questionnaire" {
			continue
		}
		base++
		if r.verdictAgrees() {
			agree++
			continue
		}
		if strings.HasPrefix(listed[r.key], "terminology server") {
			tx++
		}
		t.Logf("verdict differs: %s (reference errors: %v, fhirlens errors: %v): %s", r.key, r.java.errors, r.us.errors, listed[r.key])
	}
	t.Logf("base-R4 + questionnaire verdicts: %d/%d agree; %d of the %d that differ need a terminology server; without them %d/%d agree",
		agree, base, tx, base-agree, agree, base-tx)
	if golden.Update() {
		var b strings.Builder
		b.WriteString("# Conformance cases where fhirlens and the HL7 reference validator disagree (verdict or error\n")
		b.WriteString("# locations), one per line: case name (\"#profile\" for its profile step), a tab, the reason.\n")
		b.WriteString("# The list can only shrink: a listed case that starts agreeing fails the test until removed.\n")
		for _, r := range runs {
			if r.locationsAgree() {
				continue
			}
			// A written reason stays; the generated ones are made afresh.
			reason := listed[r.key]
			if reason == "" || generatedReason(reason) {
				reason = r.reason()
			}
			fmt.Fprintf(&b, "%s\t%s\n", r.key, strings.ReplaceAll(reason, "\n", " "))
		}
		if err := os.WriteFile(disagreementsFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.key] = true
		_, isListed := listed[r.key]
		switch {
		case !r.locationsAgree() && !isListed:
			t.Errorf("%s disagrees with the reference validator and is not in %s: %s", r.key, disagreementsFile, r.reason())
		case r.locationsAgree() && isListed:
			t.Errorf("%s now agrees with the reference validator: remove it from %s", r.key, disagreementsFile)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(listed)) {
		if !seen[name] {
			t.Errorf("%s is listed in %s but is not a conformance case", name, disagreementsFile)
		}
	}
}
