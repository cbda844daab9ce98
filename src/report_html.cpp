#include "src/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "src/report_csv.hpp"

namespace cogsim::app::report {

// ---- French formatting -------------------------------------------------------------------------

namespace {

const char* const kMinus = "\u2212";  // −
const char* const kThin = "\u202f";   // narrow no-break space (thousands)
const char* const kNbsp = "\u00a0";   // no-break space (before € and %)

}  // namespace

std::string fr_number(double v, int decimals) {
  if (std::isnan(v)) return "n.d.";
  if (std::isinf(v)) return v > 0 ? "+∞" : std::string(kMinus) + "∞";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
  std::string s(buf);
  std::size_t dot = s.find('.');
  std::string int_part = s.substr(0, dot), out;
  for (std::size_t i = 0; i < int_part.size(); ++i) {
    out += int_part[i];
    std::size_t left = int_part.size() - i - 1;
    if (left > 0 && left % 3 == 0) out += kThin;
  }
  if (dot != std::string::npos) out += "," + s.substr(dot + 1);
  bool nonzero = s.find_first_of("123456789") != std::string::npos;
  return (v < 0 && nonzero ? std::string(kMinus) : std::string()) + out;
}

std::string fr_euros(double v) { return fr_number(v, 0) + kNbsp + "€"; }

std::string fr_percent(double p, int decimals) { return fr_number(100 * p, decimals) + kNbsp + "%"; }

std::string fr_probability(const engine::Proportion& pr) {
  if (pr.n == 0) return "n.d.";
  if (pr.hits == 0) return "0" + std::string(kNbsp) + "%";
  if (pr.hits == pr.n) return "100" + std::string(kNbsp) + "%";
  double p = pr.p();
  if (p < 0.0005) return "<" + std::string(kNbsp) + fr_percent(0.001);
  if (p >= 0.9995) return ">" + std::string(kNbsp) + fr_percent(0.999);
  return fr_percent(p);
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  return out;
}

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

namespace {

// ---- Small helpers -------------------------------------------------------------------------------

std::string num(double v) {  // an SVG coordinate
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

const char* risk_class(double p) { return p >= 0.8 ? "ok" : p >= 0.5 ? "warn" : "bad"; }

// Wilson interval as text: "54,7–56,1 %" (2 decimals when the interval is narrower than 0.1 point).
std::string fr_interval(const engine::Proportion& pr) {
  auto [lo, hi] = pr.wilson();
  if (std::isnan(lo)) return "n.d.";
  int d = (hi - lo) < 0.001 ? 2 : 1;
  auto end = [&](double v) {
    if (v == 0) return std::string("0");
    if (v == 1) return std::string("100");
    // Enough decimals that an end strictly inside (0, 1) never reads as 0 or 100.
    int k = d;
    while (k < 6 && (std::round(100 * v * std::pow(10.0, k)) == 0 ||
                     std::round(100 * v * std::pow(10.0, k)) == 100 * std::pow(10.0, k)))
      ++k;
    return fr_number(100 * v, k);
  };
  return end(lo) + "–" + end(hi) + kNbsp + "%";
}

// The short name of an entity: the part of its output label after " — " ("Résultat — Centres de
// santé" gives "Centres de santé"), else the whole label.
std::string short_label(const std::string& label) {
  const std::string sep = " \u2014 ";
  std::size_t at = label.find(sep);
  return at == std::string::npos ? label : label.substr(at + sep.size());
}

std::string entity_name(const engine::Program& p, const engine::IndicatorOut& ind) {
  int o = find_output(p, ind.on);
  if (o >= 0 && !p.outputs[o].label.empty()) return short_label(p.outputs[o].label);
  return ind.label;
}

// "≥ −841 655 €" for a target of the given kind.
// target_hi: the upper bound of a `between` target (unused for other kinds).
std::string target_value(const engine::IndicatorYear& y, double target, double target_hi) {
  if (y.has_upper()) return "entre " + fr_euros(target) + " et " + fr_euros(target_hi);
  if (y.kind == "equilibre") return "≥" + std::string(kNbsp) + fr_euros(0);
  if (y.kind == "excedent") return ">" + std::string(kNbsp) + fr_euros(0);
  if (y.kind == "at_most") return "≤" + std::string(kNbsp) + fr_euros(target);
  return "≥" + std::string(kNbsp) + fr_euros(target);
}
// "déficit réduit de 70 %", "équilibre"…: the kind of target in words.
std::string target_kind(const engine::IndicatorYear& y) {
  if (y.kind == "reduce_deficit") return "déficit réduit de " + fr_percent(y.rate, 0);
  if (y.kind == "increase") return "hausse de " + fr_percent(y.rate, 0);
  if (y.kind == "equilibre") return "équilibre";
  if (y.kind == "excedent") return "excédent";
  if (y.kind == "between") return "intervalle";
  return "";
}
std::string target_text(const engine::IndicatorYear& y, double target, double target_hi) {
  std::string k = target_kind(y);
  return target_value(y, target, target_hi) + (k.empty() ? "" : " (" + k + ")");
}
bool met_above(const engine::IndicatorYear& y) { return y.kind != "at_most"; }

// A step of 1, 2, 2.5 or 5 times a power of ten, near range / ticks.
double nice_step(double range, int ticks) {
  if (!(range > 0)) return 1;
  double raw = range / ticks, mag = std::pow(10.0, std::floor(std::log10(raw))), n = raw / mag;
  return (n < 1.5 ? 1 : n < 2.25 ? 2 : n < 3.5 ? 2.5 : n < 7.5 ? 5 : 10) * mag;
}

// Axis labels in M€, k€ or € after the magnitude of the axis.
struct MoneyAxis {
  double div = 1;
  const char* unit = "€";
  int decimals = 0;
  MoneyAxis(double max_abs, double step) {
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
  std::string operator()(double v) const { return fr_number(v / div, decimals) + kNbsp + unit; }
};

// "−9,28 M€" / "−841,7 k€" / "512 €": a compact amount for captions, in the unit that suits
// `scale` (by default the value itself), so that amounts side by side share a unit.
std::string fr_short_euros(double v, double scale = NAN) {
  double a = std::fabs(std::isnan(scale) ? v : scale);
  if (a >= 1e6) return fr_number(v / 1e6, 2) + kNbsp + "M€";
  if (a >= 1e4) return fr_number(v / 1e3, 1) + kNbsp + "k€";
  return fr_euros(v);
}

// The run's inputs, as (label, value) pairs.
std::vector<std::pair<std::string, std::string>> run_inputs(const engine::Program& p, const engine::RunResults& r,
                                                            const RunMeta& meta, const std::string& generated_at) {
  std::vector<std::pair<std::string, std::string>> v;
  v.emplace_back("Modèle", p.model_name);
  v.emplace_back("Scénario", p.scenario_name.empty() ? "(modèle de référence)" : p.scenario_name);
  v.emplace_back("Fichier de règles", meta.model_path);
  v.emplace_back("Trajectoires simulées",
                 fr_number(double(r.paths), 0) + (r.stopped_early ? " (arrêt anticipé : précision atteinte)" : ""));
  v.emplace_back("Graine", std::to_string(meta.seed));
  v.emplace_back("Échantillonnage", meta.sampling == "lhs" ? "hypercube latin (lhs)" : "Monte Carlo simple (mc)");
  v.emplace_back("Années", std::to_string(p.base_year) + " (base), " + std::to_string(p.first_year) + "–" +
                               std::to_string(p.horizon));
  v.emplace_back("Calcul", fr_number(meta.wall_seconds, 2) + std::string(kNbsp) + "s, " + std::to_string(meta.threads) +
                               " fil" + (meta.threads > 1 ? "s" : "") + ", blocs de " +
                               std::to_string(meta.block_size));
  v.emplace_back("Date", generated_at);
  v.emplace_back("Version de cogsim", COGSIM_VERSION);
  return v;
}

struct Lin {
  double d0, d1, r0, r1;
  double operator()(double v) const { return d1 == d0 ? (r0 + r1) / 2 : r0 + (v - d0) * (r1 - r0) / (d1 - d0); }
};

// ---- Fan chart ---------------------------------------------------------------------------------

struct FanYear {
  int year;
  double p5, p25, p50, p75, p95, mean;
};
struct FanTarget {
  int year;
  double value;
};
struct FanNote {  // text under a year's label (e.g. P(met)), with a CSS class
  int year;
  std::string text, cls;
};
struct FanSpec {
  std::vector<FanYear> years;
  std::vector<FanTarget> targets;
  std::string target_label = "cible COG";
  std::vector<FanNote> notes;
  std::string notes_title;  // left of the notes row
  bool force_zero = false;  // always show 0 (the FNMO's threshold)
  std::string zero_label;   // label on the zero line
  int shade_from = 0, shade_to = 0;
  std::string title;
  double w = 340, h = 240;
};

FanYear fan_year(int year, const engine::SeriesStats& s) {
  return {
      year, s.quantile(0.05), s.quantile(0.25), s.quantile(0.50), s.quantile(0.75), s.quantile(0.95), s.moments.mean()};
}

std::string fan_svg(const FanSpec& f) {
  std::ostringstream o;
  const double L = 62, R = 10, T = 30, B = f.notes.empty() ? 24 : 42;
  const double W = f.w, H = f.h;
  if (f.years.empty()) return "";
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& y : f.years) lo = std::min(lo, y.p5), hi = std::max(hi, y.p95);
  for (const auto& t : f.targets) lo = std::min(lo, t.value), hi = std::max(hi, t.value);
  double span = std::max(hi - lo, std::max(std::fabs(hi), std::fabs(lo)) * 0.02 + 1);
  bool zero = f.force_zero || (lo - 0.3 * span <= 0 && 0 <= hi + 0.3 * span);
  if (zero) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
  if (hi - lo < span) lo -= (span - (hi - lo)) / 2, hi = lo + span;
  double step = nice_step(hi - lo, 5);
  double d0 = std::floor(lo / step) * step, d1 = std::ceil(hi / step) * step;
  if (d1 - d0 < step) d1 = d0 + step;
  MoneyAxis lab(std::max(std::fabs(d0), std::fabs(d1)), step);
  const int y0 = f.years.front().year, y1 = f.years.back().year;
  const double pad = 16;
  Lin X{double(y0), double(y1), L + pad, W - R - pad};
  Lin Y{d0, d1, H - B, T};
  const double colw = y1 > y0 ? (X(y0 + 1) - X(y0)) : (W - L - R);

  o << "<svg class=\"chart\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << html_escape(f.title) << "\">";
  // The COG's years, shaded.
  if (f.shade_to >= f.shade_from && f.shade_from != 0) {
    double a = std::max(L, X(f.shade_from) - colw / 2), b = std::min(W - R, X(f.shade_to) + colw / 2);
    if (b > a)
      o << "<rect class=\"cog\" x=\"" << num(a) << "\" y=\"" << num(T) << "\" width=\"" << num(b - a) << "\" height=\""
        << num(H - B - T) << "\"/><text class=\"cogt\" x=\"" << num(b - 3) << "\" y=\"" << num(T + 10)
        << "\" text-anchor=\"end\">période de la COG</text>";
  }
  // Grid and y labels.
  for (double v = d0; v <= d1 + step / 2; v += step) {
    double yy = Y(v);
    o << "<line class=\"grid\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(yy) << "\" y2=\""
      << num(yy) << "\"/><text class=\"tick\" x=\"" << num(L - 5) << "\" y=\"" << num(yy + 3.5)
      << "\" text-anchor=\"end\">" << lab(std::fabs(v) < step * 1e-9 ? 0.0 : v) << "</text>";
  }
  if (zero && d0 <= 0 && 0 <= d1) {
    o << "<line class=\"zero\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(0)) << "\" y2=\""
      << num(Y(0)) << "\"/>";
    if (!f.zero_label.empty())
      o << "<text class=\"zerot\" x=\"" << num(L + 4) << "\" y=\"" << num(Y(0) - 4) << "\">"
        << html_escape(f.zero_label) << "</text>";
  }
  // Bands and median.
  auto band = [&](auto lo_of, auto hi_of, const char* cls) {
    o << "<polygon class=\"" << cls << "\" points=\"";
    for (const auto& y : f.years) o << num(X(y.year)) << ',' << num(Y(hi_of(y))) << ' ';
    for (auto it = f.years.rbegin(); it != f.years.rend(); ++it)
      o << num(X(it->year)) << ',' << num(Y(lo_of(*it))) << ' ';
    o << "\"/>";
  };
  band([](const FanYear& y) { return y.p5; }, [](const FanYear& y) { return y.p95; }, "b90");
  band([](const FanYear& y) { return y.p25; }, [](const FanYear& y) { return y.p75; }, "b50");
  o << "<polyline class=\"med\" points=\"";
  for (const auto& y : f.years) o << num(X(y.year)) << ',' << num(Y(y.p50)) << ' ';
  o << "\"/>";
  // Target trajectory.
  if (!f.targets.empty()) {
    o << "<polyline class=\"tgt\" points=\"";
    for (const auto& t : f.targets) o << num(X(t.year)) << ',' << num(Y(t.value)) << ' ';
    o << "\"/>";
    for (const auto& t : f.targets)
      o << "<circle class=\"tgtp\" cx=\"" << num(X(t.year)) << "\" cy=\"" << num(Y(t.value)) << "\" r=\"3.2\"/>";
  }
  // X labels and notes.
  for (const auto& y : f.years)
    o << "<text class=\"tick\" x=\"" << num(X(y.year)) << "\" y=\"" << num(H - B + 14) << "\" text-anchor=\"middle\">"
      << y.year << "</text>";
  if (!f.notes.empty() && !f.notes_title.empty())
    o << "<text class=\"notet\" x=\"" << num(L - 5) << "\" y=\"" << num(H - B + 31) << "\" text-anchor=\"end\">"
      << html_escape(f.notes_title) << "</text>";
  for (const auto& n : f.notes)
    if (n.year >= y0 && n.year <= y1)
      o << "<text class=\"note " << n.cls << "\" x=\"" << num(X(n.year)) << "\" y=\"" << num(H - B + 31)
        << "\" text-anchor=\"middle\">" << html_escape(n.text) << "</text>";
  // Legend.
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
  // Tooltips: one transparent column per year.
  for (const auto& y : f.years) {
    std::string tip = std::to_string(y.year) + " — médiane " + fr_euros(y.p50) + " ; P25–P75 " + fr_euros(y.p25) +
                      " à " + fr_euros(y.p75) + " ; P5–P95 " + fr_euros(y.p5) + " à " + fr_euros(y.p95) +
                      " ; moyenne " + fr_euros(y.mean);
    for (const auto& t : f.targets)
      if (t.year == y.year) tip += " ; cible " + fr_euros(t.value);
    o << "<rect class=\"hit\" x=\"" << num(X(y.year) - colw / 2) << "\" y=\"" << num(T) << "\" width=\"" << num(colw)
      << "\" height=\"" << num(H - B - T) << "\"><title>" << html_escape(tip) << "</title></rect>";
  }
  o << "</svg>";
  return o.str();
}

// ---- Histogram of a last-year distribution -----------------------------------------------------

struct HistSpec {
  const engine::SeriesStats* stats = nullptr;
  bool has_target = false;
  double target = 0;
  bool above = true;  // met when the value is >= target (else <=)
  double target_hi = INFINITY;  // `between`: met up to this bound too
  const engine::Proportion* met = nullptr;
  int year = 0;
  std::string title;
  double w = 230, h = 240;
};

std::string histogram_svg(const HistSpec& hs) {
  const auto& st = *hs.stats;
  const auto& s = st.sketch;
  const double L = 16, R = 16, T = 30, B = 42, W = hs.w, H = hs.h;
  std::ostringstream o;
  o << "<svg class=\"chart\" viewBox=\"0 0 " << num(W) << ' ' << num(H) << "\" role=\"img\" aria-label=\""
    << html_escape(hs.title) << "\">";
  o << "<text class=\"legend\" x=\"" << num(L) << "\" y=\"14\">Distribution du résultat " << hs.year << "</text>";
  if (s.count() == 0) return o.str() + "</svg>";
  double lo = st.quantile(0.005), hi = st.quantile(0.995);
  if (!(hi - lo > 1e-9 * std::max(std::fabs(lo), std::fabs(hi)))) {
    double d = std::max(std::fabs(lo) * 0.01, 1.0);
    lo -= d, hi += d;
  }
  bool target_in = false;
  if (hs.has_target) {
    double ext = 0.25 * (hi - lo);
    if (hs.target >= lo - ext && hs.target <= hi + ext) {
      target_in = true;
      lo = std::min(lo, hs.target - 0.04 * (hi - lo));
      hi = std::max(hi, hs.target + 0.04 * (hi - lo));
    }
  }
  const int bins = 36;
  double bw = (hi - lo) / bins, start = lo;
  if (target_in) start = hs.target + std::floor((lo - hs.target) / bw) * bw;  // the target on an edge
  std::vector<double> edges;
  int nb = std::clamp(static_cast<int>(std::ceil((hi - start) / bw - 1e-9)), 1, 2 * bins);
  for (int i = 0; i <= nb; ++i) edges.push_back(start + i * bw);
  const double n = static_cast<double>(s.count());
  std::vector<double> mass;
  double peak = 0;
  // A constant series (a known year) is all in one bar.
  auto at_most = [&](double x) { return st.constant ? (st.central <= x ? s.count() : 0) : sketch_count_at_most(s, x); };
  std::uint64_t prev = at_most(edges.front());
  for (std::size_t i = 1; i < edges.size(); ++i) {
    std::uint64_t c = at_most(edges[i]);
    mass.push_back(static_cast<double>(c - prev) / n);
    peak = std::max(peak, mass.back());
    prev = c;
  }
  Lin X{edges.front(), edges.back(), L, W - R};
  Lin Y{0, peak > 0 ? peak * 1.08 : 1, H - B, T + 6};
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    double mid = (edges[i] + edges[i + 1]) / 2;
    const bool ok = (mid >= hs.target) == hs.above && mid <= hs.target_hi;
    const char* cls = !hs.has_target ? "bar" : ok ? "bar ok" : "bar bad";
    double x0 = X(edges[i]), x1 = X(edges[i + 1]);
    o << "<rect class=\"" << cls << "\" x=\"" << num(x0 + 0.3) << "\" y=\"" << num(Y(mass[i])) << "\" width=\""
      << num(std::max(0.5, x1 - x0 - 0.6)) << "\" height=\"" << num(Y(0) - Y(mass[i])) << "\"><title>"
      << fr_euros(edges[i]) << " à " << fr_euros(edges[i + 1]) << " : " << fr_percent(mass[i])
      << " des trajectoires</title></rect>";
  }
  o << "<line class=\"axis\" x1=\"" << num(L) << "\" x2=\"" << num(W - R) << "\" y1=\"" << num(Y(0)) << "\" y2=\""
    << num(Y(0)) << "\"/>";
  double step = nice_step(edges.back() - edges.front(), 3);
  MoneyAxis lab(std::max(std::fabs(edges.front()), std::fabs(edges.back())), step);
  for (double v = std::ceil(edges.front() / step) * step; v <= edges.back(); v += step)
    o << "<line class=\"axis\" x1=\"" << num(X(v)) << "\" x2=\"" << num(X(v)) << "\" y1=\"" << num(Y(0)) << "\" y2=\""
      << num(Y(0) + 4) << "\"/><text class=\"tick\" x=\"" << num(X(v)) << "\" y=\"" << num(Y(0) + 15)
      << "\" text-anchor=\"middle\">" << lab(std::fabs(v) < step * 1e-9 ? 0.0 : v) << "</text>";
  if (hs.has_target) {
    if (target_in) {
      double tx = X(hs.target);
      o << "<line class=\"tgt\" x1=\"" << num(tx) << "\" x2=\"" << num(tx) << "\" y1=\"" << num(T + 2) << "\" y2=\""
        << num(Y(0)) << "\"/><text class=\"tgtt\" x=\"" << num(tx) << "\" y=\"" << num(T - 2)
        << "\" text-anchor=\"middle\">cible</text>";
    } else {
      bool left = hs.target < edges.front();
      o << "<text class=\"tgtt\" x=\"" << num(left ? L : W - R) << "\" y=\"" << num(T - 2) << "\" text-anchor=\""
        << (left ? "start" : "end") << "\">" << (left ? "◂ cible " : "cible ") << fr_short_euros(hs.target)
        << (left ? "" : " ▸") << "</text>";
    }
    if (hs.met) {
      std::string met = "atteint " + fr_probability(*hs.met);
      engine::Proportion miss{hs.met->n - hs.met->hits, hs.met->n};
      std::string missed = "manqué " + fr_probability(miss);
      const std::string& left_text = hs.above ? missed : met;
      const std::string& right_text = hs.above ? met : missed;
      o << "<text class=\"note " << (hs.above ? "bad" : "ok") << "\" x=\"" << num(L) << "\" y=\"" << num(H - 8) << "\">"
        << left_text << "</text><text class=\"note " << (hs.above ? "ok" : "bad") << "\" x=\"" << num(W - R)
        << "\" y=\"" << num(H - 8) << "\" text-anchor=\"end\">" << right_text << "</text>";
    }
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

// ---- The page ----------------------------------------------------------------------------------

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
td.pc { text-align: center; width: 16%; }
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
.fnmo { display: grid; grid-template-columns: 3fr 2fr; gap: 18px; align-items: start; }
svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
svg .grid { stroke: #e3e7eb; stroke-width: 1; }
svg .axis { stroke: #7b8794; stroke-width: 1; }
svg .zero { stroke: #3e4c59; stroke-width: 1.2; }
svg .zerot { font-size: 10px; fill: #3e4c59; }
svg .tick { font-size: 10.5px; fill: #52606d; }
svg .tick.strong { font-weight: bold; fill: var(--ink); }
svg .legend { font-size: 11px; fill: #3e4c59; }
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
.method p, .method li { max-width: 900px; }
footer { margin-top: 30px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
td.num .small { white-space: normal; }
@media screen and (max-width: 980px) { .cards, .two, .entities, .fnmo { grid-template-columns: 1fr; } }
@page { size: A4; margin: 12mm 11mm; }
@media print {
  body { font-size: 10pt; }
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  section { break-before: page; }
  section.first { break-before: auto; }
  h2 { margin-top: 0; break-after: avoid; }
  .entities { grid-template-columns: 1fr; gap: 10px; }
  .entity .charts { grid-template-columns: 58fr 42fr; width: 84%; margin: 4px auto 0; }
  .entity h3 { font-size: 10.5pt; }
  .entity .ind, .entity .cap { font-size: 8pt; }
  .entity.card { padding: 8px 10px; }
  .two, .fnmo { grid-template-columns: 1fr; gap: 10px; }
  dl.inputs { grid-template-columns: max-content 1fr max-content 1fr; }
  .rank { font-size: 8.5pt; }
  .rank td { padding: 0 4px; }
  .rank .track { height: 10px; }
  h1 { font-size: 18pt; }
  .lead { font-size: 9.5pt; padding: 6px 10px; margin: 8px 0; }
  header.top { padding-bottom: 6px; }
  .cards { margin: 8px 0; gap: 10px; }
  .card { padding: 8px 10px; }
  .fnmo svg.pbars { max-width: 75%; margin: 0 auto; }
  table.grid { font-size: 8.5pt; }
  table.grid td, table.grid th { padding: 4px 5px; }
  td.pc { width: 19%; }
  td.pc .p { font-size: 11.5pt; }
  td.pc .ci, td.pc .tg { font-size: 7.5pt; }
  .kpi .big { font-size: 24pt; }
  .lv b { font-size: 20pt; }
  .card, figure, table.grid tr, .kpi { break-inside: avoid; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  svg .hit { display: none; }
}
)CSS";

struct Page {
  const engine::Program& p;
  const engine::RunResults& r;
  const RunMeta& meta;
  std::string generated_at;
  std::ostringstream o;
  int last_year = 0;  // last year of the indicators
  int cog_from = 0, cog_to = 0;
  bool has_entities = false, has_fnmo = false, has_funds = false;

  void head() {
    o << "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<meta name=\"generator\" content=\"cogsim " << COGSIM_VERSION << "\">"
      << "<title>" << html_escape(p.model_name) << " — rapport de simulation</title><style>" << kStyle
      << "</style></head><body><div class=\"page\">";
    o << "<header class=\"top\"><div class=\"kicker\">Rapport de simulation Monte Carlo · cogsim</div><h1>"
      << html_escape(p.model_name) << "</h1><p class=\"sub\">Probabilité de tenir les engagements financiers de la "
      << "convention, sur " << fr_number(double(r.paths), 0) << " trajectoires simulées";
    if (!p.scenario_name.empty()) o << " — scénario <b>" << html_escape(p.scenario_name) << "</b>";
    o << " — " << html_escape(generated_at) << "</p><nav class=\"toc\"><a href=\"#synthese\">Synthèse</a>"
      << "<a href=\"#indicateurs\">Indicateurs</a>";
    if (has_entities) o << "<a href=\"#entites\">Entités</a>";
    if (has_fnmo) o << "<a href=\"#fnmo\">Réserve du FNMO</a>";
    if (has_funds) o << "<a href=\"#fonds\">Fonds budgétaires</a>";
    o << "<a href=\"#methode\">Lecture et méthode</a></nav></header>";
  }

  void kpi(const std::string& what, const std::string& when, const engine::Proportion& pr, bool bad_when_high,
           const std::string& note) {
    double good = bad_when_high ? 1 - pr.p() : pr.p();
    o << "<div class=\"card kpi " << risk_class(good) << "\"><div class=\"what\">" << what
      << "</div><div class=\"small\">" << when << "</div><div class=\"big\">" << fr_probability(pr)
      << "</div><div class=\"small\">IC 95&nbsp;%&nbsp;: " << fr_interval(pr) << (note.empty() ? "" : " · ") << note
      << "</div></div>";
  }

  void summary() {
    o << "<section id=\"synthese\" class=\"first\"><h2>Synthèse</h2>";
    int all = find_event(p, "all_met"), neg = find_event(p, "fnmo.negative");
    if (all >= 0 && p.events[all].years.empty()) all = -1;
    if (neg >= 0 && p.events[neg].years.empty()) neg = -1;
    std::vector<std::size_t> risk = indicators_by_risk(p, r, last_year);
    std::size_t below = 0;
    for (std::size_t i : risk)
      if (r.indicator_met[i][year_index(p.indicators[i], last_year)].p() < 0.5) ++below;

    // In plain words.
    o << "<p class=\"lead\">Sur " << fr_number(double(r.paths), 0) << " trajectoires simulées";
    if (all >= 0) {
      const auto& e = p.events[all];
      o << ", les " << p.indicators.size() << " indicateurs sont <b>tous atteints en " << e.years.back().first
        << " dans " << fr_probability(r.events[all].back()) << " des cas</b>";
    }
    o << ". ";
    if (p.indicators.empty()) o << "Le modèle ne déclare aucun indicateur. ";
    if (!risk.empty()) {
      if (below == 0)
        o << "<b>Aucun indicateur</b> n'a moins d'une chance sur deux d'être atteint en " << last_year;
      else
        o << "<b>" << below << " indicateur" << (below > 1 ? "s" : "") << " sur " << risk.size() << "</b> "
          << (below > 1 ? "ont" : "a") << " moins d'une chance sur deux d'être atteint" << (below > 1 ? "s" : "")
          << " en " << last_year;
      o << " ; le plus fragile est l'indicateur n°&nbsp;" << html_escape(p.indicators[risk[0]].id) << " ("
        << html_escape(entity_name(p, p.indicators[risk[0]])) << ", "
        << fr_probability(r.indicator_met[risk[0]][year_index(p.indicators[risk[0]], last_year)]) << "). ";
    }
    if (neg >= 0) {
      const auto& e = p.events[neg];
      o << "La réserve du FNMO est <b>négative fin " << e.years.back().first << " dans "
        << fr_probability(r.events[neg].back()) << " des cas</b>.";
    }
    o << "</p>";

    // Headline figures.
    o << "<div class=\"cards\">";
    if (all >= 0) {
      const auto& e = p.events[all];
      kpi(html_escape(e.label.empty() ? "Tous les indicateurs atteints" : e.label),
          "probabilité, en " + std::to_string(e.years.back().first), r.events[all].back(), false,
          "<span class=\"src\">" + html_escape(e.source) + "</span>");
    }
    if (neg >= 0) {
      const auto& e = p.events[neg];
      kpi(html_escape(e.label.empty() ? "Réserve du FNMO négative" : e.label),
          "probabilité, fin " + std::to_string(e.years.back().first), r.events[neg].back(), true,
          "<span class=\"src\">" + html_escape(e.source) + "</span>");
    }
    if (!risk.empty()) {
      std::size_t count[3] = {0, 0, 0};  // bad, warn, ok
      for (std::size_t i : risk) {
        double pm = r.indicator_met[i][year_index(p.indicators[i], last_year)].p();
        ++count[pm < 0.5 ? 0 : pm < 0.8 ? 1 : 2];
      }
      const char* worst = count[0] ? "bad" : count[1] ? "warn" : "ok";
      o << "<div class=\"card kpi " << worst << "\"><div class=\"what\">Les " << risk.size()
        << " indicateurs par niveau de risque</div><div class=\"small\">probabilité d'atteindre la cible " << last_year
        << "</div><div class=\"levels\"><span class=\"lv bad\"><b>" << count[0]
        << "</b>&lt; 50 %</span><span class=\"lv warn\"><b>" << count[1]
        << "</b>50 à 80 %</span><span class=\"lv ok\"><b>" << count[2]
        << "</b>≥ 80 %</span></div><div class=\"small\">Les plus à risque : ";
      for (std::size_t k = 0; k < std::min<std::size_t>(3, risk.size()); ++k)
        o << (k ? ", " : "") << "n°&nbsp;" << html_escape(p.indicators[risk[k]].id);
      o << "</div></div>";
    }
    o << "</div>";

    // Entities ranked by risk, and the run's inputs.
    o << "<div class=\"two\">";
    if (!risk.empty()) {
      o << "<div class=\"card\"><h3>Entités les plus à risque en " << last_year
        << "</h3><p class=\"small\" style=\"margin:0 0 6px\">Probabilité d'atteindre la cible " << last_year
        << " de chaque indicateur, de la plus faible à la plus forte (traits : 50 % et 80 %).</p><table "
           "class=\"rank\">";
      for (std::size_t i : risk) {
        const auto& ind = p.indicators[i];
        const auto& pr = r.indicator_met[i][year_index(ind, last_year)];
        o << "<tr><td class=\"nm\"><b>n°&nbsp;" << html_escape(ind.id) << "</b> " << html_escape(entity_name(p, ind))
          << "</td><td class=\"barcell\"><div class=\"track\"><div class=\"fill " << risk_class(pr.p())
          << "\" style=\"width:" << num(100 * pr.p())
          << "%\"></div><div class=\"tick50\"></div><div class=\"tick80\"></div>"
          << "</div></td><td class=\"pv\">" << fr_probability(pr) << "</td></tr>";
      }
      o << "</table></div>";
    }
    o << "<div class=\"card\"><h3>Paramètres du calcul</h3><dl class=\"inputs\">";
    for (const auto& [k, v] : run_inputs(p, r, meta, generated_at))
      o << "<dt>" << html_escape(k) << "</dt><dd>" << html_escape(v) << "</dd>";
    o << "</dl></div></div></section>";
  }

  void indicators() {
    o << "<section id=\"indicateurs\"><h2>Indicateurs de la COG : probabilité d'atteindre chaque cible</h2>";
    if (p.indicators.empty()) {
      o << "<p>Le modèle ne déclare aucun indicateur.</p></section>";
      return;
    }
    std::set<int> years;
    for (const auto& ind : p.indicators)
      for (const auto& y : ind.years) years.insert(y.year);
    o << "<table class=\"grid\"><thead><tr><th>n°</th><th>Indicateur (libellé de la COG) et source</th>";
    for (int y : years) o << "<th style=\"text-align:center\">" << y << "</th>";
    o << "</tr></thead><tbody>";
    for (std::size_t i = 0; i < p.indicators.size(); ++i) {
      const auto& ind = p.indicators[i];
      o << "<tr><td><b>" << html_escape(ind.id) << "</b></td><td>" << html_escape(ind.label) << "<div class=\"src\">"
        << html_escape(ind.source) << "</div></td>";
      for (int y : years) {
        int k = year_index(ind, y);
        if (k < 0) {
          o << "<td class=\"pc\">—</td>";
          continue;
        }
        const auto& pr = r.indicator_met[i][k];
        o << "<td class=\"pc " << risk_class(pr.p()) << "\"><span class=\"p\">" << fr_probability(pr)
          << "</span><span class=\"ci\">IC 95&nbsp;%&nbsp;: " << fr_interval(pr) << "</span><span class=\"tg\">cible "
          << target_value(ind.years[k], r.indicator_target[i][k].moments.mean(),
                          r.indicator_target_hi[i][k].moments.mean())
          << "</span><span class=\"ci\">"
          << target_kind(ind.years[k]) << "</span></td>";
      }
      o << "</tr>";
    }
    o << "</tbody></table><p class=\"legendrow\">Probabilité d'atteindre la cible :<span class=\"sw ok\"></span>"
      << "≥ 80 %<span class=\"sw warn\"></span>50 à 80 %<span class=\"sw bad\"></span>&lt; 50 %. "
      << "IC 95 % : intervalle de confiance (Wilson) de l'estimation, dû au nombre fini de trajectoires.</p></section>";
  }

  void entities() {
    if (!has_entities) return;
    o << "<section id=\"entites\"><h2>Résultat de chaque entité : trajectoire et distribution</h2>"
      << "<p class=\"small\">À gauche, l'éventail des résultats simulés année par année (bandes P5–P95 et P25–P75, "
      << "médiane) et la trajectoire cible de la COG (tirets) ; sous chaque année, la probabilité d'atteindre la "
      << "cible. À droite, la distribution du résultat " << last_year
      << " : en vert les trajectoires qui atteignent la cible, en rouge celles qui la manquent.</p><div "
         "class=\"entities\">";
    for (std::size_t oi = 0; oi < p.outputs.size(); ++oi) {
      const auto& out = p.outputs[oi];
      if (!is_entity_output(out.name) || out.years.empty()) continue;
      int ii = find_indicator_on(p, out.name);
      FanSpec f;
      f.title = out.label;
      f.shade_from = cog_from, f.shade_to = cog_to;
      for (std::size_t k = 0; k < out.years.size(); ++k)
        f.years.push_back(fan_year(out.years[k].first, r.outputs[oi][k]));
      const engine::IndicatorOut* ind = ii >= 0 ? &p.indicators[ii] : nullptr;
      if (ind) {
        f.notes_title = "P(atteint)";
        for (std::size_t k = 0; k < ind->years.size(); ++k) {
          f.targets.push_back({ind->years[k].year, r.indicator_target[ii][k].moments.mean()});
          const auto& pr = r.indicator_met[ii][k];
          f.notes.push_back({ind->years[k].year, fr_probability(pr), risk_class(pr.p())});
        }
      }
      o << "<div class=\"card entity\"><h3>" << html_escape(out.label) << "</h3>";
      if (ind)
        o << "<p class=\"ind\">Indicateur n°&nbsp;" << html_escape(ind->id) << " : " << html_escape(ind->label)
          << " <span class=\"src\">(" << html_escape(ind->source) << ")</span></p>";
      o << "<div class=\"charts\"><figure style=\"margin:0\">" << fan_svg(f) << "</figure>";
      // The last year's distribution.
      int last = out.years.back().first;
      int ky = ind ? year_index(*ind, last) : -1;
      HistSpec hs;
      hs.stats = &r.outputs[oi].back();
      hs.year = last;
      hs.title = "Distribution du résultat " + std::to_string(last) + " — " + out.label;
      if (ky >= 0) {
        hs.has_target = true;
        hs.target = r.indicator_target[ii][ky].moments.mean();
        hs.above = met_above(ind->years[ky]);
        if (ind->years[ky].has_upper()) hs.target_hi = r.indicator_target_hi[ii][ky].moments.mean();
        hs.met = &r.indicator_met[ii][ky];
      }
      o << "<figure style=\"margin:0\">" << histogram_svg(hs) << "</figure></div>";
      const auto& last_stats = r.outputs[oi].back();
      double q5 = last_stats.quantile(0.05), q50 = last_stats.quantile(0.5), q95 = last_stats.quantile(0.95),
             scale = std::max(std::fabs(q5), std::fabs(q95));
      o << "<p class=\"cap\">" << last << " : médiane " << fr_short_euros(q50, scale) << " · P5–P95 "
        << fr_short_euros(q5, scale) << " à " << fr_short_euros(q95, scale);
      if (ky >= 0)
        o << " · cible " << target_text(ind->years[ky], hs.target, hs.target_hi) << " · <b>P(atteint) " << fr_probability(*hs.met)
          << "</b>";
      o << " <span class=\"src\">— " << html_escape(out.source) << "</span></p></div>";
    }
    o << "</div></section>";
  }

  void fnmo() {
    int oi = find_output(p, "fnmo.reserve"), ei = find_event(p, "fnmo.negative");
    if (oi < 0 && ei < 0) return;
    o << "<section id=\"fnmo\"><h2>Réserve du FNMO</h2>";
    if (oi >= 0) {
      const auto& out = p.outputs[oi];
      o << "<p class=\"small\"><b>" << html_escape(out.label) << "</b> <span class=\"src\">— "
        << html_escape(out.source) << "</span></p>";
    }
    o << "<div class=\"fnmo\"><div class=\"card\">";
    if (oi >= 0) {
      const auto& out = p.outputs[oi];
      FanSpec f;
      f.title = out.label;
      f.force_zero = true;
      f.zero_label = "réserve nulle";
      f.shade_from = cog_from, f.shade_to = cog_to;
      f.w = 560, f.h = 280;
      for (std::size_t k = 0; k < out.years.size(); ++k)
        f.years.push_back(fan_year(out.years[k].first, r.outputs[oi][k]));
      if (ei >= 0) {
        f.notes_title = "P(< 0)";
        for (std::size_t k = 0; k < p.events[ei].years.size(); ++k) {
          const auto& pr = r.events[ei][k];
          f.notes.push_back({p.events[ei].years[k].first, fr_probability(pr), risk_class(1 - pr.p())});
        }
      }
      o << fan_svg(f);
    }
    o << "</div><div class=\"card\">";
    if (ei >= 0) {
      std::vector<std::pair<int, engine::Proportion>> v;
      for (std::size_t k = 0; k < p.events[ei].years.size(); ++k)
        v.emplace_back(p.events[ei].years[k].first, r.events[ei][k]);
      o << prob_bars_svg(v, "Probabilité que la réserve soit négative en fin d'année", true);
    }
    if (oi >= 0) {
      const auto& out = p.outputs[oi];
      o << "<table class=\"grid\" style=\"margin-top:10px\"><thead><tr><th>Fin d'année</th><th "
           "class=\"num\">Médiane</th>"
        << "<th class=\"num\">P5</th><th class=\"num\">P95</th><th class=\"num\">P(&lt; 0)</th></tr></thead><tbody>";
      for (std::size_t k = 0; k < out.years.size(); ++k) {
        const auto& s = r.outputs[oi][k];
        int ek = ei >= 0 ? year_index(p.events[ei], out.years[k].first) : -1;
        o << "<tr><td>" << out.years[k].first << "</td><td class=\"num\">" << fr_short_euros(s.quantile(0.5))
          << "</td><td class=\"num\">" << fr_short_euros(s.quantile(0.05)) << "</td><td class=\"num\">"
          << fr_short_euros(s.quantile(0.95)) << "</td><td class=\"num\">"
          << (ek >= 0 ? fr_probability(r.events[ei][ek]) : "—") << "</td></tr>";
      }
      o << "</tbody></table>";
    }
    if (ei >= 0)
      o << "<p class=\"src\">" << html_escape(p.events[ei].label) << " — " << html_escape(p.events[ei].source)
        << "</p>";
    o << "</div></div></section>";
  }

  void funds() {
    std::vector<std::size_t> fl;
    std::set<int> years;
    for (std::size_t i = 0; i < p.outputs.size(); ++i)
      if (is_fund_output(p.outputs[i].name)) {
        fl.push_back(i);
        for (const auto& y : p.outputs[i].years) years.insert(y.first);
      }
    if (fl.empty()) return;
    o << "<section id=\"fonds\"><h2>Fonds budgétaires (BNASS, BNPPS, BNGA)</h2><p class=\"small\">Moyenne des "
      << "trajectoires simulées et, dessous, l'intervalle P5–P95 (90 % des trajectoires). Enveloppes, crédits annulés "
      << "et crédits reportés au-delà de la convention, selon les règles de l'annexe budgétaire.</p>"
      << "<table class=\"grid\"><thead><tr><th>Fonds</th>";
    for (int y : years) o << "<th class=\"num\">" << y << "</th>";
    o << "</tr></thead><tbody>";
    for (std::size_t i : fl) {
      const auto& out = p.outputs[i];
      o << "<tr><td><b>" << html_escape(out.label) << "</b> <span class=\"small\">(" << html_escape(out.name)
        << ")</span><div class=\"src\">" << html_escape(out.source) << "</div></td>";
      for (int y : years) {
        int k = year_index(out, y);
        if (k < 0) {
          o << "<td class=\"num\">—</td>";
          continue;
        }
        const auto& s = r.outputs[i][k];
        double p5 = s.quantile(0.05), p95 = s.quantile(0.95);
        o << "<td class=\"num\"><b>" << fr_euros(s.moments.mean()) << "</b>";
        if (s.moments.n > 1 && s.moments.sd() > 0)
          o << "<div class=\"small\">" << fr_euros(p5) << " à " << fr_euros(p95) << "</div>";
        else
          o << "<div class=\"small\">(sans aléa)</div>";
        o << "</td>";
      }
      o << "</tr>";
    }
    o << "</tbody></table></section>";
  }

  void method() {
    o << "<section id=\"methode\" class=\"method\"><h2>Lecture et méthode</h2>"
      << "<p><b>Probabilité d'atteindre une cible.</b> Le modèle (les fichiers de règles cités en sources) est "
      << "rejoué sur " << fr_number(double(r.paths), 0) << " trajectoires où les aléas (inflation, RMPP, tarifs, "
      << "activité…) sont tirés au hasard selon leurs lois. P(atteint) est la part des trajectoires où la cible "
      << "de l'indicateur est tenue. L'IC 95 % (Wilson) mesure la seule précision de cette estimation, due au "
      << "nombre fini de trajectoires ; il ne reflète pas l'incertitude sur les hypothèses du modèle.</p>"
      << "<p><b>Couleurs.</b> Vert : au moins 80 % de chances ; orange : de 50 à 80 % ; rouge : moins d'une "
      << "chance sur deux. Pour la réserve du FNMO, la couleur suit la probabilité que la réserve reste positive.</p>"
      << "<p><b>Graphique en éventail.</b> Pour chaque année, la bande claire contient 90 % des trajectoires "
      << "simulées (du 5<sup>e</sup> au 95<sup>e</sup> centile), la bande foncée la moitié centrale (du "
      << "25<sup>e</sup> au 75<sup>e</sup> centile) ; la ligne pleine est la médiane. Les tirets donnent la cible "
      << "de la COG : quand la médiane est juste au niveau de la cible, la cible n'est tenue qu'une fois sur deux. "
      << "Les années passées, connues, n'ont pas d'éventail ; la zone grisée est la période de la convention.</p>"
      << "<p><b>Distribution.</b> L'histogramme répartit les trajectoires selon le résultat de la dernière année ; "
      << "le trait vertical marque la cible, les barres vertes les trajectoires qui l'atteignent. Les 0,5 % de "
      << "trajectoires les plus extrêmes de chaque côté sont hors du graphique.</p>"
      << "<p><b>Précision des centiles.</b> Les centiles sont calculés par une esquisse de quantiles (DDSketch) "
      << "d'une précision relative de 0,1 % ; moyennes et probabilités sont exactes sur les trajectoires simulées.</p>"
      << "<p><b>Fichiers joints.</b> Les mêmes chiffres, complets, sont dans le fichier de résultats JSON, le "
      << "classeur XLSX et les tables CSV de la même exécution (<code>cogsim run … --json --xlsx --csv</code>).</p>"
      << "</section>";
  }

  std::string build() {
    last_year = last_indicator_year(p);
    if (last_year == 0) last_year = p.horizon;
    cog_from = 0, cog_to = 0;
    for (const auto& ind : p.indicators)
      for (const auto& y : ind.years) {
        cog_from = cog_from == 0 ? y.year : std::min(cog_from, y.year);
        cog_to = std::max(cog_to, y.year);
      }
    for (const auto& out : p.outputs) {
      has_entities |= is_entity_output(out.name) && !out.years.empty();
      has_funds |= is_fund_output(out.name);
    }
    has_fnmo = find_output(p, "fnmo.reserve") >= 0 || find_event(p, "fnmo.negative") >= 0;
    head();
    summary();
    indicators();
    entities();
    fnmo();
    funds();
    method();
    o << "<footer>Produit par cogsim " << COGSIM_VERSION << " le " << html_escape(generated_at) << " — "
      << html_escape(p.model_name) << (p.scenario_name.empty() ? "" : " / " + html_escape(p.scenario_name))
      << ", graine " << meta.seed << ", " << fr_number(double(r.paths), 0)
      << " trajectoires. Les libellés et les sources sont ceux des fichiers de règles.</footer>";
    o << "</div></body></html>\n";
    return o.str();
  }
};

}  // namespace

std::string report_html(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                        const std::string& generated_at) {
  Page page{p, r, meta, generated_at, {}, 0, 0, 0};
  return page.build();
}

std::string write_report_html(const std::string& path, const engine::Program& p, const engine::RunResults& r,
                              const RunMeta& meta, const std::string& generated_at) {
  return write_atomically(path, report_html(p, r, meta, generated_at));
}

}  // namespace cogsim::app::report
