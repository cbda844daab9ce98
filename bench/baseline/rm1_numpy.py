#!/usr/bin/env python3
"""Reference model RM1 (COG CANSSM 2022-2024, Filieris projection) in plain vectorised NumPy.

This is the independent baseline that cogsim is compared against, for correctness (the two
must agree within Monte Carlo error) and for speed (same model, same number of paths, whole
process).  It is written the way a competent data scientist would write it: every path at
once, one year at a time, arrays of shape (12, N) for the entities and (N,) for the drivers,
float64 throughout, numpy.random.default_rng(seed) (PCG64) for the standard normal and uniform
draws, and np.percentile for the quantiles.  Nothing here is shared with the C++ engine: the
equations and numbers are transcribed from /work/shared/spec/reference-model-rm1.md.

Usage: rm1_numpy.py [--paths N] [--seed S] [--json FILE]
The JSON has the same shape as `cogsim run --json`:
  outputs[name][year] = {mean, sd, p5, p50, p95}
  indicators[id]["years"][year] = {target, p_met}
  events = {"all_met": {"2024": p}, "fnmo.negative": {year: p}}
"""

import argparse
import json
import sys
import time

import numpy as np

# --------------------------------------------------------------------------- model data (§2)
ENTITIES = ["FREYMING", "CHARLEVILLE", "FRESNES", "AUCHEL", "CARMAUX", "PAMPELONNE",
            "AUTRES", "CDS", "SAP", "SSIAD", "OPTIQUE", "MATMED"]
KINDS = ["SAN", "EMS", "CDS", "DOM", "COM"]
KIND = ["SAN", "SAN", "EMS", "SAN", "SAN", "EMS", "SAN", "CDS", "DOM", "DOM", "COM", "COM"]
KIND_IDX = np.array([KINDS.index(k) for k in KIND])

PRODUITS_2019 = np.array([26_633_000, 6_802_000, 6_780_000, 7_182_000, 7_271_000, 3_318_000,
                          34_620_000, 76_949_000, 29_102_000, 20_012_000, 1_936_000,
                          3_583_000], dtype=np.float64)
RESULTAT_2019 = np.array([-2_805_515.12, -520_916.01, -524_402.64, 183_360.03, -290_847.02,
                          -483_203.52, 1_050_268.05, -13_607_724.82, 176_789.74, 128_853.72,
                          -458_280.41, 1_905_191.42])
PERSONNEL_SHARE = np.array([0.65, 0.65, 0.60, 0.65, 0.65, 0.60, 0.63, 0.75, 0.85, 0.80,
                            0.35, 0.30])
ACTIVITY_MEAN = np.array([1.0, 1.0, 0.5, 0.5, 1.0, 0.5, 0.5, 1.5, 1.0, 0.5, -5.0, 2.0]) / 100
ACTIVITY_SD = np.array([3.0, 4.0, 2.0, 3.0, 4.0, 2.0, 2.0, 3.0, 3.0, 2.0, 8.0, 5.0]) / 100

# Savings plan m(e, t), columns 2022, 2023, 2024 (zero in 2020 and 2021).
SAVINGS = {
    2022: np.array([0.050, 0.020, 0.019, 0, 0.048, 0.084, 0, 0.028, 0.001, 0.002, 0.117, 0]),
    2023: np.array([0.016, 0.015, 0.019, 0, 0.001, 0.054, 0, 0.024, 0, 0.001, 0.067, 0]),
    2024: np.array([0.015, 0.014, 0.015, 0, 0, 0, 0, 0.018, 0, 0, 0.094, 0]),
}

