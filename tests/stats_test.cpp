#include "engine/stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

using cogsim::engine::LaneMoments;
using cogsim::engine::Moments;
using cogsim::engine::Proportion;
using cogsim::engine::QuantileSketch;

namespace {

double rel(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

std::vector<double> normal(std::size_t n, double mu, double sigma, unsigned seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(mu, sigma);
  std::vector<double> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

std::vector<double> lognormal(std::size_t n, double mu, double sigma, unsigned seed) {
  auto v = normal(n, mu, sigma, seed);
  for (auto& x : v) x = std::exp(x);
  return v;
}

// Exact empirical quantile with the rank definition documented in stats.hpp.
double exact_quantile(const std::vector<double>& sorted, double q) {
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const std::size_t r = rank < 1 ? 1 : std::min(sorted.size(), static_cast<std::size_t>(rank));
  return sorted[r - 1];
}

// Checks the documented bound at q = 0, 0.01, ..., 0.99, 1.
void expect_bound(std::vector<double> data, double alpha, double zero_threshold) {
  QuantileSketch s(alpha, zero_threshold);
  s.add(data.data(), data.size());
  ASSERT_EQ(s.count(), data.size());
  std::sort(data.begin(), data.end());
  for (int k = 0; k <= 100; ++k) {
    const double q = k / 100.0, xq = exact_quantile(data, q), v = s.quantile(q);
    EXPECT_LE(std::fabs(v - xq), alpha * std::fabs(xq) + std::max(zero_threshold, DBL_MIN))
        << "q=" << q << " exact=" << xq << " sketch=" << v << " alpha=" << alpha;
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------ Moments

TEST(Moments, MatchesTwoPass) {
  const auto x = normal(100000, 1000.0, 3.0, 1);
  Moments m{.shift = x[0]};  // the driver passes the central-path value; any nearby value works
  for (double v : x) m.add(v);
  double mean = 0;
  for (double v : x) mean += v;
  mean /= x.size();
  double var = 0;
  for (double v : x) var += (v - mean) * (v - mean);
  var /= (x.size() - 1);
  EXPECT_EQ(m.n, x.size());
  EXPECT_LT(rel(m.mean(), mean), 1e-12);
  EXPECT_LT(rel(m.variance(), var), 1e-12);
  EXPECT_LT(rel(m.sd(), std::sqrt(var)), 1e-12);
  EXPECT_LT(rel(m.std_error(), std::sqrt(var / x.size())), 1e-12);
}

TEST(Moments, BlockAddIsBitIdenticalToRepeatedAdd) {
  const auto x = normal(10007, -3.0, 7.0, 2);
  Moments a{.shift = -3.1}, b{.shift = -3.1};
  for (double v : x) a.add(v);
  b.add(x.data(), x.size());
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.s1), std::bit_cast<std::uint64_t>(b.s1));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.s2), std::bit_cast<std::uint64_t>(b.s2));
}

TEST(Moments, MergeOfSplitsMatchesWhole) {
  const auto x = normal(50000, 42.0, 0.5, 3);
  Moments whole{.shift = 42.0}, merged{.shift = 42.0};
  whole.add(x.data(), x.size());
  for (std::size_t begin = 0, len = 1; begin < x.size(); begin += len, len = len * 3 + 1) {
    Moments chunk{.shift = 42.0};
    chunk.add(x.data() + begin, std::min(len, x.size() - begin));
    merged.merge(chunk);
  }
  EXPECT_EQ(merged.n, whole.n);
  EXPECT_LT(rel(merged.mean(), whole.mean()), 1e-12);
  EXPECT_LT(rel(merged.variance(), whole.variance()), 1e-12);
}

TEST(Moments, ShiftInvariance) {
  const auto x = normal(20000, 5.0, 1.0, 4);
  Moments ref{.shift = 5.0};
  ref.add(x.data(), x.size());
  for (double shift : {0.0, 4.0, 6.5, -3.0}) {
    Moments m{.shift = shift};
    m.add(x.data(), x.size());
    EXPECT_LT(rel(m.mean(), ref.mean()), 1e-12) << shift;
    EXPECT_LT(rel(m.variance(), ref.variance()), 1e-12) << shift;
  }
}

TEST(Moments, ShiftRescuesLargeOffset) {
  // Why the shift exists: mean 1e8, sd 1. Unshifted sums lose ~all digits of the variance.
  const auto x = normal(10000, 1e8, 1.0, 5);
  Moments m{.shift = x[0]};
  m.add(x.data(), x.size());
  double mean = 0, var = 0;
  for (double v : x) mean += v - 1e8;
  mean = mean / x.size() + 1e8;
  for (double v : x) var += (v - mean) * (v - mean);
  var /= (x.size() - 1);
  EXPECT_LT(rel(m.variance(), var), 1e-9);
}

TEST(Moments, EdgeCases) {
  Moments m{.shift = 1.0};
  EXPECT_TRUE(std::isnan(m.mean()));
  m.add(2.0);
  EXPECT_EQ(m.mean(), 2.0);
  EXPECT_TRUE(std::isnan(m.variance()));
  m.add(2.0);
  EXPECT_EQ(m.variance(), 0.0);

  Moments target;  // default shift 0, empty: absorbs anything
  target.merge(m);
  EXPECT_EQ(target.shift, 1.0);
  EXPECT_EQ(target.n, 2u);
  target.merge(Moments{.shift = 7.0});  // empty source: no-op whatever its shift
  EXPECT_EQ(target.n, 2u);
  Moments other{.shift = 7.0};
  other.add(1.0);
  EXPECT_THROW(target.merge(other), std::invalid_argument);
}

// ------------------------------------------------------------------------------------ QuantileSketch

TEST(QuantileSketch, BoundNormal) {
  for (double alpha : {1e-3, 1e-2, 0.05}) expect_bound(normal(200000, 3.0, 2.0, 10), alpha, 0);
}

TEST(QuantileSketch, BoundLognormal) {
  for (double alpha : {1e-3, 1e-2}) expect_bound(lognormal(200000, 0.0, 2.0, 11), alpha, 0);
}

TEST(QuantileSketch, BoundMixedSignWithZeros) {
  // 30% exact zeros, tiny values, and a bulk crossing zero; with and without a zero band.
  std::mt19937_64 g(12);
  std::normal_distribution<double> bulk(0.2, 1.0), tiny(0.0, 1e-5);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x(200000);
  for (auto& v : x) {
    const double r = u(g);
    v = r < 0.3 ? 0.0 : r < 0.4 ? tiny(g) : bulk(g);
  }
  for (double alpha : {1e-3, 1e-2}) {
    expect_bound(x, alpha, 0);
    expect_bound(x, alpha, 1e-5);
  }
}

TEST(QuantileSketch, BoundWideRangeAndExtremes) {
  // Magnitudes 1e-300 .. 1e300 with random signs, plus the ends of the double range.
  std::mt19937_64 g(13);
  std::uniform_real_distribution<double> e(-300, 300);
  std::vector<double> x(50000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i % 2 ? -1 : 1) * std::pow(10.0, e(g));
  for (double v : {DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, DBL_TRUE_MIN, 1.0, -1.0}) x.push_back(v);
  expect_bound(x, 1e-3, 0);
}

TEST(QuantileSketch, BoundInTheTopOctaves) {
  // Magnitudes above DBL_MAX / 4, both signs: a bucket's representative must not overflow where its
  // lower edge passes DBL_MAX / 2 (it read DBL_MAX, clamped to the largest value, for every bucket
  // above 2^1023). Interior levels, not only the exact extremes.
  std::mt19937_64 g(29);
  std::uniform_real_distribution<double> u(0.25, 1);
  std::vector<double> x(20000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i % 3 ? 1 : -1) * u(g) * DBL_MAX;
  expect_bound(x, 1e-3, 0);
}

TEST(QuantileSketch, BoundAtBucketBoundaries) {
  // Values at and one ulp around gamma^i (the edges of a logarithmic mapping).
  for (double alpha : {1e-3, 0.01, 0.3}) {
    const double lg = std::log((1 + alpha) / (1 - alpha));
    for (double i = std::ceil(-700 / lg); i * lg < 709; i += std::max(1.0, std::floor(3 / lg))) {
      const double b = std::exp(i * lg);
      for (double x : {std::nextafter(b, 0.0), b, std::nextafter(b, DBL_MAX)}) {
        if (x < DBL_MIN || x > DBL_MAX) continue;
        QuantileSketch s(alpha);
        s.add(x);
        EXPECT_LE(std::fabs(s.quantile(0.5) - x), alpha * x) << "x=" << x << " alpha=" << alpha;
      }
    }
  }
  // The sketch's own bucket edges, 2^e (1 + j / 2^k), and one ulp either side, for every k the alphas
  // above need (k = 1 .. 9) and the widest bucket of each octave (j = 0) as well as the narrowest.
  for (double alpha : {1e-3, 0.01, 0.3}) {
    for (int k = 1; k <= 9; ++k)
      for (int e = -1020; e <= 1020; e += 17)
        for (double j : {0.0, 1.0, std::ldexp(1.0, k) - 1}) {
          const double b = std::ldexp(1 + j / std::ldexp(1.0, k), e);
          for (double x : {std::nextafter(b, 0.0), b, std::nextafter(b, DBL_MAX)}) {
            if (x < DBL_MIN || x > DBL_MAX) continue;
            QuantileSketch s(alpha);
            s.add(-x);
            s.add(x);
            EXPECT_LE(std::fabs(s.quantile(1.0) - x), alpha * x) << "x=" << x << " alpha=" << alpha;
            EXPECT_LE(std::fabs(s.quantile(0.0) + x), alpha * x) << "x=" << -x << " alpha=" << alpha;
          }
        }
  }
}

TEST(QuantileSketch, MergeIsOrderFree) {
  const auto x = normal(80000, 0.0, 10.0, 14);
  std::vector<QuantileSketch> parts(8, QuantileSketch(1e-3, 1e-3));
  for (std::size_t i = 0; i < x.size(); ++i) parts[(i * 7919) % 8].add(x[i]);

  QuantileSketch whole(1e-3, 1e-3), forward(1e-3, 1e-3), backward(1e-3, 1e-3);
  whole.add(x.data(), x.size());
  for (const auto& p : parts) forward.merge(p);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) backward.merge(*it);
  auto tree = parts;  // ((01)(23))((45)(67))
  for (std::size_t step = 1; step < 8; step *= 2)
    for (std::size_t i = 0; i + step < 8; i += 2 * step) tree[i].merge(tree[i + step]);

