#!/usr/bin/env bash
# Latency of `cogsim serve`'s page: N edits of a param in headless Chromium at P paths of RM1,
# each timed in the page from the request to the rendered table (performance.now()), and from the
# keystroke to the update seen by the driver (adds the 120 ms debounce and the DevTools round
# trips). Prints p50/p95 as JSON. Usage: bench/serve_latency.sh [BUILD_DIR] [N] [PATHS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}; n=${2:-40}; paths=${3:-100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 "$here/tests/browser/serve_page.py" "$build/cogsim" "$here/scenarios/cog-2022-2024" "$out" \
  --latency "$n" --paths "$paths"
