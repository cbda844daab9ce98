#!/usr/bin/env python3
"""cogsim's Sobol first-order indices against SALib's Saltelli (2010) estimator, on the same model
evaluations, across seeds (issue 14: "the standard deviation of S1 across seeds within 1.5x of
SALib's Saltelli estimator at the same number of model evaluations").

For each seed, `cogsim sensitivity ... --evaluations F` writes f on matrix A, on matrix B and on A
with each input's draws taken from B. This script then computes, on those same evaluations:
  - SALib's estimator, transcribed from SALib/analyze/sobol.py (first_order and the standardisation
    of `analyze`): Y standardised by the mean and sd of ALL evaluations (A, the AB_j and B), then
    S1_j = mean(B * (AB_j - A)) / var([A, B])  (population variance);
  - cogsim's own formula again (engine/sensitivity.cpp), to check the exported evaluations are
    those cogsim used: it must equal the JSON's S1 to 1e-9.
SALib itself is not installed on the build machines (no network); the transcription is a dozen
lines of arithmetic, in pure Python so that the script needs nothing but the standard library.

Usage: bench/sobol_salib.py [--cogsim build/cogsim] [--seeds 30] [--paths 2000]
          [--scenario scenarios/cog-2022-2024] [--output resultat.CDS] [--year 2024]
Prints a table and a JSON summary; exits 1 if a ratio exceeds 1.5, the mean S1 of the two estimators
differ by more than 3 standard errors, or the export check fails.
"""
import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile


def salib_first_order(a, b, ab):
    y = a + b + [v for col in ab for v in col]
    mean = sum(y) / len(y)
    sd = math.sqrt(sum((v - mean) ** 2 for v in y) / len(y))  # numpy's std: ddof 0
    z = lambda xs: [(v - mean) / sd for v in xs]
    a, b, ab = z(a), z(b), [z(col) for col in ab]
    ab_pool = a + b
    m = sum(ab_pool) / len(ab_pool)
    var = sum((v - m) ** 2 for v in ab_pool) / len(ab_pool)  # np.var: ddof 0
    n = len(a)
    return [sum(b[i] * (col[i] - a[i]) for i in range(n)) / n / var for col in ab]


def cogsim_first_order(a, b, ab):
    n = len(a)
    f0 = (sum(a) + sum(b)) / (2 * n)
    var = sum((x - f0) ** 2 for x in a + b) / (2 * n)
    return [sum((b[i] - f0) * (col[i] - a[i]) for i in range(n)) / n / var for col in ab]


def one_seed(args, seed, tmp):
    ev, js = os.path.join(tmp, f"ev{seed}.csv"), os.path.join(tmp, f"s{seed}.json")
    subprocess.run([args.cogsim, "sensitivity", args.scenario, "--output", args.output, "--year", str(args.year),
                    "-n", str(args.paths), "-s", str(seed), "--bootstrap", "0", "--json", js, "--evaluations", ev],
                   check=True, stdout=subprocess.DEVNULL)
    with open(ev) as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    inputs = [h.split(":", 1)[1] for h in head[3:]]
    a = [float(r[1]) for r in body]
    b = [float(r[2]) for r in body]
    ab = [[float(r[3 + j]) for r in body] for j in range(len(inputs))]
    with open(js) as f:
        reported = {s["input"]: s["first"] for s in json.load(f)["sobol"]}
    again = cogsim_first_order(a, b, ab)
    export_ok = all(abs(again[j] - reported[g]) <= 1e-9 * max(1.0, abs(reported[g])) for j, g in enumerate(inputs))
    return inputs, [reported[g] for g in inputs], salib_first_order(a, b, ab), export_ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cogsim", default="build/cogsim")
    p.add_argument("--scenario", default="scenarios/cog-2022-2024")
    p.add_argument("--output", default="resultat.CDS")
    p.add_argument("--year", type=int, default=2024)
    p.add_argument("--seeds", type=int, default=30)
    p.add_argument("--paths", type=int, default=2000)
    args = p.parse_args()
    cog, sal, ok, inputs = {}, {}, True, []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            inputs, c, s, export_ok = one_seed(args, seed, tmp)
            ok = ok and export_ok
            for g, x, y in zip(inputs, c, s):
                cog.setdefault(g, []).append(x)
                sal.setdefault(g, []).append(y)
    evaluations = args.paths * (len(inputs) + 2)
    print(f"{args.seeds} seeds, {args.paths} paths per matrix, {evaluations} model evaluations per seed")
    print(f"{'input':28} {'mean S1 cogsim':>15} {'mean S1 SALib':>14} {'sd cogsim':>10} {'sd SALib':>10} {'ratio':>6}")
    summary, worst, agree = {}, 0.0, True
    for g in inputs:
        sc, ss = statistics.stdev(cog[g]), statistics.stdev(sal[g])
        ratio = sc / ss if ss > 0 else math.inf
        worst = max(worst, ratio)
        # Same evaluations, estimators that differ only in the centring constant: their means over
        # the seeds agree within 3 standard errors of that mean.
        agree = agree and abs(statistics.fmean(cog[g]) - statistics.fmean(sal[g])) <= 3 * ss / math.sqrt(args.seeds)
        summary[g] = {"mean_cogsim": statistics.fmean(cog[g]), "mean_salib": statistics.fmean(sal[g]),
                      "sd_cogsim": sc, "sd_salib": ss, "ratio": ratio}
        print(f"{g:28} {summary[g]['mean_cogsim']:15.4f} {summary[g]['mean_salib']:14.4f} {sc:10.4f} {ss:10.4f} {ratio:6.2f}")
    print(json.dumps({"seeds": args.seeds, "paths": args.paths, "evaluations_per_seed": evaluations,
                      "export_matches_json": ok, "means_agree": agree, "worst_ratio": worst, "inputs": summary}))
    return 0 if ok and agree and worst <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
