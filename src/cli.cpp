#include "src/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include "dsl/compiler.hpp"
#include "dsl/suggest.hpp"
#include "engine/ir_text.hpp"
#include "engine/compare.hpp"
#include "src/analysis_cli.hpp"
#include "src/cli_numbers.hpp"
#include "src/compare_many.hpp"
#include "src/compare_report.hpp"
#include "src/mpi_run.hpp"
#include "src/output_set.hpp"
#include "src/report_csv.hpp"
#include "src/sweep.hpp"
#include "engine/design.hpp"
#include "src/report_html.hpp"
#include "src/report_xlsx.hpp"
#include "src/report_compare.hpp"
#include "src/report_sensitivity.hpp"
#include "src/report_why.hpp"
#include "src/results.hpp"
#include "src/sampling_option.hpp"
#include "src/heap.hpp"

namespace cogsim::app {

namespace {

struct RunArgs {
  std::string path;
  bool central = false;
  std::uint64_t paths = 100000;
  std::uint64_t seed = 42;
  int threads = 0;
  std::size_t block_size = 1024;
  double target_se = 0;
  std::string sampling = "mc";
  std::uint32_t replicates = 10;  // lhs, qmc
  std::string correlation = "copula";  // or "iman-conover"
  std::string json;
  std::string report, xlsx, csv;  // run: the HTML report, the workbook, the folder of CSV tables
  std::string csv_dialect = "tidy";  // or "excel-fr" (report::CsvDialect)
  std::vector<std::string> sets;  // run: param cells replaced, "CELL=VALUE"
  int report_why = 0;  // run --report: the sensitivity of this many indicators most at risk
  bool quiet = false;
};

// Compiles PATH and prints its diagnostics; nullopt when there is an error. `sources` keeps the
// text read, so later diagnostics (failed asserts, run-time errors) quote it without re-reading.
// `--max-cells` of check and run (dsl::CompileOptions::max_cells).
std::uint64_t max_cells = dsl::kDefaultMaxCells;

// `described`, when given, gets the model's uncertain inputs and param cells (labels, laws, values)
// from the same compilation, for the reports that list them.
std::optional<engine::Program> load_model(const std::string& path, std::ostream& err, dsl::Sources& sources,
                                          dsl::CompileOptions options = {}, report::ModelInputs* described = nullptr) {
  options.max_cells = max_cells;
  dsl::Compiled c = dsl::compile_file(path, sources, options);
  if (described) *described = {std::move(c.inputs), std::move(c.params)};
  err << sources.format_all(c.diags);
  if (!c.program) {
    std::size_t n = 0;
    for (const auto& d : c.diags) n += d.severity == Severity::Error;
    err << "cogsim: " << n << " error" << (n == 1 ? "" : "s") << " in " << path << "\n";
    return std::nullopt;
  }
  return std::move(c.program);
}

// A progress bar with ETA on stderr, only on a terminal and only once a run passes a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), start_(Clock::now()) {}
  void update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    auto now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - start_).count();
    if (elapsed < 1.0 || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    double frac = total ? double(done) / double(total) : 1.0;
    double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    int width = 30, fill = int(frac * width);
    std::fprintf(stderr, "\r[%.*s%*s] %5.1f%%  %llu/%llu paths  ETA %.0fs ", fill,
                 "##############################", width - fill, "", 100 * frac,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), eta);
    std::fflush(stderr);
  }
  // Erases the bar, before anything else is printed.
  void finish() {
    if (shown_) std::fprintf(stderr, "\r%80s\r", "");
    shown_ = false;
  }
  ~Progress() { finish(); }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_, shown_ = false;
  Clock::time_point start_, last_{};
};

engine::RunOptions run_options(const RunArgs& a) {
  engine::RunOptions opt;
  opt.central = a.central;
  opt.paths = a.paths;
  opt.seed = a.seed;
  opt.threads = a.threads > 0 ? a.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  opt.block_size = a.block_size;
  opt.target_se = a.target_se;
  opt.sampling = sampling_of(a.sampling);
  opt.replicates = a.replicates;
  opt.iman_conover = a.correlation == "iman-conover";
  opt.memory_limit = available_memory();
  return opt;
}

