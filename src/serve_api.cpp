// The handlers of `cogsim serve`'s JSON API: request checking, runs on common random numbers,
// goal seek and the avenant's text. Every bad request is a 400 naming the field.
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>
#include <string_view>
#include <thread>

#include "dsl/suggest.hpp"
#include "dsl/units.hpp"
#include "engine/compare.hpp"
#include "src/compare_report.hpp"
#include "src/goal.hpp"
#include "src/results.hpp"
#include "src/serve.hpp"
#include "src/serve_figures.hpp"
#include "src/heap.hpp"

namespace cogsim::app::serve {

namespace {

struct BadRequest {
  std::string message;
};

Reply error_reply(int status, const std::string& message) {
  return {status, json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace)};
}

json parse_body(const std::string& body) {
  if (body.size() > kMaxBody)
    throw BadRequest{"body: " + std::to_string(body.size()) + " bytes, over the limit of " + std::to_string(kMaxBody)};
  json j;
  try {
    j = json::parse(body.empty() ? "{}" : body);
  } catch (const json::exception& e) {  // a syntax error, or a number beyond a double (1e999)
    throw BadRequest{std::string("body: malformed JSON (") + e.what() + ")"};
  }
  if (!j.is_object()) throw BadRequest{"body: expected a JSON object"};
  return j;
}

void only_fields(const json& j, const std::set<std::string>& allowed) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!allowed.count(it.key())) throw BadRequest{it.key() + ": unknown field"};
}


// A value: a JSON number in the model's own units (a % as a fraction, € as euros), or a string
// with its unit ("3 %", "1,5 M€"), checked against the param's unit.
double value_of(const std::string& field, const json& v, const dsl::ParamCell& cell) {
  const bool money = cell.amount();
  const std::string unit = dsl::is_money_unit(cell.unit) ? cell.unit : money ? "€" : cell.unit;
  double x = 0;
  if (v.is_number()) {
    x = v.get<double>();
  } else if (v.is_string()) {
    // As French figures are written (and the page shows them): no-break spaces between digit
    // groups (U+00A0, U+202F) read as spaces, the minus sign (U+2212) as '-'.
    std::string s = v.get<std::string>();
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"\u00a0", " "}, {"\u202f", " "}, {"\u2212", "-"}})
      for (std::size_t at; (at = s.find(from)) != std::string::npos;) s.replace(at, from.size(), to);
    std::size_t k = 0;
    while (k < s.size() && std::string_view("0123456789.,+-eE ").find(s[k]) != std::string_view::npos) ++k;
    std::string num, u;
    for (std::size_t i = 0; i < k; ++i)
      if (s[i] != ' ') num += s[i] == ',' ? '.' : s[i];
    for (std::size_t i = k; i < s.size(); ++i)
      if (s[i] != ' ') u += s[i];
    char* end = nullptr;
    x = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size()) throw BadRequest{field + ": '" + s + "' is not a number"};
    if (u == "%") {
      if (money) throw BadRequest{field + ": wrong unit: % given, the param is in " + unit};
      x = dsl::unit_value(x, u);
    } else if (dsl::is_money_unit(u)) {
      if (!money)
        throw BadRequest{field + ": wrong unit: " + u + " given, the param is a plain number or rate (" +
                         (unit.empty() ? std::string("no unit declared") : "declared `: " + unit + "`") + ")"};
      x = dsl::unit_value(x, u);
    } else if (!u.empty()) {
      throw BadRequest{field + ": unknown unit '" + u + "'"};
    } else if (money && x != 0) {
      throw BadRequest{field + ": wrong unit: a number without unit, the param is in " + unit + " (write \"… " + unit + "\")"};
    }
  } else {
    throw BadRequest{field + ": expected a number"};
  }
  if (!std::isfinite(x)) throw BadRequest{field + ": not a finite number"};
  return x;
}

// The editable cells of the base model: name without spaces -> its description.
std::map<std::string, const dsl::ParamCell*> cells_of(const dsl::Compiled& base) {
  std::map<std::string, const dsl::ParamCell*> m;
  for (const auto& c : base.params)
    if (c.value) m[cell_key(c.cell)] = &c;
  return m;
}

