#include "src/report_csv.hpp"
#include "src/sampling_option.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <sstream>

#include "src/output_set.hpp"

namespace cogsim::app::report {

namespace {

template <class Years>
int index_of_year(const Years& years, int year) {
  for (std::size_t k = 0; k < years.size(); ++k)
    if (years[k].first == year) return static_cast<int>(k);
  return -1;
}

}  // namespace

std::vector<std::pair<std::string, double>> output_statistics(const engine::SeriesStats& s) {
  std::vector<std::pair<std::string, double>> v;
  v.emplace_back("mean", s.moments.mean());
  v.emplace_back("sd", s.moments.n > 1 ? s.moments.sd() : 0.0);
  double worst = 0;
  for (const auto& q : engine::kReportedQuantiles) {
    const auto a = s.quantile_with_bound(q.level);
    v.emplace_back(q.name, a.value);
    worst = std::max(worst, a.bound);
  }
  v.emplace_back("se", s.std_error());
  v.emplace_back("quantile_error", worst);
  return v;
}

std::vector<std::pair<std::string, double>> indicator_statistics(const engine::IndicatorYear& y,
                                                                 const engine::SeriesStats& target,
                                                                 const engine::SeriesStats& target_hi,
                                                                 const engine::Proportion& met) {
  std::vector<std::pair<std::string, double>> v;
  v.emplace_back("target", target.moments.mean());
  if (y.has_upper()) v.emplace_back("target_hi", target_hi.moments.mean());
  v.emplace_back("p_met", met.p());
  v.emplace_back("se", met.std_error());
  auto [lo, hi] = met.interval95();
  v.emplace_back(std::string(met.interval_key()) + "_low", lo);
  v.emplace_back(std::string(met.interval_key()) + "_high", hi);
  if (y.has_rate()) v.emplace_back("rate", y.rate);
  return v;
}

std::vector<std::pair<std::string, double>> event_statistics(const engine::Proportion& e) {
  auto [lo, hi] = e.interval95();
  const std::string key = e.interval_key();
  return {{"p", e.p()}, {"se", e.std_error()}, {key + "_low", lo}, {key + "_high", hi}};
}

std::vector<engine::ReportPart> report_layout(const engine::Program& p) {
  if (!p.report.empty()) return p.report;
  engine::ReportPart head, table;
  head.kind = engine::ReportPart::Kind::Headline;
  table.kind = engine::ReportPart::Kind::Table;
  table.title = "Séries du modèle";
  for (std::size_t i = 0; i < p.events.size(); ++i)
    head.items.push_back({engine::ReportItem::What::Event, int(i), engine::Polarity::Neutral});
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    table.items.push_back({engine::ReportItem::What::Output, int(i), engine::Polarity::Neutral});
  std::vector<engine::ReportPart> v;
  if (!head.items.empty()) v.push_back(std::move(head));
  if (!table.items.empty()) v.push_back(std::move(table));
  return v;
}

std::vector<engine::ReportItem> report_items(const engine::Program& p, engine::ReportPart::Kind kind,
                                             engine::ReportItem::What what) {
  std::vector<engine::ReportItem> v;
  for (const auto& part : report_layout(p))
    if (part.kind == kind)
      for (const auto& it : part.items)
        if (it.what == what) v.push_back(it);
  return v;
}

int find_output(const engine::Program& p, const std::string& name) {
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    if (p.outputs[i].name == name) return static_cast<int>(i);
  return -1;
}

int find_event(const engine::Program& p, const std::string& name) {
  for (std::size_t i = 0; i < p.events.size(); ++i)
    if (p.events[i].name == name) return static_cast<int>(i);
  return -1;
}

int find_indicator_on(const engine::Program& p, const std::string& name) {
  for (std::size_t i = 0; i < p.indicators.size(); ++i)
    if (p.indicators[i].on == name) return static_cast<int>(i);
  return -1;
}

int year_index(const engine::IndicatorOut& ind, int year) {
  for (std::size_t k = 0; k < ind.years.size(); ++k)
    if (ind.years[k].year == year) return static_cast<int>(k);
  return -1;
}
int year_index(const engine::EventOut& e, int year) { return index_of_year(e.years, year); }
int year_index(const engine::SeriesOut& o, int year) { return index_of_year(o.years, year); }

int last_indicator_year(const engine::Program& p) {
  int last = 0;
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years) last = std::max(last, y.year);
  return last;
}

std::vector<std::size_t> indicators_by_risk(const engine::Program& p, const engine::RunResults& r, int year) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < p.indicators.size(); ++i)
    if (year_index(p.indicators[i], year) >= 0) idx.push_back(i);
  auto pm = [&](std::size_t i) { return r.indicator_met[i][year_index(p.indicators[i], year)].p(); };
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return pm(a) < pm(b); });
  return idx;
}

std::string timestamp_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// ---- CSV ---------------------------------------------------------------------------------------

