#include "src/tornado_html.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "src/fr_format.hpp"
#include "src/svg_charts.hpp"

namespace cogsim::app::report {

namespace {

// The axis: from the lowest to the highest value shown, widened to whole steps.
struct TornadoAxis {
  double d0 = 0, d1 = 1, step = 1;
  explicit TornadoAxis(const TornadoSpec& t) {
    double lo = t.centre, hi = t.centre;
    for (const auto& r : t.rows) lo = std::min({lo, r.low, r.high}), hi = std::max({hi, r.low, r.high});
    if (t.target) lo = std::min(lo, *t.target), hi = std::max(hi, *t.target);
    if (!(hi > lo)) lo -= 1, hi += 1;
    step = svg::nice_step(hi - lo, 4);
    d0 = std::floor(lo / step) * step, d1 = std::ceil(hi / step) * step;
    if (d1 - d0 < step) d1 = d0 + step;
  }
  double pct(double v) const { return 100 * (v - d0) / (d1 - d0); }
};

// The class of the segment from the centre to v: good or bad in the model's direction, else the
// end it shows (P10, P90).
const char* segment_class(const TornadoSpec& t, double v, bool p10) {
  if (t.better == 0) return p10 ? "p10" : "p90";
  if (v == t.centre) return "flat";
  return (v > t.centre) == (t.better > 0) ? "good" : "bad";
}

void row(std::ostream& o, const TornadoSpec& t, const TornadoAxis& ax, const TornadoRow& r) {
  const std::string name = r.label.empty() ? r.code : r.label;
  o << "<div class=\"trow\"><div class=\"tlab\">" << html_escape(name);
  if (!r.label.empty()) o << " <code>" << html_escape(r.code) << "</code>";
  o << "</div><div class=\"tbar\">";
  for (int k = 0; k < 2; ++k) {
    const double v = k == 0 ? r.low : r.high;
    const double a = ax.pct(std::min(v, t.centre)), b = ax.pct(std::max(v, t.centre));
    o << "<span class=\"seg " << segment_class(t, v, k == 0) << "\" style=\"left:" << svg::num(a)
      << "%;width:" << svg::num(std::max(b - a, 0.3)) << "%\" title=\"" << html_escape(name)
      << (k == 0 ? " à son P10 : " : " à son P90 : ") << html_escape(k == 0 ? r.low_text : r.high_text)
      << "\"></span>";
  }
  for (const auto& [v, text] : t.marks)
    if (v > ax.d0 && v < ax.d1) o << "<span class=\"tl mark\" style=\"left:" << svg::num(ax.pct(v)) << "%\"></span>";
  if (t.target) o << "<span class=\"tl target\" style=\"left:" << svg::num(ax.pct(*t.target)) << "%\"></span>";
  o << "<span class=\"tl centre\" style=\"left:" << svg::num(ax.pct(t.centre)) << "%\"></span></div>"
    << "<div class=\"tval\"><span>P10&nbsp;: " << html_escape(r.low_text) << "</span> <span>P90&nbsp;: "
    << html_escape(r.high_text) << "</span></div></div>";
}

void axis(std::ostream& o, const TornadoSpec& t, const TornadoAxis& ax) {
  o << "<div class=\"trow taxis\"><div class=\"tlab\"></div><div class=\"tbar\">";
  const int n = int(std::lround((ax.d1 - ax.d0) / ax.step));
  for (int k = 0; k <= n; ++k) {
    const double v = ax.d0 + k * ax.step;
    // Every other tick (and the one before the last) is hidden on a narrow screen (the CSS), the
    // first and the last always shown.
    o << "<span class=\"tick" << (k == 0 ? " first" : k == n ? " last" : k % 2 || k == n - 1 ? " odd" : "") << "\" style=\"left:"
      << svg::num(ax.pct(v)) << "%\">" << html_escape(t.tick(std::fabs(v) < ax.step * 1e-9 ? 0.0 : v, std::max(std::fabs(ax.d0), std::fabs(ax.d1)), ax.step))
      << "</span>";
  }
  o << "</div><div class=\"tval\"></div></div>";
  if (!t.axis_title.empty())
    o << "<div class=\"trow\"><div class=\"tlab\"></div><div class=\"ttitle\">" << html_escape(t.axis_title)
      << "</div></div>";
}

void legend(std::ostream& o, const TornadoSpec& t) {
  o << "<p class=\"tlegend\">";
  if (t.better == 0)
    o << "<span><i class=\"sw p10\"></i>hypothèse à son P10</span> <span><i class=\"sw p90\"></i>hypothèse à son "
      << "P90</span> ";
  else
    o << "<span><i class=\"sw good\"></i>l'hypothèse va du côté qui aide à atteindre la cible</span> "
      << "<span><i class=\"sw bad\"></i>du côté qui l'en éloigne</span> ";
  o << "<span><i class=\"ln centre\"></i>" << html_escape(t.centre_text) << "</span> ";
  if (t.target) o << "<span><i class=\"ln target\"></i>" << html_escape(t.target_text) << "</span> ";
  for (const auto& m : t.marks) o << "<span><i class=\"ln mark\"></i>" << html_escape(m.second) << "</span> ";
  o << "</p>";
}

}  // namespace

std::string tornado_html(const TornadoSpec& t) {
  const TornadoAxis ax(t);
  std::ostringstream o;
  o << "<div class=\"tornado\" id=\"" << html_escape(t.id) << "\" role=\"img\" aria-label=\"" << html_escape(t.aria)
    << "\">";
  legend(o, t);
  for (const auto& r : t.rows) row(o, t, ax, r);
  axis(o, t, ax);
  o << "</div>";
  return o.str();
}

const char* const kTornadoStyle =
    ".tornado{margin:8px 0 14px;break-inside:avoid}"
    ".tornado .trow{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr) minmax(0,1.3fr);gap:10px;"
    "align-items:center;padding:2px 0}"
    ".tornado .tlab{font-size:13px;text-align:right}.tornado .tlab code{font-size:11px;color:#5b6775}"
    ".tornado .tbar{position:relative;height:22px;background:#f4f6f8}"
    ".tornado .taxis .tbar{background:none;height:18px}"
    ".tornado .seg{position:absolute;top:3px;height:16px}"
    ".tornado .good{background:#2e8540}.tornado .bad{background:#c62828}.tornado .p10{background:#5c7fa8}"
    ".tornado .p90{background:#e0913a}.tornado .flat{background:#8a96a3}"
    ".tornado .tl{position:absolute;top:-2px;bottom:-2px;width:0;border-left:2px solid #1d2733}"
    ".tornado .tl.target{border-left:2px dashed #6a3d9a}.tornado .tl.mark{border-left:1px dotted #5b6775}"
    ".tornado .tval{font-size:12px;color:#1d2733}.tornado .tval span{white-space:nowrap}"
    ".tornado .tick{position:absolute;top:2px;font-size:11px;color:#5b6775;transform:translateX(-50%);"
    "white-space:nowrap}.tornado .tick.first{transform:none}.tornado .tick.last{transform:translateX(-100%)}"
    ".tornado .ttitle{grid-column:2 / 4;font-size:12px;color:#5b6775}"
    ".tornado .tlegend{font-size:12px;color:#1d2733;margin:4px 0 8px}.tornado .tlegend>span{white-space:nowrap;"
    "margin-right:12px}.tornado .sw{display:inline-block;width:12px;height:12px;margin-right:4px;"
    "vertical-align:-1px}.tornado .ln{display:inline-block;width:0;height:12px;margin:0 5px 0 2px;"
    "vertical-align:-1px;border-left:2px solid #1d2733}.tornado .ln.target{border-left:2px dashed #6a3d9a}"
    ".tornado .ln.mark{border-left:1px dotted #5b6775}"
    "@media (max-width:900px){.tornado .tick.odd{display:none}}"
    "@media (max-width:600px){.tornado .trow{grid-template-columns:minmax(0,1fr);gap:2px}"
    ".tornado .tlab{text-align:left}.tornado .taxis .tlab,.tornado .taxis .tval{display:none}"
    ".tornado .ttitle{grid-column:1}}"
    "@media print{.tornado .trow{grid-template-columns:minmax(0,1.5fr) minmax(0,3fr) 11.5em;padding:1px 0}"
    ".tornado .tval{font-size:8pt}.tornado .tval span{display:block}.tornado .tlab{font-size:9pt}"
    ".tornado .tbar{height:18px}.tornado .seg{top:2px;height:14px}}";

}  // namespace cogsim::app::report
