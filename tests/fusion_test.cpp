// Fused instructions (Op::Fused) must give exactly the results of the instructions they replace, and
// computing a common subexpression once must give exactly the results of computing it each time.
#include <gtest/gtest.h>

#include <bit>
#include <string>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

dsl::CompileOptions fusion(bool on) {
  dsl::CompileOptions opt;
  opt.fuse = on;
  return opt;
}

dsl::CompileOptions cse(bool on) {
  dsl::CompileOptions opt;
  opt.cse = on;
  return opt;
}

std::size_t count_fused(const engine::Program& p) {
  std::size_t n = 0;
  for (const auto& in : p.code) n += in.op == engine::Op::Fused;
  return n;
}

// Every series' moments and quantiles, and every hit count, to the bit.
void expect_same_run(const engine::Program& a, const engine::Program& b) {
  engine::RunOptions opt;
  opt.paths = 20000;
  opt.threads = 2;
  opt.block_size = 512;
  const auto ra = engine::simulate(a, opt), rb = engine::simulate(b, opt);
  ASSERT_FALSE(ra.error);
  ASSERT_FALSE(rb.error);
  ASSERT_EQ(ra.outputs.size(), rb.outputs.size());
  auto bits = [](double x) { return std::bit_cast<std::uint64_t>(x); };
  for (std::size_t s = 0; s < ra.outputs.size(); ++s)
    for (std::size_t y = 0; y < ra.outputs[s].size(); ++y) {
      const auto &x = ra.outputs[s][y], &z = rb.outputs[s][y];
      EXPECT_EQ(bits(x.moments.mean()), bits(z.moments.mean())) << a.outputs[s].name;
      EXPECT_EQ(bits(x.moments.sd()), bits(z.moments.sd())) << a.outputs[s].name;
      for (double q : {0.05, 0.5, 0.95}) EXPECT_EQ(bits(x.quantile(q)), bits(z.quantile(q))) << a.outputs[s].name;
    }
  for (std::size_t i = 0; i < ra.indicator_met.size(); ++i)
    for (std::size_t y = 0; y < ra.indicator_met[i].size(); ++y)
      EXPECT_EQ(ra.indicator_met[i][y].hits, rb.indicator_met[i][y].hits);
  ASSERT_EQ(ra.events.size(), rb.events.size());
  for (std::size_t i = 0; i < ra.events.size(); ++i)
    for (std::size_t y = 0; y < ra.events[i].size(); ++y) EXPECT_EQ(ra.events[i][y].hits, rb.events[i][y].hits);
}

TEST(Fusion, RM1GivesTheSameResultsFused) {
  const auto fused = test::load_model("scenarios/cog-2022-2024", fusion(true));
  const auto plain = test::load_model("scenarios/cog-2022-2024", fusion(false));
  EXPECT_GT(count_fused(fused), 300u);  // RM1 has ~480 fusable pairs
  EXPECT_EQ(count_fused(plain), 0u);
  EXPECT_EQ(plain.code.size(), fused.code.size() + count_fused(fused));
  expect_same_run(fused, plain);
}

// Every inner and outer operation, inner's value on either side, constants in every position.
TEST(Fusion, EveryPairShapeGivesTheSameResults) {
  const std::string text = R"(model "f" base 2019 years 2020..2020
var x = normal(1, 2)
var y = normal(3, 1)
var z = normal(-2, 1)
var r01 = (x + 2) * y
var r02 = 3 * x + y
var r03 = y - x * 2
var r04 = (x - y) / z
var r05 = z / (x + y)
var r06 = 4 - (x * y)
var r07 = (y * z) * 0.5
var r08 = (x / 3) + 1
var r09 = 2 / (y - x)
var r10 = (y + z) - (x * 5)
event r11 "all three" = (x > 0 and y > 3) and z < -2
var r12 = (x / y) * (y / z)
output r01 output r02 output r03 output r04 output r05 output r06
output r07 output r08 output r09 output r10 output r12
)";
  const auto fused = test::compile_model(text, fusion(true)), plain = test::compile_model(text, fusion(false));
  EXPECT_GT(count_fused(fused), 10u);
  expect_same_run(fused, plain);
}

// The same operation on the same operands, written twice (and as y + x for x + y), is computed once.
TEST(CommonSubexpressions, ComputedOnceWithTheSameResults) {
  const std::string twice = R"(model "c" base 2019 years 2020..2021
var x = normal(1, 2)
var y = lognormal(0, 0.3)
var a = x * 1.07 + y
var b = y + x * 1.07
var c = (x * 1.07 + y) / (y + 1.07 * x + 1)
param one = 1
var d = (x * one) / one * y
output a output b output c output d
)";
  const auto on = test::compile_model(twice, cse(true)), off = test::compile_model(twice, cse(false));
  // x and y have no year: x * 1.07 and the sum once, then + 1 and the division.
  EXPECT_LT(on.code.size(), off.code.size());
  std::size_t mul = 0;
  for (const auto& in : on.code) mul += in.op == engine::Op::Mul || (in.op == engine::Op::Fused && in.inner == engine::Op::Mul);
  EXPECT_EQ(mul, 2u) << "x * 1.07 computed once; x * one / one is x, times y";
  expect_same_run(on, off);
}

TEST(CommonSubexpressions, RM1GivesTheSameResults) {
  const auto on = test::load_model("scenarios/cog-2022-2024", cse(true));
  const auto off = test::load_model("scenarios/cog-2022-2024", cse(false));
  EXPECT_LT(on.code.size() + 40, off.code.size());  // RM1 repeats ~190 computations
  expect_same_run(on, off);
}

}  // namespace
}  // namespace cogsim
