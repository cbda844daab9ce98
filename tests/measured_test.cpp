// What the engine claims, measured from the outside: correlations on the output draws (not on
// the copula's internal uniforms), the rank-based contributions to variance against their closed
// form, and the path count at which --target-se stops. Tolerances in standard errors; expected
// values from closed forms, never from the engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/evaluator.hpp"
#include "engine/sensitivity.hpp"
#include "engine/simulator.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

// Every path's value of output NAME (its first year), evaluated block by block as a run does.
std::vector<double> output_draws(const engine::Program& p, const std::string& name, std::uint64_t paths,
                                 std::uint64_t seed) {
  engine::Operand op = 0;
  bool found = false;
  for (const auto& o : p.outputs)
    if (o.name == name) op = o.years.front().second, found = true;
  EXPECT_TRUE(found) << "no output " << name;
  std::vector<double> v;
  v.reserve(paths);
  engine::Workspace ws;
  const std::size_t block = 1024;
  ws.reserve(p, block);
  for (std::uint64_t first = 0; first < paths; first += block) {
    engine::BlockSpec spec{seed, first, static_cast<std::size_t>(std::min<std::uint64_t>(block, paths - first))};
    EXPECT_FALSE(engine::run_block(p, spec, ws));
    for (std::size_t i = 0; i < spec.size; ++i) v.push_back(engine::value_at(p, ws, op, i));
  }
  return v;
}

// Ranks by an exact sort (ties cannot occur with continuous laws).
std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t k = 0; k < idx.size(); ++k) r[idx[k]] = double(k);
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = double(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  return sab / std::sqrt(saa * sbb);
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) { return pearson(ranks(a), ranks(b)); }

// `correlate … rank`: the Spearman correlation of the drawn values themselves, whatever their
// laws. At n = 400 000 the standard error of a sample Spearman correlation is below 1/√n =
// 0.0016; 4 of them (0.0063) separate −0.4 from what a Pearson-for-rank mix-up would give
// ((6/π)·asin(−0.2) = −0.383).
TEST(MeasuredOnDraws, RankCorrelationOfTheDrawnValues) {
  auto p = test::compile_model(R"(
model "rank" base 2019 years 2020..2020
var a[t in 2020..2020] = lognormal(0, 1)
var b[t in 2020..2020] = uniform(0, 10)
correlate a, b = -0.4 rank
output a, b
)");
  const std::uint64_t n = 400000;
  const double rho = spearman(output_draws(p, "a", n, 7), output_draws(p, "b", n, 7));
  EXPECT_NEAR(rho, -0.4, 4 / std::sqrt(double(n)));
  EXPECT_GT(std::fabs(rho - 6 / M_PI * std::asin(-0.2)), 4 / std::sqrt(double(n)));
}

// A Pearson correlation between normal draws is the Pearson correlation of the drawn values
// (standard error (1 − ρ²)/√n ≤ 1/√n), and their Spearman is the normal copula's (6/π)·asin(ρ/2).
TEST(MeasuredOnDraws, PearsonCorrelationOfNormalDraws) {
  auto p = test::compile_model(R"(
model "pearson" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(100, 15)
var b[t in 2020..2020] = normal(-3, 2)
correlate a, b = 0.6
output a, b
)");
  const std::uint64_t n = 400000;
  const auto a = output_draws(p, "a", n, 11), b = output_draws(p, "b", n, 11);
  EXPECT_NEAR(pearson(a, b), 0.6, 4 / std::sqrt(double(n)));
  EXPECT_NEAR(spearman(a, b), 6 / M_PI * std::asin(0.3), 4 / std::sqrt(double(n)));
}

// y = 3a + b + 0c with independent normals: the contributions are the squared Spearman
// correlations, normalised. Closed form: ρ_a = 3/√13, ρ_b = 2/√13 (Pearson), ρs = (6/π)·asin(ρ/2),
// share_a = ρs_a² / (ρs_a² + ρs_b²) = 0.6997 — not the Pearson share 9/13 = 0.6923. The standard
// error is measured across 16 seeds (their spread / √16); the estimate must be within 4 of them of
// the closed form and more than 4 away from 9/13.
TEST(MeasuredOnDraws, ContributionsToVarianceAreRankBased) {
  auto p = test::compile_model(R"(
model "linear" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 2)
var c[t in 2020..2020] = normal(5, 1)
var y[t in 2020..2020] = 3 * a[t] + b[t] + 0 * c[t]
output y
)");
  auto rs = [](double r) { return 6 / M_PI * std::asin(r / 2); };
  const double sa = rs(3 / std::sqrt(13.0)), sb = rs(2 / std::sqrt(13.0));
  const double want = sa * sa / (sa * sa + sb * sb);
  std::vector<double> shares;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    engine::SensitivityOptions opt;
    opt.paths = 100000;
    opt.seed = seed;
    opt.bootstrap = 0;
    auto r = engine::sensitivity(p, p.outputs[0].years[0].second, opt);
    ASSERT_FALSE(r.error);
    ASSERT_EQ(r.contributions.front().input, "a");
    shares.push_back(r.contributions.front().share);
  }
  const double m = std::accumulate(shares.begin(), shares.end(), 0.0) / double(shares.size());
  double ss = 0;
  for (double s : shares) ss += (s - m) * (s - m);
  const double se = std::sqrt(ss / double(shares.size() - 1) / double(shares.size()));
  EXPECT_NEAR(m, want, 4 * se) << "se " << se;
  EXPECT_GT(std::fabs(m - 9.0 / 13), 4 * se) << "se " << se;
}

// --target-se 0.001 on two indicators, P = 1/2 (x >= 0) and P = Φ(2) (x >= −2): the slower one
// needs n* = 0.25 / 0.001² = 250 000 paths. The run stops at the first whole chunk (16 384
// paths) where the estimate's standard error is below the target: between 0.95·n* (p̂ a little
// off 1/2) and n* + one chunk.
TEST(MeasuredOnDraws, EarlyStopAtTheExpectedPathCount) {
  auto p = test::compile_model(R"(
model "stop" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(0, 1)
indicator 1 on x { 2020: at_least(0) }
indicator 2 on x { 2020: at_least(-2) }
)");
  engine::RunOptions opt;
  opt.paths = 10000000;
  opt.target_se = 0.001;
  auto r = engine::simulate(p, opt);
  const double n_star = 0.25 / (opt.target_se * opt.target_se);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_GE(double(r.paths), 0.95 * n_star);
  EXPECT_LE(double(r.paths), n_star + double(opt.chunk_size));
  EXPECT_EQ(r.paths % opt.chunk_size, 0u);
}

}  // namespace
}  // namespace cogsim