std::map<std::string, double> parse_overrides(const json& j, const dsl::Compiled& base) {
  std::map<std::string, double> out;
  if (!j.contains("overrides")) return out;
  const json& o = j["overrides"];
  if (!o.is_object()) throw BadRequest{"overrides: expected an object {\"cell\": value}"};
  if (o.size() > kMaxOverrides) throw BadRequest{"overrides: more than " + std::to_string(kMaxOverrides) + " cells"};
  const auto cells = cells_of(base);
  for (auto it = o.begin(); it != o.end(); ++it) {
    const std::string key = cell_key(it.key());
    auto c = cells.find(key);
    if (c == cells.end()) {
      std::vector<std::string> names;
      for (const auto& [n, _] : cells) names.push_back(n);
      std::string near = dsl::closest(key, names);
      throw BadRequest{"overrides: unknown param cell '" + it.key() + "'" +
                       (near.empty() ? "" : "; did you mean '" + near + "'?")};
    }
    out[key] = value_of("overrides[\"" + it.key() + "\"]", it.value(), *c->second);
  }
  return out;
}

std::uint64_t unsigned_field(const json& j, const std::string& field, std::uint64_t dflt, std::uint64_t lo,
                             std::uint64_t hi) {
  if (!j.contains(field)) return dflt;
  const json& v = j[field];
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0))
    throw BadRequest{field + ": expected a whole number between " + std::to_string(lo) + " and " + std::to_string(hi)};
  std::uint64_t x = v.get<std::uint64_t>();
  if (x < lo || x > hi)
    throw BadRequest{field + ": " + std::to_string(x) + " is out of range (" + std::to_string(lo) + " to " +
                     std::to_string(hi) + ")"};
  return x;
}

double number_field(const json& j, const std::string& field) {
  if (!j.contains(field)) throw BadRequest{field + ": missing"};
  const json& v = j[field];
  if (!v.is_number() || !std::isfinite(v.get<double>())) throw BadRequest{field + ": expected a finite number"};
  return v.get<double>();
}

// A bound of goal seek: a number in the model's units, or a string with the param's unit ("2 %").
double bound_field(const json& j, const std::string& field, const dsl::ParamCell& cell) {
  if (!j.contains(field)) throw BadRequest{field + ": missing"};
  if (j[field].is_string()) return value_of(field, j[field], cell);
  return number_field(j, field);
}

std::string string_field(const json& j, const std::string& field, bool required) {
  if (!j.contains(field)) {
    if (required) throw BadRequest{field + ": missing"};
    return "";
  }
  if (!j[field].is_string()) throw BadRequest{field + ": expected a string"};
  return j[field].get<std::string>();
}

engine::RunOptions run_options(const json& j, const Options& o, std::uint64_t default_paths) {
  engine::RunOptions opt;
  opt.paths = unsigned_field(j, "paths", default_paths, kMinPaths, kMaxPaths);
  opt.seed = unsigned_field(j, "seed", 42, 0, UINT64_MAX);
  opt.threads = o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  opt.memory_limit = app::available_memory();
  return opt;
}

