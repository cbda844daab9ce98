// Sensitivity analysis against closed forms, and goal seek on an analytic model.
#include <gtest/gtest.h>

#include <cstdio>
#include <cmath>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "dsl/compiler.hpp"
#include "engine/sensitivity.hpp"
#include "src/cli.hpp"
#include "src/goal.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

using test::compile_model;

const engine::SobolIndex& sobol(const engine::SensitivityResults& r, const std::string& name) {
  for (const auto& s : r.sobol)
    if (s.input == name) return s;
  throw std::runtime_error(name);
}

// Ishigami function (a = 7, b = 0.1), x_i ~ U(−π, π): the textbook test of Sobol estimators.
TEST(Sensitivity, SobolIndicesOfTheIshigamiFunctionMatchTheClosedForms) {
  auto p = compile_model(R"(
model "ishigami" base 2019 years 2020..2020
var x1[t in 2020..2020] = uniform(-3.141592653589793, 3.141592653589793)
var x2[t in 2020..2020] = uniform(-3.141592653589793, 3.141592653589793)
var x3[t in 2020..2020] = uniform(-3.141592653589793, 3.141592653589793)
var y[t in 2020..2020] = sin(x1[t]) + 7 * sin(x2[t]) ^ 2 + 0.1 * x3[t] ^ 4 * sin(x1[t])
output y
)");
  engine::SensitivityOptions opt;
  opt.paths = 1 << 14;  // N = 2^14 per matrix
  opt.bootstrap = 300;
  auto r = engine::sensitivity(p, p.outputs[0].years[0].second, opt);
  ASSERT_FALSE(r.error);
  const double pi4 = std::pow(M_PI, 4), pi8 = std::pow(M_PI, 8);
  const double v1 = 0.5 * std::pow(1 + 0.1 * pi4 / 5, 2), v2 = 49.0 / 8, v13 = 0.01 * pi8 * (1.0 / 18 - 1.0 / 50);
  const double v = v1 + v2 + v13;
  struct Expect {
    const char* name;
    double first, total;
  } expect[] = {{"x1", v1 / v, (v1 + v13) / v}, {"x2", v2 / v, v2 / v}, {"x3", 0.0, v13 / v}};
  EXPECT_NEAR(r.variance, v, 0.08 * v);  // 16 384 paths: the sample variance is within a few %
  for (const auto& e : expect) {
    const auto& s = sobol(r, e.name);
    // The closed form lies in the 95 % bootstrap interval, widened by a quarter of its width on
    // each side (≈ 3 standard errors), so the test does not fail one run in twenty by design.
    double w1 = s.first_hi - s.first_lo, wt = s.total_hi - s.total_lo;
    EXPECT_GE(e.first, s.first_lo - w1 / 4) << e.name << " S1 " << s.first;
    EXPECT_LE(e.first, s.first_hi + w1 / 4) << e.name << " S1 " << s.first;
    EXPECT_GE(e.total, s.total_lo - wt / 4) << e.name << " ST " << s.total;
    EXPECT_LE(e.total, s.total_hi + wt / 4) << e.name << " ST " << s.total;
    EXPECT_LT(w1, 0.06) << e.name;  // the stated bound at N = 2^14 (docs/cli.md; measured 0.026-0.033)
    EXPECT_LT(wt, 0.06) << e.name;  // measured 0.014-0.043
  }
}

