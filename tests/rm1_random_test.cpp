// RM1's random part against closed forms derived here from docs/model.md (not from the engine):
// the inflation gap is an AR(1) process u(t) = φ·u(t−1) + σπ·z(t) with u(2021) = 0, so
//   π(t) = F̄ + u(t):                 E = 1.5 %, Var = σπ² · Σ_{k<t−2021} φ^{2k}
//   ρ(t) = ρ̄ + β·u(t) + σρ·z'(t):   E = 1.5 %, Var = β²·Var u(t) + σρ²
// with φ = 0.5, σπ = 1 %, ρ̄ = 1.5 %, β = 0.4, σρ = 0.3 % (scenarios/cog-2022-2024/drivers.cog).
// Tolerances: 4 standard errors of the mean (sd/√n) and of the variance (Var·√(2/(n−1)), the
// series being Gaussian).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/simulator.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

constexpr double kPhi = 0.5, kSigmaPi = 0.01, kRhoMean = 0.015, kBeta = 0.4, kSigmaRho = 0.003, kForecast = 0.015;

double gap_variance(int year) {
  double v = 0, w = 1;
  for (int k = 0; k < year - 2021; ++k, w *= kPhi * kPhi) v += w;
  return kSigmaPi * kSigmaPi * v;
}

// The statistics of an output's year, or nullptr (and a failure: a renamed output must not skip
// the checks).
const engine::SeriesStats* stats_of(const engine::Program& p, const engine::RunResults& r, const std::string& name,
                                    int year) {
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    if (p.outputs[i].name == name)
      for (std::size_t k = 0; k < p.outputs[i].years.size(); ++k)
        if (p.outputs[i].years[k].first == year) return &r.outputs[i][k];
  ADD_FAILURE() << "no output " << name << " for " << year;
  return nullptr;
}

void expect_moments(const engine::SeriesStats* st, double mean, double var, const std::string& what) {
  ASSERT_NE(st, nullptr) << what;
  const auto& s = *st;
  const double n = double(s.moments.n);
  ASSERT_GT(n, 1000) << what;
  const double se_mean = std::sqrt(var / n), se_var = var * std::sqrt(2.0 / (n - 1));
  EXPECT_NEAR(s.moments.mean(), mean, 4 * se_mean) << what;
  EXPECT_NEAR(s.moments.sd() * s.moments.sd(), var, 4 * se_var) << what;
}

TEST(Rm1Random, InflationAndRmppMomentsMatchTheAr1ClosedForm) {
  const auto p = test::load_model("scenarios/cog-2022-2024");
  ASSERT_FALSE(p.outputs.empty());
  engine::RunOptions opt;
  opt.paths = 200000;
  opt.seed = 2024;
  const auto r = engine::simulate(p, opt);
  for (int year = 2022; year <= 2024; ++year) {
    const double vu = gap_variance(year);
    expect_moments(stats_of(p, r, "inflation", year), kForecast, vu, "inflation " + std::to_string(year));
    expect_moments(stats_of(p, r, "rmpp", year), kRhoMean, kBeta * kBeta * vu + kSigmaRho * kSigmaRho,
                   "rmpp " + std::to_string(year));
  }
  // The known years are constants: no spread at all.
  const engine::SeriesStats* known = stats_of(p, r, "inflation", 2021);
  ASSERT_NE(known, nullptr);
  EXPECT_EQ(known->moments.sd(), 0.0);
  EXPECT_EQ(known->moments.mean(), 0.016);
}

}  // namespace
}  // namespace cogsim