  for (const auto* s : {&forward, &backward, &tree[0]}) {
    ASSERT_EQ(s->count(), whole.count());
    for (int k = 0; k <= 1000; ++k)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(s->quantile(k / 1000.0)),
                std::bit_cast<std::uint64_t>(whole.quantile(k / 1000.0)))
          << k;
  }
  EXPECT_THROW(whole.merge(QuantileSketch(1e-2, 1e-3)), std::invalid_argument);
  EXPECT_THROW(whole.merge(QuantileSketch(1e-3, 0)), std::invalid_argument);
  whole.merge(whole);  // self-merge doubles every count
  EXPECT_EQ(whole.count(), 2 * x.size());
}

TEST(QuantileSketch, MemoryBounded) {
  // Memory follows the log range of the data, not the count. Lognormal(0,1), alpha 1e-3: the
  // 1e6-sample range ln|x| in about [-5, 5], ~14 octaves of 512 buckets, is ~7 300 buckets of
  // 10 bytes (a settled 64-bit and a fresh 16-bit count) ~ 73 KB, plus up to 25% growth slack.
  QuantileSketch s(1e-3);
  const auto first = lognormal(1000000, 0.0, 1.0, 15);
  s.add(first.data(), first.size());
  const std::size_t m1 = s.memory_bytes();
  EXPECT_LT(m1, 112u * 1024);
  // 10x more data stretches the extremes by ~0.4 in ln each side (~600 buckets): at most one more
  // extension per side, each with its 25% slack.
  for (unsigned seed = 16; seed < 25; ++seed) {
    const auto more = lognormal(1000000, 0.0, 1.0, seed);
    s.add(more.data(), more.size());
  }
  EXPECT_EQ(s.count(), 10000000u);
  EXPECT_LT(s.memory_bytes(), m1 * 3 / 2);

  QuantileSketch constant;
  for (int i = 0; i < 1000; ++i) constant.add(2.5);
  EXPECT_LT(constant.memory_bytes(), 2048u);  // one bucket and the minimum slack, 64 each side

  // Both signs far from zero: each sign's store covers its own magnitudes, not the ~2 000 octaves
  // between -1e300 and 1e300 (a million buckets per sign).
  QuantileSketch wide(1e-3);
  std::vector<double> ends;
  for (int i = 0; i < 1000; ++i) ends.push_back(i % 2 ? -1e300 * (1 + i * 1e-4) : 1e300 * (1 + i * 1e-4));
  wide.add(ends.data(), ends.size());
  wide.add(0.0);
  EXPECT_LT(wide.memory_bytes(), 16u * 1024);
  EXPECT_NEAR(wide.quantile(0.0) / -1e300, 1.0999, 2e-3);
  EXPECT_NEAR(wide.quantile(1.0) / 1e300, 1.0998, 2e-3);
}

