// Bugs found by trying the tool, each pinned by a test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"

namespace cogsim {
namespace {

dsl::Compiled compile(const std::string& text, std::string* formatted = nullptr) {
  dsl::Sources sources;
  auto c = dsl::compile_text("r.cog", text, sources);
  if (formatted) *formatted = sources.format_all(c.diags);
  return c;
}

TEST(Regressions, BudgetAmountsThatSkipAYearAreAnErrorNotACrash) {
  std::string out;
  auto c = compile(R"(model "x" base 2019 years 2020..2024
fund f "F" { line c "C" limitative fonctionnement amounts { 2022: 1 €, 2024: 2 € } }
)",
                   &out);
  EXPECT_FALSE(c.program);
  EXPECT_NE(out.find("r.cog:2:59: error: the amounts of 'f.c' skip 2023"), std::string::npos) << out;
}

TEST(Regressions, AFixedAmountKeepsTheUnitOfItsSeries) {
  std::string out;
  auto c = compile(R"(model "x" base 2019 years 2020..2022
var a[t in 2020..2022] : € = 1 € actual { 2020: 4 € }
var b[t in 2020..2022] : € = a[t] + 1 €
output b
)",
                   &out);
  ASSERT_TRUE(c.program) << out;
  auto central = engine::run_central(*c.program);
  EXPECT_EQ(engine::value_at(*c.program, central.ws, c.program->outputs[0].years[0].second, 0), 5.0);
}

TEST(Regressions, ATransferMovesEuros) {
  std::string out;
  auto c = compile(R"(model "x" base 2019 years 2020..2022
fund f "F" {
  line a "A" limitative fonctionnement amounts { 2021: 10 € }
  line b "B" limitative fonctionnement amounts { 2021: 10 € }
}
transfer 7 from f.a to f.b in 2021
)",
                   &out);
  EXPECT_FALSE(c.program);
  EXPECT_NE(out.find("r.cog:6:10: error: unit mismatch: a transfer moves an amount in €, not a plain number"),
            std::string::npos)
      << out;
}

TEST(Regressions, ASecondFundWithTheSameNameIsADuplicate) {
  std::string out;
  auto c = compile(R"(model "x" base 2019 years 2020..2022
fund f "F" { line a "A" limitative fonctionnement amounts { 2021: 10 € } }
fund f "F again" { line b "B" limitative fonctionnement amounts { 2021: 10 € } }
)",
                   &out);
  EXPECT_FALSE(c.program);
  EXPECT_NE(out.find("r.cog:3:6: error: duplicate definition of fund 'f'"), std::string::npos) << out;
}

TEST(Regressions, AnOutputListedForTwoYearsKeepsBoth) {
  auto c = compile(R"(model "x" base 2019 years 2020..2022
var x[t in 2020..2022] = t
output x[2021], x[2022]
)");
  ASSERT_TRUE(c.program);
  ASSERT_EQ(c.program->outputs.size(), 1u);
  ASSERT_EQ(c.program->outputs[0].years.size(), 2u);
  EXPECT_EQ(c.program->outputs[0].years[0].first, 2021);
  EXPECT_EQ(c.program->outputs[0].years[1].first, 2022);
}

// The message of the runtime error that 1 000 paths of `text` stop on ("" if none).
std::string runtime_error_of(const std::string& text) {
  auto c = compile(text);
  if (!c.program) return "(does not compile)";
  engine::RunOptions opt;
  opt.paths = 1000;
  auto r = engine::simulate(*c.program, opt);
  return r.error ? r.error->message : "";
}

TEST(Regressions, ANonFiniteUpperTargetIsARuntimeErrorNamingIt) {
  const std::string m = runtime_error_of(R"(model "x" base 2019 years 2020..2020
var x[t in 2020..2020] = normal(10, 1)
var hi[t in 2020..2020] = sqrt(normal(0, 1))
indicator B on x { 2020: between(9, hi[t]) }
)");
  EXPECT_EQ(m.rfind("the upper target of indicator B in 2020 is not a finite number on path", 0), 0u) << m;
}

TEST(Regressions, ANonFiniteOutputIsARuntimeErrorNamingIt) {
  const std::string m = runtime_error_of(R"(model "x" base 2019 years 2020..2022
var s[t in 2020..2022] = sqrt(normal(0, 1))
output s
)");
  EXPECT_EQ(m.rfind("output s in 2020 is not a finite number on path", 0), 0u) << m;
  // And the CLI exits 5 without writing the results file.
  std::string dir = testing::TempDir();
  { std::ofstream(dir + "/nan.cog") << "model \"x\" base 2019 years 2020..2022\nvar s[t in 2020..2022] = log(0)\noutput s\n"; }
  std::string cmd = std::string(COGSIM_EXE) + " run " + dir + "/nan.cog -n 100 --json " + dir + "/nan.json 2>/dev/null";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 5);
  EXPECT_FALSE(std::ifstream(dir + "/nan.json").good());
}

