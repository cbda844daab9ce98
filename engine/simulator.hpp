// The Monte Carlo kernel: generate (counter-based draws) -> evaluate (blocks of paths) ->
// accumulate (streaming statistics). No I/O: progress goes through a callback.
//
// Reproducibility: paths are cut into fixed chunks; each chunk is evaluated block after block by
// one thread and its moments are accumulated in path order; chunks are merged in chunk order.
// Quantile sketches and hit counts are integers, merged exactly. Hence results are bit-identical
// for any thread count and any block size (the block size must divide the chunk size).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "engine/evaluator.hpp"
#include "engine/ir.hpp"
#include "engine/stats.hpp"

namespace cogsim::engine {

class ChunkExchange;  // engine/partition.hpp

struct RunOptions {
  std::uint64_t paths = 100000;
  std::uint64_t seed = 42;
  int threads = 0;                  // 0: all cores
  std::size_t block_size = 1024;    // paths evaluated together by each instruction
  std::size_t chunk_size = 16384;   // paths accumulated in order by one thread (fixed: results depend on it)
  bool central = false;             // one path, every draw at its mean
  Sampling sampling = Sampling::MonteCarlo;
  // Latin Hypercube and quasi-Monte Carlo: independent replicates of the design, whose spread gives
  // every standard error (engine/design.hpp); at least 2. Ignored by Monte Carlo.
  std::uint32_t replicates = 10;
  // Correlated draws by Iman–Conover reordering in groups of 1 024 paths instead of the Gaussian
  // copula (engine/iman_conover.hpp).
  bool iman_conover = false;
  double quantile_alpha = 1e-3;     // relative accuracy of the quantile sketches
  // Stop early once every indicator's P(met) has a standard error below this (0: never). A design
  // run stops at a replicate boundary (its replicates are then whole chunks).
  double target_se = 0;
  std::uint64_t min_paths = 10000;  // with target_se: never stop before this many paths
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // A run shared by several processes (engine/partition.hpp): this one evaluates the chunks the
  // exchange says are its own; only the root's result is the run's. Null: every chunk here.
  ChunkExchange* exchange = nullptr;
  // Bytes the run may take, estimated before anything is allocated for it (engine/memory_check.hpp);
  // a run past it fails with a located error. 0: no check.
  std::uint64_t memory_limit = 0;
};

struct SeriesStats {
  Moments moments;
  QuantileSketch sketch;  // with its fine windows around the reported levels (engine/quantiles.hpp)
  double central = 0;
  bool constant = false;  // the same value on every path: quantiles are exactly `central`
  std::uint32_t replicates = 0;  // a design run: the mean's standard error is design_se
  double design_se = 0;
  double std_error() const {
    if (replicates > 0) return constant ? 0.0 : design_se;
    return moments.n > 1 ? moments.std_error() : 0.0;
  }
  double quantile(double q) const { return quantile_with_bound(q).value; }
  // The quantile and a bound on its distance to the exact empirical quantile of the paths.
  QuantileWindows::Answer quantile_with_bound(double q) const {
    return constant ? QuantileWindows::Answer{central, 0.0} : sketch.fine_quantile(q);
  }
};

// The estimates of every hit proportion (indicators' P(met), events) as paths grow: the
// convergence view of the results files and reports.
struct ConvergencePoint {
  std::uint64_t paths = 0;
  std::vector<double> p, se;  // per hit term
};

struct RunResults {
  std::uint64_t paths = 0;
  bool stopped_early = false;
  std::vector<std::vector<SeriesStats>> outputs;      // [output][year index]
  std::vector<std::vector<Proportion>> indicator_met; // [indicator][year index]
  std::vector<std::vector<SeriesStats>> indicator_target;
  // The upper bound of a `between` indicator, per year (default-constructed for other kinds).
  std::vector<std::vector<SeriesStats>> indicator_target_hi;
  std::vector<std::vector<Proportion>> events;        // [event][year index]
  std::vector<double> correlations;                   // measured rank correlation, per Program::correlations
  std::uint32_t replicates = 0;     // a design run's replicates (0: iid paths)
  std::uint32_t padded_dimensions = 0;  // quasi-Monte Carlo: random cells beyond the Sobol' table
  // After 1, 2, 4 … chunks and at the end (a design run: after each whole replicate from the
  // second); p and se per indicator-year (indicators in order, their years in order), then per
  // event-year likewise.
  std::vector<ConvergencePoint> convergence;
  std::optional<Diagnostic> error;
};

RunResults simulate(const Program& program, const RunOptions& options);

// The general kernel behind simulate() and comparisons: several programs evaluated on the same
// paths (so a variable they share gets the same draws), each series a value of one program or
// the paired difference of two.
struct Term {
  int prog = 0;
  Operand op = 0;
};
struct SeriesSpec {
  Term plus;
  std::optional<Term> minus;
};
struct CoreResult {
  std::uint64_t paths = 0;
  bool stopped_early = false;
  std::vector<SeriesStats> series;
  std::vector<std::uint64_t> hits;  // paths where each hit term is non-zero
  std::vector<double> correlations; // of programs[0]
  std::uint32_t replicates = 0;     // a design run's replicates (0: iid paths)
  std::vector<double> hit_se;       // with replicates: the standard error of each hit proportion
  std::vector<ConvergencePoint> convergence;  // per hit term (RunResults::convergence)
  std::uint32_t padded_dimensions = 0;
  std::optional<Diagnostic> error;
  std::size_t nonfinite_series = SIZE_MAX;  // with error: the series that was not finite
  std::size_t error_program = 0;            // with error: the program whose sources locate it
};
// `stop_hits`: the first hits whose precision decides an early stop (RunOptions::target_se).
CoreResult run_core(const std::vector<const Program*>& programs, const std::vector<SeriesSpec>& series,
                    const std::vector<Term>& hits, std::size_t stop_hits, const RunOptions& options);

}  // namespace cogsim::engine
