// The statistics side of a run: adding a block of path values to a series' accumulators (moments and
// quantile sketch), and merging two sketches (what the driver does per thread at the end, and per
// chunk when a run may stop early).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/quantiles.hpp"
#include "engine/stats.hpp"

namespace {

using cogsim::engine::LaneMoments;
using cogsim::engine::QuantileSketch;

// A block of 1024 values of N(mean, sd): mean 3 sd 1 has one sign; mean 0 crosses zero (a deficit).
std::vector<double> block(double mean, double sd, unsigned seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> x(1024);
  for (auto& v : x) v = d(g);
  return x;
}

// Arg 0: the series' mean, sd 1 (0: crosses zero, 3: one sign; 1 000 and 10^9: a spread small
// against the level, as a budget line's: a few buckets hold every value, and nearly every value is
// near a quantile window); arg 1: the number of series fed in turn, which sets how much of the
// sketches' counts stays in cache (RM1 has ~90).
void BM_SketchAddBlock(benchmark::State& state) {
  const double mean = double(state.range(0));
  const std::size_t series = std::size_t(state.range(1));
  std::vector<std::vector<double>> x;
  for (std::size_t s = 0; s < series; ++s) x.push_back(block(mean, 1.0, unsigned(s)));
  std::vector<QuantileSketch> sk(series, QuantileSketch(1e-3, 1e-6));
  std::size_t s = 0;
  for (auto _ : state) {
    sk[s].add(x[s].data(), x[s].size());
    s = (s + 1) % series;
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_SketchAddBlock)->ArgNames({"mean", "series"})->Args({3, 1})->Args({0, 1})->Args({3, 90})->Args({0, 90})
    ->Args({1000, 1})->Args({1'000'000'000, 1});

// What the simulator now adds per block: the sketch and the fine quantile windows (engine/quantiles.hpp),
// placed from a pilot of 16384 values for a run of 10M paths (~750 bins around each of 7 levels).
void BM_QuantileSummaryAddBlock(benchmark::State& state) {
  const double mean = double(state.range(0));
  const std::size_t series = std::size_t(state.range(1));
  std::vector<std::vector<double>> x;
  for (std::size_t s = 0; s < series; ++s) x.push_back(block(mean, 1.0, unsigned(s)));
  std::vector<double> pilot;
  for (unsigned k = 0; k < 16; ++k) {
    const auto b = block(mean, 1.0, 1000 + k);
    pilot.insert(pilot.end(), b.begin(), b.end());
  }
  const auto placed = cogsim::engine::place_windows(pilot, cogsim::engine::reported_quantiles(), 10'000'000);
  QuantileSketch proto(1e-3, 1e-6);
  proto.set_windows(placed);
  std::vector<QuantileSketch> sk(series, proto);
  std::size_t s = 0;
  for (auto _ : state) {
    sk[s].add(x[s].data(), x[s].size());  // the sketch and its windows
    s = (s + 1) % series;
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_QuantileSummaryAddBlock)->ArgNames({"mean", "series"})->Args({3, 1})->Args({0, 1})->Args({3, 90})->Args({0, 90})
    ->Args({1000, 1})->Args({1'000'000'000, 1});

// The floor of any summary that keeps one counter per value: one 16-bit increment per value, at
// indices computed once outside the loop, one counter per distinct sketch bucket of the block (a
// double's bits shifted as the sketch's key at alpha 1e-3, signed), in key order.
// Issue 14's speed target (the summary no slower than the sketch) leaves everything else a
// summary does — finding each value's bucket and its window — the difference between this and that.
void BM_CounterFloor(benchmark::State& state) {
  const double mean = double(state.range(0));
  const std::size_t series = std::size_t(state.range(1));
  std::vector<std::vector<std::uint32_t>> idx(series);
  std::vector<std::vector<std::uint16_t>> counts(series);
  for (std::size_t s = 0; s < series; ++s) {
    std::vector<std::int64_t> keys;
    for (double v : block(mean, 1.0, unsigned(s))) {
      const auto bits = std::bit_cast<std::uint64_t>(v);
      const auto mag = static_cast<std::int64_t>((bits & 0x7FFFFFFFFFFFFFFFull) >> 43);
      keys.push_back(bits >> 63 ? -mag : mag);
    }
    // Dense: one counter per distinct key, in key order (for a series crossing zero the keys of
    // the two signs are far apart; the sketch's store holds only the magnitudes seen).
    std::vector<std::int64_t> distinct = keys;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (std::int64_t k : keys)
      idx[s].push_back(static_cast<std::uint32_t>(std::lower_bound(distinct.begin(), distinct.end(), k) - distinct.begin()));
    counts[s].assign(distinct.size(), 0);
  }
  std::size_t s = 0;
  for (auto _ : state) {
    std::uint16_t* f = counts[s].data();
    for (std::uint32_t i : idx[s]) ++f[i];
    benchmark::ClobberMemory();
    s = (s + 1) % series;
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
// The rows of the bench only: on a low-spread series (mean 1 000, 10^9) every increment would
// wait on the last one, which the sketch avoids with local histograms; this loop is no floor there.
BENCHMARK(BM_CounterFloor)->ArgNames({"mean", "series"})->Args({3, 1})->Args({0, 1})->Args({3, 90})->Args({0, 90});

void BM_MomentsAddBlock(benchmark::State& state) {
  const auto x = block(3, 1, 7);
  LaneMoments m;
  m.shift = 3;
  std::uint64_t first = 0;
  for (auto _ : state) {
    m.add(x.data(), x.size(), first);
    first += x.size();
  }
  benchmark::DoNotOptimize(m.fold());
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_MomentsAddBlock);

// Merging a sketch of 1M values (mean 0: both stores, ~20 000 buckets) into another.
void BM_SketchMerge(benchmark::State& state) {
  QuantileSketch a(1e-3, 1e-6), b(1e-3, 1e-6);
  for (unsigned k = 0; k < 1000; ++k) {
    const auto x = block(0, 1, 100 + k);
    (k % 2 ? a : b).add(x.data(), x.size());
  }
  for (auto _ : state) {
    QuantileSketch c = a;
    c.merge(b);
    benchmark::DoNotOptimize(c.count());
  }
}
BENCHMARK(BM_SketchMerge)->Unit(benchmark::kMicrosecond);

}  // namespace
