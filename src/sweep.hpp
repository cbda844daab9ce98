// `cogsim sweep`: many scenarios in one run. Each scenario folder is read once; a grid over param
// cells (--grid CELL=VALUES, their Cartesian product) is lowered once per point (params are
// constants of the IR) and run on common random numbers (the same seed: a random cell gets the
// same draws at every point), so differences between points are the parameters' effect, not noise.
// Writes one tidy table (CSV and JSON lines) and an HTML page of heat maps of P(met) over the grid.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace cogsim::app {

// One axis of the grid: a param cell ("name" or "name[MEMBER, YEAR]") and its values.
struct SweepAxis {
  std::string cell;
  std::vector<double> values;
};

// "CELL=v1,v2,..." or "CELL=lo:hi:step" (hi included when it falls on a step, to 1e-9 of a step).
// Returns "" or what is wrong.
std::string parse_axis(const std::string& spec, SweepAxis& axis);

// Adds `sweep` to `app`; returns the function that runs it when chosen (else returns -1).
std::function<int(std::ostream& out, std::ostream& err)> add_sweep_command(CLI::App& app);

}  // namespace cogsim::app