std::string csv_field(const std::string& s, CsvDialect d) {
  const char* special = d == CsvDialect::ExcelFr ? ";\"\r\n" : ",\"\r\n";
  if (s.find_first_of(special) == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double v, CsvDialect d) {
  if (std::isnan(v)) return "";
  // The shortest text that reads back to the same double (as the JSON file writes it).
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (d == CsvDialect::ExcelFr) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::optional<CsvDialect> csv_dialect(const std::string& name) {
  if (name == "tidy") return CsvDialect::Tidy;
  if (name == "excel-fr") return CsvDialect::ExcelFr;
  return std::nullopt;
}

namespace {

// One table in a dialect: excel-fr starts with a UTF-8 BOM and separates fields with ';'.
struct Table {
  std::ostringstream out;
  CsvDialect dialect;
  const char* sep;
  Table(std::initializer_list<const char*> header, CsvDialect d)
      : dialect(d), sep(d == CsvDialect::ExcelFr ? ";" : ",") {
    if (d == CsvDialect::ExcelFr) out << "\xEF\xBB\xBF";
    bool first = true;
    for (const char* h : header) {
      out << (first ? "" : sep) << h;
      first = false;
    }
    out << "\r\n";
  }
  void row(std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
      out << (first ? "" : sep) << csv_field(f, dialect);
      first = false;
    }
    out << "\r\n";
  }
};

}  // namespace

std::vector<CsvFile> csv_tables(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                                const std::string& generated_at, CsvDialect d) {
  auto num = [d](double v) { return csv_number(v, d); };
  Table outs({"output", "year", "statistic", "value"}, d);
  for (std::size_t i = 0; i < p.outputs.size(); ++i)
    for (std::size_t k = 0; k < p.outputs[i].years.size(); ++k)
      for (const auto& [stat, v] : output_statistics(r.outputs[i][k]))
        outs.row({p.outputs[i].name, std::to_string(p.outputs[i].years[k].first), stat, num(v)});

  Table inds({"indicator", "year", "statistic", "value"}, d);
  for (std::size_t i = 0; i < p.indicators.size(); ++i)
    for (std::size_t k = 0; k < p.indicators[i].years.size(); ++k) {
      const auto& y = p.indicators[i].years[k];
      for (const auto& [stat, v] : indicator_statistics(y, r.indicator_target[i][k], r.indicator_target_hi[i][k],
                                                               r.indicator_met[i][k]))
        inds.row({p.indicators[i].id, std::to_string(y.year), stat, num(v)});
    }

  Table evs({"event", "year", "statistic", "value"}, d);
  for (std::size_t i = 0; i < p.events.size(); ++i)
    for (std::size_t k = 0; k < p.events[i].years.size(); ++k)
      for (const auto& [stat, v] : event_statistics(r.events[i][k]))
        evs.row({p.events[i].name, std::to_string(p.events[i].years[k].first), stat, num(v)});

  Table labels({"kind", "name", "label", "source", "unit", "on"}, d);
  for (const auto& o : p.outputs) labels.row({"output", o.name, o.label, o.source, o.unit, ""});
  for (const auto& ind : p.indicators) labels.row({"indicator", ind.id, ind.label, ind.source, "", ind.on});
  for (const auto& e : p.events) labels.row({"event", e.name, e.label, e.source, "", ""});

  Table run({"parameter", "value"}, d);
  run.row({"model", p.model_name});
  run.row({"scenario", p.scenario_name});
  run.row({"file", meta.model_path});
  run.row({"mode", meta.central ? "central" : "monte-carlo"});
  run.row({"paths", std::to_string(r.paths)});
  run.row({"seed", std::to_string(meta.seed)});
  run.row({"sampling", meta.sampling});
  if (!meta.central) run.row({"se_method", engine::se_method(r.replicates)});
  run.row({"threads", std::to_string(meta.threads)});
  run.row({"block_size", std::to_string(meta.block_size)});
  run.row({"stopped_early", r.stopped_early ? "true" : "false"});
  run.row({"wall_seconds", num(meta.wall_seconds)});
  run.row({"generated_at", generated_at});
  run.row({"version", COGSIM_VERSION});

  return {{"outputs.csv", outs.out.str()},
          {"indicators.csv", inds.out.str()},
          {"events.csv", evs.out.str()},
          {"labels.csv", labels.out.str()},
          {"run.csv", run.out.str()}};
}

std::string check_csv_dir(const std::string& dir) {
  return check_destinations({Destination{"--csv", dir, true}}).message;
}

std::string write_csv_dir(const std::string& dir, const engine::Program& p, const engine::RunResults& r,
                          const RunMeta& meta, const std::string& generated_at) {
  OutputSet set;
  std::string e = set.add_folder(dir, csv_files(p, r, meta, generated_at));
  return e.empty() ? set.commit() : e;
}

std::vector<std::pair<std::string, std::string>> csv_files(const engine::Program& p, const engine::RunResults& r,
                                                           const RunMeta& meta, const std::string& generated_at,
                                                           CsvDialect d) {
  std::vector<std::pair<std::string, std::string>> files;
  for (auto& f : csv_tables(p, r, meta, generated_at, d)) files.emplace_back(std::move(f.name), std::move(f.text));
  return files;
}

}  // namespace cogsim::app::report