// A file that a folder's main.cog includes (entities.cog, drivers.cog...) is checked as part of
// that model: alone it has no model header to check against.
std::string model_of(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path), main = p.parent_path() / "main.cog";
  if (fs::is_directory(p, ec) || p.filename() == "main.cog" || !fs::exists(main, ec)) return path;
  std::ifstream in(main);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find("include \"" + p.filename().string() + "\"") == std::string::npos) return path;
  return main.string();
}

int do_check(const std::string& file, bool listing, std::ostream& out, std::ostream& err) {
  const std::string path = model_of(file);
  if (path != file) out << file << " is included by " << path << ": checking that model\n";
  dsl::Sources sources;
  auto program = load_model(path, err, sources);
  if (!program) return kInvalidModel;
  Diagnostics failures = dsl::run_checks(*program);
  err << sources.format_all(failures);
  if (has_errors(failures)) {
    err << "cogsim: " << failures.size() << " assert" << (failures.size() == 1 ? "" : "s") << " failed in "
        << path << "\n";
    return kInvalidModel;
  }
  // The central path, as `run --central` computes it: a value that is not finite there (a division
  // by a cell that is zero) fails every run, so `check` says so rather than "ok".
  {
    engine::RunOptions central;
    central.central = true;
    central.threads = 1;
    const engine::RunResults r = engine::simulate(*program, central);
    if (r.error) {
      err << sources.format(*r.error) << "cogsim: " << path << " fails on its central path (so would every run with these values)\n";
      return kInvalidModel;
    }
  }
  // "1 assert passed", "2 asserts passed": every count agrees with its noun.
  auto count = [](std::size_t n, const std::string& noun, const std::string& tail = "") {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s") + tail;
  };
  out << path << ": ok (" << count(program->outputs.size(), "output") << ", "
      << count(program->indicators.size(), "indicator") << ", " << count(program->events.size(), "event")
      << ", " << count(program->checks.size(), "assert", " passed") << ", "
      << count(program->code.size(), "instruction") << ", " << count(program->num_draws(), "random cell")
      << ")\n";
  if (listing) out << engine::to_text(*program);
  return kOk;
}

std::vector<Destination> destinations(const RunArgs& a) {
  return {{"--json", a.json}, {"--report", a.report}, {"--xlsx", a.xlsx}, {"--csv", a.csv, true}};
}

// Stages every output of a run, then commits them together.
int write_run_outputs(const RunArgs& a, const engine::Program& program, const report::ModelInputs& described,
                      const engine::RunResults& r, const RunMeta& meta, std::ostream& err,
                      const report::Why* why = nullptr) {
  OutputSet set;
  std::string e;
  if (!a.json.empty()) e = set.add_file(a.json, json_text(results_json(program, r, meta)));
  const std::string stamp = report::timestamp_now();
  if (e.empty() && !a.report.empty())
    e = set.add_file(a.report, report::report_html(program, r, meta, stamp, why));
  if (e.empty() && !a.xlsx.empty())
    e = set.add_file_with(a.xlsx, [&](const std::string& tmp) {
      return report::write_xlsx_file(tmp, a.xlsx, program, r, meta, stamp, described);
    });
  if (e.empty() && !a.csv.empty())
    e = set.add_folder(a.csv, report::csv_files(program, r, meta, stamp, *report::csv_dialect(a.csv_dialect)));
  return commit_or_report(set, e, err);
}

