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
  // The last shared year's distribution in each scenario (the page's overlaid S-curves).
  SeriesStats last_base, last_variant;
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

// A series, or some years of a series, that one scenario has and the other has not (an avenant's
// own cost, the years a variant adds): its values in the scenario that has it.
struct SoloYear {
  int year = 0;
  SeriesStats value;
};
struct OutputSolo {
  std::string name, label, unit;
  int side = 1;  // 0: only the base has these years, 1: only the variant
  std::vector<SoloYear> years;
};

// An indicator or event whose years (some or all) exist in one scenario only: its probability there.
struct ProbabilitySolo {
  std::string id, label;
  int side = 1;
  std::vector<std::pair<int, Proportion>> years;
};

// An indicator's target in one year, in each scenario: its kind, rate and mean value (the target
// is computed on every path; a constant target is exact).
struct TargetSide {
  TargetKind kind = TargetKind::AtLeast;
  double rate = 0, value = 0, value_hi = 0;
};
struct TargetPair {
  std::string id, label;
  int year = 0;
  TargetSide base, variant;
  bool values_differ = false;  // the target differs on some path (or the constants differ)
  bool changed() const;        // kind, rate or value differ
};

struct CompareResults {
  std::uint64_t paths = 0;
  std::uint32_t replicates = 0;  // a design run's replicates (0: iid paths)
  std::vector<OutputDelta> outputs;
  std::vector<IndicatorDelta> indicators;
  std::vector<IndicatorDelta> events;  // same shape: one probability per year
  std::vector<std::string> only_in_base, only_in_variant;  // outputs not shared
  std::vector<OutputSolo> solo_outputs;           // every output-year present on one side only
  std::vector<ProbabilitySolo> solo_indicators, solo_events;
  std::vector<TargetPair> targets;                // every indicator-year the two share
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
