# web.mk — the browser app (issue 5): the validator compiled to WebAssembly,
# the static page in web/, `fhirlens serve`, and the browser tests.
# Included by the Makefile, which defines GO and BIN.

GOROOT_WASM := $(shell $(GO) env GOROOT)/lib/wasm
WEB_GEN := web/gen
WASM_OUT := $(WEB_GEN)/fhirlens.wasm
WEB_VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
WEB_COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
# The CLI and the wasm carry the same version and commit (`fhirlens version`,
# the page's footer, and every conformance report).
VERSION_LDFLAGS := -X main.version=$(WEB_VERSION) -X main.commit=$(WEB_COMMIT)
ADDR ?= 127.0.0.1:8080
SAMPLES := $(wildcard testdata/samples/*.json)

.PHONY: wasm web web-dist gzip-wasm run wasm-test install-browser browser-test bench-web

# The validator for the browser. -trimpath and -s -w keep the transfer small.
wasm:
	@mkdir -p $(WEB_GEN)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w $(VERSION_LDFLAGS)' -o $(WASM_OUT) ./wasm

# Everything the page needs: the wasm, Go's JS glue, the samples, pdf.js
# (web/vendor/pdfjs, see its README), and gzip
# twins that `fhirlens serve` sends to browsers accepting gzip.
web: wasm
	cp $(GOROOT_WASM)/wasm_exec.js $(WEB_GEN)/wasm_exec.js
	@mkdir -p $(WEB_GEN)/samples
	cp $(SAMPLES) $(WEB_GEN)/samples/
	cp validator/definitions/stu3/stu3.bin $(WEB_GEN)/stu3.bin
	cp validator/definitions/r4.bin $(WEB_GEN)/r4.bin
	@mkdir -p $(WEB_GEN)/pdfjs
	cp web/vendor/pdfjs/pdf.min.mjs $(WEB_GEN)/pdfjs/
	cat web/vendor/pdfjs/pdf.worker.min.mjs.part1 web/vendor/pdfjs/pdf.worker.min.mjs.part2 > $(WEB_GEN)/pdfjs/pdf.worker.min.mjs
	cd $(WEB_GEN)/pdfjs && sha256sum --quiet -c ../../vendor/pdfjs/SHA256SUMS
	@for f in $(WEB_GEN)/wasm_exec.js $(WEB_GEN)/r4.bin $(WEB_GEN)/samples/*.json $(WEB_GEN)/pdfjs/*.mjs; do gzip -9 -n -k -f "$$f"; done
	@$(MAKE) --no-print-directory gzip-wasm
	@echo "web app built in web/ (wasm $$(du -k $(WASM_OUT) | cut -f1) KB, gzip $$(du -k $(WASM_OUT).gz | cut -f1) KB)"

# The wasm's gzip twin is made by zopfli: standard gzip that browsers read
# as any other, about 4% (130 KB) smaller than gzip -9, which keeps the
# transfer under its 3 MB budget. It takes ~25 s of CPU, so it is redone
# only when the wasm changed (a stamp holds the wasm's sha256; go builds are
# reproducible). Without zopfli (and not root to install it), gzip -9.
gzip-wasm:
	@command -v zopfli >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q zopfli >/dev/null 2>&1; } || true
	@sum=$$(sha256sum $(WASM_OUT) | cut -d' ' -f1); stamp=$(WEB_GEN)/.fhirlens.wasm.gz.sha256; \
	if [ -f $(WASM_OUT).gz ] && [ "$$(cat $$stamp 2>/dev/null)" = "$$sum zopfli" ]; then exit 0; fi; \
	if command -v zopfli >/dev/null; then echo "zopfli $(WASM_OUT) (~25 s)"; zopfli --i1 -c $(WASM_OUT) > $(WASM_OUT).gz.tmp && mv $(WASM_OUT).gz.tmp $(WASM_OUT).gz && echo "$$sum zopfli" > $$stamp; \
	else echo "zopfli is missing: gzip -9 instead (a larger transfer)"; gzip -9 -n -k -f $(WASM_OUT); rm -f $$stamp; fi

# A clean copy of the app for any static host (upload web/dist as it is).
web-dist: web
	rm -rf web/dist && mkdir -p web/dist
	cp -r web/index.html web/favicon.svg web/css web/js web/gen web/dist/
	rm -f web/dist/gen/README.md
	@echo "static app in web/dist/"

# Build everything and serve it; the URL is printed. Without ADDR=..., a
# taken port 8080 means a free port is picked instead (and said so).
run: build
	@addr='$(ADDR)'; \
	if [ '$(origin ADDR)' = file ] && (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then \
		echo "port 8080 is taken: serving on a free port instead (choose one with make run ADDR=127.0.0.1:PORT)"; addr=127.0.0.1:0; fi; \
	./$(BIN) serve --addr $$addr

# The wasm package's tests, run by Node through Go's go_js_wasm_exec.
wasm-test:
	GOOS=js GOARCH=wasm $(GO) test -exec="$(GOROOT_WASM)/go_js_wasm_exec" ./wasm/...

# Debian's Chromium for the browser tests (apt when missing and root; CI fails without it).
install-browser:
	./.ci/install-chromium.sh

# Real-browser tests (chromedp + headless Chromium) against the serve handler.
# Screenshots land in test-artifacts/.
browser-test: wasm-test install-browser web
	FHIRLENS_BROWSER=1 $(GO) test -count=1 -timeout 15m ./web/... ./record/...

# Budgets: wasm gzip size, cold page load to ready, browser vs native MB/s.
bench-web: install-browser web
	FHIRLENS_BROWSER=1 $(GO) test -count=1 -timeout 15m -run 'TestBudgets' -v ./web/e2e | grep -E '^(BUDGET|---|ok|FAIL|PASS)'
