// French number formatting for the reports (HTML pages, terminal summaries): "−1 234 567,89",
// "55,4 %", "−9,28 M€", Wilson intervals, and HTML escaping. No layout here.
#pragma once

#include <cmath>
#include <string>

#include "engine/stats.hpp"

namespace cogsim::app::report {

inline const char* const kMinus = "\u2212";  // −
inline const char* const kThin = "\u202f";   // narrow no-break space (thousands)
inline const char* const kNbsp = "\u00a0";   // no-break space (before € and %)

// "−1 234 567,89" (U+2212 minus sign, U+202F narrow no-break space between thousands, decimal
// comma). A value that rounds to zero has no sign.
std::string fr_number(double v, int decimals);
// "−841 655 €" (rounded to the euro; U+00A0 before the sign €).
std::string fr_euros(double v);
// "55,4 %" for p = 0.554.
std::string fr_percent(double p, int decimals = 1);
// A probability estimate: like fr_percent, but never "0,0 %" or "100,0 %" unless no path (or
// every path) hit: "< 0,1 %", "> 99,9 %".
std::string fr_probability(const engine::Proportion& pr);
// Wilson interval as text: "54,7–56,1 %" (2 decimals when the interval is narrower than 0.1 point).
std::string fr_interval(const engine::Proportion& pr);
// "−9,28 M€" / "−841,7 k€" / "512 €": a compact amount for captions, in the unit that suits
// `scale` (by default the value itself), so that amounts side by side share a unit.
std::string fr_short_euros(double v, double scale = NAN);
// A figure in its series' unit, compact: "−9,53 M€" (money, as fr_short_euros), "25,00 %", else
// the number (3 decimals below 1 000, none above).
std::string fr_amount(double v, const std::string& unit);
// `text` cut to `columns` characters (UTF-8 code points), ending in "…" when cut.
std::string fit_columns(const std::string& text, std::size_t columns);
// `text` padded with spaces to `columns` characters (UTF-8 code points), never cut.
std::string pad_columns(const std::string& text, std::size_t columns);
// &, <, >, " and ' escaped.
std::string html_escape(const std::string& s);
// The CSS class of a probability of a good outcome: "ok" (≥ 80 %), "warn" (≥ 50 %), "bad".
// The thresholds of every P(met) colour (report, workbook): at least kRiskOk good, from kRiskWarn
// to watch, below kRiskWarn bad.
inline constexpr double kRiskOk = 0.8, kRiskWarn = 0.5;
const char* risk_class(double p);

}  // namespace cogsim::app::report
