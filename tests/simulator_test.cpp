// The Monte Carlo kernel: reproducibility and statistics against closed forms.
// Statistical tolerances are stated in standard errors (SE).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"
#include "src/report_csv.hpp"
#include "src/report_html.hpp"
#include "src/results.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

using test::compile_model;

const engine::SeriesStats& output(const engine::Program& p, const engine::RunResults& r,
                                  const std::string& name, int year) {
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    if (p.outputs[i].name == name)
      for (std::size_t k = 0; k < p.outputs[i].years.size(); ++k)
        if (p.outputs[i].years[k].first == year) return r.outputs[i][k];
  throw std::runtime_error("no output " + name);
}

// A linear model of independent drivers: y = 10 + 2 x + 3 z, x ~ N(1, 0.5), z ~ U(0, 1).
const char* kLinear = R"(
model "linear" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(1, 0.5)
var z[t in 2020..2020] = uniform(0, 1)
var y[t in 2020..2020] = 10 + 2 * x[t] + 3 * z[t]
var big[t in 2020..2020] : € = 1 000 000 € * (1 + x[t])
output x, z, y, big
)";

TEST(Simulator, LinearModelMomentsAndQuantilesMatchClosedForms) {
  auto p = compile_model(kLinear);
  engine::RunOptions opt;
  opt.paths = 400000;
  opt.threads = 2;
  auto r = engine::simulate(p, opt);
  ASSERT_FALSE(r.error);
  const double n = double(r.paths);
  // y: mean 10 + 2 + 1.5 = 13.5, variance 4 * 0.25 + 9 / 12 = 1.75.
  const auto& y = output(p, r, "y", 2020);
  double var = 1.75, se_mean = std::sqrt(var / n);
  EXPECT_NEAR(y.moments.mean(), 13.5, 5 * se_mean);
  // Var of the sample variance ≈ (m4 − σ⁴)/n; m4 of this sum computed in closed form:
  // m4 = E[(2X' + 3Z')^4] with X' ~ N(0, .5), Z' ~ U(-.5, .5): 16·3·.0625 + 6·4·.25·9/12 + 81·(1/80).
  double m4 = 16 * 3 * 0.0625 + 6 * (4 * 0.25) * (9.0 / 12) + 81.0 / 80;
  EXPECT_NEAR(y.moments.variance(), var, 5 * std::sqrt((m4 - var * var) / n));
  // Quantiles of x ~ N(1, 0.5): x_q = 1 + 0.5 z_q. SE of a sample quantile: sqrt(q(1−q)/n)/f(x_q).
  const auto& x = output(p, r, "x", 2020);
  const double zq[] = {-1.6448536269514722, 0, 1.6448536269514722};
  const double qs[] = {0.05, 0.5, 0.95};
  for (int i = 0; i < 3; ++i) {
    double xq = 1 + 0.5 * zq[i];
    double f = std::exp(-0.5 * zq[i] * zq[i]) / std::sqrt(2 * M_PI) / 0.5;
    double se = std::sqrt(qs[i] * (1 - qs[i]) / n) / f;
    // Sampling error (5 SE) plus the sketch's documented bound alpha·|x_q| + zero band.
    EXPECT_NEAR(x.sketch.quantile(qs[i]), xq, 5 * se + x.sketch.alpha() * std::fabs(xq) + x.sketch.zero_threshold()) << "q = " << qs[i];
  }
  // Uniform quantiles: z_q = q.
  const auto& z = output(p, r, "z", 2020);
  EXPECT_NEAR(z.sketch.quantile(0.25), 0.25, 5 * std::sqrt(0.25 * 0.75 / n) + z.sketch.alpha() * 0.25 + z.sketch.zero_threshold());
}

TEST(Simulator, ResultsDoNotDependOnThreadsOrBlockSize) {
  auto p = compile_model(kLinear);
  auto run = [&](int threads, std::size_t block) {
    engine::RunOptions opt;
    opt.paths = 50000;  // not a multiple of the chunk: the last chunk is partial
    opt.threads = threads;
    opt.block_size = block;
    return engine::simulate(p, opt);
  };
  auto a = run(1, 1024), b = run(2, 256), c = run(2, 4096);
  for (const auto* other : {&b, &c}) {
    for (std::size_t i = 0; i < a.outputs.size(); ++i) {
      const auto &u = a.outputs[i][0], &v = other->outputs[i][0];
      EXPECT_EQ(u.moments.s1, v.moments.s1);
      EXPECT_EQ(u.moments.s2, v.moments.s2);
      for (double q : {0.05, 0.5, 0.95}) EXPECT_EQ(u.quantile(q), v.quantile(q));
    }
  }
}

TEST(Simulator, ADifferentSeedGivesDifferentResults) {
  auto p = compile_model(kLinear);
  engine::RunOptions opt;
  opt.paths = 20000;
  auto a = engine::simulate(p, opt);
  opt.seed = 43;
  auto b = engine::simulate(p, opt);
  EXPECT_NE(a.outputs[0][0].moments.s1, b.outputs[0][0].moments.s1);
}

TEST(Simulator, ProbabilitiesOfEventsMatchClosedForm) {
  auto p = compile_model(R"(
model "events" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(0, 1)
var y[t in 2020..2020] = normal(0, 1)
event above[t in 2020..2020] = x[t] > 1
event both[t in 2020..2020] = x[t] > 0 and y[t] > 0
)");
  engine::RunOptions opt;
  opt.paths = 200000;
  auto r = engine::simulate(p, opt);
  const double n = double(r.paths);
  double p1 = 0.15865525393145707;  // P(Z > 1)
  EXPECT_NEAR(r.events[0][0].p(), p1, 5 * std::sqrt(p1 * (1 - p1) / n));
  EXPECT_NEAR(r.events[1][0].p(), 0.25, 5 * std::sqrt(0.25 * 0.75 / n));  // joint, same paths
}

