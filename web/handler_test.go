package web

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func builtApp() fstest.MapFS {
	return fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>t</title>")},
		"js/app.js":            {Data: []byte("console.log(1)")},
		"css/app.css":          {Data: []byte("body{}")},
		"gen/fhirlens.wasm":    {Data: []byte("\x00asm plain")},
		"gen/fhirlens.wasm.gz": {Data: []byte("gzipped bytes")},
		"gen/wasm_exec.js":     {Data: []byte("// go")},
		"gen/r4.bin":           {Data: []byte("definitions")},
		"gen/README.md":        {Data: []byte("build output")},
		"notes.txt":            {Data: []byte("not served")},
	}
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandlerServesFilesWithTypesAndHeaders(t *testing.T) {
	h := Handler(builtApp())
	tests := []struct {
		path, wantType, wantBody string
	}{
		{"/", "text/html; charset=utf-8", "<!doctype html><title>t</title>"},
		{"/index.html", "text/html; charset=utf-8", "<!doctype html><title>t</title>"},
		{"/js/app.js", "text/javascript; charset=utf-8", "console.log(1)"},
		{"/css/app.css", "text/css; charset=utf-8", "body{}"},
		{"/gen/fhirlens.wasm", "application/wasm", "\x00asm plain"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := get(t, h, "GET", tt.path, nil)
			if r.StatusCode != 200 {
				t.Fatalf("status %d", r.StatusCode)
			}
			if got := r.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if got := body(t, r); got != tt.wantBody {
				t.Errorf("body = %q, want %q", got, tt.wantBody)
			}
			if got := r.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
				t.Errorf("CSP = %q", got)
			}
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache", "Referrer-Policy": "no-referrer", "Permissions-Policy": PermissionsPolicy} {
				if got := r.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if r.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
		})
	}
}

// TestHandlerSingleRangeOnly: one range is served as 206; a request for
// many ranges (2,000 one-byte ranges amplified a file 44×) gets the file
// once, as 200.
func TestHandlerSingleRangeOnly(t *testing.T) {
	h := Handler(builtApp())
	r := get(t, h, "GET", "/js/app.js", map[string]string{"Range": "bytes=0-6"})
	if r.StatusCode != http.StatusPartialContent || body(t, r) != "console" {
		t.Errorf("single range: status %d", r.StatusCode)
	}
	many := "bytes=" + strings.TrimSuffix(strings.Repeat("0-0,", 2000), ",")
	r = get(t, h, "GET", "/js/app.js", map[string]string{"Range": many})
	if got := body(t, r); r.StatusCode != 200 || got != "console.log(1)" {
		t.Errorf("2,000 ranges: status %d, %d bytes; want 200 and the file once", r.StatusCode, len(got))
	}
	r = get(t, h, "GET", "/js/app.js", map[string]string{"Range": "bytes=0-1,3-4"})
	if r.StatusCode != 200 {
		t.Errorf("two ranges: status %d, want 200", r.StatusCode)
	}
}

func TestHandlerServesGzipTwinOnlyWhenAccepted(t *testing.T) {
	h := Handler(builtApp())
	tests := []struct {
		acceptEncoding string
		wantGzip       bool
	}{
		{"", false},
		{"gzip", true},
		{"br, gzip, deflate", true},
		{"gzip;q=0", false},
		{"gzip; q=0.5", true},
		{"br", false},
	}
	for _, tt := range tests {
		r := get(t, h, "GET", "/gen/fhirlens.wasm", map[string]string{"Accept-Encoding": tt.acceptEncoding})
		got := body(t, r)
		if tt.wantGzip {
			if r.Header.Get("Content-Encoding") != "gzip" || got != "gzipped bytes" {
				t.Errorf("Accept-Encoding %q: got encoding %q body %q, want the gzip twin", tt.acceptEncoding, r.Header.Get("Content-Encoding"), got)
			}
		} else if r.Header.Get("Content-Encoding") != "" || got != "\x00asm plain" {
			t.Errorf("Accept-Encoding %q: got encoding %q body %q, want the plain file", tt.acceptEncoding, r.Header.Get("Content-Encoding"), got)
		}
		if r.Header.Get("Content-Type") != "application/wasm" {
			t.Errorf("Accept-Encoding %q: Content-Type %q", tt.acceptEncoding, r.Header.Get("Content-Type"))
		}
		if !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", tt.acceptEncoding)
		}
	}
}

