// The sensitivity page's value axes (tornado and spider): one scale per axis. Each label once chose
// its own scale from its own value, so an axis read "500 k€ … 0,75 M€ … −0,75 M€".
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "support.hpp"

namespace cogsim {
namespace {

// RM1's Carmaux result in 2024 spans about ±750 k€: every euro tick of the page in k€.
TEST(SensitivityPage, EachValueAxisKeepsOneScale) {
  const std::string dir = testing::TempDir(), m = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  test::run_command(std::string(COGSIM_EXE) + " sensitivity " + m + " --output resultat.CARMAUX --year 2024 -n 20000 --report " +
      dir + "/axes.html");
  const std::string html = test::read_text(dir + "/axes.html");
  const std::regex tick(R"re(class="tick[^"]*"[^>]*>([^<]*€)<)re");
  std::set<std::string> units;
  std::size_t ticks = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tick); it != std::sregex_iterator(); ++it, ++ticks) {
    const std::string label = (*it)[1];
    units.insert(label.substr(label.rfind("\xC2\xA0") + 2));  // after the no-break space
  }
  EXPECT_GE(ticks, 8u) << "the tornado's and the spider's axes";
  EXPECT_EQ(units, std::set<std::string>{"k€"});
}

}  // namespace
}  // namespace cogsim
