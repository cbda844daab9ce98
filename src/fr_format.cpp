#include "src/fr_format.hpp"

#include <cstdio>

namespace cogsim::app::report {

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

std::string fr_amount(double v, const std::string& unit) {
  if (unit.find("€") != std::string::npos) return fr_short_euros(v);
  if (unit == "%") return fr_percent(v, 2);
  return fr_number(v, std::fabs(v) >= 1000 ? 0 : 3) + (unit.empty() ? "" : kNbsp + unit);
}

std::string fit_columns(const std::string& text, std::size_t columns) {
  std::size_t count = 0, i = 0, cut = std::string::npos;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (count == columns - 1) cut = i;
    if (++count > columns) return text.substr(0, cut) + "…";
  }
  return text;
}

std::string pad_columns(const std::string& text, std::size_t columns) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n >= columns ? text : text + std::string(columns - n, ' ');
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

const char* risk_class(double p) { return p >= kRiskOk ? "ok" : p >= kRiskWarn ? "warn" : "bad"; }

std::string fr_interval(const engine::Proportion& pr) {
  auto [lo, hi] = pr.interval95();
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

std::string fr_short_euros(double v, double scale) {
  double a = std::fabs(std::isnan(scale) ? v : scale);
  if (a >= 1e6) return fr_number(v / 1e6, 2) + kNbsp + "M€";
  if (a >= 1e4) return fr_number(v / 1e3, 1) + kNbsp + "k€";
  return fr_euros(v);
}

}  // namespace cogsim::app::report
