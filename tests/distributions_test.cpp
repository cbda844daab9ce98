#include "engine/distributions.hpp"
#include "engine/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support.hpp"

using namespace cogsim::engine;

namespace {

struct Case {
  Dist d;
  std::vector<double> p;
};

std::string label(const Case& c) {
  std::string s(dist_name(c.d));
  for (double v : c.p) {
    s += ' ';
    s += std::to_string(v);
  }
  return s;
}

double quantile(const Case& c, double u) { return dist_quantile(c.d, c.p.data(), c.p.size(), u); }
double mean(const Case& c) { return dist_mean(c.d, c.p.data(), c.p.size()); }
double variance(const Case& c) { return dist_variance(c.d, c.p.data(), c.p.size()); }

// Shapes chosen to hit every branch: modes at the ends (PERT alpha or beta = 1), unsorted discrete
// values, truncated normals reflected into the upper tail, one-sided and far in the tail.
const std::vector<Case> kCases = {
    {Dist::Normal, {1.5, 2.0}},
    {Dist::LogNormal, {0.1, 0.5}},
    {Dist::Uniform, {-1.0, 3.0}},
    {Dist::Triangular, {0.0, 1.0, 4.0}},
    {Dist::Triangular, {0.0, 0.0, 1.0}},
    {Dist::Pert, {0.0, 1.0, 4.0}},
    {Dist::Pert, {10.0, 10.0, 20.0}},
    {Dist::Pert, {-3.0, 5.0, 5.0}},
    {Dist::Discrete, {1.0, 0.2, 2.0, 0.5, 5.0, 0.3}},
    {Dist::Discrete, {5.0, 0.3, 1.0, 0.2, 2.0, 0.5, 9.0, 0.0}},
    {Dist::TruncNormal, {0.0, 1.0, -1.0, 2.0}},
    {Dist::TruncNormal, {0.0, 1.0, 1.0, INFINITY}},
    {Dist::TruncNormal, {10.0, 2.0, -INFINITY, 9.0}},
    {Dist::TruncNormal, {0.0, 1.0, 8.0, 9.0}},
    {Dist::TruncNormal, {0.0, 1.0, 40.0, INFINITY}},
};

}  // namespace

TEST(Dist, SampleMomentsWithinFiveStandardErrors) {
  const std::size_t n = 200000;
  for (std::size_t k = 0; k < kCases.size(); ++k) {
    const Case& c = kCases[k];
    ASSERT_EQ(dist_check(c.d, c.p.data(), c.p.size()), "") << label(c);
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = quantile(c, uniform_at(2024, hash_combine(hash_name("dist"), k), i));
    const auto [m, s2, m4] = cogsim::test::sample_moments(x);
    EXPECT_NEAR(m, mean(c), 5.0 * std::sqrt(s2 / n)) << label(c);
    EXPECT_NEAR(s2, variance(c), 5.0 * std::sqrt((m4 - s2 * s2) / n)) << label(c);
  }
}

TEST(Dist, QuantileMonotoneAndBatchMatchesScalar) {
  std::vector<double> u;
  for (double e = -15; e <= -2.5; e += 0.5) u.push_back(std::pow(10.0, e));
  for (int k = 1; k < 100; ++k) u.push_back(k / 100.0);
  for (double e = -2.5; e >= -15; e -= 0.5) u.push_back(1.0 - std::pow(10.0, e));
  for (const Case& c : kCases) {
    std::vector<double> x(u.size());
    dist_quantile(c.d, c.p.data(), c.p.size(), u.data(), x.data(), u.size());
    for (std::size_t i = 0; i < u.size(); ++i) {
      ASSERT_FALSE(std::isnan(x[i])) << label(c) << " u=" << u[i];
      EXPECT_DOUBLE_EQ(x[i], quantile(c, u[i])) << label(c) << " u=" << u[i];
      if (i > 0) {
        EXPECT_LE(x[i - 1], x[i]) << label(c) << " u=" << u[i];
      }
    }
    std::vector<double> y = u;  // in place
    dist_quantile(c.d, c.p.data(), c.p.size(), y.data(), y.data(), y.size());
    EXPECT_EQ(y, x) << label(c);
  }
}

