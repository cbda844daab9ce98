// The first block of a comparison (src/compare_block.hpp): what an avenant costs and what it buys,
// on the shipped example avenant-cds (a support of 1.5 M€ a year to the centres de santé in 2023
// and 2024, indicator 8's 2024 target eased from −30 % to −25 %), and the years a variant adds
// (tests/data/horizon: the same tiny model run to 2024 and to 2027).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/compare.hpp"
#include "src/compare_block.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

const std::string kNarrow = "\u202f", kNbsp = "\u00a0";

std::string run(const std::string& cmd) {
  FILE* f = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(f), 0) << cmd << "\n" << out;
  return out;
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The lines of `text` between the line holding `from` and the next line holding `to`.
std::string between(const std::string& text, const std::string& from, const std::string& to) {
  const auto a = text.find(from);
  if (a == std::string::npos) return "";
  const auto b = text.find(to, a);
  return text.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

struct AvenantRun {
  std::string out, html;
  nlohmann::json json;
};

const AvenantRun& avenant() {
  static const AvenantRun r = [] {
    const std::string dir = testing::TempDir(), s = std::string(COGSIM_SOURCE_DIR) + "/scenarios/";
    AvenantRun a;
    a.out = run(std::string(COGSIM_EXE) + " compare " + s + "cog-2022-2024 " + s + "avenant-cds -n 20000 --json " +
                dir + "/cds.json --report " + dir + "/cds.html");
    a.html = test::read_text(dir + "/cds.html");
    a.json = nlohmann::json::parse(test::read_text(dir + "/cds.json"));
    return a;
  }();
  return r;
}

TEST(CompareBlock, TheAvenantsOwnSeriesIsListedWithItsExactValue) {
  const auto& a = avenant();
  const std::string own = between(a.out, "propres à la variante", "Réserve du FNMO");
  ASSERT_FALSE(own.empty()) << a.out;
  EXPECT_NE(own.find("support — Soutien de l'État aux centres de santé (avenant)"), std::string::npos) << own;
  EXPECT_NE(own.find("2023  1" + kNarrow + "500" + kNarrow + "000,00" + kNbsp + "€ sur toutes les trajectoires"),
            std::string::npos)
      << own;
  EXPECT_NE(own.find("2019, 2020, 2021, 2022  0,00" + kNbsp + "€ sur toutes les trajectoires"), std::string::npos)
      << own;
  const auto& y = a.json["one_side"]["outputs"]["support"]["years"]["2024"];
  EXPECT_EQ(a.json["one_side"]["outputs"]["support"]["side"], "variant");
  for (const char* k : {"mean", "p5", "p50", "p95"}) EXPECT_EQ(y[k].get<double>(), 1.5e6) << k;
  EXPECT_EQ(a.json["meta"]["outputs_only_in_variant"], nlohmann::json::array({"support"}));
}

TEST(CompareBlock, AConstantDifferencePrintsExactly) {
  const auto& a = avenant();
  // The support enters the centres' result each year and the FNMO reserve cumulates it: +1.5 M€
  // in 2023, +3 M€ at the end of 2024, on every path.
  const std::string fnmo = between(a.out, "\nRéserve du FNMO", "\nFonds budgétaires");
  EXPECT_NE(fnmo.find("2023  +1" + kNarrow + "500" + kNarrow + "000,00" + kNbsp + "€ sur toutes les trajectoires"),
            std::string::npos)
      << fnmo;
  EXPECT_NE(fnmo.find("2024  +3" + kNarrow + "000" + kNarrow + "000,00" + kNbsp + "€ sur toutes les trajectoires"),
            std::string::npos)
      << fnmo;
  EXPECT_NE(a.out.find("resultat.CDS  2023  +1" + kNarrow + "500" + kNarrow + "000,00" + kNbsp + "€ sur toutes"),
            std::string::npos)
      << a.out;
  const auto& d = a.json["delta"]["outputs"]["fnmo.reserve"]["2024"];
  for (const char* k : {"mean", "p5", "p50", "p95"}) EXPECT_NEAR(d[k].get<double>(), 3e6, 1e-6) << k;
}

TEST(CompareBlock, TheChangedTargetIsListedOldToNew) {
  const auto& a = avenant();
  const std::string targets = between(a.out, "Cibles modifiées", "Probabilité d'atteindre");
  EXPECT_NE(targets.find("8 — Réduire le déficit des centres de santé"), std::string::npos) << targets;
  const auto row = targets.find("2024  déficit réduit de 30" + kNbsp + "% (");
  ASSERT_NE(row, std::string::npos) << targets;
  EXPECT_NE(targets.find("→ déficit réduit de 25" + kNbsp + "% (", row), std::string::npos) << targets;
  EXPECT_EQ(targets.find("2023  "), std::string::npos) << "only 2024 changes: " << targets;
  // The JSON: one change, and the targets are (1 − r) × the 2019 result (a known value): their
  // ratio is 0.75 / 0.70 whatever that result is.
  const auto& t = a.json["one_side"]["targets_changed"];
  ASSERT_EQ(t.size(), 1u) << t;
  EXPECT_EQ(t[0]["indicator"], "8");
  EXPECT_EQ(t[0]["year"], 2024);
  EXPECT_DOUBLE_EQ(t[0]["base"]["rate"].get<double>(), 0.30);
  EXPECT_DOUBLE_EQ(t[0]["variant"]["rate"].get<double>(), 0.25);
  EXPECT_NEAR(t[0]["variant"]["value"].get<double>() / t[0]["base"]["value"].get<double>(), 0.75 / 0.70, 1e-12);
}

TEST(CompareBlock, ARiskThatFallsIsGoodAndAnIndicatorMetMoreOftenIsGood) {
  const auto& a = avenant();
  // fnmo.negative is `bad` in the model's report lines: its fall is favourable (terminal) and
  // green (page).
  const std::string head = between(a.out, "Événements de la synthèse", "Tous les indicateurs : P(atteint)");
  const auto line = head.find("      2024  27");
  ASSERT_NE(line, std::string::npos) << head;
  const std::string fnmo_2024 = head.substr(line, head.find('\n', line) - line);
  EXPECT_NE(fnmo_2024.find(" favorable"), std::string::npos) << fnmo_2024;
  EXPECT_EQ(fnmo_2024.find("défavorable"), std::string::npos) << fnmo_2024;
  EXPECT_NE(fnmo_2024.find("−"), std::string::npos) << "it falls: " << fnmo_2024;
  const auto cell = a.html.find("Réserve du FNMO négative <code>fnmo.negative</code></td><td>2024");
  ASSERT_NE(cell, std::string::npos);
  EXPECT_EQ(a.html.rfind("<tr class=\"good\">", cell), a.html.rfind("<tr", cell)) << "the row is green";
  // all_met is `good` and rises: favourable too; indicator 8 is met more often: favourable.
  EXPECT_NE(between(a.out, "all_met", "fnmo.negative").find(" favorable"), std::string::npos) << head;
  const std::string probs = between(a.out, "Probabilité d'atteindre", "Événements de la synthèse");
  EXPECT_NE(probs.find("  8 — "), std::string::npos) << probs;
  EXPECT_EQ(probs.find("défavorable"), std::string::npos) << probs;
  EXPECT_NE(probs.find("(indicateur, année)"), std::string::npos) << "the unchanged ones are counted: " << probs;
}

TEST(CompareBlock, TheTerminalSummaryFitsOneHundredColumns) {
  const auto& a = avenant();
  std::istringstream in(a.out);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines) EXPECT_LE(code_points(line), 100u) << line;
  EXPECT_GT(lines, 40u);
}