template <typename F>
Reply guarded(F&& f) {
  try {
    return f();
  } catch (const BadRequest& b) {
    return error_reply(400, b.message);
  } catch (const std::exception& e) {
    return error_reply(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace

// The unit each param's values are shown and typed in on the page, from the model's declarations
// (docs/language.md §4): a param declared `%` or `rate` in percent, one declared €, k€, M€ or Md€
// in that unit, one declared `number` as a plain number; without a unit word, "€" for an amount,
// "%" when every cell that is not 0 is a number written with `%`, else a plain number.
std::map<std::string, std::string> shown_units(const std::vector<dsl::ParamCell>& cells) {
  struct Seen {
    std::string declared;
    bool money = false, percent = false, plain = false;
  };
  std::map<std::string, Seen> seen;
  for (const auto& c : cells) {
    if (!c.value) continue;
    Seen& p = seen[c.param];
    p.declared = c.unit;
    p.money |= c.money;
    if (c.written_percent) p.percent = true;
    else if (*c.value != 0) p.plain = true;
  }
  std::map<std::string, std::string> out;
  for (const auto& [name, p] : seen) {
    const std::string& d = p.declared;
    if (d == "%" || d == "rate") out[name] = "%";
    else if (!d.empty()) out[name] = dsl::is_money_unit(d) ? d : "";  // `number`
    else if (p.money) out[name] = "€";
    else out[name] = p.percent && !p.plain ? "%" : "";
  }
  return out;
}

Reply avenant_reply(const dsl::Compiled& base, const dsl::Sources& sources, const std::map<std::string, double>& edits,
                    const Options& o, const std::string& requested_name);  // serve_avenant.cpp

std::unique_ptr<Session> Session::open(const Options& options, std::string& error) {
  std::unique_ptr<Session> s(new Session());
  s->options_ = options;
  Diagnostics diags;
  s->loaded_ = dsl::load(options.path, s->sources_, diags);
  s->base_ = dsl::compile(s->loaded_, s->sources_);
  diags.insert(diags.end(), s->base_.diags.begin(), s->base_.diags.end());
  if (has_errors(diags) || !s->base_.program) {
    error = s->sources_.format_all(diags) + "cogsim: " + options.path + " does not compile";
    return nullptr;
  }
  return s;
}

dsl::Compiled Session::compile(const std::map<std::string, double>& overrides) {
  dsl::CompileOptions o;
  o.param_overrides = overrides;
  return dsl::compile(loaded_, sources_, o);
}

Reply Session::model() const {
  const engine::Program& p = *base_.program;
  json params = json::array(), inds = json::array(), evs = json::array(), outs = json::array();
  const auto shown = shown_units(base_.params);
  for (const auto& c : base_.params) {
    if (!c.value) continue;
    params.push_back({{"cell", c.cell}, {"param", c.param}, {"label", c.label}, {"unit", c.unit},
                      {"shown", shown.at(c.param)}, {"source", c.source}, {"value", *c.value}});
    if (c.range) params.back()["range"] = {c.range->first, c.range->second};
  }
  for (const auto& ind : p.indicators) {
    json years = json::array();
    for (const auto& y : ind.years) years.push_back(y.year);
    inds.push_back({{"id", ind.id}, {"label", ind.label}, {"on", ind.on}, {"years", years}});
  }
  for (const auto& e : p.events) {
    json years = json::array();
    for (const auto& y : e.years) years.push_back(y.first);
    evs.push_back({{"name", e.name}, {"label", e.label}, {"years", years}});
  }
  for (const auto& o : p.outputs) outs.push_back({{"name", o.name}, {"label", o.label}, {"unit", o.unit}});
  json j{{"model", p.model_name}, {"scenario", p.scenario_name}, {"file", options_.path},
         {"limits", {{"min_paths", kMinPaths}, {"max_paths", kMaxPaths}, {"max_body", kMaxBody}}},
         {"save_dir", !options_.save_dir.empty()}};
  j["params"] = std::move(params);
  j["indicators"] = std::move(inds);
  j["events"] = std::move(evs);
  j["outputs"] = std::move(outs);
  j["sections"] = sections_json(base_);
  j["report"] = report_parts_json(p);
  return {200, j.dump(-1, ' ', false, json::error_handler_t::replace)};
}

// The output named by the field "fan", or -1 without one.
static int fan_field(const json& j, const engine::Program& base) {
  const std::string name = string_field(j, "fan", false);
  if (name.empty()) return -1;
  const int i = output_index(base, name);
  if (i >= 0) return i;
  std::vector<std::string> names;
  for (const auto& o : base.outputs) names.push_back(o.name);
  const std::string near = dsl::closest(name, names);
  throw BadRequest{"fan: unknown output '" + name + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?")};
}

const engine::RunResults& Session::base_run(const engine::RunOptions& opt) {
  const std::pair<std::uint64_t, std::uint64_t> key{opt.paths, opt.seed};
  auto it = base_runs_.find(key);
  if (it != base_runs_.end()) return *it->second;
  if (base_runs_.size() >= 4) base_runs_.erase(base_runs_.begin());  // a few settings at a time
  auto run = std::make_shared<const engine::RunResults>(engine::simulate(*base_.program, opt));
  return *base_runs_.emplace(key, std::move(run)).first->second;
}

Reply Session::run(const std::string& body) {
  return guarded([&]() -> Reply {
    json j = parse_body(body);
    only_fields(j, {"overrides", "paths", "seed", "results", "fan"});
    auto overrides = parse_overrides(j, base_);
    engine::RunOptions opt = run_options(j, options_, 100000);
    if (j.contains("results") && !j["results"].is_boolean()) throw BadRequest{"results: expected true or false"};
    const bool with_results = !j.contains("results") || j["results"].get<bool>();
    const engine::Program& base = *base_.program;
    const int fan = fan_field(j, base);
    const std::uint64_t ticket = ++latest_run_;  // a valid request: the newest one
    std::lock_guard<std::mutex> hold(mutex_);
    if (ticket != latest_run_) return {409, json{{"error", "superseded by a newer request"}}.dump(-1, ' ', false, json::error_handler_t::replace)};
    const auto t0 = std::chrono::steady_clock::now();
    dsl::Compiled v = compile(overrides);
    if (!v.program) return error_reply(400, "overrides: the model does not compile with them: " +
                                                sources_.format_all(v.diags));
    const engine::RunResults& b = base_run(opt);
    if (b.error) return error_reply(422, "the model failed while running: " + b.error->message);
    if (fan >= 0) add_fan_series(*v.program, fan);
    engine::CompareResults r = engine::compare(base, *v.program, opt);
    if (r.error) return error_reply(422, "the model failed while running: " + r.error->message);
    json fan_chart = fan >= 0 ? take_fan(*v.program, r, base, b, fan) : json();
    RunMeta meta;
    meta.model_path = options_.path;
    meta.seed = opt.seed;
    meta.threads = opt.threads;
    meta.block_size = opt.block_size;
    json out;
    if (with_results) {
      engine::RunResults rv = engine::simulate(*v.program, opt);
      meta.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      out["results"] = results_json(*v.program, rv, meta);
    }
    meta.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out["compare"] = compare_json(base, *v.program, r, meta, options_.path, "(page)",
                                  engine::shared_counts(base, *v.program));
    if (fan >= 0) out["fan"] = std::move(fan_chart);
    out["means"] = means_json(base, b, r);
    out["overrides"] = overrides;
    return {200, out.dump(-1, ' ', false, json::error_handler_t::replace)};
  });
}

Reply Session::goal(const std::string& body) {
  return guarded([&]() -> Reply {
    json j = parse_body(body);
    only_fields(j, {"overrides", "paths", "seed", "param", "indicator", "event", "year", "probability", "lo", "hi"});
    auto overrides = parse_overrides(j, base_);
    GoalRequest q;
    q.run = run_options(j, options_, 20000);
    q.param = cell_key(string_field(j, "param", true));
    if (!cells_of(base_).count(q.param)) throw BadRequest{"param: unknown param cell '" + q.param + "'"};
    q.indicator = string_field(j, "indicator", false);
    q.event = string_field(j, "event", false);
    if (q.indicator.empty() == q.event.empty()) throw BadRequest{"indicator: give either indicator or event"};
    q.year = int(unsigned_field(j, "year", 0, 1, 9999));
    if (!j.contains("year")) throw BadRequest{"year: missing"};
    q.probability = number_field(j, "probability");
    if (q.probability <= 0 || q.probability >= 1) throw BadRequest{"probability: must be between 0 and 1"};
    const dsl::ParamCell& cell = *cells_of(base_).at(q.param);
    q.lo = bound_field(j, "lo", cell);
    q.hi = bound_field(j, "hi", cell);
    if (!(q.lo < q.hi)) throw BadRequest{"lo: must be below hi"};
    overrides.erase(q.param);
    q.overrides = overrides;
    std::lock_guard<std::mutex> hold(mutex_);
    q.compile = [this](const dsl::CompileOptions& o) { return compile(o.param_overrides); };
    GoalResult g = goal_seek(q);
    if (!g.error.empty()) return error_reply(422, g.error + (g.diagnostics.empty() ? "" : ": " + g.diagnostics));
    return {200, json{{"param", q.param}, {"value", g.value}, {"std_error", g.std_error},
                      {"p_at_value", g.p_at_value}, {"p_lo", g.p_lo}, {"p_hi", g.p_hi},
                      {"iterations", g.iterations}, {"paths", q.run.paths}, {"seed", q.run.seed}}
                     .dump(-1, ' ', false, json::error_handler_t::replace)};
  });
}

Reply Session::avenant(const std::string& body) {
  return guarded([&]() -> Reply {
    json j = parse_body(body);
    only_fields(j, {"overrides", "name"});
    auto overrides = parse_overrides(j, base_);
    // A cell set to the model's own value is no change (docs/serve.md): not written as one.
    const auto cells = cells_of(base_);
    for (auto it = overrides.begin(); it != overrides.end();) {
      const auto c = cells.find(cell_key(it->first));
      it = c != cells.end() && c->second->value && *c->second->value == it->second ? overrides.erase(it) : std::next(it);
    }
    if (overrides.empty()) throw BadRequest{"overrides: no change to save"};
    std::string name = string_field(j, "name", false);
    std::lock_guard<std::mutex> hold(mutex_);
    return avenant_reply(base_, sources_, overrides, options_, name);
  });
}

}  // namespace cogsim::app::serve