TEST(Simulator, TargetPrecisionStopsTheRunEarly) {
  auto p = compile_model(R"(
model "stop" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(0, 1)
indicator 1 on x { 2020: at_least(0) }
)");
  engine::RunOptions opt;
  opt.paths = 10000000;
  opt.target_se = 0.005;  // p ≈ 0.5 needs about 0.25 / 0.005² = 10 000 paths
  auto r = engine::simulate(p, opt);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_LT(r.paths, 100000u);
  EXPECT_LE(r.indicator_met[0][0].std_error(), 0.005);
}

// A `between` indicator: P(lo <= x <= hi) with a random upper bound, and both bounds in the results
// file (the upper one as the mean of its draws).
TEST(Simulator, BetweenReportsBothBounds) {
  auto p = compile_model(R"(
model "band" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(10, 1)
var hi[t in 2020..2020] = normal(11, 0.5)
indicator B on x { 2020: between(9, hi[t]) }
)");
  engine::RunOptions opt;
  opt.paths = 200000;
  const auto r = engine::simulate(p, opt);
  ASSERT_FALSE(r.error);
  // P(9 <= x <= hi) = P(x >= 9) - P(x > hi) + P(hi < x < 9) = Phi(1) - Phi(-1 / sqrt(1.25)) + e,
  // x - hi ~ N(-1, sqrt(1.25)), 0 <= e <= P(hi < 9) = Phi(-4) = 3e-5 (far below 5 SE).
  const double want = 0.8413447460685429 - 0.18554668476134883, n = double(r.paths);
  EXPECT_NEAR(r.indicator_met[0][0].p(), want, 5 * std::sqrt(want * (1 - want) / n));
  const auto& hi = r.indicator_target_hi[0][0];
  EXPECT_NEAR(hi.moments.mean(), 11.0, 5 * 0.5 / std::sqrt(n));
  EXPECT_EQ(r.indicator_target[0][0].moments.mean(), 9.0);
  const auto j = app::results_json(p, r, app::RunMeta{});
  const auto& y = j["indicators"]["B"]["years"]["2020"];
  EXPECT_EQ(y["kind"], "between");
  EXPECT_EQ(y["target"], 9.0);
  EXPECT_NEAR(y["target_hi"].get<double>(), 11.0, 5 * 0.5 / std::sqrt(n));
  // The report states the band (non-breaking spaces before the euro signs).
  const std::string path = ::testing::TempDir() + "between_report.html";
  ASSERT_EQ(app::report::write_report_html(path, p, r, app::RunMeta{}, "2026-11-25 04:50"), "");
  std::stringstream html;
  html << std::ifstream(path).rdbuf();
  EXPECT_NE(html.str().find("entre 9\u00a0€ et 11\u00a0€"), std::string::npos);
  std::remove(path.c_str());
  // And the CSV has a target_hi row.
  const std::string dir = ::testing::TempDir() + "between_csv";
  std::filesystem::create_directories(dir);
  ASSERT_EQ(app::report::write_csv_dir(dir, p, r, app::RunMeta{}, "2026-11-25 04:50"), "");
  std::stringstream csv;
  csv << std::ifstream(dir + "/indicators.csv").rdbuf();
  const auto at = csv.str().find("B,2020,target_hi,");
  ASSERT_NE(at, std::string::npos) << csv.str();
  EXPECT_NEAR(std::stod(csv.str().substr(at + 17)), 11.0, 5 * 0.5 / std::sqrt(n));
  std::filesystem::remove_all(dir);
}

// The whole program: byte-identical results files whatever the thread count and block size.
std::string run_cli(const std::string& args, const std::string& json) {
  std::string cmd = std::string(COGSIM_EXE) + " run " + COGSIM_SOURCE_DIR + "/scenarios/cog-2022-2024 " + args +
                    " --quiet --json " + json;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  j.erase("meta");  // wall time, thread count, block size
  return j.dump();
}

TEST(SimulatorCli, ResultsFilesAreByteIdenticalAcrossThreadsAndBlockSizes) {
  std::string dir = testing::TempDir();
  std::string a = run_cli("--paths 40000 --seed 11 --threads 1 --block-size 1024", dir + "/a.json");
  std::string b = run_cli("--paths 40000 --seed 11 --threads 2 --block-size 512", dir + "/b.json");
  std::string c = run_cli("--paths 40000 --seed 12 --threads 2", dir + "/c.json");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

// Any single path can be replayed: `cogsim replay --path 0` prints exactly what a one-path run
// accumulated.
TEST(SimulatorCli, ReplayedPathEqualsTheSimulatedOne) {
  std::string dir = testing::TempDir();
  std::string scen = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  ASSERT_EQ(std::system((std::string(COGSIM_EXE) + " replay " + scen + " --path 0 --seed 5 --json " + dir +
                         "/replay.json > /dev/null")
                            .c_str()),
            0);
  ASSERT_EQ(std::system((std::string(COGSIM_EXE) + " run " + scen + " --paths 1 --seed 5 --quiet --json " + dir +
                         "/one.json")
                            .c_str()),
            0);
  std::ifstream a(dir + "/replay.json"), b(dir + "/one.json");
  auto replay = nlohmann::json::parse(a), one = nlohmann::json::parse(b);
  int n = 0;
  for (auto& [name, years] : one["outputs"].items())
    for (auto& [year, s] : years.items()) {
      EXPECT_EQ(replay["outputs"][name][year].get<double>(), s["mean"].get<double>()) << name << " " << year;
      ++n;
    }
  EXPECT_GT(n, 100);
}

}  // namespace
}  // namespace cogsim
