"""The text lines of each page of a PDF that Chromium printed (Skia's PDF writer), with Python's
standard library only: no poppler, no PDF package.

Skia writes a plain PDF 1.4: numbered objects (no object streams, no cross-reference streams), each
page's /Contents one or more Flate-compressed streams. The page content is tokenised and run through
a small interpreter that follows the graphics state (q, Q, cm) and the text matrix (BT, Tm, Td, TD)
and records, for each text-showing operator (Tj, TJ, ', "), the vertical position of the run on the
page. Runs whose positions round to the same 4 pt are one line. A glyph's code is not decoded (the
fonts are subsets with their own encodings): the lines are counted, not read.
"""
import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_TOK = re.compile(rb"\((?:\\.|[^\\)])*\)|<<|>>|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>{}%]+"
                  rb"|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'\"*]+")
_LINE_PT = 4.0


def _objects(data):
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}


def _stream(body):
    m = re.search(rb"stream\r?\n(.*)endstream", body, re.S)
    if not m:
        raise ValueError("a /Contents object without a stream")
    raw = m.group(1)
    return zlib.decompress(raw) if b"FlateDecode" in body else raw


def _media_box(body, inherited):
    m = re.search(rb"/MediaBox\s*\[([^\]]*)\]", body)
    return [float(v) for v in m.group(1).split()] if m else inherited


def page_contents(data):
    """[(media box [x0 y0 x1 y1], decompressed content bytes)] in page order."""
    objs = _objects(data)
    roots = [o for o in objs.values() if re.search(rb"/Type\s*/Pages\b", o) and b"/Parent" not in o]
    if len(roots) != 1:
        raise ValueError(f"expected one page tree root, found {len(roots)}")
    out = []

    def walk(body, box):
        box = _media_box(body, box)
        kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
        if kids:
            for ref in re.findall(rb"(\d+) 0 R", kids.group(1)):
                walk(objs[int(ref)], box)
            return
        contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", body, re.S)
        refs = re.findall(rb"(\d+) 0 R", contents.group(1)) if contents else []
        out.append((box, b"".join(_stream(objs[int(r)]) for r in refs)))

    walk(roots[0], None)
    return out


def _mul(a, b):
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def text_run_heights(content):
    """The vertical position (PDF points from the page's bottom) of every text run of a page."""
    ident = [1, 0, 0, 1, 0, 0]
    ctm, stack, nums, tm, depth, ys = ident, [], [], ident, 0, []
    for t in _TOK.findall(content):
        if t == b"[":
            depth += 1
            continue
        if t == b"]":
            depth -= 1
            continue
        c = t[:1]
        if depth or c in b"(</" or t == b">>":
            continue
        if c.isdigit() or c in b"-+.":
            nums.append(float(t))
            continue
        if t == b"q":
            stack.append(ctm)
        elif t == b"Q":
            ctm = stack.pop() if stack else ctm
        elif t == b"cm" and len(nums) >= 6:
            ctm = _mul(nums[-6:], ctm)
        elif t == b"BT":
            tm = ident
        elif t == b"Tm" and len(nums) >= 6:
            tm = nums[-6:]
        elif t in (b"Td", b"TD") and len(nums) >= 2:
            tm = _mul([1, 0, 0, 1, nums[-2], nums[-1]], tm)
        elif t in (b"Tj", b"TJ", b"'", b'"'):
            ys.append(_mul(tm, ctm)[5])
        nums = []
    return ys


def page_lines(data):
    """For each page: (number of text lines, share of the page's height between its highest and
    lowest line)."""
    result = []
    for box, content in page_contents(data):
        ys = text_run_heights(content)
        lines = sorted({round(y / _LINE_PT) for y in ys})
        height = (box[3] - box[1]) if box else 842.0
        span = (max(ys) - min(ys)) / height if ys else 0.0
        result.append((len(lines), span))
    return result
