#!/usr/bin/env bash
# cogsim vs the vectorised NumPy baseline of RM1 (bench/baseline/rm1_numpy.py): speed of the
# whole process, then agreement of the results within Monte Carlo error.
#
# Usage: bench/compare_numpy.sh [COGSIM_BINARY] [PATHS]
#   COGSIM_BINARY  default build/cogsim (builds nothing: build it first)
#   PATHS          default 1000000
# Environment: THREADS (cogsim threads, default 2), SEED (default 42), PYTHON (interpreter with
# NumPy; default /usr/bin/python3 when it has NumPy, else python3 on PATH).
#
# The two runs are done one after the other on the same machine, each timed as a whole process
# (start-up, model compilation or import, simulation, statistics, JSON written) with the wall
# clock. They use different generators (cogsim's own, NumPy's PCG64), so they are two
# independent samples of RM1; they agree when, for every indicator and year,
#   |p_met_cogsim − p_met_numpy| ≤ 5·sqrt(2·p(1−p)/N) + 1e-9      (p: the mean of the two)
# (also applied to the events all_met and fnmo.negative), and for every output and year
#   |mean_cogsim − mean_numpy| ≤ 5·sqrt(2)·sd/sqrt(N) + 1e-6·|mean|   (sd: the larger of the two),
#   |sd_cogsim − sd_numpy|     ≤ 5·sd/sqrt(N) + 1e-6·sd   (5 combined standard errors of a normal
#                                 sample's sd, sd/sqrt(2N) each),
#   |Pq_cogsim − Pq_numpy|     ≤ 5·sqrt(2)·se_q + 0.002·sd  for q = 5, 50, 95 %, se_q the NumPy
#                                 side's distribution-free standard error of the quantile (order
#                                 statistics), 0.002·sd the quantile slack the issue allows (a
#                                 constant series must then agree exactly).
# Prints PASS or FAIL; exits non-zero on FAIL.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cogsim="${1:-build/cogsim}"
paths="${2:-1000000}"
threads="${THREADS:-2}"
seed="${SEED:-42}"
cd "$root"

if [[ ! -x "$cogsim" ]]; then
  echo "compare_numpy: no cogsim binary at '$cogsim' (build it first, or pass its path)" >&2
  exit 2
fi

if [[ -n "${PYTHON:-}" ]]; then
  py="$PYTHON"
