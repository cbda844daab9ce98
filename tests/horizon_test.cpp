// Issue 13, "any horizon": a scenario carries a model to a further horizon by saying only what is
// new — `extend param` (more years of a table), `extend indicator` (more targets), `extend fund`
// (`continue_amounts`, added amounts), `override event` / `override fund`, convention periods —
// and what reads the results follows the model's years. Each test writes a small base and a
// scenario in a temporary folder; expected values are computed here by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"
#include <nlohmann/json.hpp>

#include "src/report_html.hpp"
#include "src/results.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace cogsim {
namespace {

const char* kBase = R"(model "base" base 2019 years 2020..2022 convention 2020..2022
param rate[2020..2022] : % "Taux" source "base" = { 2020: 1 %, 2021: 2 %, 2022: 3 % }
set units = { A, B }
param share[units, 2020..2022] default 0 = {
  A: 0.1, 0.2, 0.3
}
var level[t in base..horizon] : € {
  2019: 100 €
  else: level[t - 1] * (1 + rate[t])
}
var spread[u in units, t in 2020..horizon] : € = share[u, t] * level[t]
indicator 1 "Niveau" on level { 2021: at_least(100 €), 2022: at_least(100 €) }
indicator 2 "Autre" on level { 2022: at_least(1000 €) }
event all[t in 2021..horizon] "Tous les indicateurs de l'année atteints" = all_met(t)
event low[t in 2020..horizon] "Niveau bas" = level[t] < 101 €
fund f "Fonds" {
  line a "Ligne" limitative fonctionnement carry_over
    amounts { 2020: 10 €, 2021: 20 €, 2022: 30 € }
    execution(0.5)
}
output level, spread, f.a, f.a.carried, f.cancelled
)";

struct Result {
  bool ok = false;
  std::string diags;
  engine::Program program;
};

// Writes base.cog and s.cog (which extends it with SCENARIO's lines) in a fresh folder and
// compiles s.cog.
Result compile_scenario(const std::string& scenario, const std::string& base = kBase) {
  static int n = 0;
  const fs::path dir = fs::temp_directory_path() / ("cogsim-horizon-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::create_directories(dir);
  std::ofstream(dir / "base.cog") << base;
  std::ofstream(dir / "s.cog") << "extends \"base.cog\"\n" << scenario;
  dsl::Sources sources;
  auto c = dsl::compile_file((dir / "s.cog").string(), sources);
  Result r;
  r.ok = c.program.has_value();
  r.diags = sources.format_all(c.diags);
  if (c.program) r.program = std::move(*c.program);
  fs::remove_all(dir);
  return r;
}

// The first line of the diagnostics, with the folder cut off the file name.
std::string first_message(const Result& r) {
  std::string s = r.diags.substr(0, r.diags.find('\n'));
  auto at = s.find("s.cog:");
  return at == std::string::npos ? s : s.substr(at);
}

double central(const engine::Program& p, const std::string& output, int year) {
  engine::RunOptions opt;
  opt.central = true;
  auto r = engine::simulate(p, opt);
  EXPECT_FALSE(r.error);
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    if (p.outputs[i].name == output)
      for (std::size_t k = 0; k < p.outputs[i].years.size(); ++k)
        if (p.outputs[i].years[k].first == year) return r.outputs[i][k].moments.mean();
  ADD_FAILURE() << "no output " << output << " " << year;
  return NAN;
}

const char* kTo2024 = "model \"b 2024\" base 2019 years 2020..2024 convention 2020..2022, 2023..2024\n";
// What every scenario to 2024 of these tests says: the rates, shares and targets of 2023-2024.
const std::string kExtend2024 = std::string(kTo2024) +
                                "extend param rate = { 2023: 0 %, 2024: 0 % }\n"
                                "extend param share[units, 2023..2024] default 0 = { A: 0.5, 0.5 }\n"
                                "extend indicator 1 { 2023: at_least(100 €), 2024: at_least(100 €) }\n";

TEST(Horizon, ExtendParamAddsYearsAndKeepsTheBase) {
  auto r = compile_scenario(std::string(kTo2024) +
                            "extend param rate source \"hyp\" = { 2022: 4 %, 2023: 5 %, 2024: 6 % }\n"
                            "extend param share[units, 2023..2024] default 0 = { A: 0.5, 0.5 }\n"
                            "extend indicator 1 { 2023: at_least(100 €), 2024: at_least(100 €) }\n");
  ASSERT_TRUE(r.ok) << r.diags;
  EXPECT_EQ(r.diags, "");
  // level(t) = 100 × Π (1 + rate): 2020 1 %, 2021 2 % (base), 2022 4 % (replaced), 2023 5 %, 2024 6 %.
  const double l2024 = 100 * 1.01 * 1.02 * 1.04 * 1.05 * 1.06;
  EXPECT_NEAR(central(r.program, "level", 2024), l2024, 1e-9);
  EXPECT_NEAR(central(r.program, "spread.A", 2021), 0.2 * 100 * 1.01 * 1.02, 1e-9);  // the base's cell
  EXPECT_NEAR(central(r.program, "spread.A", 2024), 0.5 * l2024, 1e-9);
  EXPECT_EQ(central(r.program, "spread.B", 2024), 0.0);  // the extension's default
}

TEST(Horizon, AParamThatDoesNotReachTheHorizonIsNamed) {
  auto r = compile_scenario(std::string(kTo2024) + "extend indicator 1 { 2023: equilibre, 2024: equilibre }\n");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.diags.find("base.cog:9:34: error: 'rate' has no value for 2023: its years are 2020..2022"), std::string::npos)
      << r.diags;
}

