// Figures that must be finite: the statistics of every output series over the paths. A model whose
// values are finite on every path can still overflow a mean (a sum of 10³⁰⁸-sized values) or a
// variance (their squares); such a run must fail (status 5) rather than print null or a wrong
// quantile. Errors name the series and point at its definition.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "engine/diagnostic.hpp"
#include "engine/ir.hpp"
#include "engine/simulator.hpp"

namespace cogsim::engine {

// The k-th series of simulate()'s flat list (outputs by year, then indicator targets, then the
// upper targets of `between` indicators): what to call it and where it is defined.
struct SeriesName {
  std::string what;  // "output resultat.CDS in 2024", "the target of indicator 8 in 2024"
  SourceLoc loc{UINT32_MAX, 0, 0};
};
SeriesName series_name(const Program& p, std::size_t k);

// The error when a statistic of series `s` (called `what`, defined at `loc`) is not a finite
// number; nullopt when every one is.
std::optional<Diagnostic> overflow_of(const SeriesStats& s, const std::string& what, SourceLoc loc);

// The first output or indicator target whose mean, standard deviation or quantiles are not finite
// numbers (overflow), as a located error; nullopt when every statistic is finite.
std::optional<Diagnostic> statistics_overflow(const Program& p, const RunResults& r);

}  // namespace cogsim::engine
