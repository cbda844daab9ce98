// The evaluator's draws. A triangular (or discrete) draw with constant parameters takes a vectorised
// path; with a parameter that varies by path it takes the scalar dist_quantile. Same uniforms (the
// draw is keyed by its var and cell), so the two must give the same numbers to the bit.
#include <gtest/gtest.h>

#include "engine/simulator.hpp"
#include "support.hpp"

namespace cogsim {
namespace {

TEST(Triangular, TheVectorisedPathGivesTheScalarPathsBits) {
  auto constant = test::compile_model(R"(
model "t" base 2019 years 2020..2022
param lo = 0.75
var a[t in 2020..2022] = triangular(lo, 1.05, 1.2)
var b[t in 2020..2022] = triangular(0, 0, 2)
output a, b
)");
  // `lo` is now a var whose value is 0.75 on every path but is not a constant for the lowering.
  auto varying = test::compile_model(R"(
model "t" base 2019 years 2020..2022
var lo[t in 2020..2022] = 0.75 + 0 * uniform(0, 1)
var a[t in 2020..2022] = triangular(lo[t], 1.05, 1.2)
var zero[t in 2020..2022] = 0 * uniform(0, 1)
var b[t in 2020..2022] = triangular(zero[t], zero[t], 2)
output a, b
)");
  engine::RunOptions opt;
  opt.paths = 5000;
  opt.threads = 1;
  auto x = engine::simulate(constant, opt);
  auto y = engine::simulate(varying, opt);
  ASSERT_EQ(x.outputs.size(), 2u);
  ASSERT_EQ(y.outputs.size(), 2u);
  for (std::size_t o = 0; o < 2; ++o)
    for (std::size_t k = 0; k < x.outputs[o].size(); ++k) {
      EXPECT_EQ(x.outputs[o][k].moments.s1, y.outputs[o][k].moments.s1) << o << " " << k;
      for (double q : {0.05, 0.5, 0.95})
        EXPECT_EQ(x.outputs[o][k].sketch.quantile(q), y.outputs[o][k].sketch.quantile(q)) << o << " " << k;
    }
}

// A discrete law of ten outcomes (twenty parameters) through the evaluator: every outcome is drawn.
// The evaluator once kept 18 parameters and dropped the tenth outcome without a word (mean 5.0).
// Closed form: mean 5.5, variance 8.25; tolerance 5 standard errors of the mean.
TEST(Discrete, TenOutcomesAreAllDrawn) {
  auto p = test::compile_model(R"(
model "t" base 2019 years 2020..2020
var x[t in 2020..2020] = discrete(1, 0.1, 2, 0.1, 3, 0.1, 4, 0.1, 5, 0.1, 6, 0.1, 7, 0.1, 8, 0.1, 9, 0.1, 10, 0.1)
output x
)");
  engine::RunOptions opt;
  opt.paths = 100000;
  opt.threads = 1;
  auto r = engine::simulate(p, opt);
  ASSERT_EQ(r.outputs.size(), 1u);
  const auto& m = r.outputs[0][0].moments;
  EXPECT_NEAR(m.mean(), 5.5, 5 * std::sqrt(8.25 / opt.paths));
}

}  // namespace
}  // namespace cogsim
