// The --sampling, --replicates and --correlation options, shared by run, compare, replay and sweep.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/evaluator.hpp"

namespace cogsim::app {

inline const std::vector<std::string> kSamplingNames = {"mc", "lhs", "qmc"};
inline constexpr const char* kSamplingHelp =
    "mc (plain Monte Carlo, default), lhs (Latin Hypercube: each random cell stratified) or qmc "
    "(randomised quasi-Monte Carlo: scrambled Sobol'); lhs and qmc run --replicates independent "
    "replicates, whose spread gives the standard errors";
inline constexpr const char* kReplicatesHelp =
    "lhs and qmc: independent replicates of the design (default 10, at least 2); their spread gives "
    "every standard error";

inline const std::vector<std::string> kCorrelationNames = {"copula", "iman-conover"};
inline constexpr const char* kCorrelationHelp =
    "how `correlate` pairs are drawn: copula (Gaussian copula, default) or iman-conover (Iman-Conover "
    "rank reordering in groups of 1024 paths)";

inline engine::Sampling sampling_of(const std::string& name) {
  if (name == "lhs") return engine::Sampling::LatinHypercube;
  if (name == "qmc") return engine::Sampling::QuasiMonteCarlo;
  return engine::Sampling::MonteCarlo;
}

// A design run needs at least as many paths as replicates (each replicate one design of its own):
// "" when fine, else the usage message.
inline std::string design_usage_error(const std::string& sampling, std::uint64_t paths, std::uint32_t replicates) {
  if (sampling == "mc" || paths >= replicates) return "";
  return "cogsim: --sampling " + sampling + " runs " + std::to_string(replicates) + " replicates (--replicates): give " +
         "at least that many paths (--paths " + std::to_string(paths) + ")\n";
}

// The words the reports use for a design, in French.
inline const char* sampling_label_fr(const std::string& name) {
  if (name == "lhs") return "hypercube latin (lhs)";
  if (name == "qmc") return "quasi-Monte Carlo randomisé (qmc, Sobol' brouillé)";
  return "Monte Carlo simple (mc)";
}

}  // namespace cogsim::app
