package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Grouped by resource, a contained resource's findings are listed under
// the resource that contains it, in a Bundle as in a lone resource.
func TestGroupByResource(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	ctx := newTab(t)
	const bundle = `{"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"urn:uuid:6a1d2c3e-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","id":"p1","colour":"x","contained":[{"resourceType":"Organization","id":"o1","shade":"y"},{"resourceType":"Organization","id":"o2","hue":"z"}],"managingOrganization":{"reference":"#o1"},"generalPractitioner":[{"reference":"#o2"}]}},
{"fullUrl":"urn:uuid:6a1d2c3e-0000-4000-8000-000000000002","resource":{"resourceType":"Observation","id":"b1","status":"final","code":{"text":"x"},"tint":"w"}}]}`
	path := filepath.Join(t.TempDir(), "contained.json")
	if err := os.WriteFile(path, []byte(bundle), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	if err := chromedp.Do(ctx, dropFiles(path)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("group-by"), "resource"), chromedp.Evaluate[chromedp.Void](`document.getElementById('group-by').dispatchEvent(new Event('change'))`)); err != nil {
		t.Fatal(err)
	}
	// Each group: its head's resource, then the rules of its findings.
	got := evalString(t, ctx, `[...document.querySelectorAll('#issue-list .issue-group')].map(g => g.querySelector('.res-id') ? g.querySelector('.res-id').textContent + ':' + [...g.querySelectorAll('.issue-items li')].filter(li => li.textContent.includes('unknown element')).length : '').join(' ')`)
	if got != "p1:3 b1:1" {
		t.Errorf("groups by resource (id:unknown-element findings) = %q, want \"p1:3 b1:1\" (the contained organisations' findings under p1)", got)
	}
}
