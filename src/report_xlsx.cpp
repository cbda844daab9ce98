#include "src/report_xlsx.hpp"
#include "src/sampling_option.hpp"

#include <dlfcn.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "src/output_set.hpp"
#include "src/report_csv.hpp"

namespace cogsim::app::report {

const char* const kXlsxSheets[5] = {"Synthèse", "Indicateurs", "Entités", "Séries", "Paramètres du calcul"};

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
  X(format_set_bottom) X(format_set_bg_color) X(lxw_strerror)

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
      *pct_bold;
};

struct Sheet {
  lxw_worksheet* ws;
  const Formats& f;
  lxw_row_t row = 0;
  void text(lxw_col_t c, const std::string& s, lxw_format* fmt = nullptr) {
    api->worksheet_write_string(ws, row, c, s.c_str(), fmt ? fmt : f.text);
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
};

lxw_format* value_format(const Formats& f, const std::string& unit) {
  if (unit == "€") return f.euro;
  if (unit == "%") return f.pct2;
  return f.number;
}


void synthese(Sheet s, const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
              const std::string& generated_at) {
  const Formats& f = s.f;
  s.widths({40, 34, 60, 18, 14, 13, 13, 50});
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
    s.header({"Entité", "n°", "Indicateur", "Cible (€)", "P(atteint)", "IC 95 % bas", "IC 95 % haut", "Source"});
    for (std::size_t i : risk) {
      const auto& ind = p.indicators[i];
      int k = year_index(ind, last);
      const auto& pr = r.indicator_met[i][k];
      auto [lo, hi] = pr.interval95();
      int o = find_output(p, ind.on);
      s.text(0, o >= 0 ? p.outputs[o].label : ind.on);
      s.id(1, ind.id);
      s.text(2, ind.label);
      s.number(3, r.indicator_target[i][k].moments.mean(), f.euro);
      s.number(4, pr.p(), f.pct_bold);
      s.number(5, lo, f.pct2);
      s.number(6, hi, f.pct2);
      s.text(7, ind.source);
      s.row++;
    }
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
}

void indicateurs(Sheet s, const engine::Program& p, const engine::RunResults& r) {
  const Formats& f = s.f;
  s.widths({6, 70, 36, 22, 8, 22, 10, 16, 12, 12, 12, 12});
  s.header({"n°", "Indicateur", "Source", "Porte sur", "Année", "Type de cible", "Taux", "Cible (€)", "P(atteint)",
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
      s.number(7, r.indicator_target[i][k].moments.mean(), f.euro);
      s.number(8, pr.p(), f.pct);
      s.number(9, pr.std_error(), f.pct2);
      s.number(10, lo, f.pct2);
      s.number(11, hi, f.pct2);
      s.row++;
    }
  }
  api->worksheet_freeze_panes(s.ws, 1, 2);
  if (s.row > 1) api->worksheet_autofilter(s.ws, 0, 0, s.row - 1, 11);
}

void entites(Sheet s, const engine::Program& p, const engine::RunResults& r) {
  s.widths({24, 50, 7, 8, 16, 14, 16, 16, 16, 16, 16, 16, 16, 13, 50});
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
}

void series_sheet(Sheet s, const engine::Program& p, const engine::RunResults& r) {
  s.widths({24, 50, 8, 16, 14, 16, 16, 70});
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
}

void parametres(Sheet s, const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                const std::string& generated_at) {
  const Formats& f = s.f;
  s.widths({28, 70});
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
  t("Centiles", "DDSketch, précision relative 0,1 % (voir docs/design.md)");
}

}  // namespace

std::string write_xlsx_file(const std::string& tmp, const std::string& path, const engine::Program& p,
                            const engine::RunResults& r, const RunMeta& meta, const std::string& generated_at) {
  std::string load_error;
  if (!(api = load_xlsxwriter(load_error))) return load_error;
  lxw_workbook* wb = api->workbook_new(tmp.c_str());
  if (!wb) return "cannot write '" + path + "': " + std::strerror(errno);
  auto fmt = [&](const char* num_format) {
    lxw_format* x = api->workbook_add_format(wb);
    if (num_format) api->format_set_num_format(x, num_format);
    return x;
  };
  Formats f{};
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

  lxw_worksheet* ws[5];
  for (int i = 0; i < 5; ++i) ws[i] = api->workbook_add_worksheet(wb, kXlsxSheets[i]);
  synthese(Sheet{ws[0], f}, p, r, meta, generated_at);
  indicateurs(Sheet{ws[1], f}, p, r);
  entites(Sheet{ws[2], f}, p, r);
  series_sheet(Sheet{ws[3], f}, p, r);
  parametres(Sheet{ws[4], f}, p, r, meta, generated_at);
  std::string title = p.model_name + " — résultats de simulation";
  std::string author = std::string("cogsim ") + COGSIM_VERSION;
  lxw_doc_properties props{};
  props.title = title.data();
  props.author = author.data();
  api->workbook_set_properties(wb, &props);
  lxw_error err = api->workbook_close(wb);
  if (err != LXW_NO_ERROR) return "cannot write '" + path + "': " + api->lxw_strerror(err);
  return "";
}

std::string write_xlsx(const std::string& path, const engine::Program& p, const engine::RunResults& r,
                       const RunMeta& meta, const std::string& generated_at) {
  OutputSet set;
  std::string e = set.add_file_with(
      path, [&](const std::string& tmp) { return write_xlsx_file(tmp, path, p, r, meta, generated_at); });
  return e.empty() ? set.commit() : e;
}

}  // namespace cogsim::app::report
