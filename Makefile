# fhirlens — see README.md. Every target works on a fresh machine of this kind.
SHELL := /bin/bash
GO ?= go
SHARED ?= $(or $(FHIRLENS_SHARED),$(abspath ../shared))
export FHIRLENS_SHARED := $(SHARED)
BIN := bin/fhirlens

.PHONY: all build test unit fuzz-short check-generated generate bench lint clean

all: build

# web.mk (the browser app) defines: wasm, web, run, browser-test, install-browser, bench-web.
-include web.mk

build: web
	$(GO) build -trimpath -o $(BIN) ./cmd/fhirlens

generate:
	$(GO) generate ./validator/definitions/...

# The README's test command: formatting, vet, unit + conformance tests, a
# short fuzz run of every parser, the wasm tests under Node, the browser tests.
test: lint unit fuzz-short browser-test

lint:
	@bad=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	$(GO) vet ./...

unit: web
	$(GO) test ./...

# A few seconds per parser: catches regressions, not a fuzzing campaign.
FUZZ_TIME ?= 5s
fuzz-short:
	$(GO) test ./validator/jsontree -run XXX -fuzz FuzzParse -fuzztime $(FUZZ_TIME)
	$(GO) test ./validator -run XXX -fuzz FuzzValidate -fuzztime $(FUZZ_TIME)

bench:
	$(GO) test ./validator -run XXX -bench . -benchmem -benchtime 5x

clean:
	rm -rf bin test-artifacts
