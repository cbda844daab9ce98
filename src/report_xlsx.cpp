#include "src/report_xlsx.hpp"
#include "src/sampling_option.hpp"

#include <dlfcn.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "src/compare_block.hpp"
#include "src/fr_format.hpp"
#include "src/output_set.hpp"
#include "src/report_csv.hpp"

namespace cogsim::app::report {

const char* const kXlsxSheets[7] = {"Synthèse",   "Indicateurs", "Entités",
                                    "Séries",     "Graphiques",  "Hypothèses",
                                    "Paramètres du calcul"};

namespace {

// Number formats: Excel shows the grouping and decimal separators of the reader's locale
// (1 234 567 € and 55,4 % in French).
const char* const kEuroFmt = "#,##0\\ \"€\"";
const char* const kPctFmt = "0.0%";
const char* const kPct2Fmt = "0.00%";
const char* const kRateFmt = "0.00%";
const char* const kIntFmt = "0";
const char* const kNumFmt = "#,##0.######";
const char* const kSecondsFmt = "0.00\\ \"s\"";

// libxlsxwriter is loaded when a workbook is written, not when the program starts: it brings in
// minizip and libcrypto, whose loading took ~8 ms of every command's start-up (half of
// `cogsim check`). The functions used, each named once here, resolved once.
#define COGSIM_XLSX_FUNCTIONS(X) \
  X(workbook_new) X(workbook_close) X(workbook_add_worksheet) \
  X(workbook_add_format) X(workbook_set_properties) X(worksheet_write_string) \
  X(worksheet_write_number) X(worksheet_write_blank) X(worksheet_set_column) \
  X(worksheet_freeze_panes) X(worksheet_autofilter) X(format_set_bold) \
  X(format_set_num_format) X(format_set_font_size) X(format_set_font_color) \
  X(format_set_bottom) X(format_set_bg_color) X(format_set_text_wrap) X(lxw_strerror) \
  X(worksheet_conditional_format_range) X(worksheet_set_landscape) X(worksheet_set_paper) \
  X(worksheet_fit_to_pages) X(worksheet_repeat_rows) X(worksheet_insert_chart_opt) \
  X(workbook_add_chart) X(chart_add_series) X(chart_series_set_name) X(chart_series_set_line) \
  X(chart_title_set_name) X(chart_axis_set_name) X(chart_axis_set_num_format)

struct XlsxApi {
#define COGSIM_XLSX_MEMBER(f) decltype(&::f) f;
  COGSIM_XLSX_FUNCTIONS(COGSIM_XLSX_MEMBER)
#undef COGSIM_XLSX_MEMBER
};

// The loaded library, or nullptr with `error` set.
const XlsxApi* load_xlsxwriter(std::string& error) {
  static const XlsxApi* const loaded = []() -> const XlsxApi* {
    void* lib = ::dlopen("libxlsxwriter.so." LXW_SOVERSION, RTLD_NOW | RTLD_LOCAL);
    if (!lib) return nullptr;
    static XlsxApi a;
    bool all = true;
    auto get = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
      all = all && fn != nullptr;
    };
#define COGSIM_XLSX_LOAD(f) get(a.f, #f);
    COGSIM_XLSX_FUNCTIONS(COGSIM_XLSX_LOAD)
#undef COGSIM_XLSX_LOAD
    return all ? &a : nullptr;
  }();
  if (!loaded)
    error = "cannot write an .xlsx workbook: libxlsxwriter.so." LXW_SOVERSION
            " (Debian: libxlsxwriter4) could not be loaded";
  return loaded;
}

const XlsxApi* api = nullptr;  // set by write_xlsx before any use

struct Formats {
  lxw_format *title, *bold, *header, *muted, *text, *euro, *pct, *pct2, *rate, *integer, *number, *seconds,
      *pct_bold, *wrap, *good, *warn, *bad;
};

struct Sheet {
  lxw_worksheet* ws;
  const Formats& f;
  lxw_workbook* wb = nullptr;  // for the charts of the Graphiques sheet
  lxw_row_t row = 0;
  std::vector<std::size_t> longest = {};  // per column, the longest text written (characters)
  void text(lxw_col_t c, const std::string& s, lxw_format* fmt = nullptr) {
    api->worksheet_write_string(ws, row, c, s.c_str(), fmt ? fmt : f.text);
    if (longest.size() <= c) longest.resize(c + 1, 0);
    std::size_t n = 0;  // UTF-8 characters
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    if (row > 0 || n < 40) longest[c] = std::max(longest[c], n);  // a long title does not widen its column
  }
  void number(lxw_col_t c, double v, lxw_format* fmt) {
    if (std::isfinite(v))
      api->worksheet_write_number(ws, row, c, v, fmt);
    else
      api->worksheet_write_blank(ws, row, c, fmt);
  }
  // An identifier like "12" is a number; "1a" stays text.
  void id(lxw_col_t c, const std::string& s) {
    bool digits = !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
    if (digits)
      number(c, std::stod(s), f.integer);
    else
      text(c, s);
  }
  void header(const std::vector<std::string>& names) {
    for (std::size_t c = 0; c < names.size(); ++c) text(lxw_col_t(c), names[c], f.header);
    ++row;
  }
  void widths(const std::vector<double>& w) {
    for (std::size_t c = 0; c < w.size(); ++c) api->worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), w[c], nullptr);
  }
  // Column widths that fit the texts written (at least `least`, at most 80 characters), then the
  // print setup of a table: landscape A4, one page wide, the header row on every page.
  void fit_and_print(const std::vector<double>& least, bool header_row = true) {
    std::vector<double> w(std::max(least.size(), longest.size()), 8);
    for (std::size_t c = 0; c < w.size(); ++c) {
      const double text = c < longest.size() ? 1.1 * double(longest[c]) + 2 : 0;
      w[c] = std::min(80.0, std::max(c < least.size() ? least[c] : 8.0, text));
    }
    widths(w);
    api->worksheet_set_landscape(ws);
    api->worksheet_set_paper(ws, 9);  // A4
    api->worksheet_fit_to_pages(ws, 1, 0);
    if (header_row) api->worksheet_repeat_rows(ws, 0, 0);
  }
};

