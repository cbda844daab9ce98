#include "src/shortfall.hpp"

#include "src/svg_charts.hpp"

namespace cogsim::app::report {

std::optional<Shortfall> shortfall(const engine::QuantileSketch& s, double target, bool above) {
  const std::uint64_t n = s.count();
  if (n == 0) return std::nullopt;
  // Paths strictly on the missing side: below the target (above = true) or above it.
  std::uint64_t below = 0;  // values < target: the largest rank whose value is below it
  {
    std::uint64_t lo = 0, hi = n;
    auto at = [&](std::uint64_t r) { return s.quantile((double(r) - 0.5) / double(n)); };
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo + 1) / 2;
      if (at(mid) < target) lo = mid; else hi = mid - 1;
    }
    below = lo;
  }
  const std::uint64_t missed = above ? below : n - sketch_count_at_most(s, target);
  if (missed == 0) return std::nullopt;
  const double q = double(missed) / double(n);
  // Q at a share u of the missing paths, counted from the target outwards.
  auto gap = [&](double u) {
    return above ? target - s.quantile(q * (1 - u)) : s.quantile(1 - q * (1 - u)) - target;
  };
  Shortfall r;
  r.missed = q;
  r.median = gap(0.5);
  r.p90 = gap(0.9);
  const int m = 400;  // the mean: the midpoint rule over the missing paths' quantiles
  for (int k = 0; k < m; ++k) r.mean += gap((k + 0.5) / m);
  r.mean /= m;
  return r;
}

}  // namespace cogsim::app::report
