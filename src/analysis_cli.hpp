// `cogsim sensitivity` and `cogsim goal`: the analysis commands, registered on the main app.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>

namespace cogsim::app {

// Adds the subcommands to `app`; returns the function that runs whichever was chosen (or
// returns -1 when neither was).
std::function<int(std::ostream& out, std::ostream& err)> add_analysis_commands(CLI::App& app);

}  // namespace cogsim::app
