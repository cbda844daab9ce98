#include "src/report_sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "src/fr_format.hpp"

namespace cogsim::app::report {

namespace {

std::string num(double v) {
  std::ostringstream o;
  o.precision(6);
  o << v;
  return o.str();
}

// Bars from the central value to the figure with one input at its P10 (one colour) and at its P90
// (another), widest on top: the chart @RISK users know. The axis is in the figure's unit.
std::string tornado_svg(const engine::SensitivityResults& r, const FigureText& f,
                        const std::vector<dsl::InputInfo>& inputs) {
  const double left = 330, width = 400, row = 26, top = 30;
  double lo = r.central, hi = r.central;
  for (const auto& t : r.tornado) lo = std::min({lo, t.low, t.high}), hi = std::max({hi, t.low, t.high});
  if (hi == lo) hi = lo + 1;
  auto x = [&](double v) { return left + width * (v - lo) / (hi - lo); };
  const double h = top + row * double(r.tornado.size()) + 30;
  std::ostringstream s;
  s << "<svg class=\"tornado\" viewBox=\"0 0 760 " << num(h) << "\" width=\"100%\" role=\"img\" aria-label=\"Tornado : "
    << html_escape(f.tornado_of) << "\">";
  s << "<text x=\"" << num(x(r.central)) << "\" y=\"16\" text-anchor=\"middle\" class=\"axis\">valeur centrale "
    << html_escape(fr_amount(r.central, f.unit)) << "</text>";
  for (std::size_t i = 0; i < r.tornado.size(); ++i) {
    const auto& t = r.tornado[i];
    const double y = top + row * double(i);
    const std::string label = input_label(inputs, t.input);
    s << "<text x=\"" << num(left - 8) << "\" y=\"" << num(y + 16) << "\" text-anchor=\"end\"><title>"
      << html_escape(label) << "</title>" << html_escape(fit_columns(label, 46)) << "</text>";
    for (auto [v, cls] : {std::pair{t.low, "p10"}, std::pair{t.high, "p90"}}) {
      double a = std::min(x(r.central), x(v)), b = std::max(x(r.central), x(v));
      s << "<rect class=\"" << cls << "\" x=\"" << num(a) << "\" y=\"" << num(y + 4) << "\" width=\""
        << num(std::max(b - a, 0.5)) << "\" height=\"" << num(row - 8) << "\"><title>" << html_escape(label)
        << (std::string(cls) == "p10" ? " à son P10 : " : " à son P90 : ") << html_escape(fr_amount(v, f.unit))
        << "</title></rect>";
    }
  }
  s << "<line x1=\"" << num(x(r.central)) << "\" x2=\"" << num(x(r.central)) << "\" y1=\"22\" y2=\"" << num(h - 24)
    << "\" class=\"centre\"/>";
  s << "<text x=\"" << num(left) << "\" y=\"" << num(h - 8) << "\" class=\"axis\">" << html_escape(fr_amount(lo, f.unit))
    << "</text><text x=\"" << num(left + width) << "\" y=\"" << num(h - 8) << "\" text-anchor=\"end\" class=\"axis\">"
    << html_escape(fr_amount(hi, f.unit)) << "</text></svg>";
  return s.str();
}

const char* const kSensitivityStyle =
    "body{font-family:\"DejaVu Sans\",Arial,sans-serif;margin:24px auto;max-width:820px;padding:0 12px;color:#1d2733}"
    "h1{font-size:22px}h2{font-size:17px;color:#0f3c6e;border-bottom:1px solid #d9dee5}"
    "svg text{font-size:12px;fill:#1d2733}svg .axis{fill:#5b6775}rect.p10{fill:#5c7fa8}rect.p90{fill:#e0913a}"
    "line.centre{stroke:#1d2733;stroke-dasharray:3 3}.scroll{overflow-x:auto}table{border-collapse:collapse;"
    "width:100%}td,th{border-bottom:1px solid #d9dee5;padding:4px 8px;text-align:right;white-space:nowrap}td:first-child,"
    "th:first-child{text-align:left;white-space:normal}code{font-size:12px;color:#5b6775}.legend span{display:inline-block;"
    "width:12px;height:12px;margin:0 4px 0 12px}.none{color:#5b6775}@media print{body{margin:0}}";

void write_tables(const engine::SensitivityResults& r, const std::vector<dsl::InputInfo>& inputs, std::ostream& h) {
  h << "<h2>Contribution à la variance</h2><p>Carrés des corrélations de rang, normalisés (comme @RISK).</p>"
    << "<div class=\"scroll\"><table><tr><th>hypothèse</th><th>part</th><th>corrélation de rang</th></tr>";
  for (const auto& c : r.contributions)
    h << "<tr><td>" << html_escape(input_label(inputs, c.input)) << "</td><td>" << html_escape(fr_percent(c.share))
      << "</td><td>" << html_escape(fr_number(c.rank_correlation, 3)) << "</td></tr>";
  h << "</table></div><h2>Indices de Sobol</h2><p>Premier ordre (Saltelli 2010) et total (Jansen 1999), "
    << "intervalles bootstrap à 95 %.</p><div class=\"scroll\"><table><tr><th>hypothèse</th><th>S1</th>"
    << "<th>IC 95 %</th><th>ST</th><th>IC 95 %</th></tr>";
  for (const auto& s : r.sobol)
    h << "<tr><td>" << html_escape(input_label(inputs, s.input)) << "</td><td>" << html_escape(fr_number(s.first, 3))
      << "</td><td>" << html_escape(fr_number(s.first_lo, 3) + " – " + fr_number(s.first_hi, 3)) << "</td><td>"
      << html_escape(fr_number(s.total, 3)) << "</td><td>"
      << html_escape(fr_number(s.total_lo, 3) + " – " + fr_number(s.total_hi, 3)) << "</td></tr>";
  h << "</table></div>";
}

}  // namespace

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
    << "</title><style>" << kSensitivityStyle << "</style></head><body>";
  h << "<h1>Sensibilité de " << html_escape(f.of) << "</h1><p>" << html_escape(model) << " — "
    << html_escape(fr_number(double(paths), 0)) << " trajectoires par matrice de Sobol, graine " << seed << ". ";
  if (f.probability)
    h << "Probabilité " << html_escape(fr_percent(r.mean)) << ".</p>";
  else
    h << "Moyenne " << html_escape(fr_amount(r.mean, f.unit)) << ", écart-type "
      << html_escape(fr_amount(std::sqrt(std::max(0.0, r.variance)), f.unit)) << ".</p>";
  h << "<h2>Tornado : " << html_escape(f.tornado_of) << "</h2><p>Chaque hypothèse seule à son P10 puis à son P90, "
    << "les autres à leur moyenne (valeur centrale " << html_escape(fr_amount(r.central, f.unit)) << ")."
    << "<span class=\"legend\"><span style=\"background:#5c7fa8\"></span>hypothèse à son P10"
    << "<span style=\"background:#e0913a\"></span>hypothèse à son P90</span></p>" << tornado_svg(r, f, inputs);
  if (!r.no_effect.empty()) {
    h << "<p class=\"none\" id=\"sans-effet\"><b>Sans effet</b> (" << html_escape(f.tornado_of)
      << " n'en dépend pas, d'après les équations du modèle ; ni barre ni indice) :</p><ul class=\"none\">";
    for (const auto& n : r.no_effect) h << "<li>" << html_escape(input_label(inputs, n)) << "</li>";
    h << "</ul>";
  }
  write_tables(r, inputs, h);
  h << "</body></html>\n";
  return h.str();
}

}  // namespace cogsim::app::report
