// By how much a target is missed when it is missed, read from a series' quantile sketch: the
// share of paths that miss it and the shortfall's median, 90th percentile and mean over those
// paths (conditional quantiles: for a target met at or above t, missed by q = F(t⁻), the
// shortfall's median is t − Q(q/2) and its P90 t − Q(q/10)).
#pragma once

#include <optional>

#include "engine/stats.hpp"

namespace cogsim::app::report {

struct Shortfall {
  double missed = 0;               // share of paths that miss the target (from the sketch)
  double median = 0, p90 = 0, mean = 0;  // of the amount missed by, over those paths (> 0)
};

// nullopt when no path (at the sketch's resolution) misses it, or the sketch is empty.
// `above`: the target is met at or above `target` (else at or below).
std::optional<Shortfall> shortfall(const engine::QuantileSketch& s, double target, bool above);

}  // namespace cogsim::app::report
