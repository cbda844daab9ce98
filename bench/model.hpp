// The model the benchmarks run: RM1 unless told otherwise. Its path comes from `--model=PATH`
// or the environment variable COGSIM_MODEL, else the shipped scenarios/cog-2022-2024 of the
// source tree the benchmark was built from. A model that does not compile ends the program
// (exit 2) before any benchmark runs: a benchmark of nothing must not report a speed.
#pragma once

#include <string>

#include "engine/ir.hpp"

namespace cogsim::bench {

const std::string& model_path();
const engine::Program& rm1();  // compiled once; exits the program if it does not compile

}  // namespace cogsim::bench
