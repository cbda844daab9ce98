// The page of `cogsim serve`, in French, with the reports' stylesheet (src/report_html.cpp).
// Every edit re-runs the model against the base on common random numbers (debounced; a newer
// edit aborts the request in flight). window.cogsimPage exposes the latest state to the tests.
#include "src/serve_page.hpp"

#include "src/report_html.hpp"

namespace cogsim::app::serve {

namespace {

const char* const kExtraStyle = R"CSS(
.serve { display: grid; grid-template-columns: 5fr 7fr; gap: 22px; align-items: start; }
.params { max-height: calc(100vh - 150px); overflow: auto; padding-right: 6px; }
fieldset.param { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 10px; padding: 8px 10px; }
fieldset.param legend { font-weight: bold; font-size: 13px; }
fieldset.param.edited { border-color: var(--accent); background: #f2f6fb; }
.cells { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 4px 10px; }
.cells label { font-size: 12px; color: var(--muted); display: flex; justify-content: space-between; gap: 4px; }
.cells input { width: 82px; font: inherit; font-size: 12px; padding: 1px 3px; border: 1px solid var(--line); }
.cells input.changed { border-color: var(--accent); background: #e8eef7; font-weight: bold; }
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
pre.avenant { background: var(--bg); border: 1px solid var(--line); padding: 8px; font-size: 11px; max-height: 260px; overflow: auto; white-space: pre-wrap; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 12px 0; }
@media (max-width: 900px) { .serve { grid-template-columns: 1fr; } .serve > section:first-child { order: 2; }
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
<h2>Sorties (moyennes, écart à la base)</h2><div id="outputs"></div>
<div class="panel"><h3>Objectif</h3>
<p class="small">Quelle valeur d'un paramètre donne une probabilité visée ? (recherche par dichotomie sur les mêmes tirages)</p>
<div class="bar">
 <label>Paramètre <input id="g-param" list="g-cells" size="26"></label><datalist id="g-cells"></datalist>
 <label>Indicateur <select id="g-ind"></select></label>
 <label>Année <select id="g-year"></select></label>
 <label>P visée <input id="g-p" value="80" size="3"> %</label>
 <label>entre <input id="g-lo" value="0" size="5"></label><label>et <input id="g-hi" value="0.1" size="5"></label>
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
const shown = (v, unit) => unit === '%' ? String(+(100 * v).toPrecision(12)) : String(+v.toPrecision(15));
const sent = (text, unit) => { const t = text.trim().replace(',', '.'); return unit === '%' ? t + ' %' : unit === '€' ? t + ' €' : Number(t); };
function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

function buildParams(m) {
  const groups = new Map();
  for (const c of m.params) { if (!groups.has(c.param)) groups.set(c.param, []); groups.get(c.param).push(c); }
  let html = '';
  for (const [name, cells] of groups) {
    const c0 = cells[0];
    html += `<fieldset class="param" data-param="${esc(name)}"><legend>${esc(c0.label || name)}` +
      ` <span class="small">(${esc(name)}${c0.unit ? ', ' + esc(c0.unit) : ''})</span></legend>` +
      (c0.source ? `<div class="src">${esc(c0.source)}</div>` : '') + '<div class="cells">';
    for (const c of cells) {
      const idx = c.cell.includes('[') ? c.cell.slice(c.cell.indexOf('[') + 1, -1) : 'valeur';
      html += `<label>${esc(idx)} <input data-cell="${esc(c.cell)}" data-unit="${esc(c.unit)}" value="${shown(c.value, c.unit)}"` +
        ` data-base="${shown(c.value, c.unit)}"></label>`;
    }
    html += '</div></fieldset>';
  }
  $('params').innerHTML = html;
  $('g-cells').innerHTML = m.params.map((c) => `<option value="${esc(c.cell)}">`).join('');
  $('g-ind').innerHTML = m.indicators.map((i) => `<option>${esc(i.id)}</option>`).join('');
  const years = [...new Set(m.indicators.flatMap((i) => i.years))].sort();
  $('g-year').innerHTML = years.map((y) => `<option${y === years[years.length - 1] ? ' selected' : ''}>${y}</option>`).join('');
}

function onEdit(e) {
  const input = e.target;
  if (!input.dataset.cell) return;
  const t = input.value.trim();
  const bad = t === '' || !isFinite(Number(t.replace(',', '.')));
  input.classList.toggle('bad', bad);
  if (bad) return;
  if (t === input.dataset.base) delete state.edits[input.dataset.cell];
  else state.edits[input.dataset.cell] = sent(t, input.dataset.unit);
  input.classList.toggle('changed', t !== input.dataset.base);
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
      body: JSON.stringify({ overrides: state.edits, paths: Number($('paths').value), seed: 42, results: false }) });
    const data = await res.json();
    if (seq !== state.seq) return;
    if (res.status === 409) return;
    if (!res.ok) throw new Error(data.error || res.statusText);
    render(data.compare);
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

function render(compare) {
  const m = state.model, c = compare.delta;
  $('indicators').innerHTML = probTable(c.indicators, true);
  $('events').innerHTML = probTable(c.events, false);
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

async function goal() {
  $('g-out').textContent = 'recherche…';
  try {
    const g = await post('/api/goal', { overrides: state.edits, param: $('g-param').value, indicator: $('g-ind').value,
      year: Number($('g-year').value), probability: Number($('g-p').value.replace(',', '.')) / 100,
      lo: Number($('g-lo').value.replace(',', '.')), hi: Number($('g-hi').value.replace(',', '.')), paths: 20000 });
    $('g-out').innerHTML = `<b>${esc(g.param)} = ${nf(g.value, 5)}</b> ± ${nf(g.std_error, 5)} (erreur type Monte Carlo) — ` +
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
  $('params').addEventListener('input', onEdit);
  $('paths').addEventListener('change', schedule);
  $('reset').addEventListener('click', () => { buildParams(m); state.edits = {}; schedule(); });
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