// A linear model: y = 3 a + b + 0 c, independent normals: S_i = ST_i = β_i² σ_i² / Σ.
TEST(Sensitivity, LinearModelTornadoAndContributionsAreExact) {
  auto p = compile_model(R"(
model "linear" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 2)
var c[t in 2020..2020] = normal(5, 1)
var y[t in 2020..2020] = 3 * a[t] + b[t] + 0 * c[t]
output y
)");
  engine::SensitivityOptions opt;
  opt.paths = 20000;
  auto r = engine::sensitivity(p, p.outputs[0].years[0].second, opt);
  ASSERT_FALSE(r.error);
  // Tornado: a at its P10 / P90 moves y by 3 × ∓1.2816; c does not move it.
  const double z90 = 1.2815515655446004;
  ASSERT_EQ(r.tornado.front().input, "a");
  EXPECT_NEAR(r.tornado.front().low, -3 * z90, 1e-9);
  EXPECT_NEAR(r.tornado.front().high, 3 * z90, 1e-9);
  EXPECT_EQ(r.tornado.back().input, "c");
  EXPECT_EQ(r.tornado.back().low, r.tornado.back().high);
  // Contributions: a 9/13, b 4/13 (the squared rank correlations of a Gaussian linear model
  // keep those proportions up to the ρ→ρs map; within 0.03).
  ASSERT_EQ(r.contributions.front().input, "a");
  EXPECT_NEAR(r.contributions.front().share, 9.0 / 13, 0.03);
  const auto &sa = sobol(r, "a"), &sb = sobol(r, "b"), &sc = sobol(r, "c");
  EXPECT_NEAR(sa.total, 9.0 / 13, 0.03);
  EXPECT_NEAR(sb.total, 4.0 / 13, 0.03);
  EXPECT_NEAR(sc.total, 0.0, 1e-12);  // exactly: c never changes y
  EXPECT_NEAR(sa.first, 9.0 / 13, 0.05);
}

// An output that does not move (a realised year: -13 607 724.82 € on every path) has its value as
// mean and a variance of exactly 0; with sum(x²) − n·mean² the variance came out at −158 and the
// mean 5e-6 € off. A large level with a small spread keeps its variance to 1e-9 relative (closed
// form: the sample variance of y = 1e9 + a, a ~ N(0, 1), is that of a, computed here apart).
TEST(Sensitivity, MeanAndVarianceOfALargeLevelAreExactEnough) {
  auto p = compile_model(R"(
model "level" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var still[t in 2020..2020] = -13607724.82 € + 0 * a[t]
var high[t in 2020..2020] = 1e9 + a[t]
var alone[t in 2020..2020] = a[t]
output still, high, alone
)");
  engine::SensitivityOptions opt;
  opt.paths = 20000;
  opt.sobol = false;
  auto still = engine::sensitivity(p, p.outputs[0].years[0].second, opt);
  ASSERT_FALSE(still.error);
  EXPECT_EQ(still.mean, -13607724.82);
  EXPECT_EQ(still.variance, 0.0);
  auto high = engine::sensitivity(p, p.outputs[1].years[0].second, opt);
  auto alone = engine::sensitivity(p, p.outputs[2].years[0].second, opt);
  ASSERT_FALSE(high.error || alone.error);
  EXPECT_NEAR(high.variance, alone.variance, 1e-6 * alone.variance);
  EXPECT_NEAR(high.mean - 1e9, alone.mean, 1e-6);
}

