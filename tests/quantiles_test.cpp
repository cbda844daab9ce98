// The fine quantile windows (engine/quantiles.hpp) against exact quantiles of sorted synthetic series
// of very different level and spread, and their bin width against the Monte Carlo standard error
// computed from each distribution's closed-form density.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/quantiles.hpp"
#include "engine/random.hpp"
#include "engine/simulator.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

using engine::QuantileSketch;
using engine::QuantileWindows;

constexpr std::uint64_t kPlanned = 10'000'000;  // the path count the bound is stated for

struct Series {
  const char* name;
  std::function<double(std::mt19937_64&)> draw;
  std::function<double(double)> density_at_quantile;  // f(x_q), closed form; 0: no bound to check
};

double norm_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }

std::vector<Series> series() {
  auto z = [](double q) { return engine::inverse_normal_cdf(q); };
  return {
      {"offset 1e9, sd 1", [](std::mt19937_64& g) { return 1e9 + std::normal_distribution<double>(0, 1)(g); },
       [=](double q) { return norm_pdf(z(q)); }},
      {"crossing zero, N(0.2, 1)", [](std::mt19937_64& g) { return std::normal_distribution<double>(0.2, 1)(g); },
       [=](double q) { return norm_pdf(z(q)); }},
      {"tiny spread, N(-3e7, 1e-2)", [](std::mt19937_64& g) { return -3e7 + std::normal_distribution<double>(0, 1e-2)(g); },
       [=](double q) { return norm_pdf(z(q)) / 1e-2; }},
      {"heavy tails, Cauchy", [](std::mt19937_64& g) { return std::cauchy_distribution<double>(0, 1)(g); },
       [](double q) {
         const double x = std::tan(M_PI * (q - 0.5));
         return 1 / (M_PI * (1 + x * x));
       }},
      {"lognormal(0, 2)", [](std::mt19937_64& g) { return std::lognormal_distribution<double>(0, 2)(g); },
       [=](double q) { return norm_pdf(z(q)) / (2 * std::exp(2 * z(q))); }},
      {"constant 123456789.25", [](std::mt19937_64&) { return 123456789.25; }, [](double) { return 0.0; }},
      {"point mass at 0 (30%), else U(1, 2)",
       [](std::mt19937_64& g) {
         const double u = std::uniform_real_distribution<double>(0, 1)(g);
         return u < 0.3 ? 0.0 : 1 + (u - 0.3) / 0.7;
       },
       [](double q) { return q < 0.3 ? 0.0 : 0.7; }},
      // The median's window straddles the end of the mass: its lower edge is the mass, which must be
      // answered exactly, not as the middle of the first bin (found in avenant-inflation's
      // compensation, zero on about half the paths: P50 printed 52.97 € instead of 0).
      {"point mass at 0 (52%), else U(1, 2)",
       [](std::mt19937_64& g) {
         const double u = std::uniform_real_distribution<double>(0, 1)(g);
         return u < 0.52 ? 0.0 : 1 + (u - 0.52) / 0.48;
       },
       [](double q) { return q < 0.52 ? 0.0 : 0.48; }},
      // Capped at 1 on 51 % of the paths (a deployment rate): the median's window holds both the
      // continuous part and the cap. The sketch counts the values equal to its exact largest value,
      // so a level on the cap is 1 exactly (RM2 printed P50 = 1.0000005, then 0.999989).
      {"capped at 1 (51%), else U(0.51, 1)",
       [](std::mt19937_64& g) { return std::min(1.0, std::uniform_real_distribution<double>(0.51, 1.51)(g)); },
       [](double q) { return q < 0.49 ? 1.0 : 0.0; }},
      // Discrete laws: every level on one of the outcomes, exactly (RM2's agreements printed 1.0018).
      {"discrete 0/1/2 (25/50/25 %)",
       [](std::mt19937_64& g) {
         const double u = std::uniform_real_distribution<double>(0, 1)(g);
         return u < 0.25 ? 0.0 : u < 0.75 ? 1.0 : 2.0;
       },
       [](double) { return 0.0; }},
      {"discrete 1..10, 10 % each",
       [](std::mt19937_64& g) { return double(std::uniform_int_distribution<int>(1, 10)(g)); },
       [](double) { return 0.0; }},
  };
}