// The checks of `run` and the compilation of its model: kOk, or the status to end with.
int prepare_run(const RunArgs& a, dsl::Sources& sources, std::optional<engine::Program>& program,
                report::ModelInputs& described, std::ostream& err) {
  if (a.central && (!a.report.empty() || !a.xlsx.empty() || !a.csv.empty())) {
    err << "cogsim: --report, --xlsx and --csv describe a Monte Carlo run; they cannot be used with --central\n";
    return kUsage;
  }
  if (auto e = design_usage_error(a.sampling, a.paths, a.replicates); !e.empty() && !a.central) {
    err << e;
    return kUsage;
  }
  // An option that shapes an output not asked for would be silently ignored.
  if (a.report_why > 0 && a.report.empty()) {
    err << "cogsim: --report-why adds a section to the report: give --report FILE.html too\n";
    return kUsage;
  }
  if (a.csv_dialect != "tidy" && !a.csv_dialect.empty() && a.csv.empty()) {
    err << "cogsim: --csv-dialect says how --csv writes its tables: give --csv DIR too\n";
    return kUsage;
  }
  if (int rc = destination_status(check_destinations(destinations(a)), err)) return rc;
  dsl::CompileOptions options;
  for (const auto& set : a.sets) {
    SweepAxis axis;  // CELL=VALUE: an axis of one value
    if (auto e = parse_axis(set, axis); !e.empty() || axis.values.size() != 1) {
      err << "cogsim: --set " << set << ": " << (e.empty() ? "expected one value (CELL=VALUE)" : e) << "\n";
      return kUsage;
    }
    options.param_overrides[axis.cell] = axis.values[0];
  }
  program = load_model(a.path, err, sources, options, &described);
  if (!program) return kInvalidModel;
  // A value in percent is a rate: for an amount cell a rules file refuses it, and so does --set.
  for (const auto& set : a.sets) {
    const auto eq = set.rfind('=');
    if (eq == std::string::npos || set.find('%', eq) == std::string::npos) continue;
    const std::string key = dsl::spaceless(set.substr(0, eq));
    for (const auto& c : described.params) {
      if (dsl::spaceless(c.cell) == key && c.amount()) {
        err << "cogsim: --set " << set << ": '" << c.cell << "' is an amount in € (write its value in euros)\n";
        return kUsage;
      }
    }
  }
  if (int rc = destination_status(check_not_inputs(destinations(a), sources), err)) return rc;
  return kOk;
}

// What the results file says of how a run or comparison was made (the rest is set by the caller).
RunMeta run_meta(const RunArgs& a, int threads, std::chrono::steady_clock::time_point t0) {
  RunMeta meta;
  meta.seed = a.seed;
  meta.threads = threads;
  meta.sampling = a.sampling;
  meta.correlation = a.correlation;
  meta.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return meta;
}

// `--report-why N`: the sensitivity of the N indicators most at risk, on at most 20 000 paths per
// input setting, with the model's labels of its inputs.
int run_why(const RunArgs& a, const engine::Program& program, const engine::RunResults& r, int threads,
            const dsl::Sources& sources, const report::ModelInputs& described, report::Why& why, std::ostream& err) {
  engine::SensitivityOptions opt;
  opt.paths = std::min<std::uint64_t>(a.paths, 20000);
  opt.seed = a.seed;
  opt.threads = threads;
  why.inputs = described.inputs;
  if (auto e = report::why_fragile(program, r, a.report_why, opt, why)) {
    err << sources.format(*e) << "cogsim: the model failed while running; no results written\n";
    return kRuntime;
  }
  return kOk;
}

int do_run(const RunArgs& a, std::ostream& out, std::ostream& err) {
  auto t0 = std::chrono::steady_clock::now();
  dsl::Sources sources;
  std::optional<engine::Program> program;
  report::ModelInputs described;
  // With MPI, every rank takes part in the run or none does; rank 0 alone shows and writes.
  if (int status = agree_before_run(prepare_run(a, sources, program, described, err), err)) return status;
  engine::RunOptions opt = run_options(a);
  const bool root = !mpi() || mpi()->root();
  auto exchange = mpi() ? mpi()->exchange() : nullptr;
  opt.exchange = exchange.get();
  Progress progress(root && !a.quiet && !a.central && ::isatty(2));
  opt.progress = [&](std::uint64_t d, std::uint64_t t) { progress.update(d, t); };
  engine::RunResults r = engine::simulate(*program, opt);
  progress.finish();
  if (!root) return kOk;
  if (r.error) {
    err << sources.format(*r.error);
    err << "cogsim: the model failed while running; no results written\n";
    return kRuntime;
  }
  report::Why why;
  if (a.report_why > 0 && !a.report.empty())
    if (int rc = run_why(a, *program, r, opt.threads, sources, described, why, err)) return rc;
  RunMeta meta = run_meta(a, opt.threads, t0);
  meta.model_path = a.path;
  meta.central = a.central;
  meta.block_size = a.block_size;
  if (int rc = write_run_outputs(a, *program, described, r, meta, err, a.report_why > 0 ? &why : nullptr)) return rc;
  if (!a.quiet) out << summary_text(*program, r, meta);
  return kOk;
}

