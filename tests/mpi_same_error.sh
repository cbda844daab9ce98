#!/usr/bin/env bash
# A model that fails on one path (the first failing path, 28587 with seed 42, lies in chunk 1: on
# rank 1 of 2 or 3) fails the same way under MPI as in one process: same status, same message,
# no results file.
# Usage: tests/mpi_same_error.sh MPIEXEC COGSIM RANKS THREADS
set -uo pipefail
mpiexec="$1" cogsim="$2" ranks="$3" threads="$4"
tmp="$(mktemp -d /tmp/cogsim_mpi.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
printf 'model "x" base 2019 years 2020..2020\nvar s[t in 2020..2020] = normal(0, 1)\nvar x[t in 2020..2020] = sqrt(4.2 - s[t])\noutput x\n' > "$tmp/rare.cog"
"$cogsim" run "$tmp/rare.cog" -n 2000000 -t 1 -q --json "$tmp/one.json" 2> "$tmp/one.err"
one=$?
"$mpiexec" --allow-run-as-root --oversubscribe -np "$ranks" \
  "$cogsim" run "$tmp/rare.cog" -n 2000000 -t "$threads" -q --json "$tmp/mpi.json" 2> "$tmp/mpi.err"
mpi=$?
cat "$tmp/one.err"
fail=0
[ "$one" -eq 5 ] || { echo "FAIL: one process: status $one, expected 5"; fail=1; }
[ "$mpi" -eq 5 ] || { echo "FAIL: MPI: status $mpi, expected 5"; fail=1; }
grep -q "on path 28587 " "$tmp/one.err" || { echo "FAIL: not the expected path"; fail=1; }
cmp <(grep '^cogsim' "$tmp/one.err") <(grep '^cogsim' "$tmp/mpi.err") || { echo "FAIL: other messages"; cat "$tmp/mpi.err"; fail=1; }
[ ! -e "$tmp/one.json" ] && [ ! -e "$tmp/mpi.json" ] || { echo "FAIL: a results file was written"; fail=1; }
exit $fail