// The centred estimators at N = 2^14 on y = 3a + b + 0c and on the same plus 10^6 (mean 10^6
// sd, where an uncentred first-order estimator is useless): the 95 % bootstrap intervals contain
// the closed forms S_a = 9/13, S_b = 4/13, S_c = 0 (first order = total: additive), each interval
// is narrower than 0.06, and the offset changes no index by more than 1e-6.
TEST(Sensitivity, CentredSobolIndicesOfALinearModelAtTwoToTheFourteen) {
  auto p = compile_model(R"(
model "linear" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 2)
var c[t in 2020..2020] = normal(5, 1)
var y[t in 2020..2020] = 3 * a[t] + b[t] + 0 * c[t]
var z[t in 2020..2020] = 1000000 + 3 * a[t] + b[t] + 0 * c[t]
output y
output z
)");
  engine::SensitivityOptions opt;
  opt.paths = 1 << 14;
  opt.bootstrap = 300;
  auto r = engine::sensitivity(p, p.outputs[0].years[0].second, opt);
  auto rz = engine::sensitivity(p, p.outputs[1].years[0].second, opt);
  ASSERT_FALSE(r.error);
  ASSERT_FALSE(rz.error);
  for (auto [name, truth] : {std::pair{"a", 9.0 / 13}, std::pair{"b", 4.0 / 13}, std::pair{"c", 0.0}}) {
    const auto &s = sobol(r, name), &z = sobol(rz, name);
    const double w1 = s.first_hi - s.first_lo, wt = s.total_hi - s.total_lo;
    EXPECT_GE(truth, s.first_lo - w1 / 4) << name << " S1 " << s.first;
    EXPECT_LE(truth, s.first_hi + w1 / 4) << name << " S1 " << s.first;
    EXPECT_GE(truth, s.total_lo - wt / 4 - 1e-12) << name << " ST " << s.total;
    EXPECT_LE(truth, s.total_hi + wt / 4 + 1e-12) << name << " ST " << s.total;
    EXPECT_LT(w1, 0.06) << name;
    EXPECT_LT(wt, 0.06) << name;
    EXPECT_NEAR(z.first, s.first, 1e-6) << name;
    EXPECT_NEAR(z.total, s.total, 1e-6) << name;
    EXPECT_NEAR(z.first_hi - z.first_lo, w1, 1e-6) << name;
  }
}

// x ~ N(μ, 1) with μ a param, and an indicator x ≥ 0: P(met) = Φ(μ), analytic.
app::GoalRequest analytic_goal(const std::string& file, double probability, double lo, double hi,
                               std::uint64_t paths) {
  std::string path = testing::TempDir() + "/" + file;
  std::ofstream(path) << R"(model "goal" base 2019 years 2020..2020
param mu "Moyenne" = 0
var x[t in 2020..2020] = normal(mu, 1)
indicator 1 "x positif" on x { 2020: at_least(0) }
)";
  app::GoalRequest q;
  q.model_path = path;
  q.param = "mu";
  q.indicator = "1";
  q.year = 2020;
  q.probability = probability;
  q.lo = lo;
  q.hi = hi;
  q.run.paths = paths;
  q.run.threads = 2;
  return q;
}

