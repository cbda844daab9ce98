#!/usr/bin/env bash
# A failed rank ends an MPI job with a message and no results file: rank 1 cannot read its
# model (caught before the run: every rank stops, the root says why), or is killed mid-run (mpirun
# ends the job).
# Usage: tests/mpi_fail.sh MPIEXEC COGSIM MODEL
set -uo pipefail
mpiexec="$1" cogsim="$2" model="$3"
tmp="$(mktemp -d /tmp/cogsim_mpi.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
run() { "$mpiexec" --allow-run-as-root --oversubscribe -np 1 "$cogsim" run "$model" -t 1 -q --json "$tmp/r.json" "$@"; }
fail=0
run -n 100000 : -np 1 "$cogsim" run /nonexistent/model -t 1 -q --json "$tmp/r.json" > "$tmp/out1" 2>&1
rc=$?
[ "$rc" -ne 0 ] || { echo "FAIL: exit status 0 when rank 1 cannot read its model"; fail=1; }
grep -q "another MPI rank could not start the run" "$tmp/out1" || { echo "FAIL: no message from rank 0"; fail=1; }
grep -q "MPI rank 1.*cannot read '/nonexistent/model'" "$tmp/out1" || { echo "FAIL: no message from rank 1"; fail=1; }
[ ! -e "$tmp/r.json" ] || { echo "FAIL: a results file was written"; fail=1; }
run -n 200000000 : -np 1 timeout -s KILL 2 "$cogsim" run "$model" -n 200000000 -t 1 -q --json "$tmp/r.json" > "$tmp/out2" 2>&1
rc=$?
[ "$rc" -ne 0 ] || { echo "FAIL: exit status 0 when rank 1 was killed"; fail=1; }
grep -q "rank 1" "$tmp/out2" || { echo "FAIL: the killed rank is not named"; fail=1; }
[ ! -e "$tmp/r.json" ] || { echo "FAIL: a results file was written"; fail=1; }
cat "$tmp/out1" "$tmp/out2"
exit $fail