// P(met) cells coloured as in the report (kRiskOk, kRiskWarn of src/fr_format.hpp).
void colour_probabilities(const Sheet& s, lxw_row_t first, lxw_row_t last, lxw_col_t col) {
  if (last < first) return;
  struct Rule {
    std::uint8_t criteria;
    double value, min, max;
    lxw_format* fmt;
  };
  const Rule rules[] = {{LXW_CONDITIONAL_CRITERIA_GREATER_THAN_OR_EQUAL_TO, kRiskOk, 0, 0, s.f.good},
                        {LXW_CONDITIONAL_CRITERIA_BETWEEN, 0, kRiskWarn, kRiskOk, s.f.warn},
                        {LXW_CONDITIONAL_CRITERIA_LESS_THAN, kRiskWarn, 0, 0, s.f.bad}};
  for (const Rule& r : rules) {
    lxw_conditional_format cf{};
    cf.type = LXW_CONDITIONAL_TYPE_CELL;
    cf.criteria = r.criteria;
    cf.value = r.value;
    cf.min_value = r.min;
    cf.max_value = r.max;
    cf.format = r.fmt;
    api->worksheet_conditional_format_range(s.ws, first, col, last, col, &cf);
  }
}

lxw_format* value_format(const Formats& f, const std::string& unit) {
  if (unit == "€") return f.euro;
  if (unit == "%") return f.pct2;
  return f.number;
}


