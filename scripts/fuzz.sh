#!/usr/bin/env bash
# A libFuzzer run of fuzz/cogsim_fuzz (built by scripts/sanitizers.sh in build-asan/) for
# SECONDS (default 120), from the committed corpus, with the language's dictionary. Any finding
# (crash, hang past 10 s, leak, sanitiser report, unlocated message) fails the run and leaves the
# input in build-asan/fuzz-findings/: add it to fuzz/regressions/ with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-120}"
work=build-asan/fuzz-work
findings=build-asan/fuzz-findings
mkdir -p "$work" "$findings"
cd "$work"   # includes that a mutant names resolve here, not in the source tree
status=0
../fuzz/cogsim_fuzz -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
  -dict=../../fuzz/cogsim.dict -artifact_prefix=../fuzz-findings/ -print_final_stats=1 \
  . ../../fuzz/corpus ../../fuzz/regressions >../fuzz.log 2>&1 || status=$?
grep -v "NEW\|REDUCE\|pulse" ../fuzz.log | tail -25 || true
exit "$status"
