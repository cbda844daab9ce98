#!/usr/bin/env bash
# Thread scaling of a whole RM1 run: the simulation time (meta.wall_seconds) at each thread count,
# the speed-up over one thread, and a check that every run wrote the same results (only the wall
# time may differ).
#
# Usage: bench/scaling.sh [COGSIM_BINARY] [PATHS] [THREAD_COUNTS] [REPEATS]
#   defaults: build/cogsim 4000000 "1 2" 3   (best of REPEATS per thread count)
set -euo pipefail
cogsim="${1:-build/cogsim}"
paths="${2:-4000000}"
counts="${3:-1 2}"
repeats="${4:-3}"
py="${PYTHON:-python3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d /tmp/cogsim_scaling.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

echo "paths: $paths, best of $repeats, model: scenarios/cog-2022-2024"
printf '%8s %12s %12s %10s %10s\n' threads "sim (s)" "paths/s" speedup efficiency
base=""
for t in $counts; do
  best=""
  for r in $(seq "$repeats"); do
    "$cogsim" run "$root/scenarios/cog-2022-2024" --paths "$paths" --threads "$t" --quiet --json "$tmp/t$t.json"
    s=$("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['meta']['wall_seconds'])" "$tmp/t$t.json")
    best=$("$py" -c "import sys; a=sys.argv[1]; b=float(sys.argv[2]); print(b if not a else min(float(a), b))" "$best" "$s")
  done
  [[ -z "$base" ]] && base="$best" && base_t="$t"
  "$py" - "$t" "$best" "$base" "$base_t" "$paths" <<'PY'
import sys
t, best, base, base_t, paths = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
sp = base / best
print(f"{t:8d} {best:12.3f} {paths / best:12,.0f} {sp:9.2f}x {sp / (t / base_t):9.0%}")
PY
done
"$py" - "$tmp" $counts <<'PY'
import json, sys
tmp, counts = sys.argv[1], sys.argv[2:]
docs = []
for t in counts:
    d = json.load(open(f"{tmp}/t{t}.json"))
    d["meta"].pop("wall_seconds", None)
    d["meta"].pop("threads", None)
    docs.append(d)
same = all(d == docs[0] for d in docs)
print("results identical across thread counts:", "yes" if same else "NO")
sys.exit(0 if same else 1)
PY
