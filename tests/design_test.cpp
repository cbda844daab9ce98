// Sampling designs (engine/design.hpp): Sobol' nets, the nested scramble, Latin Hypercube and
// quasi-Monte Carlo replicates, and the standard errors measured across replicates. Expected
// values come from the theory (net properties, closed-form means) or from many independent seeds,
// never from the engine's own estimate of itself.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>

#include "engine/design.hpp"
#include "engine/random.hpp"
#include "engine/simulator.hpp"
#include "src/cli.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

using test::compile_model;

std::vector<std::uint64_t> draw_streams(const engine::Program& p) {
  std::vector<std::uint64_t> s;
  for (const auto& in : p.code)
    if (in.op == engine::Op::Draw && !in.external_u) s.push_back(in.stream);
  return s;
}

const char* kTwoCells = R"(
model "two" base 2019 years 2020..2020
var a[t in 2020..2020] = uniform(0, 1)
var b[t in 2020..2020] = uniform(0, 1)
var y[t in 2020..2020] = a[t] + b[t]
output y
)";

// Each of the 2^m boxes [i/2^k, (i+1)/2^k) × [j/2^(m-k), (j+1)/2^(m-k)) holds exactly one point.
bool is_0m2_net(const std::vector<double>& x, const std::vector<double>& y, int m) {
  for (int k = 0; k <= m; ++k) {
    std::set<std::pair<std::uint64_t, std::uint64_t>> boxes;
    for (std::size_t i = 0; i < x.size(); ++i)
      boxes.insert({std::uint64_t(std::ldexp(x[i], k)), std::uint64_t(std::ldexp(y[i], m - k))});
    if (boxes.size() != x.size()) return false;
  }
  return true;
}

// The direction numbers of the second dimension follow from its primitive polynomial x + 1
// (m_1 = 1, m_k = 2 m_{k-1} xor m_{k-1}): v_k = m_k / 2^k.
TEST(Sobol, SecondDimensionFollowsItsPrimitivePolynomial) {
  const engine::Program p = compile_model(kTwoCells);
  const engine::Design d({&p}, engine::Sampling::QuasiMonteCarlo, 1024, 2, 0);
  std::uint32_t m = 1;
  for (int k = 1; k <= 32; ++k) {
    if (k > 1) m = (m << 1) ^ m;
    const std::uint64_t mk = m & ((std::uint64_t{1} << k) - 1);  // m_k < 2^k
    EXPECT_EQ(d.sobol_point(std::uint64_t{1} << (k - 1), 1), std::uint32_t(mk << (32 - k))) << "v_" << k;
    EXPECT_EQ(d.sobol_point(std::uint64_t{1} << (k - 1), 0), std::uint32_t{1} << (32 - k)) << "van der Corput";
  }
}

TEST(Sobol, OwenScrambleIsNestedAndUniform) {
  // Nested: two points keep the number of leading binary digits they share.
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const auto x = std::uint32_t(engine::mix64(i)), y = std::uint32_t(engine::mix64(i + 7777) >> 7);
    const auto seed = std::uint32_t(engine::mix64(i * 3 + 1));
    const int common = std::countl_zero(x ^ y);
    const int after = std::countl_zero(engine::owen_scramble(x, seed) ^ engine::owen_scramble(y, seed));
    ASSERT_EQ(common, after) << x << " " << y;
  }
  // Uniform over seeds: a chi-square of the top 4 bits of one point over 64 000 seeds (15 degrees of
  // freedom; 40 is exceeded with probability 5e-4).
  std::vector<double> counts(16, 0);
  const int n = 64000;
  for (int s = 0; s < n; ++s) ++counts[engine::owen_scramble(0x12345678u, std::uint32_t(engine::mix64(s))) >> 28];
  double chi2 = 0;
  for (double c : counts) chi2 += (c - n / 16.0) * (c - n / 16.0) / (n / 16.0);
  EXPECT_LT(chi2, 40.0);
}

// Each replicate of 2^10 scrambled points: every cell stratified in 1024, and the first two
// dimensions a (0, 10, 2)-net, as the unscrambled Sobol' points are (a nested scramble keeps nets).
TEST(Qmc, EachReplicateIsAScrambledNet) {
  const engine::Program p = compile_model(kTwoCells);
  const int m = 10;
  const std::uint64_t size = 1u << m, n = 3 * size;
  const engine::Design d({&p}, engine::Sampling::QuasiMonteCarlo, n, 3, 0);
  const auto streams = draw_streams(p);
  ASSERT_EQ(streams.size(), 2u);
  std::vector<double> u0(n), u1(n);
  d.fill(99, streams[0], 0, n, u0.data());
  d.fill(99, streams[1], 0, n, u1.data());
  std::vector<double> raw0(size), raw1(size);
  for (std::uint64_t i = 0; i < size; ++i) raw0[i] = d.sobol_point(i, 0) * 0x1p-32, raw1[i] = d.sobol_point(i, 1) * 0x1p-32;
  EXPECT_TRUE(is_0m2_net(raw0, raw1, m));
  for (std::uint32_t r = 0; r < 3; ++r) {
    std::vector<double> x(u0.begin() + r * size, u0.begin() + (r + 1) * size),
        y(u1.begin() + r * size, u1.begin() + (r + 1) * size);
    for (double v : x) ASSERT_TRUE(v > 0 && v < 1);
    EXPECT_TRUE(is_0m2_net(x, y, m)) << "replicate " << r;
    std::set<std::uint64_t> strata;
    for (double v : y) strata.insert(std::uint64_t(v * size));
    EXPECT_EQ(strata.size(), size);
  }
  // Replicates are different scrambles.
  EXPECT_NE(std::vector<double>(u0.begin(), u0.begin() + 8), std::vector<double>(u0.begin() + size, u0.begin() + size + 8));
}

