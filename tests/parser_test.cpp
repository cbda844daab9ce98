// The grammar's precedence and associativity, pinned by evaluation (docs/language.md §6.1): each
// expression is lowered and evaluated on the central path, and its value says how it was parsed.
#include <gtest/gtest.h>

#include <string>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

double value_of(const std::string& expr) {
  auto p = test::compile_model("model \"m\" base 2019 years 2020..2020\nparam two = 2\nvar x[t in 2020..2020] = " +
                               expr + "\noutput x\n");
  if (p.outputs.empty()) return NAN;
  auto central = engine::run_central(p);
  return engine::value_at(p, central.ws, p.outputs[0].years[0].second, 0);
}

std::string error_of(const std::string& expr) {
  dsl::Sources sources;
  auto c = dsl::compile_text("p.cog", "model \"m\" base 2019 years 2020..2020\nvar x[t in 2020..2020] = " + expr + "\n",
                             sources);
  EXPECT_FALSE(c.program.has_value()) << expr;
  return sources.format_all(c.diags);
}

TEST(Parser, UnaryMinusBindsTighterThanPower) {
  EXPECT_EQ(value_of("-two ^ 2"), 4.0);  // (-2)^2, as documented
  EXPECT_EQ(value_of("-(two ^ 2)"), -4.0);
  EXPECT_EQ(value_of("- - two"), 2.0);
}

TEST(Parser, PowerBindsTighterThanProductAndProductThanSum) {
  EXPECT_EQ(value_of("2 * 3 ^ 2"), 18.0);
  EXPECT_EQ(value_of("1 + 2 * 3"), 7.0);
  EXPECT_EQ(value_of("(1 + 2) * 3"), 9.0);
}

TEST(Parser, SumsAndProductsAreLeftAssociative) {
  EXPECT_EQ(value_of("10 - 4 - 3"), 3.0);
  EXPECT_EQ(value_of("12 / 3 / 2"), 2.0);
  EXPECT_EQ(value_of("2 - 3 + 4"), 3.0);
}

TEST(Parser, AndBindsTighterThanOr) {
  EXPECT_EQ(value_of("if 1 < 2 or 3 < 2 and 1 > 2 then 1 else 0"), 1.0);  // a or (b and c)
  EXPECT_EQ(value_of("if (1 < 2 or 3 < 2) and 1 > 2 then 1 else 0"), 0.0);
}

TEST(Parser, ChainedPowerAndChainedComparisonAreSyntaxErrors) {
  EXPECT_NE(error_of("2 ^ 3 ^ 2").find("p.cog:2:32: error:"), std::string::npos) << error_of("2 ^ 3 ^ 2");
  EXPECT_NE(error_of("if 1 < 2 < 3 then 1 else 0").find("p.cog:2:"), std::string::npos);
}

}  // namespace
}  // namespace cogsim