TEST(Regressions, QuantilesOfAKnownYearAreExact) {
  dsl::Sources sources;
  auto c = dsl::compile_file(std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024", sources);
  ASSERT_TRUE(c.program);
  engine::RunOptions opt;
  opt.paths = 2000;
  auto r = engine::simulate(*c.program, opt);
  for (std::size_t i = 0; i < c.program->outputs.size(); ++i)
    if (c.program->outputs[i].name == "resultat.CDS") {
      ASSERT_EQ(c.program->outputs[i].years[0].first, 2019);
      const auto& s = r.outputs[i][0];
      EXPECT_NEAR(s.central, -13607724.82, 1e-6);
      EXPECT_EQ(s.quantile(0.05), s.central);
      EXPECT_EQ(s.quantile(0.95), s.central);
      EXPECT_EQ(s.moments.mean(), s.central);
    }
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

TEST(Regressions, AnUnknownCommandIsNamedWithASuggestion) {
  std::string out = testing::TempDir() + "/cmd.txt";
  std::string cmd = std::string(COGSIM_EXE) + " rnu x 2> " + out;
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 2);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.rfind("cogsim: unknown command 'rnu'; did you mean 'run'?", 0), 0u) << text;
}

TEST(Regressions, StringsMayHoldEscapedQuotes) {
  dsl::Sources sources;
  auto c = dsl::compile_text("s.cog", "model \"Avenant \\\"inflation\\\"\" base 2019 years 2020..2021\n", sources);
  ASSERT_TRUE(c.program) << sources.format_all(c.diags);
  EXPECT_EQ(c.program->model_name, "Avenant \"inflation\"");
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

TEST(Regressions, AnEmptyFileIsBlamedAtItsFirstLine) {
  dsl::Sources sources;
  auto c = dsl::compile_text("empty.cog", "", sources);
  std::string out = sources.format_all(c.diags);
  EXPECT_EQ(out.rfind("empty.cog:1:1: error: no model declaration", 0), 0u) << out;
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

// Runs cogsim with `args` on a model written from `text`; returns (exit status, stderr).
std::pair<int, std::string> cogsim_on(const std::string& name, const std::string& text, const std::string& args) {
  std::string dir = testing::TempDir();
  { std::ofstream(dir + "/" + name) << text; }
  std::string cmd = "cd " + dir + " && " + COGSIM_EXE + " " + args + " " + name + " 2> " + name + ".err > /dev/null";
  int status = WEXITSTATUS(std::system(cmd.c_str()));
  std::ifstream in(dir + "/" + name + ".err");
  return {status, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())};
}

TEST(Regressions, AFailedAssertQuotesItsLine) {
  auto [status, err] = cogsim_on("af.cog", "model \"x\" base 2019 years 2020..2020\nvar a[t in 2020..2020] = 1\n"
                                           "assert \"a vaut 2\" a[2020] == 2\n", "check");
  EXPECT_EQ(status, 3);
  EXPECT_EQ(err,
            "af.cog:3:19: error: assert failed: a vaut 2: got 1, expected 2 (tolerance 0)\n"
            "  assert \"a vaut 2\" a[2020] == 2\n"
            "                    ^~~~~~~~~~~~\n"
            "cogsim: 1 assert failed in af.cog\n");
}

TEST(Regressions, ARunTimeDrawErrorQuotesTheDraw) {
  auto [status, err] = cogsim_on("rt.cog", "model \"x\" base 2019 years 2020..2022\n"
                                           "var s[t in 2020..2022] = normal(0, 1)\n"
                                           "var x[t in 2020..2022] = normal(0, s[t])\noutput x\n", "run -n 100");
  EXPECT_EQ(status, 5);
  EXPECT_EQ(err.rfind("rt.cog:3:26: error: normal: standard deviation must be >= 0 (got ", 0), 0u) << err;
  EXPECT_NE(err.find("  var x[t in 2020..2022] = normal(0, s[t])\n                           ^~~~~~~~~~~~~~~\n"
                     "cogsim: the model failed while running; no results written\n"),
            std::string::npos)
      << err;
}

// An avenant on an avenant: each `adjust` of one cell adds its amount (the second used to replace
// the first: +2000 in place of +3000). The same cell adjusted twice in one file is an error there.
TEST(Regressions, AdjustmentsOfOneCellInTwoLayersAddUp) {
  const std::string dir = testing::TempDir() + "/adjust_layers";
  std::system(("mkdir -p " + dir).c_str());
  std::ofstream(dir + "/base.cog") << "model \"m\" base 2019 years 2020..2021\n"
                                      "var x[t in 2020..2021] : € = 100 € + normal(0 €, 1 €)\noutput x\n";
  std::ofstream(dir + "/a1.cog") << "extends \"base.cog\"\nscenario \"a1\" \"avenant 1\"\nadjust x { 2021: 1000 € }\n";
  std::ofstream(dir + "/a2.cog") << "extends \"a1.cog\"\nscenario \"a2\" \"avenant 2\"\nadjust x { 2021: 2000 € }\n";
  std::ofstream(dir + "/twice.cog") << "extends \"base.cog\"\nscenario \"t\" \"twice\"\nadjust x { 2021: 1 € }\n"
                                       "adjust x { 2021: 2 € }\n";
  dsl::Sources sources;
  const dsl::Compiled c = dsl::compile_file(dir + "/a2.cog", sources);
  ASSERT_TRUE(c.program) << sources.format_all(c.diags);
  engine::RunOptions opt;
  opt.central = true;
  const engine::RunResults r = engine::simulate(*c.program, opt);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.outputs[0][1].moments.mean(), 3100.0);
  dsl::Sources s2;
  const dsl::Compiled t = dsl::compile_file(dir + "/twice.cog", s2);
  ASSERT_FALSE(t.program);
  EXPECT_NE(s2.format_all(t.diags).find("twice.cog:4:12: error: 'x' is already adjusted for 2021 in this layer (at "),
            std::string::npos)
      << s2.format_all(t.diags);
}

}  // namespace
}  // namespace cogsim
