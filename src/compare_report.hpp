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

// The summary starts by saying what the two models share (series, random cells).
std::string compare_summary(const engine::Program& base, const engine::Program& variant,
                            const engine::CompareResults& r, const RunMeta& meta, const engine::SharedCounts& shared);

}  // namespace cogsim::app
