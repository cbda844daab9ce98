// The SVG charts of the reports: fan chart of a series over the years, histogram of a last-year
// distribution with its target, strip of probabilities by year. Self-contained SVG text, French
// labels; the page layouts (report_html.cpp, report_sensitivity.cpp) place them.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/simulator.hpp"
#include "engine/stats.hpp"

namespace cogsim::app::report {

// Number of values the sketch holds that are <= x (its empirical CDF times count()), exact at the
// sketch's resolution: a binary search over ranks with QuantileSketch::quantile.
std::uint64_t sketch_count_at_most(const engine::QuantileSketch& s, double x);

namespace svg {

std::string num(double v);  // an SVG coordinate

// A step of 1, 2, 2.5 or 5 times a power of ten, near range / ticks.
double nice_step(double range, int ticks);

// Axis labels in M€, k€ or € after the magnitude of the axis, with the decimals the step needs.
struct MoneyAxis {
  double div = 1;
  const char* unit = "€";
  int decimals = 0;
  MoneyAxis(double max_abs, double step);
  std::string operator()(double v) const;
};

// An axis label in a series' unit, with the decimals the axis' step needs: money as MoneyAxis
// (M€, k€ or € after max_abs), a share (unit "%") in percent, anything else as the number followed
// by its unit ("number" and "" print none).
std::string axis_label(double v, double max_abs, double step, const std::string& unit);

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
  bool force_zero = false;  // always show 0 (a threshold)
  std::string zero_label;   // label on the zero line
  int shade_from = 0, shade_to = 0;
  std::string title;
  double w = 340, h = 240;
};

FanYear fan_year(int year, const engine::SeriesStats& s);
std::string fan_svg(const FanSpec& f);

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

// Bars of the share of paths (y axis in %), bins by Freedman–Diaconis from the sketch's quartiles.
std::string histogram_svg(const HistSpec& hs);
// The S-curve: the share of paths at or below each value, over the histogram's range, with the
// target and the share below it.
std::string cdf_svg(const HistSpec& hs);

// Two S-curves on one value axis in the series' unit (axis_label): the share of paths at or below
// each value in the base (grey, dashed) and in the variant (blue), between the 0.5th and 99.5th
// percentiles of both, labelled in a legend row. Empty when both are the same constant.
std::string overlay_cdf_svg(const engine::SeriesStats& base, const engine::SeriesStats& variant, int year,
                            const std::string& title, const std::string& unit = "€");

// The spider chart of a sensitivity analysis: the figure (vertical axis, in its unit through
// `tick`) as each input alone moves across its centiles (horizontal axis, P5 to P95), one line per
// input in the colour `colour(k)`; the central value as a solid line, the target dashed. Text is
// only the axes' labels: the lines are named in the page's HTML legend (which wraps).
struct SpiderSpec {
  std::vector<double> centiles;             // in (0, 1), increasing
  std::vector<std::vector<double>> lines;   // one per input, a value per centile
  double centre = 0;
  std::optional<double> target;
  std::function<std::string(double, double, double)> tick;  // a value's label, given the axis' largest |value| and step
  std::string aria;
};
std::string spider_svg(const SpiderSpec& s);
// The colour of the k-th line of a spider chart (eight, then again).
const char* spider_colour(std::size_t k);

// Bars of P(event) by year, coloured by the probability of the good side.
std::string prob_bars_svg(const std::vector<std::pair<int, engine::Proportion>>& v, const std::string& title,
                          bool bad_when_high);

}  // namespace svg
}  // namespace cogsim::app::report
