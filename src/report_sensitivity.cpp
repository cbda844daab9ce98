#include "src/report_sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "src/report_html.hpp"

namespace cogsim::app::report {

namespace {

// Euros to the unit, small figures (rates, probabilities) to three decimals.
std::string fig(double v) { return fr_number(v, std::fabs(v) >= 1000 ? 0 : 3); }

std::string num(double v) {
  std::ostringstream o;
  o.precision(6);
  o << v;
  return o.str();
}

// Bars from the central value to the output at P10 (one colour) and at P90 (another), widest on
// top: the chart @RISK users know.
std::string tornado_svg(const engine::SensitivityResults& r) {
  const double left = 230, width = 460, row = 26, top = 30;
  double lo = r.central, hi = r.central;
  for (const auto& t : r.tornado) lo = std::min({lo, t.low, t.high}), hi = std::max({hi, t.low, t.high});
  if (hi == lo) hi = lo + 1;
  auto x = [&](double v) { return left + width * (v - lo) / (hi - lo); };
  const double h = top + row * double(r.tornado.size()) + 30;
  std::ostringstream s;
  s << "<svg class=\"tornado\" viewBox=\"0 0 760 " << num(h) << "\" width=\"760\" height=\"" << num(h)
    << "\" role=\"img\" aria-label=\"Tornado\">";
  s << "<text x=\"" << num(x(r.central)) << "\" y=\"16\" text-anchor=\"middle\" class=\"axis\">valeur centrale "
    << html_escape(fig(r.central)) << "</text>";
  for (std::size_t i = 0; i < r.tornado.size(); ++i) {
    const auto& t = r.tornado[i];
    double y = top + row * double(i);
    s << "<text x=\"" << num(left - 8) << "\" y=\"" << num(y + 16) << "\" text-anchor=\"end\">"
      << html_escape(t.input) << "</text>";
    for (auto [v, cls] : {std::pair{t.low, "p10"}, std::pair{t.high, "p90"}}) {
      double a = std::min(x(r.central), x(v)), b = std::max(x(r.central), x(v));
      s << "<rect class=\"" << cls << "\" x=\"" << num(a) << "\" y=\"" << num(y + 4) << "\" width=\""
        << num(std::max(b - a, 0.5)) << "\" height=\"" << num(row - 8) << "\"><title>" << html_escape(t.input)
        << (std::string(cls) == "p10" ? " au P10 : " : " au P90 : ") << html_escape(fig(v))
        << "</title></rect>";
    }
  }
  s << "<line x1=\"" << num(x(r.central)) << "\" x2=\"" << num(x(r.central)) << "\" y1=\"22\" y2=\"" << num(h - 24)
    << "\" class=\"centre\"/>";
  s << "<text x=\"" << num(left) << "\" y=\"" << num(h - 8) << "\" class=\"axis\">" << html_escape(fig(lo))
    << "</text><text x=\"" << num(left + width) << "\" y=\"" << num(h - 8) << "\" text-anchor=\"end\" class=\"axis\">"
    << html_escape(fig(hi)) << "</text></svg>";
  return s.str();
}

}  // namespace

std::string sensitivity_html(const std::string& model, const std::string& of, const std::string& tornado_of,
                             const engine::SensitivityResults& r, std::uint64_t paths, std::uint64_t seed) {
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Sensibilité — "
    << html_escape(of) << "</title><style>"
    << "body{font-family:\"DejaVu Sans\",Arial,sans-serif;margin:24px auto;max-width:820px;color:#1d2733}"
    << "h1{font-size:22px}h2{font-size:17px;color:#0f3c6e;border-bottom:1px solid #d9dee5}"
    << "svg text{font-size:12px;fill:#1d2733}svg .axis{fill:#5b6775}rect.p10{fill:#c0392b}rect.p90{fill:#2e7d32}"
    << "line.centre{stroke:#1d2733;stroke-dasharray:3 3}table{border-collapse:collapse;width:100%}"
    << "td,th{border-bottom:1px solid #d9dee5;padding:4px 8px;text-align:right}td:first-child,th:first-child"
    << "{text-align:left}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}"
    << "@media print{body{margin:0}}</style></head><body>";
  h << "<h1>Sensibilité de " << html_escape(of) << "</h1><p>" << html_escape(model) << " — " << paths
    << " trajectoires par matrice de Sobol, graine " << seed << ". Moyenne " << html_escape(fig(r.mean))
    << ", écart-type " << html_escape(fig(std::sqrt(std::max(0.0, r.variance)))) << ".</p>";
  h << "<h2>Tornado : " << html_escape(tornado_of) << "</h2><p>Chaque hypothèse seule à son P10 puis à son P90, "
    << "les autres à leur moyenne (valeur centrale " << html_escape(fig(r.central)) << ")."
    << "<span class=\"legend\"><span style=\"background:#c0392b\"></span>P10<span style=\"background:#2e7d32\">"
    << "</span>P90</span></p>"
    << tornado_svg(r);
  h << "<h2>Contribution à la variance</h2><p>Carrés des corrélations de rang, normalisés (comme @RISK).</p>"
    << "<table><tr><th>hypothèse</th><th>part</th><th>corrélation de rang</th></tr>";
  for (const auto& c : r.contributions)
    h << "<tr><td>" << html_escape(c.input) << "</td><td>" << html_escape(fr_percent(c.share)) << "</td><td>"
      << html_escape(fr_number(c.rank_correlation, 3)) << "</td></tr>";
  h << "</table><h2>Indices de Sobol</h2><p>Premier ordre (Saltelli 2010) et total (Jansen 1999), intervalles "
    << "bootstrap à 95 %.</p><table><tr><th>hypothèse</th><th>S1</th><th>IC 95 %</th><th>ST</th><th>IC 95 %</th></tr>";
  for (const auto& s : r.sobol)
    h << "<tr><td>" << html_escape(s.input) << "</td><td>" << html_escape(fr_number(s.first, 3)) << "</td><td>"
      << html_escape(fr_number(s.first_lo, 3) + " – " + fr_number(s.first_hi, 3)) << "</td><td>"
      << html_escape(fr_number(s.total, 3)) << "</td><td>"
      << html_escape(fr_number(s.total_lo, 3) + " – " + fr_number(s.total_hi, 3)) << "</td></tr>";
  h << "</table></body></html>\n";
  return h.str();
}

}  // namespace cogsim::app::report

