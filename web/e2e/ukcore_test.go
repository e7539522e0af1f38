package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// TestUKCoreGuide: UK Core 2.0.2 as NHS England keeps it (XML differentials,
// no snapshots), packed at test time into a .tgz and dropped on the page as a
// guide, gets its snapshots generated in the worker; a UK Core example chosen
// against UKCore-Patient in the profile picker is clean, and broken variants
// get the error naming the UK Core profile or extension at the element.
func TestUKCoreGuide(t *testing.T) {
	requireBrowser(t)
	folder := filepath.Join(sharedtest.Dir(t), "ig", "uk-core-2.0.2")
	manifest, err := os.ReadFile(filepath.Join(folder, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pj struct{ Name, Version string }
	if err := json.Unmarshal(manifest, &pj); err != nil || pj.Name == "" {
		t.Fatalf("package.json: %v %+v", err, pj)
	}
	dir := t.TempDir()
	pkg := filepath.Join(dir, "uk-core.tgz")
	if err := packFolder(folder, pkg, string(manifest)); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(folder, "examples", "UKCore-Patient-RichardSmith-Example.xml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, from, to string) string {
		t.Helper()
		if !strings.Contains(string(orig), from) {
			t.Fatalf("the example no longer holds %q", from)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Replace(string(orig), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	valid := write("UKCore-Patient-RichardSmith-Example.xml", "", "")
	variants := []struct {
		name, path, profile, where string
	}{
		{"NHS number slice without its value",
			write("no-nhs-number-value.xml", `<value value="9912003888" />`, ``),
			"UKCore-Patient", "Patient.identifier[0]"},
		{"wrong NHS Number verification status code",
			write("bad-verification-code.xml", `<code value="01" />`, `<code value="99" />`),
			"Extension-UKCore-NHSNumberVerificationStatus", "Patient.identifier[0].extension[0]"},
	}

	srv := startApp(t)
	ctx := newTab(t)
	netlog := watchNetwork(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)

	const profileURL = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
	guide := `document.querySelector('#guide-list li[data-key="` + pj.Name + `#` + pj.Version + `"]')`
	t.Run("drop UK Core as a guide", func(t *testing.T) {
		if err := chromedp.Do(ctx, dropFiles(pkg)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](guide+` !== null || document.getElementById('guide-status').textContent.includes('could not')`,
			chromedp.WithPollingTimeout(3*time.Minute), chromedp.WithPollingInterval(250*time.Millisecond))); err != nil {
			t.Fatalf("the guide was not listed: %v (status: %s)", err, evalString(t, ctx, `document.getElementById('guide-status').textContent`))
		}
		if evalString(t, ctx, `String(`+guide+` !== null)`) != "true" {
			t.Fatalf("the guide was not loaded: %s", evalString(t, ctx, `document.getElementById('guide-status').textContent`))
		}
		contains(t, "guide", evalString(t, ctx, guide+`.innerText`), "profiles")
		// choose UKCore-Patient: the example does not claim it in meta.profile
		got := evalString(t, ctx, `(() => { const s = document.getElementById('profile-select');
			if (![...s.options].some((o) => o.value === '`+profileURL+`')) return 'no option ' + s.innerText;
			s.value = '`+profileURL+`'; s.dispatchEvent(new Event('change')); return s.value; })()`)
		if got != profileURL {
			t.Fatalf("profile picker: %s", got)
		}
		screenshot(t, ctx, "ukcore-01-guide")
	})

	type found struct{ Severity, Rule, Message, Expression, Profile string }
	report := func(t *testing.T, path string) []found {
		t.Helper()
		name := filepath.Base(path)
		if err := chromedp.Do(ctx, dropFiles(path)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done' && fhirlens.state.files[0].name === '`+name+`' && !!fhirlens.state.files[0].reportJSON`, 3*time.Minute)
		var rep struct {
			Findings []found `json:"findings"`
		}
		if err := json.Unmarshal([]byte(evalString(t, ctx, `fhirlens.state.files[0].reportJSON`)), &rep); err != nil {
			t.Fatal(err)
		}
		return rep.Findings
	}

	t.Run("the example is clean against UKCore-Patient", func(t *testing.T) {
		findings := report(t, valid)
		for _, f := range findings {
			if f.Severity == "error" || f.Severity == "fatal" {
				t.Errorf("error: %s %s: %s", f.Rule, f.Expression, f.Message)
			}
			if f.Rule == "profile.not-checked" || strings.Contains(f.Message, "could not be generated") {
				t.Errorf("profile not applied: %s %s", f.Rule, f.Message)
			}
		}
		screenshot(t, ctx, "ukcore-02-clean")
	})

	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			findings := report(t, v.path)
			var errs []string
			ok := false
			for _, f := range findings {
				if f.Severity != "error" && f.Severity != "fatal" {
					continue
				}
				errs = append(errs, f.Expression+" "+f.Rule+" "+f.Message+" ["+f.Profile+"]")
				if strings.Contains(f.Expression, v.where) && (strings.Contains(f.Profile, v.profile) || strings.Contains(f.Message, v.profile)) {
					ok = true
					t.Logf("caught: %s: %s", f.Expression, f.Message)
				}
			}
			if !ok {
				t.Errorf("no error at %s naming %s; errors: %v", v.where, v.profile, errs)
			}
		})
	}

	t.Run("no request left the page", func(t *testing.T) {
		for _, u := range netlog.snapshot() {
			if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") {
				continue
			}
			if !strings.HasPrefix(u, srv.URL+"/") {
				t.Errorf("request outside the page's origin: %s", u)
			}
		}
		for _, r := range srv.requests() {
			if !strings.HasPrefix(r, "GET ") {
				t.Errorf("the page sent something to the server: %s", r)
			}
			if strings.Contains(r, ".tgz") || strings.Contains(r, "RichardSmith") {
				t.Errorf("an input went to the server: %s", r)
			}
		}
	})
}
