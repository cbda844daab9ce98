// What the page of `cogsim serve` draws besides the P(met) table (docs/serve.md): the fan chart of
// one chosen output for the base and the variant, the base and variant means of every output, and
// the model's own layout (sections of params, report parts). Nothing here knows a model's names.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "dsl/compiler.hpp"
#include "engine/compare.hpp"

namespace cogsim::app::serve {

using json = nlohmann::ordered_json;

// The index of the output named NAME in P, or -1.
int output_index(const engine::Program& p, const std::string& name);

// Adds to VARIANT a copy of its output number OUT under a name no model can write, so that
// engine::compare measures its distribution on the variant side alone (a solo series: quantiles
// of the chosen output for its fan chart, at the cost of a few more sketches, not another run).
void add_fan_series(engine::Program& variant, int out);

// Takes the fan series added by add_fan_series out of R (and of the program, so that it is as
// compiled) and returns the fan chart's figures: per year P5, P25, P50, P75, P95 and the mean of
// the base (from BASE_RUN, the base's own run on the same paths) and of the variant.
json take_fan(engine::Program& variant, engine::CompareResults& r, const engine::Program& base,
              const engine::RunResults& base_run, int out);

// Every output's mean per year in the base (BASE_RUN) and in the variant (the base's mean plus the
// paired mean change of R: equal to the variant's own mean up to rounding).
json means_json(const engine::Program& base, const engine::RunResults& base_run, const engine::CompareResults& r);

// The model's layout for the page: the sections of params, and the `report` parts with the names
// of their outputs and events.
json sections_json(const dsl::Compiled& c);
json report_parts_json(const engine::Program& p);

}  // namespace cogsim::app::serve
