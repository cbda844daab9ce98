// Per-replicate sums of a design run (engine/design.hpp) and the standard errors they give.
//
// A chunk of paths keeps, for each replicate it touches, the sum of each series' values (shifted by
// the series' central value) in path order, and the hits of each hit term; the run merges chunks
// in chunk order, so the sums, hence the standard errors, are bit-identical whatever the threads
// and block sizes. With R replicates of n_r paths and means m_r (overall mean m, N paths):
//     SE² = R / (R − 1) · Σ_r (n_r / N)² (m_r − m)²
// the between-replicate estimator of the variance of the weighted mean (equal sizes: the sample
// variance of the replicate means over R).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/bytes.hpp"

namespace cogsim::engine {

class Design;

struct ReplicateSums {
  std::uint32_t first = 0, count = 0;  // the replicates [first, first + count) this holds
  std::size_t series = 0, hit_terms = 0;
  std::vector<double> sums;            // [series * count + k]
  std::vector<std::uint64_t> hits;     // [hit * count + k]

  // Sized for the paths [first_path, last_path) of `design`, zeroed.
  void reset(const Design& design, std::uint64_t first_path, std::uint64_t last_path, std::size_t n_series,
             std::size_t n_hits);
  // In path order: values v[0..n) of paths first_path.. of series i, less `shift`.
  void add(const Design& design, std::size_t i, const double* v, std::size_t n, std::uint64_t first_path,
           double shift);
  void add_hits(const Design& design, std::size_t h, const double* v, std::size_t n, std::uint64_t first_path);
  void add_constant_hits(const Design& design, std::size_t h, std::size_t n, std::uint64_t first_path);
  void serialize(Writer& w) const;
  static ReplicateSums deserialize(Reader& r);
};

class ReplicateTotals {
 public:
  ReplicateTotals() = default;
  ReplicateTotals(const Design& design, std::size_t n_series, std::size_t n_hits);
  void merge(const ReplicateSums& chunk);  // in chunk order
  std::uint32_t replicates() const { return replicates_; }
  // The replicates whose paths all lie below `paths` (merged in order: the complete ones).
  std::uint32_t complete(std::uint64_t paths) const;
  // Standard errors over the first `r` replicates: of series i's mean, of hit term h's proportion.
  double series_se(std::size_t i, std::uint32_t r) const;
  double hit_se(std::size_t h, std::uint32_t r) const;
  double hit_mean(std::size_t h, std::uint32_t r) const;  // the proportion over the first r replicates

 private:
  double se(const std::vector<double>& means, std::uint32_t r) const;
  std::uint32_t replicates_ = 0;
  std::vector<std::uint64_t> sizes_, ends_;
  std::vector<double> sums_;          // [series * R + r]
  std::vector<std::uint64_t> hits_;   // [hit * R + r]
};

}  // namespace cogsim::engine
