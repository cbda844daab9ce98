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
