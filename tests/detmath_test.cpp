// engine/detmath.hpp against libm (accuracy) and the block evaluator against the scalar folder
// (the same bits in every clone): a model that uses exp, log, pow, sin, cos and a lognormal draw.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "engine/detmath.hpp"
#include "engine/evaluator.hpp"
#include "engine/simulator.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

// Distance in units in the last place between two finite doubles of the same sign.
double ulps(double a, double b) {
  if (a == b) return 0;
  if (std::signbit(a) != std::signbit(b)) return std::numeric_limits<double>::infinity();
  auto ia = std::bit_cast<std::int64_t>(std::fabs(a)), ib = std::bit_cast<std::int64_t>(std::fabs(b));
  return double(ia > ib ? ia - ib : ib - ia);
}

TEST(DetMath, ExpAndLogWithinOneUlpOfLibm) {
  std::mt19937_64 g(1);
  std::uniform_real_distribution<double> ex(-745.0, 709.7), lx(-1074.0, 1023.9);
  double worst_exp = 0, worst_log = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = ex(g);
    worst_exp = std::max(worst_exp, ulps(engine::det::exp(x), std::exp(x)));
    const double y = std::exp2(lx(g));
    worst_log = std::max(worst_log, ulps(engine::det::log(y), std::log(y)));
  }
  // Both sides are within 1 ulp of the true value, so they are within 2 of each other; libm is
  // within 0.5 ulp in practice, so 1 is what fdlibm's bound gives.
  EXPECT_LE(worst_exp, 1.0);
  EXPECT_LE(worst_log, 1.0);
}

TEST(DetMath, SinAndCosWithinOneUlpOfLibmOnTheReducedRange) {
  std::mt19937_64 g(2);
  std::uniform_real_distribution<double> d(-1.6e6, 1.6e6);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = i % 2 ? d(g) : d(g) * 1e-5;
    const double s = std::sin(x), c = std::cos(x);
    // Near a zero of sin or cos the relative error of any implementation is large; compare there
    // in absolute terms (1 ulp of 1).
    if (std::fabs(s) > 1e-3) worst = std::max(worst, ulps(engine::det::sin(x), s));
    else EXPECT_NEAR(engine::det::sin(x), s, 0x1p-52);
    if (std::fabs(c) > 1e-3) worst = std::max(worst, ulps(engine::det::cos(x), c));
    else EXPECT_NEAR(engine::det::cos(x), c, 0x1p-52);
  }
  EXPECT_LE(worst, 1.0);
}

TEST(DetMath, PowSpecialCasesFollowIeee) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const double cases[][2] = {{2, 0},      {nan, 0},   {1, nan},  {-2, 3},    {-2, 2},  {-2, 0.5}, {0.0, -1},
                             {-0.0, -1},  {-0.0, -2}, {-0.0, 3}, {0.0, 2.5}, {-1, inf}, {0.5, inf}, {2, -inf},
                             {inf, -1},   {-inf, 3},  {-inf, -3}, {-inf, 2}, {10, 308}, {10, -320}, {2, 1023.5},
                             {1.0001, 1e6}, {0.3, 7}, {7, -3}};
  for (const auto& c : cases) {
    const double got = engine::det::pow(c[0], c[1]), want = std::pow(c[0], c[1]);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << c[0] << "^" << c[1];
    } else if (std::isinf(want) || want == 0) {
      EXPECT_EQ(got, want) << c[0] << "^" << c[1];
      EXPECT_EQ(std::signbit(got), std::signbit(want)) << c[0] << "^" << c[1];
    } else {
      EXPECT_NEAR(got / want, 1.0, 1e-12) << c[0] << "^" << c[1];
    }
  }
}

TEST(DetMath, PowOfGrowthFactorsIsAccurate) {
  // (1 + r)^n and its inverse, as budget models write them: within 1e-14 relative.
  for (double r = -0.2; r <= 0.2; r += 0.0037)
    for (double n : {0.5, 1.0, 2.0, 3.0, 5.0, 7.25, 10.0, 30.0, -4.0})
      EXPECT_NEAR(engine::det::pow(1 + r, n) / std::pow(1 + r, n), 1.0, 1e-14) << r << " " << n;
}

// The block evaluator (multiversioned: this CPU's best clone) gives, on every path, the bits of the
// same formula computed here with engine::det one value at a time — the rule that makes every clone
// and every CPU agree.
TEST(DetMath, BlockEvaluatorMatchesScalarFormulaBitForBit) {
  auto p = test::compile_model(R"(model "m" base 2019 years 2020..2020
var z[t in 2020..2020] = normal(0, 3)
var g[t in 2020..2020] = lognormal(0.1, 0.4)
var a[t in 2020..2020] = exp(z[t]) + log(g[t]) + pow(g[t], z[t]) + pow(1 + z[t] / 100, 3) + sin(z[t] * 7) * cos(g[t])
output a, g, z
)");
  ASSERT_EQ(p.outputs.size(), 3u);
  const std::size_t n = 1024;
  engine::Workspace ws;
  ws.reserve(p, n);
  engine::BlockSpec spec{5, 0, n, engine::DrawMode::Sample, engine::Sampling::MonteCarlo, n};
  ASSERT_FALSE(engine::run_block(p, spec, ws));
  namespace d = engine::det;
  std::size_t positive_g = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = engine::value_at(p, ws, p.outputs[0].years[0].second, i);
    const double g = engine::value_at(p, ws, p.outputs[1].years[0].second, i);
    const double z = engine::value_at(p, ws, p.outputs[2].years[0].second, i);
    const double want =
        d::exp(z) + d::log(g) + d::pow(g, z) + d::pow(1 + z / 100, 3) + d::sin(z * 7) * d::cos(g);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a), std::bit_cast<std::uint64_t>(want)) << i;
    positive_g += g > 0;
  }
  EXPECT_EQ(positive_g, n);
}

}  // namespace
}  // namespace cogsim