// Below T = 2^k * zero_threshold (rounded down to a power of two) the buckets are linear steps no
// wider than the zero threshold: the documented bound holds across zero and across T, and a series
// crossing zero needs 2^k steps per sign there instead of log2(T / zero_threshold) octaves of 2^k.
TEST(QuantileSketch, LinearStepsNearZero) {
  std::mt19937_64 g(44);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> x(200000);
  for (auto& v : x) v = u(g);
  for (double t : {0.5, std::nextafter(0.5, 1.0), std::nextafter(0.5, 0.0), 9.765625e-4, 1e-3, -1e-3, 0.0})
    x.push_back(t);  // T = 0.5 for alpha = 1e-3 (k = 9), zero_threshold 1e-3; one step 0.5 / 512
  expect_bound(x, 1e-3, 1e-3);
  QuantileSketch s(1e-3, 1e-3);
  s.add(x.data(), x.size());
  // 511 linear steps and one octave (512 buckets) per sign, the zero bucket, 25% slack: ~26 KB.
  // Logarithmic buckets down to 1e-3 would be ten octaves per sign: ~100 KB.
  EXPECT_LT(s.memory_bytes(), 40u * 1024);
  // Values under one step report 0 and a value in a step reports the step's middle (ranks between
  // the extremes); the smallest and largest values are known exactly.
  QuantileSketch z(1e-3, 1e-3);
  for (double v : {-9e-4, 5e-4, 9e-4}) z.add(v);
  EXPECT_EQ(z.quantile(0.5), 0.0);
  EXPECT_EQ(z.quantile(0.0), -9e-4);
  EXPECT_EQ(z.quantile(1.0), 9e-4);
  QuantileSketch w(1e-3, 1e-3);
  for (double v : {0.0, 0.25, 0.3}) w.add(v);  // 0.25 in [0.25, 0.25 + 0.5 / 512)
  EXPECT_EQ(w.quantile(0.5), 0.25 + 0.25 / 512);
}