TEST(Horizon, ExtendMessages) {
  EXPECT_EQ(first_message(compile_scenario("extend param rat = { 2023: 1 % }\n")),
            "s.cog:2:14: error: nothing to extend: the base model has no param 'rat'; did you mean 'rate'?");
  EXPECT_EQ(first_message(compile_scenario("extend param rate = { 2025: 1 % }\n")),
            "s.cog:2:23: error: year 2025 is outside the years of 'rate' (2020..2022)");
  EXPECT_EQ(first_message(compile_scenario(std::string(kTo2024) + "extend param rate[2024..2024] = { 2024: 1 % }\n")),
            "s.cog:3:14: error: the years of this extension (2024..2024) leave a gap after those of 'rate' (2020..2022)");
  EXPECT_EQ(first_message(compile_scenario(std::string(kTo2024) +
                                           "extend param rate = { 2023: 1 % }\n")),
            "s.cog:3:14: error: 'rate' has no value for rate[2024] after this extension (give it, or a `default`)");
  EXPECT_EQ(first_message(compile_scenario("extend var level = 1 €\n")),
            "s.cog:2:12: error: a var is not extended: write its years as `t in …..horizon` and it follows the "
            "horizon; to change it, write `override var` (or `fix` for known values)");
  EXPECT_EQ(first_message(compile_scenario("extend indicator 3 { 2022: equilibre }\n")),
            "s.cog:2:18: error: nothing to extend: the base model has no indicator 3; did you mean '1'?");
  EXPECT_EQ(first_message(compile_scenario("extend fund g { continue_amounts \"x\" }\n")),
            "s.cog:2:13: error: nothing to extend: the base model has no fund 'g'; did you mean 'f'?");
  EXPECT_EQ(first_message(compile_scenario("override extend param rate = { 2022: 1 % }\n")),
            "s.cog:2:23: error: write `override param` or `extend param`, not both");
}