// The evaluator's block path for a discrete law with constant parameters must give the scalar
// quantile's bits, including zero-probability outcomes, probabilities that do not sum to 1 exactly,
// and u at 0, at 1 and at each cumulative probability; unsorted values are refused (scalar path).
TEST(Dist, DiscreteBlockPathGivesTheScalarBits) {
  const std::vector<std::vector<double>> laws = {
      {1.0, 0.2, 2.0, 0.5, 5.0, 0.3},
      {0.0, 0.0, 1.0, 0.1, 1.5, 0.0, 2.0, 0.1, 3.0, 0.1, 4.0, 0.1, 5.0, 0.1, 6.0, 0.1, 7.0, 0.1, 8.0, 0.1,
       9.0, 0.1, 10.0, 0.1},
      {-3.0, 1.0 / 3, 0.0, 1.0 / 3, 3.0, 1.0 / 3},
      {7.0, 1.0},
  };
  std::vector<std::vector<double>> all = laws;
  all.emplace_back();  // 40 outcomes: more than the kernel keeps on its stack
  for (int j = 0; j < 40; ++j) all.back().insert(all.back().end(), {double(j * j), (j % 3 + 1) / 80.0});
  // More values than one tile of the kernel (256), so that tiles after the first are checked.
  std::vector<double> u = {0.0, 1.0, 0x1p-53, 1 - 0x1p-53, 0.2, 0.7, 0.3, 0.5, 0.1, 0.9, 1.0 / 3, 2.0 / 3};
  for (int k = 0; k < 1000; ++k) u.push_back(uniform_at(7, 11, static_cast<std::uint64_t>(k)));
  for (const auto& p : all) {
    std::vector<double> x = u;
    ASSERT_TRUE(discrete_quantiles(p.data(), p.size(), x.data(), x.size()));
    for (std::size_t i = 0; i < u.size(); ++i)
      EXPECT_EQ(x[i], dist_quantile(Dist::Discrete, p.data(), p.size(), u[i])) << "u=" << u[i];
  }
  const std::vector<double> unsorted = {5.0, 0.3, 1.0, 0.2, 2.0, 0.5};
  std::vector<double> x = u;
  EXPECT_FALSE(discrete_quantiles(unsorted.data(), unsorted.size(), x.data(), x.size()));
  EXPECT_EQ(x, u);
}

