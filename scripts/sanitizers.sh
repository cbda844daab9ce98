#!/usr/bin/env bash
# The sanitiser build: build-asan/, clang with -fsanitize=address,undefined (any finding is fatal)
# and -fsanitize=fuzzer-no-link, so the same build also links the libFuzzer target that
# scripts/fuzz.sh runs. Then the whole ctest suite under the sanitisers, less the tests that only
# measure statistics over millions of paths (too slow under ASan, and no different code: the
# same kernels run in the tests that stay), see SLOW below.
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
SLOW="${COGSIM_ASAN_EXCLUDE:-}"
ctest --test-dir build-asan --output-on-failure -j2 ${SLOW:+-E "$SLOW"}