# --------------------------------------------------------------------------- drivers (§3)
BASE, YEARS, COG_YEARS = 2019, range(2020, 2025), (2022, 2023, 2024)
SIGNATURE_FORECAST = 0.015                         # F̄(t), 2022..2024
PHI, SIGMA_PI = 0.5, 0.010                         # inflation gap AR(1)
RHO_BAR, BETA, SIGMA_RHO = 0.015, 0.4, 0.003       # RMPP
SIGMA_TAU = 0.003
TARIFF_MEAN = np.array([1.0, 1.2, 0.8, 1.2, 1.5]) / 100       # τ̄(k), by KINDS
TARIFF_PASS = np.array([0.5, 0.5, 0.3, 0.5, 0.8])             # λ(k)
ACTIVITY_COMMON = 0.3                              # c
KNOWN_INFLATION = {2020: 0.005, 2021: 0.016}
KNOWN_RMPP = {2020: 0.015, 2021: 0.015}

# --------------------------------------------------------------------------- dynamics (§4)
ETA, KAPPA = 0.6, 0.4

# --------------------------------------------------------------------------- indicators (§5)
# (entity, {year: ("reduce", r) | ("equilibre",) | ("excedent",)})
def _rd(r):
    return ("reduce", r)


EQ, EX = ("equilibre",), ("excedent",)
INDICATORS = {
    1: ("FREYMING", {2022: _rd(0.40), 2023: _rd(0.55), 2024: _rd(0.70)}),
    2: ("CHARLEVILLE", {2022: _rd(0.10), 2023: _rd(0.30), 2024: _rd(0.50)}),
    3: ("FRESNES", {2022: _rd(0.15), 2023: _rd(0.40), 2024: _rd(0.60)}),
    4: ("AUCHEL", {2022: EQ, 2023: EQ, 2024: EQ}),
    5: ("CARMAUX", {2022: EQ, 2023: EQ, 2024: EQ}),
    6: ("PAMPELONNE", {2022: _rd(0.60), 2023: EQ, 2024: EQ}),
    7: ("AUTRES", {2022: EQ, 2023: EQ, 2024: EQ}),
    8: ("CDS", {2022: _rd(0.05), 2023: _rd(0.20), 2024: _rd(0.30)}),
    9: ("SAP", {2022: EQ, 2023: EQ, 2024: EQ}),
    10: ("SSIAD", {2022: EQ, 2023: EQ, 2024: EQ}),
    11: ("OPTIQUE", {2022: _rd(0.50), 2023: _rd(0.70), 2024: EQ}),
    12: ("MATMED", {2022: EX, 2023: EX, 2024: EX}),
}

# --------------------------------------------------------------------------- funds (§6)
FNMO_2020, FNMO_INVESTMENT = 58_371_718.99, 4_000_000.0
AMBULATOIRES = [ENTITIES.index(e) for e in ("CDS", "OPTIQUE", "MATMED")]
BNASS_FONCT = {  # amounts 2022, 2023, 2024 (2022 includes the 1.5 % forecast)
    "PA": np.array([899_200, 2_306_100, 810_000], dtype=np.float64),
    "MAL": np.array([2_333_300, 2_244_800, 2_162_100], dtype=np.float64),
    "ATMP": np.array([510_300, 477_200, 446_200], dtype=np.float64),
}
BNASS_INVEST = {  # current euros
    "PA": np.array([4_000_000, 2_000_000, 200_000], dtype=np.float64),
    "MAL": np.array([16_000_000, 7_000_000, 800_000], dtype=np.float64),
}
BNPPS = {  # hors inflation, every year
    "MAL": np.array([2_255_500, 2_200_000, 2_148_000], dtype=np.float64),
    "ATMP": np.array([100_000, 100_000, 100_000], dtype=np.float64),
}
BNGA_PERSONNEL = np.array([37.33e6, 36.67e6, 36.01e6])
RMPP_COG = 0.015
EXEC_LOW, EXEC_HIGH = 0.90, 1.00


