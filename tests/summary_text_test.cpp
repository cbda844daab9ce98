// The terminal summary of `cogsim run` (src/results.cpp summary_text), text for text: indicator
// targets in French formatting and in the unit of the series each indicator follows.
#include <gtest/gtest.h>

#include "engine/simulator.hpp"
#include "src/results.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

const char* kModel = R"(
model "summary" base 2019 years 2020..2021
var deficit[t in 2020..2021] : € = -841 654.54 € - 1000 € * (t - 2020)
var share[t in 2020..2021] : % = 30 %
var ratio[t in 2020..2021] = 1.5
indicator 1 on deficit { 2021: at_least(-841 654.54 €) }
indicator 2 on share { 2021: at_most(25 %) }
indicator 3 on ratio { 2021: at_least(1.5) }
output deficit, share
)";

TEST(SummaryText, TargetsAreFrenchInTheUnitOfTheirSeries) {
  const engine::Program p = test::compile_model(kModel);
  engine::RunOptions opt;
  opt.central = true;
  const auto r = engine::simulate(p, opt);
  ASSERT_FALSE(r.error);
  app::RunMeta meta;
  meta.central = true;
  const std::string nb = "\u00a0", thin = "\u202f", minus = "\u2212";
  EXPECT_EQ(app::summary_text(p, r, meta),
            "summary\n"
            "Central path (every random draw at its mean)\n\n"
            "Indicators (met?)\n"
            "  n°  on                          2021    target 2021\n"
            "  1    deficit                     MISSED  " + minus + "841" + thin + "654,54" + nb + "€\n"
            "  2    share                       MISSED  25,00" + nb + "%\n"
            "  3    ratio                       met     1,50\n\n");
}

}  // namespace
}  // namespace cogsim
