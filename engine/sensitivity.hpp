// Which uncertain input matters: a tornado (each input alone at its P10 and P90, the others at
// their means), contributions to variance (squared rank correlations, as @RISK shows), and
// Sobol first-order and total indices (Saltelli 2010 / Jansen 1999 estimators, centred; bootstrap
// intervals). An "input" is a draw group: every draw of one definition (e.g. all the years of
// the inflation shock), so the answer reads in the model's own vocabulary.
#pragma once

#include <string>
#include <vector>

#include "engine/ir.hpp"

namespace cogsim::engine {

struct SensitivityOptions {
  std::uint64_t paths = 20000;  // per Sobol matrix, and for the rank correlations
  std::uint64_t seed = 42;
  int threads = 0;
  int bootstrap = 200;
  bool keep_evaluations = false;  // fill SensitivityResults::evaluations (for an outside estimator)
  // The target is a 0/1 flag (an indicator's met): also the tornado in probability and the
  // inputs on the paths where the flag is 0 against those where it is 1.
  bool probability = false;
  bool sobol = true;  // false: no Sobol indices (nor their N × (inputs + 1) paths)
};

// P(flag = 1) with one input held at its P10 (then its P90) and every other input drawn, on the
// same paths as the unconditional estimate (common random numbers).
struct ProbabilityBar {
  std::string input;
  double low = 0, high = 0;        // P with the input at its P10, at its P90
  double low_se = 0, high_se = 0;  // standard errors of low − mean and high − mean, paired by path
};

// What a missed target looks like: an input on the paths where the flag is 0 against those where
// it is 1. The input's value on a path is the mean of the group's draws the flag reads (e.g. the
// years of one entity's shock), of all the group's draws when it only feeds a copula.
struct MissedProfile {
  std::string input;
  double mean_missed = 0, mean_met = 0;
  double centile_missed = 0, centile_met = 0;  // mean rank of the value among all paths, in [0, 1]
};

// The centiles of the spider chart: each input alone at each, the others at their means.
inline constexpr double kSpiderCentiles[] = {0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95};

struct TornadoBar {
  std::string input;
  double low = 0, high = 0;  // the output with this input at its P10 and at its P90
  std::vector<double> spider;  // the output with this input at each of kSpiderCentiles (P10, P90 included)
};

struct Contribution {
  std::string input;
  double rank_correlation = 0;  // the group's strongest signed Spearman correlation with the output
  double share = 0;             // share of the sum of squared rank correlations
};

struct SobolIndex {
  std::string input;
  double first = 0, first_lo = 0, first_hi = 0;
  double total = 0, total_lo = 0, total_hi = 0;
};

struct SensitivityResults {
  double central = 0;          // of the tornado's figure on the central path
  double mean = 0, variance = 0;  // of the target over the paths
  std::vector<TornadoBar> tornado;         // widest first
  std::vector<Contribution> contributions; // largest first
  std::vector<SobolIndex> sobol;           // largest total first
  // Inputs the figure (and the tornado's figure) does not depend on, read from the IR
  // (engine/dependencies.hpp), in Program::draw_groups order: no bar, no contribution, no index.
  std::vector<std::string> no_effect;
  // With keep_evaluations: the model evaluations behind the Sobol indices, path by path: f on
  // matrix A, on matrix B, and on A with one input's draws taken from B (one per indexed input,
  // in the order of `ab_inputs`), so that another implementation (SALib's estimators, say) can be
  // run on exactly the same evaluations.
  struct Evaluations {
    std::vector<double> a, b;
    std::vector<std::string> ab_inputs;
    std::vector<std::vector<double>> ab;
  } evaluations;
  // With SensitivityOptions::probability: widest first; largest centile gap first.
  std::vector<ProbabilityBar> probability_tornado;
  std::vector<MissedProfile> missed;
  std::uint64_t missed_paths = 0;  // paths of matrix A where the flag is 0
  std::uint64_t paths = 0;         // of matrix A (each probability of the tornado is over as many)
  std::optional<Diagnostic> error;
};

// `tornado_on`: what the tornado shows (by default the target itself). For a probability (a 0/1
// met flag) the tornado is more telling on the value the indicator follows.
SensitivityResults sensitivity(const Program& p, Operand target, const SensitivityOptions& options,
                               std::optional<Operand> tornado_on = std::nullopt);

}  // namespace cogsim::engine
