#!/usr/bin/env bash
# The whole test suite (the README's test command, run by .ci/run after the install step):
#  1. the Release build and its ctest suite;
#  2. the sanitiser build (build-asan/: clang, AddressSanitizer + UndefinedBehaviorSanitizer)
#     and its ctest suite, which replays the fuzz corpus and the regression inputs;
#  3. a deterministic libFuzzer run of fuzz/cogsim_fuzz: seed COGSIM_FUZZ_SEED (default 1),
#     COGSIM_FUZZ_RUNS inputs (default 12000, about two minutes on 2 cores).
# COGSIM_SKIP_SANITIZERS=1 runs step 1 only (a quick local check).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build && ctest --test-dir build --output-on-failure -j2
if [ "${COGSIM_SKIP_SANITIZERS:-0}" = 1 ]; then exit 0; fi
./scripts/sanitizers.sh
./scripts/fuzz.sh "${COGSIM_FUZZ_RUNS:-12000}" "${COGSIM_FUZZ_SEED:-1}"
