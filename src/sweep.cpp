#include "src/sweep.hpp"
#include "src/sampling_option.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "dsl/compiler.hpp"
#include "dsl/units.hpp"
#include "engine/bytes.hpp"
#include "src/cli.hpp"
#include "src/cli_numbers.hpp"
#include "src/mpi_run.hpp"
#include "src/output_set.hpp"
#include "src/report_csv.hpp"
#include "src/report_html.hpp"
#include "src/heap.hpp"

namespace cogsim::app {

namespace {

struct SweepArgs {
  std::vector<std::string> scenarios, grid;
  std::uint64_t paths = 100000, seed = 42;
  int threads = 0;
  std::string sampling = "mc";
  std::uint32_t replicates = 10;       // lhs, qmc
  std::string correlation = "copula";  // or "iman-conover"
  std::string csv, jsonl, html;
  bool quiet = false;
};

const double kQuantiles[] = {0.05, 0.50, 0.95};
const char* const kQuantileNames[] = {"p5", "p50", "p95"};

// The grid's points, the first axis varying slowest; one empty point when there is no axis.
std::vector<std::vector<double>> grid_points(const std::vector<SweepAxis>& axes) {
  std::vector<std::vector<double>> points{{}};
  for (const auto& axis : axes) {
    std::vector<std::vector<double>> next;
    for (const auto& p : points)
      for (double v : axis.values) {
        next.push_back(p);
        next.back().push_back(v);
      }
    points = std::move(next);
  }
  return points;
}

// The tidy table, built point by point, and P(met) per indicator-year for the heat maps.
struct Table {
  std::string csv, jsonl;
  struct Heat {
    std::string scenario, what;  // "n° ID — LABEL (YEAR)"
    std::vector<double> p;       // per point of the scenario's grid
  };
  std::vector<Heat> heat;
};

std::string csv_header(const std::vector<SweepAxis>& axes) {
  std::string h = "scenario,point";
  for (const auto& a : axes) h += "," + report::csv_field(a.cell);
  return h + ",kind,name,year,statistic,value\n";
}

// The rows of one point. `heat_base`: the scenario's first heat map (its first point adds them).
void add_point(Table& t, const std::string& scenario, std::size_t point, const std::vector<SweepAxis>& axes,
               const std::vector<double>& values, const engine::Program& p, const engine::RunResults& r,
               std::size_t heat_base, bool first) {
  std::string lead = report::csv_field(scenario) + "," + std::to_string(point);
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < axes.size(); ++i) {
    lead += "," + report::csv_number(values[i]);
    params[axes[i].cell] = values[i];
  }
  auto row = [&](const char* kind, const std::string& name, int year, nlohmann::ordered_json stats) {
    nlohmann::ordered_json j;
    j["scenario"] = scenario, j["point"] = point, j["params"] = params;
    j["kind"] = kind, j["name"] = name, j["year"] = year;
    for (const auto& [k, v] : stats.items()) {
      j[k] = v;
      t.csv += lead + "," + kind + "," + report::csv_field(name) + "," + std::to_string(year) + "," + k + "," +
               report::csv_number(v.get<double>()) + "\n";
    }
    t.jsonl += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  };
  std::size_t h = 0;
  for (std::size_t i = 0; i < p.indicators.size(); ++i)
    for (std::size_t k = 0; k < p.indicators[i].years.size(); ++k) {
      const auto& met = r.indicator_met[i][k];
      row("indicator", p.indicators[i].id, p.indicators[i].years[k].year, {{"p_met", met.p()}, {"se", met.std_error()}});
      if (first)
        t.heat.push_back({scenario,
                          "n° " + p.indicators[i].id + " — " + p.indicators[i].label + " (" +
                              std::to_string(p.indicators[i].years[k].year) + ")",
                          {}});
      t.heat[heat_base + h++].p.push_back(met.p());
    }
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    for (std::size_t k = 0; k < p.outputs[i].years.size(); ++k) {
      const auto& s = r.outputs[i][k];
      nlohmann::ordered_json st{{"mean", s.moments.mean()}, {"sd", s.moments.n > 1 ? s.moments.sd() : 0.0}};
      for (std::size_t q = 0; q < 3; ++q) st[kQuantileNames[q]] = s.quantile(kQuantiles[q]);
      row("output", p.outputs[i].name, p.outputs[i].years[k].first, st);
    }
  for (std::size_t i = 0; i < p.events.size(); ++i)
    for (std::size_t k = 0; k < p.events[i].years.size(); ++k)
      row("event", p.events[i].name, p.events[i].years[k].first, {{"p", r.events[i][k].p()}});
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// An axis value as a French reader writes it (decimal comma; the tidy files keep the point).
std::string fr_axis_value(double v) {
  std::string s = number(v);
  for (char& c : s)
    if (c == '.') c = ',';
  return s;
}

// P(met) as a colour: red below 50 %, amber to 80 %, green from 80 % (the report's thresholds),
// darker towards the ends so that 47 % and 62 % do not look alike.
std::string heat_colour(double p) {
  const double hue = p < 0.5 ? 4 : p < 0.8 ? 40 : 130;
  const double depth = p < 0.5 ? (0.5 - p) / 0.5 : p < 0.8 ? (p - 0.5) / 0.3 : (p - 0.8) / 0.2;
  char style[64];
  std::snprintf(style, sizeof style, "background:hsl(%.0f,70%%,%.0f%%)", hue, 88 - 30 * std::clamp(depth, 0.0, 1.0));
  return style;
}

// One heat map: a row per combination of the axes but the last, a column per value of the last.
std::string heat_table(const Table::Heat& h, const std::vector<SweepAxis>& axes) {
  const std::size_t cols = axes.empty() ? 1 : axes.back().values.size();
  std::vector<SweepAxis> row_axes(axes.begin(), axes.end() - (axes.empty() ? 0 : 1));
  const auto rows = grid_points(row_axes);
  // " ; " between axes: cell names hold ", " and values a decimal comma.
  std::string o = "<table><tr><th class=\"corner\">";
  for (std::size_t i = 0; i < row_axes.size(); ++i) o += (i ? " ; " : "") + report::html_escape(row_axes[i].cell);
  o += (axes.empty() ? std::string() : " \\ " + report::html_escape(axes.back().cell)) + "</th>";
  for (std::size_t c = 0; c < cols; ++c)
    o += "<th>" + (axes.empty() ? std::string("P(atteint)") : fr_axis_value(axes.back().values[c])) + "</th>";
  o += "</tr>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string label;
    for (std::size_t i = 0; i < row_axes.size(); ++i) label += (i ? " ; " : "") + fr_axis_value(rows[r][i]);
    o += "<tr><th>" + label + "</th>";
    for (std::size_t c = 0; c < cols; ++c) {
      const double p = h.p[r * cols + c];
      o += "<td style=\"" + heat_colour(p) + "\">" + report::fr_percent(p) + "</td>";
    }
    o += "</tr>\n";
  }
  return o + "</table>\n";
}

// The page: per scenario, first the maps the grid moves (with an index), then in one table the
// indicator-years it leaves where they are (the same P(met) at every point).
std::string heat_html(const Table& t, const std::vector<SweepAxis>& axes, std::uint64_t paths, std::uint64_t seed) {
  std::string o =
      "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>cogsim sweep</title><style>"
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;max-width:1100px;"
      "color:#1d2733;padding:0 1em}h1{font-size:22px;color:#123f73}h2{font-size:18px;color:#123f73;"
      "border-bottom:1px solid #ccd5df;padding-bottom:4px;margin-top:2em}h3{font-size:15px;margin:1.4em 0 .4em}"
      "p.lead{color:#4a5866}table{border-collapse:collapse;margin-bottom:1em}"
      "td,th{border:1px solid #d5dce4;padding:3px 8px;font-size:13px;text-align:right;font-variant-numeric:tabular-nums}"
      "th{background:#f2f5f8;font-weight:600}th.corner{font-weight:400;color:#4a5866;text-align:left}"
      "td.l,th.l{text-align:left}ul.index{columns:2;font-size:14px}a{color:#1f5fa8}</style></head><body>\n"
      "<h1>P(objectif atteint) sur la grille</h1>\n<p class=\"lead\">" +
      report::fr_number(double(paths), 0) + " trajectoires par point, graine " + std::to_string(seed) +
      ", les mêmes nombres aléatoires à chaque point. Couleurs : rouge sous 50 %, orange de 50 à 80 %, vert "
      "à partir de 80 %, plus foncé vers 0 % et 100 %.</p>\n";
  std::size_t first = 0;
  while (first < t.heat.size()) {
    std::size_t end = first;
    while (end < t.heat.size() && t.heat[end].scenario == t.heat[first].scenario) ++end;
    o += "<h2>" + report::html_escape(t.heat[first].scenario) + "</h2>\n";
    std::vector<std::size_t> moving, still;
    for (std::size_t h = first; h < end; ++h) {
      const auto [lo, hi] = std::minmax_element(t.heat[h].p.begin(), t.heat[h].p.end());
      (lo != t.heat[h].p.end() && *hi > *lo ? moving : still).push_back(h);
    }
    // The most moved first: the indicator a grid is about leads the page.
    auto range = [&](std::size_t h) {
      const auto [lo, hi] = std::minmax_element(t.heat[h].p.begin(), t.heat[h].p.end());
      return *hi - *lo;
    };
    std::stable_sort(moving.begin(), moving.end(), [&](std::size_t a, std::size_t b) { return range(a) > range(b); });
    if (moving.empty()) o += "<p>La grille ne change aucune probabilité.</p>\n";
    else {
      o += "<p>La grille change " + std::to_string(moving.size()) + " des " + std::to_string(end - first) +
           " probabilités (indicateur, année), de la plus à la moins touchée :</p>\n<ul class=\"index\">";
      for (std::size_t h : moving)
        o += "<li><a href=\"#h" + std::to_string(h) + "\">" + report::html_escape(t.heat[h].what) + "</a></li>";
      o += "</ul>\n";
    }
    for (std::size_t h : moving)
      o += "<h3 id=\"h" + std::to_string(h) + "\">" + report::html_escape(t.heat[h].what) + "</h3>\n" + heat_table(t.heat[h], axes);
    if (!still.empty()) {
      o += "<h3>Sans changement sur la grille</h3>\n<table><tr><th class=\"l\">Indicateur (année)</th><th>P(atteint)</th></tr>\n";
      for (std::size_t h : still)
        o += "<tr><td class=\"l\">" + report::html_escape(t.heat[h].what) + "</td><td style=\"" + heat_colour(t.heat[h].p.at(0)) +
             "\">" + report::fr_percent(t.heat[h].p.at(0)) + "</td></tr>\n";
      o += "</table>\n";
    }
    first = end;
  }
  return o + "</body></html>\n";
}

std::string scenario_name(const engine::Program& p, const std::string& path) {
  if (!p.scenario_name.empty()) return p.scenario_name;
  return p.model_name.empty() ? path : p.model_name;
}

engine::RunOptions sweep_options(const SweepArgs& a) {
  engine::RunOptions opt;
  opt.paths = a.paths;
  opt.seed = a.seed;
  opt.threads = a.threads > 0 ? a.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  opt.sampling = sampling_of(a.sampling);
  opt.replicates = a.replicates;
  opt.iman_conover = a.correlation == "iman-conover";
  opt.memory_limit = available_memory();
  return opt;
}

// Reads every scenario once (syntax errors reported here). kOk or the status to end with.
int load_all(const SweepArgs& a, dsl::Sources& sources, std::vector<dsl::Loaded>& loaded, std::ostream& err) {
  for (const auto& path : a.scenarios) {
    Diagnostics diags;
    loaded.push_back(dsl::load(path, sources, diags));
    err << sources.format_all(diags);
    if (has_errors(diags)) {
      err << "cogsim: cannot read the scenario " << path << "\n";
      return kInvalidModel;
    }
  }
  return kOk;
}

// One point's part of the table (its heat maps holding one value each), or what went wrong.
struct Piece {
  int status = kOk;
  std::string message;  // with status != kOk: what to print
  Table table;

