# fhirlens — see README.md. Every target works on a fresh machine of this kind.
SHELL := /bin/bash
GO ?= go
SHARED ?= $(or $(FHIRLENS_SHARED),$(abspath ../shared))
export FHIRLENS_SHARED := $(SHARED)
BIN := bin/fhirlens

.PHONY: all build test unit fuzz-short check-generated generate bench bench-compare bench-peers lint clean

all: build

# web.mk (the browser app) defines: wasm, web, run, browser-test, install-browser, bench-web.
-include web.mk

build: web
	$(GO) build -trimpath -ldflags='$(VERSION_LDFLAGS)' -o $(BIN) ./cmd/fhirlens

generate:
	$(GO) generate ./validator/definitions/... ./internal/hostile/...

# The README's test command: formatting, vet, unit + conformance tests, a
# short fuzz run of every parser, the wasm tests under Node, the browser tests.
test: lint unit fuzz-short browser-test

lint:
	@bad=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...

unit: web
	$(GO) test ./...

# A short run of every fuzz target: catches regressions, not a fuzzing
# campaign. Counted in executions, not seconds, so a loaded machine runs the
# same work. A run that fails only with the fuzz harness's own "context
# deadline exceeded" (no failing input written) is retried once.
FUZZ_TIME ?= 5000x
FUZZ_TARGETS := \
	./validator/jsontree:FuzzParse \
	./validator/fhirxml:FuzzParse \
	./validator:FuzzValidate \
	./validator/fhirpath:FuzzCompile \
	./validator/fhirpath:FuzzEvaluate \
	./validator/fhirpath:FuzzEvaluateBudget \
	./validator/bundle:FuzzBundle \
	./validator/primitive:FuzzCheck \
	./validator/xhtml:FuzzCheck \
	./validator/xhtml:FuzzSanitize \
	./validator/definitions:FuzzDecodeCompact \
	./validator/definitions:FuzzLoadStructureDefinition \
	./validator/definitions:FuzzLoadTerminology \
	./validator/definitions:FuzzLoadPackage \
	./validator/structure:FuzzDecode \
	./validator/questionnaire:FuzzParse \
	./validator/snapshot:FuzzGenerate \
	./validator/profile:FuzzLoadPackage \
	./validator/profile:FuzzLoadGuide \
	./record:FuzzSummarize \
	./record:FuzzNestingDepth \
	./web:FuzzHandler \
	./validator/report:FuzzRead \
	./internal/jsonindent:FuzzIndent
fuzz-short:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZ_TIME))"; \
		for try in 1 2; do \
			if $(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZ_TIME) > /tmp/fhirlens-fuzz.log 2>&1; then break; fi; \
			if [ $$try = 1 ] && grep -q 'context deadline exceeded' /tmp/fhirlens-fuzz.log && ! grep -q 'Failing input' /tmp/fhirlens-fuzz.log; then \
				echo "  harness timeout, retrying"; continue; fi; \
			cat /tmp/fhirlens-fuzz.log; exit 1; \
		done; \
	done

bench:
	$(GO) test ./validator -run '^$$' -bench 'Synthea(Structure)?$$' -benchmem -benchtime 5x
	$(GO) test ./validator -run '^$$' -bench SyntheaNDJSON -benchmem -benchtime 3x
	$(GO) test ./validator/bundle -run '^$$' -bench Bundle -benchtime 3x
	$(GO) test ./validator -run '^$$' -bench Scaling -benchtime 3x | grep -E '^(Benchmark|ok)'
	$(GO) test ./validator/definitions -run '^$$' -bench DecodeR4 -benchmem
	$(GO) test ./validator/fhirpath -run '^$$' -bench 'Compile|Invariants' -benchmem
	$(GO) test ./record -run '^$$' -bench . -benchmem -benchtime 3x
	$(GO) test ./cmd/fhirlens -run '^$$' -bench 'ValidateOutput|WholeProcess' -benchtime 5x

# Native throughput of two revisions, interleaved A/B runs of
# BenchmarkValidateSynthea: make bench-compare OLD=c886467 NEW=main
OLD ?= c886467
NEW ?= HEAD
bench-compare:
	./.ci/bench-compare.sh $(OLD) $(NEW)

# Whole-process comparison with FHIR.js and Medplum (npm, scratch folder) on
# the same generated 10 MB and 50 MB Synthea bundles; not part of make test.
bench-peers:
	./.ci/bench-peers.sh

clean:
	rm -rf bin test-artifacts