// ---- years one scenario only has ----

const std::string kHorizon = "tests/data/horizon/";

TEST(CompareBlock, YearsOnlyInTheVariantAreMeasuredNotCalledIdentical) {
  const auto base = test::load_model(kHorizon + "base.cog"), variant = test::load_model(kHorizon + "variant.cog");
  engine::RunOptions opt;
  opt.paths = 40000;
  const auto r = engine::compare(base, variant, opt);
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.solo_outputs.size(), 1u);
  const auto& x = r.solo_outputs[0];
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.side, 1);
  ASSERT_EQ(x.years.size(), 3u);
  // x(t) = 100 + 5 (t − 2019) + a sum of (t − 2019) independent N(0, 10) shocks.
  for (std::size_t i = 0; i < x.years.size(); ++i) {
    const auto& y = x.years[i];
    EXPECT_EQ(y.year, 2025 + int(i));
    const int k = y.year - 2019;
    const double mean = 100 + 5.0 * k, sd = 10 * std::sqrt(double(k));
    EXPECT_NEAR(y.value.moments.mean(), mean, 4 * sd / std::sqrt(double(opt.paths))) << y.year;
    EXPECT_NEAR(y.value.moments.sd(), sd, 0.02 * sd) << y.year;
  }
  ASSERT_EQ(r.solo_events.size(), 1u);
  EXPECT_EQ(r.solo_events[0].id, "low");
  ASSERT_EQ(r.solo_events[0].years.size(), 3u);
  const auto& [year, p] = r.solo_events[0].years[0];
  EXPECT_EQ(year, 2025);
  const double want = 0.5 * std::erfc(-((90 - 130) / (10 * std::sqrt(6.0))) / std::sqrt(2.0));  // Φ(−40/24.5)
  EXPECT_NEAR(p.p(), want, 4 * std::sqrt(want * (1 - want) / double(opt.paths)));
  EXPECT_TRUE(r.solo_indicators.empty());  // the indicator has the same years in both
  for (const auto& t : r.targets) EXPECT_FALSE(t.changed()) << t.id << " " << t.year;
  // The other way round, the same years are the base's own.
  const auto back = engine::compare(variant, base, opt);
  ASSERT_EQ(back.solo_outputs.size(), 1u);
  EXPECT_EQ(back.solo_outputs[0].side, 0);
  EXPECT_EQ(back.solo_outputs[0].years.size(), 3u);
}

