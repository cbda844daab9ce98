#!/usr/bin/env python3
"""The page of `cogsim serve` in headless Chromium, driven as a user would: loads it, types a new
2024 savings rate for the centres de santé, waits for the table to update, saves the avenant, and
checks that the numbers shown are those of `cogsim compare BASE AVENANT` and `cogsim run AVENANT`
(same seed and paths). Screenshots at 1400 px and 420 px go to OUTDIR.

With --latency N: N edits in a row at --paths, each timed from the request to the rendered update
(in the page, performance.now()) and from the keystroke to the update seen by this script; prints
the p50/p95 of both as JSON (bench/serve_latency.sh).

Usage: serve_page.py COGSIM SCENARIO OUTDIR [--latency N] [--paths P]
Exit status 0, 1 on a failed check, 77 (skipped) without Chromium."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CELL = "savings[CDS, 2024]"


def fail(msg):
    print("serve_page.py: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def fr_pct(p):
    if 0 < p < 0.001:
        return "< 0,1 %"
    if 0.999 < p < 1:
        return "> 99,9 %"
    return f"{100 * p:.1f}".replace(".", ",") + " %"


def start_server(cogsim, scenario, save_dir):
    proc = subprocess.Popen([cogsim, "serve", scenario, "--port", "0", "--save-dir", save_dir, "--threads", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        fail(f"the server did not start: {line!r} {proc.stderr.read()}")
    return proc, int(m.group(1))


def edit(b, value, updates_before):
    b.type_into(f'input[data-cell="{CELL}"]', value)
    b.wait_for(f"cogsimPage.updates > {updates_before} && cogsimPage.last.overrides['savings[CDS,2024]'] !== undefined"
               f" && !cogsimPage.controller.signal.aborted && Object.keys(cogsimPage.edits).length > 0", timeout=120)


def cogsim_json(cogsim, args, tmp, name):
    out = os.path.join(tmp, name)
    r = subprocess.run([cogsim, *args, "--json", out, "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"cogsim {' '.join(args)}: {r.stderr}")
    with open(out) as f:
        return json.load(f)


def check_against_cli(b, cogsim, scenario, tmp):
    page = b.eval("cogsimPage.last")
    paths = page["compare"]["meta"]["paths"]
    b.eval("document.getElementById('a-name').value = 'avenant-navigateur'; document.getElementById('a-save').click()")
    b.wait_for("cogsimPage.avenant && cogsimPage.avenant.file")
    file = b.eval("cogsimPage.avenant.file")
    check = subprocess.run([cogsim, "check", file], capture_output=True, text=True)
    if check.returncode != 0:
        fail(f"cogsim check {file}: {check.stdout}{check.stderr}")
    common = ["--paths", str(paths), "--seed", "42"]
    cmp = cogsim_json(cogsim, ["compare", scenario, file, *common], tmp, "compare.json")
    run = cogsim_json(cogsim, ["run", file, *common], tmp, "run.json")
    shown = b.eval("[...document.querySelectorAll('#indicators tr')].map(r => [...r.cells].map(c => c.innerText))")
    n = 0
    for ind, entry in page["compare"]["delta"]["indicators"].items():
        for year, v in entry["years"].items():
            c = cmp["delta"]["indicators"][ind]["years"][year]
            if (v["variant"], v["delta"], v["se"]) != (c["variant"], c["delta"], c["se"]):
                fail(f"indicator {ind} {year}: page {v} but cogsim compare {c}")
            if run["indicators"][ind]["years"][year]["p_met"] != v["variant"]:
                fail(f"indicator {ind} {year}: page {v['variant']} but cogsim run {run['indicators'][ind]['years'][year]}")
            n += 1
    row = next((r for r in shown if r and r[0].split(" ")[0] == "8"), None)
    years = shown[0][1:]
    if row is None or "2024" not in years:
        fail(f"no row for indicator 8 / 2024 in the table: {shown[:3]}")
    cell = row[1 + years.index("2024")]
    want = fr_pct(page["compare"]["delta"]["indicators"]["8"]["years"]["2024"]["variant"])
    if not cell.replace("\u202f", " ").replace("\u00a0", " ").startswith(want):
        fail(f"indicator 8 / 2024 shows {cell!r}, expected {want!r}")
    print(f"serve_page.py: {n} P(met) on the page equal `cogsim compare` and `cogsim run` of {file} "
          f"({paths} paths); indicator 8 / 2024 shows {cell.splitlines()[0]}")


def cpu_seconds(pid):
    """User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latency(b, runs, server_pid):
    page, wall = [], []
    cpu0 = cpu_seconds(server_pid)
    for i in range(runs):
        before = b.eval("cogsimPage.updates")
        t0 = time.time()
        edit(b, f"0.0{30 + i % 9}", before)
        wall.append(1000 * (time.time() - t0))
        page.append(b.eval("cogsimPage.latencies[cogsimPage.latencies.length - 1]"))

    def pct(xs, q):
        s = sorted(xs)
        return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]
    cpu = 1000 * (cpu_seconds(server_pid) - cpu0) / runs
    return {"runs": runs, "request_to_render_ms": {"p50": pct(page, .5), "p95": pct(page, .95), "max": max(page)},
            "keystroke_to_render_ms": {"p50": pct(wall, .5), "p95": pct(wall, .95)},
            "server_cpu_ms_per_update": round(cpu, 1), "load_average": os.getloadavg()[0]}


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cogsim, scenario, outdir = args[:3]
    runs = int(args[args.index("--latency") + 1]) if "--latency" in args else 0
    paths = args[args.index("--paths") + 1] if "--paths" in args else "100000"
    if not os.access(CHROMIUM, os.X_OK):
        print(f"serve_page.py: {CHROMIUM} not found: skipped (scripts/install-deps.sh installs chromium)")
        return 77
    os.makedirs(outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="cogsim-serve-page-")
    server, port = start_server(cogsim, scenario, tmp)
    b = Browser(CHROMIUM)
    try:
        b.open(f"http://127.0.0.1:{port}/", 1400, 1000)
        b.wait_for("window.cogsimPage && cogsimPage.updates >= 1")
        if paths != "100000":
            b.eval(f"document.getElementById('paths').value = '{paths}';"
                   "document.getElementById('paths').dispatchEvent(new Event('change'))")
            b.wait_for(f"cogsimPage.last.compare.meta.paths == {paths}", timeout=120)
        if runs:
            print(json.dumps(latency(b, runs, server.pid)))
            return 0
        edit(b, "0.031", b.eval("cogsimPage.updates"))
        check_against_cli(b, cogsim, scenario, tmp)
        b.screenshot(os.path.join(outdir, "serve-1400.png"), 1400, 1000)
        b.screenshot(os.path.join(outdir, "serve-420.png"), 420, 900)
        print(f"serve_page.py: screenshots in {outdir}")
        return 0
    finally:
        b.close()
        server.terminate()
        server.wait(timeout=10)
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())