TEST(Horizon, ExtendIndicatorAddsTargetsAndReplacesAYear) {
  auto r = compile_scenario(kExtend2024 +
                            "extend indicator 1 source \"hyp\" { 2022: at_least(200 €), 2024: at_least(200 €) }\n");
  ASSERT_TRUE(r.ok) << r.diags;
  const auto& ind = r.program.indicators.at(0);
  ASSERT_EQ(ind.years.size(), 4u);  // 2021 (base), 2022 (replaced), 2023 (first extension), 2024 (replaced)
  EXPECT_EQ(ind.years[0].year, 2021);
  EXPECT_EQ(ind.years[1].year, 2022);
  EXPECT_EQ(ind.years[3].year, 2024);
  engine::RunOptions opt;
  opt.central = true;
  auto res = engine::simulate(r.program, opt);
  // level = 100 × 1.01 × 1.02 × 1.03 ≈ 106.1 from 2022 on: the replaced targets (200 €) are missed,
  // the first extension's 2023 target (100 €) is met.
  EXPECT_EQ(res.indicator_met[0][0].p(), 1.0);
  EXPECT_EQ(res.indicator_met[0][1].p(), 0.0);
  EXPECT_EQ(res.indicator_met[0][2].p(), 1.0);
  EXPECT_EQ(res.indicator_met[0][3].p(), 0.0);
}

TEST(Horizon, EventsFollowTheHorizonAndCountTheirIndicators) {
  auto r = compile_scenario(kExtend2024);
  ASSERT_TRUE(r.ok) << r.diags;
  const engine::EventOut* all = nullptr;
  for (const auto& e : r.program.events)
    if (e.name == "all") all = &e;
  ASSERT_NE(all, nullptr);
  ASSERT_EQ(all->years.size(), 4u);  // 2021..2024
  EXPECT_EQ(all->years.back().first, 2024);
  // 2021: indicator 1; 2022: indicators 1 and 2; 2023 and 2024: indicator 1 (extended).
  EXPECT_EQ(all->indicators, (std::vector<int>{1, 2, 1, 1}));
}

TEST(Horizon, OverrideEventAndFund) {
  auto r = compile_scenario("override event low[t in 2020..horizon] \"Très bas\" = level[t] < 50 €\n"
                            "override fund f \"Autre\" {\n  line a \"L\" limitative fonctionnement carry_over execution(1)\n"
                            "    amounts { 2020: 1 €, 2021: 1 €, 2022: 1 € }\n}\n");
  ASSERT_TRUE(r.ok) << r.diags;
  for (const auto& e : r.program.events)
    if (e.name == "low") EXPECT_EQ(e.label, "Très bas");
  EXPECT_EQ(central(r.program, "f.a", 2020), 1.0);
  EXPECT_EQ(first_message(compile_scenario("event low[t in 2020..horizon] = level[t] < 50 €\n")),
            "s.cog:2:7: error: 'low' is already defined in the base model; write `override` before the definition to replace it");
}

// Convention periods: unspent credits are carried within a period and cancelled at its end.
// Amounts 10, 20, 30 then continued at 30; execution 0.5 of the authorised (envelope + carried).
TEST(Horizon, ContinueAmountsAndConventionPeriods) {
  auto r = compile_scenario(kExtend2024 + "extend fund f { continue_amounts \"reconduction\" }\n");
  ASSERT_TRUE(r.ok) << r.diags;
  EXPECT_EQ(central(r.program, "f.a", 2024), 30.0);
  // 2020: authorised 10, unspent 5 carried; 2021: 20 + 5 = 25, unspent 12.5 carried; 2022 (end of
  // the first period): 30 + 12.5, unspent 21.25 cancelled; 2023: 30, unspent 15 carried; 2024: 45,
  // unspent 22.5 cancelled.
  EXPECT_EQ(central(r.program, "f.a.carried", 2021), 12.5);
  EXPECT_EQ(central(r.program, "f.a.carried", 2022), 0.0);
  EXPECT_EQ(central(r.program, "f.cancelled", 2022), 21.25);
  EXPECT_EQ(central(r.program, "f.a.carried", 2023), 15.0);
  EXPECT_EQ(central(r.program, "f.cancelled", 2024), 22.5);
  EXPECT_EQ(first_message(compile_scenario("model \"m\" base 2019 years 2020..2024 convention 2020..2022, 2022..2024\n")),
            "s.cog:2:61: error: convention periods must follow each other without overlapping: 2022..2024 starts before 2022 ends");
}

