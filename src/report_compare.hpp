// The page of `cogsim compare … --report FILE.html`: the first block (what the variant costs and
// buys, src/compare_block.hpp), then every indicator's and event's probability in both scenarios
// with the paired change, and the shared series that moved. Self-contained, in French; a change is
// green when good and red when bad, in the direction the model's `report` lines give.
#pragma once

#include <ostream>
#include <string>

#include "engine/compare.hpp"

namespace cogsim::app::report {

std::string compare_html(const engine::Program& base, const engine::Program& variant, const engine::CompareResults& r,
                         std::uint64_t seed);

// The pieces of that page, for the page of several variants (src/compare_many.hpp): the document's
// head (style included) up to <body>, the colour legend, and one variant's sections.
std::string compare_page_head(const std::string& title);
std::string compare_legend();
void compare_sections(const engine::Program& base, const engine::Program& variant, const engine::CompareResults& r,
                      std::ostream& h);

}  // namespace cogsim::app::report
