// truncated(LAW(...), lo, hi): any law restricted to [lo, hi]. Tolerances in standard errors.
#include <gtest/gtest.h>

#include <cmath>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"

namespace cogsim {
namespace {

TEST(Truncated, MomentsMatchClosedForms) {
  dsl::Sources sources;
  auto c = dsl::compile_text("t.cog", R"(model "t" base 2019 years 2020..2020
var half[t in 2020..2020] : € = truncated(normal(0 €, 1 €), 0 €, 100 €)
var box[t in 2020..2020] = truncated(uniform(0, 10), 2, 5)
var dice[t in 2020..2020] = truncated(discrete(1, 0.25, 2, 0.25, 3, 0.25, 4, 0.25), 2, 3)
output half, box, dice
)",
                             sources);
  ASSERT_TRUE(c.program) << sources.format_all(c.diags);
  engine::RunOptions opt;
  opt.paths = 200000;
  auto r = engine::simulate(*c.program, opt);
  ASSERT_FALSE(r.error);
  const double n = double(r.paths);
  struct Case {
    double mean, var;
  } cases[] = {{std::sqrt(2 / M_PI), 1 - 2 / M_PI}, {3.5, 0.75}, {2.5, 0.25}};
  for (int i = 0; i < 3; ++i) {
    const auto& m = r.outputs[i][0].moments;
    EXPECT_NEAR(m.mean(), cases[i].mean, 5 * std::sqrt(cases[i].var / n)) << c.program->outputs[i].name;
    // SE of the sample variance ≤ sqrt(2)·var/√n·(kurtosis factor ≤ 2 for these laws).
    EXPECT_NEAR(m.variance(), cases[i].var, 5 * 2 * cases[i].var / std::sqrt(n)) << c.program->outputs[i].name;
    // Nothing below the lower bound (up to the quantile sketch's relative accuracy).
    const double lo = i == 0 ? 0 : 2;
    EXPECT_GE(r.outputs[i][0].quantile(0.001), lo - r.outputs[i][0].sketch.alpha() * lo);
  }
  // The central path uses the truncated law's mean (integrated numerically).
  auto central = engine::run_central(*c.program);
  EXPECT_NEAR(engine::value_at(*c.program, central.ws, c.program->outputs[0].years[0].second, 0),
              std::sqrt(2 / M_PI), 1e-4);
  EXPECT_NEAR(engine::value_at(*c.program, central.ws, c.program->outputs[1].years[0].second, 0), 3.5, 1e-12);
  EXPECT_NEAR(engine::value_at(*c.program, central.ws, c.program->outputs[2].years[0].second, 0), 2.5, 1e-12);
}

TEST(Truncated, ABoundWithNoProbabilityIsAnError) {
  dsl::Sources sources;
  auto c = dsl::compile_text("t.cog", R"(model "t" base 2019 years 2020..2020
var c[t in 2020..2020] = truncated(uniform(0, 1), 2, 3)
var d[t in 2020..2020] : € = truncated(normal(0 €, 1 €), 0, 1 %)
)",
                             sources);
  std::string out = sources.format_all(c.diags);
  EXPECT_NE(out.find("t.cog:2:36: error: truncated: uniform has no probability between 2 and 3"), std::string::npos)
      << out;
  EXPECT_NE(out.find("t.cog:3:61: error: unit mismatch: the bounds of truncated() are in the unit of the draw"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace cogsim
