#!/usr/bin/env python3
"""Layout of self-contained report pages, measured in headless Chromium (tests/browser/cdp.py).

Usage: layout_check.py OUTDIR PAGE.html [PAGE.html ...]

For each page, at 1400 px and at 420 px wide:
  - no two text boxes of one SVG intersect (rendered boxes, getBoundingClientRect, 1 px slack), and
    no text sticks out of its SVG (where it would be cut off);
  - no two tick labels of an HTML chart's axis (.taxis .tick: the tornado rows) touch (2 px gap);
  - at 420 px the page has no horizontal overflow: the document is not wider than the window, and
    every element that sticks out of the window lies inside a scrollable box (overflow-x auto or
    scroll), as the tables do;
  - the page requests nothing (no resource timing entry: no image, font, stylesheet or script);
  - printed to PDF by Chromium (Page.printToPDF, the page's own @page size), no page is near-empty:
    every page holds at least MIN_LINES lines of text, and every page but the last has text over at
    least MIN_SPAN of its height (tests/browser/pdf_pages.py reads the lines back from the PDF).
    Before the pages, a control page with a forced break before one lone line must be caught.
Screenshots go to OUTDIR/NAME-1400.png and OUTDIR/NAME-420.png, the PDF to OUTDIR/NAME.pdf. Exit 1 with the findings on a
failure; 2 when Chromium is missing (scripts/install-deps.sh installs it).
"""
import base64
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from pdf_pages import page_lines  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MIN_LINES = 6     # "a few lines of content"
MIN_SPAN = 0.10   # a page but the last with text over less than a tenth of its height (about seven lines) is near-empty

# A page whose second printed page holds one line only: the PDF check must find it.
CONTROL = ("<!doctype html><html><head><meta charset='utf-8'><style>@page{size:A4}</style></head><body>"
           + "".join(f"<p>ligne {k}</p>" for k in range(12))
           + "<p style='break-before:page'>une ligne seule</p></body></html>")

# Pairs of text boxes that intersect, per SVG (index of the SVG, the two texts).
OVERLAPS = r"""
(() => {
  const found = [];
  document.querySelectorAll('svg').forEach((svg, k) => {
    const s = svg.getBoundingClientRect();
    svg.querySelectorAll('text').forEach(t => { const r = t.getBoundingClientRect();
      if (r.width > 0 && (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1))
        found.push([k, t.textContent.trim(), null]); });
    const boxes = [...svg.querySelectorAll('text')].map(t => ({t: t.textContent.trim(), r: t.getBoundingClientRect()}))
      .filter(b => b.r.width > 0 && b.r.height > 0 && b.t.length > 0);
    for (let i = 0; i < boxes.length; ++i)
      for (let j = i + 1; j < boxes.length; ++j) {
        const a = boxes[i].r, b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) found.push([k, boxes[i].t, boxes[j].t]);
      }
  });
  return found;
})()
"""

# Tick labels of the HTML charts (the tornado rows' axis) that intersect, per axis.
HTML_TICKS = r"""
(() => {
  const found = [];
  document.querySelectorAll('.taxis').forEach((axis, k) => {
    const boxes = [...axis.querySelectorAll('.tick')].map(t => ({t: t.textContent.trim(), r: t.getBoundingClientRect()}))
      .filter(b => b.r.width > 0 && b.r.height > 0);
    for (let i = 0; i < boxes.length; ++i)
      for (let j = i + 1; j < boxes.length; ++j) {
        const a = boxes[i].r, b = boxes[j].r;
        if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > -2 &&
            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) found.push([k, boxes[i].t, boxes[j].t]);
      }
  });
  return found;
})()
"""

# Elements sticking out of the window that no scrollable ancestor holds.
OVERFLOW = r"""
(() => {
  const W = window.innerWidth, out = [];
  const scrollable = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  document.querySelectorAll('body *').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1 && !scrollable(e)) out.push(e.tagName + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(r.right));
  });
  return {doc: document.documentElement.scrollWidth, width: W, out: out.slice(0, 10)};
})()
"""


def check(b, path, outdir):
    problems = []
    name = os.path.splitext(os.path.basename(path))[0]
    b.open("file://" + os.path.abspath(path), 1400, 1000)
    b.wait_for("document.readyState === 'complete'")
    for width in (1400, 420):
        b.resize(width, 1000)
        b.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        for k, s, t in b.eval(OVERLAPS):
            what = f"overlaps '{t}'" if t is not None else "sticks out of its chart (cut off)"
            problems.append(f"{name} at {width} px: in SVG {k}, '{s}' {what}")
        for k, s, t in b.eval(HTML_TICKS):
            problems.append(f"{name} at {width} px: on chart axis {k}, tick '{s}' touches '{t}'")
        if width == 420:
            o = b.eval(OVERFLOW)
            if o["doc"] > o["width"] or o["out"]:
                problems.append(f"{name} at 420 px: page {o['doc']} px wide; outside scrollable boxes: {o['out']}")
        b.screenshot(os.path.join(outdir, f"{name}-{width}.png"), width, 1000)
    return problems


def pdf_problems(b, name, outdir):
    pdf = base64.b64decode(b.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True},
                                  timeout=120)["data"])
    with open(os.path.join(outdir, f"{name}.pdf"), "wb") as f:
        f.write(pdf)
    pages = page_lines(pdf)
    problems = []
    for k, (lines, span) in enumerate(pages):
        if lines < MIN_LINES:
            problems.append(f"{name} printed: page {k + 1} of {len(pages)} holds {lines} line(s) of text")
        elif span < MIN_SPAN and k + 1 < len(pages):
            problems.append(f"{name} printed: page {k + 1} of {len(pages)} has text over {span:.0%} of its height")
    return problems


def control_is_caught(b, outdir):
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
        f.write(CONTROL)
    try:
        b.open("file://" + f.name, 1400, 1000)
        b.wait_for("document.readyState === 'complete'")
        return len(pdf_problems(b, "control", outdir)) == 1
    finally:
        os.unlink(f.name)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if not os.access(CHROMIUM, os.X_OK):
        print(f"layout_check.py: {CHROMIUM} not found (scripts/install-deps.sh installs chromium)", file=sys.stderr)
        return 2
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    problems = []
    b = Browser(CHROMIUM)
    try:
        if not control_is_caught(b, outdir):
            problems.append("the PDF check does not find the control page's near-empty page")
        for page in sys.argv[2:]:
            problems += check(b, page, outdir)
            problems += pdf_problems(b, os.path.splitext(os.path.basename(page))[0], outdir)
            requests = b.eval("performance.getEntriesByType('resource').map(e => e.name)")
            if requests:
                problems.append(f"{page}: requests {requests}")
    finally:
        b.close()
    for p in problems:
        print(p)
    print(json.dumps({"pages": len(sys.argv) - 2, "problems": len(problems)}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