TEST(CompareBlock, TheSummaryListsTheAddedYears) {
  const std::string out = run(std::string(COGSIM_EXE) + " compare " + COGSIM_SOURCE_DIR + "/" + kHorizon +
                              "base.cog " + COGSIM_SOURCE_DIR + "/" + kHorizon + "variant.cog -n 2000");
  const std::string own = between(out, "propres à la variante", "Cibles modifiées");
  EXPECT_NE(own.find("x — Série suivie"), std::string::npos) << out;
  for (const char* y : {"      2025  moyenne 1", "      2026  moyenne 1", "      2027  moyenne 1", "low — x sous 90"})
    EXPECT_NE(own.find(y), std::string::npos) << y << "\n" << out;
  EXPECT_EQ(out.find("identical"), std::string::npos) << out;
}

// The shipped extension to 2027 against the COG as signed: the years it adds, with their values.
TEST(CompareBlock, TheShippedHorizonListsItsAddedYears) {
  const std::string s = std::string(COGSIM_SOURCE_DIR) + "/scenarios/";
  const std::string out =
      run(std::string(COGSIM_EXE) + " compare " + s + "cog-2022-2024 " + s + "horizon-2027 -n 2000");
  const std::string own = between(out, "propres à la variante", "Cibles modifiées");
  const auto cds = own.find("  resultat.CDS — ");
  ASSERT_NE(cds, std::string::npos) << out;
  for (const char* y : {"      2025  moyenne ", "      2026  moyenne ", "      2027  moyenne "})
    EXPECT_NE(own.find(y, cds), std::string::npos) << y << "\n" << own;
  EXPECT_NE(own.find("fnmo.negative"), std::string::npos) << "the event's added years: " << own;
}

