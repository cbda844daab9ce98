// Paired comparison on common random numbers.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <nlohmann/json.hpp>

#include "dsl/compiler.hpp"
#include "engine/compare.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

using test::load_model;

const engine::OutputDelta& find(const engine::CompareResults& r, const std::string& name) {
  for (const auto& o : r.outputs)
    if (o.name == name) return o;
  throw std::runtime_error(name);
}

TEST(Compare, AModelComparedWithItselfGivesExactlyZeroEverywhere) {
  std::string json = testing::TempDir() + "/self.json";
  std::string cmd = std::string(COGSIM_EXE) + " compare " + COGSIM_SOURCE_DIR + "/scenarios/cog-2022-2024 " +
                    COGSIM_SOURCE_DIR + "/scenarios/cog-2022-2024 --paths 20000 --quiet --json " + json;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  int checked = 0;
  for (auto& [name, years] : j["delta"]["outputs"].items())
    for (auto& [year, s] : years.items())
      for (const char* k : {"mean", "sd", "p5", "p50", "p95"}) {
        EXPECT_EQ(s[k].get<double>(), 0.0) << name << " " << year << " " << k;
        ++checked;
      }
  for (auto& [id, ind] : j["delta"]["indicators"].items())
    for (auto& [year, y] : ind["years"].items()) {
      EXPECT_EQ(y["delta"].get<double>(), 0.0) << id << " " << year;
      EXPECT_EQ(y["se"].get<double>(), 0.0);
      EXPECT_EQ(y["base"].get<double>(), y["variant"].get<double>());
      ++checked;
    }
  EXPECT_EQ(j["delta"]["indicators"].size(), 12u);
  EXPECT_GT(checked, 500);
}

TEST(Compare, PairedDifferenceHasAFarSmallerVarianceThanAnUnpairedOne) {
  auto base = load_model("scenarios/cog-2022-2024");
  auto variant = load_model("scenarios/avenant-inflation");
  engine::RunOptions opt;
  opt.paths = 100000;
  auto paired = engine::compare(base, variant, opt);
  ASSERT_FALSE(paired.error);
  // Unpaired: each scenario on its own seed; the per-path difference then has variance
  // Var(base) + Var(variant).
  auto b = engine::simulate(base, opt);
  opt.seed = 4242;
  auto v = engine::simulate(variant, opt);
  auto sd_of = [](const engine::Program& p, const engine::RunResults& r, const std::string& n, int y) {
    for (std::size_t i = 0; i < p.outputs.size(); ++i)
      if (p.outputs[i].name == n)
        for (std::size_t k = 0; k < p.outputs[i].years.size(); ++k)
          if (p.outputs[i].years[k].first == y) return r.outputs[i][k].moments.sd();
    return std::nan("");
  };
  for (const char* name : {"resultat.FREYMING", "resultat.total"}) {
    double unpaired = std::hypot(sd_of(base, b, name, 2023), sd_of(variant, v, name, 2023));
    double paired_sd = 0;
    for (const auto& y : find(paired, name).years)
      if (y.year == 2023) paired_sd = y.delta.moments.sd();
    ASSERT_GT(paired_sd, 0) << name;  // the avenant does change it
    EXPECT_LT(paired_sd * paired_sd, 0.05 * unpaired * unpaired) << name;
  }
  // Entities outside the avenant do not move at all on any path.
  for (const auto& y : find(paired, "resultat.CDS").years) {
    EXPECT_EQ(y.delta.moments.mean(), 0.0);
    EXPECT_EQ(y.delta.moments.sd(), 0.0);
  }
  // The avenant only helps: P(met) can only rise, path by path.
  for (const auto& ind : paired.indicators)
    for (const auto& y : ind.years) EXPECT_GE(y.variant.hits, y.base.hits) << ind.id << " " << y.year;
}