TEST(Dist, QuantileKnownValues) {
  EXPECT_EQ(quantile({Dist::Normal, {3.0, 2.0}}, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(quantile({Dist::Uniform, {0.0, 4.0}}, 0.25), 1.0);
  EXPECT_DOUBLE_EQ(quantile({Dist::Triangular, {0.0, 1.0, 2.0}}, 0.5), 1.0);
  EXPECT_NEAR(quantile({Dist::LogNormal, {0.0, 1.0}}, 0.975), std::exp(1.959963984540054), 1e-13);
  EXPECT_NEAR(quantile({Dist::Pert, {0.0, 5.0, 10.0}}, 0.5), 5.0, 1e-10);
  EXPECT_EQ(quantile({Dist::Discrete, {1.0, 0.25, 3.0, 0.75}}, 0.25), 1.0);
  EXPECT_EQ(quantile({Dist::Discrete, {1.0, 0.25, 3.0, 0.75}}, 0.2500001), 3.0);
  for (double u : {1e-9, 0.1, 0.37, 0.8, 1 - 1e-9}) {
    EXPECT_NEAR(quantile({Dist::Triangular, {0.0, 0.0, 1.0}}, u), 1.0 - std::sqrt(1.0 - u), 1e-15);
    EXPECT_NEAR(quantile({Dist::Pert, {0.0, 0.0, 1.0}}, u), 1.0 - std::pow(1.0 - u, 0.2), 1e-10);  // Beta(1,5)
    EXPECT_NEAR(quantile({Dist::TruncNormal, {0.0, 1.0, 0.0, INFINITY}}, u), -inverse_normal_cdf(0.5 * (1.0 - u)), 1e-12);
  }
}

TEST(Dist, IncompleteBetaClosedFormAndInverse) {
  for (double x : {1e-6, 0.1, 0.5, 0.77, 0.999}) {
    EXPECT_NEAR(beta_inc(1.0, 1.0, x), x, 1e-14);
    EXPECT_NEAR(beta_inc(2.0, 3.0, x), x * x * (6.0 - 8.0 * x + 3.0 * x * x), 1e-13);  // Beta(2,3) CDF
  }
  // The inverse is checked in p, since x is ill-conditioned where the density vanishes: relative to p
  // in the lower half (solved there directly), absolutely in the upper half (x = 1 - y rounds y away).
  // Then in x where it is well conditioned.
  for (auto [a, b] : {std::pair{1.0, 5.0}, {5.0, 1.0}, {2.2, 3.8}, {3.0, 3.0}, {0.5, 0.5}, {30.0, 2.0}}) {
    for (double p : {1e-100, 1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6, 1 - 1e-12}) {
      const double x = beta_inc_inv(a, b, p);
      ASSERT_TRUE(x >= 0.0 && x <= 1.0) << a << "," << b << " p=" << p;
      EXPECT_NEAR(beta_inc(a, b, x), p, p <= 0.5 ? 1e-10 * p : 1e-10) << a << "," << b << " p=" << p;
    }
    for (double x : {0.05, 0.3, 0.5, 0.8})
      EXPECT_NEAR(beta_inc_inv(a, b, beta_inc(a, b, x)), x, 1e-10) << a << "," << b << " x=" << x;
  }
}

TEST(Dist, MeanAndVarianceClosedForms) {
  EXPECT_EQ(mean({Dist::Normal, {3.0, 2.0}}), 3.0);
  EXPECT_EQ(variance({Dist::Normal, {3.0, 2.0}}), 4.0);
  EXPECT_DOUBLE_EQ(mean({Dist::LogNormal, {0.0, 1.0}}), 1.6487212707001282);
  EXPECT_DOUBLE_EQ(variance({Dist::LogNormal, {0.0, 1.0}}), (std::exp(1.0) - 1.0) * std::exp(1.0));
  EXPECT_EQ(mean({Dist::Uniform, {2.0, 6.0}}), 4.0);
  EXPECT_DOUBLE_EQ(variance({Dist::Uniform, {2.0, 6.0}}), 16.0 / 12.0);
  EXPECT_EQ(mean({Dist::Triangular, {0.0, 3.0, 6.0}}), 3.0);
  EXPECT_DOUBLE_EQ(variance({Dist::Triangular, {0.0, 3.0, 6.0}}), 1.5);
  EXPECT_EQ(mean({Dist::Pert, {0.0, 2.0, 10.0}}), 3.0);
  EXPECT_DOUBLE_EQ(variance({Dist::Pert, {0.0, 2.0, 10.0}}), 3.0 * 7.0 / 7.0);  // (mu-lo)(hi-mu)/7
  EXPECT_DOUBLE_EQ(mean({Dist::Discrete, {1.0, 0.25, 3.0, 0.75}}), 2.5);
  EXPECT_DOUBLE_EQ(variance({Dist::Discrete, {1.0, 0.25, 3.0, 0.75}}), 0.75);
  EXPECT_NEAR(mean({Dist::TruncNormal, {0.0, 1.0, 0.0, INFINITY}}), 0.7978845608028654, 1e-15);
  EXPECT_NEAR(variance({Dist::TruncNormal, {0.0, 1.0, 0.0, INFINITY}}), 0.3633802276324186, 1e-15);
  EXPECT_NEAR(mean({Dist::TruncNormal, {0.0, 1.0, -INFINITY, 0.0}}), -0.7978845608028654, 1e-15);
  EXPECT_NEAR(mean({Dist::TruncNormal, {0.0, 1.0, -1.0, 2.0}}), 0.22963717909132897, 1e-14);
  EXPECT_NEAR(variance({Dist::TruncNormal, {0.0, 1.0, -1.0, 2.0}}), 0.5197625392115338, 1e-14);
  EXPECT_NEAR(variance({Dist::TruncNormal, {0.0, 1.0, -1.0, 1.0}}), 0.29112509477279314, 1e-14);
  EXPECT_NEAR(mean({Dist::TruncNormal, {0.0, 1.0, 8.0, INFINITY}}), 8.121368112236068, 1e-9);  // Mills ratio
  EXPECT_EQ(mean({Dist::TruncNormal, {5.0, 2.0, -INFINITY, INFINITY}}), 5.0);
  EXPECT_EQ(variance({Dist::TruncNormal, {5.0, 2.0, -INFINITY, INFINITY}}), 4.0);
}

TEST(Dist, DegenerateParametersGiveConstants) {
  const std::vector<std::pair<Case, double>> cases = {
      {{Dist::Normal, {3.0, 0.0}}, 3.0},           {{Dist::LogNormal, {0.0, 0.0}}, 1.0},
      {{Dist::Uniform, {2.0, 2.0}}, 2.0},          {{Dist::Triangular, {1.0, 1.0, 1.0}}, 1.0},
      {{Dist::Pert, {2.0, 2.0, 2.0}}, 2.0},        {{Dist::Discrete, {7.0, 1.0}}, 7.0},
      {{Dist::TruncNormal, {1.0, 0.0, 0.0, 2.0}}, 1.0}, {{Dist::TruncNormal, {5.0, 0.0, 0.0, 2.0}}, 2.0},
      {{Dist::TruncNormal, {0.0, 1.0, 0.5, 0.5}}, 0.5},
  };
  for (const auto& [c, k] : cases) {
    EXPECT_EQ(dist_check(c.d, c.p.data(), c.p.size()), "") << label(c);
    for (double u : {1e-16, 0.3, 0.5, 1 - 1e-16}) EXPECT_EQ(quantile(c, u), k) << label(c);
    EXPECT_EQ(mean(c), k) << label(c);
    EXPECT_EQ(variance(c), 0.0) << label(c);
  }
}

TEST(Dist, CheckMessages) {
  auto check = [](Dist d, std::vector<double> p) { return dist_check(d, p.data(), p.size()); };
  EXPECT_EQ(check(Dist::Normal, {0.0, -0.01}), "normal: standard deviation must be >= 0 (got -0.01)");
  EXPECT_EQ(check(Dist::Normal, {0.0, 1.0, 2.0}), "normal: expects 2 parameters (got 3)");
  EXPECT_EQ(check(Dist::Normal, {NAN, 1.0}), "normal: mean must be finite (got nan)");
  EXPECT_EQ(check(Dist::LogNormal, {0.0, -1.0}), "lognormal: sigma must be >= 0 (got -1)");
  EXPECT_EQ(check(Dist::Uniform, {1.0, 0.9}), "uniform: lo must be <= hi (got 1, 0.9)");
  EXPECT_EQ(check(Dist::Triangular, {0.0, 2.0, 1.0}), "triangular: need lo <= mode <= hi (got 0, 2, 1)");
  EXPECT_EQ(check(Dist::Pert, {0.0, -1.0, 1.0}), "pert: need lo <= mode <= hi (got 0, -1, 1)");
  EXPECT_EQ(check(Dist::Pert, {0.0, INFINITY, 1.0}), "pert: mode must be finite (got inf)");
  EXPECT_EQ(check(Dist::Discrete, {1.0, 0.5, 2.0}), "discrete: expects value, probability pairs (got 3 numbers)");
  EXPECT_EQ(check(Dist::Discrete, {1.0, 0.5, 2.0, 0.4}), "discrete: probabilities must sum to 1 (got 0.9)");
  EXPECT_EQ(check(Dist::Discrete, {1.0, 1.5, 2.0, -0.5}), "discrete: probabilities must be finite and >= 0 (got -0.5)");
  EXPECT_EQ(check(Dist::TruncNormal, {0.0, 1.0, 1.0, 0.0}), "truncnormal: lo must be <= hi (got 1, 0)");
  EXPECT_EQ(check(Dist::TruncNormal, {0.0, 1.0, INFINITY, INFINITY}),
            "truncnormal: interval must contain a finite point (got inf, inf)");
  EXPECT_EQ(check(Dist::TruncNormal, {0.0, 1.0, -INFINITY, 3.0}), "");
  EXPECT_EQ(check(Dist::Discrete, {1.0, 0.1, 2.0, 0.2, 3.0, 0.7}), "");  // sums to 1 only up to rounding
}

TEST(Dist, NamesRoundTrip) {
  for (Dist d : {Dist::Normal, Dist::LogNormal, Dist::Uniform, Dist::Triangular, Dist::Pert, Dist::Discrete,
                 Dist::TruncNormal}) {
    EXPECT_EQ(dist_from_name(dist_name(d)), d);
    EXPECT_TRUE(d == Dist::Discrete ? dist_param_count(d) == -1 : dist_param_count(d) >= 2);
  }
  EXPECT_EQ(dist_name(Dist::TruncNormal), "truncnormal");
  EXPECT_EQ(dist_from_name("gamma"), std::nullopt);
  EXPECT_EQ(dist_from_name("Normal"), std::nullopt);  // names match exactly
}
