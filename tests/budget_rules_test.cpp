// Three general features RM2 needed, each on a small model whose answer is written by hand:
//  * `assert A == B within rounding(T)`: a gap up to T is a warning naming the assert, above T an
//    error, none silent;
//  * a budget line's `F.L.amount` (its table amount) and `raised_by(AMOUNT)` (added to the
//    envelope, so authorised, executed and carried follow);
//  * `index_inflation` corrects a year before the convention when the forecast series has the
//    year before it.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"

namespace cogsim {
namespace {

struct Checked {
  bool compiled = false;
  std::string text;  // every diagnostic, formatted
  int errors = 0, warnings = 0;
};

Checked check(const std::string& model) {
  dsl::Sources sources;
  auto c = dsl::compile_text("b.cog", model, sources);
  Checked r;
  r.compiled = c.program.has_value();
  Diagnostics all = c.diags;
  if (c.program) {
    auto more = dsl::run_checks(*c.program);
    all.insert(all.end(), more.begin(), more.end());
  }
  for (const auto& d : all) (d.severity == Severity::Error ? r.errors : r.warnings) += d.severity != Severity::Note;
  r.text = sources.format_all(all);
  return r;
}

// The central value of output `name` in `year`.
double central(const std::string& model, const std::string& name, int year) {
  dsl::Sources sources;
  auto c = dsl::compile_text("b.cog", model, sources);
  EXPECT_TRUE(c.program) << sources.format_all(c.diags);
  if (!c.program) return NAN;
  auto run = engine::run_central(*c.program);
  for (const auto& o : c.program->outputs)
    if (o.name == name)
      for (const auto& [y, op] : o.years)
        if (y == year) return engine::value_at(*c.program, run.ws, op, 0);
  ADD_FAILURE() << "no output " << name << " " << year;
  return NAN;
}

const char* kHeader = "model \"b\" base 2019 years 2020..2024 convention 2022..2024\n";

TEST(BudgetRules, ARoundingGapIsAWarningNamingTheAssert) {
  auto r = check(std::string(kHeader) + R"(var a[t in 2022..2022] : € = 52.83 M€
assert "A-I 2022 imprimé 52,84" a[2022] == 52.84 M€ within rounding(0.015 M€)
)");
  EXPECT_TRUE(r.compiled) << r.text;
  EXPECT_EQ(r.errors, 0) << r.text;
  EXPECT_EQ(r.warnings, 1) << r.text;
  EXPECT_NE(r.text.find("b.cog:3:33: warning: rounding gap: A-I 2022 imprimé 52,84: got 52830000, expected 52840000 "
                        "(gap 10000, within the rounding tolerance 15000)"),
            std::string::npos)
      << r.text;
}

TEST(BudgetRules, NoGapNoWarning) {
  auto r = check(std::string(kHeader) + R"(var a[t in 2022..2022] : € = 12.57 M€
assert "exact" a[2022] == 4.70 M€ + 7.87 M€ within rounding(0.01 M€)
)");
  EXPECT_EQ(r.errors + r.warnings, 0) << r.text;
}

TEST(BudgetRules, AGapBeyondTheRoundingIsAnError) {
  auto r = check(std::string(kHeader) + R"(var a[t in 2022..2022] : € = 18 750 529 €
assert "misprint" a[2022] == 19 920 098 € within rounding(1 €)
)");
  EXPECT_EQ(r.errors, 1) << r.text;
  EXPECT_EQ(r.warnings, 0) << r.text;
  EXPECT_NE(r.text.find("error: assert failed: misprint"), std::string::npos) << r.text;
}

TEST(BudgetRules, RoundingGoesWithEqualityOnly) {
  auto r = check(std::string(kHeader) + R"(var a[t in 2022..2022] : € = 1 €
assert "x" a[2022] != 2 € within rounding(1 €)
)");
  EXPECT_FALSE(r.compiled);
  EXPECT_NE(r.text.find("write `a == b within rounding(TOLERANCE)`"), std::string::npos) << r.text;
}

const char* kFund = R"(var proceeds[t in 2021..2024] : € = 1000 € * (t - 2020)
fund f "F" {
  line tableau "T" limitative investissement programme carry_over
    amounts { 2022: 5 000 €, 2023: 6 000 €, 2024: 7 000 € }
    raised_by(proceeds[t - 1])
    execution(0.5)
}
output f.tableau, f.tableau.amount, f.tableau.authorised, f.tableau.carried, f.carried_beyond
)";

TEST(BudgetRules, RaisedByAddsToTheEnvelopeAndAmountKeepsTheTable) {
  const std::string m = std::string(kHeader) + kFund;
  // Envelope = table + proceeds of N − 1: 5000 + 1000, 6000 + 2000, 7000 + 3000.
  EXPECT_EQ(central(m, "f.tableau", 2022), 6000.0);
  EXPECT_EQ(central(m, "f.tableau", 2024), 10000.0);
  EXPECT_EQ(central(m, "f.tableau.amount", 2023), 6000.0);
  // Authorised = envelope + half of last year's authorised: 6000; 8000 + 3000; 10000 + 5500.
  EXPECT_EQ(central(m, "f.tableau.authorised", 2023), 11000.0);
  EXPECT_EQ(central(m, "f.tableau.authorised", 2024), 15500.0);
  EXPECT_EQ(central(m, "f.carried_beyond", 2024), 7750.0);
}

TEST(BudgetRules, RaisedByTakesAnAmount) {
  auto r = check(std::string(kHeader) + R"(fund f "F" {
  line a "A" limitative fonctionnement amounts { 2022: 1 € } raised_by(2 %)
}
output f.a
)");
  EXPECT_FALSE(r.compiled);
  EXPECT_NE(r.text.find("unit mismatch: raised_by adds an amount in €, not a plain number or rate"), std::string::npos)
      << r.text;
}