// Replays one path of a run: every output, indicator and event on that path alone.
// The figures of one evaluated path, printed and gathered for the JSON; the first that is not a
// number is remembered (the figures are still printed, for diagnosis).
struct PathFigures {
  nlohmann::ordered_json outputs = nlohmann::ordered_json::object(),  // {} rather than null when empty
      indicators = nlohmann::ordered_json::object(), events = nlohmann::ordered_json::object();
  std::optional<Diagnostic> not_finite;
};

PathFigures print_path(const engine::Program& program, const engine::Workspace& ws, std::ostream& out) {
  PathFigures f;
  char buf[128];
  auto check = [&](double v, const SourceLoc& loc, const std::string& what) {
    if (!std::isfinite(v) && !f.not_finite)
      f.not_finite = Diagnostic{Severity::Error, loc, what + " is not a finite number on this path (a logarithm or "
                                                             "square root of a negative number, or a division by zero?)"};
  };
  for (const auto& o : program.outputs) {
    out << "  " << o.name;
    for (const auto& [y, op] : o.years) {
      double v = engine::value_at(program, ws, op, 0);
      check(v, o.loc, "output " + o.name + " in " + std::to_string(y));
      f.outputs[o.name][std::to_string(y)] = v;
      std::snprintf(buf, sizeof buf, o.unit == "€" ? "  %d: %.2f" : "  %d: %.6g", y, v);
      out << buf;
    }
    out << "\n";
  }
  out << "\nIndicators (value vs target):\n";
  for (const auto& ind : program.indicators) {
    out << "  " << ind.id;
    for (const auto& y : ind.years) {
      double v = engine::value_at(program, ws, y.value, 0), t = engine::value_at(program, ws, y.target, 0);
      bool met = engine::value_at(program, ws, y.met, 0) != 0;
      check(t, ind.loc, "the target of indicator " + ind.id + " in " + std::to_string(y.year));
      f.indicators[ind.id][std::to_string(y.year)] = {{"value", v}, {"target", t}, {"met", met}};
      std::snprintf(buf, sizeof buf, "  %d: %s (%.0f vs %.0f)", y.year, met ? "met" : "MISSED", v, t);
      out << buf;
    }
    out << "\n";
  }
  for (const auto& e : program.events)
    for (const auto& [y, op] : e.years) {
      bool hit = engine::value_at(program, ws, op, 0) != 0;
      f.events[e.name][std::to_string(y)] = hit;
      out << "  " << e.name << " " << y << ": " << (hit ? "yes" : "no") << "\n";
    }
  return f;
}