TEST(Design, UniformsArePureFunctionsOfThePath) {
  const engine::Program p = compile_model(kTwoCells);
  const auto streams = draw_streams(p);
  for (auto s : {engine::Sampling::LatinHypercube, engine::Sampling::QuasiMonteCarlo}) {
    const std::uint64_t n = 5000;
    const engine::Design d({&p}, s, n, 7, 0);  // replicates of 714 or 715 paths
    std::vector<double> whole(n), pieces(n);
    d.fill(5, streams[1], 0, n, whole.data());
    for (std::uint64_t b = 0; b < n; b += 37) d.fill(5, streams[1], b, std::size_t(std::min<std::uint64_t>(37, n - b)), pieces.data() + b);
    EXPECT_EQ(0, std::memcmp(whole.data(), pieces.data(), n * sizeof(double)));
  }
}

TEST(Design, AQuasiMonteCarloComparisonKeepsTheBaseDimensionsAndSharesCells) {
  const engine::Program base = compile_model(kTwoCells);
  const engine::Program variant = compile_model(R"(
model "two" base 2019 years 2020..2020
var c[t in 2020..2020] = uniform(0, 1)
var b[t in 2020..2020] = uniform(0, 1)
var a[t in 2020..2020] = uniform(0, 1)
var y[t in 2020..2020] = a[t] + b[t] + c[t]
output y
)");
  const engine::Design alone({&base}, engine::Sampling::QuasiMonteCarlo, 4096, 4, 0);
  const engine::Design both({&base, &variant}, engine::Sampling::QuasiMonteCarlo, 4096, 4, 0);
  EXPECT_EQ(both.dimensions(), 3u);
  for (std::uint64_t stream : draw_streams(base)) {
    std::vector<double> u(4096), v(4096);
    alone.fill(3, stream, 0, 4096, u.data());
    both.fill(3, stream, 0, 4096, v.data());
    EXPECT_EQ(u, v);
  }
}

TEST(Design, ReplicatesAlignedForAnEarlyStop) {
  const engine::Program p = compile_model(kTwoCells);
  const engine::Design d({&p}, engine::Sampling::LatinHypercube, 1000000, 10, 16384);
  for (std::uint32_t r = 0; r + 1 < d.replicates(); ++r) EXPECT_EQ(d.size(r) % 16384, 0u);
  EXPECT_EQ(d.start(d.replicates() - 1) + d.size(d.replicates() - 1), 1000000u);
}

const char* kSmooth = R"(
model "smooth" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(0, 1)
var z[t in 2020..2020] = triangular(0, 1, 3)
var y[t in 2020..2020] = exp(0.3 * x[t]) + z[t] * z[t]
output y
event high[t in 2020..2020] = y[t] > 3
)";