TEST(BudgetRules, ATransferBetweenFundsNeedsAVoteAndAVotedOneIsReported) {
  const std::string funds = R"(fund f "F" { line a "A" limitative fonctionnement amounts { 2022: 10 € } }
fund g "G" { line b "B" limitative fonctionnement amounts { 2022: 10 € } }
)";
  auto refused = check(std::string(kHeader) + funds + "transfer 1 € from f.a to g.b in 2022\n");
  EXPECT_NE(refused.text.find("b.cog:4:1: error: a transfer between two funds (f to g) is covered by no fungibility "
                              "rule; a decision voted by the board is required"),
            std::string::npos)
      << refused.text;
  auto voted = check(std::string(kHeader) + funds + "transfer 1 € from f.a to g.b in 2022 voted \"CA\"\n");
  EXPECT_EQ(voted.errors, 0) << voted.text;
  EXPECT_NE(voted.text.find("b.cog:4:1: note: transfer of f.a to g.b in 2022 voted: CA (without the vote: a transfer "
                            "between two funds (f to g) is covered by no fungibility rule)"),
            std::string::npos)
      << voted.text;
}

// r(N) = p(N) + (π(N−1) − p(N−1)); before the convention only where p has N − 1.
const char* kIndex = R"(var pi[t in 2021..2024] : % = 2 %
var p_short[t in 2022..2024] : % = 1 %
var p_long[t in 2021..2024] : % = 1 %
fund f "F" {
  line short "S" limitative fonctionnement amounts { 2022: 1 000 €, 2023: 1 000 € }
    index_inflation(p_short, pi) from 2022
  line long "L" limitative fonctionnement amounts { 2022: 1 000 €, 2023: 1 000 € }
    index_inflation(p_long, pi) from 2022
}
output f.short, f.long
)";

TEST(BudgetRules, IndexationCorrectsTheFirstYearWhenTheForecastOfTheYearBeforeIsKnown) {
  const std::string m = std::string(kHeader) + kIndex;
  // No forecast of 2021: r(2022) = 1 %; r(2023) = 1 % + (2 % − 1 %) = 2 %.
  EXPECT_NEAR(central(m, "f.short", 2022), 1010.0, 1e-9);
  EXPECT_NEAR(central(m, "f.short", 2023), 1000.0 * 1.01 * 1.02, 1e-9);
  // A forecast of 2021: r(2022) = 1 % + (2 % − 1 %) = 2 %, then 2 %.
  EXPECT_NEAR(central(m, "f.long", 2022), 1020.0, 1e-9);
  EXPECT_NEAR(central(m, "f.long", 2023), 1000.0 * 1.02 * 1.02, 1e-9);
}

}  // namespace
}  // namespace cogsim
