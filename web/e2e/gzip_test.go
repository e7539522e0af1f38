package e2e

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGzipInputs: multi-member gzip is read whole (members split inside and
// across the page's 1 MB chunks, zero padding after the last), a
// decompression bomb stops at its limit with a message and the app
// recovers, and a file over the page's size limit is refused up front.
func TestGzipInputs(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)

	t.Run("members", func(t *testing.T) {
		// In the page: members of every size against the 1 MB chunks, made
		// by the browser's own CompressionStream; the result must be the
		// concatenation, byte for byte.
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
			const { gunzip } = await import('./js/inputs.js');
			const gz = async (b) => new Uint8Array(await new Response(new Blob([b]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
			const noise = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536)); return b; };
			const cat = (parts) => { const n = parts.reduce((s, p) => s + p.length, 0); const o = new Uint8Array(n); let i = 0; for (const p of parts) { o.set(p, i); i += p.length; } return o; };
			const results = [];
			for (const sizes of [[10, 20, 30], [1048000, 5], [1048576 - 18, 100, 2500000], [1048576 - 40, 3], [3000000]]) {
				const plain = sizes.map((n) => noise(n));
				const members = await Promise.all(plain.map(gz));
				for (const pad of [0, 512]) {
					const input = cat([...members, new Uint8Array(pad)]);
					const out = await gunzip(input, 'test.json.gz');
					const want = cat(plain);
					results.push(out.length === want.length && out.every((b, i) => b === want[i]) ? 'ok' : 'MISMATCH ' + sizes + ' pad ' + pad + ': ' + out.length + ' vs ' + want.length);
				}
			}
			try { await gunzip(cat([await gz(new Uint8Array(10)), new Uint8Array([1, 2, 3])]), 'junk.json.gz'); results.push('junk accepted'); }
			catch (e) { results.push(e.message.includes('not gzip') ? 'ok' : 'junk: ' + e.message); }
			return results.join(' ');
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if want := "ok ok ok ok ok ok ok ok ok ok ok"; got != want {
			t.Errorf("gunzip in the page: %s, want %s", got, want)
		}
	})

	dir := t.TempDir()
	// A fresh page for each drop: a file dropped after results joins them
	// instead of replacing them.
	// A new tab, not a navigation: the page may ask before it is left.
	reload := func(t *testing.T) {
		ctx = newTab(t)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	}
	t.Run("multi-member bundle", func(t *testing.T) {
		doc := []byte(`{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:4c2a1c52-3b89-4d7e-8a25-5f0a0a9d6f01","resource":{"resourceType":"Basic","id":"b1","code":{"text":"two members"}}}]}`)
		half := len(doc) / 2
		p := filepath.Join(dir, "two-members.json.gz")
		if err := os.WriteFile(p, append(gzipBytes(t, doc[:half]), gzipBytes(t, doc[half:])...), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, dropFiles(p)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
		contains(t, "verdict", evalString(t, ctx, `document.getElementById('verdict').textContent`), "No errors")
	})

	t.Run("bomb", func(t *testing.T) {
		reload(t)
		// 320 MB of zeros in 80 members: 80 KB on disk.
		one := gzipBytes(t, make([]byte, 4<<20))
		p := filepath.Join(dir, "bomb.json.gz")
		if err := os.WriteFile(p, bytes.Repeat(one, 80), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, dropFiles(p)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'failed'`, 60*time.Second)
		contains(t, "failure", evalString(t, ctx, `document.getElementById('failure-message').textContent`), "bomb.json.gz expands more than 200× (")
	})

	t.Run("utf-16", func(t *testing.T) {
		reload(t)
		p := filepath.Join(dir, "utf16.json")
		data := []byte{0xFF, 0xFE}
		for _, r := range `{"resourceType":"Patient"}` {
			data = append(data, byte(r), 0)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, dropFiles(p)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'failed'`, 60*time.Second)
		contains(t, "failure", evalString(t, ctx, `document.getElementById('failure-message').textContent`), "utf16.json is UTF-16 text (little-endian, with a byte-order mark); FHIR JSON must be UTF-8")
	})

	t.Run("too large", func(t *testing.T) {
		reload(t)
		p := filepath.Join(dir, "huge.json")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(300 << 20); err != nil { // sparse: no disk used
			t.Fatal(err)
		}
		f.Close()
		if err := chromedp.Do(ctx, dropFiles(p)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'failed'`, 60*time.Second)
		contains(t, "failure", evalString(t, ctx, `document.getElementById('failure-message').textContent`), "huge.json is 300.0 MB; this page reads files up to 200.0 MB")
		// The app recovers: a valid file dropped now is validated.
		if err := chromedp.Do(ctx, dropFiles(filepath.Join(dir, "two-members.json.gz"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
	})
}
