#include "src/report_sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <sstream>

#include "src/fr_format.hpp"
#include "src/report_style.hpp"
#include "src/svg_charts.hpp"
#include "src/tornado_html.hpp"

namespace cogsim::app::report {

namespace {

std::string signed_points(double d, int decimals = 1) {
  const std::string t = fr_number(100 * d, decimals);
  return (t.rfind(kMinus, 0) == 0 || t == fr_number(0, decimals) ? t : "+" + t) + kNbsp + "pts";
}

// A probability estimated on `paths` paths: never "0,0 %" or "100,0 %" unless none or all.
std::string probability(double p, std::uint64_t paths) {
  if (paths == 0) return fr_percent(p);
  return fr_probability(engine::Proportion{std::uint64_t(std::llround(p * double(paths))), paths});
}

// An axis label of the figure's value, in its unit: one scale for the whole axis (M€ or k€ from
// its largest value, decimals from its step), as every chart's value axis (svg::axis_label).
std::function<std::string(double, double, double)> value_tick(const std::string& unit) {
  return [unit](double v, double max_abs, double step) { return svg::axis_label(v, max_abs, step, unit); };
}

// The spider chart: the figure as each input alone moves from its P5 to its P95, the others at
// their means (the tornado's P10 and P90 are two of its points), with a legend in the model's words.
void spider(const engine::SensitivityResults& r, const FigureText& f, const std::vector<dsl::InputInfo>& inputs,
            std::ostream& h) {
  if (r.tornado.empty()) return;
  svg::SpiderSpec sp;
  sp.centiles.assign(std::begin(engine::kSpiderCentiles), std::end(engine::kSpiderCentiles));
  sp.centre = r.central;
  sp.target = f.target;
  sp.tick = value_tick(f.unit);
  sp.aria = "Araignée : " + f.tornado_of + " selon le centile de chaque hypothèse";
  for (const auto& b : r.tornado) sp.lines.push_back(b.spider);
  h << "<h2>Araignée : " << html_escape(f.tornado_of) << "</h2><p>Chaque hypothèse seule de son P5 à son P95 "
    << "(en abscisse, son centile), les autres à leur moyenne : une ligne raide est une hypothèse qui décide, une "
    << "ligne plate une hypothèse qui compte peu ; une ligne courbe dit que l'effet n'est pas proportionnel.</p>"
    << svg::spider_svg(sp) << "<ul class=\"spleg\"><li><span class=\"ln\"></span>valeur centrale "
    << html_escape(fr_amount(r.central, f.unit)) << "</li>";
  if (f.target) h << "<li><span class=\"ln target\"></span>" << html_escape(f.target_text) << "</li>";
  for (std::size_t k = 0; k < r.tornado.size(); ++k) {
    const auto& b = r.tornado[k];
    h << "<li><span class=\"sw\" style=\"background:" << svg::spider_colour(k) << "\"></span>"
      << html_escape(input_label(inputs, b.input)) << " : P5 " << html_escape(fr_amount(b.spider.front(), f.unit))
      << ", P95 " << html_escape(fr_amount(b.spider.back(), f.unit)) << "</li>";
  }
  h << "</ul>";
}

// The tornado of the figure's value (the series an indicator follows), in its unit, with the
// target line and the bars coloured by the side of the target each move goes to.
TornadoSpec value_tornado(const engine::SensitivityResults& r, const FigureText& f,
                          const std::vector<dsl::InputInfo>& inputs) {
  TornadoSpec t;
  t.id = "tornado-valeur";
  t.aria = "Tornado : " + f.tornado_of;
  t.centre = r.central;
  t.centre_text = "valeur centrale " + fr_amount(r.central, f.unit);
  t.target = f.target;
  t.target_text = f.target_text;
  t.better = f.better;
  for (const auto& b : r.tornado)
    t.rows.push_back({input_name(inputs, b.input), b.input, b.low, b.high, fr_amount(b.low, f.unit),
                      fr_amount(b.high, f.unit)});
  t.tick = value_tick(f.unit);
  t.axis_title = f.tornado_of + (f.unit.empty() ? "" : " (" + f.unit + ")");
  return t;
}

}  // namespace

// The tornado of P(met), in points: each input alone at its P10 then its P90, the others drawn.
TornadoSpec probability_tornado(const engine::SensitivityResults& r, const FigureText& f,
                                const std::vector<dsl::InputInfo>& inputs) {
  TornadoSpec t;
  t.id = "tornado-probabilite";
  t.aria = "Tornado en probabilité : " + f.of;
  t.centre = 0;
  t.centre_text = "probabilité actuelle " + probability(r.mean, r.paths);
  t.better = 1;
  double worst_se = 0;
  for (const auto& b : r.probability_tornado) {
    worst_se = std::max({worst_se, b.low_se, b.high_se});
    t.rows.push_back({input_name(inputs, b.input), b.input, b.low - r.mean, b.high - r.mean,
                      probability(b.low, r.paths) + " (" + signed_points(b.low - r.mean) + ")",
                      probability(b.high, r.paths) + " (" + signed_points(b.high - r.mean) + ")"});
  }
  for (double m : {0.5, 0.8}) t.marks.emplace_back(m - r.mean, "seuil de " + fr_percent(m, 0));
  t.tick = [](double v, double, double step) { return signed_points(v, step < 0.01 ? 1 : 0); };
  t.axis_title = "écart de la probabilité d'atteindre la cible, en points (erreur-type de chaque écart ≤ " +
                 fr_number(100 * worst_se, 2) + std::string(kNbsp) + "pt, sur les mêmes trajectoires)";
  return t;
}

namespace {

// What a missed target looks like: where each input sits, among all paths, on the paths where the
// target is missed and on those where it is met (its mean centile: 50 is no different).
void missed_table(const engine::SensitivityResults& r, const std::vector<dsl::InputInfo>& inputs, std::ostream& h) {
  if (r.missed.empty()) return;
  h << "<h2 id=\"cible-manquee\">À quoi ressemble une cible manquée</h2><p>Sur les "
    << fr_number(double(r.missed_paths), 0) << " trajectoires où la cible est manquée, où se situe en moyenne "
    << "chaque hypothèse parmi toutes les trajectoires (son centile : 50 = ni plus ni moins que d'habitude, 20 = "
    << "nettement bas, 80 = nettement haut), à côté des trajectoires où elle est atteinte. Les hypothèses les plus "
    << "décalées d'abord : ce sont elles qui font manquer la cible (« analyse de scénario » d'@RISK).</p>"
    << "<div class=\"scroll\"><table class=\"short\"><tr><th>hypothèse</th><th>cible manquée</th><th>cible atteinte</th>"
    << "<th>écart</th></tr>";
  for (const auto& m : r.missed)
    h << "<tr><td>" << html_escape(input_label(inputs, m.input)) << "</td><td><b>"
      << html_escape(fr_number(100 * m.centile_missed, 0)) << "<sup>e</sup> centile</b></td><td>"
      << html_escape(fr_number(100 * m.centile_met, 0)) << "<sup>e</sup> centile</td><td>"
      << html_escape(fr_number(100 * (m.centile_missed - m.centile_met), 0)) << "</td></tr>";
  h << "</table></div>";
}

const char* const kSensitivityStyle =
    "body{font-family:\"DejaVu Sans\",Arial,sans-serif;margin:24px auto;max-width:820px;padding:0 12px;color:#1d2733}"
    "h1{font-size:22px}h2{font-size:17px;color:#0f3c6e;border-bottom:1px solid #d9dee5}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;"
    "width:100%}td,th{border-bottom:1px solid #d9dee5;padding:4px 8px;text-align:right;white-space:nowrap}td:first-child,"
    "th:first-child{text-align:left;white-space:normal}code{font-size:12px;color:#5b6775}.none{color:#5b6775}"
    ".detail{color:#5b6775;font-size:13px}svg.chart{width:100%;max-width:640px;height:auto;display:block}"
    "svg.chart.spider{max-width:500px}"
    "svg .leg{fill:none;stroke-width:2}svg .centre{stroke:#1d2733;stroke-width:1.5}"
    "svg .target{stroke:#6a3d9a;stroke-width:1.5;stroke-dasharray:6 3}.spleg{list-style:none;padding:0;"
    "font-size:13px;columns:2 300px}.spleg li{margin:2px 0;break-inside:avoid}.spleg .sw,.spleg .ln{display:inline-block;"
    "width:18px;height:3px;vertical-align:middle;margin-right:6px}.spleg .ln{height:0;border-top:2px solid #1d2733}"
    ".spleg .ln.target{border-top:2px dashed #6a3d9a}";

void write_tables(const engine::SensitivityResults& r, const std::vector<dsl::InputInfo>& inputs, std::ostream& h) {
  h << "<h2>Contribution à la variance</h2><p>Carrés des corrélations de rang, normalisés (comme @RISK).</p>"
    << "<div class=\"scroll\"><table class=\"short\"><tr><th>hypothèse</th><th>part</th><th>corrélation de rang</th></tr>";
  for (const auto& c : r.contributions)
    h << "<tr><td>" << html_escape(input_label(inputs, c.input)) << "</td><td>" << html_escape(fr_percent(c.share))
      << "</td><td>" << html_escape(fr_number(c.rank_correlation, 3)) << "</td></tr>";
  h << "</table></div><h2>Indices de Sobol</h2><p>Premier ordre (Saltelli 2010) et total (Jansen 1999), "
    << "intervalles bootstrap à 95 %.</p><div class=\"scroll\"><table class=\"short\"><tr><th>hypothèse</th><th>S1</th>"
    << "<th>IC 95 %</th><th>ST</th><th>IC 95 %</th></tr>";
  for (const auto& s : r.sobol)
    h << "<tr><td>" << html_escape(input_label(inputs, s.input)) << "</td><td>" << html_escape(fr_number(s.first, 3))
      << "</td><td>" << html_escape(fr_number(s.first_lo, 3) + " – " + fr_number(s.first_hi, 3)) << "</td><td>"
      << html_escape(fr_number(s.total, 3)) << "</td><td>"
      << html_escape(fr_number(s.total_lo, 3) + " – " + fr_number(s.total_hi, 3)) << "</td></tr>";
  h << "</table></div>";
}

}  // namespace

std::string input_name(const std::vector<dsl::InputInfo>& inputs, const std::string& name) {
  for (const auto& in : inputs)
    if (in.name == name) return in.label;
  return "";
}

std::string input_label(const std::vector<dsl::InputInfo>& inputs, const std::string& name) {
  for (const auto& in : inputs)
    if (in.name == name && !in.label.empty()) return in.label + " (" + name + ")";
  return name;
}

std::string sensitivity_html(const std::string& model, const FigureText& f, const engine::SensitivityResults& r,
                             const std::vector<dsl::InputInfo>& inputs, std::uint64_t paths, std::uint64_t seed) {
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
    << "content=\"width=device-width, initial-scale=1\"><title>Sensibilité — " << html_escape(f.of)
    << "</title><style>" << kSensitivityStyle << kSvgAxes << kTornadoStyle << kPagePrint << "</style></head><body>";
  h << "<h1>Sensibilité de " << html_escape(f.of) << "</h1>";
  if (!f.detail.empty()) h << "<p class=\"detail\">" << html_escape(f.detail) << "</p>";
  h << "<p>" << html_escape(model) << " — " << html_escape(fr_number(double(paths), 0))
    << " trajectoires par matrice de Sobol, graine " << seed << ". ";
  if (f.probability)
    h << "Probabilité " << html_escape(fr_percent(r.mean)) << ".</p>";
  else
    h << "Moyenne " << html_escape(fr_amount(r.mean, f.unit)) << ", écart-type "
      << html_escape(fr_amount(std::sqrt(std::max(0.0, r.variance)), f.unit)) << ".</p>";
  if (f.probability && !r.probability_tornado.empty())
    h << "<h2>Probabilité d'atteindre la cible, hypothèse par hypothèse</h2><p>Chaque hypothèse seule à son P10 "
      << "puis à son P90, les autres tirées au hasard comme dans la simulation : de combien de points la "
      << "probabilité d'atteindre la cible monte ou descend.</p>"
      << tornado_html(probability_tornado(r, f, inputs));
  h << "<h2>Tornado : " << html_escape(f.tornado_of) << "</h2><p>Chaque hypothèse seule à son P10 puis à son P90, "
    << "les autres à leur moyenne (valeur centrale " << html_escape(fr_amount(r.central, f.unit)) << ").</p>"
    << tornado_html(value_tornado(r, f, inputs));
  spider(r, f, inputs, h);
  if (!r.no_effect.empty()) {
    h << "<p class=\"none\" id=\"sans-effet\"><b>Sans effet</b> (" << html_escape(f.tornado_of)
      << " n'en dépend pas, d'après les équations du modèle ; ni barre ni indice) :</p><ul class=\"none\">";
    for (const auto& n : r.no_effect) h << "<li>" << html_escape(input_label(inputs, n)) << "</li>";
    h << "</ul>";
  }
  missed_table(r, inputs, h);
  write_tables(r, inputs, h);
  h << "</body></html>\n";
  return h.str();
}

}  // namespace cogsim::app::report