void synthese(Sheet s, const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
              const std::string& generated_at) {
  const Formats& f = s.f;
  s.text(0,
         p.model_name + (p.scenario_name.empty() ? "" : " — scénario " + p.scenario_name) +
             " : probabilité de tenir les engagements",
         f.title);
  s.row++;
  s.text(0,
         "Simulation Monte Carlo : " + std::to_string(r.paths) + " trajectoires, graine " + std::to_string(meta.seed) +
             ", " + generated_at + ". Détail : feuilles Indicateurs, Entités, Séries.",
         f.muted);
  s.row += 2;
  s.text(0, "Risques principaux", f.bold);
  s.row++;
  s.header({"Événement", "Nom", "Source", "Année", "Probabilité", "IC 95 % bas", "IC 95 % haut"});
  for (const auto& item : report_items(p, engine::ReportPart::Kind::Headline, engine::ReportItem::What::Event)) {
    const int e = item.index;
    if (p.events[e].years.empty()) continue;
    const auto& pr = r.events[e].back();
    auto [lo, hi] = pr.interval95();
    s.text(0, p.events[e].label);
    s.text(1, p.events[e].name);
    s.text(2, p.events[e].source);
    s.number(3, p.events[e].years.back().first, f.integer);
    s.number(4, pr.p(), f.pct_bold);
    s.number(5, lo, f.pct2);
    s.number(6, hi, f.pct2);
    s.row++;
  }
  int last = last_indicator_year(p);
  std::vector<std::size_t> risk = indicators_by_risk(p, r, last);
  if (!risk.empty()) {
    s.row++;
    s.text(0, "Indicateurs du plus au moins à risque en " + std::to_string(last), f.bold);
    s.row++;
    s.header({"Entité", "n°", "Indicateur", "Cible", "P(atteint)", "IC 95 % bas", "IC 95 % haut", "Source"});
    const lxw_row_t first = s.row;
    for (std::size_t i : risk) {
      const auto& ind = p.indicators[i];
      int k = year_index(ind, last);
      const auto& pr = r.indicator_met[i][k];
      auto [lo, hi] = pr.interval95();
      int o = find_output(p, ind.on);
      s.text(0, o >= 0 ? p.outputs[o].label : ind.on);
      s.id(1, ind.id);
      s.text(2, ind.label);
      s.number(3, r.indicator_target[i][k].moments.mean(), value_format(f, o >= 0 ? p.outputs[o].unit : "€"));
      s.number(4, pr.p(), f.pct_bold);
      s.number(5, lo, f.pct2);
      s.number(6, hi, f.pct2);
      s.text(7, ind.source);
      s.row++;
    }
    colour_probabilities(s, first, s.row - 1, 4);
  }
  if (!p.events.empty()) {
    s.row++;
    s.text(0, "Tous les événements", f.bold);
    s.row++;
    s.header({"Événement", "Nom", "Source", "Année", "Probabilité", "IC 95 % bas", "IC 95 % haut"});
    for (std::size_t e = 0; e < p.events.size(); ++e)
      for (std::size_t k = 0; k < p.events[e].years.size(); ++k) {
        const auto& pr = r.events[e][k];
        auto [lo, hi] = pr.interval95();
        s.text(0, p.events[e].label);
        s.text(1, p.events[e].name);
        s.text(2, p.events[e].source);
        s.number(3, p.events[e].years[k].first, f.integer);
        s.number(4, pr.p(), f.pct);
        s.number(5, lo, f.pct2);
        s.number(6, hi, f.pct2);
        s.row++;
      }
  }
  s.fit_and_print({12, 10, 30, 10, 12, 12, 12, 20}, false);
}

void indicateurs(Sheet s, const engine::Program& p, const engine::RunResults& r) {
  const Formats& f = s.f;
  s.header({"n°", "Indicateur", "Source", "Porte sur", "Année", "Type de cible", "Taux", "Cible", "P(atteint)",
            "Erreur type", "IC 95 % bas", "IC 95 % haut"});
  for (std::size_t i = 0; i < p.indicators.size(); ++i) {
    const auto& ind = p.indicators[i];
    for (std::size_t k = 0; k < ind.years.size(); ++k) {
      const auto& y = ind.years[k];
      const auto& pr = r.indicator_met[i][k];
      auto [lo, hi] = pr.interval95();
      s.id(0, ind.id);
      s.text(1, ind.label);
      s.text(2, ind.source);
      s.text(3, ind.on);
      s.number(4, y.year, f.integer);
      s.text(5, engine::info(y.kind).name_fr);
      if (y.has_rate()) s.number(6, y.rate, f.rate);
      const int o = find_output(p, ind.on);
      s.number(7, r.indicator_target[i][k].moments.mean(), value_format(f, o >= 0 ? p.outputs[o].unit : "€"));
      s.number(8, pr.p(), f.pct);
      s.number(9, pr.std_error(), f.pct2);
      s.number(10, lo, f.pct2);
      s.number(11, hi, f.pct2);
      s.row++;
    }
  }
  api->worksheet_freeze_panes(s.ws, 1, 2);
  if (s.row > 1) api->worksheet_autofilter(s.ws, 0, 0, s.row - 1, 11);
  colour_probabilities(s, 1, s.row - 1, 8);
  s.fit_and_print({6, 30, 20, 12, 8, 14, 8, 14, 11, 11, 11, 11});
}