// y = exp(0.3 x) + z², x ~ N(0,1), z ~ triangular(0, 1, 3): E y = e^0.045 + 13/6.
// For each design, 50 independent runs: the reported standard error (root mean square over the
// runs) within a factor 1.5 of the standard deviation of the 50 means, and the mean of the means
// within 4 of its standard errors of the closed form. The same for P(y > 3) (its truth is not
// needed: the spread is measured).
TEST(Design, ReplicateStandardErrorsMatchTheSpreadAcrossSeeds) {
  const engine::Program p = compile_model(kSmooth);
  const double truth = std::exp(0.045) + 13.0 / 6.0;
  for (auto s : {engine::Sampling::LatinHypercube, engine::Sampling::QuasiMonteCarlo}) {
    const int runs = 50;
    std::vector<double> means, probs;
    double se2 = 0, pse2 = 0, iid2 = 0;
    for (int seed = 1; seed <= runs; ++seed) {
      engine::RunOptions opt;
      opt.paths = 1 << 14;
      opt.seed = std::uint64_t(seed) * 7919;
      opt.threads = 1;
      opt.sampling = s;
      opt.replicates = 10;
      const auto r = engine::simulate(p, opt);
      ASSERT_FALSE(r.error);
      ASSERT_EQ(r.replicates, 10u);
      means.push_back(r.outputs[0][0].moments.mean());
      se2 += std::pow(r.outputs[0][0].std_error(), 2);
      iid2 += std::pow(r.outputs[0][0].moments.std_error(), 2);
      probs.push_back(r.events[0][0].p());
      pse2 += std::pow(r.events[0][0].std_error(), 2);
    }
    auto sd = [](const std::vector<double>& v) {
      double m = 0, q = 0;
      for (double x : v) m += x;
      m /= double(v.size());
      for (double x : v) q += (x - m) * (x - m);
      return std::pair{m, std::sqrt(q / double(v.size() - 1))};
    };
    const auto [m, measured] = sd(means);
    const double reported = std::sqrt(se2 / runs);
    std::printf("design %d: mean SE reported %.3g, measured %.3g, iid %.3g; P SE reported %.3g, measured %.3g\n",
                int(s), reported, measured, std::sqrt(iid2 / runs), std::sqrt(pse2 / runs), sd(probs).second);
    EXPECT_LT(reported, 1.5 * measured) << int(s);
    EXPECT_GT(reported, measured / 1.5) << int(s);
    EXPECT_NEAR(m, truth, 4 * measured / std::sqrt(double(runs))) << int(s);
    const auto [pm, pmeasured] = sd(probs);
    const double preported = std::sqrt(pse2 / runs);
    EXPECT_LT(preported, 1.5 * pmeasured) << int(s);
    EXPECT_GT(preported, pmeasured / 1.5) << int(s);
    // The design pays: far below the iid error sd/√n of the same paths.
    EXPECT_LT(reported, 0.3 * std::sqrt(iid2 / runs)) << int(s);
  }
}

TEST(Design, ResultsAreTheSameForAnyThreadCountAndBlockSize) {
  const engine::Program p = compile_model(kSmooth);
  for (auto s : {engine::Sampling::LatinHypercube, engine::Sampling::QuasiMonteCarlo}) {
    auto run = [&](int threads, std::size_t block) {
      engine::RunOptions opt;
      opt.paths = 100000;
      opt.seed = 3;
      opt.threads = threads;
      opt.block_size = block;
      opt.sampling = s;
      return engine::simulate(p, opt);
    };
    const auto a = run(1, 1024), b = run(2, 64);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.outputs[0][0].moments.mean()),
              std::bit_cast<std::uint64_t>(b.outputs[0][0].moments.mean()));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.outputs[0][0].std_error()),
              std::bit_cast<std::uint64_t>(b.outputs[0][0].std_error()));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.events[0][0].std_error()),
              std::bit_cast<std::uint64_t>(b.events[0][0].std_error()));
    EXPECT_EQ(a.outputs[0][0].quantile(0.05), b.outputs[0][0].quantile(0.05));
  }
}

// --target-se with a design: the run stops on a replicate boundary, with the replicates' standard
// error below the target.
TEST(Design, TargetPrecisionStopsAtAWholeReplicate) {
  const engine::Program p = compile_model(R"(
model "stop" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(0, 1)
var z[t in 2020..2020] = uniform(0, 1)
var y[t in 2020..2020] = x[t] + 2 * z[t]
indicator 1 on y { 2020: at_least(1) }
)");
  for (auto s : {engine::Sampling::LatinHypercube, engine::Sampling::QuasiMonteCarlo}) {
    engine::RunOptions opt;
    opt.paths = 10000000;
    opt.target_se = 0.002;
    opt.sampling = s;
    opt.replicates = 100;  // replicates of 7 chunks (114 688 paths)
    const auto r = engine::simulate(p, opt);
    ASSERT_FALSE(r.error);
    EXPECT_TRUE(r.stopped_early) << int(s);
    EXPECT_EQ(r.paths % (7 * 16384), 0u);
    EXPECT_EQ(r.replicates, r.paths / (7 * 16384));
    EXPECT_GE(r.replicates, 2u);
    EXPECT_LE(r.indicator_met[0][0].std_error(), 0.002);
    EXPECT_GT(r.indicator_met[0][0].std_error(), 0.0);
  }
}

// Fewer paths than replicates: a usage error (status 2) that says so, not a file of null errors.
TEST(Design, FewerPathsThanReplicatesIsAUsageError) {
  // replay too: a path of a run that `run` refuses does not exist (it was replayed, exit 0).
  for (const char* sampling : {"lhs", "qmc"})
    for (const char* command : {"run", "replay"}) {
      const std::string model = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
      std::vector<std::string> args = {"cogsim", command, model, "-n", "5", "--sampling", sampling};
      if (std::string(command) == "run") args.push_back("-q");
      else args.insert(args.end(), {"--path", "1"});
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      std::ostringstream out, err;
      EXPECT_EQ(app::run_cli(int(argv.size()), argv.data(), out, err), 2) << err.str();
      EXPECT_NE(err.str().find("runs 10 replicates (--replicates): give at least that many paths (--paths 5)"),
                std::string::npos)
          << err.str();
    }
}

}  // namespace
}  // namespace cogsim