// Goal seek where the answer is analytic: Φ(μ) = 0.8 ⇔ μ = 0.8416.
// The tornado in probability and the inputs on missed paths, against closed forms: y = a + 2b,
// a, b ~ N(0, 1), c unused, met when y >= 0. With a held at z (the others drawn) P(met) = Φ(z/2);
// with b at z, Φ(2z); at P10/P90, z = ∓1.2816. On the missed paths (S = a + 2b < 0, Var S = 5),
// E[a | S < 0] = −(1/5)·√5·√(2/π) and E[b | S < 0] = −(2/5)·√5·√(2/π); the met paths mirror them.
TEST(Sensitivity, ProbabilityTornadoAndMissedPathsMatchTheClosedForms) {
  auto p = compile_model(R"(
model "flag" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 1)
var c[t in 2020..2020] = normal(0, 1)
var y[t in 2020..2020] = a[t] + 2 * b[t]
var z[t in 2020..2020] = c[t]
indicator 1 on y { 2020: at_least(0) }
output y, z
)");
  engine::SensitivityOptions opt;
  opt.paths = 20000;
  opt.bootstrap = 10;
  opt.probability = true;
  const auto& y = p.indicators[0].years[0];
  auto r = engine::sensitivity(p, y.met, opt, y.value);
  ASSERT_FALSE(r.error);
  const double z90 = 1.2815515655446004, n = double(opt.paths);
  auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  ASSERT_EQ(r.probability_tornado.size(), 2u);  // c: sans effet
  EXPECT_EQ(r.no_effect, std::vector<std::string>{"c"});
  struct Expect {
    const char* name;
    double low, high;
  } expect[] = {{"b", phi(-2 * z90), phi(2 * z90)}, {"a", phi(-z90 / 2), phi(z90 / 2)}};  // b widest
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& bar = r.probability_tornado[k];
    EXPECT_EQ(bar.input, expect[k].name);
    // Each conditional P is a mean of 0/1 flags over n paths: 4 binomial standard errors.
    for (auto [got, want] : {std::pair{bar.low, expect[k].low}, std::pair{bar.high, expect[k].high}})
      EXPECT_NEAR(got, want, 4 * std::sqrt(std::max(want * (1 - want), 0.5 * 0.5 / n) / n)) << bar.input;
    // The paired standard errors: positive, below the unpaired one (the same paths).
    EXPECT_GT(bar.low_se, 0);
    EXPECT_LT(bar.low_se, std::sqrt(2 * 0.25 / n)) << bar.input;
  }
  EXPECT_NEAR(r.mean, 0.5, 4 * std::sqrt(0.25 / n));
  // Missed paths: about half of them; the conditional means within 4 standard errors (the
  // conditional sd is below 1, so 4/√(n/2) bounds it).
  EXPECT_NEAR(double(r.missed_paths), n / 2, 4 * std::sqrt(n / 4));
  ASSERT_EQ(r.missed.size(), 2u);
  EXPECT_EQ(r.missed[0].input, "b");  // the larger shift first
  const double k = std::sqrt(5.0) * std::sqrt(2 / M_PI), tol = 4 / std::sqrt(n / 2);
  for (const auto& m : r.missed) {
    const double want = (m.input == "b" ? 2.0 : 1.0) / 5 * k;
    EXPECT_NEAR(m.mean_missed, -want, tol) << m.input;
    EXPECT_NEAR(m.mean_met, want, tol) << m.input;
    EXPECT_LT(m.centile_missed, 0.5) << m.input;
    EXPECT_GT(m.centile_met, 0.5) << m.input;
  }
}

TEST(Goal, RecoversTheAnalyticAnswer) {
  auto g = app::goal_seek(analytic_goal("goal.cog", 0.8, -2, 3, 200000));
  ASSERT_TRUE(g.error.empty()) << g.error << g.diagnostics;
  const double answer = 0.8416212335729143;
  EXPECT_GT(g.std_error, 0);
  EXPECT_NEAR(g.value, answer, 5 * g.std_error) << "se " << g.std_error;
  EXPECT_LT(g.std_error, 0.01);
  EXPECT_NEAR(g.p_at_value, 0.8, 0.001);
}

// The answer in the param's unit: s is a percentage, x ~ N(100·s, 1) and P(x >= 0) = Φ(100·s), so
// P = 0.8 at s = 0.8416 %. The text reads "s — Seuil : 0,84 % ± 0,0x % (aujourd'hui 10 %)".
TEST(Goal, TheAnswerIsWrittenInTheParamsUnitBesideItsValueToday) {
  app::GoalRequest q = analytic_goal("goal_pct.cog", 0.8, 0, 0.03, 100000);
  std::ofstream(q.model_path) << R"(model "goal" base 2019 years 2020..2020
param s : % "Seuil" = 10 %
var x[t in 2020..2020] = normal(100 * s, 1)
indicator 1 "x positif" on x { 2020: at_least(0) }
)";
  q.param = "s";
  auto g = app::goal_seek(q);
  ASSERT_TRUE(g.error.empty()) << g.error << g.diagnostics;
  EXPECT_EQ(g.unit, "%");
  ASSERT_TRUE(g.current.has_value());
  EXPECT_DOUBLE_EQ(*g.current, 0.10);
  const std::string text = app::goal_text(q, g), nbsp = "\u00a0";
  const std::string head = "s — Seuil : ";
  ASSERT_EQ(text.rfind(head, 0), 0u) << text;
  // The value and its error, read back from the text (decimal comma, then " %").
  double value = 0, se = 0;
  std::string first = text.substr(head.size(), text.find('\n') - head.size());
  for (char& c : first)
    if (c == ',') c = '.';
  ASSERT_EQ(std::sscanf(first.c_str(), "%lf", &value), 1) << text;
  const auto pm = first.find("± ");
  ASSERT_NE(pm, std::string::npos) << text;
  ASSERT_EQ(std::sscanf(first.c_str() + pm + 3, "%lf", &se), 1) << text;  // "±" is two bytes
  EXPECT_NEAR(value, 0.8416212335729143, 5 * 100 * g.std_error + 0.01) << text;  // in %, to its decimals
  EXPECT_NEAR(se, 100 * g.std_error, 0.006) << text;  // one significant digit, in %
  EXPECT_NE(first.find(nbsp + "% ± "), std::string::npos) << text;
  EXPECT_NE(text.find("(aujourd'hui 10" + nbsp + "%)"), std::string::npos) << text;
  EXPECT_NE(text.find("pour P(indicateur 1 atteint en 2020) = 80,0" + nbsp + "%"), std::string::npos) << text;
  EXPECT_EQ(text.find("e-0"), std::string::npos) << text;  // never scientific notation
}

