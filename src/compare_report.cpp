#include "src/compare_report.hpp"
#include "src/sampling_option.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "src/compare_block.hpp"
#include "src/fr_format.hpp"

namespace cogsim::app {

namespace {


nlohmann::ordered_json stats_json(const engine::SeriesStats& s) {
  return {{"mean", s.moments.mean()}, {"sd", s.moments.n > 1 ? s.moments.sd() : 0.0}, {"p5", s.quantile(0.05)},
          {"p50", s.quantile(0.50)},  {"p95", s.quantile(0.95)},                     {"se", s.std_error()}};
}

const char* side_name(int side) { return side == 1 ? "variant" : "base"; }

// What one side only has (series, years, indicators, events: their values there) and the targets
// the variant changes (old and new, kind, rate and value).
nlohmann::ordered_json solo_json(const engine::CompareResults& r) {
  nlohmann::ordered_json outs = nlohmann::ordered_json::object(), inds = nlohmann::ordered_json::object(),
                         evs = nlohmann::ordered_json::object(), targets = nlohmann::ordered_json::array();
  for (const auto& o : r.solo_outputs) {
    nlohmann::ordered_json years;
    for (const auto& y : o.years) years[std::to_string(y.year)] = stats_json(y.value);
    outs[o.name + (o.side == 1 ? "" : " (base)")] = {{"side", side_name(o.side)}, {"years", years}};
  }
  for (const auto* group : {&r.solo_indicators, &r.solo_events})
    for (const auto& d : *group) {
      nlohmann::ordered_json years;
      for (const auto& [y, p] : d.years) years[std::to_string(y)] = {{"p", p.p()}, {"se", p.std_error()}};
      (group == &r.solo_indicators ? inds : evs)[d.id + (d.side == 1 ? "" : " (base)")] = {
          {"side", side_name(d.side)}, {"label", d.label}, {"years", years}};
    }
  auto side_json = [](const engine::TargetSide& t) {
    nlohmann::ordered_json j = {{"kind", engine::info(t.kind).keyword}, {"value", t.value}};
    if (engine::info(t.kind).has_rate) j["rate"] = t.rate;
    if (engine::info(t.kind).has_upper) j["value_hi"] = t.value_hi;
    return j;
  };
  for (const auto& t : r.targets)
    if (t.changed())
      targets.push_back(
          {{"indicator", t.id}, {"year", t.year}, {"base", side_json(t.base)}, {"variant", side_json(t.variant)}});
  return {{"outputs", outs}, {"indicators", inds}, {"events", evs}, {"targets_changed", targets}};
}

}  // namespace

nlohmann::ordered_json compare_json(const engine::Program& base, const engine::Program& variant,
                                    const engine::CompareResults& r, const RunMeta& meta,
                                    const std::string& base_path, const std::string& variant_path,
                                    const engine::SharedCounts& shared) {
  nlohmann::ordered_json j, m, outs = nlohmann::ordered_json::object(), inds = nlohmann::ordered_json::object(),
                               evs = nlohmann::ordered_json::object();
  m["base"] = {{"file", base_path}, {"model", scenario_title(base)}};
  m["variant"] = {{"file", variant_path}, {"model", scenario_title(variant)}};
  m["paths"] = r.paths;
  m["seed"] = meta.seed;
  m["threads"] = meta.threads;
  m["sampling"] = meta.sampling;
  m["se_method"] = engine::se_method(r.replicates);  // of every "se" in this file
  m["correlation_method"] = meta.correlation;
  m["wall_seconds"] = meta.wall_seconds;
  m["version"] = COGSIM_VERSION;
  m["pairing"] = "common random numbers: each shared random variable gets the same draws on each path";
  m["shared"] = {{"series", shared.series},
                 {"base_series", shared.base_series},
                 {"variant_series", shared.variant_series},
                 {"draws", shared.draws},
                 {"base_draws", shared.base_draws},
                 {"variant_draws", shared.variant_draws}};
  if (!r.only_in_base.empty()) m["outputs_only_in_base"] = r.only_in_base;
  if (!r.only_in_variant.empty()) m["outputs_only_in_variant"] = r.only_in_variant;
  for (const auto& o : r.outputs) {
    nlohmann::ordered_json years;
    for (const auto& y : o.years) {
      years[std::to_string(y.year)] = stats_json(y.delta);
    }
    outs[o.name] = years;
  }
  auto probs = [&](const std::vector<engine::IndicatorDelta>& in, nlohmann::ordered_json& out) {
    for (const auto& d : in) {
      nlohmann::ordered_json years;
      for (const auto& y : d.years)
        years[std::to_string(y.year)] = {{"base", y.base.p()},
                                         {"variant", y.variant.p()},
                                         {"delta", y.delta()},
                                         {"se", y.std_error()}};
      out[d.id] = {{"label", d.label}, {"years", years}};
    }
  };
  probs(r.indicators, inds);
  probs(r.events, evs);
  j["meta"] = std::move(m);
  j["delta"] = {{"outputs", std::move(outs)}, {"indicators", std::move(inds)}, {"events", std::move(evs)}};
  j["one_side"] = solo_json(r);
  return j;
}

namespace {

constexpr std::size_t kColumns = 100;  // the terminal summary fits this width

std::string verdict_words(Verdict v, bool colour) {
  if (v == Verdict::Neutral) return "";
  const char* word = v == Verdict::Good ? "favorable" : "défavorable";
  if (!colour) return std::string("  ") + word;
  return std::string("  ") + (v == Verdict::Good ? "\x1b[32m" : "\x1b[31m") + word + "\x1b[0m";
}

// One part of the first block: a title, each item's code and label once, then its years.
void print_part(const BlockPart& part, bool colour, std::ostream& out) {
  out << "\n" << fit_columns(part.title, kColumns) << "\n";
  std::string last;
  for (const auto& row : part.rows) {
    if (row.name != last)
      out << fit_columns("  " + row.name + (row.label.empty() ? "" : " — " + row.label), kColumns) << "\n";
    last = row.name;
    std::string line = "      " + row.year + "  " + row.value + (row.detail.empty() ? "" : "  " + row.detail);
    const std::string verdict = verdict_words(row.verdict, colour);
    out << fit_columns(line, verdict.empty() ? kColumns : kColumns - 13) << verdict << "\n";
  }
  if (!part.note.empty()) out << fit_columns("  " + part.note, kColumns) << "\n";
}

// Every probability both sides have, a few years to a line.
void print_probabilities(const std::vector<engine::IndicatorDelta>& group, std::ostream& out) {
  for (const auto& d : group) {
    std::string line = "  " + d.id;
    line.resize(std::max<std::size_t>(line.size() + 1, 8), ' ');
    std::size_t on_line = 0;
    for (const auto& y : d.years) {
      if (on_line == 3) {
        out << line << "\n";
        line = std::string(8, ' ');
        on_line = 0;
      }
      line += (on_line ? "    " : "") + std::to_string(y.year) + " " + report::fr_probability(y.base) + " → " +
              report::fr_probability(y.variant);
      ++on_line;
    }
    out << line << "\n";
  }
}

// Each shared output at the year it moved most, largest mean change first (at most twelve).
void print_moved(const engine::CompareResults& r, const engine::SharedCounts& shared, std::ostream& out) {
  std::vector<std::pair<double, std::string>> moved;
  for (const auto& o : r.outputs) {
    if (o.years.empty()) continue;
    const engine::PairedYear* most = &o.years.front();
    for (const auto& y : o.years)
      if (std::fabs(y.delta.moments.mean()) > std::fabs(most->delta.moments.mean())) most = &y;
    const auto& y = *most;
    if (y.delta.moments.mean() == 0 && y.delta.moments.n > 1 && y.delta.moments.sd() == 0) continue;
    std::string detail, value = fr_spread(y.delta, o.unit, true, &detail);
    moved.push_back({-std::fabs(y.delta.moments.mean()),
                     fit_columns("  " + o.name + "  " + std::to_string(y.year) + "  " + value +
                                     (detail.empty() ? "" : "  " + detail),
                                 kColumns)});
  }
  std::sort(moved.begin(), moved.end());
  out << "\nSéries communes modifiées (variante − base, à l'année du plus grand écart)\n";
  if (moved.empty())
    out << "  aucune : les " << shared.series << " séries communes sont identiques sur toutes les trajectoires\n";
  for (std::size_t i = 0; i < moved.size() && i < 12; ++i) out << moved[i].second << "\n";
}

}  // namespace

std::string compare_summary(const engine::Program& base, const engine::Program& variant,
                            const engine::CompareResults& r, const RunMeta& meta, const engine::SharedCounts& shared,
                            bool colour) {
  std::ostringstream out;
  out << fit_columns("Base :      " + scenario_title(base), kColumns) << "\n"
      << fit_columns("Variante :  " + scenario_title(variant), kColumns) << "\n";
  out << report::fr_number(double(r.paths), 0) << " trajectoires appariées, graine " << meta.seed << ", "
      << meta.threads << (meta.threads == 1 ? " thread, " : " threads, ") << report::fr_number(meta.wall_seconds, 2) << " s\n";
  out << "En commun : " << shared.series << " séries (sur " << shared.base_series << " dans la base, "
      << shared.variant_series << " dans la variante), " << shared.draws << " cellules aléatoires\n"
      << "            aux mêmes tirages (sur " << shared.base_draws << ", " << shared.variant_draws << ")\n";
  out << "\n== Ce que coûte la variante, ce qu'elle apporte ==\n";
  for (const auto& part : cost_block(base, variant, r)) print_part(part, colour, out);
  out << "\nTous les indicateurs : P(atteint) base → variante\n";
  print_probabilities(r.indicators, out);
  if (!r.events.empty()) out << "\nTous les événements : P base → variante\n";
  print_probabilities(r.events, out);
  print_moved(r, shared, out);
  return out.str();
}

}  // namespace cogsim::app
