#!/usr/bin/env bash
# `cogsim sweep` under MPI writes the same files as one process, whether the points are spread over
# the ranks (at least as many points as ranks) or each point's paths are shared (fewer); and a point
# that fails on another rank fails the sweep the same way (status, message, no file).
# Usage: tests/mpi_sweep_same.sh MPIEXEC COGSIM MODEL RANKS GRID...
set -uo pipefail
mpiexec="$1" cogsim="$2" model="$3" ranks="$4"
shift 4
grid=()
for g in "$@"; do grid+=(--grid "$g"); done
tmp="$(mktemp -d /tmp/cogsim_mpi.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
"$cogsim" sweep "$model" "${grid[@]}" -n 50000 -t 1 -q --csv "$tmp/a.csv" --jsonl "$tmp/a.jsonl" --html "$tmp/a.html" 2> "$tmp/a.err"
one=$?
"$mpiexec" --allow-run-as-root --oversubscribe -np "$ranks" "$cogsim" sweep "$model" "${grid[@]}" -n 50000 -t 1 -q \
  --csv "$tmp/b.csv" --jsonl "$tmp/b.jsonl" --html "$tmp/b.html" 2> "$tmp/b.err"
mpi=$?
cat "$tmp/a.err"
[ "$one" -eq "$mpi" ] || { echo "FAIL: status $one in one process, $mpi under MPI"; exit 1; }
if [ "$one" -ne 0 ]; then
  cmp <(grep '^cogsim' "$tmp/a.err") <(grep '^cogsim' "$tmp/b.err") || { echo "FAIL: other messages"; cat "$tmp/b.err"; exit 1; }
  ls "$tmp"/*.csv "$tmp"/*.jsonl "$tmp"/*.html 2>/dev/null && { echo "FAIL: a file was written"; exit 1; }
  echo "same failure (status $one)"
  exit 0
fi
for f in csv jsonl html; do cmp "$tmp/a.$f" "$tmp/b.$f" || { echo "FAIL: $f differs"; exit 1; }; done
echo "same files: one process and $ranks ranks"