// n draws of a test series from a generator seeded with `seed`.
std::vector<double> sample(const Series& s, std::size_t n, unsigned seed) {
  std::mt19937_64 g(seed);
  std::vector<double> x(n);
  for (auto& v : x) v = s.draw(g);
  return x;
}

// Adds x to a summary the way the simulator does: pieces of `block` values into per-"thread"
// summaries, merged at the end.
// (A round trip through the byte form the MPI exchange uses on the way.)
struct Summary {
  QuantileSketch sketch;
  const QuantileWindows& windows;
};
QuantileSketch summarise(const std::vector<double>& x, const QuantileWindows& placed, std::size_t block, int threads) {
  QuantileSketch proto(1e-3, 1e-9);
  proto.set_windows(placed);
  std::vector<QuantileSketch> parts(threads, proto);
  for (std::size_t b = 0, k = 0; b < x.size(); b += block, ++k)
    parts[k % threads].add(x.data() + b, std::min(block, x.size() - b));
  QuantileSketch s = proto;
  for (auto& p : parts) {
    engine::Writer w;
    p.serialize(w);
    engine::Reader r(w.bytes().data(), w.bytes().size());
    s.merge(QuantileSketch::deserialize(r));
  }
  return s;
}

TEST(QuantileWindows, ErrorAgainstExactSortIsWithinTheBoundAndTheBoundIsAQuarterOfTheMonteCarloError) {
  const std::size_t n = 1'000'000;
  for (const auto& s : series()) {
    SCOPED_TRACE(s.name);
    const std::vector<double> x = sample(s, n, 7);
    const std::size_t m = engine::pilot_paths(kPlanned);
    const auto placed = engine::place_windows({x.begin(), x.begin() + long(m)}, engine::reported_quantiles(), kPlanned);
    const QuantileSketch sk = summarise(x, placed, 1024, 3);
    const Summary sum{sk, sk.windows()};
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    for (double q : engine::reported_quantiles()) {
      const std::size_t r = std::size_t(std::max(1.0, std::ceil(q * double(n))));
      const double exact = sorted[r - 1];
      const auto a = sum.sketch.window_quantile(q);
      ASSERT_TRUE(a.has_value()) << "q = " << q << ": outside every window";
      EXPECT_LE(std::fabs(a->value - exact), a->bound) << "q = " << q;
      // fine_quantile clamps into the exact [min, max]: never farther from the exact value.
      const auto fine = sum.sketch.fine_quantile(q);
      EXPECT_LE(std::fabs(fine.value - exact), fine.bound) << "q = " << q;
      EXPECT_LE(fine.bound, a->bound) << "q = " << q;
      // The bound against the Monte Carlo standard error at 10M paths, from the closed-form density.
      const double f = s.density_at_quantile(q);
      if (f > 0) EXPECT_LE(a->bound, 0.25 * std::sqrt(q * (1 - q) / double(kPlanned)) / f) << "q = " << q;
      else if (f == 0) EXPECT_EQ(fine.value, exact) << "q = " << q << ": a point mass is reported exactly";
      EXPECT_LE(fine.value, sorted.back()) << "q = " << q << ": above the largest value";
      EXPECT_GE(fine.value, sorted.front()) << "q = " << q << ": below the smallest value";
    }
  }
}

// The sketch gives its windows only the values whose bucket key lies near them and adds the others'
// counts at the end (QuantileSketch::set_windows): its answers must be those of windows that were
// given every value, to the bit, for every series, including a point window (constant series)
// and a point mass at a window's edge. Also with windows far narrower than a bucket (offset 1e9).
TEST(QuantileWindows, TheSketchsSelectiveCountingEqualsCountingEveryValue) {
  const std::size_t n = 300'000;
  for (const auto& s : series()) {
    SCOPED_TRACE(s.name);
    const std::vector<double> x = sample(s, n, 21);
    const auto placed = engine::place_windows({x.begin(), x.begin() + 8192}, engine::reported_quantiles(), kPlanned);
    QuantileWindows every = placed;
    for (std::size_t b = 0; b < n; b += 1000) every.add(x.data() + b, std::min<std::size_t>(1000, n - b));
    const QuantileSketch sk = summarise(x, placed, 1000, 3);
    std::size_t answered = 0;
    for (double q : {0.001, 0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 0.52, 0.75, 0.9, 0.95, 0.999}) {
      const auto want = every.quantile(q, n), got = sk.window_quantile(q);
      ASSERT_EQ(want.has_value(), got.has_value()) << "q = " << q;
      if (!want) continue;
      ++answered;
      EXPECT_EQ(want->value, got->value) << "q = " << q;
      EXPECT_EQ(want->bound, got->bound) << "q = " << q;
    }
    EXPECT_GE(answered, 7u);
    // Outside the windows: the sketch's answer clamped between the windows around the rank.
    for (double q : {0.0001, 0.02, 0.4, 0.6, 0.98, 0.9999}) {
      if (every.quantile(q, n)) continue;
      const auto r = static_cast<std::uint64_t>(std::max(1.0, std::ceil(q * double(n))));
      const auto [lo, hi] = every.bracket(r);
      EXPECT_EQ(sk.fine_quantile(q).value, std::clamp(sk.quantile(q), lo, std::max(lo, hi))) << "q = " << q;
    }
  }
}