  void serialize(engine::Writer& w) const {
    w.put(status);
    w.put_string(message);
    w.put_string(table.csv);
    w.put_string(table.jsonl);
    w.put<std::uint64_t>(table.heat.size());
    for (const auto& h : table.heat) {
      w.put_string(h.scenario);
      w.put_string(h.what);
      w.put_vector(h.p);
    }
  }
  static Piece deserialize(engine::Reader& r) {
    Piece p;
    p.status = r.get<int>();
    p.message = r.get_string();
    p.table.csv = r.get_string();
    p.table.jsonl = r.get_string();
    p.table.heat.resize(r.get<std::uint64_t>());
    for (auto& h : p.table.heat) {
      h.scenario = r.get_string();
      h.what = r.get_string();
      h.p = r.get_vector<double>();
    }
    return p;
  }
};

struct PointSpec {
  std::size_t scenario, point;
  const std::vector<double>& values;
};

// Lowers and runs one point. `share_paths`: every rank runs it together (only rank 0's piece holds
// the results).
Piece run_point(const SweepArgs& a, const dsl::Loaded& loaded, dsl::Sources& sources, const PointSpec& at,
                const std::vector<SweepAxis>& axes, bool share_paths) {
  Piece piece;
  dsl::CompileOptions options;
  for (std::size_t i = 0; i < axes.size(); ++i) options.param_overrides[axes[i].cell] = at.values[i];
  dsl::Compiled c = dsl::compile(loaded, sources, options);
  const std::string where = a.scenarios[at.scenario] + " at point " + std::to_string(at.point);
  if (has_errors(c.diags) || !c.program) {
    piece.status = kInvalidModel;
    piece.message = sources.format_all(c.diags) + "cogsim: " + where + " does not compile\n";
    return piece;
  }
  engine::RunOptions opt = sweep_options(a);
  auto exchange = share_paths ? mpi()->exchange() : nullptr;
  opt.exchange = exchange.get();
  engine::RunResults r = engine::simulate(*c.program, opt);
  if (share_paths && !mpi()->root()) return piece;
  if (r.error) {
    piece.status = kRuntime;
    piece.message = sources.format(*r.error) + "cogsim: " + where + " failed; no results written\n";
    return piece;
  }
  add_point(piece.table, scenario_name(*c.program, a.scenarios[at.scenario]), at.point, axes, at.values, *c.program,
            r, 0, true);
  return piece;
}

void append(Table& t, Table&& piece, std::size_t heat_base, bool first) {
  t.csv += piece.csv;
  t.jsonl += piece.jsonl;
  for (std::size_t h = 0; h < piece.heat.size(); ++h) {
    if (first) t.heat.push_back(std::move(piece.heat[h]));
    else t.heat[heat_base + h].p.push_back(piece.heat[h].p.at(0));
  }
}

int write_sweep(const SweepArgs& a, const Table& table, const std::vector<SweepAxis>& axes, std::ostream& err) {
  OutputSet set;
  std::string e;
  if (!a.csv.empty()) e = set.add_file(a.csv, table.csv);
  if (e.empty() && !a.jsonl.empty()) e = set.add_file(a.jsonl, table.jsonl);
  if (e.empty() && !a.html.empty()) e = set.add_file(a.html, heat_html(table, axes, a.paths, a.seed));
  return commit_or_report(set, e, err);
}

int run_sweep(const SweepArgs& a, std::ostream& out, std::ostream& err) {
  const std::vector<Destination> dests = {{"--csv", a.csv}, {"--jsonl", a.jsonl}, {"--html", a.html}};
  int status = destination_status(check_destinations(dests), err);
  if (auto e = design_usage_error(a.sampling, a.paths, a.replicates); !e.empty() && status == kOk) {
    err << e;
    status = kUsage;
  }
  std::vector<SweepAxis> axes(a.grid.size());
  for (std::size_t i = 0; i < a.grid.size() && status == kOk; ++i)
    if (auto e = parse_axis(a.grid[i], axes[i]); !e.empty()) {
      err << "cogsim: --grid " << a.grid[i] << ": " << e << "\n";
      status = kUsage;
    }
  // One cell on two axes: the last would win at every point while the rows show the other's values.
  for (std::size_t i = 0; i < axes.size() && status == kOk; ++i)
    for (std::size_t j = 0; j < i && status == kOk; ++j)
      if (dsl::spaceless(axes[i].cell) == dsl::spaceless(axes[j].cell)) {
        err << "cogsim: --grid " << a.grid[i] << ": the cell " << axes[i].cell << " is already an axis (--grid "
            << a.grid[j] << "); give all its values on one axis\n";
        status = kUsage;
      }
  dsl::Sources sources;
  std::vector<dsl::Loaded> loaded;
  if (status == kOk) status = load_all(a, sources, loaded, err);
  if (status == kOk) status = destination_status(check_not_inputs(dests, sources), err);
  if ((status = agree_before_run(status, err)) != kOk) return status;
  const auto t0 = std::chrono::steady_clock::now();
  const auto points = grid_points(axes);
  const int ranks = mpi() ? mpi()->size() : 1, rank = mpi() ? mpi()->rank() : 0;
  // With MPI, point k goes to rank k mod R when there are points enough for every rank; else
  // every rank shares each point's paths. Either way each point is the one-process run.
  const bool spread = ranks > 1 && loaded.size() * points.size() >= std::size_t(ranks);
  Table table;
  table.csv = csv_header(axes);
  Piece failure;  // the first, in point order
  std::size_t point = 0;
  for (std::size_t s = 0; s < loaded.size(); ++s) {
    const std::size_t heat_base = table.heat.size();
    for (std::size_t g = 0; g < points.size(); ++g, ++point) {
      const int owner = spread ? int(point % std::size_t(ranks)) : rank;
      Piece piece;
      if (owner == rank) piece = run_point(a, loaded[s], sources, {s, point, points[g]}, axes, !spread && ranks > 1);
      else if (rank != 0) continue;
      else {
        std::vector<char> bytes = mpi()->receive(owner);
        engine::Reader r(bytes.data(), bytes.size());
        piece = Piece::deserialize(r);
      }
      if (rank != 0) {
        if (spread) {
          engine::Writer w;
          piece.serialize(w);
          mpi()->send(0, w.bytes());
        }
        continue;
      }
      if (failure.status == kOk && piece.status != kOk) failure = std::move(piece);
      else if (failure.status == kOk) append(table, std::move(piece.table), heat_base, g == 0);
    }
  }
  if (rank != 0) return kOk;
  if (failure.status != kOk) {
    err << failure.message;
    return failure.status;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (int rc = write_sweep(a, table, axes, err)) return rc;
  if (!a.quiet) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%zu point%s x %llu path%s in %.2f s (%.3g paths/s)\n", point, point == 1 ? "" : "s",
                  static_cast<unsigned long long>(a.paths), a.paths == 1 ? "" : "s", seconds,
                  double(point) * double(a.paths) / seconds);
    out << buf;
  }
  return kOk;
}

}  // namespace