def simulate(n, seed):
    """Run RM1 on n paths. Returns (outputs, met, events): outputs[name][year] = array of
    shape (n,) or (1,) for a deterministic value; met[ind][year] = bool array (n,)."""
    rng = np.random.default_rng(seed)
    out = {}

    def put(name, year, x):
        out.setdefault(name, {})[year] = x

    # Base year decomposition; deterministic years stay of shape (12, 1) / (1,).
    charges = PRODUITS_2019 - RESULTAT_2019
    prod = PRODUITS_2019[:, None].copy()
    pers = (PERSONNEL_SHARE * charges)[:, None]
    oth = ((1 - PERSONNEL_SHARE) * charges)[:, None]
    res = {BASE: prod - pers - oth}

    u_prev = np.zeros(1)                    # inflation gap u(t−1), u(2021) = 0
    infl, pub, rmpp = {}, {}, {}
    for t in YEARS:
        if t in COG_YEARS:
            u = PHI * u_prev + SIGMA_PI * rng.standard_normal(n)
            infl[t] = SIGNATURE_FORECAST + u
            pub[t] = SIGNATURE_FORECAST + PHI * u_prev
            rmpp[t] = RHO_BAR + BETA * u + SIGMA_RHO * rng.standard_normal(n)
            tariff_k = (TARIFF_MEAN[:, None] + TARIFF_PASS[:, None] * u_prev
                        + SIGMA_TAU * rng.standard_normal((len(KINDS), n)))
            tariff = tariff_k[KIND_IDX]                                   # (12, n)
            w = rng.standard_normal(n)
            z = rng.standard_normal((len(ENTITIES), n))
            act = ACTIVITY_MEAN[:, None] + ACTIVITY_SD[:, None] * (
                np.sqrt(ACTIVITY_COMMON) * w + np.sqrt(1 - ACTIVITY_COMMON) * z)
            m = SAVINGS[t][:, None]
            u_prev = u
        else:  # 2020, 2021: known years
            infl[t] = np.array([KNOWN_INFLATION[t]])
            rmpp[t] = np.array([KNOWN_RMPP[t]])
            tariff = TARIFF_MEAN[KIND_IDX][:, None]
            act = np.zeros((1, 1))
            m = np.zeros((1, 1))
        prod = prod * (1 + tariff) * (1 + act)
        pers = pers * (1 + rmpp[t]) * (1 + ETA * act) * (1 - m)
        oth = oth * (1 + infl[t]) * (1 + KAPPA * act) * (1 - m)
        res[t] = prod - pers - oth
        put("inflation", t, infl[t])
        put("rmpp", t, rmpp[t])

    for t in [BASE, *YEARS]:
        for i, e in enumerate(ENTITIES):
            put(f"resultat.{e}", t, res[t][i])
        put("resultat.total", t, res[t].sum(axis=0))

    # FNMO reserve and its probability of going negative.
    events = {"fnmo.negative": {}}
    fnmo = np.array([FNMO_2020])
    put("fnmo.reserve", 2020, fnmo)
    for t in range(2021, 2025):
        fnmo = fnmo + res[t][AMBULATOIRES].sum(axis=0) - FNMO_INVESTMENT
        put("fnmo.reserve", t, fnmo)
        events["fnmo.negative"][t] = float(np.mean(fnmo < 0))

    # Corrected inflation rates r(N): r(2022) = p(2022); r(N) = p(N) + π(N−1) − p(N−1).
    r = {2022: pub[2022]}
    for t in (2023, 2024):
        r[t] = pub[t] + (infl[t - 1] - pub[t - 1])

    # BNASS fonctionnement: 2022 already indexed; 2023, 2024 indexed from 2023.
    # BNPPS: hors inflation every year, indexed from 2022.
    bnass_env = {}
    for line, table in BNASS_FONCT.items():
        idx = np.ones(1)
        for j, t in enumerate(COG_YEARS):
            if t >= 2023:
                idx = idx * (1 + r[t])
            env = table[j] * idx
            bnass_env[("fonct", line, t)] = env
            put(f"bnass.fonct.{line}", t, env)
    for line, table in BNPPS.items():
        idx = np.ones(1)
        for j, t in enumerate(COG_YEARS):
            idx = idx * (1 + r[t])
            put(f"bnpps.{line}", t, table[j] * idx)
    for line, table in BNASS_INVEST.items():
        for j, t in enumerate(COG_YEARS):
            bnass_env[("invest", line, t)] = np.array([table[j]])

    # BNASS carry-over of unspent limitative credits, execution x ~ U(0.90, 1.00) per line/year.
    lines = [("fonct", l) for l in BNASS_FONCT] + [("invest", l) for l in BNASS_INVEST]
    carried = {ln: np.zeros(1) for ln in lines}
    cancelled, beyond = np.zeros(n), np.zeros(n)
    for t in COG_YEARS:
        for ln in lines:
            authorised = bnass_env[(*ln, t)] + carried[ln]
            x = rng.uniform(EXEC_LOW, EXEC_HIGH, n)
            unspent = (1 - x) * authorised
            if t < COG_YEARS[-1]:
                carried[ln] = unspent
            elif ln[0] == "fonct":
                cancelled = cancelled + unspent
            else:
                beyond = beyond + unspent
    put("bnass.cancelled", 2024, cancelled)
    put("bnass.carried_beyond", 2024, beyond)

    # BNGA personnel, actualised on the RMPP differential.
    idx = np.ones(1)
    for j, t in enumerate(COG_YEARS):
        idx = idx * (1 + rmpp[t] - RMPP_COG)
        put("bnga.personnel", t, BNGA_PERSONNEL[j] * idx)

    # Indicators.
    indicators = {}
    met_2024 = np.ones(n, dtype=bool)
    for ind, (entity, rules) in INDICATORS.items():
        i = ENTITIES.index(entity)
        years = {}
        for t, rule in rules.items():
            x = res[t][i]
            if rule[0] == "reduce":
                target = (1 - rule[1]) * RESULTAT_2019[i]
                ok = x >= target
            elif rule[0] == "equilibre":
                target = 0.0
                ok = x >= 0
            else:
                target = 0.0
                ok = x > 0
            years[t] = {"target": float(target), "p_met": float(np.mean(ok))}
            if t == 2024:
                met_2024 &= ok
        indicators[ind] = {"entity": entity, "years": years}
    events["all_met"] = {2024: float(np.mean(met_2024))}
    return out, indicators, events


