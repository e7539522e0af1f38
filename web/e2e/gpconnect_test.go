package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// TestGPConnectGuide: NHS Digital's STU3 assets (≈ 1,000 XML files), packed
// at test time into a .tgz and dropped on the page as a guide, are read as
// STU3 (nothing in the package says so but the profiles' fhirVersion) and
// listed; the GP Connect structured record (the CLI test's fixture) then
// validates against the CareConnect-GPC profiles it claims — clean, while a
// variant breaking a GPC fixed value gets the finding naming that profile —
// and its Record view shows its List. No request leaves the app's origin.
func TestGPConnectGuide(t *testing.T) {
	requireBrowser(t)
	assets := filepath.Join(sharedtest.Dir(t), "ig", "nhs-stu3-fhir-assets")
	dir := t.TempDir()
	pkg := filepath.Join(dir, "nhs-stu3-fhir-assets.tgz")
	if err := packFolder(assets, pkg, `{"name":"nhs.stu3.assets","version":"0.0.0-test"}`); err != nil {
		t.Fatal(err)
	}
	record, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "gpconnect", "structured-record.xml"))
	if err != nil {
		t.Fatal(err)
	}
	valid := filepath.Join(dir, "structured-record.xml")
	broken := filepath.Join(dir, "structured-record-unconfirmed.xml")
	const from, to = `<verificationStatus value="unconfirmed"/>`, `<verificationStatus value="confirmed"/>`
	if !bytes.Contains(record, []byte(from)) {
		t.Fatalf("the fixture has no %s", from)
	}
	if os.WriteFile(valid, record, 0o644) != nil || os.WriteFile(broken, bytes.Replace(record, []byte(from), []byte(to), 1), 0o644) != nil {
		t.Fatal("writing the records")
	}

	srv := startApp(t)
	ctx := newTab(t)
	netlog := watchNetwork(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)

	const guide = `document.querySelector('#guide-list li[data-key="nhs.stu3.assets#0.0.0-test"]')`
	t.Run("drop the assets as a guide", func(t *testing.T) {
		if err := chromedp.Do(ctx, dropFiles(pkg)); err != nil {
			t.Fatal(err)
		}
		// Loading ~370 profiles in the worker takes a while on a loaded machine.
		if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](guide+` !== null || document.getElementById('guide-status').textContent.includes('could not')`,
			chromedp.WithPollingTimeout(6*time.Minute), chromedp.WithPollingInterval(250*time.Millisecond))); err != nil {
			t.Fatalf("the guide was not listed: %v (status: %s)", err, evalString(t, ctx, `document.getElementById('guide-status').textContent`))
		}
		if evalString(t, ctx, `String(`+guide+` !== null)`) != "true" {
			t.Fatalf("the guide was not loaded: %s", evalString(t, ctx, `document.getElementById('guide-status').textContent`))
		}
		item := evalString(t, ctx, guide+`.innerText`)
		contains(t, "guide", item, "nhs.stu3.assets")
		contains(t, "guide", item, "profiles")
		contains(t, "profile picker", evalString(t, ctx, `document.getElementById('profile-select').innerText`), "CareConnect-GPC-Patient-1")
		screenshot(t, ctx, "gpconnect-01-guide")
	})

	// report drops one record and returns its FHIR version and findings.
	type found struct{ Severity, Rule, Message string }
	report := func(t *testing.T, path string) (string, []found) {
		t.Helper()
		name := filepath.Base(path)
		if err := chromedp.Do(ctx, dropFiles(path)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done' && fhirlens.state.files[0].name === '`+name+`' && !!fhirlens.state.files[0].reportJSON`, 3*time.Minute)
		var rep struct {
			FHIRVersion string  `json:"fhirVersion"`
			Findings    []found `json:"findings"`
		}
		if err := json.Unmarshal([]byte(evalString(t, ctx, `fhirlens.state.files[0].reportJSON`)), &rep); err != nil {
			t.Fatal(err)
		}
		return rep.FHIRVersion, rep.Findings
	}

	t.Run("a broken GPC fixed value is caught by its profile", func(t *testing.T) {
		version, findings := report(t, broken)
		if version != "3.0.1" {
			t.Errorf("validated against FHIR %q, want 3.0.1", version)
		}
		ok := false
		for _, f := range findings {
			ok = ok || f.Severity == "error" && strings.Contains(f.Message, "CareConnect-GPC-AllergyIntolerance-1")
		}
		if !ok {
			t.Errorf("no error naming CareConnect-GPC-AllergyIntolerance-1 for verificationStatus 'confirmed': %+v", findings)
		}
	})

	t.Run("the structured record is clean against the GPC profiles", func(t *testing.T) {
		version, findings := report(t, valid)
		if version != "3.0.1" {
			t.Errorf("validated against FHIR %q, want 3.0.1", version)
		}
		for _, f := range findings {
			switch {
			case f.Severity == "error" || f.Severity == "fatal":
				t.Errorf("error: %s %s", f.Rule, f.Message)
			case strings.Contains(f.Message, "has not been checked") || f.Rule == "profile.not-checked":
				// a claimed profile the guide does not hold would be this
				t.Errorf("profile not applied: %s %s", f.Rule, f.Message)
			}
		}
		screenshot(t, ctx, "gpconnect-02-clean")
	})

	t.Run("record view shows the List", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-record"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.querySelector('#record-root .rc-banner') !== null || document.querySelector('#record-root section') !== null`, 30*time.Second)
		text := evalString(t, ctx, `document.getElementById('record-root').innerText`)
		contains(t, "record view", text, "Allergies and adverse reactions")
		contains(t, "record view", text, "Amoxicillin allergy")
		screenshot(t, ctx, "gpconnect-03-record")
	})

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
			if strings.Contains(r, ".tgz") || strings.Contains(r, "structured-record") {
				t.Errorf("an input went to the server: %s", r)
			}
		}
	})
}

// packFolder writes the .json and .xml files of dir (subfolders flattened
// into their names) as a FHIR package with the given package.json.
func packFolder(dir, out, manifest string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	put := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: "package/" + name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := put("package.json", []byte(manifest)); err != nil {
		return err
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		lower := strings.ToLower(d.Name())
		if !strings.HasSuffix(lower, ".json") && !strings.HasSuffix(lower, ".xml") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		return put(strings.ReplaceAll(filepath.ToSlash(rel), "/", "-"), data)
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}