void entites(Sheet s, const engine::Program& p, const engine::RunResults& r) {
  s.header({"Sortie", "Libellé", "Unité", "Année", "Moyenne", "Écart-type", "P5", "P10", "P25", "P50", "P75", "P90",
            "P95", "Erreur type (moyenne)", "Source"});
  for (std::size_t i = 0; i < p.outputs.size(); ++i) {
    const auto& o = p.outputs[i];
    lxw_format* fmt = value_format(s.f, o.unit);
    for (std::size_t k = 0; k < o.years.size(); ++k) {
      s.text(0, o.name);
      s.text(1, o.label);
      s.text(2, o.unit);
      s.number(3, o.years[k].first, s.f.integer);
      lxw_col_t c = 4;
      for (const auto& [name, v] : output_statistics(r.outputs[i][k])) s.number(c++, v, fmt);
      s.text(c, o.source);
      s.row++;
    }
  }
  api->worksheet_freeze_panes(s.ws, 1, 1);
  if (s.row > 1) api->worksheet_autofilter(s.ws, 0, 0, s.row - 1, 14);
  s.fit_and_print({14, 30, 7, 8, 16, 14, 16, 16, 16, 16, 16, 16, 16, 13, 20});
}

void series_sheet(Sheet s, const engine::Program& p, const engine::RunResults& r) {
  s.header({"Série", "Libellé", "Année", "Moyenne", "Écart-type", "P5", "P95", "Source"});
  for (const auto& item : report_items(p, engine::ReportPart::Kind::Table, engine::ReportItem::What::Output)) {
    const auto i = std::size_t(item.index);
    const auto& o = p.outputs[i];
    lxw_format* fmt = value_format(s.f, o.unit);
    for (std::size_t k = 0; k < o.years.size(); ++k) {
      const auto& st = r.outputs[i][k];
      s.text(0, o.name);
      s.text(1, o.label);
      s.number(2, o.years[k].first, s.f.integer);
      s.number(3, st.moments.mean(), fmt);
      s.number(4, st.moments.n > 1 ? st.moments.sd() : 0.0, fmt);
      s.number(5, st.quantile(0.05), fmt);
      s.number(6, st.quantile(0.95), fmt);
      s.text(7, o.source);
      s.row++;
    }
  }
  api->worksheet_freeze_panes(s.ws, 1, 1);
  s.fit_and_print({14, 30, 8, 16, 14, 16, 16, 20});
}

// One row per uncertain input (a draw group): its label, name, law as written in the model, and
// the values in this run of the params its law names.
void hypotheses(Sheet s, const ModelInputs& m) {
  s.header({"Hypothèse", "Nom", "Loi (telle qu'écrite dans le modèle)", "Paramètres de la loi (valeurs de ce calcul)",
            "Unité", "Source"});
  for (const auto& in : m.inputs) {
    std::string values;
    for (std::size_t k = 0; k < in.param_cells.size(); ++k) {
      const auto& c = m.params[in.param_cells[k]];
      if (!c.value) continue;
      values += (values.empty() ? "" : " ; ") + c.cell + " = " + fr_amount(*c.value, c.unit);
      if (values.size() > 2000) {  // a param table of many cells: the first ones, then a count
        values += " ; … (" + std::to_string(in.param_cells.size() - k - 1) + " de plus)";
        break;
      }
    }
    s.text(0, in.label.empty() ? in.name : in.label, s.f.wrap);
    s.text(1, in.name);
    s.text(2, in.law, s.f.wrap);
    s.text(3, values, s.f.wrap);
    s.text(4, in.unit);
    s.text(5, in.source, s.f.wrap);
    s.row++;
  }
  api->worksheet_freeze_panes(s.ws, 1, 1);
  s.fit_and_print({30, 14, 30, 30, 6, 30});
}