int do_replay(const RunArgs& a, std::uint64_t path, std::ostream& out, std::ostream& err) {
  // A path of a run that `run` itself would refuse (fewer paths than replicates) does not exist.
  if (auto e = design_usage_error(a.sampling, a.paths, a.replicates); !e.empty()) {
    err << e;
    return kUsage;
  }
  const std::vector<Destination> dests = {{"--json", a.json}};
  if (int rc = destination_status(check_destinations(dests), err)) return rc;
  dsl::Sources sources;
  auto program = load_model(a.path, err, sources);
  if (!program) return kInvalidModel;
  if (int rc = destination_status(check_not_inputs(dests, sources), err)) return rc;
  const engine::Sampling sampling = sampling_of(a.sampling);
  if (path >= a.paths) {
    err << "cogsim: --path " << path << " is outside a run of " << a.paths << " paths (paths count from 0; give the "
        << "run's number of paths with --paths)\n";
    return kUsage;
  }
  engine::Workspace ws;
  ws.reserve(*program, 1);
  engine::BlockSpec spec{a.seed, path, 1, engine::DrawMode::Sample, sampling, a.paths};
  std::optional<engine::Design> design;  // as a run without --target-se lays it out
  try {
    design.emplace(std::vector<const engine::Program*>{&*program}, sampling, a.paths, a.replicates, 0);
  } catch (const std::invalid_argument& e) {
    err << "cogsim: " << e.what() << "\n";
    return kUsage;
  }
  spec.design = &*design;
  spec.iman_conover = a.correlation == "iman-conover";
  if (auto e = engine::run_block(*program, spec, ws)) {
    err << sources.format(*e) << "cogsim: the model failed on this path: " << e->message << "\n";
    return kRuntime;
  }
  out << program->model_name << " — path " << path << ", seed " << a.seed
      << (sampling == engine::Sampling::LatinHypercube    ? " (Latin Hypercube)"
          : sampling == engine::Sampling::QuasiMonteCarlo ? " (quasi-Monte Carlo)"
                                                          : "")
      << "\n\n";
  PathFigures f = print_path(*program, ws, out);
  if (f.not_finite) {  // no file holds a null
    err << sources.format(*f.not_finite) << "cogsim: the model failed on this path; no results written\n";
    return kRuntime;
  }
  if (a.json.empty()) return kOk;
  nlohmann::ordered_json j;
  j["meta"] = {{"model", program->model_name}, {"path", path}, {"seed", a.seed}, {"sampling", a.sampling},
               {"correlation", a.correlation}};
  if (sampling != engine::Sampling::MonteCarlo) j["meta"]["replicates"] = design->replicates();
  j["outputs"] = f.outputs;
  j["indicators"] = f.indicators;
  j["events"] = f.events;
  OutputSet set;
  return commit_or_report(set, set.add_file(a.json, json_text(j)), err);
}

// `compare BASE VARIANT…`: each variant against the base on the same paths, one after the other
// (so each comparison is exactly the one `compare BASE Vi` makes alone); with several, one table
// and each summary (src/compare_many.hpp).
int do_compare(const RunArgs& a, const std::vector<std::string>& paths, const std::string& report, std::ostream& out,
               std::ostream& err) {
  const std::vector<Destination> dests = {{"--json", a.json}, {"--report", report}, {"--xlsx", a.xlsx}};
  if (int rc = destination_status(check_destinations(dests), err)) return rc;
  auto t0 = std::chrono::steady_clock::now();
  dsl::Sources base_sources;
  auto base = load_model(a.path, err, base_sources);
  std::vector<dsl::Sources> sources(paths.size());
  std::vector<std::optional<engine::Program>> programs;
  bool ok = bool(base);
  for (std::size_t v = 0; v < paths.size(); ++v) {
    programs.push_back(load_model(paths[v], err, sources[v]));
    ok = ok && programs.back();
  }
  if (!ok) return kInvalidModel;
  if (int rc = destination_status(check_not_inputs(dests, base_sources), err)) return rc;
  for (const auto& s : sources)
    if (int rc = destination_status(check_not_inputs(dests, s), err)) return rc;
  std::vector<VariantRun> runs(paths.size());
  for (std::size_t v = 0; v < paths.size(); ++v) {
    runs[v].path = paths[v], runs[v].program = &*programs[v];
    runs[v].shared = engine::shared_counts(*base, *programs[v]);
    const engine::SharedCounts& shared = runs[v].shared;
    if (shared.series == 0) {
      err << "cogsim: " << a.path << " (" << shared.base_series << " output series) and " << paths[v] << " ("
          << shared.variant_series << ") share no output series: there is nothing to compare (a variant is the base "
          << "model with changes, e.g. a scenario that extends it)\n";
      return kInvalidModel;
    }
  }
  if (auto e = design_usage_error(a.sampling, a.paths, a.replicates); !e.empty()) {
    err << e;
    return kUsage;
  }
  engine::RunOptions opt = run_options(a);
  Progress progress(!a.quiet && ::isatty(2));
  for (std::size_t v = 0; v < paths.size(); ++v) {
    const std::uint64_t before = v * a.paths, all = paths.size() * a.paths;
    opt.progress = [&progress, before, all](std::uint64_t d, std::uint64_t) { progress.update(before + d, all); };
    runs[v].results = engine::compare(*base, *programs[v], opt);
    const auto& r = runs[v].results;
    if (r.error) {
      progress.finish();
      err << (r.error_model == 1 ? sources[v] : base_sources).format(*r.error) << "cogsim: "
          << (r.error_model == 1 ? paths[v] : a.path) << " failed while running; no results written\n";
      return kRuntime;
    }
  }
  progress.finish();
  const RunMeta meta = run_meta(a, opt.threads, t0);
  OutputSet set;
  std::string e;
  const bool one = runs.size() == 1, colour = &out == &std::cout && ::isatty(1);
  const VariantRun& first = runs.front();
  if (!a.json.empty())
    e = set.add_file(a.json, json_text(one ? compare_json(*base, *first.program, first.results, meta, a.path,
                                                          first.path, first.shared)
                                           : compare_many_json(*base, runs, meta, a.path)));
  if (e.empty() && !report.empty())
    e = set.add_file(report, one ? report::compare_html(*base, *first.program, first.results, a.seed)
                                 : report::compare_many_html(*base, runs, a.seed));
  if (e.empty() && !a.xlsx.empty())
    e = set.add_file_with(a.xlsx, [&](const std::string& tmp) {
      std::vector<report::CompareSide> sides;
      for (const VariantRun& v : runs) sides.push_back({v.program, &v.results});
      return report::write_compare_xlsx_file(tmp, a.xlsx, *base, sides);
    });
  if (int rc = commit_or_report(set, e, err)) return rc;
  if (!a.quiet)
    out << (one ? compare_summary(*base, *first.program, first.results, meta, first.shared, colour)
                : compare_many_summary(*base, runs, meta, colour));
  return kOk;
}

}  // namespace

