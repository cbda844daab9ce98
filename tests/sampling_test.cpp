// Latin Hypercube sampling and correlations (Gaussian copula). Tolerances in standard errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "dsl/compiler.hpp"
#include "engine/design.hpp"
#include "engine/simulator.hpp"

namespace cogsim {
namespace {

struct Compiled {
  engine::Program program;
  Diagnostics diags;
};

Compiled compile(const std::string& text) {
  dsl::Sources sources;
  auto c = dsl::compile_text("test.cog", text, sources);
  EXPECT_TRUE(c.program.has_value()) << sources.format_all(c.diags);
  return {c.program ? std::move(*c.program) : engine::Program{}, c.diags};
}

double mean_of(const engine::Program& p, const engine::RunResults& r, const std::string& name) {
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    if (p.outputs[i].name == name) return r.outputs[i][0].moments.mean();
  throw std::runtime_error(name);
}

double variance_of(const engine::Program& p, const engine::RunResults& r, const std::string& name) {
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    if (p.outputs[i].name == name) return r.outputs[i][0].moments.variance();
  throw std::runtime_error(name);
}

TEST(LatinHypercube, EveryStratumOfEachReplicateIsHitExactlyOnce) {
  auto c = compile(R"(
model "u" base 2019 years 2020..2020
var u[t in 2020..2020] = uniform(0, 1)
output u
)");
  const std::size_t n = 1000, R = 4, m = n / R;
  const engine::Design design({&c.program}, engine::Sampling::LatinHypercube, n, R, 0);
  ASSERT_EQ(design.replicates(), R);
  engine::Workspace ws;
  ws.reserve(c.program, n);
  engine::BlockSpec spec{7, 0, n, engine::DrawMode::Sample, engine::Sampling::LatinHypercube, n};
  spec.design = &design;
  ASSERT_FALSE(engine::run_block(c.program, spec, ws));
  engine::Operand o = c.program.outputs[0].years[0].second;
  for (std::size_t r = 0; r < R; ++r) {
    ASSERT_EQ(design.start(std::uint32_t(r)), r * m);
    std::vector<int> hits(m, 0);
    for (std::size_t i = r * m; i < (r + 1) * m; ++i) ++hits[std::size_t(ws.slot(o)[i] * double(m))];
    EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), long(m)) << "replicate " << r;
  }
}

TEST(LatinHypercube, GivesASmallerErrorThanPlainMonteCarloOnASmoothOutput) {
  auto c = compile(R"(
model "smooth" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(0, 1)
var z[t in 2020..2020] = triangular(0, 1, 3)
var y[t in 2020..2020] = exp(0.3 * x[t]) + z[t] * z[t]
output y
)");
  // The spread of the estimated mean over independent replications, for each sampling.
  auto spread = [&](engine::Sampling s) {
    std::vector<double> means;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      engine::RunOptions opt;
      opt.paths = 2000;
      opt.seed = seed;
      opt.threads = 1;
      opt.sampling = s;
      auto r = engine::simulate(c.program, opt);
      means.push_back(mean_of(c.program, r, "y"));
    }
    double m = 0, v = 0;
    for (double x : means) m += x;
    m /= double(means.size());
    for (double x : means) v += (x - m) * (x - m);
    return v / double(means.size() - 1);
  };
  double mc = spread(engine::Sampling::MonteCarlo), lhs = spread(engine::Sampling::LatinHypercube);
  // For an additive smooth function LHS removes nearly all the variance; ask for a factor 10.
  EXPECT_LT(lhs, mc / 10) << "MC variance " << mc << ", LHS variance " << lhs;
}

TEST(Correlation, GaussianCopulaGivesTheRequestedCorrelationOfNormals) {
  auto c = compile(R"(
model "corr" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 1)
var s[t in 2020..2020] = a[t] + b[t]
correlate a, b = 0.6
output a, b, s
)");
  engine::RunOptions opt;
  opt.paths = 200000;
  auto r = engine::simulate(c.program, opt);
  double n = double(r.paths);
  // Var(a + b) = 2 + 2ρ = 3.2; for a normal sum, Var(sample variance) = 2σ⁴/n.
  EXPECT_NEAR(variance_of(c.program, r, "s"), 3.2, 5 * std::sqrt(2 * 3.2 * 3.2 / n));
  // Marginals are unchanged by the copula.
  EXPECT_NEAR(variance_of(c.program, r, "a"), 1.0, 5 * std::sqrt(2 / n));
  EXPECT_NEAR(variance_of(c.program, r, "b"), 1.0, 5 * std::sqrt(2 / n));
  EXPECT_NEAR(mean_of(c.program, r, "b"), 0.0, 5 * std::sqrt(1 / n));
  // The measured rank correlation is the Spearman of a normal copula: (6/π)·asin(ρ/2).
  double spearman = 6 / M_PI * std::asin(0.3);
  ASSERT_EQ(r.correlations.size(), 1u);
  EXPECT_NEAR(r.correlations[0], spearman, 5 / std::sqrt(n));  // SE of Spearman ≤ 1/√n
}

TEST(Correlation, RankCorrelationIsAchievedWhateverTheMarginals) {
  auto c = compile(R"(
model "rank" base 2019 years 2020..2021
var a[t in 2020..2021] = lognormal(0, 1)
var b[t in 2020..2021] = uniform(0, 10)
correlate a, b = -0.4 rank
output a, b
)");
  engine::RunOptions opt;
  opt.paths = 200000;
  auto r = engine::simulate(c.program, opt);
  EXPECT_NEAR(c.program.correlations[0].used, -0.4, 1e-12);
  EXPECT_NEAR(r.correlations[0], -0.4, 5 / std::sqrt(double(r.paths)));
}

TEST(Correlation, AnInconsistentMatrixIsRepairedWithAWarning) {
  auto c = compile(R"(
model "bad" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 1)
var d[t in 2020..2020] = normal(0, 1)
correlate a, b = 0.9
correlate b, d = 0.9
correlate a, d = -0.9
output a
)");
  ASSERT_EQ(c.diags.size(), 1u);
  EXPECT_EQ(c.diags[0].severity, Severity::Warning);
  EXPECT_NE(c.diags[0].message.find("not positive definite"), std::string::npos);
  // The repaired matrix is a valid correlation matrix: its 3×3 determinant is ≥ 0.
  double x = c.program.correlations[0].used, y = c.program.correlations[1].used,
         z = c.program.correlations[2].used;
  EXPECT_GE(1 + 2 * x * y * z - x * x - y * y - z * z, -1e-9);
  EXPECT_LT(x, 0.9);
  engine::RunOptions opt;
  opt.paths = 100000;
  auto r = engine::simulate(c.program, opt);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(r.correlations[i], 6 / M_PI * std::asin(c.program.correlations[i].used / 2),
                5 / std::sqrt(double(r.paths)));
}

TEST(Correlation, ErrorsPointAtTheStatement) {
  dsl::Sources sources;
  auto c = dsl::compile_text("t.cog", R"(model "e" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1) + normal(0, 1)
var b[e in kinds, t in 2020..2020] = normal(0, 1)
set kinds = { X, Y }
correlate a, b = 0.5
correlate a, nope = 0.5
)",
                             sources);
  std::string out = sources.format_all(c.diags);
  EXPECT_NE(out.find("t.cog:5:1: error: 'a' and 'b' must have the same indices"), std::string::npos) << out;
  EXPECT_NE(out.find("t.cog:6:14: error: unknown name 'nope'"), std::string::npos) << out;
}

}  // namespace
}  // namespace cogsim
