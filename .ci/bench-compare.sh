#!/usr/bin/env bash
# make bench-compare OLD=rev NEW=rev (or .ci/bench-compare.sh OLD NEW):
# native throughput of two revisions on the same Synthea bundle. The test
# binaries of package validator are built from both revisions (each in a
# temporary git worktree, removed right after the build) and run alternately
# — old, new, old, new … — RUNS times each, so that both see the same load.
# Prints each run, the median MB/s of each side and new/old, and the
# median CPU seconds of each test process (steadier under load). Not part
# of make test.
#
#   RUNS       pairs of runs (default 8)
#   BENCH      benchmark name, anchored (default BenchmarkValidateSynthea)
#   BENCHTIME  -test.benchtime of each run (default 5x)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
	echo "usage: $0 OLD_REV NEW_REV   (e.g. $0 c886467 main)" >&2
	exit 2
fi
OLD_REV=$1
NEW_REV=$2
RUNS=${RUNS:-8}
BENCH=${BENCH:-BenchmarkValidateSynthea}
BENCHTIME=${BENCHTIME:-5x}
repo=$(pwd)
export FHIRLENS_SHARED=${FHIRLENS_SHARED:-$(cd .. && pwd)/shared}
[ -d "$FHIRLENS_SHARED/corpus" ] || { echo "no reference data in $FHIRLENS_SHARED (set FHIRLENS_SHARED)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fhirlens-bench-compare.XXXXXX")
cleanup() {
	for side in old new; do
		[ -d "$tmp/$side" ] && git -C "$repo" worktree remove --force "$tmp/$side" 2>/dev/null || true
	done
	git -C "$repo" worktree prune
	rm -rf "$tmp"
}
trap cleanup EXIT

build() { # side rev
	local side=$1 rev=$2
	git -C "$repo" worktree add --quiet --detach "$tmp/$side" "$rev"
	(cd "$tmp/$side" && go test -c -o "$tmp/$side.test" ./validator)
	git -C "$repo" worktree remove --force "$tmp/$side"
	echo "$side: $rev = $(git -C "$repo" rev-parse --short "$rev")"
}
build old "$OLD_REV"
build new "$NEW_REV"
for side in old new; do
	grep -q "$BENCH" "$tmp/$side.test" || { echo "the $side revision has no $BENCH" >&2; exit 2; }
done

run() { # side → "MB/s cpu-seconds" of one run (and the input line, once)
	local out
	out=$(cd "$repo/validator" && "$tmp/$1.test" -test.run '^$' -test.bench "^$BENCH\$" -test.benchtime "$BENCHTIME" -test.benchmem)
	if [ ! -s "$tmp/$1.input" ]; then
		# The benchmark logs its input ("N bytes, M resources, …"): both
		# sides must have validated the same bytes.
		grep -o '[0-9]* bytes, [0-9]* resources' <<<"$out" | head -1 > "$tmp/$1.input" || true
	fi
	# CPU time of the test process (user + system, set-up included), from
	# this subshell's reaped children: less swayed by other load than MB/s,
	# which is wall-clock.
	times > "$tmp/times"
	local cpu
	cpu=$(tail -1 "$tmp/times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] } printf "%.2f", s }')
	awk -v cpu="$cpu" '/^Benchmark/ { for (i = 1; i <= NF; i++) if ($(i+1) == "MB/s") print $i, cpu }' <<<"$out"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "$BENCH, $RUNS pairs, -benchtime $BENCHTIME, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$tmp/old.mbs"; : > "$tmp/new.mbs"; : > "$tmp/old.cpu"; : > "$tmp/new.cpu"
for i in $(seq "$RUNS"); do
	o=$(run old); n=$(run new)
	[ -n "$o" ] && [ -n "$n" ] || { echo "run $i gave no MB/s figure" >&2; exit 1; }
	set -- $o $n
	echo "$1" >> "$tmp/old.mbs"; echo "$2" >> "$tmp/old.cpu"; echo "$3" >> "$tmp/new.mbs"; echo "$4" >> "$tmp/new.cpu"
	printf 'pair %2d  old %8s MB/s %7s s CPU   new %8s MB/s %7s s CPU\n' "$i" "$1" "$2" "$3" "$4"
done
oi=$(cat "$tmp/old.input"); ni=$(cat "$tmp/new.input")
echo "input: old $oi; new $ni"
if [ "${oi%%,*}" != "${ni%%,*}" ]; then
	echo "warning: the two revisions validated inputs of different sizes" >&2
fi
mo=$(median < "$tmp/old.mbs"); mn=$(median < "$tmp/new.mbs")
co=$(median < "$tmp/old.cpu"); cn=$(median < "$tmp/new.cpu")
wins=$(paste "$tmp/old.mbs" "$tmp/new.mbs" | awk '$2 >= $1 { n++ } END { print n + 0 }')
awk -v o="$mo" -v n="$mn" -v co="$co" -v cn="$cn" -v w="$wins" -v r="$RUNS" -v a="$OLD_REV" -v b="$NEW_REV" 'BEGIN {
	printf "median MB/s: old (%s) %.1f, new (%s) %.1f, new/old %.3f; new >= old in %d of %d pairs\n", a, o, b, n, n / o, w, r
	printf "median CPU seconds per test process: old %.2f, new %.2f, new/old %.3f\n", co, cn, cn / co
}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
