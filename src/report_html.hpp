// The HTML report of a run (`cogsim run … --report FILE.html`): one self-contained page for a
// finance team and the ministry — no script, no network access (CSS and SVG charts inline), in
// French, printable. See docs/reports.md.
#pragma once

#include <cstdint>
#include <string>

#include "engine/ir.hpp"
#include "engine/simulator.hpp"
#include "engine/stats.hpp"
#include "src/results.hpp"

namespace cogsim::app::report {

// French number formatting: "−1 234 567,89" (U+2212 minus sign, U+202F narrow no-break space
// between thousands, decimal comma). A value that rounds to zero has no sign.
std::string fr_number(double v, int decimals);
// "−841 655 €" (rounded to the euro; U+00A0 before the sign €).
std::string fr_euros(double v);
// "55,4 %" for p = 0.554.
std::string fr_percent(double p, int decimals = 1);
// A probability estimate: like fr_percent, but never "0,0 %" or "100,0 %" unless no path (or
// every path) hit: "< 0,1 %", "> 99,9 %".
std::string fr_probability(const engine::Proportion& pr);
// &, <, >, " and ' escaped.
std::string html_escape(const std::string& s);

// Number of values the sketch holds that are <= x (its empirical CDF times count()), exact at the
// sketch's resolution: a binary search over ranks with QuantileSketch::quantile.
std::uint64_t sketch_count_at_most(const engine::QuantileSketch& s, double x);

// The whole page. `generated_at` is printed as the report's date.
std::string report_html(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                        const std::string& generated_at);
// report_html written atomically to `path`; returns an error message or "".
std::string write_report_html(const std::string& path, const engine::Program& p, const engine::RunResults& r,
                              const RunMeta& meta, const std::string& generated_at);

}  // namespace cogsim::app::report
