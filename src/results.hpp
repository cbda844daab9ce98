// Results of a run as JSON (the spec's results file) and as a readable terminal summary.
#pragma once

#include <initializer_list>
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
};

nlohmann::ordered_json results_json(const engine::Program& p, const engine::RunResults& r,
                                    const RunMeta& meta);

// The short summary printed on the terminal after a run.
std::string summary_text(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta);

// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename.
// Returns an error message, or "" on success.
std::string write_atomically(const std::string& path, const std::string& text);
// The same for the command line: on failure, says why on `err` ("cogsim: …") and returns false.
bool write_or_report(const std::string& path, const std::string& text, std::ostream& err);
// Checks early that `path` can be written (its folder exists and is writable).
std::string check_writable(const std::string& path);
// check_writable for each non-empty path, in order; at the first failure, says why on `err`
// ("cogsim: …") and returns false.
bool writable_or_report(std::initializer_list<std::string> paths, std::ostream& err);

}  // namespace cogsim::app