std::string parse_axis(const std::string& spec, SweepAxis& axis) {
  const auto eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0) return "expected CELL=VALUE (a param cell, = and its value; --grid: values v1,v2,... or lo:hi:step)";
  axis.cell = spec.substr(0, eq);
  axis.values.clear();
  const std::string v = spec.substr(eq + 1);
  // A decimal number in the model's units, spaces around it ignored, `%` after it dividing by 100
  // ("5 %" is 0.05, as in the rules files); not hexadecimal (strtod reads "0x10" as 16).
  auto num = [](std::string t, double& x) {
    while (!t.empty() && t.back() == ' ') t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    const bool percent = !t.empty() && t.back() == '%';
    if (percent) {
      t.pop_back();
      while (!t.empty() && t.back() == ' ') t.pop_back();
    }
    if (t.find_first_of("xXpP") != std::string::npos) return false;
    char* end = nullptr;
    x = std::strtod(t.c_str(), &end);
    if (percent) x = dsl::unit_value(x, "%");  // as a literal reads: "2.8 %" is 0.028, not 2.8 / 100
    return !t.empty() && end == t.c_str() + t.size() && std::isfinite(x);
  };
  if (v.find(':') != std::string::npos) {
    std::stringstream ss(v);
    std::string lo_s, hi_s, step_s;
    double lo, hi, step;
    if (!std::getline(ss, lo_s, ':') || !std::getline(ss, hi_s, ':') || !std::getline(ss, step_s) ||
        !num(lo_s, lo) || !num(hi_s, hi) || !num(step_s, step))
      return "expected lo:hi:step with three finite numbers";
    if (!(step > 0) || hi < lo) return "the step must be positive and lo <= hi";
    const double n = std::floor((hi - lo) / step + 1e-9);
    if (n > 100000) return "more than 100000 values";
    for (double k = 0; k <= n; ++k) axis.values.push_back(lo + k * step);
    return "";
  }
  std::stringstream ss(v);
  std::string t;
  while (std::getline(ss, t, ',')) {
    double x;
    if (!num(t, x))
      return "'" + t + "' is not a finite number in the model's units (a rate as 0.05 or 5 %, an amount in euros)";
    axis.values.push_back(x);
  }
  return axis.values.empty() ? "no value" : "";
}

