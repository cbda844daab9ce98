#!/usr/bin/env python3
"""The page of `cogsim serve` in headless Chromium, driven as a user would: loads it, checks the
params are listed by the model's sections with sliders where the model declares a range, each
value in its param's unit with a decimal comma (a rate in %), what a field accepts, moves
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


def field(b, cell):
    """A param field: its text, the unit written beside it, its classes."""
    return b.eval(f"(() => {{ const e = document.querySelector('input[data-cell=\"{cell}\"]');"
                  " const u = e.parentNode.querySelector('.u');"
                  " return [e.value, u ? u.textContent : '', e.className]; })()")


def check_layout(b):
    """Sections from the model's `report params` lines; a slider beside each cell of a param with a
    range, in the unit the param is shown in; values written the French way in that unit."""
    sections = b.eval("[...document.querySelectorAll('#params details.psec > summary')].map(s => s.textContent)")
    if not sections or sections[0] != "Plan d'économies":
        fail(f"the params are not listed by the model's sections: {sections}")
    sliders = b.eval(f"(() => {{ const s = document.querySelector('input[type=range][data-for=\"{CELL}\"]');"
                     " return s ? [s.min, s.max, s.step, s.value] : null; })()")
    # savings is declared `: rate ... range 0 .. 0.15` (scenarios/cog-2022-2024/entities.cog): 0 to 15 %,
    # in steps of 0.1 point (about 1/200 of the span), at its value 0.018 = 1.8 %.
    if sliders is None or [float(x) for x in sliders] != [0, 15, 0.1, 1.8]:
        fail(f"no slider from 0 to 15 % in steps of 0,1 at 1,8 beside {CELL}: {sliders}")
    if b.eval("document.querySelector('input[type=range][data-for=\"fnmo_2020\"]') !== null"):
        fail("fnmo_2020 declares no range but has a slider")
    # Each value in its param's unit, with a decimal comma and groups of three (no-break spaces).
    want = {CELL: ["1,8", "%"], "gap_sd": ["1", "%"], "fnmo_investment": ["4\u00a0000\u00a0000", "€"],
            "execution_low": ["0,9", ""], "signature_forecast[2024]": ["1,5", "%"]}
    for cell, (value, unit) in want.items():
        got = field(b, cell)
        if got[:2] != [value, unit]:
            fail(f"{cell} is shown as {got[:2]}, expected {[value, unit]}")
    gap = b.eval("(() => { const s = document.querySelector('input[type=range][data-for=\"gap_sd\"]');"
                 " return [s.min, s.max, s.step]; })()")
    if [float(x) for x in gap] != [0, 3, 0.02]:
        fail(f"gap_sd (range 0 % .. 3 %) has a slider {gap}, expected 0 to 3 in steps of 0.02")
    print(f"serve_page.py: fields in their units with a decimal comma: {[field(b, c)[:2] for c in want]}")


def check_typing(b):
    """What a field takes: a comma or a point, its unit or another of the same dimension; a value
    that is the base's however written is no change; a value that is not a number is red and not sent."""
    cell = "savings[OPTIQUE, 2024]"  # 0.094 in the model, shown 9,4 (%)
    for typed in ["9,40", "9.4 %", "0,094e2", " 9,4 "]:
        b.type_into(f'input[data-cell="{cell}"]', typed)
        state = b.eval("Object.keys(cogsimPage.edits).join(',')") + "|" + field(b, cell)[2]
        if state != "|":
            fail(f"typing the base's own value {typed!r} into {cell} made an edit: {state!r}")
    for typed in ["9,4,1", "abc", "9,4 €", "1e"]:
        b.type_into(f'input[data-cell="{cell}"]', typed)
        edits = b.eval("JSON.stringify(cogsimPage.edits)")
        if "bad" not in field(b, cell)[2] or edits != "{}":
            fail(f"typing {typed!r} into {cell}: class {field(b, cell)[2]!r}, edits {edits}")
    b.type_into(f'input[data-cell="{cell}"]', "9,4")
    typed_sent = [("gap_sd", "1,25", "1.25 %"), ("fnmo_investment", "4 500 000,5", "4500000.5 €"),
                  ("fnmo_investment", "4,5 M€", "4.5 M€"), ("execution_low", "0,85", "0.85"),
                  ("execution_low", "85 %", "85 %"), ("signature_forecast[2024]", "−0,5", "-0.5 %")]
    for cell, typed, sent in typed_sent:
        b.type_into(f'input[data-cell="{cell}"]', typed)
        got = b.eval(f"cogsimPage.edits['{cell}']")
        if got != sent:
            fail(f"typing {typed!r} into {cell} sends {got!r}, expected {sent!r}")
    b.eval("document.getElementById('reset').click()")
    b.wait_for("Object.keys(cogsimPage.edits).length === 0")
    print("serve_page.py: a field takes 9,40 / 9.4 % / 0,094e2 as the base's 9,4 %, refuses 9,4,1 / abc / 9,4 € / 1e, "
          "and sends what is typed with its unit")


def move_slider(b, value, updates_before):
    """Moves the slider as a drag does (its value, in %, then an input event) and waits for the table."""
    b.eval(f"(() => {{ const s = document.querySelector('input[type=range][data-for=\"{CELL}\"]'); s.value = '{value}';"
           " s.dispatchEvent(new Event('input', { bubbles: true })); })()")
    # The model gets the value in its own units: value / 100, as the language reads `5 %`.
    b.wait_for(f"cogsimPage.updates > {updates_before} && cogsimPage.last.overrides['savings[CDS,2024]'] === {value / 100!r}",
               timeout=120)
    field = b.eval(f"document.querySelector('input[data-cell=\"{CELL}\"]').value")
    if field != f"{value:g}".replace(".", ","):
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
        edit(b, f"3,{i % 9}", before)
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
        check_typing(b)
        move_slider(b, 5, b.eval("cogsimPage.updates"))
        check_fan_and_funds(b, "resultat.CDS")
        # Typed in % with a decimal comma: the model gets 3.26 / 100 exactly as the language reads
        # `3.26 %` (dsl/declare.cpp: strtod, then / 100, which Python's float division reproduces).
        edit(b, "3,26", b.eval("cogsimPage.updates"))
        got = b.eval("cogsimPage.last.overrides['savings[CDS,2024]']")
        sent = b.eval(f"cogsimPage.edits[{json.dumps(CELL)}]")
        if got != float("3.26") / 100 or sent != "3.26 %":
            fail(f"3,26 typed in % was sent as {sent!r} and reached the model as {got!r}, expected {float('3.26') / 100!r}")
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
