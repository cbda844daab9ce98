// Paired comparison on common random numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
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

}  // namespace
}  // namespace cogsim
