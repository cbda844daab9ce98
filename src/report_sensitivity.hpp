// The HTML page of `cogsim sensitivity … --report FILE.html`: the tornado chart, the
// contributions to variance and the Sobol indices, self-contained like the run report.
#pragma once

#include <string>

#include "engine/sensitivity.hpp"

namespace cogsim::app::report {

// `of`: the figure studied; `tornado_of`: what the tornado shows (the same, or the value an
// indicator follows when `of` is its probability).
std::string sensitivity_html(const std::string& model, const std::string& of, const std::string& tornado_of,
                             const engine::SensitivityResults& r, std::uint64_t paths, std::uint64_t seed);

}  // namespace cogsim::app::report

