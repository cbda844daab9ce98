// `cogsim sweep`: a grid point is the single `cogsim run` with the same cells set, to the bit;
// the table has a row per point and figure; the grid's syntax.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <sstream>

#include "src/sweep.hpp"

namespace cogsim {
namespace {

std::string rm1() { return std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024"; }

TEST(Sweep, AGridPointIsTheSingleRunToTheBit) {
  const std::string dir = testing::TempDir(), jsonl = dir + "/sweep.jsonl", csv = dir + "/sweep.csv",
                    html = dir + "/sweep.html", one = dir + "/one.json";
  const std::string grid = " --grid \"savings[CDS, 2024]=0,0.03\" --grid \"signature_forecast[2024]=0.015,0.02,0.03\"";
  ASSERT_EQ(std::system((std::string(COGSIM_EXE) + " sweep " + rm1() + grid + " -n 40000 -t 2 -q --jsonl " + jsonl +
                         " --csv " + csv + " --html " + html).c_str()),
            0);
  ASSERT_EQ(std::system((std::string(COGSIM_EXE) + " run " + rm1() +
                         " --set \"savings[CDS, 2024]=0.03\" --set \"signature_forecast[2024]=0.02\" -n 40000 -t 1 -q"
                         " --json " + one).c_str()),
            0);
  std::ifstream in(one);
  const auto run = nlohmann::json::parse(in);
  std::ifstream lines(jsonl);
  std::string line;
  std::set<int> points;
  std::map<std::string, double> p0, p4;  // "name year" -> P(met) at points 0 and 4
  int compared = 0, rows = 0;
  for (; std::getline(lines, line); ++rows) {
    const auto r = nlohmann::json::parse(line);
    points.insert(r["point"].get<int>());
    if (r["kind"] == "indicator" && (r["point"] == 0 || r["point"] == 4))
      (r["point"] == 0 ? p0 : p4)[r["name"].get<std::string>() + " " + std::to_string(r["year"].get<int>())] =
          r["p_met"].get<double>();
    // Point 4 is the second savings value with the second inflation value (first axis slowest).
    if (r["point"] != 4) continue;  // collected above only for points 0 and 4
    EXPECT_EQ(r["params"]["savings[CDS, 2024]"].get<double>(), 0.03);
    EXPECT_EQ(r["params"]["signature_forecast[2024]"].get<double>(), 0.02);
    const std::string name = r["name"], year = std::to_string(r["year"].get<int>());
    if (r["kind"] == "indicator") {
      const auto& y = run["indicators"][name]["years"][year];
      EXPECT_EQ(r["p_met"].get<double>(), y["p_met"].get<double>()) << name << " " << year;
      EXPECT_EQ(r["se"].get<double>(), y["se"].get<double>()) << name << " " << year;
      compared += 2;
    } else if (r["kind"] == "output") {
      for (const char* k : {"mean", "sd", "p5", "p50", "p95"}) {
        EXPECT_EQ(r[k].get<double>(), run["outputs"][name][year][k].get<double>()) << name << " " << year << " " << k;
        ++compared;
      }
    }
  }
  EXPECT_EQ(points.size(), 6u);
  EXPECT_EQ(rows % 6, 0);
  EXPECT_GT(compared, 300);
  // The parameters reach the results (so the match above is not two unchanged runs).
  EXPECT_NE(p0, p4);
  // CSV: a header and one row per statistic (indicators: 2, outputs: 5, events: 1 per year).
  std::ifstream c(csv);
  std::string header;
  std::getline(c, header);
  EXPECT_EQ(header, "scenario,point,\"savings[CDS, 2024]\",signature_forecast[2024],kind,name,year,statistic,value");
  std::ifstream h(html);
  std::stringstream page;
  page << h.rdbuf();
  // The page: maps titled with the indicator's label, the most moved first (savings[CDS] moves
  // indicator 8 in 2024 most), the unmoved ones gathered in one table, French numbers.
  const std::string html_text = page.str();
  const auto first_map = html_text.find("<h3 id=");
  ASSERT_NE(first_map, std::string::npos);
  EXPECT_EQ(html_text.find("n° 8 — Réduire le déficit des centres de santé", first_map),
            html_text.find("\">", first_map) + 2)
      << html_text.substr(first_map, 200);
  EXPECT_NE(html_text.find("<h3>Sans changement sur la grille</h3>"), std::string::npos);
  EXPECT_NE(html_text.find("40\u202f000 trajectoires par point"), std::string::npos);  // a narrow no-break space
  EXPECT_NE(html_text.find("<th>0,015</th>"), std::string::npos);
}

TEST(Sweep, GridSyntax) {
  app::SweepAxis a;
  EXPECT_EQ(app::parse_axis("x=0:1:0.25", a), "");
  EXPECT_EQ(a.cell, "x");
  EXPECT_EQ(a.values, (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(app::parse_axis("savings[CDS, 2024]=0.01,0.02", a), "");
  EXPECT_EQ(a.cell, "savings[CDS, 2024]");
  EXPECT_EQ(a.values.size(), 2u);
  EXPECT_NE(app::parse_axis("x=1,nan", a), "");
  EXPECT_NE(app::parse_axis("x=1:0:0.1", a), "");
  EXPECT_NE(app::parse_axis("x=0:1:0", a), "");
  EXPECT_NE(app::parse_axis("x", a), "");
  // A value in percent is divided by 100, as in the rules files; hexadecimal and units are refused.
  EXPECT_EQ(app::parse_axis("x=5 %, 1.5%,2, 2.8 %", a), "");
  EXPECT_EQ(a.values, (std::vector<double>{0.05, 0.015, 2, 0.028}));  // 2.8 / 100 is 0.027999999999999997
  EXPECT_NE(app::parse_axis("x=0x10", a), "");
  EXPECT_NE(app::parse_axis("x=5 €", a), "");
}

TEST(Sweep, AnUnknownCellIsRefused) {
  const std::string cmd = std::string(COGSIM_EXE) + " sweep " + rm1() + " --grid \"no_such_param=1,2\" -n 100 -q 2>&1";
  FILE* f = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) out += buf;
  const int status = ::pclose(f);
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("no param cell named 'no_such_param'"), std::string::npos) << out;
}

// A param written without its indices (`--set tariff_mean=1`, tariff_mean being per kind) was
// answered "did you mean 'tariff_mean'?"; the message now shows how its cells are written.
TEST(Sweep, AParamWithoutItsIndicesIsAnsweredWithOneOfItsCells) {
  for (const std::string cmd : {" run " + rm1() + " -n 100 -q --set tariff_mean=1 2>&1",
                                " sweep " + rm1() + " --grid \"tariff_mean=1,2\" -n 100 -q 2>&1"}) {
    FILE* f = ::popen((std::string(COGSIM_EXE) + cmd).c_str(), "r");
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, f)) out += buf;
    EXPECT_NE(::pclose(f), 0);
    EXPECT_NE(out.find("no param cell named 'tariff_mean': the cells of 'tariff_mean' are written with their indices, "
                       "like tariff_mean[SAN]"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("did you mean"), std::string::npos) << out;
  }
}

// The same cell on two axes (spaces aside): the last axis won at every point while the rows showed
// the first one's values. Refused before anything runs, naming both axes.
TEST(Sweep, ACellOnTwoAxesIsRefused) {
  const std::string cmd = std::string(COGSIM_EXE) + " sweep " + rm1() +
                          " --grid \"savings[CDS, 2024]=0,0.1\" --grid \"savings[CDS,2024]=0.05\" -n 100 -q 2>&1";
  FILE* f = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) out += buf;
  const int status = ::pclose(f);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << out;
  EXPECT_NE(out.find("the cell savings[CDS,2024] is already an axis (--grid savings[CDS, 2024]=0,0.1)"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace cogsim
