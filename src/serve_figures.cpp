// The fan chart, the means and the model's layout for the page of `cogsim serve` (serve_figures.hpp).
#include "src/serve_figures.hpp"

#include <algorithm>

#include "src/svg_charts.hpp"

namespace cogsim::app::serve {

namespace {

// A space cannot be part of a name of the language: no output of a model has this prefix.
const std::string kFanPrefix = "fan ";

json fan_point(const report::svg::FanYear& f) {
  return {{"p5", f.p5}, {"p25", f.p25}, {"p50", f.p50}, {"p75", f.p75}, {"p95", f.p95}, {"mean", f.mean}};
}

}  // namespace

int output_index(const engine::Program& p, const std::string& name) {
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    if (p.outputs[i].name == name) return int(i);
  return -1;
}

void add_fan_series(engine::Program& variant, int out) {
  engine::SeriesOut copy = variant.outputs[out];
  copy.name = kFanPrefix + copy.name;
  variant.outputs.push_back(std::move(copy));
}

json take_fan(engine::Program& variant, engine::CompareResults& r, const engine::Program& base,
              const engine::RunResults& base_run, int out) {
  const std::string name = kFanPrefix + variant.outputs[out].name;
  if (!variant.outputs.empty() && variant.outputs.back().name == name) variant.outputs.pop_back();
  std::erase(r.only_in_variant, name);
  std::map<int, const engine::SeriesStats*> var;
  for (const auto& s : r.solo_outputs)
    if (s.name == name)
      for (const auto& y : s.years) var[y.year] = &y.value;
  json years = json::array();
  const engine::SeriesOut& o = base.outputs[out];
  for (std::size_t j = 0; j < o.years.size(); ++j) {
    const int year = o.years[j].first;
    auto v = var.find(year);
    if (v == var.end()) continue;
    years.push_back({{"year", year},
                     {"base", fan_point(report::svg::fan_year(year, base_run.outputs[out][j]))},
                     {"variant", fan_point(report::svg::fan_year(year, *v->second))}});
  }
  std::erase_if(r.solo_outputs, [&](const engine::OutputSolo& s) { return s.name == name; });
  return {{"output", o.name}, {"label", o.label}, {"unit", o.unit}, {"years", std::move(years)}};
}

json means_json(const engine::Program& base, const engine::RunResults& base_run, const engine::CompareResults& r) {
  std::map<std::string, const engine::OutputDelta*> deltas;
  for (const auto& d : r.outputs) deltas[d.name] = &d;
  json out = json::object();
  for (std::size_t i = 0; i < base.outputs.size(); ++i) {
    const auto& o = base.outputs[i];
    auto d = deltas.find(o.name);
    json years = json::object();
    for (std::size_t j = 0; j < o.years.size(); ++j) {
      const int year = o.years[j].first;
      const double b = base_run.outputs[i][j].moments.mean();
      json cell{{"base", b}};
      if (d != deltas.end())
        for (const auto& py : d->second->years)
          if (py.year == year) cell["variant"] = b + py.delta.moments.mean();
      years[std::to_string(year)] = std::move(cell);
    }
    out[o.name] = std::move(years);
  }
  return out;
}

json sections_json(const dsl::Compiled& c) {
  json out = json::array();
  for (const auto& s : c.param_sections) out.push_back({{"title", s.title}, {"params", s.params}});
  return out;
}

namespace {

const char* kind_word(engine::ReportPart::Kind k) {  // as written in `report` lines
  switch (k) {
    case engine::ReportPart::Kind::Headline: return "headline";
    case engine::ReportPart::Kind::Entities: return "entities";
    case engine::ReportPart::Kind::Section: return "section";
    case engine::ReportPart::Kind::Table: return "table";
  }
  return "";
}

}  // namespace

json report_parts_json(const engine::Program& p) {
  json out = json::array();
  for (const auto& part : p.report) {
    json outputs = json::array(), events = json::array();
    for (const auto& item : part.items) {
      if (item.what == engine::ReportItem::What::Output) outputs.push_back(p.outputs[item.index].name);
      else events.push_back(p.events[item.index].name);
    }
    out.push_back({{"kind", kind_word(part.kind)}, {"title", part.title}, {"outputs", std::move(outputs)},
                   {"events", std::move(events)}});
  }
  return out;
}

}  // namespace cogsim::app::serve