std::function<int(std::ostream& out, std::ostream& err)> add_sweep_command(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* sw = app.add_subcommand("sweep",
                                "Run many scenarios, or a grid over param cells, on common random numbers: one "
                                "tidy table (CSV, JSON lines) and heat maps of P(met).");
  sw->add_option("SCENARIO", a->scenarios, "Scenario folders or .cog files (each is read once)")->required();
  sw->add_option("--grid", a->grid,
                 "An axis of the grid: CELL=v1,v2,... or CELL=lo:hi:step, e.g. \"savings[CDS, 2024]=0:0.06:0.005\" "
                 "(repeat for more axes: their Cartesian product)");
  sw->add_option("--paths,-n", a->paths, "Paths per point (default 100000)")->check(unsigned_in(1, std::uint64_t(1) << 40));
  sw->add_option("--seed,-s", a->seed, "Seed, the same at every point (default 42)")->check(unsigned_in(0, UINT64_MAX));
  sw->add_option("--threads,-t", a->threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  sw->add_option("--sampling", a->sampling, kSamplingHelp)->check(CLI::IsMember(kSamplingNames));
  sw->add_option("--replicates", a->replicates, kReplicatesHelp)->check(CLI::Range(2, 100000));
  sw->add_option("--correlation", a->correlation, kCorrelationHelp)->check(CLI::IsMember(kCorrelationNames));
  sw->add_option("--csv", a->csv, "Write the tidy table here (CSV: scenario, point, params, kind, name, year, statistic, value)")->check(path_given());
  sw->add_option("--jsonl", a->jsonl, "Write the table here as JSON lines (one object per figure and point)")->check(path_given());
  sw->add_option("--html", a->html, "Write heat maps of P(met) over the grid here (one HTML page)")->check(path_given());
  sw->add_flag("--quiet,-q", a->quiet, "No summary line");
  return [a, sw](std::ostream& out, std::ostream& err) { return *sw ? run_sweep(*a, out, err) : -1; };
}

}  // namespace cogsim::app