// Native Excel charts: for each series of the report's tables, its fan (P5, P25, P50, P75, P95 and
// the mean, by year) as a line chart beside the block of cells it reads.
void graphiques(Sheet s, const engine::Program& p, const engine::RunResults& r) {
  const char* sheet = kXlsxSheets[4];
  static const double levels[] = {0.05, 0.25, 0.50, 0.75, 0.95};
  static const char* const names[] = {"P5", "P25", "P50", "P75", "P95"};
  lxw_chart_line thin{}, bold{}, dashed{};
  thin.color = 0x8EA9C8, thin.width = 1.0f;
  bold.color = 0x1F4E79, bold.width = 2.25f;
  dashed.color = 0xC55A11, dashed.width = 1.5f, dashed.dash_type = LXW_CHART_LINE_DASH_DASH;
  for (const auto& item : report_items(p, engine::ReportPart::Kind::Table, engine::ReportItem::What::Output)) {
    const auto i = std::size_t(item.index);
    const auto& o = p.outputs[i];
    if (o.years.size() < 2) continue;
    lxw_format* fmt = value_format(s.f, o.unit);
    const lxw_row_t top = s.row;
    s.text(0, o.label + " (" + o.name + ")", s.f.bold);
    s.row++;
    s.header({"Année", "P5", "P25", "P50", "P75", "P95", "Moyenne"});
    for (std::size_t k = 0; k < o.years.size(); ++k) {
      const auto& st = r.outputs[i][k];
      s.number(0, o.years[k].first, s.f.integer);
      for (int q = 0; q < 5; ++q) s.number(lxw_col_t(1 + q), st.quantile(levels[q]), fmt);
      s.number(6, st.moments.mean(), fmt);
      s.row++;
    }
    const lxw_row_t first = top + 2, last = s.row - 1;
    auto range = [&](int col) {
      const char c = char('A' + col);
      return std::string("='") + sheet + "'!$" + c + "$" + std::to_string(first + 1) + ":$" + c + "$" +
             std::to_string(last + 1);
    };
    lxw_chart* chart = api->workbook_add_chart(s.wb, LXW_CHART_LINE);
    for (int q = 0; q <= 5; ++q) {
      lxw_chart_series* series = api->chart_add_series(chart, range(0).c_str(), range(1 + q).c_str());
      api->chart_series_set_name(series, q < 5 ? names[q] : "Moyenne");
      lxw_chart_line line = q == 5 ? dashed : q == 2 ? bold : thin;
      api->chart_series_set_line(series, &line);
    }
    const std::string title = o.label + (o.unit.empty() ? "" : " (" + o.unit + ")");
    api->chart_title_set_name(chart, title.c_str());
    api->chart_axis_set_name(chart->x_axis, "Année");
    api->chart_axis_set_num_format(chart->y_axis, o.unit == "%" ? kPctFmt : o.unit == "€" ? kEuroFmt : "General");
    lxw_chart_options where{};
    where.x_scale = 1.3, where.y_scale = 1.1;
    api->worksheet_insert_chart_opt(s.ws, top, 8, chart, &where);
    s.row = std::max<lxw_row_t>(s.row, top + 18) + 1;  // the chart's height, then a gap
  }
  s.fit_and_print({28, 14, 14, 14, 14, 14, 14}, false);
}

void parametres(Sheet s, const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                const std::string& generated_at) {
  const Formats& f = s.f;
  s.header({"Paramètre", "Valeur"});
  auto t = [&](const char* k, const std::string& v) {
    s.text(0, k);
    s.text(1, v);
    s.row++;
  };
  auto n = [&](const char* k, double v, lxw_format* fmt) {
    s.text(0, k);
    s.number(1, v, fmt);
    s.row++;
  };
  t("Modèle", p.model_name);
  t("Scénario", p.scenario_name.empty() ? "(modèle de référence)" : p.scenario_name);
  t("Fichier de règles", meta.model_path);
  t("Mode", meta.central ? "chemin central" : "Monte Carlo");
  n("Trajectoires simulées", double(r.paths), f.integer);
  t("Arrêt anticipé", r.stopped_early ? "oui (précision atteinte)" : "non");
  if (meta.seed <= (std::uint64_t(1) << 53))
    n("Graine", double(meta.seed), f.integer);
  else
    t("Graine", std::to_string(meta.seed));
  t("Échantillonnage", sampling_label_fr(meta.sampling));
  n("Fils d'exécution", meta.threads, f.integer);
  n("Taille de bloc", double(meta.block_size), f.integer);
  n("Durée du calcul", meta.wall_seconds, f.seconds);
  n("Année de base", p.base_year, f.integer);
  n("Première année", p.first_year, f.integer);
  n("Horizon", p.horizon, f.integer);
  t("Date", generated_at);
  t("Version de cogsim", COGSIM_VERSION);
  t("Centiles", "P5 à P95 : fenêtres fines placées par un pilote, erreur au plus un quart de l'erreur Monte Carlo "
                "(quantile_error du fichier JSON) ; ailleurs DDSketch, précision relative 0,1 % (docs/design.md)");
  s.fit_and_print({28, 30});
}

}  // namespace