TEST(CompareBlock, VerdictsAndColumns) {
  using app::Verdict;
  EXPECT_EQ(app::verdict_of(-0.2, -1), Verdict::Good);  // a bad event that becomes rarer
  EXPECT_EQ(app::verdict_of(+0.2, -1), Verdict::Bad);
  EXPECT_EQ(app::verdict_of(+0.2, +1), Verdict::Good);
  EXPECT_EQ(app::verdict_of(+0.2, 0), Verdict::Neutral);
  EXPECT_EQ(app::verdict_of(0.0, +1), Verdict::Neutral);
  EXPECT_EQ(app::fit_columns("déficit réduit", 7), "défici…");
  EXPECT_EQ(app::fit_columns("déficit", 7), "déficit");
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

// ---- several variants at once: `compare BASE V1 V2` ----

// Each variant's comparison is exactly the one `compare BASE Vi` makes alone (same seed and paths:
// the base's draws are the same, so the variants are measured on the same paths); the terminal
// table fits 100 columns and marks ▲ exactly the indicator-years whose change exceeds two paired
// standard errors in the JSON; the page lists both variants.
TEST(CompareMany, EachVariantIsItsOwnComparisonAndTheTableMarksTheClearChanges) {
  const std::string dir = testing::TempDir(), s = std::string(COGSIM_SOURCE_DIR) + "/scenarios/";
  const std::string base = s + "cog-2022-2024", v1 = s + "avenant-cds", v2 = s + "avenant-inflation";
  const std::string out = run(std::string(COGSIM_EXE) + " compare " + base + " " + v1 + " " + v2 + " -n 20000 -t 2 --json " +
                              dir + "/many.json --report " + dir + "/many.html");
  run(std::string(COGSIM_EXE) + " compare " + base + " " + v1 + " -n 20000 -t 1 -q --json " + dir + "/one1.json");
  run(std::string(COGSIM_EXE) + " compare " + base + " " + v2 + " -n 20000 -t 2 -q --json " + dir + "/one2.json");
  nlohmann::json many = nlohmann::json::parse(test::read_text(dir + "/many.json"));
  ASSERT_EQ(many["variants"].size(), 2u);
  for (int v = 0; v < 2; ++v) {
    nlohmann::json one = nlohmann::json::parse(test::read_text(dir + "/one" + std::to_string(v + 1) + ".json"));
    nlohmann::json mine = many["variants"][v];
    one.erase("meta"), mine.erase("meta");
    EXPECT_EQ(mine, one) << "variant " << v + 1;
  }
  std::istringstream in(out);
  std::map<std::pair<std::string, std::string>, std::string> rows;  // (n°, year) -> the table's line
  for (std::string line; std::getline(in, line);) {
    EXPECT_LE(code_points(line), 100u) << line;
    if (line.rfind("=== V1", 0) == 0) break;  // the table ends where the first variant's summary starts
    std::istringstream w(line);
    std::string id;
    w >> id;
    if (id.empty() || !std::isdigit(static_cast<unsigned char>(id[0]))) continue;
    const auto year_at = line.find(" 20");
    if (year_at != std::string::npos) rows[{id, line.substr(year_at + 1, 4)}] = line;
  }
  ASSERT_FALSE(rows.empty());
  int clear = 0;
  for (const auto& [id, ind] : many["variants"][1]["delta"]["indicators"].items())
    for (const auto& [year, y] : ind["years"].items()) {
      const double delta = y["delta"], se = y["se"];
      const auto it = rows.find({id, year});
      ASSERT_NE(it, rows.end()) << id << " " << year;
      // V2 is the last column: its cell is what follows the line's last '%'.
      const bool marked = it->second.find("▲", it->second.rfind('%')) != std::string::npos;
      EXPECT_EQ(marked, delta > 2 * se) << it->second;
      clear += delta > 2 * se;
    }
  EXPECT_GT(clear, 5);
  // avenant-cds relabels indicator 8 ("cible 2024 assouplie"): the row, shared with the base and V2,
  // carries the base's label; V1's own is said once below the table and under the row on the page.
  for (const auto& [key, line] : rows)
    if (key.first == "8") EXPECT_EQ(line.find("assouplie"), std::string::npos) << line;
  EXPECT_NE(out.find("V1, indicateur 8 : « Réduire le déficit des centres de santé (cible 2024 assouplie par l'avenant) »"),
            std::string::npos)
      << out;
  const std::string html = test::read_text(dir + "/many.html");
  EXPECT_NE(html.find("<div class=\"note\">V1 : Réduire le déficit des centres de santé (cible 2024 assouplie par "
                      "l&#39;avenant)</div>"),
            std::string::npos);
  EXPECT_NE(html.find("avenant-cds"), std::string::npos);
  EXPECT_NE(html.find("avenant-inflation"), std::string::npos);
  EXPECT_NE(html.find("Comparaison de 2 variantes"), std::string::npos);
}

}  // namespace
}  // namespace cogsim
