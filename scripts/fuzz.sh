#!/usr/bin/env bash
# A libFuzzer run of fuzz/cogsim_fuzz (built by scripts/sanitizers.sh in build-asan/), from the
# committed corpus, with the language's dictionary. Any finding (crash, hang past 10 s, leak,
# sanitiser report, unlocated message) fails the run and leaves the input in
# build-asan/fuzz-findings/: add it to fuzz/regressions/ with the fix.
#
#   scripts/fuzz.sh [RUNS] [SEED]      defaults: 12000 inputs, seed 1
#
# The run is deterministic: a fixed seed, a fixed number of inputs and a fresh working corpus, so
# what CI runs is exactly what a developer reruns here (a finding reproduces with the same
# arguments). Exploratory campaigns take another seed and more runs, e.g.
# `scripts/fuzz.sh 200000 $RANDOM`; their findings go to fuzz/regressions/, which CI replays.
# A time cap (COGSIM_FUZZ_MAX_SECONDS, default 600) only guards a very slow machine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-12000}"
SEED="${2:-1}"
work=build-asan/fuzz-work
findings=build-asan/fuzz-findings
rm -rf "$work"
mkdir -p "$work" "$findings"
cd "$work"   # includes that a mutant names resolve here, not in the source tree
status=0
../fuzz/cogsim_fuzz -seed="$SEED" -runs="$RUNS" -max_total_time="${COGSIM_FUZZ_MAX_SECONDS:-600}" \
  -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
  -dict=../../fuzz/cogsim.dict -artifact_prefix=../fuzz-findings/ -print_final_stats=1 \
  . ../../fuzz/corpus ../../fuzz/regressions >../fuzz.log 2>&1 || status=$?
grep -a "cogsim_fuzz:\|ERROR\|SUMMARY" ../fuzz.log | head -20 || true
grep -av "NEW\|REDUCE\|pulse" ../fuzz.log | tail -12 || true
echo "fuzz: seed $SEED, $RUNS runs requested, exit status $status"
exit "$status"
