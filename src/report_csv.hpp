// The tidy CSV tables of a run (`cogsim run … --csv DIR`), and what the three report writers
// (HTML, XLSX, CSV) share: the statistics written for each output, and how the report picks the
// entities, the budget funds and the headline events out of a Program.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/ir.hpp"
#include "engine/simulator.hpp"
#include "src/results.hpp"

namespace cogsim::app::report {

// ---- Shared by the report writers --------------------------------------------------------------

// The statistics of one output in one year, in the order and with the formulas of results_json:
// mean, sd, p5, p10, p25, p50, p75, p90, p95, se (sd and se are 0 below two paths).
std::vector<std::pair<std::string, double>> output_statistics(const engine::SeriesStats& s);

// The statistics of an indicator in one year: target (€), target_hi (between only), p_met, se,
// wilson95_low, wilson95_high, and rate where the kind has one (reduce_deficit, increase).
std::vector<std::pair<std::string, double>> indicator_statistics(const engine::IndicatorYear& y,
                                                                 const engine::SeriesStats& target,
                                                                 const engine::SeriesStats& target_hi,
                                                                 const engine::Proportion& met);
// The statistics of an event in one year: p, se, wilson95_low, wilson95_high.
std::vector<std::pair<std::string, double>> event_statistics(const engine::Proportion& e);

// The model's `report` lines (engine::ReportPart), or the default layout when it has none: every
// event in the headline, every output in one table.
std::vector<engine::ReportPart> report_layout(const engine::Program& p);
// The items of a kind of part that are outputs or events, in the order of the layout.
std::vector<engine::ReportItem> report_items(const engine::Program& p, engine::ReportPart::Kind kind,
                                             engine::ReportItem::What what);
// Index of the output / event named `name`, or -1.
int find_output(const engine::Program& p, const std::string& name);
int find_event(const engine::Program& p, const std::string& name);
// Index of the indicator measured on output `name` (IndicatorOut::on), or -1.
int find_indicator_on(const engine::Program& p, const std::string& name);
// Index of `year` in an indicator's / event's / output's years, or -1.
int year_index(const engine::IndicatorOut& ind, int year);
int year_index(const engine::EventOut& e, int year);
int year_index(const engine::SeriesOut& o, int year);
// The last year any indicator has (0 when there is none).
int last_indicator_year(const engine::Program& p);
// Indicators that have `year`, by increasing P(met) that year (ties by declaration order).
std::vector<std::size_t> indicators_by_risk(const engine::Program& p, const engine::RunResults& r, int year);

// "2024-11-24 23:18 UTC": when a report was written (all the files of one run share it).
std::string timestamp_now();

// ---- CSV ---------------------------------------------------------------------------------------

// How the tables are spelled. Tidy (the default): ',' between fields, decimal point, no BOM.
// ExcelFr (`--csv-dialect excel-fr`, what a French Excel opens without an import dialog): ';'
// between fields, decimal comma, a UTF-8 byte order mark at the start of each file.
enum class CsvDialect { Tidy, ExcelFr };
// "tidy" / "excel-fr", or nullopt.
std::optional<CsvDialect> csv_dialect(const std::string& name);

// One field, quoted as RFC 4180 asks when it holds the dialect's separator (',' or ';'), a
// double quote, CR or LF.
std::string csv_field(const std::string& s, CsvDialect d = CsvDialect::Tidy);
// The shortest text that reads back to the same double (std::to_chars), with a decimal comma in
// ExcelFr; empty for NaN.
std::string csv_number(double v, CsvDialect d = CsvDialect::Tidy);

struct CsvFile {
  std::string name;  // e.g. "outputs.csv"
  std::string text;  // UTF-8, CRLF line ends, header first
};
// outputs.csv (output,year,statistic,value), indicators.csv (indicator,year,statistic,value),
// events.csv (event,year,statistic,value), labels.csv (kind,name,label,source,unit,on) and
// run.csv (parameter,value).
std::vector<CsvFile> csv_tables(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                                const std::string& generated_at, CsvDialect d = CsvDialect::Tidy);

// csv_tables as (name, text) pairs, for OutputSet::add_folder.
std::vector<std::pair<std::string, std::string>> csv_files(const engine::Program& p, const engine::RunResults& r,
                                                           const RunMeta& meta, const std::string& generated_at,
                                                           CsvDialect d = CsvDialect::Tidy);
// Checks early that DIR can receive the tables: a folder holding only tables cogsim writes (or
// none), or a folder that can be created in an existing writable parent. Returns an error or "".
std::string check_csv_dir(const std::string& dir);
// Writes the tables into a new folder beside DIR, then swaps it with DIR (all or nothing).
std::string write_csv_dir(const std::string& dir, const engine::Program& p, const engine::RunResults& r,
                          const RunMeta& meta, const std::string& generated_at);

}  // namespace cogsim::app::report