// Sketches holding one sign each, the zero band, or both, merged in any order: the same counts as
// adding everything to one sketch.
TEST(QuantileSketch, MergeAcrossSignsAndZero) {
  std::vector<double> neg = normal(5000, -50.0, 5.0, 41), pos = normal(5000, 1e6, 1e4, 42);
  std::vector<double> zeros(3000, 0.0), both = normal(5000, 0.0, 1.0, 43);
  QuantileSketch whole(1e-3, 1e-6);
  for (const auto* v : {&neg, &pos, &zeros, &both}) whole.add(v->data(), v->size());
  for (int order = 0; order < 4; ++order) {
    std::vector<QuantileSketch> parts(4, QuantileSketch(1e-3, 1e-6));
    parts[0].add(neg.data(), neg.size());
    parts[1].add(pos.data(), pos.size());
    parts[2].add(zeros.data(), zeros.size());
    parts[3].add(both.data(), both.size());
    QuantileSketch merged = parts[order];
    for (int k = 1; k < 4; ++k) merged.merge(parts[(order + k) % 4]);
    ASSERT_EQ(merged.count(), whole.count());
    for (int k = 0; k <= 200; ++k)
      EXPECT_EQ(merged.quantile(k / 200.0), whole.quantile(k / 200.0)) << "order " << order << " q " << k / 200.0;
  }
}