namespace {

// What the command line says, filled in by CLI11 as it parses.
struct CommandLine {
  RunArgs run, compare, replay;
  std::vector<std::string> variant_paths;
  std::string compare_report, check_path;
  bool check_ir = false;
  std::uint64_t replay_path = 0;
};

void add_max_cells(CLI::App* cmd) {
  cmd->add_option("--max-cells", max_cells, "Most cells (and sum terms) the model may unroll to (default 2000000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
}

CLI::App* add_run_command(CLI::App& app, RunArgs& ra) {
  auto* run = app.add_subcommand("run", "Run a model: Monte Carlo (default) or the central path.");
  run->add_option("PATH", ra.path, "Rules file (.cog) or scenario folder holding main.cog")->required();
  run->add_flag("--central", ra.central, "Evaluate the central path only: every random draw at its mean");
  run->add_option("--paths,-n", ra.paths, "Number of Monte Carlo paths (default 100000)")
      ->check(unsigned_in(1, std::uint64_t(1) << 40));
  run->add_option("--seed,-s", ra.seed, "Seed of the random numbers (default 42); same seed, same results")
      ->check(unsigned_in(0, UINT64_MAX));
  run->add_option("--threads,-t", ra.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(unsigned_in(1, 1024));
  run->add_option("--block-size", ra.block_size,
                  "Paths evaluated together by each instruction (default 1024; a power of two up to 16384)")
      ->check([](const std::string& s) -> std::string {
        std::uint64_t v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 16384 || (v & (v - 1)) != 0)
          return "must be a power of two between 1 and 16384";
        return "";
      });
  run->add_option("--target-se", ra.target_se,
                  "Stop once every indicator's P(met) has a standard error below this (e.g. 0.001)")
      ->check(finite_in(0.0, 0.5));
  run->add_option("--sampling", ra.sampling, kSamplingHelp)->check(CLI::IsMember(kSamplingNames));
  run->add_option("--replicates", ra.replicates, kReplicatesHelp)->check(CLI::Range(2, 100000));
  run->add_option("--correlation", ra.correlation, kCorrelationHelp)->check(CLI::IsMember(kCorrelationNames));
  run->add_option("--json", ra.json, "Write the results file (JSON) here, atomically")->check(path_given());
  run->add_option("--report", ra.report, "Write the report (one self-contained HTML page, in French) here")->check(path_given());
  run->add_option("--report-why", ra.report_why,
                  "With --report: add the sensitivity of the N indicators most at risk (\"Et pourquoi ?\")")
      ->check(CLI::Range(1, 1000));
  run->add_option("--xlsx", ra.xlsx, "Write the results workbook (XLSX: summary, indicators, outputs, funds) here")->check(path_given());
  run->add_option("--csv", ra.csv, "Write tidy CSV tables (outputs, indicators, events, labels, run) into this folder")->check(path_given());
  run->add_option("--csv-dialect", ra.csv_dialect,
                  "tidy (default: ',' and decimal point) or excel-fr (';', decimal comma, UTF-8 BOM)")
      ->check(CLI::IsMember({"tidy", "excel-fr"}));
  run->add_flag("--quiet,-q", ra.quiet, "No progress bar and no summary");
  run->add_option("--set", ra.sets, "Replace a param cell's value: CELL=VALUE, e.g. \"savings[CDS, 2024]=0.02\" (repeatable)");
  add_max_cells(run);
  return run;
}

CLI::App* add_compare_command(CLI::App& app, CommandLine& cl) {
  RunArgs& ca = cl.compare;
  auto* cmp = app.add_subcommand(
      "compare", "Compare scenarios on the same paths (common random numbers): variant − base, path by path; "
                 "several variants at once are each compared with the base, in one table.");
  cmp->add_option("BASE", ca.path, "The base scenario (.cog file or folder with main.cog)")->required();
  cmp->add_option("VARIANT", cl.variant_paths,
                  "The variant scenario, e.g. an avenant; several variants are each compared with the base on the "
                  "same paths, in one table")
      ->required();
  cmp->add_option("--paths,-n", ca.paths, "Number of paired paths (default 100000)")
      ->check(unsigned_in(1, std::uint64_t(1) << 40));
  cmp->add_option("--seed,-s", ca.seed, "Seed of the random numbers (default 42)")
      ->check(unsigned_in(0, UINT64_MAX));
  cmp->add_option("--threads,-t", ca.threads, "Worker threads (default: all cores)")->check(unsigned_in(1, 1024));
  cmp->add_option("--sampling", ca.sampling, kSamplingHelp)->check(CLI::IsMember(kSamplingNames));
  cmp->add_option("--replicates", ca.replicates, kReplicatesHelp)->check(CLI::Range(2, 100000));
  cmp->add_option("--correlation", ca.correlation, kCorrelationHelp)->check(CLI::IsMember(kCorrelationNames));
  cmp->add_option("--json", ca.json, "Write the comparison (JSON) here, atomically")->check(path_given());
  cmp->add_option("--report", cl.compare_report, "Write an HTML page of the comparison here (self-contained)")->check(path_given());
  cmp->add_option("--xlsx", ca.xlsx,
                  "Write the comparison workbook (XLSX: probabilities, series that moved, the variant's own series, "
                  "a chart) here; with several variants, each row names its variant")
      ->check(path_given());
  cmp->add_flag("--quiet,-q", ca.quiet, "No progress bar and no summary");
  return cmp;
}

CLI::App* add_replay_command(CLI::App& app, CommandLine& cl) {
  RunArgs& pa = cl.replay;
  auto* replay = app.add_subcommand("replay", "Replay one path of a Monte Carlo run and print every figure on it.");
  replay->add_option("PATH", pa.path, "Rules file (.cog) or scenario folder holding main.cog")->required();
  replay->add_option("--path,-k", cl.replay_path, "The path to replay (0-based)")
      ->required()
      ->check(unsigned_in(0, (std::uint64_t(1) << 40) - 1));
  replay->add_option("--seed,-s", pa.seed, "Seed of the run (default 42)")
      ->check(unsigned_in(0, UINT64_MAX));
  replay->add_option("--sampling", pa.sampling, kSamplingHelp)->check(CLI::IsMember(kSamplingNames));
  replay->add_option("--replicates", pa.replicates, "Replicates of the run (lhs, qmc; default 10)")
      ->check(CLI::Range(2, 100000));
  replay->add_option("--correlation", pa.correlation, kCorrelationHelp)->check(CLI::IsMember(kCorrelationNames));
  replay->add_option("--paths,-n", pa.paths, "Paths of the run (default 100000): --path must be below it")
      ->check(unsigned_in(1, std::uint64_t(1) << 40));
  replay->add_option("--json", pa.json, "Write the path's figures (JSON) here")->check(path_given());
  return replay;
}

// An unknown command word is named, with a suggestion, before CLI11 sees it. True: reported.
bool unknown_command(int argc, char** argv, CLI::App& app, std::ostream& err) {
  if (argc <= 1 || argv[1][0] == '-') return false;
  std::vector<std::string> commands;
  for (const auto* sc : app.get_subcommands({})) commands.push_back(sc->get_name());
  if (std::find(commands.begin(), commands.end(), argv[1]) != commands.end()) return false;
  std::string near = dsl::closest(argv[1], commands);
  err << "cogsim: unknown command '" << argv[1] << "'" << (near.empty() ? "" : "; did you mean '" + near + "'?")
      << "\nCommands: ";
  for (std::size_t i = 0; i < commands.size(); ++i) err << (i ? ", " : "") << commands[i];
  err << ". Run with --help for more information.\n";
  return true;
}

// `cogsim --help` shows every command with its options; `cogsim run --help` only run's.
void print_help(CLI::App& app, std::ostream& out) {
  static const char* const order[] = {"run", "compare", "replay", "sensitivity", "goal", "sweep", "check"};
  for (const char* name : order)
    if (app.got_subcommand(name)) {
      out << app.get_subcommand(name)->help();
      return;
    }
  out << app.help();
  for (const char* name : order) out << "\n" << app.get_subcommand(name)->help();
}

// Parses the command line. -1: go on; otherwise the exit status (help printed, or a usage error).
int parse(CLI::App& app, int argc, char** argv, std::ostream& out, std::ostream& err) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    print_help(app, out);
    return kOk;
  } catch (const CLI::ParseError& e) {
    std::ostringstream o, er;
    app.exit(e, o, er);
    if (e.get_exit_code() == 0) {
      out << o.str();
      return kOk;
    }
    err << "cogsim: " << er.str();
    if (er.str().find("--help") == std::string::npos) err << "Run with --help for more information.\n";
    return kUsage;
  }
  return -1;
}

}  // namespace

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"cogsim — test the commitments of a COG (convention d'objectifs et de gestion) "
               "against uncertainty.\nRules files (.cog) encode the budget and indicator rules and "
               "the projection model; cogsim checks them and runs them by Monte Carlo.",
               "cogsim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", COGSIM_VERSION);

  CommandLine cl;
  auto* run = add_run_command(app, cl.run);
  auto* cmp = add_compare_command(app, cl);
  auto* replay = add_replay_command(app, cl);
  auto run_analysis = add_analysis_commands(app);
  auto run_sweep = add_sweep_command(app);
  auto* check = app.add_subcommand("check", "Validate a rules file and run its asserts on the central path.");
  check->add_option("PATH", cl.check_path, "Rules file (.cog) or scenario folder holding main.cog")->required();
  check->add_flag("--ir", cl.check_ir, "Also print the compiled program, one instruction a line (engine/ir_text.hpp)");
  add_max_cells(check);
  app.add_subcommand("serve", "A local what-if page for a scenario: edit params, see P(met) change, save the "
                             "avenant (cogsim serve SCENARIO [--port P] [--host H] [--save-dir D]; docs/serve.md).");

  if (argc > 1 && std::string(argv[1]) == "serve") return launch_serve(argc, argv, err);
  if (unknown_command(argc, argv, app, err)) return kUsage;
  if (int rc = parse(app, argc, argv, out, err); rc >= 0) return rc;
  // With MPI, commands other than `run` and `sweep` go on rank 0 alone.
  if (mpi() && mpi()->shared() && !*run && !app.got_subcommand("sweep") && !mpi()->root()) return kOk;
  if (*run) return do_run(cl.run, out, err);
  if (*check) return do_check(cl.check_path, cl.check_ir, out, err);
  if (*cmp) return do_compare(cl.compare, cl.variant_paths, cl.compare_report, out, err);
  if (*replay) return do_replay(cl.replay, cl.replay_path, out, err);
  if (int rc = run_analysis(out, err); rc >= 0) return rc;
  if (int rc = run_sweep(out, err); rc >= 0) return rc;
  return kUsage;
}

}  // namespace cogsim::app
