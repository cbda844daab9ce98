#!/usr/bin/env bash
# The pages cogsim writes, checked for layout in headless Chromium (layout_check.py): the run
# report of RM1 (with its "Et pourquoi ?" section) and of horizon-2027 (nine years on each fan chart), the comparison pages of
# avenant-cds and horizon-2027, of two variants at once, and a sensitivity page. Screenshots stay in OUTDIR.
# Usage: layout_pages.sh COGSIM SOURCE_DIR OUTDIR
set -eu
cogsim=$1; src=$2; out=$3
mkdir -p "$out"
s="$src/scenarios"
"$cogsim" run "$s/cog-2022-2024" -n 20000 -q --report "$out/report.html" --report-why 3
"$cogsim" run "$s/horizon-2027" -n 20000 -q --report "$out/report-horizon.html"
"$cogsim" compare "$s/cog-2022-2024" "$s/avenant-cds" -n 20000 -q --report "$out/compare.html"
"$cogsim" compare "$s/cog-2022-2024" "$s/horizon-2027" -n 20000 -q --report "$out/compare-horizon.html"
"$cogsim" compare "$s/cog-2022-2024" "$s/avenant-cds" "$s/avenant-inflation" -n 20000 -q --report "$out/compare-many.html"
"$cogsim" sensitivity "$s/cog-2022-2024" --indicator 8 --year 2024 -n 2000 --bootstrap 10 \
  --report "$out/sensitivity.html" >/dev/null
exec python3 "$(dirname "$0")/layout_check.py" "$out/shots" "$out/report.html" "$out/report-horizon.html" \
  "$out/compare.html" "$out/compare-horizon.html" "$out/compare-many.html" "$out/sensitivity.html"
