#include "src/convergence.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "src/fr_format.hpp"
#include "src/svg_charts.hpp"

namespace cogsim::app {

std::size_t indicator_hit(const engine::Program& p, std::size_t indicator, std::size_t year_index) {
  std::size_t h = 0;
  for (std::size_t i = 0; i < indicator; ++i) h += p.indicators[i].years.size();
  return h + year_index;
}

std::size_t event_hit(const engine::Program& p, std::size_t event, std::size_t year_index) {
  std::size_t h = indicator_hit(p, p.indicators.size(), 0);
  for (std::size_t i = 0; i < event; ++i) h += p.events[i].years.size();
  return h + year_index;
}

namespace {

nlohmann::ordered_json series_of(const engine::RunResults& r, std::size_t hit) {
  nlohmann::ordered_json paths = nlohmann::ordered_json::array(), ps = paths, ses = paths;
  for (const auto& pt : r.convergence) {
    paths.push_back(pt.paths);
    ps.push_back(pt.p[hit]);
    ses.push_back(pt.se[hit]);
  }
  return {{"paths", paths}, {"p", ps}, {"se", ses}};
}

}  // namespace

nlohmann::ordered_json convergence_json(const engine::Program& p, const engine::RunResults& r) {
  nlohmann::ordered_json inds = nlohmann::ordered_json::object(), evs = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < p.indicators.size(); ++i) {
    const auto& y = p.indicators[i].years;
    if (y.empty()) continue;
    inds[p.indicators[i].id][std::to_string(y.back().year)] = series_of(r, indicator_hit(p, i, y.size() - 1));
  }
  for (std::size_t i = 0; i < p.events.size(); ++i) {
    const auto& y = p.events[i].years;
    if (y.empty()) continue;
    evs[p.events[i].name][std::to_string(y.back().first)] = series_of(r, event_hit(p, i, y.size() - 1));
  }
  return {{"indicators", inds}, {"events", evs}};
}

namespace {
// `text` on two lines of at most `columns` code points: the first cut at the last space that fits,
// the second shortened with an ellipsis if it must be.
std::pair<std::string, std::string> two_lines(const std::string& whole, std::size_t columns) {
  // Two lines hold at most 2 × columns code points: the rest is cut first, so that a label of any
  // length costs the same (a multi-megabyte label with many spaces was quadratic).
  const std::string text = report::fit_columns(whole, 2 * columns + 1);
  if (report::fit_columns(text, columns) == text) return {text, ""};
  std::size_t cut = std::string::npos;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == ' ' && report::fit_columns(text.substr(0, i), columns) == text.substr(0, i)) cut = i;
  if (cut == std::string::npos) return {report::fit_columns(text, columns), ""};
  return {text.substr(0, cut), report::fit_columns(text.substr(cut + 1), columns)};
}
}  // namespace

std::string convergence_svg(const std::vector<engine::ConvergencePoint>& points, const ConvergenceItem& item) {
  if (points.size() < 2) return "";
  using report::svg::num;
  const double W = 220, H = 136, L = 40, R = 8, T = 38, B = 20;  // T: a title of two lines clear of the top tick
  double lo = 1, hi = 0;
  for (const auto& pt : points) {
    lo = std::min(lo, pt.p[item.hit] - 1.96 * pt.se[item.hit]);
    hi = std::max(hi, pt.p[item.hit] + 1.96 * pt.se[item.hit]);
  }
  lo = std::max(0.0, lo), hi = std::min(1.0, hi);
  if (!(hi - lo > 1e-4)) lo = std::max(0.0, lo - 5e-5), hi = std::min(1.0, hi + 5e-5);
  const double x0 = std::log2(double(points.front().paths)), x1 = std::log2(double(points.back().paths));
  auto X = [&](std::uint64_t n) { return L + (W - L - R) * (x1 > x0 ? (std::log2(double(n)) - x0) / (x1 - x0) : 0.5); };
  auto Y = [&](double v) { return T + (H - T - B) * (hi - v) / (hi - lo); };
  std::ostringstream o, upper, lower, line;
  o << "<svg class=\"chart conv\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << report::html_escape(item.label) << "\">";
  // The title on at most two lines of 34 columns, cut at a space (a headline event's label is long:
  // "Tous les indicateurs de l'année atteints (2024)" was cut to "… de l'année a…").
  const auto [first, second] = two_lines(item.label, 34);
  o << "<text class=\"legend\" x=\"2\" y=\"13\"><title>" << report::html_escape(item.label) << "</title>"
    << report::html_escape(first);
  if (!second.empty()) o << "<tspan x=\"2\" dy=\"12\">" << report::html_escape(second) << "</tspan>";
  o << "</text>";
  for (double g : {lo, hi})
    o << "<line class=\"grid\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(g)) << "\" y2=\""
      << num(Y(g)) << "\"/><text class=\"tick\" x=\"" << num(L - 4) << "\" y=\"" << num(Y(g) + 3.5)
      << "\" text-anchor=\"end\">" << report::fr_percent(g, 1) << "</text>";
  for (std::size_t k = 0; k < points.size(); ++k) {  // the upper edge and the estimate, left to right
    const auto& pt = points[k];
    const double x = X(pt.paths), p = pt.p[item.hit];
    upper << (k ? " " : "") << num(x) << ',' << num(Y(std::min(hi, p + 1.96 * pt.se[item.hit])));
    line << (k ? " " : "") << num(x) << ',' << num(Y(p));
  }
  for (std::size_t k = points.size(); k-- > 0;)  // the lower edge, right to left
    lower << ' ' << num(X(points[k].paths)) << ',' << num(Y(std::max(lo, points[k].p[item.hit] - 1.96 * points[k].se[item.hit])));
  o << "<polygon class=\"band\" points=\"" << upper.str() << lower.str() << "\"/><polyline class=\"est\" points=\""
    << line.str() << "\"/>";
  for (std::size_t k : {std::size_t{0}, points.size() - 1})
    o << "<text class=\"tick\" x=\"" << num(X(points[k].paths)) << "\" y=\"" << num(H - 6) << "\" text-anchor=\""
      << (k ? "end" : "start") << "\">" << report::fr_number(double(points[k].paths), 0) << "</text>";
  return o.str() + "</svg>";
}

}  // namespace cogsim::app
