#!/usr/bin/env bash
# Issue 14's speed yardstick: "the new quantile summary costs no more per path than today's sketch
# (BM_SketchAddBlock)", where today's is the sketch as it stood when the issue was filed. That
# sketch is rebuilt from the history (engine/stats.* and bench/stats_bench.cpp of the commit before
# the issue's first change, 87400d7^) into a small benchmark binary, and run alternately with this
# tree's BM_SketchAddBlock and BM_QuantileSummaryAddBlock on the same machine. Each figure is the
# smallest CPU time per 1 024 values over ROUNDS rounds of 15 repetitions: on a shared host, the
# minimum is the least disturbed estimate.
#
# Usage: bench/issue14_yardstick.sh BUILD_DIR [ROUNDS]   (BUILD_DIR: a Release build with bench/cogsim_bench)
# Needs git history (a clone, not an archive), g++, and the Google Benchmark package.
set -euo pipefail
build="${1:?usage: bench/issue14_yardstick.sh BUILD_DIR [ROUNDS]}"
rounds="${2:-6}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base=87400d7^  # the tree the issue was filed against
tmp="$(mktemp -d /tmp/cogsim_yardstick.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$base" engine/stats.hpp engine/stats.cpp engine/bytes.hpp engine/simd.hpp \
  bench/stats_bench.cpp | tar -x -C "$tmp"
# The flags of the Release build (CMakeLists.txt).
c++ -I"$tmp" -O3 -DNDEBUG -ffp-contract=off -fno-math-errno -std=gnu++20 "$tmp/engine/stats.cpp" \
  "$tmp/bench/stats_bench.cpp" -o "$tmp/then" -lbenchmark -lbenchmark_main -lpthread
run() {  # label binary filter: "label benchmark ns" per benchmark, the smallest of 15 repetitions
  "$2" --benchmark_filter="$3" --benchmark_repetitions=15 --benchmark_min_time=0.05 --benchmark_format=json \
    2>/dev/null | python3 -c "
import json, sys
best = {}
for b in json.load(sys.stdin)['benchmarks']:
    if b.get('run_type') == 'iteration':
        best[b['run_name']] = min(best.get(b['run_name'], float('inf')), b['cpu_time'])
for name, ns in best.items():
    print('$1', name.split('/', 1)[1], name.split('/', 1)[0], ns)
"
}
echo "== start $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), $rounds rounds"
for r in $(seq "$rounds"); do
  run then "$tmp/then" 'BM_SketchAddBlock'
  run now "$build/bench/cogsim_bench" 'BM_SketchAddBlock|BM_QuantileSummaryAddBlock|BM_CounterFloor'
done >"$tmp/all.txt"
python3 - "$tmp/all.txt" <<'EOF'
import sys
best = {}
for line in open(sys.argv[1]):
    label, args, bench, ns = line.split()
    key = (args, f"{label}:{bench}")
    best[key] = min(best.get(key, float("inf")), float(ns))
argsets = sorted({a for a, _ in best}, key=lambda a: (a.split("/")[1], a))
cols = ["then:BM_SketchAddBlock", "now:BM_SketchAddBlock", "now:BM_QuantileSummaryAddBlock"]
cols.append("now:BM_CounterFloor")
print("| args | sketch at the issue (ns) | sketch now (ns) | summary now (ns) | summary / sketch at the issue "
      "| one increment per value (ns) | increments / sketch at the issue |")
print("|---|---|---|---|---|---|---|")
for a in argsets:
    v = [best.get((a, c)) for c in cols]
    cell = lambda x: "—" if x is None else f"{x:.0f}"
    ratio = lambda x: "—" if v[0] is None or x is None else f"{x / v[0]:.2f}"  # a row the issue's bench had not
    print(f"| {a} | {cell(v[0])} | {cell(v[1])} | {cell(v[2])} | {ratio(v[2])} | {cell(v[3])} | {ratio(v[3])} |")
EOF
echo "== end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