TEST(Goal, SaysWhenTheTargetIsNotBracketed) {
  auto g = app::goal_seek(analytic_goal("goal2.cog", 0.99, -1, 1, 10000));
  EXPECT_NE(g.error.find("does not cross 0.99 between -1"), std::string::npos) << g.error;
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

// What the request gets wrong is a usage error (status 2), as in `sensitivity`: an indicator or an
// event the model has not, a --param naming no cell, an interval the probability does not cross.
// These used to end with status 5 ("failed while running") or 3 ("does not compile").
TEST(GoalCli, WhatTheRequestGetsWrongIsAUsageError) {
  const std::string model = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--param", "savings[CDS, 2024]", "--indicator", "99", "--lo", "0", "--hi", "0.1"}, "indicator 99 has no target for 2024"},
      {{"--param", "savings[CDS, 2024]", "--event", "nope", "--lo", "0", "--hi", "0.1"}, "no event nope for 2024"},
      {{"--param", "nope", "--indicator", "8", "--lo", "0", "--hi", "0.1"}, "--param nope names no param cell of the model"},
      {{"--param", "savings[CDS, 2024]", "--indicator", "8", "--lo", "0", "--hi", "0.001"},
       "the probability does not cross 0.8 between 0"}};
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args = {"cogsim", "goal", model, "--year", "2024", "-p", "0.8", "-n", "2000", "-t", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream out, err;
    EXPECT_EQ(app::run_cli(int(argv.size()), argv.data(), out, err), 2) << err.str();
    EXPECT_NE(err.str().find(message), std::string::npos) << err.str();
  }
  // A model that cannot be read is the model's fault, status 3, as in `run`.
  std::vector<std::string> args = {"cogsim", "goal", "/nonexistent/m.cog", "--param", "gap_sd", "--indicator", "8",
                                   "--year", "2024", "-p", "0.5", "--lo", "0", "--hi", "1", "-n", "1000"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  EXPECT_EQ(app::run_cli(int(argv.size()), argv.data(), out, err), 3) << err.str();
  EXPECT_NE(err.str().find("the model does not compile"), std::string::npos) << err.str();
}

// The sensitivity page shows the tornado chart: one pair of bars per input, self-contained.
TEST(SensitivityCli, ReportShowsTheTornadoChart) {
  std::string dir = testing::TempDir();
  std::string cmd = std::string(COGSIM_EXE) + " sensitivity " + COGSIM_SOURCE_DIR +
                    "/scenarios/cog-2022-2024 --output resultat.CDS --year 2024 -n 2000 --bootstrap 20 --report " +
                    dir + "/sens.html --json " + dir + "/sens.json > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir + "/sens.html");
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<div class=\"tornado\" id=\"tornado-valeur\""), std::string::npos);
  // An output has no side the model calls good: the bars are told apart by P10 and P90 (never
  // green and red), and the legend says so.
  std::size_t bars = 0;
  for (std::size_t at = html.find("<span class=\"seg p10\""); at != std::string::npos;
       at = html.find("<span class=\"seg p10\"", at + 1))
    ++bars;
  EXPECT_EQ(html.find("seg good"), std::string::npos);
  EXPECT_EQ(html.find("seg bad"), std::string::npos);
  EXPECT_NE(html.find("hypothèse à son P90"), std::string::npos);
  EXPECT_EQ(html.find("tornado-probabilite"), std::string::npos);  // no probability for an output
  EXPECT_EQ(bars, 5u);  // RM1's ten draw groups less the five budget execution rates (sans effet)
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  std::ifstream js(dir + "/sens.json");
  auto j = nlohmann::json::parse(js);
  EXPECT_EQ(j["tornado"][0]["input"], "activity");  // the widest bar for the centres' result
  // The spider chart: one line per input with a bar (none for the five sans effet), in French.
  std::size_t legs = 0;
  for (auto at = html.find("<polyline class=\"leg\""); at != std::string::npos;
       at = html.find("<polyline class=\"leg\"", at + 1))
    ++legs;
  EXPECT_EQ(legs, j["tornado"].size());
  for (const auto& t : j["tornado"]) {  // the points in the results file: P10 and P90 are the tornado's
    EXPECT_EQ(t["spider"].size(), 7u);
    EXPECT_EQ(t["spider"]["p10"], t["p10"]);
    EXPECT_EQ(t["spider"]["p90"], t["p90"]);
  }
  EXPECT_EQ(legs, 5u);
  EXPECT_NE(html.find("<h2>Araignée : "), std::string::npos);
  EXPECT_NE(html.find(">P5</text>"), std::string::npos);
  EXPECT_NE(html.find("M€</text>"), std::string::npos);  // the value axis in the figure's unit
}