// The exact extremes and their counts: a level on a cap (or a floor) is that value exactly, and
// which zero (-0 or +0) comes first, by thread or block, does not show in any answer's bits.
TEST(QuantileSketch, ExtremesAreExactAndIndependentOfTheOrderOfZeros) {
  std::vector<double> x;
  for (int i = 0; i < 4000; ++i) x.push_back(-1.0 + i / 4000.0);  // the continuous part, below 0
  for (int i = 0; i < 6000; ++i) x.push_back(i % 3 ? 0.0 : -0.0);  // the cap, both zeros: 60 %
  auto answers = [](const QuantileSketch& s) {
    std::vector<std::uint64_t> bits;
    for (double q : {0.0, 0.05, 0.39, 0.41, 0.5, 0.95, 1.0}) bits.push_back(std::bit_cast<std::uint64_t>(s.quantile(q)));
    bits.push_back(std::bit_cast<std::uint64_t>(s.max()));
    bits.push_back(std::bit_cast<std::uint64_t>(s.min()));
    return bits;
  };
  QuantileSketch whole(1e-3, 1e-6);
  whole.add(x.data(), x.size());
  EXPECT_EQ(whole.max(), 0.0);
  EXPECT_EQ(whole.min(), -1.0);
  EXPECT_EQ(whole.quantile(0.5), 0.0);  // on the cap: exact
  EXPECT_EQ(whole.quantile(0.41), 0.0);
  EXPECT_EQ(whole.quantile(0.0), -1.0);
  const auto want = answers(whole);
  for (std::size_t block : {1u, 7u, 256u, 1000u}) {
    for (bool reversed : {false, true}) {
      std::vector<double> y = x;
      if (reversed) std::reverse(y.begin(), y.end());
      std::vector<QuantileSketch> parts(3, QuantileSketch(1e-3, 1e-6));
      for (std::size_t b = 0, k = 0; b < y.size(); b += block, ++k)
        parts[k % 3].add(y.data() + b, std::min(block, y.size() - b));
      QuantileSketch merged = parts[2];
      merged.merge(parts[0]);
      merged.merge(parts[1]);
      EXPECT_EQ(answers(merged), want) << "block " << block << (reversed ? ", reversed" : "");
    }
  }
}

// add() computes a piece's store indices by one of two paths (a piece of one sign with every |x|
// at or above the linear band, or any other), guessing from the previous piece which one to start
// with, and counts a piece that falls in few buckets in local histograms. Whatever the order of the
// pieces, and so whichever guesses are wrong, the counts (and the windows' counts) must be those of
// adding the values one at a time.
TEST(QuantileSketch, BlockPathsCountAsOneValueAtATime) {
  const double zero_threshold = 1e-6;  // linear band below 2^-11
  std::mt19937_64 g(5);
  std::normal_distribution<double> d(0, 1);
  auto piece = [&](int kind) {
    std::vector<double> v(256);
    for (auto& x : v) {
      const double z = d(g);
      x = kind == 0   ? 5 + z            // positive, far from zero
          : kind == 1 ? -7e6 + 1e3 * z   // negative, in two or three buckets (counted locally)
          : kind == 2 ? z                // both signs
          : kind == 3 ? 1e-5 * z * z     // one sign, partly in the linear band
                      : 1e9 + z;         // one bucket
    }
    return v;
  };
  std::vector<double> x;
  for (int kind : {0, 0, 2, 0, 1, 1, 3, 1, 0, 3, 3, 2, 2, 0, 1, 2, 0, 4, 4, 1, 4}) {
    const auto v = piece(kind);
    x.insert(x.end(), v.begin(), v.end());
  }
  QuantileSketch proto(1e-3, zero_threshold);
  proto.set_windows(cogsim::engine::place_windows(x, cogsim::engine::reported_quantiles(), 1'000'000));
  ASSERT_FALSE(proto.windows().windows().empty());
  QuantileSketch one = proto;
  for (double v : x) one.add(v);
  // The counts, seen through what reads them: the windows' own counts (their bytes) and the
  // sketch's answer at every level (its store's bounds differ: they grow by piece or by value).
  auto counts = [](const QuantileSketch& s) {
    cogsim::engine::Writer w;
    s.windows().serialize(w);
    std::vector<std::uint64_t> out(w.bytes().begin(), w.bytes().end());
    for (int k = 0; k <= 4000; ++k) out.push_back(std::bit_cast<std::uint64_t>(s.quantile(k / 4000.0)));
    out.push_back(s.count());
    return out;
  };
  const auto want = counts(one);
  for (std::size_t block : {256u, 512u, 1024u, 300u, 1021u, 5376u}) {
    QuantileSketch blocks = proto;
    for (std::size_t b = 0; b < x.size(); b += block) blocks.add(x.data() + b, std::min(block, x.size() - b));
    EXPECT_EQ(counts(blocks), want) << "block " << block;
  }
}

