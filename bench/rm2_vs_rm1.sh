#!/usr/bin/env bash
# RM2 (the whole convention) against RM1 at 1M paths: simulation seconds (meta.wall_seconds,
# compile included) and whole-process seconds, the two models alternately, best of N.
# Usage: bench/rm2_vs_rm1.sh [build/cogsim] [paths] [repeats] [threads]
set -euo pipefail
cogsim=${1:-build/cogsim}
paths=${2:-1000000}
repeats=${3:-5}
threads=${4:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=python3
sim() { "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['meta']['wall_seconds'])" "$1"; }
now() { date +%s.%N; }
declare -A best_sim best_proc
echo "== start $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), $paths paths, $threads threads"
for r in $(seq "$repeats"); do
  for m in cog-2022-2024 cog-2022-2024-full; do
    t0=$(now)
    "$cogsim" run "scenarios/$m" --paths "$paths" --threads "$threads" --quiet --json "$tmp/$m.json"
    t1=$(now)
    s=$(sim "$tmp/$m.json")
    p=$("$py" -c "print($t1 - $t0)")
    best_sim[$m]=$("$py" -c "print(min(float('${best_sim[$m]:-inf}'), $s))")
    best_proc[$m]=$("$py" -c "print(min(float('${best_proc[$m]:-inf}'), $p))")
  done
done
for m in cog-2022-2024 cog-2022-2024-full; do
  echo "$m: simulation ${best_sim[$m]} s, whole process ${best_proc[$m]} s (best of $repeats)"
done
"$py" -c "print('RM2 / RM1: simulation %.2fx, whole process %.2fx' % (${best_sim[cog-2022-2024-full]} / ${best_sim[cog-2022-2024]}, ${best_proc[cog-2022-2024-full]} / ${best_proc[cog-2022-2024]}))"
echo "== end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
