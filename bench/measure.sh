#!/usr/bin/env bash
# Every measurement of bench/RESULTS.md in one run, so that the ratios come from numbers taken
# together on the same machine.
#
# Usage: bench/measure.sh BUILD_DIR [OTHER_COGSIM...]
#   BUILD_DIR       a Release build with cogsim and bench/cogsim_bench
#   OTHER_COGSIM    optional other binaries (an older version, a build without multiversioning):
#                   each is timed against BUILD_DIR/cogsim, alternately, best of 5, and its results
#                   file compared with BUILD_DIR/cogsim's (wall time aside)
# Needs python3 with NumPy for the baseline (Debian: python3-numpy).
set -uo pipefail
build="${1:?usage: bench/measure.sh BUILD_DIR [OTHER_COGSIM...]}"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cogsim="$build/cogsim"
model=scenarios/cog-2022-2024
tmp="$(mktemp -d /tmp/cogsim_measure.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
py=python3
sim_seconds() { "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['meta']['wall_seconds'])" "$1"; }
min() { "$py" -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }

echo "== start $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
lscpu | grep -E "Model name|^CPU\(s\)|Thread\(s\)|MHz" | sed 's/  */ /g'
echo "== google benchmark (median of 5)"
"$build/bench/cogsim_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
  grep -E "_median|^Benchmark"
echo "== cli grid: simulation seconds (meta.wall_seconds), best of 3, 1M paths"
for t in 1 2; do
  for b in 256 1024 4096; do
    runs=()
    for r in 1 2 3; do
      "$cogsim" run "$model" --paths 1000000 --threads "$t" --block-size "$b" --quiet --json "$tmp/g.json"
      runs+=("$(sim_seconds "$tmp/g.json")")
    done
    echo "threads $t block $b: $(min "${runs[@]}") s"
  done
done
echo "== whole process vs NumPy"
for t in 2 2 1; do THREADS=$t bench/compare_numpy.sh "$cogsim" 1000000 2>&1 | grep -E "wall|ratio|PASS|FAIL"; done
echo "== peak memory"
for n in 100000 5000000; do
  /usr/bin/time -f "paths $n: %e s, max RSS %M KB, %R minor faults" "$cogsim" run "$model" --paths "$n" --threads 2 --quiet --json "$tmp/m.json"
done
for other in "$@"; do
  echo "== $cogsim vs $other (whole process, 1M paths, 2 threads, alternately, best of 5)"
  a=(); b=()
  for r in 1 2 3 4 5; do
    s=$(date +%s.%N); "$cogsim" run "$model" --paths 1000000 --threads 2 --quiet --json "$tmp/a.json"; e=$(date +%s.%N)
    a+=("$("$py" -c "print($e - $s)")")
    s=$(date +%s.%N); "$other" run "$model" --paths 1000000 --threads 2 --quiet --json "$tmp/b.json"; e=$(date +%s.%N)
    b+=("$("$py" -c "print($e - $s)")")
  done
  ma=$(min "${a[@]}"); mb=$(min "${b[@]}")
  echo "this: $ma s, other: $mb s, other/this: $("$py" -c "print(round($mb / $ma, 2))")"
  "$py" - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for d in (a, b):
    for k in ("wall_seconds", "version", "quantile_sketch"): d["meta"].pop(k, None)
print("results identical (wall time aside):", "yes" if a == b else "no")
PY
done
echo "== end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
