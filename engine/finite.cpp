#include "engine/finite.hpp"

#include <cmath>
#include <cstdio>

namespace cogsim::engine {

SeriesName series_name(const Program& p, std::size_t k) {
  for (const auto& o : p.outputs)
    for (const auto& [y, op] : o.years)
      if (k-- == 0) return {"output " + o.name + " in " + std::to_string(y), o.loc};
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years)
      if (k-- == 0) return {"the target of indicator " + ind.id + " in " + std::to_string(y.year), ind.loc};
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years)
      if (y.has_upper() && k-- == 0)
        return {"the upper target of indicator " + ind.id + " in " + std::to_string(y.year), ind.loc};
  return {};
}

namespace {

// Which statistic of `s` is not finite ("" when all are).
std::string broken_statistic(const SeriesStats& s) {
  // The sums themselves: once the sum of squares is infinite, variance() computes inf − inf and
  // its clamp at zero would report a standard deviation of 0.
  if (!std::isfinite(s.moments.s1) || !std::isfinite(s.moments.mean())) return "mean";
  if (s.moments.n > 1 && (!std::isfinite(s.moments.s2) || !std::isfinite(s.moments.variance()))) return "variance";
  for (double q : {0.05, 0.5, 0.95})
    if (s.moments.n > 0 && !std::isfinite(s.quantile(q))) return "quantiles";
  return "";
}

}  // namespace

std::optional<Diagnostic> overflow_of(const SeriesStats& s, const std::string& what, SourceLoc loc) {
  const std::string which = broken_statistic(s);
  if (which.empty()) return std::nullopt;
  char scale[64];
  std::snprintf(scale, sizeof scale, "%.3g", std::fabs(s.central));
  Diagnostic d;
  d.loc = loc;
  d.message = what + ": its " + which + " over the paths overflows a double (its values are finite, about " + scale +
              " on the central path, but " + (which == "variance" ? "their squares add up" : "their sum reaches") +
              " beyond 1.8e308); express the series in a larger unit or bound it";
  return d;
}

std::optional<Diagnostic> statistics_overflow(const Program& p, const RunResults& r) {
  std::size_t k = 0;
  auto check = [&](const SeriesStats& s) -> std::optional<Diagnostic> {
    const std::size_t at = k++;
    if (broken_statistic(s).empty()) return std::nullopt;
    SeriesName n = series_name(p, at);
    return overflow_of(s, n.what, n.loc);
  };
  for (const auto& years : r.outputs)
    for (const auto& s : years)
      if (auto d = check(s)) return d;
  for (const auto& years : r.indicator_target)
    for (const auto& s : years)
      if (auto d = check(s)) return d;
  return std::nullopt;
}

}  // namespace cogsim::engine