// The overlaid distributions of the comparison page: each scenario's last shared year is its own
// run's, and the page draws them for a series the variant changes, not for one it leaves alone.
TEST(Compare, EachSidesLastYearIsItsOwnRunsDistribution) {
  auto base = load_model("scenarios/cog-2022-2024");
  auto variant = load_model("scenarios/avenant-cds");
  engine::RunOptions opt;
  opt.paths = 20000;
  auto paired = engine::compare(base, variant, opt);
  ASSERT_FALSE(paired.error);
  auto b = engine::simulate(base, opt);
  auto v = engine::simulate(variant, opt);
  auto last_of = [](const engine::Program& p, const engine::RunResults& r, const std::string& n) {
    for (std::size_t i = 0; i < p.outputs.size(); ++i)
      if (p.outputs[i].name == n) return &r.outputs[i].back();
    throw std::runtime_error(n);
  };
  for (const char* name : {"resultat.CDS", "resultat.FREYMING", "fnmo.reserve"}) {
    const auto& o = find(paired, name);
    const engine::SeriesStats *sb = last_of(base, b, name), *sv = last_of(variant, v, name);
    EXPECT_EQ(o.last_base.sketch.count(), opt.paths) << name;
    for (double u : {0.01, 0.05, 0.5, 0.95, 0.99}) {  // the same paths: the same sketch
      EXPECT_EQ(o.last_base.quantile(u), sb->quantile(u)) << name << " " << u;
      EXPECT_EQ(o.last_variant.quantile(u), sv->quantile(u)) << name << " " << u;
    }
    EXPECT_EQ(o.last_base.moments.mean(), sb->moments.mean()) << name;
    EXPECT_EQ(o.last_variant.moments.mean(), sv->moments.mean()) << name;
  }
  // The avenant's support shifts the centres' 2024 result by 1.5 M€ on every path: so is every
  // quantile, to the sketch's relative accuracy (0.1 % of the value, about 10 k€ here).
  const auto& cds = find(paired, "resultat.CDS");
  for (double u : {0.05, 0.5, 0.95})
    EXPECT_NEAR(cds.last_variant.quantile(u) - cds.last_base.quantile(u), 1.5e6,
                2e-3 * std::fabs(cds.last_base.quantile(u)) + 1)
        << u;
}

TEST(CompareCli, TheDistributionsOfAChangedSeriesAreOverlaidNotThoseOfAnUnchangedOne) {
  const std::string dir = testing::TempDir(), s = std::string(COGSIM_SOURCE_DIR) + "/scenarios/";
  const std::string cmd = std::string(COGSIM_EXE) + " compare " + s + "cog-2022-2024 " + s +
                          "avenant-cds -n 5000 --quiet --report " + dir + "/overlay.html";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string html = test::read_text(dir + "/overlay.html");
  auto variant = load_model("scenarios/avenant-cds");  // the page titles a series by the variant's label
  auto label_of = [&](const std::string& n) {
    for (const auto& o : variant.outputs)
      if (o.name == n) {
        std::string e;
        for (char c : o.label) e += c == '\'' ? std::string("&#39;") : std::string(1, c);
        return e;
      }
    throw std::runtime_error(n);
  };
  const std::string aria = "aria-label=\"Courbes en S, base et variante — ";
  // resultat.CDS gets the support (changed); resultat.CHARLEVILLE does not (its paths are the same).
  EXPECT_NE(html.find(aria + label_of("resultat.CDS") + " 2024\""), std::string::npos);
  EXPECT_NE(html.find(aria + label_of("fnmo.reserve") + " 2024\""), std::string::npos);
  EXPECT_EQ(html.find(aria + label_of("resultat.CHARLEVILLE")), std::string::npos);
  EXPECT_NE(html.find("<polyline class=\"cdf base\""), std::string::npos);
  EXPECT_NE(html.find("<polyline class=\"cdf variant\""), std::string::npos);
}

// A series in % gets its overlay too, with its axis and medians in percent (not in €).
TEST(CompareCli, ARateSeriesIsOverlaidInPercent) {
  const std::string dir = testing::TempDir();
  const std::string model = "model \"Test\" base 2019 years 2020..2022\nparam mu : % \"Taux moyen\" = 2 %\n"
                            "var taux[t in 2020..2022] : % \"Taux d'exécution\" = mu + normal(0 %, 1 %)\noutput taux\n";
  std::string variant = model;
  variant.replace(variant.find("= 2 %"), 5, "= 3 %");
  std::ofstream(dir + "/ov-base.cog") << model;
  std::ofstream(dir + "/ov-variant.cog") << variant;
  const std::string cmd = std::string(COGSIM_EXE) + " compare " + dir + "/ov-base.cog " + dir +
                          "/ov-variant.cog -n 5000 --quiet --report " + dir + "/ov.html";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string html = test::read_text(dir + "/ov.html");
  const auto at = html.find("aria-label=\"Courbes en S, base et variante — Taux d&#39;exécution 2022\"");
  ASSERT_NE(at, std::string::npos);
  const std::string chart = html.substr(at, html.find("</svg>", at) - at);
  EXPECT_NE(chart.find(">2\u00a0%</text>"), std::string::npos) << chart;  // a value tick in percent
  EXPECT_EQ(chart.find("€"), std::string::npos) << chart;
  // The medians, of N(2 %, 1 %) and N(3 %, 1 %) at 5 000 paths, printed in percent: within 0.1
  // point of 2 and 3 (the median's SE is 0.018 point: 5.6 SE).
  std::smatch m;
  const std::regex medians("Médiane 2022 : base (-?[0-9]+),([0-9]+)\u00a0% .*variante (-?[0-9]+),([0-9]+)\u00a0%");
  ASSERT_TRUE(std::regex_search(html, m, medians));
  EXPECT_NEAR(std::stod(m[1].str() + "." + m[2].str()), 2.0, 0.1);
  EXPECT_NEAR(std::stod(m[3].str() + "." + m[4].str()), 3.0, 0.1);
}

}  // namespace
}  // namespace cogsim

