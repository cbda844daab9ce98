// Inputs a figure does not depend on (engine/dependencies.hpp, read from the IR): `cogsim
// sensitivity` lists them "sans effet", with no bar, no contribution and no Sobol index.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/dependencies.hpp"
#include "engine/sensitivity.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

using test::compile_model;

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// y reads a, b and c (c times 0: structurally still a dependency); z reads d and f; e is
// correlated with a: its copula uniform combines a's stream and its own (the Cholesky factor's
// second row), while a's reads a's stream alone, so w depends on a and e, y not on e.
const char* const kModel = R"(
model "deps" base 2019 years 2020..2020
var a[t in 2020..2020] = normal(0, 1)
var b[t in 2020..2020] = normal(0, 2)
var c[t in 2020..2020] = normal(5, 1)
var d[t in 2020..2020] = normal(0, 1)
var e[t in 2020..2020] = normal(0, 1)
var f[t in 2020..2020] = normal(0, 1)
correlate a, e = 0.5
var y[t in 2020..2020] = 3 * a[t] + b[t] + 0 * c[t]
var z[t in 2020..2020] = d[t] + f[t]
var w[t in 2020..2020] = e[t]
output y, z, w
)";

std::vector<std::string> feeding(const engine::Program& p, const std::string& output) {
  std::vector<engine::Operand> roots;
  for (const auto& o : p.outputs)
    if (o.name == output) roots.push_back(o.years[0].second);
  const auto g = engine::groups_feeding(p, roots);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (g[i]) names.push_back(p.draw_groups[i]);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(NoEffect, TheGroupsAValueReadsComeFromTheIr) {
  const auto p = compile_model(kModel);
  ASSERT_EQ(p.draw_groups.size(), 6u);
  EXPECT_EQ(feeding(p, "y"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(feeding(p, "z"), (std::vector<std::string>{"d", "f"}));
  EXPECT_EQ(feeding(p, "w"), (std::vector<std::string>{"a", "e"}));
}

// Per draw: y in 2021 reads a's 2021 draw, not its 2020 one (the same group); w reads e's copula
// uniform, which combines a's stream, but no draw of a.
TEST(NoEffect, TheDrawsAValueReadsComeFromTheIr) {
  const auto p = compile_model(R"(
model "draws" base 2019 years 2020..2021
var a[t in 2020..2021] = normal(0, 1)
var e[t in 2020..2021] = normal(0, 1)
correlate a, e = 0.5
var y[t in 2020..2021] = 2 * a[t]
var w[t in 2020..2021] = e[t]
output y, w
)");
  std::vector<std::string> draw_group;
  for (const auto& in : p.code)
    if (in.op == engine::Op::Draw) draw_group.push_back(p.draw_groups[in.group]);
  auto read = [&](int output, int year) {
    const auto flags = engine::draws_feeding(p, {p.outputs[std::size_t(output)].years[std::size_t(year)].second});
    std::vector<std::string> v;
    for (std::size_t d = 0; d < flags.size(); ++d)
      if (flags[d]) v.push_back(draw_group[d]);
    return v;
  };
  ASSERT_EQ(draw_group.size(), 4u);
  EXPECT_EQ(read(0, 1), std::vector<std::string>{"a"});
  EXPECT_EQ(read(1, 0), std::vector<std::string>{"e"});
  // y 2021 reads exactly one draw, and not the one y 2020 reads.
  const auto y20 = engine::draws_feeding(p, {p.outputs[0].years[0].second});
  const auto y21 = engine::draws_feeding(p, {p.outputs[0].years[1].second});
  for (std::size_t d = 0; d < y20.size(); ++d) EXPECT_FALSE(y20[d] && y21[d]) << d;
  EXPECT_EQ(std::count(y21.begin(), y21.end(), true), 1);
}

TEST(NoEffect, AnInputTheFigureDoesNotReadHasNoBarNoIndex) {
  const auto p = compile_model(kModel);
  engine::SensitivityOptions opt;
  opt.paths = 4000;
  opt.bootstrap = 10;
  const auto r = engine::sensitivity(p, p.outputs[0].years[0].second, opt);
  ASSERT_FALSE(r.error);
  const std::vector<std::string> none{"d", "e", "f"};
  EXPECT_EQ(r.no_effect, none);
  for (const auto& t : r.tornado) EXPECT_FALSE(has(none, t.input)) << t.input;
  for (const auto& c : r.contributions) EXPECT_FALSE(has(none, c.input)) << c.input;
  for (const auto& s : r.sobol) EXPECT_FALSE(has(none, s.input)) << s.input;
  EXPECT_EQ(r.tornado.size(), 3u);
  EXPECT_EQ(r.sobol.size(), 3u);
}

std::string run(const std::string& cmd) { return test::run_command(cmd); }

// RM1: the centres de santé's result does not read the budget lines' execution rates; the BNASS
// cancelled credits do.
TEST(NoEffect, RmOnesCentresDoNotDependOnBudgetExecution) {
  const std::string dir = testing::TempDir(), m = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  const std::string out = run(std::string(COGSIM_EXE) + " sensitivity " + m +
                              " --output resultat.CDS --year 2024 -n 1000 --bootstrap 5 --report " + dir +
                              "/ne.html --json " + dir + "/ne.json");
  const auto j = nlohmann::json::parse(test::read_text(dir + "/ne.json"));
  const auto none = j["no_effect"].get<std::vector<std::string>>();
  const auto p = test::load_model("scenarios/cog-2022-2024");
  std::vector<std::string> executions;
  for (const auto& g : p.draw_groups)
    if (g.size() > 10 && g.substr(g.size() - 10) == ".execution") executions.push_back(g);
  ASSERT_FALSE(executions.empty());
  EXPECT_EQ(none, executions);
  EXPECT_EQ(j["tornado"].size() + none.size(), p.draw_groups.size());
  // The page: one pair of bars per input it depends on, the others listed without a bar.
  const std::string html = test::read_text(dir + "/ne.html");
  std::size_t bars = 0;
  for (auto at = html.find("<span class=\"seg p10\""); at != std::string::npos;
       at = html.find("<span class=\"seg p10\"", at + 1))
    ++bars;
  EXPECT_EQ(bars, p.draw_groups.size() - executions.size());
  const auto list = html.find("id=\"sans-effet\"");
  ASSERT_NE(list, std::string::npos);
  for (const auto& g : executions) {
    EXPECT_GT(html.find("(" + g + ")", list), list) << g;
    EXPECT_EQ(html.find("<code>" + g + "</code>"), std::string::npos) << g << " has a bar";
  }
  EXPECT_NE(html.find("taux d&#39;exécution (bnass.fonct.PA.execution)"), std::string::npos);
  EXPECT_NE(out.find("Sans effet"), std::string::npos) << out;
  EXPECT_NE(out.find("Croissance de l'activité (a) (activity)"), std::string::npos) << "French labels: " << out;
  // The BNASS cancelled credits read the fonctionnement lines' execution rates (their unspent
  // credits are cancelled at the end), not the entities' activity.
  const std::string cancelled = run(std::string(COGSIM_EXE) + " sensitivity " + m +
                                    " --output bnass.cancelled --year 2024 -n 500 --bootstrap 5 --json " + dir +
                                    "/ne2.json");
  const auto j2 = nlohmann::json::parse(test::read_text(dir + "/ne2.json"));
  const auto none2 = j2["no_effect"].get<std::vector<std::string>>();
  for (const char* g : {"bnass.fonct.PA.execution", "bnass.fonct.MAL.execution", "bnass.fonct.ATMP.execution"})
    EXPECT_FALSE(has(none2, g)) << g;
  EXPECT_TRUE(has(none2, "activity"));
}

}  // namespace
}  // namespace cogsim
