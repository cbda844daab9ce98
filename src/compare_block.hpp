// The first block of a comparison, "ce que coûte l'avenant, ce qu'il apporte": what the variant
// adds (series and years the base does not have, with their values), the change of every series
// the model's `report section` / `report table` lines name (its funds), the targets it changes
// (old → new), the change of each indicator's P(met) with its paired standard error, and the
// headline events. Whether a change is good or bad comes from the model: an indicator met more
// often is good; an event follows its `good` / `bad` in the `report` lines (a `bad` event that
// becomes rarer is good), and is neutral without one. The C++ knows no model's names.
//
// The block is built once as text (French numbers, the model's labels and units) and written by
// the terminal summary and the HTML page alike.
#pragma once

#include <string>
#include <vector>

#include "engine/compare.hpp"
#include "src/fr_format.hpp"

namespace cogsim::app {

enum class Verdict { Neutral, Good, Bad };

struct BlockRow {
  std::string name;    // the code: "support", "fnmo.reserve", "8"
  std::string label;   // the model's label
  std::string year;    // "2023", or a list of years
  std::string value;   // "55,6 % → 87,2 %", "+1 500 000,00 € sur toutes les trajectoires"
  std::string detail;  // "+31,6 ± 0,15 pt", "P5–P95 : 0 € – 95 000 €"
  Verdict verdict = Verdict::Neutral;
};

struct BlockPart {
  std::string title;
  std::vector<BlockRow> rows;
  std::string note;  // what is left out ("inchangé pour les 33 autres indicateurs-années")
};

std::vector<BlockPart> cost_block(const engine::Program& base, const engine::Program& variant,
                                  const engine::CompareResults& r);

// Good, bad or neutral: a change `delta` of a probability whose rising is `good` (+1), `bad` (−1)
// or neither (0). No change is neutral.
Verdict verdict_of(double delta, int rising);
// +1 when an event is good when it happens, −1 when bad, 0 when the model says neither; from the
// `report` lines of the variant (which extends the base), else the base's.
int event_direction(const engine::Program& base, const engine::Program& variant, const std::string& event);

// A value in its series' unit, French style: "1 500 000,00 €" with `decimals` (money), "25,00 %",
// the plain number otherwise. With `sign`, a leading "+" on positive values.
std::string fr_value(double v, const std::string& unit, int decimals, bool sign = false);

// The distribution of a difference (or a value) over the paths, in words: "+1 500 000,00 € sur
// toutes les trajectoires" when it is the same on every path (to a billionth), else its mean;
// `detail` gets "P5–P95 : a – b" then.
std::string fr_spread(const engine::SeriesStats& s, const std::string& unit, bool sign, std::string* detail);

// A difference that is zero on every path (its mean, P5 and P95 are 0): a series the variant
// leaves alone, left out of the tables, charts and workbook of a comparison.
bool unchanged(const engine::SeriesStats& delta);

// A scenario as the comparison pages name it: "MODEL" or "MODEL / SCENARIO".
std::string scenario_title(const engine::Program& p);

using report::fit_columns;  // src/fr_format.hpp

}  // namespace cogsim::app