// The spider chart's points against the closed form: y = a + 2b, a, b ~ N(0, 1), the others at
// their means (0): with a at its centile c, y = Φ⁻¹(c); with b at c, y = 2Φ⁻¹(c). c is unused: no
// line. The tornado's P10 and P90 are the spider's points at 0.1 and 0.9.
TEST(Sensitivity, SpiderPointsMatchTheClosedForm) {
  auto p = compile_model(R"(
model "spider" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 1)
var c[t in 2020..2020] = normal(0, 1)
var y[t in 2020..2020] = a[t] + 2 * b[t]
var z[t in 2020..2020] = c[t]
output y, z
)");
  engine::SensitivityOptions opt;
  opt.paths = 1000;
  opt.bootstrap = 0;
  opt.sobol = false;  // the spider needs only the tornado's single paths
  auto r = engine::sensitivity(p, p.outputs[0].years[0].second, opt);
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.tornado.size(), 2u);
  // Φ⁻¹ of the spider's centiles (independent of the engine: bisection on erfc).
  auto inv_phi = [](double u) {
    double lo = -10, hi = 10;
    for (int i = 0; i < 200; ++i) {
      const double m = 0.5 * (lo + hi);
      (0.5 * std::erfc(-m / std::sqrt(2.0)) < u ? lo : hi) = m;
    }
    return 0.5 * (lo + hi);
  };
  for (const auto& bar : r.tornado) {
    const double k = bar.input == "b" ? 2 : 1;
    ASSERT_EQ(bar.spider.size(), std::size(engine::kSpiderCentiles)) << bar.input;
    for (std::size_t i = 0; i < bar.spider.size(); ++i)
      EXPECT_NEAR(bar.spider[i], k * inv_phi(engine::kSpiderCentiles[i]), 1e-6) << bar.input << " " << i;
    EXPECT_EQ(bar.low, bar.spider[1]);
    EXPECT_EQ(bar.high, bar.spider[5]);
  }
  EXPECT_EQ(r.tornado[0].input, "b");
}