TEST(QuantileSketch, EmptySingleAndInvalid) {
  QuantileSketch s(0.01, 0.5);
  EXPECT_EQ(s.count(), 0u);
  EXPECT_TRUE(std::isnan(s.quantile(0.5)));
  s.add(-3.7);
  // One value is the smallest and the largest: every quantile is that value exactly.
  for (double q : {0.0, 0.3, 1.0}) EXPECT_EQ(s.quantile(q), -3.7);
  // Between the extremes, -3.7 (below 2^6 * 0.5 = 32, in the linear steps of 0.5) reports the middle
  // of its bucket [3.5, 4): 3.75.
  QuantileSketch three(0.01, 0.5);
  for (double v : {-10.0, -3.7, 10.0}) three.add(v);
  EXPECT_EQ(three.quantile(0.5), -3.75);
  EXPECT_TRUE(std::isnan(s.quantile(-0.1)));
  EXPECT_TRUE(std::isnan(s.quantile(1.1)));
  EXPECT_TRUE(std::isnan(s.quantile(NAN)));

  QuantileSketch z(0.01, 0.5);
  for (double v : {-1.0, 0.4, 1.0}) z.add(v);  // 0.4 inside the zero band
  EXPECT_EQ(z.quantile(0.5), 0.0);
  EXPECT_EQ(s.alpha(), 0.01);
  EXPECT_EQ(s.zero_threshold(), 0.5);

  EXPECT_THROW(s.add(NAN), std::domain_error);
  EXPECT_THROW(s.add(INFINITY), std::domain_error);
  EXPECT_EQ(s.count(), 1u);
  EXPECT_THROW(QuantileSketch(0), std::invalid_argument);
  EXPECT_THROW(QuantileSketch(1), std::invalid_argument);
  EXPECT_THROW(QuantileSketch(0.01, -1), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------- Proportion

TEST(Proportion, WilsonMatchesHandComputed) {
  // Reference values: textbook formula (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
  // evaluated in 40-digit decimal arithmetic.
  struct Case { std::uint64_t hits, n; double z, lo, hi; };
  const double z95 = 1.959963984540054;
  for (const Case& c : {Case{8, 10, z95, 0.49016247153664174, 0.94331784854562474},
                        Case{1, 3, z95, 0.061491944720396242, 0.79234039919795225},
                        Case{500, 1000, z95, 0.46906960036810418, 0.53093039963189582},
                        Case{3, 1000000, z95, 1.0202712409681228e-06, 8.8211497743124349e-06},
                        Case{37, 150, 2.5758293035489, 0.16803097632424628, 0.34676424715914891}}) {
    const auto [lo, hi] = Proportion{c.hits, c.n}.wilson(c.z);
    EXPECT_LT(rel(lo, c.lo), 1e-12) << c.hits << "/" << c.n;
    EXPECT_LT(rel(hi, c.hi), 1e-12) << c.hits << "/" << c.n;
  }
}

TEST(Proportion, ZeroAndOne) {
  const double z = 1.959963984540054, z2 = z * z;
  const auto [lo0, hi0] = Proportion{0, 20}.wilson();
  EXPECT_EQ(lo0, 0.0);
  EXPECT_LT(rel(hi0, z2 / (20 + z2)), 1e-14);  // closed form at p = 0
  const auto [lo1, hi1] = Proportion{20, 20}.wilson();
  EXPECT_EQ(hi1, 1.0);
  EXPECT_LT(rel(lo1, 20 / (20 + z2)), 1e-14);
  EXPECT_EQ(Proportion({0, 20}).p(), 0.0);
  EXPECT_EQ(Proportion({0, 20}).std_error(), 0.0);
  EXPECT_EQ(Proportion({20, 20}).std_error(), 0.0);
}

// A design run's interval uses its replicate SE and Student's t on R - 1 degrees of freedom
// (t(0.975; 9) = 2.2621571627409915 and t(0.975; 1) = 12.706204736174707, from tables), not the
// iid Wilson interval; at p = 0 or 1 the replicates show no spread and Wilson's is kept.
TEST(Proportion, DesignRunIntervalUsesTheReplicateStandardError) {
  const Proportion lhs{500, 1000, 10, 0.01};
  const auto [lo, hi] = lhs.interval95();
  EXPECT_NEAR(lo, 0.5 - 2.2621571627409915 * 0.01, 1e-12);
  EXPECT_NEAR(hi, 0.5 + 2.2621571627409915 * 0.01, 1e-12);
  EXPECT_STREQ(lhs.interval_key(), "ci95");
  const auto [lo2, hi2] = Proportion{500, 1000, 2, 0.01}.interval95();
  EXPECT_NEAR(hi2 - lo2, 2 * 12.706204736174707 * 0.01, 1e-11);
  const auto [c0, c1] = Proportion{990, 1000, 10, 0.01}.interval95();  // clamped to [0, 1]
  EXPECT_EQ(c1, 1.0);
  EXPECT_NEAR(c0, 0.99 - 2.2621571627409915 * 0.01, 1e-12);
  const Proportion none{0, 1000, 10, 0.0};
  EXPECT_EQ(none.interval95(), none.wilson());
  const Proportion iid{500, 1000};
  EXPECT_EQ(iid.interval95(), iid.wilson());
  EXPECT_STREQ(iid.interval_key(), "wilson95");
}

TEST(Proportion, BasicsAndMerge) {
  Proportion a{3, 10}, b{7, 30};
  EXPECT_DOUBLE_EQ(a.p(), 0.3);
  EXPECT_DOUBLE_EQ(a.std_error(), std::sqrt(0.3 * 0.7 / 10));
  a.merge(b);
  EXPECT_EQ(a.hits, 10u);
  EXPECT_EQ(a.n, 40u);
  Proportion empty;
  EXPECT_TRUE(std::isnan(empty.p()));
  EXPECT_TRUE(std::isnan(empty.wilson().first));
}

// One bucket receiving far more than 2^16 values through the block path: the 16-bit fresh counts
// must be settled into the 64-bit ones before they wrap, and read together with them.
TEST(QuantileSketch, FreshCountsNeverWrap) {
  QuantileSketch s(1e-3);
  std::vector<double> ones(1000, 1.0), twos(1000, 2.0), mixed(900);
  for (std::size_t i = 0; i < mixed.size(); ++i) mixed[i] = i % 3 ? -4.0 : 0.0;  // two -4 for one zero
  for (int r = 0; r < 200; ++r) s.add(ones.data(), ones.size());   // 200 000 in one bucket
  for (int r = 0; r < 100; ++r) s.add(twos.data(), twos.size());   // 100 000
  for (int r = 0; r < 100; ++r) s.add(mixed.data(), mixed.size());  // 60 000 at -4, 30 000 zeros
  ASSERT_EQ(s.count(), 390000u);
  EXPECT_NEAR(s.quantile(0.0), -4.0, 4e-3);
  auto rank = [](double r) { return (r - 0.5) / 390000; };  // the q whose rank ceil(q n) is r
  EXPECT_NEAR(s.quantile(rank(60000)), -4.0, 4e-3);  // the last -4
  EXPECT_EQ(s.quantile(rank(60001)), 0.0);           // then the zeros
  EXPECT_NEAR(s.quantile(rank(90001)), 1.0, 1e-3);   // then the ones
  EXPECT_NEAR(s.quantile(rank(290000)), 1.0, 1e-3);
  EXPECT_NEAR(s.quantile(rank(290001)), 2.0, 2e-3);
  QuantileSketch t(1e-3);
  t.merge(s);  // a merge reads the fresh counts too
  EXPECT_EQ(t.count(), s.count());
  for (double q : {0.1, 0.2, 0.5, 0.75, 0.9}) EXPECT_EQ(t.quantile(q), s.quantile(q)) << q;
}

// Lanes follow the path index: any cut of a chunk into blocks gives the same bits, and the result
// is the plain running sum's up to rounding.
TEST(LaneMoments, IndependentOfBlockCutsAndAgreesWithMoments) {
  const auto x = normal(10007, 5.0, 2.0, 31);
  const std::uint64_t first = 16384;  // a chunk start
  auto cut = [&](std::size_t block) {
    LaneMoments m;
    m.shift = 5.0;
    for (std::size_t b = 0; b < x.size(); b += block) m.add(x.data() + b, std::min(block, x.size() - b), first + b);
    return m.fold();
  };
  const Moments whole = cut(x.size());
  for (std::size_t block : {1, 2, 3, 8, 13, 256, 1024}) {
    const Moments m = cut(block);
    EXPECT_EQ(m.n, whole.n);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(m.s1), std::bit_cast<std::uint64_t>(whole.s1)) << block;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(m.s2), std::bit_cast<std::uint64_t>(whole.s2)) << block;
  }
  Moments plain;
  plain.shift = 5.0;
  plain.add(x.data(), x.size());
  EXPECT_NEAR(whole.mean(), plain.mean(), 1e-13);
  EXPECT_NEAR(whole.sd(), plain.sd(), 1e-13);
}