namespace cogsim::app::report {

std::string compare_html(const std::string& base, const std::string& variant, const engine::CompareResults& r,
                         std::uint64_t seed) {
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Comparaison — "
    << html_escape(variant) << "</title><style>"
    << "body{font-family:\"DejaVu Sans\",Arial,sans-serif;margin:24px auto;max-width:980px;color:#1d2733}"
    << "h1{font-size:22px}h2{font-size:17px;color:#0f3c6e;border-bottom:1px solid #d9dee5}"
    << "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d9dee5;padding:4px 8px;"
    << "text-align:right;font-size:13px;white-space:nowrap}td:first-child,th:first-child{text-align:left;white-space:normal}"
    << ".up{color:#2e7d32;font-weight:bold}.down{color:#c0392b;font-weight:bold}@media print{body{margin:0}}"
    << "</style></head><body>";
  h << "<h1>Comparaison de scénarios</h1><p>Base : <b>" << html_escape(base) << "</b><br>Variante : <b>"
    << html_escape(variant) << "</b><br>" << r.paths << " trajectoires appariées (mêmes tirages aléatoires "
    << "pour les hypothèses communes), graine " << seed << ".</p>";
  auto delta_cell = [&](const engine::ProbabilityDelta& y) {
    const double d = y.delta();
    std::string cls = d > 0 ? "up" : d < 0 ? "down" : "";
    return "<td>" + html_escape(fr_probability(y.base)) + " → " + html_escape(fr_probability(y.variant)) +
           "<br><span class=\"" + cls + "\">" + (d > 0 ? "+" : "") + html_escape(fr_number(100 * d, 1)) +
           " pt</span> ± " + html_escape(fr_number(100 * y.std_error(), 2)) + "</td>";
  };
  for (const auto* group : {&r.indicators, &r.events}) {
    if (group->empty()) continue;
    std::vector<int> years;
    for (const auto& d : *group)
      for (const auto& y : d.years)
        if (std::find(years.begin(), years.end(), y.year) == years.end()) years.push_back(y.year);
    std::sort(years.begin(), years.end());
    h << "<h2>" << (group == &r.indicators ? "Indicateurs : probabilité d'atteindre la cible" : "Événements")
      << "</h2><table><tr><th></th>";
    for (int y : years) h << "<th>" << y << "</th>";
    h << "</tr>";
    for (const auto& d : *group) {
      h << "<tr><td>" << html_escape(d.id) << " " << html_escape(d.label) << "</td>";
      for (int y : years) {
        auto it = std::find_if(d.years.begin(), d.years.end(), [&](const auto& x) { return x.year == y; });
        h << (it == d.years.end() ? std::string("<td></td>") : delta_cell(*it));
      }
      h << "</tr>";
    }
    h << "</table>";
  }
  h << "<h2>Résultats : variante − base, trajectoire par trajectoire</h2><table><tr><th>série</th><th>année</th>"
    << "<th>moyenne</th><th>P5</th><th>P50</th><th>P95</th></tr>";
  for (const auto& o : r.outputs)
    for (const auto& y : o.years) {
      const auto& s = y.delta;
      if (s.moments.mean() == 0 && s.quantile(0.05) == 0 && s.quantile(0.95) == 0) continue;
      h << "<tr><td>" << html_escape(o.name) << "</td><td>" << y.year << "</td><td>" << html_escape(fig(s.moments.mean()))
        << "</td><td>" << html_escape(fig(s.quantile(0.05))) << "</td><td>" << html_escape(fig(s.quantile(0.5)))
        << "</td><td>" << html_escape(fig(s.quantile(0.95))) << "</td></tr>";
    }
  h << "</table><p>Les séries absentes du tableau sont identiques sur toutes les trajectoires.</p></body></html>\n";
  return h.str();
}

}  // namespace cogsim::app::report
