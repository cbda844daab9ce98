// `cogsim compare BASE V1 V2 …`: several variants against one base, each on the same paths as the
// base (common random numbers, so every variant's change is measured on the same draws). One table
// of P(met) per indicator and year — the base, then each variant with its paired change — then
// each variant's own comparison (src/compare_report.hpp, src/report_compare.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/compare.hpp"
#include "src/results.hpp"

namespace cogsim::app {

struct VariantRun {
  std::string path;
  const engine::Program* program = nullptr;
  engine::CompareResults results;
  engine::SharedCounts shared;
};

// The terminal summary (French, at most 100 columns): the table, then each variant's summary.
std::string compare_many_summary(const engine::Program& base, const std::vector<VariantRun>& variants,
                                 const RunMeta& meta, bool colour = false);

// {"meta": {base, variants: [file, model]…, paths, seed…}, "variants": [one comparison each, as
// `compare BASE V` writes it]}.
nlohmann::ordered_json compare_many_json(const engine::Program& base, const std::vector<VariantRun>& variants,
                                         const RunMeta& meta, const std::string& base_path);

}  // namespace cogsim::app

namespace cogsim::app::report {

// One self-contained page: the table, then each variant's sections.
std::string compare_many_html(const engine::Program& base, const std::vector<VariantRun>& variants,
                              std::uint64_t seed);

}  // namespace cogsim::app::report
