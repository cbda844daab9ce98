// The HTML report of a run (`cogsim run … --report FILE.html`): one self-contained page for a
// finance team and the ministry — no script, no network access (CSS and SVG charts inline), in
// French, printable. See docs/reports.md.
#pragma once

#include <cstdint>
#include <string>

#include "engine/ir.hpp"
#include "engine/simulator.hpp"
#include "engine/stats.hpp"
#include "src/fr_format.hpp"
#include "src/results.hpp"
#include "src/svg_charts.hpp"

namespace cogsim::app::report {

// The reports' stylesheet (also the look of `cogsim serve`'s page).
const char* report_style();

// The whole page. `generated_at` is printed as the report's date.
// `why`: the "Et pourquoi ?" section (src/report_why.hpp), when given.
struct Why;
std::string report_html(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                        const std::string& generated_at, const Why* why = nullptr);
// report_html written atomically to `path`; returns an error message or "".
std::string write_report_html(const std::string& path, const engine::Program& p, const engine::RunResults& r,
                              const RunMeta& meta, const std::string& generated_at);

}  // namespace cogsim::app::report