// The shipped horizon-2027 scenario: short, clean, and read to 2027 everywhere.
TEST(Horizon, ShippedHorizon2027) {
  const std::string text = test::read_text(std::string(COGSIM_SOURCE_DIR) + "/scenarios/horizon-2027/main.cog");
  int rules = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of(' ') != std::string::npos && line[line.find_first_not_of(' ')] != '#') ++rules;
  EXPECT_LE(rules, 25) << "lines of rules, comments aside";
  dsl::Sources sources;
  auto c = dsl::compile_file(std::string(COGSIM_SOURCE_DIR) + "/scenarios/horizon-2027", sources);
  ASSERT_TRUE(c.program) << sources.format_all(c.diags);
  EXPECT_EQ(sources.format_all(c.diags), "") << "check is clean";
  const engine::Program& p = *c.program;
  EXPECT_EQ(p.horizon, 2027);
  for (const auto& e : p.events) {
    EXPECT_EQ(e.years.back().first, 2027) << e.name;
    if (e.name == "all_met") EXPECT_EQ(e.indicators.back(), 3) << "indicators 1, 8 and 11 have 2027 targets";
  }
  engine::RunOptions opt;
  opt.paths = 2000;
  auto r = engine::simulate(p, opt);
  ASSERT_FALSE(r.error);
  app::RunMeta meta;
  const std::string summary = app::summary_text(p, r, meta);
  EXPECT_NE(summary.find("target 2027"), std::string::npos) << summary;
  EXPECT_NE(summary.find("2027: "), std::string::npos);
  EXPECT_NE(summary.find("(3 indicators)"), std::string::npos) << summary;
  // Indicator 2 has no 2027 target: its row ends with "-", not a 2024 target.
  const auto row = summary.find("  2    resultat.CHARLEVILLE");
  ASSERT_NE(row, std::string::npos);
  const std::string line = summary.substr(row, summary.find('\n', row) - row);
  EXPECT_EQ(line.substr(line.size() - 1), "-") << line;
  // The report headlines 2027: all met with its count, the FNMO event in 2027.
  const std::string html = app::report::report_html(p, r, meta, "2026-11-25");
  EXPECT_NE(html.find("probabilité, en 2027 (3 indicateurs)"), std::string::npos);
  EXPECT_NE(html.find("Réserve du FNMO négative</div><div class=\"small\">probabilité, en 2027"), std::string::npos);
  EXPECT_NE(html.find("<dt>Conventions</dt><dd>2022–2024, 2025–2027</dd>"), std::string::npos);
}


// `adjust`: an amount added to a series for some years, a level change its own lags do not see —
// against the "obvious" override, which compounds (issue 13 item 4). Hand values: produits grows
// by 10 % a year from 100 M€ in 2020.
const char* kFlows = R"(model "flows" base 2019 years 2020..2024
var produits[t in 2020..horizon] : € "Produits" {
  2020: 100 M€
  else: produits[t - 1] * 1.1
}
var charges[t in 2020..horizon] : € = 90 M€
var resultat[t in 2020..horizon] : € = produits[t] - charges[t]
param rate[2020..2024] : % = { 2020: 1 %, 2021: 1 %, 2022: 1 %, 2023: 1 %, 2024: 1 % }
var scaled[t in 2020..horizon] : € = charges[t] * rate[t]
output produits, resultat, scaled
)";

