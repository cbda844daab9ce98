// Paired comparison of two scenarios on the same paths: the variant minus the base, path by
// path. Because draws are addressed by content, a variable both scenarios have gets the same
// draws (common random numbers) and the difference carries only the effect of the change.
#pragma once

#include <string>
#include <vector>

#include "engine/simulator.hpp"

namespace cogsim::engine {

struct PairedYear {
  int year = 0;
  SeriesStats delta;  // distribution of variant − base over paths
};

struct OutputDelta {
  std::string name, label, unit;
  std::vector<PairedYear> years;
};

struct ProbabilityDelta {
  int year = 0;
  Proportion base, variant;
  Moments paired;  // of met(variant) − met(base) per path: its sd gives the paired standard error
  std::uint32_t replicates = 0;  // a design run: the paired standard error across its replicates
  double design_se = 0;
  double delta() const { return variant.p() - base.p(); }
  double std_error() const;
};

struct IndicatorDelta {
  std::string id, label;
  std::vector<ProbabilityDelta> years;
};

struct CompareResults {
  std::uint64_t paths = 0;
  std::uint32_t replicates = 0;  // a design run's replicates (0: iid paths)
  std::vector<OutputDelta> outputs;
  std::vector<IndicatorDelta> indicators;
  std::vector<IndicatorDelta> events;  // same shape: one probability per year
  std::vector<std::string> only_in_base, only_in_variant;  // outputs not shared
  std::optional<Diagnostic> error;
  int error_model = 0;  // with error: the model whose sources locate it (0: base, 1: variant)
};

CompareResults compare(const Program& base, const Program& variant, const RunOptions& options);

// What two models have in common, known before running them: output series with the same name
// (and at least one year in both), and random cells with the same identity (which get the same
// draws on each path). Two models that share no series have nothing to compare.
struct SharedCounts {
  std::size_t series = 0, base_series = 0, variant_series = 0;
  std::size_t draws = 0, base_draws = 0, variant_draws = 0;
};
SharedCounts shared_counts(const Program& base, const Program& variant);

}  // namespace cogsim::engine