// The classes of the tornado segments of the chart `id`, in page order (two per input: P10, P90).
std::vector<std::string> segment_classes(const std::string& html, const std::string& id) {
  std::vector<std::string> v;
  const std::size_t from = html.find("id=\"" + id + "\""), to = html.find("class=\"trow taxis\"", from);
  const std::string key = "<span class=\"seg ";
  for (std::size_t at = html.find(key, from); at != std::string::npos && at < to; at = html.find(key, at + 1))
    v.push_back(html.substr(at + key.size(), html.find('"', at + key.size()) - at - key.size()));
  return v;
}

// The sensitivity of an indicator: P(met) as a change in points, bars green where the input's
// move raises P(met) and red where it lowers it (from the JSON's numbers, not the page's), a
// legend that says so, the target line on the tornado in euros, and what a missed target looks like.
TEST(SensitivityCli, IndicatorPageShowsProbabilityInPointsColouredByTheModelsDirection) {
  std::string dir = testing::TempDir();
  std::string cmd = std::string(COGSIM_EXE) + " sensitivity " + COGSIM_SOURCE_DIR +
                    "/scenarios/cog-2022-2024 --indicator 8 --year 2024 -n 2000 --bootstrap 10 --report " + dir +
                    "/sens8.html --json " + dir + "/sens8.json > " + dir + "/sens8.txt";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string html = test::read_text(dir + "/sens8.html");
  const auto j = nlohmann::json::parse(test::read_text(dir + "/sens8.json"));
  const double mean = j["mean"];
  ASSERT_EQ(j["probability_tornado"].size(), 5u);  // the five inputs the centres depend on
  std::vector<std::string> want;
  auto side = [&](double p) { return p == mean ? "flat" : p > mean ? "good" : "bad"; };
  for (const auto& b : j["probability_tornado"]) {
    want.push_back(side(b["p10"]));
    want.push_back(side(b["p90"]));
    EXPECT_GT(b["p10_se"].get<double>(), 0);
  }
  EXPECT_EQ(segment_classes(html, "tornado-probabilite"), want);
  // The tornado in euros: the centres' result, higher is better (a deficit reduced).
  std::vector<std::string> want_value;
  const double central = j["central"];
  for (const auto& b : j["tornado"]) {
    const double lo = b["p10"], hi = b["p90"];
    want_value.push_back(lo == central ? "flat" : lo > central ? "good" : "bad");
    want_value.push_back(hi == central ? "flat" : hi > central ? "good" : "bad");
  }
  EXPECT_EQ(segment_classes(html, "tornado-valeur"), want_value);
  EXPECT_EQ(html.find("seg p10"), std::string::npos);  // never P10/P90 colours where a side is good
  EXPECT_NE(html.find("aide à atteindre la cible"), std::string::npos);  // the legend
  EXPECT_NE(html.find("class=\"tl target\""), std::string::npos);       // the target line
  EXPECT_NE(html.find("cible ≥ "), std::string::npos);
  EXPECT_NE(html.find("\u00a0pts</span>"), std::string::npos);  // the axis in points
  EXPECT_NE(html.find("\u00a0M€</span>"), std::string::npos);    // the euro axis in M€
  EXPECT_NE(html.find("id=\"cible-manquee\""), std::string::npos);
  EXPECT_EQ(j["missed"]["inputs"].size(), 5u);
  const std::string out = test::read_text(dir + "/sens8.txt");
  EXPECT_NE(out.find("Probabilité d'atteindre la cible, hypothèse par hypothèse"), std::string::npos) << out;
  EXPECT_NE(out.find("À quoi ressemble une cible manquée"), std::string::npos) << out;
}

}  // namespace
}  // namespace cogsim