namespace {

// A new workbook at `tmp` with the formats every sheet uses; nullptr with `error` set.
lxw_workbook* open_book(const std::string& tmp, const std::string& path, Formats& f, std::string& error) {
  if (!(api = load_xlsxwriter(error))) return nullptr;
  lxw_workbook* wb = api->workbook_new(tmp.c_str());
  if (!wb) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  auto fmt = [&](const char* num_format) {
    lxw_format* x = api->workbook_add_format(wb);
    if (num_format) api->format_set_num_format(x, num_format);
    return x;
  };
  f = Formats{};
  f.title = fmt(nullptr);
  api->format_set_bold(f.title);
  api->format_set_font_size(f.title, 14);
  f.bold = fmt(nullptr);
  api->format_set_bold(f.bold);
  f.header = fmt(nullptr);
  api->format_set_bold(f.header);
  api->format_set_bg_color(f.header, 0xDCE6F1);
  api->format_set_bottom(f.header, LXW_BORDER_THIN);
  f.muted = fmt(nullptr);
  api->format_set_font_color(f.muted, 0x5F6B76);
  f.text = nullptr;
  f.euro = fmt(kEuroFmt);
  f.pct = fmt(kPctFmt);
  f.pct2 = fmt(kPct2Fmt);
  f.rate = fmt(kRateFmt);
  f.integer = fmt(kIntFmt);
  f.number = fmt(kNumFmt);
  f.seconds = fmt(kSecondsFmt);
  f.pct_bold = fmt(kPctFmt);
  api->format_set_bold(f.pct_bold);
  f.wrap = fmt(nullptr);
  api->format_set_text_wrap(f.wrap);
  auto fill = [&](lxw_color_t bg, lxw_color_t fg) {
    lxw_format* x = fmt(nullptr);
    api->format_set_bg_color(x, bg);
    api->format_set_font_color(x, fg);
    return x;
  };
  f.good = fill(0xE2F0D9, 0x2E6B30), f.warn = fill(0xFFF2CC, 0x7F6000), f.bad = fill(0xF8D7DA, 0x8B1A1A);
  return wb;
}

// The workbook's title and author, then closed (written); an error message or "".
std::string close_book(lxw_workbook* wb, std::string title, const std::string& path) {
  std::string author = std::string("cogsim ") + COGSIM_VERSION;
  lxw_doc_properties props{};
  props.title = title.data();
  props.author = author.data();
  api->workbook_set_properties(wb, &props);
  lxw_error err = api->workbook_close(wb);
  if (err != LXW_NO_ERROR) return "cannot write '" + path + "': " + api->lxw_strerror(err);
  return "";
}

}  // namespace

std::string write_xlsx_file(const std::string& tmp, const std::string& path, const engine::Program& p,
                            const engine::RunResults& r, const RunMeta& meta, const std::string& generated_at,
                            const ModelInputs& inputs) {
  Formats f;
  std::string error;
  lxw_workbook* wb = open_book(tmp, path, f, error);
  if (!wb) return error;
  constexpr int kSheets = int(std::size(kXlsxSheets));
  lxw_worksheet* ws[kSheets];
  for (int i = 0; i < kSheets; ++i) ws[i] = api->workbook_add_worksheet(wb, kXlsxSheets[i]);
  synthese(Sheet{ws[0], f}, p, r, meta, generated_at);
  indicateurs(Sheet{ws[1], f}, p, r);
  entites(Sheet{ws[2], f}, p, r);
  series_sheet(Sheet{ws[3], f}, p, r);
  graphiques(Sheet{ws[4], f, wb}, p, r);
  hypotheses(Sheet{ws[5], f}, inputs);
  parametres(Sheet{ws[6], f}, p, r, meta, generated_at);
  return close_book(wb, p.model_name + " — résultats de simulation", path);
}

