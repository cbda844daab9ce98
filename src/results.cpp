#include "src/results.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/convergence.hpp"
#include "src/fr_format.hpp"
#include "src/output_set.hpp"
#include "src/report_csv.hpp"
#include "src/report_csv.hpp"

namespace cogsim::app {

namespace {

// The statistics of one series and year, as every writer lists them (report::output_statistics);
// the central path has only its value.
nlohmann::ordered_json stats_json(const engine::SeriesStats& s, bool central) {
  nlohmann::ordered_json j;
  if (central) {
    j["mean"] = s.moments.mean();
    return j;
  }
  for (const auto& [name, value] : report::output_statistics(s)) j[name] = value;
  return j;
}

// "output year p5" for each reported quantile that no fine window counted (read from the sketch).
nlohmann::ordered_json sketch_only_quantiles(const engine::Program& p, const engine::RunResults& r) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    for (std::size_t k = 0; k < p.outputs[i].years.size(); ++k) {
      const auto& s = r.outputs[i][k];
      for (const auto& q : engine::kReportedQuantiles)
        if (!s.constant && !s.sketch.window_quantile(q.level))
          list.push_back(p.outputs[i].name + " " + std::to_string(p.outputs[i].years[k].first) + " " + q.name);
    }
  return list;
}

// An indicator's target in the unit of the series it follows, French style: "−841 654,54 €",
// "25,00 %", or the plain number ("1,50") when the series is no output (its unit is unknown here)
// or has no unit.
std::string target_text(const engine::Program& p, const std::string& on, double v) {
  const int o = report::find_output(p, on);
  const std::string unit = o < 0 ? std::string() : p.outputs[o].unit;
  if (unit.find("€") != std::string::npos) return report::fr_number(v, 2) + report::kNbsp + "€";
  if (unit == "%") return report::fr_percent(v, 2);
  return report::fr_number(v, 2);
}

}  // namespace

namespace {

nlohmann::ordered_json meta_json(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta) {
  nlohmann::ordered_json m;
  m["model"] = p.model_name;
  if (!p.scenario_name.empty()) m["scenario"] = p.scenario_name;
  m["file"] = meta.model_path;
  m["mode"] = meta.central ? "central" : "monte-carlo";
  m["paths"] = r.paths;
  m["seed"] = meta.seed;
  m["threads"] = meta.threads;
  if (!meta.central) m["block_size"] = meta.block_size;
  if (!meta.central) m["sampling"] = meta.sampling;
  // The method of every "se" in this file (docs/design.md, "Standard errors").
  if (!meta.central) m["se_method"] = engine::se_method(r.replicates);
  if (r.padded_dimensions > 0) m["qmc_padded_dimensions"] = r.padded_dimensions;
  // How `correlate` pairs were drawn: "copula" or "iman-conover" (the correlations' `measured_rank`
  // is what it achieved).
  if (!meta.central && !p.correlations.empty()) m["correlation_method"] = meta.correlation;
  m["stopped_early"] = r.stopped_early;
  m["wall_seconds"] = meta.wall_seconds;
  m["version"] = COGSIM_VERSION;
  if (!meta.central)
    if (auto coarse = sketch_only_quantiles(p, r); !coarse.empty()) m["quantile_sketch_only"] = std::move(coarse);
  m["quantile_sketch"] = "fine histogram windows around P5..P95 placed from a pilot (error <= quantile_error, at most a quarter of the Monte Carlo standard error at the planned paths); elsewhere DDSketch, relative accuracy 1e-3 (see docs/design.md)";
  return m;
}

nlohmann::ordered_json indicator_json(const engine::IndicatorOut& ind, std::size_t i, const engine::RunResults& r,
                                      bool central) {
  nlohmann::ordered_json e;
  e["label"] = ind.label;
  e["source"] = ind.source;
  e["on"] = ind.on;
  nlohmann::ordered_json years;
  for (std::size_t k = 0; k < ind.years.size(); ++k) {
    const auto& y = ind.years[k];
    const auto& met = r.indicator_met[i][k];
    nlohmann::ordered_json yj;
    yj["kind"] = engine::info(y.kind).keyword;
    if (y.has_rate()) yj["rate"] = y.rate;
    yj["target"] = r.indicator_target[i][k].moments.mean();
    if (y.has_upper()) yj["target_hi"] = r.indicator_target_hi[i][k].moments.mean();
    yj["p_met"] = met.p();
    if (!central) {
      yj["se"] = met.std_error();
      auto [lo, hi] = met.interval95();
      yj[met.interval_key()] = {lo, hi};
    }
    years[std::to_string(y.year)] = yj;
  }
  e["years"] = years;
  return e;
}

nlohmann::ordered_json correlations_json(const engine::Program& p, const engine::RunResults& r, bool central) {
  nlohmann::ordered_json corrs = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < p.correlations.size(); ++i) {
    const auto& c = p.correlations[i];
    nlohmann::ordered_json cj;
    cj["a"] = c.a;
    cj["b"] = c.b;
    cj["kind"] = c.rank ? "rank" : "normal-scores";
    cj["requested"] = c.requested;
    cj["used"] = c.used;
    if (!central && i < r.correlations.size()) cj["measured_rank"] = r.correlations[i];
    corrs.push_back(cj);
  }
  return corrs;
}

}  // namespace

