#include "src/compare_report.hpp"
#include "src/sampling_option.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace cogsim::app {

namespace {

std::string name_of(const engine::Program& p) {
  return p.scenario_name.empty() ? p.model_name : p.model_name + " / " + p.scenario_name;
}

}  // namespace

nlohmann::ordered_json compare_json(const engine::Program& base, const engine::Program& variant,
                                    const engine::CompareResults& r, const RunMeta& meta,
                                    const std::string& base_path, const std::string& variant_path,
                                    const engine::SharedCounts& shared) {
  nlohmann::ordered_json j, m, outs = nlohmann::ordered_json::object(), inds = nlohmann::ordered_json::object(),
                               evs = nlohmann::ordered_json::object();
  m["base"] = {{"file", base_path}, {"model", name_of(base)}};
  m["variant"] = {{"file", variant_path}, {"model", name_of(variant)}};
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
      const auto& s = y.delta;
      years[std::to_string(y.year)] = {{"mean", s.moments.mean()},
                                       {"sd", s.moments.n > 1 ? s.moments.sd() : 0.0},
                                       {"p5", s.quantile(0.05)},
                                       {"p50", s.quantile(0.50)},
                                       {"p95", s.quantile(0.95)},
                                       {"se", s.std_error()}};
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
  return j;
}

std::string compare_summary(const engine::Program& base, const engine::Program& variant,
                            const engine::CompareResults& r, const RunMeta& meta, const engine::SharedCounts& shared) {
  std::ostringstream out;
  char buf[256];
  out << "Base:    " << name_of(base) << "\nVariant: " << name_of(variant) << "\n";
  std::snprintf(buf, sizeof buf, "%llu paired paths, seed %llu, %d threads, %.2f s\n",
                static_cast<unsigned long long>(r.paths), static_cast<unsigned long long>(meta.seed), meta.threads,
                meta.wall_seconds);
  out << buf;
  std::snprintf(buf, sizeof buf,
                "Shared: %zu output series (of %zu in the base, %zu in the variant), %zu random cells with the same "
                "draws (of %zu, %zu)\n\n",
                shared.series, shared.base_series, shared.variant_series, shared.draws, shared.base_draws,
                shared.variant_draws);
  out << buf;
  out << "Indicators: P(met) base -> variant (change ± paired standard error)\n";
  for (const auto& d : r.indicators) {
    std::snprintf(buf, sizeof buf, "  %-4s", d.id.c_str());
    out << buf;
    for (const auto& y : d.years) {
      std::snprintf(buf, sizeof buf, "  %d: %5.1f%% -> %5.1f%% (%+.1f ± %.2f)", y.year, 100 * y.base.p(),
                    100 * y.variant.p(), 100 * y.delta(), 100 * y.std_error());
      out << buf;
    }
    out << "\n";
  }
  for (const auto& d : r.events) {
    out << "P(" << d.id << ")";
    for (const auto& y : d.years) {
      std::snprintf(buf, sizeof buf, "  %d: %.1f%% -> %.1f%% (%+.1f ± %.2f)", y.year, 100 * y.base.p(),
                    100 * y.variant.p(), 100 * y.delta(), 100 * y.std_error());
      out << buf;
    }
    out << "\n";
  }
  // Each output at the year it moved most, largest mean change first.
  std::vector<std::pair<double, std::string>> moved;
  for (const auto& o : r.outputs) {
    if (o.years.empty()) continue;
    const engine::PairedYear* most = &o.years.front();
    for (const auto& y : o.years)
      if (std::fabs(y.delta.moments.mean()) > std::fabs(most->delta.moments.mean())) most = &y;
    const auto& y = *most;
    double mean = y.delta.moments.mean();
    if (mean == 0 && y.delta.moments.n > 1 && y.delta.moments.sd() == 0) continue;
    std::snprintf(buf, sizeof buf, "  %-28s %d: mean %+14.2f  P5 %+14.2f  P95 %+14.2f %s\n", o.name.c_str(), y.year,
                  mean, y.delta.quantile(0.05), y.delta.quantile(0.95), o.unit.c_str());
    moved.push_back({-std::fabs(mean), buf});
  }
  std::sort(moved.begin(), moved.end());
  out << "\nOutputs changed (variant − base, at the year of largest change):\n";
  if (moved.empty())
    out << "  none: the two scenarios give identical outputs on every path, on the " << shared.series
        << " series they share\n";
  for (std::size_t i = 0; i < moved.size() && i < 12; ++i) out << moved[i].second;
  return out.str();
}

}  // namespace cogsim::app