TEST(Adjust, ALevelChangeDoesNotCompound) {
  auto r = compile_scenario("adjust produits { 2023: 2 M€, 2024: 2 M€ } source \"avenant\"\n"
                            "adjust rate { 2024: 0.5 % }\n", kFlows);
  ASSERT_TRUE(r.ok) << r.diags;
  const double p2023 = 100e6 * 1.1 * 1.1 * 1.1, p2024 = p2023 * 1.1;
  EXPECT_NEAR(central(r.program, "produits", 2022), 100e6 * 1.21, 1e-6);
  EXPECT_NEAR(central(r.program, "produits", 2023), p2023 + 2e6, 1e-6);
  EXPECT_NEAR(central(r.program, "produits", 2024), p2024 + 2e6, 1e-6);  // not (p2023 + 2) × 1.1 + 2
  EXPECT_NEAR(central(r.program, "resultat", 2024), p2024 + 2e6 - 90e6, 1e-6);  // readers see it
  EXPECT_NEAR(central(r.program, "scaled", 2024), 90e6 * 0.015, 1e-6);        // a rate added to a param
  EXPECT_NEAR(central(r.program, "scaled", 2023), 90e6 * 0.01, 1e-6);
}

TEST(Adjust, TheObviousOverrideCompounds) {
  // What the issue saw: the same +2 M€ written into the equation is a flow, and 2024 gets +4.2 M€.
  auto r = compile_scenario("override var produits[t in 2020..horizon] : € \"Produits\" {\n"
                            "  2020: 100 M€\n  2023..2024: produits[t - 1] * 1.1 + 2 M€\n"
                            "  else: produits[t - 1] * 1.1\n}\n", kFlows);
  ASSERT_TRUE(r.ok) << r.diags;
  const double p2023 = 100e6 * 1.1 * 1.1 * 1.1, p2024 = p2023 * 1.1;
  EXPECT_NEAR(central(r.program, "produits", 2024) - p2024, 2e6 * 1.1 + 2e6, 1e-6);
}

TEST(Adjust, Messages) {
  EXPECT_EQ(first_message(compile_scenario("adjust produit { 2023: 2 M€ }\n", kFlows)),
            "s.cog:2:8: error: cannot adjust unknown name 'produit'; did you mean 'produits'?");
  EXPECT_EQ(first_message(compile_scenario("adjust produits { 2023: 2 % }\n", kFlows)),
            "s.cog:2:25: error: unit mismatch: 'produits' is an amount in € but this adjustment is a plain number or rate");
  EXPECT_EQ(first_message(compile_scenario("adjust produits { 2030: 2 M€ }\n", kFlows)),
            "s.cog:2:19: error: year 2030 is outside the years of 'produits' (2020..2024)");
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

// `cogsim compare` base vs horizon-2027 lists the years only the variant has, with their values,
// instead of calling the outputs identical.
TEST(Horizon, CompareListsTheAddedYears) {
  const fs::path out = fs::temp_directory_path() / ("cogsim-horizon-compare-" + std::to_string(::getpid()) + ".json");
  const std::string cmd = std::string(COGSIM_EXE) + " compare " + COGSIM_SOURCE_DIR + "/scenarios/cog-2022-2024 " +
                          COGSIM_SOURCE_DIR + "/scenarios/horizon-2027 --paths 2000 -q --json " + out.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto j = nlohmann::json::parse(test::read_text(out));
  fs::remove(out);
  const auto& cds = j.at("one_side").at("outputs").at("resultat.CDS");
  EXPECT_EQ(cds.at("side"), "variant");
  for (const char* y : {"2025", "2026", "2027"}) EXPECT_TRUE(cds.at("years").contains(y)) << y;
  EXPECT_FALSE(cds.at("years").contains("2024")) << "2024 is in both";
  EXPECT_LT(cds.at("years").at("2027").at("mean").get<double>(), 0.0) << "the centres de santé stay in deficit";
}

}  // namespace
}  // namespace cogsim
