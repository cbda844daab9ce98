#include "src/compare_block.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "src/fr_format.hpp"
#include "src/report_csv.hpp"

namespace cogsim::app {

namespace {

using engine::Polarity;
using engine::ReportItem;
using engine::ReportPart;

std::string signed_pt(double delta) {
  return (delta > 0 ? "+" : "") + report::fr_number(100 * delta, 1);
}

std::string unit_of(const engine::Program& p, const std::string& output) {
  const int o = report::find_output(p, output);
  return o < 0 ? std::string() : p.outputs[o].unit;
}

// Same on every path, to a billionth of its size (a difference of sums carries rounding noise).
bool constant_over_paths(const engine::SeriesStats& s) {
  if (s.constant) return true;
  const double mid = s.quantile(0.5), tol = 1e-9 * std::max(1.0, std::fabs(mid));
  const double sd = s.moments.n > 1 ? s.moments.sd() : 0.0;
  return sd <= tol && std::fabs(s.quantile(0.05) - mid) <= tol && std::fabs(s.quantile(0.95) - mid) <= tol &&
         std::fabs(s.moments.mean() - mid) <= tol;
}

bool zero_everywhere(const engine::SeriesStats& s) { return constant_over_paths(s) && s.quantile(0.5) == 0; }

// ---- what one side only has ----

void solo_output_rows(const engine::OutputSolo& o, BlockPart& part, std::vector<std::string>& all_zero) {
  std::vector<std::string> zero_years;
  std::size_t shown = 0;
  for (const auto& y : o.years) {
    if (zero_everywhere(y.value)) {
      zero_years.push_back(std::to_string(y.year));
      continue;
    }
    BlockRow row{o.name, o.label, std::to_string(y.year), "", "", Verdict::Neutral};
    row.value = fr_spread(y.value, o.unit, false, &row.detail);
    part.rows.push_back(std::move(row));
    ++shown;
  }
  if (shown == 0) {
    all_zero.push_back(o.name);
    return;
  }
  if (zero_years.empty()) return;
  std::string years;
  for (const auto& y : zero_years) years += (years.empty() ? "" : ", ") + y;
  part.rows.push_back({o.name, o.label, years, fr_value(0, o.unit, 2) + " sur toutes les trajectoires", "",
                       Verdict::Neutral});
}

BlockPart solo_part(const engine::CompareResults& r, int side) {
  BlockPart part;
  part.title = side == 1 ? "Séries et années propres à la variante (absentes de la base)"
                         : "Séries et années propres à la base (absentes de la variante)";
  std::vector<std::string> all_zero;
  for (const auto& o : r.solo_outputs)
    if (o.side == side) solo_output_rows(o, part, all_zero);
  for (const auto* group : {&r.solo_indicators, &r.solo_events})
    for (const auto& d : *group) {
      if (d.side != side) continue;
      const bool ind = group == &r.solo_indicators;
      for (const auto& [year, p] : d.years)
        part.rows.push_back({d.id, d.label, std::to_string(year),
                             std::string(ind ? "P(atteint) " : "P ") + report::fr_probability(p),
                             "± " + report::fr_number(100 * p.std_error(), 2) + " pt", Verdict::Neutral});
    }
  if (!all_zero.empty()) {
    part.note = "Nulles sur toutes les trajectoires :";
    for (const auto& n : all_zero) part.note += " " + n;
  }
  return part;
}

// ---- the series of the model's sections and tables (its funds) ----

BlockPart series_part(const engine::Program& variant, const ReportPart& layout, const engine::CompareResults& r) {
  BlockPart part;
  part.title = layout.title.empty() ? "Séries" : layout.title;
  std::size_t unchanged = 0;
  for (const auto& it : layout.items) {
    if (it.what != ReportItem::What::Output) continue;
    const std::string& name = variant.outputs[it.index].name;
    auto o = std::find_if(r.outputs.begin(), r.outputs.end(), [&](const auto& d) { return d.name == name; });
    if (o == r.outputs.end()) continue;
    bool moved = false;
    for (const auto& y : o->years) {
      if (zero_everywhere(y.delta)) continue;
      BlockRow row{o->name, o->label, std::to_string(y.year), "", "", Verdict::Neutral};
      row.value = fr_spread(y.delta, o->unit, true, &row.detail);
      part.rows.push_back(std::move(row));
      moved = true;
    }
    unchanged += !moved;
  }
  if (unchanged > 0)
    part.note = std::to_string(unchanged) + (unchanged == 1 ? " série inchangée" : " séries inchangées") +
                " sur toutes les trajectoires.";
  return part;
}

// ---- targets and probabilities ----

std::string target_words(const engine::TargetSide& t, bool hi_too, const std::string& unit) {
  const auto& k = engine::info(t.kind);
  std::string s = k.phrase_fr[0] ? std::string(k.phrase_fr) : std::string(k.name_fr);
  if (k.has_rate) s += " " + report::fr_percent(t.rate, 0);
  if (!k.zero_target) {
    std::string v = fr_value(t.value, unit, 2);
    if (hi_too) v += " – " + fr_value(t.value_hi, unit, 2);
    s += k.has_rate ? " (" + v + ")" : " " + v;
  }
  return s;
}

BlockPart targets_part(const engine::Program& variant, const engine::CompareResults& r) {
  BlockPart part;
  part.title = "Cibles modifiées (base → variante)";
  for (const auto& t : r.targets) {
    if (!t.changed()) continue;
    std::string unit;
    for (const auto& ind : variant.indicators)
      if (ind.id == t.id) unit = unit_of(variant, ind.on);
    const bool hi = engine::info(t.base.kind).has_upper || engine::info(t.variant.kind).has_upper;
    part.rows.push_back({t.id, t.label, std::to_string(t.year),
                         target_words(t.base, hi, unit) + " → " + target_words(t.variant, hi, unit), "",
                         Verdict::Neutral});
  }
  if (part.rows.empty()) part.note = "Aucune : les cibles des indicateurs communs sont les mêmes.";
  return part;
}

BlockRow probability_row(const engine::IndicatorDelta& d, const engine::ProbabilityDelta& y, int rising) {
  return {d.id,
          d.label,
          std::to_string(y.year),
          report::fr_probability(y.base) + " → " + report::fr_probability(y.variant),
          signed_pt(y.delta()) + " ± " + report::fr_number(100 * y.std_error(), 2) + " pt",
          verdict_of(y.delta(), rising)};
}

BlockPart indicators_part(const engine::CompareResults& r) {
  BlockPart part;
  part.title = "Probabilité d'atteindre les cibles (variation ± erreur-type appariée)";
  std::size_t same = 0;
  for (const auto& d : r.indicators)
    for (const auto& y : d.years) {
      const bool moved = y.delta() != 0 || (y.paired.n > 1 && y.paired.sd() > 0);
      if (moved) part.rows.push_back(probability_row(d, y, +1));
      same += !moved;
    }
  if (same > 0)
    part.note = "Inchangée sur toutes les trajectoires pour " + std::to_string(same) + " autre" +
                (same > 1 ? "s" : "") + " (indicateur, année).";
  return part;
}

BlockPart headline_part(const engine::Program& base, const engine::Program& variant, const engine::CompareResults& r) {
  BlockPart part;
  part.title = "Événements de la synthèse";
  std::set<std::string> headline;
  for (const auto& it : report::report_items(variant, ReportPart::Kind::Headline, ReportItem::What::Event))
    headline.insert(variant.events[it.index].name);
  for (const auto& d : r.events) {
    if (!headline.count(d.id)) continue;
    const int dir = event_direction(base, variant, d.id);
    for (const auto& y : d.years) part.rows.push_back(probability_row(d, y, dir));
  }
  return part;
}

}  // namespace

Verdict verdict_of(double delta, int rising) {
  if (delta == 0 || rising == 0) return Verdict::Neutral;
  return (delta > 0) == (rising > 0) ? Verdict::Good : Verdict::Bad;
}

int event_direction(const engine::Program& base, const engine::Program& variant, const std::string& event) {
  for (const engine::Program* p : {&variant, &base})
    for (const auto& part : p->report)
      for (const auto& it : part.items)
        if (it.what == ReportItem::What::Event && p->events[it.index].name == event &&
            it.polarity != Polarity::Neutral)
          return it.polarity == Polarity::Good ? +1 : -1;
  return 0;
}

std::string fr_value(double v, const std::string& unit, int decimals, bool sign) {
  std::string s;
  if (unit == "%")
    s = report::fr_percent(v, decimals);
  else if (unit.find("€") != std::string::npos)
    s = report::fr_number(v, decimals) + report::kNbsp + "€";
  else
    s = report::fr_number(v, decimals) + (unit.empty() ? "" : report::kNbsp + unit);
  return (sign && v > 0 && s.rfind("0", 0) != 0 ? "+" : "") + s;
}

std::string fr_spread(const engine::SeriesStats& s, const std::string& unit, bool sign, std::string* detail) {
  if (constant_over_paths(s)) return fr_value(s.quantile(0.5), unit, 2, sign) + " sur toutes les trajectoires";
  if (detail)
    *detail = "P5–P95 : " + fr_value(s.quantile(0.05), unit, 0, sign) + " à " +
              fr_value(s.quantile(0.95), unit, 0, sign);
  return "moyenne " + fr_value(s.moments.mean(), unit, 0, sign);
}

std::vector<BlockPart> cost_block(const engine::Program& base, const engine::Program& variant,
                                  const engine::CompareResults& r) {
  std::vector<BlockPart> parts;
  for (int side : {1, 0}) {
    BlockPart p = solo_part(r, side);
    if (!p.rows.empty() || !p.note.empty()) parts.push_back(std::move(p));
  }
  for (const auto& layout : report::report_layout(variant))
    if (layout.kind == ReportPart::Kind::Section || layout.kind == ReportPart::Kind::Table)
      parts.push_back(series_part(variant, layout, r));
  parts.push_back(targets_part(variant, r));
  parts.push_back(indicators_part(r));
  BlockPart head = headline_part(base, variant, r);
  if (!head.rows.empty()) parts.push_back(std::move(head));
  return parts;
}

bool unchanged(const engine::SeriesStats& d) {
  return d.moments.mean() == 0 && d.quantile(0.05) == 0 && d.quantile(0.95) == 0;
}

std::string scenario_title(const engine::Program& p) {
  return p.scenario_name.empty() ? p.model_name : p.model_name + " / " + p.scenario_name;
}

}  // namespace cogsim::app