func TestHandlerRevalidatesWithETag(t *testing.T) {
	h := Handler(builtApp())
	first := get(t, h, "GET", "/js/app.js", nil)
	tag := first.Header.Get("ETag")
	again := get(t, h, "GET", "/js/app.js", map[string]string{"If-None-Match": tag})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: status %d, want 304", again.StatusCode)
	}
	gz := get(t, h, "GET", "/gen/fhirlens.wasm", map[string]string{"Accept-Encoding": "gzip"})
	plain := get(t, h, "GET", "/gen/fhirlens.wasm", nil)
	if gz.Header.Get("ETag") == plain.Header.Get("ETag") {
		t.Error("the gzip twin and the plain file share an ETag")
	}
}

func TestHandlerRefuses(t *testing.T) {
	h := Handler(builtApp())
	tests := []struct {
		method, path string
		want         int
	}{
		{"POST", "/", http.StatusMethodNotAllowed},
		{"PUT", "/js/app.js", http.StatusMethodNotAllowed},
		{"GET", "/missing.js", http.StatusNotFound},
		{"GET", "/js/", http.StatusNotFound},
		{"GET", "/js", http.StatusNotFound},
		{"GET", "/notes.txt", http.StatusNotFound},            // unknown type
		{"GET", "/gen/README.md", http.StatusNotFound},        // build notes are not part of the app
		{"GET", "/gen/fhirlens.wasm.gz", http.StatusNotFound}, // twins only through Accept-Encoding
		{"GET", "/../index.html", http.StatusOK},              // cleaned: stays inside the app
		{"GET", "/%2e%2e/handler.go", http.StatusNotFound},
	}
	for _, tt := range tests {
		r := get(t, h, tt.method, tt.path, nil)
		if r.StatusCode != tt.want {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, r.StatusCode, tt.want)
		}
	}
	if r := get(t, h, "HEAD", "/js/app.js", nil); r.StatusCode != 200 || body(t, r) != "" {
		t.Errorf("HEAD: status %d", r.StatusCode)
	}
}

func TestCheckBuilt(t *testing.T) {
	if err := CheckBuilt(builtApp()); err != nil {
		t.Errorf("built app: %v", err)
	}
	bare := builtApp()
	delete(bare, "gen/fhirlens.wasm")
	if err := CheckBuilt(bare); !errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), "make web") {
		t.Errorf("app without wasm: %v, want ErrNotBuilt saying to run make web", err)
	}
}

// The embedded page repeats the server's CSP in a meta tag and has no inline
// script, event handler or style attribute for that policy to block.
func TestIndexHTMLMatchesPolicy(t *testing.T) {
	page, err := fs.ReadFile(Files(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(html)
	if m == nil {
		t.Fatal("index.html has no CSP meta tag")
	}
	want := strings.TrimSuffix(ContentSecurityPolicy, "; frame-ancestors 'none'")
	if m[1] != want {
		t.Errorf("meta CSP = %q\nwant      %q (the header's policy without frame-ancestors)", m[1], want)
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`),     // inline script
		regexp.MustCompile(`<script(?:\s(?:[^>s]|s[^r]|sr[^c])*)?>`), // script without src
		regexp.MustCompile(`\son[a-z]+\s*=`),                         // event handler attribute
		regexp.MustCompile(`\sstyle\s*=`),                            // style attribute
		regexp.MustCompile(`(?i)(src|href)="(https?:)?//`),           // another origin
	} {
		if loc := bad.FindStringIndex(html); loc != nil {
			t.Errorf("index.html breaks the policy at %q", html[loc[0]:min(loc[1]+40, len(html))])
		}
	}
}

// Any request path and Accept-Encoding gets an answer about the app's own
// files: never a panic, never a file outside the app.
func FuzzHandler(f *testing.F) {
	for _, seed := range [][2]string{{"/", "gzip"}, {"/gen/fhirlens.wasm", "gzip;q=0"}, {"/../../etc/passwd", ""}, {"/js/%2e%2e/notes.txt", "br"}, {"//gen//fhirlens.wasm", "GZIP"}} {
		f.Add(seed[0], seed[1])
	}
	app := builtApp()
	h := Handler(app)
	contents := map[string]bool{}
	for _, file := range app {
		contents[string(file.Data)] = true
	}
	f.Fuzz(func(t *testing.T, target, acceptEncoding string) {
		req, err := http.NewRequest("GET", "http://app.test/", nil)
		if err != nil {
			t.Skip()
		}
		req.URL.Path = target
		req.Header.Set("Accept-Encoding", acceptEncoding)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			if !contents[rec.Body.String()] {
				t.Fatalf("GET %q served %q, which is no file of the app", target, rec.Body.String())
			}
			if rec.Body.String() == "not served" || rec.Body.String() == "build output" {
				t.Fatalf("GET %q served a file that is not part of the app", target)
			}
		case 404, 304:
		default:
			t.Fatalf("GET %q: status %d", target, rec.Code)
		}
	})
}