nlohmann::ordered_json results_json(const engine::Program& p, const engine::RunResults& r,
                                    const RunMeta& meta) {
  // Sub-objects are built apart and moved in: ordered_json stores keys in a vector, so a
  // reference into it does not survive the next insertion.
  nlohmann::ordered_json j, outs = nlohmann::ordered_json::object(), series,
                            inds = nlohmann::ordered_json::object(), evs = nlohmann::ordered_json::object(),
                            ev_counts = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < p.outputs.size(); ++i) {
    const auto& o = p.outputs[i];
    nlohmann::ordered_json years;
    for (std::size_t k = 0; k < o.years.size(); ++k)
      years[std::to_string(o.years[k].first)] = stats_json(r.outputs[i][k], meta.central);
    outs[o.name] = years;
    // Labels, sources and units live beside the figures, so `outputs` keeps the spec's shape.
    series[o.name] = {{"label", o.label}, {"source", o.source}, {"unit", o.unit}};
  }
  for (std::size_t i = 0; i < p.indicators.size(); ++i)
    inds[p.indicators[i].id] = indicator_json(p.indicators[i], i, r, meta.central);
  for (std::size_t i = 0; i < p.events.size(); ++i) {
    nlohmann::ordered_json e;
    for (std::size_t k = 0; k < p.events[i].years.size(); ++k)
      e[std::to_string(p.events[i].years[k].first)] = r.events[i][k].p();
    evs[p.events[i].name] = e;
    // How many indicators an "all met" event covers each year (engine::EventOut::indicators).
    nlohmann::ordered_json n;
    for (std::size_t k = 0; k < p.events[i].indicators.size(); ++k)
      if (p.events[i].indicators[k] > 0) n[std::to_string(p.events[i].years[k].first)] = p.events[i].indicators[k];
    if (!n.empty()) ev_counts[p.events[i].name] = std::move(n);
  }
  nlohmann::ordered_json corrs = correlations_json(p, r, meta.central);
  if (!meta.central) j["convergence"] = convergence_json(p, r);  // src/convergence.hpp
  j["meta"] = meta_json(p, r, meta);
  j["outputs"] = std::move(outs);
  j["indicators"] = std::move(inds);
  j["events"] = std::move(evs);
  if (!ev_counts.empty()) j["event_indicators"] = std::move(ev_counts);
  j["series"] = std::move(series);
  if (!corrs.empty()) j["correlations"] = std::move(corrs);
  return j;
}

std::string summary_text(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta) {
  std::ostringstream out;
  out << p.model_name;
  if (!p.scenario_name.empty()) out << " — scénario " << p.scenario_name;
  out << "\n";
  if (meta.central)
    out << "Central path (every random draw at its mean)\n\n";
  else
    out << r.paths << " paths, seed " << meta.seed << ", " << meta.threads << " thread"
        << (meta.threads > 1 ? "s" : "") << ", " << std::fixed;
  if (!meta.central) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", meta.wall_seconds);
    out << buf << (r.stopped_early ? " (stopped early: precision reached)" : "") << "\n\n";
  }
  // The indicators by year: P(met) (or met / missed on the central path).
  std::vector<int> years;
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years)
      if (std::find(years.begin(), years.end(), y.year) == years.end()) years.push_back(y.year);
  std::sort(years.begin(), years.end());
  if (!p.indicators.empty()) {
    out << (meta.central ? "Indicators (met?)" : "Indicators, P(met)") << "\n";
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-4s %-26s", "n°", "on");
    out << buf;
    for (int y : years) out << "  " << y << "  ";
    out << "  target " << (years.empty() ? 0 : years.back()) << "\n";
    for (std::size_t i = 0; i < p.indicators.size(); ++i) {
      const auto& ind = p.indicators[i];
      std::snprintf(buf, sizeof buf, "  %-4s %-26s", ind.id.c_str(), ind.on.substr(0, 26).c_str());
      out << buf;
      for (int y : years) {
        std::string cell = "    -   ";
        for (std::size_t k = 0; k < ind.years.size(); ++k) {
          if (ind.years[k].year != y) continue;
          double pm = r.indicator_met[i][k].p();
          if (meta.central)
            std::snprintf(buf, sizeof buf, "  %-6s", pm > 0.5 ? "met" : "MISSED");
          else
            std::snprintf(buf, sizeof buf, "  %5.1f%%", 100 * pm);
          cell = buf;
        }
        out << cell;
      }
      // The target of the last column's year, for an indicator that has one that year only.
      if (!years.empty() && !ind.years.empty() && ind.years.back().year == years.back())
        out << "  " << target_text(p, ind.on, r.indicator_target[i].back().moments.mean());
      else if (!years.empty())
        out << "    -";
      out << "\n";
    }
    if (!meta.central) {
      double worst = 0;
      for (const auto& per_year : r.indicator_met)
        for (const auto& pr : per_year) worst = std::max(worst, pr.std_error());
      char se[160];
      std::snprintf(se, sizeof se, "  (Monte Carlo standard error of each P(met): at most %.2f points)\n", 100 * worst);
      out << se;
    }
    out << "\n";
  }
  for (std::size_t i = 0; i < p.events.size(); ++i) {
    const auto& e = p.events[i];
    out << "P(" << e.name << ")";
    if (!e.label.empty()) out << " — " << e.label;
    out << ":";
    for (std::size_t k = 0; k < e.years.size(); ++k) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " %d: %.1f%%", e.years[k].first, 100 * r.events[i][k].p());
      out << buf;
      // How many indicators an "all met" event covers that year, when it reads any.
      if (k < e.indicators.size() && e.indicators[k] > 0)
        out << " (" << e.indicators[k] << " indicator" << (e.indicators[k] > 1 ? "s" : "") << ")";
    }
    out << "\n";
  }
  return out.str();
}

std::string write_atomically(const std::string& path, const std::string& text) { return write_one_file(path, text); }

}  // namespace cogsim::app
