// Results of `cogsim compare` as JSON and as a terminal summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/compare.hpp"
#include "src/results.hpp"

namespace cogsim::app {

nlohmann::ordered_json compare_json(const engine::Program& base, const engine::Program& variant,
                                    const engine::CompareResults& r, const RunMeta& meta,
                                    const std::string& base_path, const std::string& variant_path,
                                    const engine::SharedCounts& shared);

// The summary (in French, at most 100 columns) says what the two models share (series, random
// cells), then the first block (src/compare_block.hpp: what the variant costs and buys), every
// probability in both, and the shared series that moved. `colour`: good and bad changes in ANSI
// green and red (a terminal), besides the words "favorable" / "défavorable".
std::string compare_summary(const engine::Program& base, const engine::Program& variant,
                            const engine::CompareResults& r, const RunMeta& meta, const engine::SharedCounts& shared,
                            bool colour = false);

}  // namespace cogsim::app