// ---- The comparison workbook (`cogsim compare BASE VARIANT --xlsx FILE`) ----------------------

const char* const kCompareSheets[4] = {"Probabilités", "Séries", "Propres à la variante", "Graphique"};

namespace {

// Indicators and events × years: P in each scenario, the paired change and its standard error,
// and whether the change is favourable in the model's direction.
void compare_probabilities(Sheet& s, const engine::Program& base, const engine::Program& variant,
                           const engine::CompareResults& r) {
  const std::string title = scenario_title(variant);
  for (bool events : {false, true})
    for (const auto& d : events ? r.events : r.indicators) {
      const int rising = events ? event_direction(base, variant, d.id) : +1;
      for (const auto& y : d.years) {
        s.text(0, events ? "événement" : "indicateur");
        s.id(1, d.id);
        s.text(2, d.label);
        s.number(3, y.year, s.f.integer);
        s.number(4, y.base.p(), s.f.pct);
        s.number(5, y.variant.p(), s.f.pct);
        s.number(6, y.delta(), s.f.pct2);
        s.number(7, y.std_error(), s.f.pct2);
        const Verdict v = verdict_of(y.delta(), rising);
        s.text(8, v == Verdict::Good ? "favorable" : v == Verdict::Bad ? "défavorable" : "—",
               v == Verdict::Good ? s.f.good : v == Verdict::Bad ? s.f.bad : nullptr);
        s.text(9, title);
        s.row++;
      }
    }
}

// The shared series that moved: variant − base on the same paths, year by year.
void compare_series(Sheet& s, const engine::Program& variant, const engine::CompareResults& r) {
  const std::string title = scenario_title(variant);
  for (const auto& o : r.outputs)
    for (const auto& y : o.years) {
      const auto& d = y.delta;
      if (unchanged(d)) continue;
      lxw_format* fmt = value_format(s.f, o.unit);
      s.text(0, o.name);
      s.text(1, o.label);
      s.text(2, o.unit);
      s.number(3, y.year, s.f.integer);
      s.number(4, d.moments.mean(), fmt);
      s.number(5, d.quantile(0.05), fmt);
      s.number(6, d.quantile(0.5), fmt);
      s.number(7, d.quantile(0.95), fmt);
      s.text(8, title);
      s.row++;
    }
}

// The series (or years) one scenario only has: their values there (an avenant's own cost).
void compare_solo(Sheet& s, const engine::Program& variant, const engine::CompareResults& r) {
  const std::string title = scenario_title(variant);
  for (const auto& o : r.solo_outputs)
    for (const auto& y : o.years) {
      lxw_format* fmt = value_format(s.f, o.unit);
      s.text(0, o.name);
      s.text(1, o.label);
      s.text(2, o.side == 1 ? "variante" : "base");
      s.number(3, y.year, s.f.integer);
      s.number(4, y.value.moments.mean(), fmt);
      s.number(5, y.value.quantile(0.05), fmt);
      s.number(6, y.value.quantile(0.95), fmt);
      s.text(7, title);
      s.row++;
    }
}

// P(met) of each indicator in its last shared year (the first variant's list): the base, then each
// variant, side by side, and a native clustered column chart of them.
void compare_chart(Sheet s, const engine::Program& base, const std::vector<CompareSide>& variants) {
  std::vector<std::string> head = {"Indicateur", "Année", "P base"};
  for (const CompareSide& v : variants) head.push_back("P " + scenario_title(*v.program));
  s.header(head);
  for (const auto& d : variants.front().results->indicators) {
    if (d.years.empty()) continue;
    const int year = d.years.back().year;
    std::string label = d.label;  // the base's: a variant may relabel it (an eased target), the row is shared
    for (const auto& b : base.indicators)
      if (b.id == d.id) label = b.label;
    s.text(0, d.id + " — " + label);
    s.number(1, year, s.f.integer);
    s.number(2, d.years.back().base.p(), s.f.pct);
    for (std::size_t k = 0; k < variants.size(); ++k)
      for (const auto& e : variants[k].results->indicators)
        if (e.id == d.id)
          for (const auto& y : e.years)
            if (y.year == year) s.number(3 + int(k), y.variant.p(), s.f.pct);
    s.row++;
  }
  std::vector<double> widths = {40, 7, 10};
  widths.resize(3 + variants.size(), 14);
  s.fit_and_print(widths);
  if (s.row < 2) return;
  auto range = [&](std::size_t col) {
    const char c = static_cast<char>('A' + col);
    return std::string("='") + kCompareSheets[3] + "'!$" + c + "$2:$" + c + "$" + std::to_string(s.row);
  };
  lxw_chart* chart = api->workbook_add_chart(s.wb, LXW_CHART_COLUMN);
  lxw_chart_line edge{};
  static constexpr lxw_color_t kColours[] = {0x8EA9C8, 0x1F4E79, 0xC55A11, 0x548235, 0x7030A0, 0xBF9000};
  for (std::size_t k = 0; k <= variants.size() && k < 24; ++k) {  // columns C.. within A..Z
    lxw_chart_series* series = api->chart_add_series(chart, range(0).c_str(), range(2 + k).c_str());
    const std::string name = k == 0 ? "base" : variants.size() == 1 ? "variante" : scenario_title(*variants[k - 1].program);
    api->chart_series_set_name(series, name.c_str());
    edge.color = kColours[k % std::size(kColours)];
    api->chart_series_set_line(series, &edge);
  }
  api->chart_title_set_name(chart, "Probabilité d'atteindre la cible, dernière année commune");
  api->chart_axis_set_num_format(chart->y_axis, kPctFmt);
  lxw_chart_options where{};
  where.x_scale = 2.0, where.y_scale = 1.4;
  api->worksheet_insert_chart_opt(s.ws, s.row + 1, 0, chart, &where);
}

}  // namespace

