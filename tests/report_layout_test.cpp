// The `report` lines of a model: what the report headlines and how it groups the series come from
// the rules file, and a model that has none (or names nothing of the COG) still gets a sensible
// report.
#include <gtest/gtest.h>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"
#include "src/report_html.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

// A model with no fund, no indicator of the COG, and an event of its own name.
const char* const kModel = R"(model "Petit modèle" base 2019 years 2020..2023
param depenses_base : € "Dépenses de base" source "hypothèse" = 100 €
var recettes[t in 2020..2023] : € "Recettes" source "hypothèse" = normal(90 €, 15 €)
var deficit_total[t in 2020..2023] : € "Déficit total" source "hypothèse" = recettes[t] - depenses_base
event deficit_total_negatif[t in 2020..2023] "Déficit total négatif" source "hypothèse" = deficit_total[t] < 0 €
output deficit_total, recettes
)";

std::string render(const std::string& text) {
  auto p = test::compile_model(text);
  engine::RunOptions opt;
  opt.paths = 4096;
  opt.seed = 3;
  auto r = engine::simulate(p, opt);
  app::RunMeta meta;
  meta.seed = 3;
  return app::report::report_html(p, r, meta, "2026-11-25");
}

std::string diagnostics(const std::string& text) {
  dsl::Sources sources;
  auto c = dsl::compile_text("r.cog", text, sources);
  EXPECT_FALSE(c.program.has_value());
  return sources.format_all(c.diags);
}

TEST(ReportLayout, WithoutReportLinesEveryEventIsInTheHeadlineWithItsLabel) {
  const std::string html = render(kModel);
  const auto lead = html.find("<p class=\"lead\">");
  ASSERT_NE(lead, std::string::npos);
  const auto cards_end = html.find("<div class=\"two\">", lead);
  const std::string headline = html.substr(lead, cards_end - lead);
  EXPECT_NE(headline.find("« Déficit total négatif » en 2023"), std::string::npos) << headline;
  EXPECT_NE(headline.find("<div class=\"card kpi neutral\"><div class=\"what\">Déficit total négatif</div>"),
            std::string::npos)
      << headline;
  // Every output in the default table, with its label.
  EXPECT_NE(html.find("<h2>Séries du modèle</h2>"), std::string::npos);
  EXPECT_NE(html.find("<b>Déficit total</b>"), std::string::npos);
}

TEST(ReportLayout, ABadEventIsColouredByTheChanceThatItDoesNotHappen) {
  // recettes ~ N(90, 15) against 100: the deficit is negative in ~75 % of paths, a bad outcome.
  const std::string html = render(std::string(kModel) + "report headline deficit_total_negatif bad\n" +
                                  "report section \"Le déficit\" deficit_total, deficit_total_negatif bad\n");
  EXPECT_NE(html.find("<div class=\"card kpi bad\"><div class=\"what\">Déficit total négatif</div>"),
            std::string::npos);
  EXPECT_NE(html.find("<h2>Le déficit</h2>"), std::string::npos);
  EXPECT_EQ(html.find("Séries du modèle"), std::string::npos);  // the model's layout replaces the default
  const std::string good = render(std::string(kModel) + "report headline deficit_total_negatif good\n");
  EXPECT_NE(good.find("<div class=\"card kpi warn\"><div class=\"what\">Déficit total négatif</div>"),
            std::string::npos);
}

TEST(ReportLayout, NamesThatAreNeitherOutputsNorEventsAreLocatedErrors) {
  EXPECT_EQ(diagnostics(std::string(kModel) + "report headline deficit_total_negatf bad\n"),
            "r.cog:7:17: error: 'deficit_total_negatf' is not an event of the model (a `report headline` line "
            "lists events); did you mean 'deficit_total_negatif'?\n"
            "  report headline deficit_total_negatf bad\n"
            "                  ^~~~~~~~~~~~~~~~~~~~\n");
  const std::string out = diagnostics(std::string(kModel) + "report table \"T\" recettes, depenses\n");
  EXPECT_NE(out.find("r.cog:7:28: error: 'depenses' is not an output of the model (a `report table` line lists "
                     "outputs; outputs are declared with `output`)"),
            std::string::npos)
      << out;
}

TEST(ReportLayout, UnknownKindAndPolarityOnASeriesAreLocatedErrors) {
  std::string out = diagnostics(std::string(kModel) + "report headlines deficit_total_negatif\n" +
                                "report table \"T\" recettes bad\n");
  EXPECT_NE(out.find("r.cog:7:8: error: unknown report part 'headlines' (one of: headline, entities, section, "
                     "table, params); did you mean 'headline'?"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("r.cog:8:18: error: 'bad' says which side of an event is good; 'recettes' is a series"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace cogsim
