#!/usr/bin/env bash
# An MPI run writes the same results file as one process with the same seed: byte for byte, but
# for the two lines that describe the run rather than its results (wall_seconds, threads).
# Usage: tests/mpi_same.sh MPIEXEC COGSIM MODEL RANKS THREADS [run options...]
set -euo pipefail
mpiexec="$1" cogsim="$2" model="$3" ranks="$4" threads="$5"
shift 5
tmp="$(mktemp -d /tmp/cogsim_mpi.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
"$cogsim" run "$model" --threads 1 --quiet --json "$tmp/one.json" "$@"
"$mpiexec" --allow-run-as-root --oversubscribe -np "$ranks" \
  "$cogsim" run "$model" --threads "$threads" --quiet --json "$tmp/mpi.json" "$@"
strip() { grep -v '"wall_seconds"\|"threads"' "$1"; }
strip "$tmp/one.json" > "$tmp/one.txt"
strip "$tmp/mpi.json" > "$tmp/mpi.txt"
# The stripped lines must be exactly those two (no other line may hide behind the filter).
[ "$(wc -l < "$tmp/one.json")" -eq "$(( $(wc -l < "$tmp/one.txt") + 2 ))" ]
grep -q '"paths": ' "$tmp/one.txt"
if cmp "$tmp/one.txt" "$tmp/mpi.txt"; then
  echo "same results: one process and $ranks ranks x $threads threads ($*)"
else
  diff "$tmp/one.txt" "$tmp/mpi.txt" | head -20
  exit 1
fi