std::string write_compare_xlsx_file(const std::string& tmp, const std::string& path, const engine::Program& base,
                                    const std::vector<CompareSide>& variants) {
  if (variants.empty()) return "the comparison workbook needs a variant";
  Formats f;
  std::string error;
  lxw_workbook* wb = open_book(tmp, path, f, error);
  if (!wb) return error;
  lxw_worksheet* ws[4];
  for (int i = 0; i < 4; ++i) ws[i] = api->workbook_add_worksheet(wb, kCompareSheets[i]);
  Sheet probs{ws[0], f}, series{ws[1], f}, solo{ws[2], f};
  probs.header({"Type", "Id", "Libellé", "Année", "P base", "P variante", "Écart", "Erreur-type", "Sens", "Variante"});
  series.header({"Série", "Libellé", "Unité", "Année", "Écart moyen", "P5", "P50", "P95", "Variante"});
  solo.header({"Série", "Libellé", "Scénario", "Année", "Moyenne", "P5", "P95", "Variante"});
  for (const CompareSide& v : variants) {
    compare_probabilities(probs, base, *v.program, *v.results);
    compare_series(series, *v.program, *v.results);
    compare_solo(solo, *v.program, *v.results);
  }
  for (Sheet* s : {&probs, &series, &solo}) api->worksheet_freeze_panes(s->ws, 1, 0);
  if (probs.row > 1) api->worksheet_autofilter(probs.ws, 0, 0, probs.row - 1, 9);
  probs.fit_and_print({12, 6, 40, 7, 10, 10, 10, 10, 12, 30});
  series.fit_and_print({20, 40, 6, 7, 14, 14, 14, 14, 30});
  solo.fit_and_print({20, 40, 10, 7, 14, 14, 14, 30});
  compare_chart(Sheet{ws[3], f, wb}, base, variants);
  const std::string title = variants.size() == 1 ? scenario_title(*variants.front().program)
                                                 : std::to_string(variants.size()) + " variantes";
  return close_book(wb, "Comparaison — " + title, path);
}

std::string write_xlsx(const std::string& path, const engine::Program& p, const engine::RunResults& r,
                       const RunMeta& meta, const std::string& generated_at, const ModelInputs& inputs) {
  OutputSet set;
  std::string e = set.add_file_with(
      path, [&](const std::string& tmp) { return write_xlsx_file(tmp, path, p, r, meta, generated_at, inputs); });
  return e.empty() ? set.commit() : e;
}

}  // namespace cogsim::app::report
