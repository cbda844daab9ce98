#include "src/report_compare.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "src/compare_block.hpp"
#include "src/fr_format.hpp"
#include "src/report_style.hpp"
#include "src/svg_charts.hpp"

namespace cogsim::app::report {

namespace {

const char* const kCompareStyle =
    "body{font-family:\"DejaVu Sans\",Arial,sans-serif;margin:24px auto;max-width:980px;padding:0 12px;"
    "color:#1d2733}h1{font-size:22px}h2{font-size:17px;color:#0f3c6e;border-bottom:1px solid #d9dee5;"
    "margin-top:28px}h3{font-size:15px;margin:18px 0 6px}.scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d9dee5;padding:4px 8px;"
    "text-align:right;font-size:13px;white-space:nowrap}td.l,th.l{text-align:left;white-space:normal}"
    "code{font-size:12px;color:#5b6775}.good{color:#1b5e20;background:#e8f5e9}.bad{color:#b71c1c;"
    "background:#fdecea}.note{color:#5b6775;font-size:13px}.legend span{padding:1px 6px;margin-right:8px}"
    ".cost{border:2px solid #0f3c6e;border-radius:6px;padding:4px 14px 12px}"
    ".overlays{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,400px),1fr));gap:12px}"
    ".overlays figure{margin:0}svg.chart{width:100%;height:auto;display:block}"
    "svg .cdf{fill:none;stroke-width:2}svg .cdf.base{stroke:#7b8794;stroke-dasharray:5 3}"
    "svg .cdf.variant{stroke:#1f5fa8}"
    "@media (max-width:600px){td,th{white-space:normal}body{padding:0 6px}}";

const char* verdict_class(Verdict v) { return v == Verdict::Good ? "good" : v == Verdict::Bad ? "bad" : ""; }

void write_part(const BlockPart& part, std::ostream& h) {
  h << "<h3>" << html_escape(part.title) << "</h3>";
  if (!part.rows.empty()) {
    h << "<div class=\"scroll\"><table><tr><th class=\"l\">série ou indicateur</th><th>année</th>"
      << "<th>base → variante, ou valeur</th><th>détail</th></tr>";
    for (const auto& row : part.rows)
      h << "<tr class=\"" << verdict_class(row.verdict) << "\"><td class=\"l\">" << html_escape(row.label)
        << " <code>" << html_escape(row.name) << "</code></td><td>" << html_escape(row.year) << "</td><td>"
        << html_escape(row.value) << "</td><td>" << html_escape(row.detail) << "</td></tr>";
    h << "</table></div>";
  }
  if (!part.note.empty()) h << "<p class=\"note\">" << html_escape(part.note) << "</p>";
}

std::string delta_cell(const engine::ProbabilityDelta& y, int rising) {
  const double d = y.delta();
  return "<td class=\"" + std::string(verdict_class(verdict_of(d, rising))) + "\">" +
         html_escape(fr_probability(y.base)) + " → " + html_escape(fr_probability(y.variant)) + "<br>" +
         (d > 0 ? "+" : "") + html_escape(fr_number(100 * d, 1)) + " pt ± " +
         html_escape(fr_number(100 * y.std_error(), 2)) + "</td>";
}

// Indicators or events × years, P in both and the paired change.
void write_probabilities(const engine::Program& base, const engine::Program& variant,
                         const std::vector<engine::IndicatorDelta>& group, bool events, std::ostream& h) {
  if (group.empty()) return;
  std::vector<int> years;
  for (const auto& d : group)
    for (const auto& y : d.years)
      if (std::find(years.begin(), years.end(), y.year) == years.end()) years.push_back(y.year);
  std::sort(years.begin(), years.end());
  h << "<h2>" << (events ? "Événements : probabilité" : "Indicateurs : probabilité d'atteindre la cible")
    << "</h2><div class=\"scroll\"><table><tr><th class=\"l\"></th>";
  for (int y : years) h << "<th>" << y << "</th>";
  h << "</tr>";
  for (const auto& d : group) {
    const int rising = events ? event_direction(base, variant, d.id) : +1;
    h << "<tr><td class=\"l\">" << html_escape(d.id) << " " << html_escape(d.label) << "</td>";
    for (int y : years) {
      auto it = std::find_if(d.years.begin(), d.years.end(), [&](const auto& x) { return x.year == y; });
      h << (it == d.years.end() ? std::string("<td></td>") : delta_cell(*it, rising));
    }
    h << "</tr>";
  }
  h << "</table></div>";
}

void write_moved(const engine::CompareResults& r, std::ostream& h) {
  h << "<h2>Séries communes : variante − base, trajectoire par trajectoire</h2><div class=\"scroll\"><table>"
    << "<tr><th class=\"l\">série</th><th>année</th><th>écart</th><th>P5–P95</th></tr>";
  for (const auto& o : r.outputs)
    for (const auto& y : o.years) {
      const auto& s = y.delta;
      if (unchanged(s)) continue;
      std::string detail, value = fr_spread(s, o.unit, true, &detail);
      h << "<tr><td class=\"l\">" << html_escape(o.label) << " <code>" << html_escape(o.name) << "</code></td><td>"
        << y.year << "</td><td>" << html_escape(value) << "</td><td>" << html_escape(detail) << "</td></tr>";
    }
  h << "</table></div><p class=\"note\">Les séries absentes du tableau sont identiques sur toutes les "
    << "trajectoires.</p>";
}

// The series that the variant changes in their last shared year: both distributions as S-curves
// on one axis in the series' unit, with the median and P5–P95 of each under the chart.
void write_overlays(const engine::CompareResults& r, std::ostream& h) {
  bool first = true;
  for (const auto& o : r.outputs) {
    if (unchanged(o.years.back().delta)) continue;
    const std::string svg = svg::overlay_cdf_svg(o.last_base, o.last_variant, o.years.back().year, o.label, o.unit);
    if (svg.empty()) continue;
    if (first)
      h << "<h2>Distributions de la base et de la variante</h2><p class=\"note\">Pour chaque série que la "
        << "variante change, la part des trajectoires dont la valeur de la dernière année commune est au plus x, "
        << "dans la base (tirets gris) et dans la variante (trait bleu) : une courbe décalée à droite est une "
        << "valeur plus élevée.</p><div class=\"overlays\">";
    first = false;
    const double scale = std::max({std::fabs(o.last_base.quantile(0.05)), std::fabs(o.last_base.quantile(0.95)),
                                   std::fabs(o.last_variant.quantile(0.05)), std::fabs(o.last_variant.quantile(0.95))});
    const bool money = o.unit.find("€") != std::string::npos;
    auto value = [&](double v) { return money ? fr_short_euros(v, scale) : fr_amount(v, o.unit); };
    auto spread = [&](const engine::SeriesStats& s) {
      return value(s.quantile(0.5)) + " (P5–P95 " + value(s.quantile(0.05)) + " à " + value(s.quantile(0.95)) + ")";
    };
    h << "<figure><h3>" << html_escape(o.label) << " <code>" << html_escape(o.name) << "</code></h3>" << svg
      << "<p class=\"note\">Médiane " << o.years.back().year << " : base " << html_escape(spread(o.last_base))
      << ", variante " << html_escape(spread(o.last_variant)) << ".</p></figure>";
  }
  if (!first) h << "</div>";
  else if (!r.outputs.empty())  // said, so that a reader looking for the curves knows why there are none
    h << "<h2>Distributions de la base et de la variante</h2><p class=\"note\">La variante ne change aucune "
      << "série la dernière année que les deux scénarios lui donnent : pas de courbes à comparer (ses effets sur "
      << "les années précédentes sont dans le tableau ci-dessus).</p>";
}

}  // namespace

std::string compare_page_head(const std::string& title) {
  return "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\"><title>" +
         html_escape(title) + "</title><style>" + kCompareStyle + kSvgAxes + kPagePrint + "</style></head><body>";
}

std::string compare_legend() {
  return "<p class=\"legend\"><span class=\"good\">favorable</span><span class=\"bad\">défavorable</span>"
         "le sens vient du modèle : un indicateur plus souvent atteint est favorable ; un événement suit son "
         "<code>good</code> ou <code>bad</code> des lignes <code>report</code> (neutre sans).</p>";
}

void compare_sections(const engine::Program& base, const engine::Program& variant, const engine::CompareResults& r,
                      std::ostream& h) {
  h << "<section class=\"cost\"><h2>Ce que coûte la variante, ce qu'elle apporte</h2>";
  for (const auto& part : cost_block(base, variant, r)) write_part(part, h);
  h << "</section>";
  write_probabilities(base, variant, r.indicators, false, h);
  write_probabilities(base, variant, r.events, true, h);
  write_moved(r, h);
  write_overlays(r, h);
}

std::string compare_html(const engine::Program& base, const engine::Program& variant, const engine::CompareResults& r,
                         std::uint64_t seed) {
  std::ostringstream h;
  h << compare_page_head("Comparaison — " + scenario_title(variant));
  h << "<h1>Comparaison de scénarios</h1><p>Base : <b>" << html_escape(scenario_title(base)) << "</b><br>Variante : <b>"
    << html_escape(scenario_title(variant)) << "</b><br>" << html_escape(fr_number(double(r.paths), 0))
    << " trajectoires appariées (mêmes tirages aléatoires pour les hypothèses communes), graine " << seed
    << ".</p>" << compare_legend();
  compare_sections(base, variant, r, h);
  h << "</body></html>\n";
  return h.str();
}

}  // namespace cogsim::app::report
