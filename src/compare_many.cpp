#include "src/compare_many.hpp"

#include <cmath>
#include <set>
#include <sstream>

#include "src/compare_block.hpp"
#include "src/compare_report.hpp"
#include "src/fr_format.hpp"
#include "src/report_compare.hpp"

namespace cogsim::app {

namespace {

constexpr std::size_t kColumns = 100;


// One row of the table: an indicator's year, its base probability, and each variant's delta
// (null when that variant does not share the indicator-year).
struct Row {
  std::string id, label;  // the base's label (the row is the base's indicator)
  int year = 0;
  double base = NAN;
  std::vector<const engine::ProbabilityDelta*> deltas;
  std::vector<std::string> relabelled;  // per variant: its own label where it differs from the base's
};

// The rows, in the base's order of indicators (the first variant's comparison lists them), each
// indicator-year shared by at least one variant. A variant that relabels an indicator (an avenant
// easing its target says so) keeps its label to itself: the row, and the base's column, carry
// the base's.
std::vector<Row> rows_of(const engine::Program& base, const std::vector<VariantRun>& variants) {
  std::vector<Row> rows;
  for (std::size_t v = 0; v < variants.size(); ++v)
    for (const auto& ind : variants[v].results.indicators)
      for (const auto& y : ind.years) {
        Row* row = nullptr;
        for (auto& r : rows)
          if (r.id == ind.id && r.year == y.year) row = &r;
        if (!row) {
          std::string label = ind.label;
          for (const auto& b : base.indicators)
            if (b.id == ind.id) label = b.label;
          rows.push_back({ind.id, label, y.year, y.base.p(), std::vector<const engine::ProbabilityDelta*>(variants.size()),
                          std::vector<std::string>(variants.size())});
          row = &rows.back();
        }
        row->deltas[v] = &y;
        if (ind.label != row->label) row->relabelled[v] = ind.label;
      }
  return rows;
}

// "61,2 % +6,1 ▲": the variant's probability and its change in points, marked when the change is
// beyond two paired standard errors (▲ favorable, ▼ défavorable).
std::string cell_text(const engine::ProbabilityDelta* d) {
  if (!d) return "—";
  const double delta = d->delta(), se = d->std_error();
  const Verdict v = std::fabs(delta) > 2 * se ? verdict_of(delta, +1) : Verdict::Neutral;
  return report::fr_percent(d->variant.p(), 1) + " " + (delta >= 0 ? "+" : "−") +
         report::fr_number(std::fabs(100 * delta), 1) + (v == Verdict::Good ? " ▲" : v == Verdict::Bad ? " ▼" : "");
}

}  // namespace

std::string compare_many_summary(const engine::Program& base, const std::vector<VariantRun>& variants,
                                 const RunMeta& meta, bool colour) {
  std::ostringstream out;
  out << fit_columns("Base :  " + scenario_title(base), kColumns) << "\n";
  for (std::size_t v = 0; v < variants.size(); ++v)
    out << fit_columns("V" + std::to_string(v + 1) + " :    " + scenario_title(*variants[v].program) + " (" + variants[v].path + ")",
                       kColumns)
        << "\n";
  out << report::fr_number(double(variants.front().results.paths), 0) << " trajectoires appariées par variante "
      << "(les tirages de la base), graine " << meta.seed << ", " << meta.threads << (meta.threads == 1 ? " thread, " : " threads, ")
      << report::fr_number(meta.wall_seconds, 2) << " s\n";
  out << "\n== P(atteint) : la base, puis chaque variante et son écart en points ==\n"
         "   (▲ favorable, ▼ défavorable : un écart de plus de deux erreurs types appariées)\n";
  // Columns: n° (5), label (as wide as the variants leave), year (6), base (8), 16 per variant.
  const std::size_t per = 16, fixed = 5 + 6 + 8, label = kColumns > fixed + per * variants.size() + 12
                                                               ? kColumns - fixed - per * variants.size()
                                                               : 12;
  std::string head = report::pad_columns("n°", 5) + report::pad_columns("indicateur", label) +
                     report::pad_columns("année", 6) + report::pad_columns("base", 8);
  for (std::size_t v = 0; v < variants.size(); ++v) head += report::pad_columns("V" + std::to_string(v + 1), per);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  out << head << "\n";
  for (const Row& r : rows_of(base, variants)) {
    std::string line = report::pad_columns(r.id, 5) + report::pad_columns(fit_columns(r.label, label - 1), label) +
                       report::pad_columns(std::to_string(r.year), 6) +
                       report::pad_columns(report::fr_percent(r.base, 1), 8);
    for (const auto* d : r.deltas) line += report::pad_columns(cell_text(d), per);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  // The labels a variant gives its own way (once per indicator), below the table that shows the base's.
  std::set<std::pair<std::size_t, std::string>> said;
  for (const Row& r : rows_of(base, variants))
    for (std::size_t v = 0; v < r.relabelled.size(); ++v)
      if (!r.relabelled[v].empty() && said.insert({v, r.id}).second)
        out << fit_columns("V" + std::to_string(v + 1) + ", indicateur " + r.id + " : « " + r.relabelled[v] + " »", kColumns)
            << "\n";
  for (std::size_t v = 0; v < variants.size(); ++v) {
    out << "\n" << fit_columns("=== V" + std::to_string(v + 1) + " : " + variants[v].path + " ===", kColumns) << "\n";
    out << compare_summary(base, *variants[v].program, variants[v].results, meta, variants[v].shared, colour);
  }
  return out.str();
}

nlohmann::ordered_json compare_many_json(const engine::Program& base, const std::vector<VariantRun>& variants,
                                         const RunMeta& meta, const std::string& base_path) {
  nlohmann::ordered_json j, m, list = nlohmann::ordered_json::array(), each = nlohmann::ordered_json::array();
  m["base"] = {{"file", base_path}, {"model", scenario_title(base)}};
  for (const auto& v : variants) {
    list.push_back({{"file", v.path}, {"model", scenario_title(*v.program)}});
    each.push_back(compare_json(base, *v.program, v.results, meta, base_path, v.path, v.shared));
  }
  m["variants"] = list;
  m["paths"] = variants.front().results.paths;
  m["seed"] = meta.seed;
  m["pairing"] = "each variant against the base on the same paths (common random numbers); every variant's "
                 "comparison is the one `compare BASE VARIANT` writes with the same seed and paths";
  j["meta"] = m;
  j["variants"] = each;
  return j;
}

}  // namespace cogsim::app

namespace cogsim::app::report {

std::string compare_many_html(const engine::Program& base, const std::vector<VariantRun>& variants,
                              std::uint64_t seed) {
  std::ostringstream h;
  h << compare_page_head("Comparaison de " + std::to_string(variants.size()) + " variantes — " + scenario_title(base));
  h << "<h1>Comparaison de " << variants.size() << " variantes</h1><p>Base : <b>" << html_escape(scenario_title(base))
    << "</b><br>" << html_escape(fr_number(double(variants.front().results.paths), 0))
    << " trajectoires appariées pour chaque variante (les mêmes tirages que la base), graine " << seed << ".</p>"
    << compare_legend() << "<ul>";
  for (std::size_t v = 0; v < variants.size(); ++v)
    h << "<li><b>V" << v + 1 << "</b> : " << html_escape(scenario_title(*variants[v].program)) << " <code>"
      << html_escape(variants[v].path) << "</code></li>";
  h << "</ul><h2>P(atteint) : la base, puis chaque variante et son écart en points</h2><p class=\"note\">▲ favorable, "
       "▼ défavorable : un écart de plus de deux erreurs types appariées.</p><div class=\"scroll\"><table><thead><tr>"
       "<th>n°</th><th class=\"l\">Indicateur</th><th>Année</th><th>Base</th>";
  for (std::size_t v = 0; v < variants.size(); ++v) h << "<th>V" << v + 1 << "</th>";
  h << "</tr></thead><tbody>";
  for (const Row& r : rows_of(base, variants)) {
    h << "<tr><td>" << html_escape(r.id) << "</td><td class=\"l\">" << html_escape(r.label);
    for (std::size_t v = 0; v < r.relabelled.size(); ++v)
      if (!r.relabelled[v].empty())
        h << "<div class=\"note\">V" << v + 1 << " : " << html_escape(r.relabelled[v]) << "</div>";
    h << "</td><td>" << r.year
      << "</td><td>" << fr_percent(r.base, 1) << "</td>";
    for (const auto* d : r.deltas) {
      const Verdict v =
          d && std::fabs(d->delta()) > 2 * d->std_error() ? verdict_of(d->delta(), +1) : Verdict::Neutral;
      h << "<td class=\"" << (v == Verdict::Good ? "good" : v == Verdict::Bad ? "bad" : "") << "\">"
        << html_escape(cell_text(d)) << "</td>";
    }
    h << "</tr>";
  }
  h << "</tbody></table></div>";
  for (std::size_t v = 0; v < variants.size(); ++v) {
    h << "<h2>V" << v + 1 << " : " << html_escape(scenario_title(*variants[v].program)) << "</h2><p class=\"note\">"
      << html_escape(variants[v].path) << "</p>";
    compare_sections(base, *variants[v].program, variants[v].results, h);
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace cogsim::app::report
