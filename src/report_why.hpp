// "Et pourquoi ?" in the run report (`cogsim run --report FILE --report-why N`): for the N
// indicators most at risk in their last year, which uncertain inputs decide whether the target
// is met — the tornado of P(met) in points (engine::sensitivity with `probability`, no Sobol),
// the inputs without effect, and where the inputs sit when the target is missed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dsl/compiler.hpp"
#include "engine/sensitivity.hpp"
#include "engine/simulator.hpp"

namespace cogsim::app::report {

struct WhyItem {
  std::size_t indicator = 0, year = 0;  // index into Program::indicators and its years
  engine::Proportion run_p;  // P(met) of the run itself
  engine::SensitivityResults r;
};

struct Why {
  std::vector<WhyItem> items;
  std::vector<dsl::InputInfo> inputs;  // the model's labels of its inputs
  std::uint64_t paths = 0;             // paths per input setting
};

// The sensitivity of the `count` indicators most at risk; nullopt, or the first error.
std::optional<Diagnostic> why_fragile(const engine::Program& p, const engine::RunResults& r, int count,
                                      const engine::SensitivityOptions& options, Why& out);

// The report's section (empty when there is nothing to show).
std::string why_section_html(const engine::Program& p, const Why& w);

}  // namespace cogsim::app::report