elif [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  py=/usr/bin/python3
elif command -v python3 >/dev/null && python3 -c 'import numpy' 2>/dev/null; then
  py="$(command -v python3)"
else
  echo "compare_numpy: no python3 with NumPy (Debian: apt-get install -y python3-numpy)" >&2
  exit 2
fi

tmp="$(mktemp -d /tmp/compare_numpy.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
c_json="$tmp/cogsim.json"
n_json="$tmp/numpy.json"

now() { date +%s.%N; }

echo "model: scenarios/cog-2022-2024   paths: $paths   seed: $seed"
echo "machine: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "numpy: $("$py" -c 'import numpy, sys; print(numpy.__version__, "on Python", sys.version.split()[0])') ($py)"

echo "+ $cogsim run scenarios/cog-2022-2024 --paths $paths --seed $seed --threads $threads --quiet --json $c_json"
t0=$(now)
"$cogsim" run scenarios/cog-2022-2024 --paths "$paths" --seed "$seed" --threads "$threads" --quiet --json "$c_json"
t1=$(now)
echo "+ $py bench/baseline/rm1_numpy.py --paths $paths --seed $seed --json $n_json"
"$py" bench/baseline/rm1_numpy.py --paths "$paths" --seed "$seed" --json "$n_json"
t2=$(now)

"$py" - "$c_json" "$n_json" "$paths" "$t0" "$t1" "$t2" "$threads" <<'EOF'
import json, math, sys

c_path, n_path, n, t0, t1, t2, threads = sys.argv[1:]
n = int(n)
t_c, t_n = float(t1) - float(t0), float(t2) - float(t1)
print(f"cogsim ({threads} threads): {t_c:8.3f} s wall   ({n / t_c:,.0f} paths/s)")
print(f"numpy   (1 thread) : {t_n:8.3f} s wall   ({n / t_n:,.0f} paths/s)")
print(f"ratio numpy/cogsim : {t_n / t_c:8.2f} x")

c = json.load(open(c_path))
m = json.load(open(n_path))
failures, checks, worst = [], 0, (0.0, "")


worst_by_kind = {}


def check(what, diff, tol):
    global checks, worst
    checks += 1
    r = diff / tol if tol > 0 else (0.0 if diff == 0 else math.inf)
    if r > worst[0]:
        worst = (r, what)
    kind = what.split()[-1] if what.startswith("output") else what.split()[0]
    n_k, w_k = worst_by_kind.get(kind, (0, (0.0, "")))
    worst_by_kind[kind] = (n_k + 1, max(w_k, (r, what)))
    if diff > tol:
        failures.append(f"  {what}: |diff| = {diff:.6g} > tol {tol:.6g}")


def prob(what, pc, pn):
    p = 0.5 * (pc + pn)
    check(what, abs(pc - pn), 5 * math.sqrt(2 * p * (1 - p) / n) + 1e-9)


for name, years in m["outputs"].items():
    if name not in c["outputs"]:
        failures.append(f"  output {name}: missing from cogsim's results")
        continue
    for y, s in years.items():
        cs = c["outputs"][name].get(y)
        if cs is None:
            failures.append(f"  output {name}[{y}]: missing from cogsim's results")
            continue
        sd = max(s["sd"], cs["sd"])
        check(f"output {name}[{y}] mean", abs(cs["mean"] - s["mean"]),
              5 * math.sqrt(2) * sd / math.sqrt(n) + 1e-6 * abs(s["mean"]))
        check(f"output {name}[{y}] sd", abs(cs["sd"] - s["sd"]), 5 * sd / math.sqrt(n) + 1e-6 * sd)
        for q in ("p5", "p50", "p95"):
            check(f"output {name}[{y}] {q}", abs(cs[q] - s[q]), 5 * math.sqrt(2) * s[q + "_se"] + 0.002 * sd)
for name in c["outputs"]:
    if name not in m["outputs"]:
        failures.append(f"  output {name}: missing from the NumPy results")

for k, ind in m["indicators"].items():
    ci = c["indicators"].get(k)
    if ci is None:
        failures.append(f"  indicator {k}: missing from cogsim's results")
        continue
    for y, s in ind["years"].items():
        cy = ci["years"].get(y)
        if cy is None:
            failures.append(f"  indicator {k}[{y}]: missing from cogsim's results")
            continue
        check(f"indicator {k}[{y}] target", abs(cy["target"] - s["target"]),
              0.005 + 1e-12 * abs(s["target"]))
        prob(f"indicator {k}[{y}] p_met", cy["p_met"], s["p_met"])

for ev, years in m["events"].items():
    for y, pn in years.items():
        pc = c["events"].get(ev, {}).get(y)
        if pc is None:
            failures.append(f"  event {ev}[{y}]: missing from cogsim's results")
            continue
        prob(f"event {ev}[{y}]", pc, pn)

print(f"all_met 2024: cogsim {c['events']['all_met']['2024']:.5f}  numpy {m['events']['all_met']['2024']:.5f}")
print(f"{checks} comparisons; largest |diff|/tol = {worst[0]:.2f} ({worst[1]})")
for kind, (count, (r, what)) in sorted(worst_by_kind.items()):
    print(f"  {kind:10s} {count:4d} comparisons, largest |diff|/tol = {r:.2f} ({what})")
if failures:
    print("FAIL: cogsim and NumPy disagree beyond Monte Carlo error:")
    print("\n".join(failures))
    sys.exit(1)
print("PASS: cogsim and NumPy agree within Monte Carlo error")
EOF
