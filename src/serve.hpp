// `cogsim serve SCENARIO`: a local what-if page and its JSON API (docs/serve.md). The model is
// read and checked once; each request lowers it again with the page's param overrides (no
// re-parse) and runs it against the base on common random numbers (engine/compare.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"

namespace httplib {
class Server;
}

namespace cogsim::app::serve {

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
};

// Limits on what a request may ask for.
inline constexpr std::size_t kMaxBody = 64 * 1024;
inline constexpr std::uint64_t kMinPaths = 1000, kMaxPaths = 1000000;
inline constexpr std::size_t kMaxOverrides = 2000;

// A param cell's name without spaces: how cells are matched ("savings[CDS, 2024]" = "savings[CDS,2024]").
inline std::string cell_key(const std::string& cell) { return dsl::spaceless(cell); }

// The unit the page shows each param's values in (param -> "%", "€", "k€", "M€", "Md€" or "" for a
// plain number), from the model's declarations: its unit word, or without one its dimension and
// how its values are written (docs/serve.md, "The page").
std::map<std::string, std::string> shown_units(const std::vector<dsl::ParamCell>& cells);

struct Options {
  std::string path;                 // the scenario (.cog file or folder)
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0: any free port
  std::string save_dir;             // where "Enregistrer l'avenant" writes; empty: nowhere
  int threads = 0;                  // engine threads; 0: all cores
};

// The model compiled once, and the request handlers (callable without HTTP, for tests).
class Session {
 public:
  // nullptr with `error` set (the model's diagnostics) when the model does not compile.
  static std::unique_ptr<Session> open(const Options& options, std::string& error);

  Reply model() const;
  Reply run(const std::string& body);
  Reply goal(const std::string& body);
  Reply avenant(const std::string& body);

  // Compiles the model with these overrides (keys without spaces); serialised by the caller.
  dsl::Compiled compile(const std::map<std::string, double>& overrides);
  const dsl::Compiled& base() const { return base_; }
  const Options& options() const { return options_; }
  std::mutex& lock() { return mutex_; }
  // The base's own run on these paths and seed (the base side of the fan chart and of the means),
  // kept for the next requests (the last few settings); the caller holds lock().
  const engine::RunResults& base_run(const engine::RunOptions& opt);
  std::atomic<std::uint64_t>& latest_run() { return latest_run_; }

 private:
  Session() = default;
  Options options_;
  dsl::Sources sources_;
  dsl::Loaded loaded_;
  dsl::Compiled base_;
  std::mutex mutex_;                      // one computation at a time
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::shared_ptr<const engine::RunResults>> base_runs_;
  std::atomic<std::uint64_t> latest_run_{0};  // the newest /api/run: older ones waiting give up
};

// Routes GET /, GET /api/model, POST /api/run, /api/goal, /api/avenant to `session`.
void mount(httplib::Server& server, Session& session);

// Runs the server until it is stopped (blocking). Prints the address on `out`.
int serve(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace cogsim::app::serve
