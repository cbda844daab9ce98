#include "src/report_style.hpp"

namespace cogsim::app::report {

// The axes, grid and text of the SVG charts: the run report's and the comparison page's.
#define COGSIM_SVG_AXES                                                                              \
  "svg .grid{stroke:#e3e7eb;stroke-width:1}svg .axis{stroke:#7b8794;stroke-width:1}"               \
  "svg .tick{font-size:10.5px;fill:#52606d}svg .legend{font-size:11px;fill:#3e4c59}"

extern const char* const kSvgAxes;
const char* const kSvgAxes = COGSIM_SVG_AXES;

extern const char* const kStyle;
const char* const kStyle = R"CSS(
:root { --ink:#1f2933; --muted:#5f6b76; --line:#d5dbe1; --bg:#f6f7f9; --accent:#123f73;
        --ok:#1a7f37; --okbg:#dff1e3; --warn:#8a5a00; --warnbg:#fdeecb; --bad:#b42318; --badbg:#fbdcd7; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "DejaVu Sans", "Segoe UI", Arial, Helvetica, sans-serif; color: var(--ink);
       background: #fff; font-size: 14px; line-height: 1.45; }
.page { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
header.top .kicker { color: var(--accent); font-weight: bold; letter-spacing: .04em; text-transform: uppercase;
                     font-size: 12px; }
h1 { font-size: 26px; margin: 4px 0 4px; }
h2 { font-size: 20px; color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: 4px;
     margin: 34px 0 12px; }
h3 { font-size: 15px; margin: 0 0 2px; }
.sub { color: var(--muted); margin: 0; }
nav.toc { font-size: 13px; margin: 10px 0 0; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 16px; }
.small, .src { font-size: 12px; color: var(--muted); }
.src { font-style: italic; }
.lead { font-size: 15px; background: var(--bg); border-left: 4px solid var(--accent); padding: 10px 14px;
        margin: 14px 0; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; margin: 14px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; background: #fff; break-inside: avoid; }
.kpi .what { font-weight: bold; }
.kpi .big { font-size: 34px; font-weight: bold; margin: 2px 0; }
.kpi.ok { border-top: 6px solid var(--ok); } .kpi.ok .big { color: var(--ok); }
.kpi.warn { border-top: 6px solid #d99a00; } .kpi.warn .big { color: var(--warn); }
.kpi.bad { border-top: 6px solid var(--bad); } .kpi.bad .big { color: var(--bad); }
.levels { display: flex; gap: 14px; margin: 4px 0 2px; }
.lv { font-size: 12px; color: var(--muted); }
.lv b { display: block; font-size: 30px; line-height: 1.15; }
.lv.bad b { color: var(--bad); } .lv.warn b { color: var(--warn); } .lv.ok b { color: var(--ok); }
.two { display: grid; grid-template-columns: 3fr 2fr; gap: 18px; align-items: start; }
.rank { width: 100%; border-collapse: collapse; font-size: 13px; }
.rank td { padding: 3px 4px; vertical-align: middle; border-bottom: 1px solid #eef0f2; }
.rank .nm { width: 46%; }
.rank .barcell { width: 40%; }
.rank .track { position: relative; height: 14px; background: #eef0f2; border-radius: 2px; }
.rank .fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 2px; }
.rank .tick50, .rank .tick80 { position: absolute; top: -2px; bottom: -2px; border-left: 1px dashed #7b8794; }
.rank .tick50 { left: 50%; } .rank .tick80 { left: 80%; }
.rank .pv { text-align: right; white-space: nowrap; font-weight: bold; width: 14%; }
.fill.ok { background: var(--ok); } .fill.warn { background: #d99a00; } .fill.bad { background: var(--bad); }
dl.inputs { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; font-size: 13px; }
dl.inputs dt { color: var(--muted); } dl.inputs dd { margin: 0; word-break: break-all; }
table.grid { border-collapse: collapse; width: 100%; font-size: 13px; }
table.grid th { background: var(--accent); color: #fff; text-align: left; padding: 6px 8px; font-weight: bold; }
table.grid td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
table.grid tr { break-inside: avoid; }
td.pc { text-align: center; }  /* widths: on the year headers (report_html.cpp) */
td.pc .p { display: block; font-size: 17px; font-weight: bold; }
td.pc .ci, td.pc .tg { display: block; font-size: 11px; }
td.pc .tg { color: var(--ink); margin-top: 2px; }
td.ok { background: var(--okbg); } td.ok .p { color: var(--ok); }
td.warn { background: var(--warnbg); } td.warn .p { color: var(--warn); }
td.bad { background: var(--badbg); } td.bad .p { color: var(--bad); }
td.num, table.grid th.num { text-align: right; white-space: nowrap; }
.legendrow { font-size: 12px; color: var(--muted); margin: 6px 0 0; }
.sw { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; border-radius: 2px;
      margin: 0 4px 0 10px; }
.sw.ok { background: var(--ok); } .sw.warn { background: #d99a00; } .sw.bad { background: var(--bad); }
.entities { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.entity .charts { display: grid; grid-template-columns: 60fr 40fr; gap: 6px; margin-top: 6px; }
.entity .ind { font-size: 12.5px; margin: 2px 0 0; }
.entity .cap { font-size: 12px; color: var(--muted); margin: 4px 0 0; }
.split { display: grid; grid-template-columns: 3fr 2fr; gap: 18px; align-items: start; }
svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
)CSS" COGSIM_SVG_AXES R"CSS(
svg .zero { stroke: #3e4c59; stroke-width: 1.2; }
svg .zerot { font-size: 10px; fill: #3e4c59; }
svg .tick.strong { font-weight: bold; fill: var(--ink); }
svg .notet { font-size: 10px; fill: #52606d; }
svg .note { font-size: 10.5px; font-weight: bold; }
svg .note.ok { fill: var(--ok); } svg .note.warn { fill: var(--warn); } svg .note.bad { fill: var(--bad); }
svg .b90 { fill: #c6dbef; } svg .b50 { fill: #7fb0d8; }
svg .med { fill: none; stroke: #08306b; stroke-width: 2.2; }
svg .tgt { fill: none; stroke: #c2185b; stroke-width: 2; stroke-dasharray: 5 3; }
svg .tgtp { fill: #c2185b; }
svg .tgtt { font-size: 10.5px; fill: #c2185b; font-weight: bold; }
svg .cog { fill: #f3f1ea; }
svg .cogt { font-size: 9.5px; fill: #8a8170; }
svg .hit { fill: transparent; }
svg .hit:hover { fill: rgba(18,63,115,.06); }
svg .bar { fill: #7fb0d8; } svg .bar.ok { fill: #5aa86a; } svg .bar.bad { fill: #d9634f; }
svg .pbar.ok { fill: var(--ok); } svg .pbar.warn { fill: #d99a00; } svg .pbar.bad { fill: var(--bad); }
svg.chart.conv { width: 49%; display: inline-block; vertical-align: top; }
/* A small bar chart (a viewBox of 380 × 150) drawn at most ~1.2 times its size: stretched to a wide
   card its text came out three times the page's. */
svg.chart.pbars { max-width: 460px; margin: 0 auto; }
svg .cdf { fill: none; stroke: #08306b; stroke-width: 2; }
.entity .scurve { margin: 4px 0 0; } .entity .scurve svg { display: block; max-width: 440px; }
svg .band { fill: #c9dcf2; } svg .est { fill: none; stroke: #1f5fa8; stroke-width: 1.5; }
.method p, .method li { max-width: 900px; }
footer { margin-top: 30px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
td.num .small { white-space: normal; }
@media screen and (max-width: 980px) { .cards, .two, .entities, .split { grid-template-columns: minmax(0, 1fr); } }
@media screen and (max-width: 600px) { table.grid { display: block; overflow-x: auto; }
  .entity .charts { grid-template-columns: minmax(0, 1fr); }
  .entity .charts figure + figure svg { display: block; max-width: 300px; } }
@page { size: A4; margin: 12mm 11mm; }
@media print {
  body { font-size: 10pt; }
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  section { break-before: page; }
  section.first { break-before: auto; }
  h2 { margin-top: 0; break-after: avoid; }
  .entities { grid-template-columns: 1fr; gap: 6px; }
  .entity.card { padding: 6px 10px; }
  .entity .ind { margin: 0; }
  svg.chart.pbars { max-width: 55%; margin: 0 auto; }
  /* Three entity cards a page: fan chart and histogram on the left, the S-curve and the captions
     beside them (stacked, a card is a half page: 12 cards took 12 half-empty pages). */
  .entity.card { display: grid; grid-template-columns: 60fr 40fr; column-gap: 12px; align-items: start; }
  .entity.card > * { grid-column: 1 / -1; }
  .entity.card > .charts { grid-column: 1; grid-row: 3 / span 4; margin: 4px 0 0; grid-template-columns: 58fr 42fr; }
  .entity.card > .scurve, .entity.card > .cap { grid-column: 2; margin: 2px 0 0; }
  .why p { font-size: 8.5pt; margin: 4px 0; }
  .entity h3 { font-size: 10.5pt; }
  .entity .ind, .entity .cap { font-size: 8pt; }
  .two, .split { grid-template-columns: 1fr; gap: 10px; }
  dl.inputs { grid-template-columns: max-content 1fr max-content 1fr; }
  .rank { font-size: 8.5pt; }
  .rank td { padding: 0 4px; }
  .rank .track { height: 10px; }
  h1 { font-size: 18pt; }
  .lead { font-size: 9.5pt; padding: 6px 10px; margin: 8px 0; }
  header.top { padding-bottom: 6px; }
  .cards { margin: 8px 0; gap: 10px; }
  .card { padding: 8px 10px; }
  .split svg.pbars { max-width: 75%; margin: 0 auto; }
  table.grid { font-size: 8pt; }
  table.grid td, table.grid th { padding: 1px 4px; }
  td.pc .p { font-size: 10.5pt; line-height: 1.2; }
  td.pc .ci, td.pc .tg { font-size: 7pt; line-height: 1.15; }
  .kpi .big { font-size: 24pt; }
  .lv b { font-size: 20pt; }
  .card, figure, table.grid tr, .kpi { break-inside: avoid; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  svg .hit { display: none; }
}
.kpi.neutral { border-top: 6px solid var(--accent); } .kpi.neutral .big { color: var(--accent); }
svg .note.neutral { fill: var(--accent); } svg .pbar.neutral { fill: var(--accent); }
)CSS";

extern const char* const kPagePrint;
const char* const kPagePrint =
    "@page{size:A4;margin:12mm 11mm}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}.scroll{overflow:visible}"
    "h1,h2,h3,h2+p,h3+p{break-after:avoid}tr,figure,svg,.tornado,table.short{break-inside:avoid}}";

}  // namespace cogsim::app::report
