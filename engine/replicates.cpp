#include "engine/replicates.hpp"

#include <algorithm>
#include <cmath>

#include "engine/design.hpp"

namespace cogsim::engine {

void ReplicateSums::reset(const Design& design, std::uint64_t first_path, std::uint64_t last_path,
                          std::size_t n_series, std::size_t n_hits) {
  first = design.replicate_of(first_path);
  count = last_path > first_path ? design.replicate_of(last_path - 1) - first + 1 : 0;
  series = n_series;
  hit_terms = n_hits;
  sums.assign(n_series * count, 0.0);
  hits.assign(n_hits * count, 0);
}

// Calls f(k, begin, end) for each run of the paths [first_path, first_path + n) in one replicate,
// k counted from `first`, begin/end indices into the block.
template <typename F>
void by_replicate(const Design& design, std::uint32_t first, std::uint64_t first_path, std::size_t n, F f) {
  for (std::size_t i = 0; i < n;) {
    const std::uint32_t r = design.replicate_of(first_path + i);
    const std::uint64_t end = design.start(r) + design.size(r);
    const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(n - i, end - (first_path + i)));
    f(r - first, i, i + len);
    i += len;
  }
}

void ReplicateSums::add(const Design& design, std::size_t i, const double* v, std::size_t n, std::uint64_t first_path,
                        double shift) {
  by_replicate(design, first, first_path, n, [&](std::uint32_t k, std::size_t b, std::size_t e) {
    double s = sums[i * count + k];
    for (std::size_t j = b; j < e; ++j) s += v[j] - shift;
    sums[i * count + k] = s;
  });
}

void ReplicateSums::add_hits(const Design& design, std::size_t h, const double* v, std::size_t n,
                             std::uint64_t first_path) {
  by_replicate(design, first, first_path, n, [&](std::uint32_t k, std::size_t b, std::size_t e) {
    std::uint64_t c = 0;
    for (std::size_t j = b; j < e; ++j) c += v[j] != 0;
    hits[h * count + k] += c;
  });
}

void ReplicateSums::add_constant_hits(const Design& design, std::size_t h, std::size_t n, std::uint64_t first_path) {
  by_replicate(design, first, first_path, n,
               [&](std::uint32_t k, std::size_t b, std::size_t e) { hits[h * count + k] += e - b; });
}

void ReplicateSums::serialize(Writer& w) const {
  w.put(first);
  w.put(count);
  w.put<std::uint64_t>(series);
  w.put<std::uint64_t>(hit_terms);
  w.put_vector(sums);
  w.put_vector(hits);
}

ReplicateSums ReplicateSums::deserialize(Reader& r) {
  ReplicateSums s;
  s.first = r.get<std::uint32_t>();
  s.count = r.get<std::uint32_t>();
  s.series = r.get<std::uint64_t>();
  s.hit_terms = r.get<std::uint64_t>();
  s.sums = r.get_vector<double>();
  s.hits = r.get_vector<std::uint64_t>();
  return s;
}

ReplicateTotals::ReplicateTotals(const Design& design, std::size_t n_series, std::size_t n_hits)
    : replicates_(design.replicates()),
      sums_(n_series * design.replicates(), 0.0),
      hits_(n_hits * design.replicates(), 0) {
  for (std::uint32_t r = 0; r < replicates_; ++r) {
    sizes_.push_back(design.size(r));
    ends_.push_back(design.start(r) + design.size(r));
  }
}

void ReplicateTotals::merge(const ReplicateSums& c) {
  for (std::size_t i = 0; i < c.series; ++i)
    for (std::uint32_t k = 0; k < c.count; ++k) sums_[i * replicates_ + c.first + k] += c.sums[i * c.count + k];
  for (std::size_t h = 0; h < c.hit_terms; ++h)
    for (std::uint32_t k = 0; k < c.count; ++k) hits_[h * replicates_ + c.first + k] += c.hits[h * c.count + k];
}

std::uint32_t ReplicateTotals::complete(std::uint64_t paths) const {
  return static_cast<std::uint32_t>(std::upper_bound(ends_.begin(), ends_.end(), paths) - ends_.begin());
}

double ReplicateTotals::se(const std::vector<double>& means, std::uint32_t r) const {
  if (r < 2) return std::nan("");
  double n = 0, mean = 0;
  for (std::uint32_t k = 0; k < r; ++k) n += double(sizes_[k]), mean += double(sizes_[k]) * means[k];
  mean /= n;
  double v = 0;
  for (std::uint32_t k = 0; k < r; ++k) {
    const double w = double(sizes_[k]) / n, d = means[k] - mean;
    v += w * w * d * d;
  }
  return std::sqrt(v * double(r) / double(r - 1));
}

double ReplicateTotals::series_se(std::size_t i, std::uint32_t r) const {
  std::vector<double> m(r);
  for (std::uint32_t k = 0; k < r; ++k) m[k] = sums_[i * replicates_ + k] / double(sizes_[k]);
  return se(m, r);
}

double ReplicateTotals::hit_se(std::size_t h, std::uint32_t r) const {
  std::vector<double> m(r);
  for (std::uint32_t k = 0; k < r; ++k) m[k] = double(hits_[h * replicates_ + k]) / double(sizes_[k]);
  return se(m, r);
}

double ReplicateTotals::hit_mean(std::size_t h, std::uint32_t r) const {
  double hits = 0, n = 0;
  for (std::uint32_t k = 0; k < r; ++k) hits += double(hits_[h * replicates_ + k]), n += double(sizes_[k]);
  return n > 0 ? hits / n : std::nan("");
}

}  // namespace cogsim::engine
