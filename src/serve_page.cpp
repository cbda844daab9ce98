// The page of `cogsim serve`, in French, with the reports' stylesheet (src/report_html.cpp).
// Every edit re-runs the model against the base on common random numbers (debounced; a newer
// edit aborts the request in flight). window.cogsimPage exposes the latest state to the tests.
#include "src/serve_page.hpp"

#include "src/report_html.hpp"

namespace cogsim::app::serve {

namespace {

const char* const kExtraStyle = R"CSS(
.serve { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 22px; align-items: start; }
.params { max-height: calc(100vh - 150px); overflow: auto; padding-right: 6px; }
fieldset.param { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 10px; padding: 8px 10px; }
fieldset.param legend { font-weight: bold; font-size: 13px; }
fieldset.param.edited { border-color: var(--accent); background: #f2f6fb; }
.cells { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 4px 10px; }
.cells label { font-size: 12px; color: var(--muted); display: flex; justify-content: space-between; gap: 4px; }
.cells input { width: 82px; text-align: right; font: inherit; font-size: 12px; padding: 1px 3px; border: 1px solid var(--line); }
.cells input.changed { border-color: var(--accent); background: #e8eef7; font-weight: bold; }
.cells input.money { width: 104px; }
.cells.money { grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); }
.cells .u { font-size: 11px; color: var(--muted); min-width: 2.2em; }
.cells input.bad { border-color: var(--bad); background: var(--badbg); }
table.res { border-collapse: collapse; width: 100%; font-size: 13px; margin-bottom: 12px; }
table.res th, table.res td { border-bottom: 1px solid #eef0f2; padding: 3px 6px; text-align: right; }
table.res th:first-child, table.res td:first-child { text-align: left; }
td .d { display: block; font-size: 11px; }
td.good .d { color: var(--ok); } td.bad .d { color: var(--bad); } td.same .d { color: var(--muted); }
td.good { background: var(--okbg); } td.bad { background: var(--badbg); }
.bar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 8px 0 12px; font-size: 13px; }
.bar select, .bar input, .bar button { font: inherit; font-size: 13px; }
button.primary { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: 5px 12px; cursor: pointer; }
#status { color: var(--muted); font-size: 12px; }
#status.err { color: var(--bad); }
td.moved { font-weight: bold; }
pre.avenant { background: var(--bg); border: 1px solid var(--line); padding: 8px; font-size: 11px; max-height: 260px; overflow: auto; white-space: pre-wrap; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 12px 0; }
.psec > summary { font-weight: bold; color: var(--accent); cursor: pointer; margin: 10px 0 6px; font-size: 14px; }
.cells.ranged { grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); }
.cells .f { display: flex; align-items: center; gap: 4px; flex: 1; justify-content: flex-end; min-width: 0; }
.cells input[type=range] { width: auto; flex: 1; min-width: 60px; max-width: 150px; border: 0; padding: 0; accent-color: var(--accent); }
.scroll { overflow-x: auto; }
svg .v90 { fill: #fdae6b; fill-opacity: .35; } svg .v50 { fill: #f16913; fill-opacity: .35; }
svg .vmed { fill: none; stroke: #a63603; stroke-width: 2.2; stroke-dasharray: 6 3; }
td .b { display: block; font-size: 11px; color: var(--muted); }
.fansel { display: flex; gap: 6px; align-items: center; margin: 8px 0; font-size: 13px; }
#fan-sel { flex: 1; min-width: 0; max-width: 520px; font: inherit; font-size: 13px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 11.5px; color: #3e4c59; margin: 4px 0; }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: -1px; }
.legend i.line { height: 0; border-top: 2.2px solid #08306b; vertical-align: 3px; }
.legend i.vline { height: 0; border-top: 2.2px dashed #a63603; vertical-align: 3px; }
table.means td { white-space: nowrap; } table.means td:first-child { white-space: normal; }
@media (max-width: 900px) { .serve { grid-template-columns: minmax(0, 1fr); } .serve > section:first-child { order: 2; }
  .params { max-height: 70vh; } .page { padding: 12px 10px 32px; } table.res { font-size: 12px; } }
)CSS";

const char* const kBody = R"HTML(
<div class="page">
<header class="top"><div class="kicker">cogsim · négociation en direct</div>
<h1 id="title">Chargement du modèle…</h1>
<p class="sub">Chaque modification relance la simulation sur les mêmes tirages que la base (nombres aléatoires communs) :
les écarts affichés sont ceux de la modification seule.</p></header>
<div class="bar">
 <label>Trajectoires <select id="paths"><option value="10000">10 000</option><option value="100000" selected>100 000</option>
 <option value="1000000">1 000 000</option></select></label>
 <button id="reset">Revenir à la base</button>
 <span id="status">—</span>
</div>
<div class="serve">
<section><h2>Paramètres</h2><div class="params" id="params"></div></section>
<section>
<h2>Indicateurs : P(atteint)</h2>
<p class="small">Variante, et en dessous l'écart à la base en points (± erreur type appariée). Vert : mieux que la base
au-delà de deux erreurs types ; rouge : moins bien.</p>
<div id="indicators"></div>
<h2>Événements</h2><p class="small">Probabilité de chaque événement, et son écart à la base.</p><div id="events"></div>
<h2>Trajectoire d'une série : base et variante</h2>
<label class="fansel">Série <select id="fan-sel"></select></label>
<div class="legend"><span><i style="background:#c6dbef"></i>base P5–P95</span><span><i style="background:#7fb0d8"></i>P25–P75</span>
<span><i class="line"></i>médiane</span><span><i style="background:rgba(253,174,107,.5)"></i>variante P5–P95</span>
<span><i style="background:rgba(241,105,19,.45)"></i>P25–P75</span><span><i class="vline"></i>médiane</span></div>
<div id="fan"></div>
<div id="tables"></div>
<h2>Sorties (moyennes, écart à la base)</h2><div id="outputs"></div>
<div class="panel"><h3>Objectif</h3>
<p class="small">Quelle valeur d'un paramètre donne une probabilité visée ? (recherche par dichotomie sur les mêmes tirages)</p>
<div class="bar">
 <label>Paramètre <input id="g-param" list="g-cells" size="26"></label><datalist id="g-cells"></datalist>
 <label>Indicateur <select id="g-ind"></select></label>
 <label>Année <select id="g-year"></select></label>
 <label>P visée <input id="g-p" value="80" size="3" inputmode="decimal"> %</label>
 <label>entre <input id="g-lo" value="0" size="7" inputmode="decimal"></label><label>et <input id="g-hi" value="0,1" size="7" inputmode="decimal"></label>
 <span id="g-unit" class="small"></span>
 <button id="g-run" class="primary">Chercher</button></div>
<div id="g-out" class="small"></div></div>
<div class="panel"><h3>Avenant</h3>
<div class="bar"><label>Nom <input id="a-name" value="avenant-page" size="20"></label>
<button id="a-save" class="primary">Enregistrer l'avenant</button></div>
<div id="a-out" class="small"></div></div>
</section></div></div>
)HTML";

const char* const kScript = R"JS(
'use strict';
const $ = (id) => document.getElementById(id);
const state = { model: null, edits: {}, controller: null, timer: null, seq: 0, last: null, updates: 0, latencies: [] };
window.cogsimPage = state;
const nf = (v, d) => v.toLocaleString('fr-FR', { minimumFractionDigits: d, maximumFractionDigits: d });
const pct = (p) => p < 0.001 && p > 0 ? '< 0,1 %' : p > 0.999 && p < 1 ? '> 99,9 %' : nf(100 * p, 1) + ' %';
// Values on the page are in the unit the server says each param is shown in (`shown`: '%', '€',
// 'k€', 'M€', 'Md€' or '' for a plain number), written the French way: a decimal comma, digits
// grouped by three (`4 000 000`, `1,8`). A field takes a comma or a point, spaces, and a unit of
// its own (`5 %`, `2,5 M€`); what goes to the server is the typed digits and their unit as text
// ("3.26 %"), which it reads as the rules language reads `3.26 %`: no rounding on the way.
const SCALE = { '%': 1e-2, '€': 1, 'k€': 1e3, 'M€': 1e6, 'Md€': 1e9, '': 1 };
const SHIFT = { '%': -2, '€': 0, 'k€': 3, 'M€': 6, 'Md€': 9, '': 0 };
const isMoney = (u) => u === '€' || u === 'k€' || u === 'M€' || u === 'Md€';
// A number as the page writes it: at most 12 significant digits, decimal comma, groups of three.
function frNum(v) {
  let t = String(+(+v).toPrecision(12));
  if (/e/.test(t)) return t.replace('.', ',');
  const neg = t.startsWith('-'); if (neg) t = t.slice(1);
  const [i, f] = t.split('.');
  return (neg ? '−' : '') + i.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0') + (f ? ',' + f : '');
}
// A model value (a % as a fraction, € in euros) in the unit shown.
const shown = (v, unit) => frNum(v / SCALE[unit || '']);
// What was typed in a field whose unit is `unit`: {text: what the server is sent, key: the exact
// decimal it stands for, in the model's units}, or {error} when it is not a number in a unit that fits.
function readValue(typed, unit) {
  const t = typed.replace(/[\s\u00a0\u202f]/g, '').replace('−', '-');
  const m = /^([+-]?)(\d*)(?:[.,](\d*))?(?:[eE]([+-]?\d+))?(%|€|k€|M€|Md€)?$/.exec(t);
  if (!m || (m[2] + (m[3] || '')) === '') return { error: 'pas un nombre' };
  const u = m[5] === undefined ? (unit || '') : m[5];
  if (isMoney(u) !== isMoney(unit || '')) return { error: isMoney(unit) ? 'un montant en €' : 'pas un montant en € : un nombre ou un %' };
  const digits = m[2] + (m[3] || ''), exp = Number(m[4] || 0) + SHIFT[u] + m[2].length;
  // The exact decimal, normalised: its digits without leading or trailing zeros and the place of the point.
  const lead = digits.match(/^0*/)[0].length, sig = digits.slice(lead).replace(/0+$/, '');
  const key = sig === '' ? '0' : (m[1] === '-' ? '-' : '') + sig + 'e' + (exp - lead);
  const text = m[1] + (m[2] || '0') + (m[3] ? '.' + m[3] : '') + (m[4] ? 'e' + m[4] : '') + (u ? ' ' + u : '');
  return { text, key, value: Number(m[1] + (m[2] || '0') + '.' + (m[3] || '0') + 'e' + (m[4] || 0)) * SCALE[u] / SCALE[unit || ''] };
}
function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

// A slider's step: about 1/200 of the range, rounded to 1, 2 or 5 × a power of ten (in the unit shown).
function sliderStep(lo, hi) {
  const raw = (hi - lo) / 200, p = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / p;
  return +((r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * p).toPrecision(6);
}
const scaled = (v, unit) => +(v / SCALE[unit || '']).toPrecision(12);
const unitText = (u) => u ? '\u00a0' + u : '';

function paramBox(name, cells) {
  const c0 = cells[0], range = c0.range, u = c0.shown || '';
  let html = `<fieldset class="param" data-param="${esc(name)}"><legend>${esc(c0.label || name)}` +
    ` <span class="small">(${esc(name)}${u ? ', en ' + esc(u) : ''})</span></legend>` +
    (c0.source ? `<div class="src">${esc(c0.source)}</div>` : '') +
    (range ? `<div class="small">curseur de ${shown(range[0], u)} à ${shown(range[1], u)}${unitText(u)}</div>` : '') +
    `<div class="cells${range ? ' ranged' : isMoney(u) ? ' money' : ''}">`;
  for (const c of cells) {
    const idx = c.cell.includes('[') ? c.cell.slice(c.cell.indexOf('[') + 1, -1) : 'valeur';
    const v = shown(c.value, u);
    let slider = '';
    if (range) {
      const lo = scaled(range[0], u), hi = scaled(range[1], u);
      slider = `<input type="range" data-for="${esc(c.cell)}" min="${lo}" max="${hi}" step="${sliderStep(lo, hi)}"` +
        ` value="${scaled(c.value, u)}" aria-label="${esc(c.cell)}">`;
    }
    html += `<label>${esc(idx)} <span class="f"><input data-cell="${esc(c.cell)}" data-unit="${esc(u)}" value="${v}"` +
      ` data-base="${esc(readValue(v, u).key)}" inputmode="decimal"${isMoney(u) ? ' class="money"' : ''}>` +
      `${u ? `<span class="u">${esc(u)}</span>` : ''}${slider}</span></label>`;
  }
  return html + '</div></fieldset>';
}

// The params by the model's sections (`report params` lines, or the files that declare them).
function buildParams(m) {
  const groups = new Map();
  for (const c of m.params) { if (!groups.has(c.param)) groups.set(c.param, []); groups.get(c.param).push(c); }
  const sections = (m.sections || []).map((s) => ({ title: s.title, params: s.params.filter((p) => groups.has(p)) }));
  const placed = new Set(sections.flatMap((s) => s.params));
  const rest = [...groups.keys()].filter((p) => !placed.has(p));
  if (rest.length) sections.push({ title: 'Autres paramètres', params: rest });
  let html = '';
  for (const sec of sections) {
    if (!sec.params.length) continue;
    html += `<details class="psec" open><summary>${esc(sec.title)}</summary>`;
    for (const p of sec.params) html += paramBox(p, groups.get(p));
    html += '</details>';
  }
  $('params').innerHTML = html;
  $('g-cells').innerHTML = m.params.map((c) => `<option value="${esc(c.cell)}">`).join('');
  $('g-ind').innerHTML = m.indicators.map((i) => `<option>${esc(i.id)}</option>`).join('');
  const years = [...new Set(m.indicators.flatMap((i) => i.years))].sort();
  $('g-year').innerHTML = years.map((y) => `<option${y === years[years.length - 1] ? ' selected' : ''}>${y}</option>`).join('');
}

// The fan chart's choices: the outputs of the model's `report entities` parts first, then the others.
function buildFanChoices(m) {
  const labels = Object.fromEntries(m.outputs.map((o) => [o.name, o.label || o.name]));
  const seen = new Set();
  let html = '';
  for (const part of (m.report || []).filter((p) => p.kind === 'entities' && p.outputs.length)) {
    html += `<optgroup label="${esc(part.title || 'Entités')}">` +
      part.outputs.map((o) => { seen.add(o); return `<option value="${esc(o)}">${esc(labels[o] || o)}</option>`; }).join('') + '</optgroup>';
  }
  const rest = m.outputs.filter((o) => !seen.has(o.name));
  if (rest.length)
    html += `<optgroup label="Autres séries">` + rest.map((o) => `<option value="${esc(o.name)}">${esc(o.label || o.name)}</option>`).join('') + '</optgroup>';
  $('fan-sel').innerHTML = html;
}

function onEdit(e) {
  let input = e.target;
  if (input.dataset.for) {  // a slider: its value goes to its field, with the step's decimals
    const field = input.parentNode.querySelector('input[data-cell]');
    const dec = Math.max(0, -Math.floor(Math.log10(Number(input.step)) + 1e-9));
    field.value = frNum(Number(Number(input.value).toFixed(dec)));
    input = field;
  }
  if (!input.dataset.cell) return;
  const unit = input.dataset.unit, r = readValue(input.value, unit);
  input.classList.toggle('bad', !!r.error);
  input.title = r.error ? `valeur non comprise (${r.error}) : par exemple ${shown(0.0125 * (isMoney(unit) ? 1e8 : 1), unit)}` : '';
  if (r.error) return;
  const slider = input.parentNode.querySelector('input[data-for]');
  if (slider && e.target !== slider) slider.value = r.value;
  // The base's own value, however written (2,8 or 2,80), is no change: the model keeps its number.
  const changed = r.key !== input.dataset.base;
  if (changed) state.edits[input.dataset.cell] = r.text;
  else delete state.edits[input.dataset.cell];
  input.classList.toggle('changed', changed);
  const fs = input.closest('fieldset');
  fs.classList.toggle('edited', !!fs.querySelector('input.changed'));
  schedule();
}

function schedule() {
  state.changedAt = performance.now();
  clearTimeout(state.timer);
  state.timer = setTimeout(run, 120);
}

async function run() {
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  const seq = ++state.seq, t0 = performance.now(), changedAt = state.changedAt || t0;
  $('status').textContent = 'calcul…';
  $('status').className = '';
  try {
    const res = await fetch('/api/run', { method: 'POST', signal: controller.signal, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ overrides: state.edits, paths: Number($('paths').value), seed: 42, results: false,
        fan: $('fan-sel').value || undefined }) });
    const data = await res.json();
    if (seq !== state.seq) return;
    if (res.status === 409) return;
    if (!res.ok) throw new Error(data.error || res.statusText);
    render(data);
    const t1 = performance.now();
    state.latencies.push(t1 - t0);
    state.last = data; state.updates++;
    $('status').textContent = `mis à jour en ${Math.round(t1 - t0)} ms (${nf(data.compare.meta.paths, 0)} trajectoires, ` +
      `${Object.keys(state.edits).length} modification(s))`;
  } catch (err) {
    if (err.name === 'AbortError') return;
    $('status').textContent = 'erreur : ' + err.message;
    $('status').className = 'err';
  }
}

// good/bad only for indicators (met is good); an event may be good or bad news: no colour.
function cell(y, coloured) {
  if (!y) return '<td>—</td>';
  const d = y.delta, se = y.se;
  const cls = !coloured || d === 0 ? 'same' : d > 2 * se && d > 0 ? 'good' : d < -2 * se && d < 0 ? 'bad' : 'same';
  const change = d === 0 ? 'inchangé' : `${d > 0 ? '+' : '−'}${nf(Math.abs(100 * d), 1)} pt ± ${nf(100 * se, 1)}`;
  return `<td class="${cls}">${pct(y.variant)}<span class="d">${change}</span></td>`;
}

function probTable(obj, coloured) {
  const ids = Object.keys(obj);
  if (!ids.length) return '<p class="small">Aucun.</p>';
  const years = [...new Set(ids.flatMap((id) => Object.keys(obj[id].years)))].sort();
  let h = '<table class="res"><tr><th></th>' + years.map((y) => `<th>${y}</th>`).join('') + '</tr>';
  for (const id of ids)
    h += `<tr><td>${esc(id)} <span class="small">${esc(obj[id].label || '')}</span></td>` + years.map((y) => cell(obj[id].years[y], coloured)).join('') + '</tr>';
  return h + '</table>';
}

// An amount or a number, short: 1,23 M€, 845 k€, 0,0312.
function short(v, unit) {
  if (unit !== '€') return nf(v, Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 1 ? 2 : 4);
  const a = Math.abs(v);
  return a >= 1e9 ? nf(v / 1e9, 2) + '\u00a0Md€' : a >= 1e6 ? nf(v / 1e6, 2) + '\u00a0M€' : a >= 1e4 ? nf(v / 1e3, 0) + '\u00a0k€' : nf(v, 0) + '\u00a0€';
}

// The fan chart of one output, base (blue, as in the reports) and variant (orange, over it):
// P5–P95 and P25–P75 bands and the median, per year.
function fanSvg(f) {
  const ys = f.years;
  if (!ys.length) return '<p class="small">Pas de valeurs pour cette série.</p>';
  // The drawing's width is the box's, so that its text keeps its size on a phone.
  const W = Math.max(340, Math.min(720, $('fan').clientWidth || 640)), H = 260, L = 62, R = 10, T = 12, B = 24;
  let lo = Infinity, hi = -Infinity;
  for (const y of ys) for (const s of [y.base, y.variant]) { lo = Math.min(lo, s.p5); hi = Math.max(hi, s.p95); }
  if (!(hi > lo)) { const d = Math.max(Math.abs(lo) * 0.01, 1e-9); lo -= d; hi += d; }
  // Round steps (1, 2 or 5 × a power of ten), about five of them, and the axis on whole steps.
  const raw = (hi - lo) / 5, p10 = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / p10;
  const step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * p10;
  lo = Math.floor(lo / step) * step; hi = Math.ceil(hi / step) * step;
  const y0 = ys[0].year, y1 = ys[ys.length - 1].year;
  const X = (y) => y1 > y0 ? L + 18 + (y - y0) * (W - L - R - 36) / (y1 - y0) : (L + W - R) / 2;
  const Y = (v) => T + (hi - v) * (H - T - B) / (hi - lo);
  const pts = (side, a, b) => ys.map((y) => `${X(y.year).toFixed(1)},${Y(y[side][a]).toFixed(1)}`).join(' ') + ' ' +
    ys.slice().reverse().map((y) => `${X(y.year).toFixed(1)},${Y(y[side][b]).toFixed(1)}`).join(' ');
  const line = (side) => ys.map((y) => `${X(y.year).toFixed(1)},${Y(y[side].p50).toFixed(1)}`).join(' ');
  let g = '';
  for (let v = lo; v <= hi + step / 2; v += step) {
    if (Math.abs(v) < step * 1e-9) v = 0;
    const yy = Y(v).toFixed(1);
    g += `<line class="grid" x1="${L}" x2="${W - R}" y1="${yy}" y2="${yy}"/><text class="tick" x="${L - 5}" y="${(+yy + 3.5).toFixed(1)}" text-anchor="end">${esc(short(v, f.unit))}</text>`;
  }
  if (lo < 0 && hi > 0) g += `<line class="zero" x1="${L}" x2="${W - R}" y1="${Y(0).toFixed(1)}" y2="${Y(0).toFixed(1)}"/>`;
  for (const y of ys) g += `<text class="tick" x="${X(y.year).toFixed(1)}" y="${H - B + 15}" text-anchor="middle">${y.year}</text>`;
  const tip = (y) => `${y.year} — base : médiane ${short(y.base.p50, f.unit)}, P5–P95 ${short(y.base.p5, f.unit)} à ${short(y.base.p95, f.unit)} ; ` +
    `variante : médiane ${short(y.variant.p50, f.unit)}, P5–P95 ${short(y.variant.p5, f.unit)} à ${short(y.variant.p95, f.unit)}`;
  const colw = ys.length > 1 ? X(ys[1].year) - X(ys[0].year) : W - L - R;
  const hits = ys.map((y) => `<rect class="hit" x="${(X(y.year) - colw / 2).toFixed(1)}" y="${T}" width="${colw.toFixed(1)}" height="${H - T - B}"><title>${esc(tip(y))}</title></rect>`).join('');
  return `<svg class="chart" id="fan-svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(f.label || f.output)}">${g}` +
    `<polygon class="b90" points="${pts('base', 'p5', 'p95')}"/><polygon class="b50" points="${pts('base', 'p25', 'p75')}"/>` +
    `<polyline class="med" points="${line('base')}"/>` +
    `<polygon class="v90" points="${pts('variant', 'p5', 'p95')}"/><polygon class="v50" points="${pts('variant', 'p25', 'p75')}"/>` +
    `<polyline class="vmed" points="${line('variant')}"/>${hits}</svg>`;
}

// The model's `report table` and `report section` parts (RM1: the funds, the FNMO reserve): the
// mean of each output per year, variant above, base below; every output in one table when the
// model groups none.
function meansTables(means) {
  const m = state.model, units = Object.fromEntries(m.outputs.map((o) => [o.name, o.unit]));
  let parts = (m.report || []).filter((p) => (p.kind === 'table' || p.kind === 'section') && p.outputs.length);
  if (!parts.length) parts = [{ title: 'Séries', outputs: m.outputs.map((o) => o.name) }];
  let h = '';
  for (const p of parts) {
    const years = [...new Set(p.outputs.flatMap((o) => Object.keys(means[o] || {})))].sort();
    h += `<h2>${esc(p.title || 'Séries')} : moyennes, variante et base</h2>` +
      `<p class="small">Dans chaque case, la moyenne de la variante, et en dessous, en gris, celle de la base (en gras quand elles diffèrent).</p><div class="scroll"><table class="res means"><tr><th></th>` +
      years.map((y) => `<th>${y}</th>`).join('') + '</tr>';
    for (const o of p.outputs) {
      // One scale per row (€, k€, M€, Md€), said once beside the name: narrow columns on a phone.
      const cells = Object.values(means[o] || {}), top = Math.max(0, ...cells.map((c) => Math.abs(c.base)));
      const [div, u] = units[o] !== '€' ? [1, ''] : top >= 1e9 ? [1e9, 'Md€'] : top >= 1e6 ? [1e6, 'M€'] : top >= 1e4 ? [1e3, 'k€'] : [1, '€'];
      const fmt = (v) => nf(v / div, u === '' || u === '€' ? (u ? 0 : 4) : 2);
      h += `<tr><td>${esc(o)}${u ? ` <span class="small">(${u})</span>` : ''}</td>` + years.map((y) => {
        const c = (means[o] || {})[y];
        if (!c) return '<td>—</td>';
        const same = c.variant === undefined || Math.abs(c.variant - c.base) <= 1e-9 * Math.max(1, Math.abs(c.base));
        return `<td${same ? '' : ' class="moved"'}>${fmt(c.variant ?? c.base)}<span class="b">${fmt(c.base)}</span></td>`;
      }).join('') + '</tr>';
    }
    h += '</table></div>';
  }
  return h;
}

function render(data) {
  const m = state.model, c = data.compare.delta;
  $('indicators').innerHTML = probTable(c.indicators, true);
  $('events').innerHTML = probTable(c.events, false);
  $('fan').innerHTML = data.fan ? fanSvg(data.fan) : '';
  $('tables').innerHTML = data.means ? meansTables(data.means) : '';
  let h = '<table class="res"><tr><th>Sortie</th><th>Année</th><th>Écart moyen</th><th>Erreur type</th></tr>';
  const units = Object.fromEntries(m.outputs.map((o) => [o.name, o.unit]));
  for (const [name, years] of Object.entries(c.outputs)) {
    const ys = Object.keys(years), y = ys[ys.length - 1], v = years[y];
    const u = units[name] === '€' ? ' €' : '';
    h += `<tr><td>${esc(name)}</td><td>${y}</td><td>${nf(v.mean, u ? 0 : 4)}${u}</td><td>${nf(v.se, u ? 0 : 4)}${u}</td></tr>`;
  }
  $('outputs').innerHTML = h + '</table>';
}

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

// The cell named in the goal panel (spaces ignored), and its unit shown.
function goalCell() {
  const k = $('g-param').value.replace(/\s/g, '');
  return state.model.params.find((c) => c.cell.replace(/\s/g, '') === k);
}
// A new goal param: its bounds become its range (or its value ± half), in its unit.
function goalParamChanged() {
  const c = goalCell();
  $('g-unit').textContent = c && c.shown ? c.shown : '';
  if (!c) return;
  const [lo, hi] = c.range || [Math.min(0, c.value * 0.5), Math.max(c.value * 1.5, c.value + (isMoney(c.shown) ? 1e6 : 0.01))];
  $('g-lo').value = shown(lo, c.shown); $('g-hi').value = shown(hi, c.shown);
}

async function goal() {
  $('g-out').textContent = 'recherche…';
  try {
    const c = goalCell(), u = c ? c.shown : '';
    const lo = readValue($('g-lo').value, u), hi = readValue($('g-hi').value, u), p = readValue($('g-p').value.replace('%', ''), '');
    for (const [r, what] of [[lo, 'borne basse'], [hi, 'borne haute'], [p, 'P visée']])
      if (r.error) throw new Error(`${what} : ${r.error}`);
    const g = await post('/api/goal', { overrides: state.edits, param: $('g-param').value, indicator: $('g-ind').value,
      year: Number($('g-year').value), probability: p.value / 100, lo: lo.text, hi: hi.text, paths: 20000 });
    $('g-out').innerHTML = `<b>${esc(g.param)} = ${shown(g.value, u)}${unitText(u)}</b> ± ${shown(g.std_error, u)}${unitText(u)} (erreur type Monte Carlo) — ` +
      `P à cette valeur : ${pct(g.p_at_value)} ; ${g.iterations} pas sur ${nf(g.paths, 0)} trajectoires communes.`;
  } catch (err) { $('g-out').textContent = 'pas de réponse : ' + err.message; }
}

async function saveAvenant() {
  try {
    const a = await post('/api/avenant', { overrides: state.edits, name: $('a-name').value });
    $('a-out').innerHTML = (a.file ? `Écrit dans <b>${esc(a.file)}</b>.` : 'Pas de dossier d\'enregistrement (--save-dir) : voici le texte.') +
      `<pre class="avenant">${esc(a.text)}</pre>`;
    state.avenant = a;
  } catch (err) { $('a-out').textContent = 'non enregistré : ' + err.message; }
}

async function start() {
  const res = await fetch('/api/model');
  state.model = await res.json();
  const m = state.model;
  $('title').textContent = m.model + (m.scenario ? ' — ' + m.scenario : '');
  document.title = m.model + ' — négociation en direct';
  buildParams(m);
  buildFanChoices(m);
  $('params').addEventListener('input', onEdit);
  $('fan-sel').addEventListener('change', schedule);
  let width = window.innerWidth;  // the fan chart is drawn at its box's width: again when that changes
  window.addEventListener('resize', () => {
    if (window.innerWidth === width || !state.last || !state.last.fan) return;
    width = window.innerWidth;
    $('fan').innerHTML = fanSvg(state.last.fan);
  });
  $('paths').addEventListener('change', schedule);
  $('reset').addEventListener('click', () => { buildParams(m); state.edits = {}; schedule(); });
  $('g-param').addEventListener('change', goalParamChanged);
  $('g-run').addEventListener('click', goal);
  $('a-save').addEventListener('click', saveAvenant);
  run();
}
start();
)JS";

}  // namespace

std::string page_html() {
  std::string s = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>cogsim — négociation en direct</title><style>";
  s += report::report_style();
  s += kExtraStyle;
  s += "</style></head><body>";
  s += kBody;
  s += "<script>";
  s += kScript;
  s += "</script></body></html>\n";
  return s;
}

}  // namespace cogsim::app::serve
