// The statistics side of a run: adding a block of path values to a series' accumulators (moments and
// quantile sketch), and merging two sketches (what the driver does per thread at the end, and per
// chunk when a run may stop early).
#include <benchmark/benchmark.h>

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
