// The convergence view (engine RunResults::convergence, src/convergence.*): checkpoints at 1, 2, 4 …
// chunks and at the end, each estimate within 5 of its standard errors of the closed form, the
// last point equal to the run's figure; design runs at whole replicates; the JSON and the chart.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/simulator.hpp"
#include "src/convergence.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

using test::compile_model;

const char* kModel = R"(
model "conv" base 2019 years 2020..2021
var x[t in 2020..2021] = normal(0, 1)
indicator 1 on x { 2020: at_least(0), 2021: at_least(0.5) }
event high[t in 2020..2021] = x[t] > 1
)";

TEST(Convergence, CheckpointsAtPowersOfTwoChunksContainTheTruth) {
  const engine::Program p = compile_model(kModel);
  engine::RunOptions opt;
  opt.paths = 300000;  // 19 chunks of 16 384 (the last shorter)
  opt.threads = 2;
  const auto r = engine::simulate(p, opt);
  ASSERT_FALSE(r.error);
  const std::vector<std::uint64_t> want = {16384, 32768, 65536, 131072, 262144, 300000};
  ASSERT_EQ(r.convergence.size(), want.size());
  // Hit terms: indicator 1 in 2020 (P = ½), in 2021 (P = 1 − Φ(0.5)), event high 2020, 2021 (1 − Φ(1)).
  const double truth[4] = {0.5, 0.3085375387259869, 0.15865525393145707, 0.15865525393145707};
  for (std::size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(r.convergence[k].paths, want[k]);
    for (std::size_t h = 0; h < 4; ++h) {
      const double se = std::sqrt(truth[h] * (1 - truth[h]) / double(want[k]));
      EXPECT_NEAR(r.convergence[k].p[h], truth[h], 5 * se) << k << " " << h;
      EXPECT_NEAR(r.convergence[k].se[h], se, 0.05 * se);
    }
  }
  EXPECT_EQ(r.convergence.back().p[1], r.indicator_met[0][1].p());
  EXPECT_EQ(r.convergence.back().se[3], r.events[0][1].std_error());
}

TEST(Convergence, ADesignRunReportsWholeReplicates) {
  const engine::Program p = compile_model(kModel);
  engine::RunOptions opt;
  opt.paths = 100000;
  opt.sampling = engine::Sampling::QuasiMonteCarlo;
  opt.replicates = 5;
  const auto r = engine::simulate(p, opt);
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.convergence.size(), 4u);  // after 2, 3, 4 and 5 replicates of 20 000
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(r.convergence[k].paths, 20000 * (k + 2));
  EXPECT_EQ(r.convergence.back().p[0], r.indicator_met[0][0].p());
  EXPECT_EQ(r.convergence.back().se[0], r.indicator_met[0][0].std_error());
}

TEST(Convergence, JsonAndChart) {
  const engine::Program p = compile_model(kModel);
  engine::RunOptions opt;
  opt.paths = 70000;
  const auto r = engine::simulate(p, opt);
  const auto j = app::convergence_json(p, r);
  ASSERT_TRUE(j["indicators"]["1"].contains("2021"));
  EXPECT_FALSE(j["indicators"]["1"].contains("2020"));  // the last year only
  EXPECT_EQ(j["events"]["high"]["2021"]["paths"].size(), r.convergence.size());
  EXPECT_EQ(j["events"]["high"]["2021"]["p"].back().get<double>(), r.events[0][1].p());
  EXPECT_EQ(app::event_hit(p, 0, 1), 3u);
  const std::string svg = app::convergence_svg(r.convergence, {"high", app::event_hit(p, 0, 1)});
  EXPECT_NE(svg.find("<polygon class=\"band\""), std::string::npos);
  EXPECT_NE(svg.find("<polyline class=\"est\""), std::string::npos);
  EXPECT_EQ(app::convergence_svg({r.convergence[0]}, {"high", 3}), "");
}

}  // namespace
}  // namespace cogsim