namespace cogsim {
namespace {

TEST(CompareCli, ReportIsASelfContainedPageWithEveryIndicator) {
  std::string dir = testing::TempDir();
  std::string cmd = std::string(COGSIM_EXE) + " compare " + COGSIM_SOURCE_DIR + "/scenarios/cog-2022-2024 " +
                    COGSIM_SOURCE_DIR + "/scenarios/avenant-inflation -n 5000 -q --report " + dir + "/cmp.html";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir + "/cmp.html");
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("avenant-inflation"), std::string::npos);
  EXPECT_NE(html.find("Réduire le déficit des centres de santé à moins de 10 M€"), std::string::npos);
  EXPECT_NE(html.find("resultat.FREYMING"), std::string::npos);  // moved by the avenant
  EXPECT_EQ(html.find("resultat.CDS"), std::string::npos);       // identical on every path: not listed
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

// An output of one name but another unit in the variant (an amount become a rate) is two series,
// each on its side: 0.05 − 100 € was printed as "−9 995,00 %".
TEST(Compare, OutputsOfOneNameButDifferentUnitsAreNeverSubtracted) {
  const auto base = test::compile_model("model \"a\" base 2019 years 2020..2021\nvar x[t in 2020..2021] : € = 100 €\n"
                                        "var y[t in 2020..2021] = normal(0, 1)\noutput x, y\n");
  const auto variant = test::compile_model("model \"a\" base 2019 years 2020..2021\nvar x[t in 2020..2021] : % = 5 %\n"
                                           "var y[t in 2020..2021] = normal(0, 1)\noutput x, y\n");
  engine::RunOptions opt;
  opt.paths = 2000;
  const auto r = engine::compare(base, variant, opt);
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].name, "y");
  EXPECT_EQ(r.only_in_base, std::vector<std::string>{"x"});
  EXPECT_EQ(r.only_in_variant, std::vector<std::string>{"x"});
  std::size_t solo_x = 0;
  for (const auto& s : r.solo_outputs) solo_x += s.name == "x";
  EXPECT_EQ(solo_x, 2u);  // each side's x alone
  EXPECT_EQ(engine::shared_counts(base, variant).series, 1u);
}

TEST(Compare, TwoModelsThatShareNoSeriesAreRefusedAndSharedCountsAreSaid) {
  const std::string other = testing::TempDir() + "/unrelated.cog";
  std::ofstream(other) << "model \"other\" base 2019 years 2020..2022\n"
                          "var z[t in 2020..2022] = normal(0, 1)\noutput z\n";
  const std::string base = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  const std::string json = testing::TempDir() + "/unrelated.json";
  std::remove(json.c_str());
  std::string cmd = std::string(COGSIM_EXE) + " compare " + base + " " + other + " -n 100 --json " + json + " 2>&1";
  FILE* f = ::popen(cmd.c_str(), "r");
  std::string err;
  char buf[1024];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) err.append(buf, n);
  const int raw = ::pclose(f);
  EXPECT_EQ(WEXITSTATUS(raw), 3) << err;
  EXPECT_NE(err.find("(24 output series) and " + other + " (1) share no output series"), std::string::npos) << err;
  EXPECT_FALSE(std::ifstream(json).good()) << "nothing written";

  // The counts, independently: RM1 against its avenant shares RM1's 24 series (the avenant adds
  // 12) and every random cell (the avenant changes no distribution).
  auto b = load_model("scenarios/cog-2022-2024"), v = load_model("scenarios/avenant-inflation");
  auto c = engine::shared_counts(b, v);
  EXPECT_EQ(c.base_series, b.outputs.size());
  EXPECT_EQ(c.variant_series, v.outputs.size());
  std::size_t names_in_both = 0;
  for (const auto& o : v.outputs)
    for (const auto& p : b.outputs) names_in_both += o.name == p.name;
  EXPECT_EQ(c.series, names_in_both);
  EXPECT_EQ(c.draws, b.num_draws());
  EXPECT_EQ(engine::shared_counts(b, b).draws, b.num_draws());
  cmd = std::string(COGSIM_EXE) + " compare " + base + " " + COGSIM_SOURCE_DIR + "/scenarios/avenant-inflation -n 200 --json " + json;
  ASSERT_EQ(std::system((cmd + " >/dev/null").c_str()), 0);
  auto j = nlohmann::json::parse(std::ifstream(json));
  EXPECT_EQ(j["meta"]["shared"]["series"].get<std::size_t>(), names_in_both);
  EXPECT_EQ(j["meta"]["shared"]["draws"].get<std::size_t>(), b.num_draws());
  std::remove(json.c_str());
}

}  // namespace
}  // namespace cogsim
