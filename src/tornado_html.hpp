// The tornado chart of the sensitivity pages, in HTML and CSS rather than SVG: one row per input
// (its label as text that wraps, its bar, its values), on a shared axis with units, so that it
// stays legible at 420 px (the rows stack) and on paper. The bars are coloured by whether the
// input's move helps or hurts the figure, in the direction the model gives (an indicator met
// more often, or a value on its met side, is good); with no direction known, by P10 and P90.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cogsim::app::report {

struct TornadoRow {
  std::string label, code;  // the model's label (may be empty) and the input's name
  double low = 0, high = 0;  // the figure with the input at its P10, at its P90
  std::string low_text, high_text;  // the values as printed in the row
};

struct TornadoSpec {
  std::string id, aria;       // the chart's element id and its accessible description
  std::vector<TornadoRow> rows;  // widest first
  double centre = 0;
  std::string centre_text;    // "P(atteint) 55,4 %", "valeur centrale −9,53 M€"
  std::optional<double> target;  // a line at the target, with its text in the legend
  std::string target_text;
  std::vector<std::pair<double, std::string>> marks;  // dotted reference lines (e.g. 50 %, 80 %)
  int better = 0;             // +1: a higher figure is good, −1: lower is good, 0: unknown
  std::function<std::string(double, double, double)> tick;  // axis label of a value, given the axis' largest |value| and step
  std::string axis_title;     // under the axis: what it measures, in which unit
};

// The rows, the axis and the legend, as one <div class="tornado">.
std::string tornado_html(const TornadoSpec& t);

// The CSS of tornado_html, for the pages that embed it.
extern const char* const kTornadoStyle;

}  // namespace cogsim::app::report