// seal() only saves work: a sealed copy answers as the original, and after more values it sees them.
TEST(QuantileWindows, ASealedSketchAnswersAsTheOriginalAndSeesLaterValues) {
  std::mt19937_64 g(8);
  std::vector<double> x(200'000);
  for (auto& v : x) v = 1e6 + std::normal_distribution<double>(0, 30)(g);
  const auto placed = engine::place_windows({x.begin(), x.begin() + 8192}, engine::reported_quantiles(), x.size());
  QuantileSketch plain = summarise(x, placed, 1024, 2), sealed = plain;
  sealed.seal();
  auto same = [&](const char* when) {
    for (double q : {0.01, 0.05, 0.3, 0.5, 0.75, 0.95, 0.99}) {
      EXPECT_EQ(plain.fine_quantile(q).value, sealed.fine_quantile(q).value) << when << " q = " << q;
      EXPECT_EQ(plain.window_quantile(q).has_value(), sealed.window_quantile(q).has_value()) << when << " q = " << q;
    }
  };
  same("sealed");
  const double before = sealed.fine_quantile(0.5).value;
  std::vector<double> more(100'000, 1e6 + 1000);  // a third of the values far above: the median moves
  plain.add(more.data(), more.size());
  sealed.add(more.data(), more.size());
  same("after more values");
  EXPECT_NE(sealed.fine_quantile(0.5).value, before);
}

TEST(QuantileWindows, SameResultWhateverTheBlocksAndThreads) {
  std::mt19937_64 g(3);
  std::vector<double> x(300'000);
  for (auto& v : x) v = 5e8 + std::normal_distribution<double>(0, 2)(g);
  const auto placed = engine::place_windows({x.begin(), x.begin() + 16384}, engine::reported_quantiles(), x.size());
  const QuantileSketch a = summarise(x, placed, 1024, 1), b = summarise(x, placed, 100, 4), c = summarise(x, placed, 4096, 2);
  for (double q : engine::reported_quantiles()) {
    const double v = a.fine_quantile(q).value;
    EXPECT_EQ(v, b.fine_quantile(q).value);
    EXPECT_EQ(v, c.fine_quantile(q).value);
  }
}

// The counting kernel has a 16-wide AVX-512 version and a scalar one (batches' last values, other
// CPUs): fed one value at a time (scalar only) or in blocks (vector), every count must be the same.
// The data put values exactly on windows' lower edges, on a point window, and far outside.
TEST(QuantileWindows, VectorAndScalarCountingGiveTheSameCounts) {
  std::mt19937_64 g(21);
  std::vector<double> x(40'000);
  for (auto& v : x) v = 1e6 + std::normal_distribution<double>(0, 3)(g);
  for (std::size_t i = 0; i < x.size(); i += 7) x[i] = 1e6;  // a point mass inside the distribution
  auto placed = engine::place_windows({x.begin(), x.begin() + 8192}, engine::reported_quantiles(), 10'000'000);
  ASSERT_GE(placed.windows().size(), 3u);
  for (std::size_t i = 0; i < x.size(); i += 11) x[i] = placed.windows()[(i / 11) % placed.windows().size()].lo;
  for (std::size_t i = 5; i < x.size(); i += 13) x[i] = (i % 2 ? -1e300 : 1e300);
  auto state = [&](const QuantileWindows& windows, std::size_t batch) {
    QuantileWindows w = windows;
    for (std::size_t i = 0; i < x.size(); i += batch) w.add(x.data() + i, std::min(batch, x.size() - i));
    engine::Writer out;
    w.serialize(out);
    return out.bytes();
  };
  // Every kernel the machine has, against the portable one value at a time: the windows placed
  // (each with bins: the per-lane kernel's case), and with a point window among them (the others').
  std::vector<QuantileWindows::Window> grid, mixed;  // every window with bins; and a point window too
  for (const auto& w : placed.windows())
    if (w.width > 0) grid.push_back(w);
  ASSERT_GE(grid.size(), 3u);
  mixed = grid;
  mixed.insert(mixed.begin() + 1, {0.5 * (mixed[0].hi() + mixed[1].lo), 0.0, 1});
  for (std::size_t i = 3; i < x.size(); i += 17) x[i] = mixed[1].lo;
  for (const QuantileWindows& windows : {QuantileWindows(grid), QuantileWindows(mixed), placed}) {
    engine::use_window_kernel(engine::WindowKernel::Scalar);
    const auto one = state(windows, 1);
    for (auto k : {engine::WindowKernel::Scalar, engine::WindowKernel::PerWindow, engine::WindowKernel::Best}) {
      if (!engine::use_window_kernel(k)) continue;  // not on this machine
      for (std::size_t batch : {1, 15, 16, 17, 256, 1000, 40'000})
        EXPECT_EQ(state(windows, batch), one) << "kernel " << int(k) << ", batch " << batch;
    }
    engine::use_window_kernel(engine::WindowKernel::Best);
  }
  // A point window (a series constant in the pilot) counts its value exactly, in both kernels.
  QuantileWindows point = engine::place_windows(std::vector<double>(100, 2.5), engine::reported_quantiles(), 1000);
  std::vector<double> y(1000, 2.5);
  for (std::size_t i = 0; i < y.size(); i += 3) y[i] = i % 2 ? 1.0 : 4.0;
  QuantileWindows p1 = point, p16 = point;
  for (double v : y) p1.add(&v, 1);
  p16.add(y.data(), y.size());
  engine::Writer b1, b16;
  p1.serialize(b1), p16.serialize(b16);
  EXPECT_EQ(b1.bytes(), b16.bytes());
  const auto median = p16.quantile(0.5, y.size());
  ASSERT_TRUE(median);
  EXPECT_EQ(median->value, 2.5);
}

// A value equal to a window's lower edge lands on the edge's grid step or, by the rounding of
// (x - origin) / w0, on the step below it; the per-lane kernel finds the edge from either side
// (its own window, or the next one's). Window sets are drawn until edges of both kinds have been
// seen, values are put on every edge and between, and every kernel must count as the scalar one.
TEST(QuantileWindows, EveryKernelCountsValuesOnALowerEdgeFromEitherSide) {
  std::mt19937_64 g(8);
  std::uniform_real_distribution<double> u(0, 1);
  int on_step = 0, below_step = 0;
  for (int trial = 0; trial < 400 && (on_step == 0 || below_step == 0 || trial < 40); ++trial) {
    const double origin = 1000 * u(g) - 500, w0 = std::ldexp(0.5 + u(g), -int(u(g) * 20));
    std::vector<QuantileWindows::Window> ws;
    double lo = origin;
    for (int j = 0; j < 6; ++j) {
      ws.push_back({lo, w0 * double(1 << (j % 3)), 5 + std::uint32_t(j)});
      lo = ws.back().hi() + w0 * (1 + 7 * u(g));
    }
    const QuantileWindows placed(ws);
    // The grid as the constructor sets it: 1 / the finest width, from the lowest lower edge.
    const double inv = 1 / w0;
    std::vector<double> x;
    for (const auto& w : placed.windows()) {
      const double t = std::floor((w.lo - placed.origin()) * inv);
      on_step += t == w.a, below_step += t == w.a - 1;
      for (int k = 0; k < 3; ++k) x.push_back(w.lo);
      x.push_back(std::nextafter(w.lo, -1e300)), x.push_back(w.lo + 0.5 * w.width), x.push_back(w.hi());
    }
    x.push_back(placed.origin() - 1), x.push_back(lo + 1);
    std::shuffle(x.begin(), x.end(), g);
    auto bytes = [&](engine::WindowKernel k) {
      engine::use_window_kernel(k);
      QuantileWindows w = placed;
      w.add(x.data(), x.size());
      engine::Writer out;
      w.serialize(out);
      return out.bytes();
    };
    const auto want = bytes(engine::WindowKernel::Scalar);
    for (auto k : {engine::WindowKernel::PerWindow, engine::WindowKernel::Best})
      if (engine::use_window_kernel(k)) EXPECT_EQ(bytes(k), want) << "trial " << trial << ", kernel " << int(k);
    engine::use_window_kernel(engine::WindowKernel::Best);
  }
  EXPECT_GT(on_step, 0);
  EXPECT_GT(below_step, 0) << "no lower edge fell on the step below its window: the case is not covered";
}

// A block on which a series is one value is counted at once (QuantileSketch::add_repeated): the
// sketch and its windows must end with exactly the counts of adding the values one by one, for a
// value inside a window, on a window's lower edge, between windows, below and above them all, on
// a point window, and negative or zero.
TEST(QuantileWindows, ConstantBlocksCountAsTheirValuesOneByOne) {
  std::mt19937_64 g(5);
  std::vector<double> pilot(8192);
  for (auto& v : pilot) v = 300 + std::normal_distribution<double>(0, 10)(g);
  const auto placed = engine::place_windows(pilot, engine::reported_quantiles(), 1'000'000);
  const auto& ws = placed.windows();
  ASSERT_GE(ws.size(), 2u);
  std::vector<double> values = {ws[0].lo, ws[0].lo + 0.3 * (ws[0].hi() - ws[0].lo), 0.5 * (ws[0].hi() + ws[1].lo),
                                ws.back().hi() + 1, -1e9, 0.0, 1e12, 300.0};
  QuantileSketch proto(1e-3, 1e-6);
  proto.set_windows(placed);
  QuantileSketch blocks = proto, single = proto;
  std::vector<double> block(1024);
  for (double v : values) {
    std::fill(block.begin(), block.end(), v);
    blocks.add(block.data(), block.size());
    for (double x : block) single.add(&x, 1);
    block[1023] = v + 1;  // not constant: the block loop
    blocks.add(block.data(), block.size());
    for (double x : block) single.add(&x, 1);
  }
  engine::Writer a, b;
  blocks.serialize(a), single.serialize(b);
  EXPECT_EQ(a.bytes(), b.bytes());
  // A point window (a series constant in the pilot) fed a constant block, then other values.
  QuantileSketch point(1e-3, 1e-6);
  point.set_windows(engine::place_windows(std::vector<double>(100, 2.5), engine::reported_quantiles(), 1000));
  QuantileSketch point1 = point;
  std::vector<double> c(512, 2.5);
  point.add(c.data(), c.size());
  for (double x : c) point1.add(&x, 1);
  engine::Writer p1, p2;
  point.serialize(p1), point1.serialize(p2);
  EXPECT_EQ(p1.bytes(), p2.bytes());
  EXPECT_EQ(point.fine_quantile(0.5).value, 2.5);
  // A NaN in a block is still refused.
  std::vector<double> bad(64, std::nan(""));
  EXPECT_THROW(proto.add(bad.data(), bad.size()), std::domain_error);
}

TEST(QuantileWindows, AQuantileOutsideTheWindowsFallsBackOnTheSketchWithItsBound) {
  // Windows placed from a pilot of N(0, 1) but fed N(10, 1): every rank misses them.
  std::mt19937_64 g(11);
  std::vector<double> pilot(4096), x(100'000);
  for (auto& v : pilot) v = std::normal_distribution<double>(0, 1)(g);
  for (auto& v : x) v = std::normal_distribution<double>(10, 1)(g);
  const auto placed = engine::place_windows(pilot, engine::reported_quantiles(), x.size());
  const QuantileSketch sk = summarise(x, placed, 1024, 1);
  const Summary s{sk, sk.windows()};
  std::sort(x.begin(), x.end());
  for (double q : {0.05, 0.5, 0.95}) {
    EXPECT_FALSE(s.sketch.window_quantile(q).has_value());
    const auto a = s.sketch.fine_quantile(q);
    const double exact = x[std::size_t(std::ceil(q * double(x.size()))) - 1];
    EXPECT_DOUBLE_EQ(a.bound, 1e-3 * std::fabs(s.sketch.quantile(q)) + s.sketch.zero_threshold());
    EXPECT_LE(std::fabs(a.value - exact), 1e-3 * std::fabs(exact) + 1e-9);
  }
}

// A pilot spread over the whole range of doubles: a window's span, or two windows' union, is
// past the largest double. Such windows are left out (the sketch answers there) instead of the
// placement throwing, and every answer still lies within its bound of the exact sort.
TEST(QuantileWindows, APilotAcrossTheWholeRangeOfDoublesPlacesOnlyFiniteWindows) {
  std::mt19937_64 g(17);
  const double big = std::numeric_limits<double>::max();
  auto draw = [&] { return std::uniform_real_distribution<double>(-1, 1)(g) * big; };
  std::vector<double> pilot(64), x(20'000);
  for (auto& v : pilot) v = draw();
  for (auto& v : x) v = draw();
  QuantileWindows placed;
  ASSERT_NO_THROW(placed = engine::place_windows(pilot, engine::reported_quantiles(), x.size()));
  for (const auto& w : placed.windows()) EXPECT_TRUE(std::isfinite(w.hi()));
  const QuantileSketch sk = summarise(x, placed, 1024, 1);
  std::sort(x.begin(), x.end());
  for (double q : engine::reported_quantiles()) {
    const auto a = sk.fine_quantile(q);
    const double exact = x[std::size_t(std::ceil(q * double(x.size()))) - 1];
    EXPECT_LE(std::fabs(a.value - exact), a.bound * (1 + 1e-12)) << "q = " << q;
  }
}

TEST(QuantileWindows, MemoryIsBoundedWhateverThePlannedPaths) {
  std::mt19937_64 g(5);
  std::vector<double> pilot(16384);
  for (auto& v : pilot) v = std::normal_distribution<double>(0, 1)(g);
  const auto w = engine::place_windows(pilot, engine::reported_quantiles(), std::uint64_t(1) << 40);
  std::size_t bins = 0;
  for (const auto& win : w.windows()) bins += win.bins;
  // Snapping onto one grid at most doubles a window's bins (widths rounded down to w0·2^k).
  const std::size_t cap = engine::reported_quantiles().size() * (2 * engine::kMaxWindowBins + 3);
  EXPECT_LE(bins, cap);
  EXPECT_LT(w.memory_bytes(), cap * 12 + 4096);
}

TEST(QuantileWindows, MismatchedWindowsRefuseToMerge) {
  QuantileWindows a({{0.0, 1.0, 10}}), b({{0.5, 1.0, 10}});
  EXPECT_THROW(a.merge(b), std::invalid_argument);
  EXPECT_THROW(QuantileWindows({{0.0, 1.0, 10}, {5.0, 1.0, 10}}), std::invalid_argument);  // overlapping
}

// Through the simulator: a series whose spread is tiny next to its level, and one constant across
// paths although it depends on draws (the difference of two outputs that share them).
TEST(QuantileWindows, SimulatorReportsLowSpreadAndConstantDifferencesExactlyEnough) {
  auto p = test::compile_model(R"(
model "q" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(0, 1)
var big[t in 2020..2020] = 1 000 000 000 + x[t]
var same[t in 2020..2020] = (2 000 000 + x[t]) - x[t]
output big, same
)");
  engine::RunOptions opt;
  opt.paths = 200'000;
  opt.threads = 2;
  auto r = engine::simulate(p, opt);
  ASSERT_FALSE(r.error);
  const auto& big = r.outputs[0][0];
  const double n = double(r.paths);
  for (double q : engine::reported_quantiles()) {
    const double z = engine::inverse_normal_cdf(q), se = std::sqrt(q * (1 - q) / n) / norm_pdf(z);
    const auto a = big.quantile_with_bound(q);
    EXPECT_LE(a.bound, 0.25 * se);
    EXPECT_NEAR(a.value, 1e9 + z, 5 * se + a.bound) << "q = " << q;
  }
  // (2e6 + x) - x is 2e6 to within an ulp of 2e6 (4.7e-10) on every path; the sketch alone said
  // 1 999 871 (its relative accuracy of 1e-3).
  for (double q : engine::reported_quantiles()) {
    const auto a = r.outputs[1][0].quantile_with_bound(q);
    EXPECT_NEAR(a.value, 2e6, 2e-9) << "q = " << q;
    EXPECT_LE(a.bound, 2e-9) << "q = " << q;
  }
}

}  // namespace
}  // namespace cogsim
