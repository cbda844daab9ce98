// `cogsim run --report FILE --report-why N`: the run report explains its N most fragile
// indicators (the tornado of P(met) in points), and adds nothing to the results themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support.hpp"

namespace cogsim {
namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(ReportWhy, RunReportExplainsTheMostFragileIndicators) {
  const std::string dir = testing::TempDir(), m = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  const std::string base = std::string(COGSIM_EXE) + " run " + m + " -n 4000 -q --json ";
  ASSERT_EQ(std::system((base + dir + "/why.json --report " + dir + "/why.html --report-why 2").c_str()), 0);
  ASSERT_EQ(std::system((base + dir + "/plain.json --report " + dir + "/plain.html").c_str()), 0);
  const std::string html = test::read_text(dir + "/why.html"), plain = test::read_text(dir + "/plain.html");
  EXPECT_EQ(plain.find("id=\"pourquoi\""), std::string::npos);
  ASSERT_NE(html.find("<section id=\"pourquoi\">"), std::string::npos);
  EXPECT_NE(html.find("href=\"#pourquoi\""), std::string::npos);
  EXPECT_EQ(count(html, "class=\"card why\""), 2u);
  // The two indicators with the lowest P(met) in the last year, read from the results file.
  const auto j = nlohmann::json::parse(test::read_text(dir + "/why.json"));
  std::vector<std::pair<double, std::string>> last;
  for (const auto& [id, ind] : j["indicators"].items()) last.emplace_back(ind["years"]["2024"]["p_met"], id);
  std::stable_sort(last.begin(), last.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t k = 0; k < 2; ++k) {
    const std::string id = "id=\"tornado-probabilite-" + last[k].second + "\"";
    EXPECT_EQ(count(html, id), 1u) << last[k].second;
  }
  EXPECT_EQ(count(html, "id=\"tornado-probabilite-" + last[2].second + "\""), 0u);
  EXPECT_EQ(html.find("seg p10"), std::string::npos);  // coloured good / bad, never P10 / P90
  EXPECT_NE(html.find("aide à atteindre la cible"), std::string::npos);
  EXPECT_NE(html.find("Sans effet sur cet indicateur"), std::string::npos);
  // The results file is the same with and without the section (but for the timing and date).
  auto results = [&](const std::string& f) {
    auto r = nlohmann::json::parse(test::read_text(dir + f));
    r.erase("meta");
    return r.dump();
  };
  EXPECT_EQ(results("/why.json"), results("/plain.json"));
}

}  // namespace
}  // namespace cogsim
