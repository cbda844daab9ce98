// Results of a run as JSON (the spec's results file) and as a readable terminal summary.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/simulator.hpp"

namespace cogsim::app {

struct RunMeta {
  std::string model_path;
  std::uint64_t seed = 0;
  int threads = 1;
  double wall_seconds = 0;
  bool central = false;
  std::size_t block_size = 0;
  std::string sampling = "mc";
  std::string correlation = "copula";  // or "iman-conover" (engine/iman_conover.hpp)
};

nlohmann::ordered_json results_json(const engine::Program& p, const engine::RunResults& r,
                                    const RunMeta& meta);

// The short summary printed on the terminal after a run.
std::string summary_text(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta);

// Writes `text` to `path` all or nothing (a one-file OutputSet, src/output_set.hpp).
// Returns an error message, or "" on success.
std::string write_atomically(const std::string& path, const std::string& text);

}  // namespace cogsim::app
