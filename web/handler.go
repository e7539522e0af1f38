package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"

	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// ContentSecurityPolicy is sent with every response. index.html repeats it
// (without frame-ancestors, which a meta tag cannot carry) for static hosts.
// The page may load only its own files; 'wasm-unsafe-eval' lets it compile
// the validator, and nothing else is allowed to run.
const ContentSecurityPolicy = "default-src 'self'; connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; frame-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// PermissionsPolicy switches off the powerful browser features the app
// never uses, so nothing running in the page (or a frame in it) can ask.
const PermissionsPolicy = "accelerometer=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), " +
	"magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".md":   "text/plain; charset=utf-8",
	".bin":  "application/octet-stream", // gen/r4.bin (fetched with the wasm) and gen/stu3.bin (on first need): compact definitions
}

// Handler serves the app in fsys: GET and HEAD only, no directory listings,
// a precompressed name.gz twin when the client accepts gzip, and an ETag with
// "Cache-Control: no-cache" (file names carry no hash, so browsers revalidate
// and get 304 Not Modified while nothing changed).
func Handler(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys}
}

type handler struct {
	fsys  fs.FS
	etags sync.Map // name → quoted ETag
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
	hdr.Set("Cross-Origin-Resource-Policy", "same-origin")
	hdr.Set("Permissions-Policy", PermissionsPolicy)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if !fs.ValidPath(name) || strings.HasSuffix(name, ".gz") || name == "gen/README.md" {
		http.NotFound(w, r)
		return
	}
	ctype, known := contentTypes[path.Ext(name)]
	if !known {
		http.NotFound(w, r)
		return
	}
	served := name
	if acceptsGzip(r) {
		if _, err := fs.Stat(h.fsys, name+".gz"); err == nil {
			served = name + ".gz"
		}
	}
	data, err := fs.ReadFile(h.fsys, served)
	if err != nil {
		if served != name { // a broken twin: fall back to the plain file
			served = name
			data, err = fs.ReadFile(h.fsys, name)
		}
		if err != nil {
			http.NotFound(w, r)
			return
		}
	}
	hdr.Set("Content-Type", ctype)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Add("Vary", "Accept-Encoding")
	if served != name {
		hdr.Set("Content-Encoding", "gzip")
	}
	hdr.Set("ETag", h.etag(served, data))
	// One byte range at most: 2,000 one-byte ranges in one request made a
	// 6.5 KB file 44× larger (security probe, issue 17). A multi-range
	// request gets the whole file.
	if strings.Contains(r.Header.Get("Range"), ",") {
		r.Header.Del("Range")
	}
	// ServeContent answers If-None-Match with 304 and handles HEAD and ranges.
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(data))
}

func (h *handler) etag(name string, data []byte) string {
	if tag, ok := h.etags.Load(name); ok {
		return tag.(string)
	}
	sum := sha256.Sum256(data)
	tag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h.etags.Store(name, tag)
	return tag
}

// acceptsGzip reports whether Accept-Encoding lists gzip without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// zeroTime makes ServeContent skip Last-Modified: embedded files have no
// modification time, and the ETag already identifies the content.
var zeroTime = time.Time{}