def summary(x):
    """mean, sd (n − 1), p5, p50, p95 of one output-year, and each quantile's standard error
    (distribution-free: the half-width of the order statistics' 95 % interval, ranks
    n(q ± 1.96·sqrt(q(1 − q)/n)), over 2·1.96); x has the paths on its only axis."""
    if x.size == 1:  # deterministic year: exact
        v = float(x[0])
        return {"mean": v, "sd": 0.0, "p5": v, "p50": v, "p95": v, "p5_se": 0.0, "p50_se": 0.0, "p95_se": 0.0}
    qs = [0.05, 0.50, 0.95]
    d = [1.959963984540054 * np.sqrt(q * (1 - q) / x.size) for q in qs]
    levels = [100 * q for q in qs] + [100 * (q - e) for q, e in zip(qs, d)] + [100 * (q + e) for q, e in zip(qs, d)]
    v = np.percentile(x, levels)
    out = {"mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1)),
           "p5": float(v[0]), "p50": float(v[1]), "p95": float(v[2])}
    for k, name in enumerate(["p5", "p50", "p95"]):
        out[name + "_se"] = float((v[6 + k] - v[3 + k]) / (2 * 1.959963984540054))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", default=None, help="write the results here")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    out, indicators, events = simulate(args.paths, args.seed)
    outputs = {name: {str(t): summary(x) for t, x in years.items()} for name, years in out.items()}
    wall = time.perf_counter() - t0

    doc = {
        "meta": {"model": "COG CANSSM 2022-2024 (RM1, NumPy baseline)", "paths": args.paths,
                 "seed": args.seed, "threads": 1, "wall_seconds": wall,
                 "version": f"numpy {np.__version__}", "rng": "numpy PCG64 (default_rng)"},
        "outputs": outputs,
        "indicators": {str(k): {"entity": v["entity"],
                                "years": {str(t): y for t, y in v["years"].items()}}
                       for k, v in indicators.items()},
        "events": {name: {str(t): p for t, p in ys.items()} for name, ys in events.items()},
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
    else:
        json.dump(doc, sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
