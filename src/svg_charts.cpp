#include "src/svg_charts.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "src/fr_format.hpp"

namespace cogsim::app::report {

std::uint64_t sketch_count_at_most(const engine::QuantileSketch& s, double x) {
  const std::uint64_t n = s.count();
  if (n == 0) return 0;
  // The value of rank r (1-based) is quantile((r - 0.5) / n): ceil((r - 0.5) / n * n) == r.
  auto at = [&](std::uint64_t r) { return s.quantile((static_cast<double>(r) - 0.5) / static_cast<double>(n)); };
  std::uint64_t lo = 0, hi = n;  // ranks <= lo are <= x; ranks > hi are > x
  while (lo < hi) {
    std::uint64_t mid = lo + (hi - lo + 1) / 2;
    if (at(mid) <= x)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

namespace svg {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A step of 1, 2, 2.5 or 5 times a power of ten, near range / ticks.
double nice_step(double range, int ticks) {
  if (!(range > 0)) return 1;
  double raw = range / ticks, mag = std::pow(10.0, std::floor(std::log10(raw))), n = raw / mag;
  return (n < 1.5 ? 1 : n < 2.25 ? 2 : n < 3.5 ? 2.5 : n < 7.5 ? 5 : 10) * mag;
}

MoneyAxis::MoneyAxis(double max_abs, double step) {
  if (max_abs >= 1e6)
    div = 1e6, unit = "M€";
  else if (max_abs >= 1e4)
    div = 1e3, unit = "k€";
  double s = step / div;
  for (decimals = 0; decimals < 3; ++decimals) {
    double m = s * std::pow(10.0, decimals);
    if (std::fabs(m - std::round(m)) < 1e-6 * std::max(1.0, m)) break;
  }
}
std::string MoneyAxis::operator()(double v) const { return fr_number(v / div, decimals) + kNbsp + unit; }

std::string axis_label(double v, double max_abs, double step, const std::string& unit) {
  if (unit.find("€") != std::string::npos) return MoneyAxis(max_abs, step)(v);
  const bool share = unit == "%";
  const double shown = share ? step * 100 : step;  // the step as printed
  int decimals = 0;
  for (double m = shown; decimals < 4 && std::fabs(m - std::round(m)) > 1e-6 * std::max(1.0, std::fabs(m)); m *= 10)
    ++decimals;
  if (share) return fr_percent(v, decimals);
  const std::string n = fr_number(v, decimals);
  return unit.empty() || unit == "number" ? n : n + kNbsp + unit;
}

namespace {

struct Lin {
  double d0, d1, r0, r1;
  double operator()(double v) const { return d1 == d0 ? (r0 + r1) / 2 : r0 + (v - d0) * (r1 - r0) / (d1 - d0); }
};

}  // namespace

// ---- Fan chart ---------------------------------------------------------------------------------

FanYear fan_year(int year, const engine::SeriesStats& s) {
  return {
      year, s.quantile(0.05), s.quantile(0.25), s.quantile(0.50), s.quantile(0.75), s.quantile(0.95), s.moments.mean()};
}

namespace {

// The fan chart's frame: its value axis (nice steps, zero shown when near), the years' axis and
// the plot area inside the margins.
struct FanFrame {
  // Notes (P(met) under each year) on two staggered rows when the years are too close for one:
  // a note is about 46 units wide (6 characters in bold 10.5 px and a gap).
  static bool narrow(const FanSpec& f) {
    if (f.notes.empty() || f.years.size() < 2) return false;
    return (f.w - 62 - 10 - 32) / double(f.years.back().year - f.years.front().year) < 46;
  }
  bool stagger = false;
  double L = 62, R = 10, T = 30, B = 24, W = 0, H = 0;
  double d0 = 0, d1 = 0, step = 1, colw = 0;
  bool zero = false;
  int y0 = 0, y1 = 0;
  Lin X{0, 0, 0, 0}, Y{0, 0, 0, 0};
  MoneyAxis lab{0, 1};

  explicit FanFrame(const FanSpec& f)
      : stagger(narrow(f)), B(f.notes.empty() ? 24 : narrow(f) ? 54 : 42), W(f.w), H(f.h) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& y : f.years) lo = std::min(lo, y.p5), hi = std::max(hi, y.p95);
    for (const auto& t : f.targets) lo = std::min(lo, t.value), hi = std::max(hi, t.value);
    double span = std::max(hi - lo, std::max(std::fabs(hi), std::fabs(lo)) * 0.02 + 1);
    zero = f.force_zero || (lo - 0.3 * span <= 0 && 0 <= hi + 0.3 * span);
    if (zero) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
    if (hi - lo < span) lo -= (span - (hi - lo)) / 2, hi = lo + span;
    step = nice_step(hi - lo, 5);
    d0 = std::floor(lo / step) * step, d1 = std::ceil(hi / step) * step;
    if (d1 - d0 < step) d1 = d0 + step;
    lab = MoneyAxis(std::max(std::fabs(d0), std::fabs(d1)), step);
    y0 = f.years.front().year, y1 = f.years.back().year;
    const double pad = 16;
    X = Lin{double(y0), double(y1), L + pad, W - R - pad};
    Y = Lin{d0, d1, H - B, T};
    colw = y1 > y0 ? (X(y0 + 1) - X(y0)) : (W - L - R);
  }
};

// The convention's years shaded, the grid with its value labels, and the zero line.
void fan_background(std::ostream& o, const FanSpec& f, const FanFrame& fr) {
  const double L = fr.L, R = fr.R, T = fr.T, B = fr.B, W = fr.W, H = fr.H;
  if (f.shade_to >= f.shade_from && f.shade_from != 0) {
    double a = std::max(L, fr.X(f.shade_from) - fr.colw / 2), b = std::min(W - R, fr.X(f.shade_to) + fr.colw / 2);
    if (b > a)
      o << "<rect class=\"cog\" x=\"" << num(a) << "\" y=\"" << num(T) << "\" width=\"" << num(b - a) << "\" height=\""
        << num(H - B - T) << "\"/><text class=\"cogt\" x=\"" << num(b - 3) << "\" y=\"" << num(T + 10)
        << "\" text-anchor=\"end\">convention</text>";
  }
  for (double v = fr.d0; v <= fr.d1 + fr.step / 2; v += fr.step) {
    double yy = fr.Y(v);
    o << "<line class=\"grid\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(yy) << "\" y2=\""
      << num(yy) << "\"/><text class=\"tick\" x=\"" << num(L - 5) << "\" y=\"" << num(yy + 3.5)
      << "\" text-anchor=\"end\">" << fr.lab(std::fabs(v) < fr.step * 1e-9 ? 0.0 : v) << "</text>";
  }
  if (fr.zero && fr.d0 <= 0 && 0 <= fr.d1) {
    o << "<line class=\"zero\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(fr.Y(0))
      << "\" y2=\"" << num(fr.Y(0)) << "\"/>";
    if (!f.zero_label.empty())
      o << "<text class=\"zerot\" x=\"" << num(L + 4) << "\" y=\"" << num(fr.Y(0) - 4) << "\">"
        << html_escape(f.zero_label) << "</text>";
  }
}

// The P5–P95 and P25–P75 bands, the median and the target trajectory.
void fan_series(std::ostream& o, const FanSpec& f, const FanFrame& fr) {
  auto band = [&](auto lo_of, auto hi_of, const char* cls) {
    o << "<polygon class=\"" << cls << "\" points=\"";
    for (const auto& y : f.years) o << num(fr.X(y.year)) << ',' << num(fr.Y(hi_of(y))) << ' ';
    for (auto it = f.years.rbegin(); it != f.years.rend(); ++it)
      o << num(fr.X(it->year)) << ',' << num(fr.Y(lo_of(*it))) << ' ';
    o << "\"/>";
  };
  band([](const FanYear& y) { return y.p5; }, [](const FanYear& y) { return y.p95; }, "b90");
  band([](const FanYear& y) { return y.p25; }, [](const FanYear& y) { return y.p75; }, "b50");
  o << "<polyline class=\"med\" points=\"";
  for (const auto& y : f.years) o << num(fr.X(y.year)) << ',' << num(fr.Y(y.p50)) << ' ';
  o << "\"/>";
  if (f.targets.empty()) return;
  o << "<polyline class=\"tgt\" points=\"";
  for (const auto& t : f.targets) o << num(fr.X(t.year)) << ',' << num(fr.Y(t.value)) << ' ';
  o << "\"/>";
  for (const auto& t : f.targets)
    o << "<circle class=\"tgtp\" cx=\"" << num(fr.X(t.year)) << "\" cy=\"" << num(fr.Y(t.value)) << "\" r=\"3.2\"/>";
}

// The years under the axis, the notes row, the legend, and one tooltip column per year.
void fan_labels(std::ostream& o, const FanSpec& f, const FanFrame& fr) {
  const double L = fr.L, T = fr.T, B = fr.B, H = fr.H;
  for (const auto& y : f.years)
    o << "<text class=\"tick\" x=\"" << num(fr.X(y.year)) << "\" y=\"" << num(H - B + 14)
      << "\" text-anchor=\"middle\">" << y.year << "</text>";
  if (!f.notes.empty() && !f.notes_title.empty())
    o << "<text class=\"notet\" x=\"" << num(L - 5) << "\" y=\"" << num(H - B + 31) << "\" text-anchor=\"end\">"
      << html_escape(f.notes_title) << "</text>";
  for (const auto& n : f.notes)
    if (n.year >= fr.y0 && n.year <= fr.y1)
      o << "<text class=\"note " << n.cls << "\" x=\"" << num(fr.X(n.year)) << "\" y=\""
        << num(H - B + 31 + (fr.stagger && (n.year - fr.y0) % 2 ? 12 : 0)) << "\" text-anchor=\"middle\">"
        << html_escape(n.text) << "</text>";
  double lx = 8;
  auto key = [&](const std::string& swatch, const char* text, double width) {
    o << swatch << "<text class=\"legend\" x=\"" << num(lx + 16) << "\" y=\"14\">" << text << "</text>";
    lx += width;
  };
  key("<rect class=\"b90\" x=\"" + num(lx) + "\" y=\"6\" width=\"12\" height=\"10\"/>", "P5–P95", 60);
  key("<rect class=\"b50\" x=\"" + num(lx) + "\" y=\"6\" width=\"12\" height=\"10\"/>", "P25–P75", 66);
  key("<line class=\"med\" x1=\"" + num(lx) + "\" x2=\"" + num(lx + 12) + "\" y1=\"11\" y2=\"11\"/>", "médiane", 72);
  if (!f.targets.empty())
    key("<line class=\"tgt\" x1=\"" + num(lx) + "\" x2=\"" + num(lx + 12) + "\" y1=\"11\" y2=\"11\"/>",
        f.target_label.c_str(), 80);
  for (const auto& y : f.years) {
    std::string tip = std::to_string(y.year) + " — médiane " + fr_euros(y.p50) + " ; P25–P75 " + fr_euros(y.p25) +
                      " à " + fr_euros(y.p75) + " ; P5–P95 " + fr_euros(y.p5) + " à " + fr_euros(y.p95) +
                      " ; moyenne " + fr_euros(y.mean);
    for (const auto& t : f.targets)
      if (t.year == y.year) tip += " ; cible " + fr_euros(t.value);
    o << "<rect class=\"hit\" x=\"" << num(fr.X(y.year) - fr.colw / 2) << "\" y=\"" << num(T) << "\" width=\""
      << num(fr.colw) << "\" height=\"" << num(H - B - T) << "\"><title>" << html_escape(tip) << "</title></rect>";
  }
}

}  // namespace

std::string fan_svg(const FanSpec& f) {
  if (f.years.empty()) return "";
  const FanFrame fr(f);
  std::ostringstream o;
  o << "<svg class=\"chart\" viewBox=\"0 0 " << num(fr.W) << ' ' << num(fr.H) << "\" role=\"img\" aria-label=\""
    << html_escape(f.title) << "\">";
  fan_background(o, f, fr);
  fan_series(o, f, fr);
  fan_labels(o, f, fr);
  o << "</svg>";
  return o.str();
}

// ---- Histogram of a last-year distribution -----------------------------------------------------

namespace {

// The bins of a histogram: edges over P0.5–P99.5 (widened to show a target nearby, which then
// falls on an edge) and the share of paths in each.
struct HistBins {
  std::vector<double> edges, mass;
  double peak = 0;
  bool target_in = false;  // the target is inside the range drawn
};

// Freedman–Diaconis: a bin width of 2·IQR·n^(−1/3) (the quartiles from the sketch), as many bins
// as that gives over [lo, hi], at least 12 and no more than the plot shows at 3 units a bar.
int fd_bins(const engine::SeriesStats& st, double lo, double hi, double plot_w) {
  const int most = std::max(12, static_cast<int>(plot_w / 3));
  const double iqr = st.quantile(0.75) - st.quantile(0.25), n = static_cast<double>(st.sketch.count());
  if (!(iqr > 0) || n < 2) return std::min(36, most);
  return std::clamp(static_cast<int>(std::ceil((hi - lo) / (2 * iqr / std::cbrt(n)))), 12, most);
}

// The number of values <= x with each sketch bucket's count spread evenly between the value below
// it and its own (a piecewise-linear distribution function through the buckets): the bars of a
// histogram then do not alias the buckets' grid (a jagged histogram at a million paths).
double smooth_count_at_most(const engine::QuantileSketch& s, double x) {
  const std::uint64_t n = s.count(), c = sketch_count_at_most(s, x);
  if (c == 0 || c == n) return static_cast<double>(c);
  auto at = [&](std::uint64_t r) { return s.quantile((static_cast<double>(r) - 0.5) / static_cast<double>(n)); };
  const double below = at(c), above = at(c + 1);
  if (!(above > below)) return static_cast<double>(c);
  const std::uint64_t upto = sketch_count_at_most(s, above);
  return static_cast<double>(c) + static_cast<double>(upto - c) * (x - below) / (above - below);
}

HistBins hist_bins(const HistSpec& hs, double plot_w) {
  const auto& st = *hs.stats;
  const auto& s = st.sketch;
  HistBins hb;
  double lo = st.quantile(0.005), hi = st.quantile(0.995);
  if (!(hi - lo > 1e-9 * std::max(std::fabs(lo), std::fabs(hi)))) {
    double d = std::max(std::fabs(lo) * 0.01, 1.0);
    lo -= d, hi += d;
  }
  if (hs.has_target) {
    double ext = 0.25 * (hi - lo);
    if (hs.target >= lo - ext && hs.target <= hi + ext) {
      hb.target_in = true;
      lo = std::min(lo, hs.target - 0.04 * (hi - lo));
      hi = std::max(hi, hs.target + 0.04 * (hi - lo));
    }
  }
  const int bins = fd_bins(st, lo, hi, plot_w);
  double bw = (hi - lo) / bins, start = lo;
  if (hb.target_in) start = hs.target + std::floor((lo - hs.target) / bw) * bw;  // the target on an edge
  int nb = std::clamp(static_cast<int>(std::ceil((hi - start) / bw - 1e-9)), 1, 2 * bins);
  for (int i = 0; i <= nb; ++i) hb.edges.push_back(start + i * bw);
  const double n = static_cast<double>(s.count());
  // A constant series (a known year) is all in one bar.
  auto at_most = [&](double x) {
    return st.constant ? (st.central <= x ? n : 0.0) : smooth_count_at_most(s, x);
  };
  double prev = at_most(hb.edges.front());
  for (std::size_t i = 1; i < hb.edges.size(); ++i) {
    const double c = at_most(hb.edges[i]);
    hb.mass.push_back((c - prev) / n);
    hb.peak = std::max(hb.peak, hb.mass.back());
    prev = c;
  }
  return hb;
}

// The target: a line (or an arrow to it when off the range), and P(met) / P(missed) under the
// bars, each on its side.
void hist_target(std::ostream& o, const HistSpec& hs, const HistBins& hb, const Lin& X, double y_base, double L,
                 double T, double W, double R, double H) {
  if (hb.target_in) {
    double tx = X(hs.target);
    o << "<line class=\"tgt\" x1=\"" << num(tx) << "\" x2=\"" << num(tx) << "\" y1=\"" << num(T + 2) << "\" y2=\""
      << num(y_base) << "\"/><text class=\"tgtt\" x=\"" << num(tx) << "\" y=\"" << num(T - 2)
      << "\" text-anchor=\"middle\">cible</text>";
  } else {
    bool left = hs.target < hb.edges.front();
    o << "<text class=\"tgtt\" x=\"" << num(left ? L : W - R) << "\" y=\"" << num(T - 2) << "\" text-anchor=\""
      << (left ? "start" : "end") << "\">" << (left ? "◂ cible " : "cible ") << fr_short_euros(hs.target)
      << (left ? "" : " ▸") << "</text>";
  }
  if (!hs.met) return;
  std::string met = "atteint " + fr_probability(*hs.met);
  engine::Proportion miss{hs.met->n - hs.met->hits, hs.met->n};
  std::string missed = "manqué " + fr_probability(miss);
  const std::string& left_text = hs.above ? missed : met;
  const std::string& right_text = hs.above ? met : missed;
  o << "<text class=\"note " << (hs.above ? "bad" : "ok") << "\" x=\"8\" y=\"" << num(H - 8) << "\">"
    << left_text << "</text><text class=\"note " << (hs.above ? "ok" : "bad") << "\" x=\"" << num(W - R)
    << "\" y=\"" << num(H - 8) << "\" text-anchor=\"end\">" << right_text << "</text>";
}

}  // namespace

namespace {

// The value axis under a distribution chart, in M€ / k€ / €: ticks far enough apart that their
// labels never touch (about 6.3 units a character at the tick size, 10.5 px, plus a gap; fewer
// ticks until they fit).
void value_ticks(std::ostream& o, const Lin& X, double lo, double hi, double y0, double W,
                 const std::string& unit = "€") {
  const double range = hi - lo, max_abs = std::max(std::fabs(lo), std::fabs(hi)), width = X.r1 - X.r0;
  double step = nice_step(range, 3);
  for (int n = 3; n >= 1; --n) {
    step = nice_step(range, n);
    std::size_t chars = 0;
    for (unsigned char c : axis_label(-max_abs, max_abs, step, unit)) chars += (c & 0xC0) != 0x80;
    if (width * step / range >= 6.3 * double(chars) + 10) break;
  }
  for (double v = std::ceil(lo / step) * step; v <= hi; v += step) {
    const std::string text = axis_label(std::fabs(v) < step * 1e-9 ? 0.0 : v, max_abs, step, unit);
    std::size_t chars = 0;
    for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
    const double half = 3.15 * double(chars) + 1;
    o << "<line class=\"axis\" x1=\"" << num(X(v)) << "\" x2=\"" << num(X(v)) << "\" y1=\"" << num(y0) << "\" y2=\""
      << num(y0 + 4) << "\"/>";
    if (X(v) - half >= 0 && X(v) + half <= W)  // a label that would be cut at the edge is left out
      o << "<text class=\"tick\" x=\"" << num(X(v)) << "\" y=\"" << num(y0 + 15) << "\" text-anchor=\"middle\">"
        << text << "</text>";
  }
}

// The share-of-paths axis at the left: grid lines and "5 %" labels (no label at 0, the baseline).
void share_ticks(std::ostream& o, const Lin& Y, double top, double L, double right) {
  const double step = nice_step(top, 3);
  for (double v = step; v <= top * (1 + 1e-9); v += step)
    o << "<line class=\"grid\" x1=\"" << num(L) << "\" x2=\"" << num(right) << "\" y1=\"" << num(Y(v)) << "\" y2=\""
      << num(Y(v)) << "\"/><text class=\"tick\" x=\"" << num(L - 4) << "\" y=\"" << num(Y(v) + 3.5)
      << "\" text-anchor=\"end\">" << fr_percent(v, step < 0.01 ? 1 : 0) << "</text>";
}

}  // namespace

std::string histogram_svg(const HistSpec& hs) {
  const double L = 40, R = 16, T = 30, B = 42, W = hs.w, H = hs.h;
  std::ostringstream o;
  o << "<svg class=\"chart\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << html_escape(hs.title) << "\">";
  o << "<text class=\"legend\" x=\"" << num(8) << "\" y=\"14\">Distribution du résultat " << hs.year
    << "<title>Part des trajectoires (axe vertical) selon le résultat " << hs.year << " (axe horizontal)</title></text>";
  if (hs.stats->sketch.count() == 0) return o.str() + "</svg>";
  const HistBins hb = hist_bins(hs, W - L - R);
  const auto& edges = hb.edges;
  const double top = hb.peak > 0 ? hb.peak * 1.08 : 1;
  Lin X{edges.front(), edges.back(), L, W - R};
  Lin Y{0, top, H - B, T + 6};
  share_ticks(o, Y, top, L, W - R);
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    double mid = (edges[i] + edges[i + 1]) / 2;
    const bool ok = (mid >= hs.target) == hs.above && mid <= hs.target_hi;
    const char* cls = !hs.has_target ? "bar" : ok ? "bar ok" : "bar bad";
    double x0 = X(edges[i]), x1 = X(edges[i + 1]);
    o << "<rect class=\"" << cls << "\" x=\"" << num(x0 + 0.15) << "\" y=\"" << num(Y(hb.mass[i])) << "\" width=\""
      << num(std::max(0.5, x1 - x0 - 0.3)) << "\" height=\"" << num(Y(0) - Y(hb.mass[i])) << "\"><title>"
      << fr_euros(edges[i]) << " à " << fr_euros(edges[i + 1]) << " : " << fr_percent(hb.mass[i])
      << " des trajectoires</title></rect>";
  }
  o << "<line class=\"axis\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(0)) << "\" y2=\""
    << num(Y(0)) << "\"/>";
  value_ticks(o, X, edges.front(), edges.back(), Y(0), W);
  if (hs.has_target) hist_target(o, hs, hb, X, Y(0), L, T, W, R, H);
  o << "</svg>";
  return o.str();
}

// ---- S-curve (cumulative distribution) ---------------------------------------------------------

namespace {

void cdf_line(std::ostream& o, const engine::QuantileSketch& s, const Lin& X, const Lin& Y, const char* cls) {
  o << "<polyline class=\"" << cls << "\" points=\"";
  for (int k = 1; k < 200; ++k) {
    const double u = k / 200.0, x = std::clamp(s.quantile(u), X.d0, X.d1);
    o << num(X(x)) << ',' << num(Y(u)) << ' ';
  }
  o << "\"/>";
}

}  // namespace

std::string cdf_svg(const HistSpec& hs) {
  const double L = 40, R = 16, T = 24, B = 24, W = hs.w, H = hs.h;
  std::ostringstream o;
  o << "<svg class=\"chart cdf\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << html_escape("Courbe en S — " + hs.title) << "\"><text class=\"legend\" x=\"8\" y=\"14\">Courbe en S : part "
    << "des trajectoires dont le résultat " << hs.year << " est au plus x</text>";
  const auto& s = hs.stats->sketch;
  if (s.count() == 0 || hs.stats->constant) return o.str() + "</svg>";
  const HistBins hb = hist_bins(hs, W - L - R);  // the histogram's range
  const double lo = hb.edges.front(), hi = hb.edges.back();
  Lin X{lo, hi, L, W - R}, Y{0, 1, H - B, T};
  share_ticks(o, Y, 1.0, L, W - R);  // 25 %, 50 %, 75 %, 100 %
  cdf_line(o, s, X, Y, "cdf");
  o << "<line class=\"axis\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(0))
    << "\" y2=\"" << num(Y(0)) << "\"/>";
  value_ticks(o, X, lo, hi, Y(0), W);
  if (hs.has_target && hb.target_in && hs.met && std::isinf(hs.target_hi)) {
    // The share at or below the target: missed when met above it, met when met below it.
    const double f = hs.above ? 1 - hs.met->p() : hs.met->p(), tx = X(hs.target);
    o << "<line class=\"tgt\" x1=\"" << num(tx) << "\" x2=\"" << num(tx) << "\" y1=\"" << num(T) << "\" y2=\""
      << num(Y(0)) << "\"/><line class=\"tgt\" x1=\"" << num(L) << "\" x2=\"" << num(tx) << "\" y1=\"" << num(Y(f))
      << "\" y2=\"" << num(Y(f)) << "\"/><circle class=\"tgtp\" cx=\"" << num(tx) << "\" cy=\"" << num(Y(f))
      << "\" r=\"3.2\"/><text class=\"note " << (hs.above ? "bad" : "ok") << "\" x=\"" << num(tx + (tx < W / 2 ? 6 : -6))
      << "\" y=\"" << num(Y(f) + (f > 0.5 ? 14 : -6)) << "\" text-anchor=\"" << (tx < W / 2 ? "start" : "end") << "\">"
      << fr_probability(hs.above ? engine::Proportion{hs.met->n - hs.met->hits, hs.met->n} : *hs.met)
      << " sous la cible</text>";
  }
  o << "</svg>";
  return o.str();
}

// ---- Base and variant overlaid (the comparison page) ------------------------------------------


std::string overlay_cdf_svg(const engine::SeriesStats& base, const engine::SeriesStats& variant, int year,
                            const std::string& title, const std::string& unit) {
  const auto &sb = base.sketch, &sv = variant.sketch;
  if (sb.count() == 0 || sv.count() == 0) return "";
  double lo = std::min(sb.quantile(0.005), sv.quantile(0.005)), hi = std::max(sb.quantile(0.995), sv.quantile(0.995));
  if (!(hi > lo)) {
    if (base.constant && variant.constant) return "";
    const double pad = std::max(1.0, std::fabs(lo) * 0.01);
    lo -= pad, hi += pad;
  }
  const double L = 40, R = 16, T = 30, B = 24, W = 440, H = 170;
  std::ostringstream o;
  o << "<svg class=\"chart overlay\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << html_escape("Courbes en S, base et variante — " + title + " " + std::to_string(year)) << "\">"
    << "<line class=\"cdf base\" x1=\"8\" x2=\"30\" y1=\"11\" y2=\"11\"/><text class=\"legend\" x=\"34\" "
    << "y=\"15\">base</text><line class=\"cdf variant\" x1=\"82\" x2=\"104\" y1=\"11\" y2=\"11\"/>"
    << "<text class=\"legend\" x=\"108\" y=\"15\">variante</text><text class=\"legend\" x=\"176\" y=\"15\">"
    << "part des trajectoires au plus x en " << year << "</text>";
  Lin X{lo, hi, L, W - R}, Y{0, 1, H - B, T};
  share_ticks(o, Y, 1.0, L, W - R);  // 25 %, 50 %, 75 %, 100 %
  cdf_line(o, sb, X, Y, "cdf base");
  cdf_line(o, sv, X, Y, "cdf variant");
  o << "<line class=\"axis\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(0)) << "\" y2=\""
    << num(Y(0)) << "\"/>";
  value_ticks(o, X, lo, hi, Y(0), W, unit);
  o << "</svg>";
  return o.str();
}

// ---- Spider chart (sensitivity) ----------------------------------------------------------------

const char* spider_colour(std::size_t k) {
  // No green nor red (the tornado above says "helps" and "hurts" with them) and no purple (the
  // dashed target line's).
  static const char* const kColours[] = {"#1f5fa8", "#e07b00", "#00838f", "#6d4c41",
                                         "#b8860b", "#546e7a", "#4fa3d9", "#a1887f"};
  return kColours[k % 8];
}

std::string spider_svg(const SpiderSpec& s) {
  const double L = 64, R = 14, T = 12, B = 26, W = 440, H = 240;  // text ~10 px on a phone
  std::ostringstream o;
  o << "<svg class=\"chart spider\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << html_escape(s.aria) << "\">";
  double lo = s.centre, hi = s.centre;
  for (const auto& line : s.lines)
    for (double v : line) lo = std::min(lo, v), hi = std::max(hi, v);
  if (s.target) lo = std::min(lo, *s.target), hi = std::max(hi, *s.target);
  if (!(hi > lo)) {
    const double pad = std::max(1.0, std::fabs(lo) * 0.01);
    lo -= pad, hi += pad;
  }
  const double step = nice_step(hi - lo, 4);
  lo = std::floor(lo / step) * step, hi = std::ceil(hi / step) * step;
  Lin X{s.centiles.front(), s.centiles.back(), L, W - R}, Y{lo, hi, H - B, T};
  for (double v = lo; v <= hi + step * 1e-9; v += step)
    o << "<line class=\"grid\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(v)) << "\" y2=\""
      << num(Y(v)) << "\"/><text class=\"tick\" x=\"" << num(L - 5) << "\" y=\"" << num(Y(v) + 3.5)
      << "\" text-anchor=\"end\">" << s.tick(std::fabs(v) < step * 1e-9 ? 0.0 : v, std::max(std::fabs(lo), std::fabs(hi)), step) << "</text>";
  double labelled = -1;  // a tick's label only where it has room (P10 and P90 sit close to P5 and P95)
  for (double c : s.centiles) {
    o << "<line class=\"axis\" x1=\"" << num(X(c)) << "\" x2=\"" << num(X(c)) << "\" y1=\"" << num(H - B) << "\" y2=\""
      << num(H - B + 4) << "\"/>";
    const bool last = c == s.centiles.back();
    if (!last && ((labelled >= 0 && X(c) - labelled < 36) || X(s.centiles.back()) - X(c) < 36)) continue;
    o << "<text class=\"tick\" x=\"" << num(X(c)) << "\" y=\"" << num(H - B + 16) << "\" text-anchor=\"middle\">P"
      << std::lround(100 * c) << "</text>";
    labelled = X(c);
  }
  o << "<line class=\"centre\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(s.centre))
    << "\" y2=\"" << num(Y(s.centre)) << "\"/>";
  if (s.target)
    o << "<line class=\"target\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(*s.target))
      << "\" y2=\"" << num(Y(*s.target)) << "\"/>";
  for (std::size_t k = 0; k < s.lines.size(); ++k) {
    o << "<polyline class=\"leg\" stroke=\"" << spider_colour(k) << "\" points=\"";
    for (std::size_t i = 0; i < s.centiles.size() && i < s.lines[k].size(); ++i)
      o << num(X(s.centiles[i])) << ',' << num(Y(s.lines[k][i])) << ' ';
    o << "\"/>";
  }
  o << "</svg>";
  return o.str();
}

// ---- Probability strip (e.g. P(FNMO reserve negative) by year) ----------------------------------

std::string prob_bars_svg(const std::vector<std::pair<int, engine::Proportion>>& v, const std::string& title,
                          bool bad_when_high) {
  const double W = 380, H = 150, L = 62, R = 10, T = 24, B = 22;
  std::ostringstream o;
  o << "<svg class=\"chart pbars\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << html_escape(title) << "\"><text class=\"legend\" x=\"" << num(L) << "\" y=\"14\">" << html_escape(title)
    << "</text>";
  if (v.empty()) return o.str() + "</svg>";
  Lin Y{0, 1, H - B, T};
  for (double g : {0.0, 0.5, 1.0})
    o << "<line class=\"grid\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(g)) << "\" y2=\""
      << num(Y(g)) << "\"/><text class=\"tick\" x=\"" << num(L - 5) << "\" y=\"" << num(Y(g) + 3.5)
      << "\" text-anchor=\"end\">" << fr_percent(g, 0) << "</text>";
  const double slot = (W - L - R) / v.size(), bw = std::min(34.0, slot * 0.6);
  for (std::size_t i = 0; i < v.size(); ++i) {
    double p = v[i].second.p(), cx = L + slot * (i + 0.5);
    const char* cls = risk_class(bad_when_high ? 1 - p : p);
    o << "<rect class=\"pbar " << cls << "\" x=\"" << num(cx - bw / 2) << "\" y=\"" << num(Y(p)) << "\" width=\""
      << num(bw) << "\" height=\"" << num(Y(0) - Y(p)) << "\"/><text class=\"tick strong\" x=\"" << num(cx) << "\" y=\""
      << num(Y(p) - 4) << "\" text-anchor=\"middle\">" << fr_probability(v[i].second)
      << "</text><text class=\"tick\" x=\"" << num(cx) << "\" y=\"" << num(H - B + 14) << "\" text-anchor=\"middle\">"
      << v[i].first << "</text>";
  }
  return o.str() + "</svg>";
}

}  // namespace svg
}  // namespace cogsim::app::report
