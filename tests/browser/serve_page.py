#!/usr/bin/env python3
"""The page of `cogsim serve` in headless Chromium, driven as a user would: loads it, checks the
params are listed by the model's sections with sliders where the model declares a range, moves
the slider of the 2024 savings rate of the centres de santé and waits for the table, then types a
new value, waits for the table to update, saves the avenant, and checks that the numbers shown are
those of `cogsim compare BASE AVENANT` and `cogsim run AVENANT` (same seed and paths), that the fan
chart of the chosen entity and the fund tables show base and variant. Screenshots at 1400 px and
420 px go to OUTDIR.

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


def check_layout(b):
    """Sections from the model's `report params` lines; a slider beside each cell of a param with a range."""
    sections = b.eval("[...document.querySelectorAll('#params details.psec > summary')].map(s => s.textContent)")
    if not sections or sections[0] != "Plan d'économies":
        fail(f"the params are not listed by the model's sections: {sections}")
    sliders = b.eval(f"(() => {{ const s = document.querySelector('input[type=range][data-for=\"{CELL}\"]');"
                     " return s ? [s.min, s.max, s.value] : null; })()")
    if sliders is None or float(sliders[0]) != 0 or float(sliders[1]) != 0.15:
        fail(f"no slider from 0 to 0.15 beside {CELL} (scenarios/cog-2022-2024/entities.cog: range 0 .. 0.15): {sliders}")
    if b.eval("document.querySelector('input[type=range][data-for=\"fnmo_2020\"]') !== null"):
        fail("fnmo_2020 declares no range but has a slider")


def move_slider(b, value, updates_before):
    """Moves the slider as a drag does (its value, then an input event) and waits for the table."""
    b.eval(f"(() => {{ const s = document.querySelector('input[type=range][data-for=\"{CELL}\"]'); s.value = '{value}';"
           " s.dispatchEvent(new Event('input', { bubbles: true })); })()")
    b.wait_for(f"cogsimPage.updates > {updates_before} && cogsimPage.last.overrides['savings[CDS,2024]'] === {value}",
               timeout=120)
    field = b.eval(f"document.querySelector('input[data-cell=\"{CELL}\"]').value")
    if float(field) != value:
        fail(f"the slider moved to {value} but the field shows {field!r}")
    shown = b.eval("[...document.querySelectorAll('#indicators tr')].map(r => [...r.cells].map(c => c.innerText))")
    years = shown[0][1:]
    row = next((r for r in shown if r and r[0].split(" ")[0] == "8"), None)
    want = fr_pct(b.eval("cogsimPage.last.compare.delta.indicators['8'].years['2024'].variant"))
    if row is None or not row[1 + years.index("2024")].replace("\u202f", " ").replace("\u00a0", " ").startswith(want):
        fail(f"after the slider, indicator 8 / 2024 shows {row}, expected {want!r}")
    print(f"serve_page.py: slider to {value}: the field shows {field}, indicator 8 / 2024 shows {want}")


def check_fan_and_funds(b, output):
    """The fan chart of the chosen entity (base and variant bands) and the model's fund tables."""
    before = b.eval("cogsimPage.updates")
    b.eval(f"document.getElementById('fan-sel').value = '{output}';"
           "document.getElementById('fan-sel').dispatchEvent(new Event('change'))")
    b.wait_for(f"cogsimPage.updates > {before} && cogsimPage.last.fan.output === '{output}'", timeout=120)
    fan = b.eval("(() => { const s = document.getElementById('fan-svg'); if (!s) return null;"
                 " return { b90: s.querySelectorAll('polygon.b90').length, v90: s.querySelectorAll('polygon.v90').length,"
                 " med: s.querySelectorAll('polyline.med').length, vmed: s.querySelectorAll('polyline.vmed').length,"
                 " chosen: document.getElementById('fan-sel').value, output: cogsimPage.last.fan.output,"
                 " years: cogsimPage.last.fan.years.length }; })()")
    if not fan or (fan["b90"], fan["v90"], fan["med"], fan["vmed"]) != (1, 1, 1, 1) or fan["output"] != output:
        fail(f"no fan chart with base and variant for the chosen series: {fan}")
    tables = b.eval("[...document.querySelectorAll('#tables h2')].map(h => h.textContent)")
    if not any("Fonds" in t for t in tables):
        fail(f"no fund table (report table line of report.cog) on the page: {tables}")
    moved = b.eval("document.querySelectorAll('#tables td.moved').length")
    print(f"serve_page.py: fan chart of {fan['output']} over {fan['years']} years (base and variant); "
          f"tables {tables}; {moved} means moved")


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
        check_layout(b)
        move_slider(b, 0.05, b.eval("cogsimPage.updates"))
        check_fan_and_funds(b, "resultat.CDS")
        edit(b, "0.031", b.eval("cogsimPage.updates"))
        check_against_cli(b, cogsim, scenario, tmp)
        b.eval("document.getElementById('params').scrollTop = 0; document.activeElement.blur()")
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
