#!/usr/bin/env bash
# The sanitiser build: build-asan/, clang with -fsanitize=address,undefined (any finding is fatal)
# and -fsanitize=fuzzer-no-link, so the same build also links the libFuzzer target that
# scripts/fuzz.sh runs. Then the whole ctest suite under the sanitisers (COGSIM_ASAN_EXCLUDE:
# a ctest regex of tests to leave out, for a quick local run; empty in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
CXX_FLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS="$CXX_FLAGS" -DCOGSIM_FUZZ=ON -DCOGSIM_BUILD_BENCH=OFF -DCOGSIM_MULTIVERSION=OFF \
  ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} >/dev/null
cmake --build build-asan
# detect_leaks: the suite must not leak either. TBB's worker threads are left running at exit.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
SKIP="${COGSIM_ASAN_EXCLUDE:-}"
ctest --test-dir build-asan --output-on-failure -j2 -E "^mpi:${SKIP:+|$SKIP}"
# The MPI tests (present when Open MPI is installed) run with every AddressSanitizer and UBSan
# check but LeakSanitizer's: Open MPI (not instrumented) does not free what MPI_Init allocates
# in its plugins (ompi_op_base_op_select, opal_argv, strdup'd MCA parameters, ~100 kB), and
# those plugins are unloaded before the leak check, so their frames cannot be named in a
# suppression file. Nothing of cogsim's own is exempted: every other test checks leaks.
# Of the ranks × threads matrix (np1..3 × t1..2, each a 300 000-path RM1 run, ~1 min under ASan),
# only np3-t2 runs here: the others run the same code with other counts, and their point (the same
# results file whatever the split) is checked by the Release suite above.
MATRIX='^mpi:np[12]-t[12](-target-se)?$|^mpi:np3-t1(-target-se)?$'
if [ -n "$(ctest --test-dir build-asan -N -R '^mpi:' | grep -E '^ +Test +#')" ]; then
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1" \
    ctest --test-dir build-asan --output-on-failure -j2 -R '^mpi:' -E "$MATRIX${SKIP:+|$SKIP}"
fi
