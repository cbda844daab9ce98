// The workbook of a run (`cogsim run … --xlsx FILE.xlsx`), written with libxlsxwriter: sheets
// Synthèse, Indicateurs, Entités, Séries, Graphiques (native charts), Hypothèses and Paramètres du calcul. Every figure is a number cell
// with a € or % number format, never text. See docs/reports.md.
#pragma once

#include <string>

#include <vector>

#include "dsl/compiler.hpp"
#include "engine/compare.hpp"
#include "engine/ir.hpp"
#include "engine/simulator.hpp"
#include "src/results.hpp"

namespace cogsim::app::report {

// The names of the sheets, in order.
extern const char* const kXlsxSheets[7];

// What the "Hypothèses" sheet lists: every uncertain input (a draw group) with its law as written,
// and the param cells (with their values in this run) its law names.
struct ModelInputs {
  std::vector<dsl::InputInfo> inputs;
  std::vector<dsl::ParamCell> params;
};

// Writes the workbook into the file `file` (a temporary of an OutputSet); `path` is the destination
// named in messages. Returns an error message or "".
std::string write_xlsx_file(const std::string& file, const std::string& path, const engine::Program& p,
                            const engine::RunResults& r, const RunMeta& meta, const std::string& generated_at,
                            const ModelInputs& inputs = {});
// The workbook written to `path` alone, all or nothing (an OutputSet); returns an error message or "".
std::string write_xlsx(const std::string& path, const engine::Program& p, const engine::RunResults& r,
                       const RunMeta& meta, const std::string& generated_at, const ModelInputs& inputs = {});

// The comparison workbook (`cogsim compare BASE VARIANT… --xlsx FILE`): sheets Probabilités (every
// indicator- and event-year, P in both, the paired change, its standard error, favourable or not),
// Séries (the shared series that moved: variant − base), Propres à la variante (what one side
// only has), Graphique (P(met) of the last shared year, the base and each variant, with a native
// chart). Each row of the first three names its variant in a last column, so several variants
// share the sheets.
extern const char* const kCompareSheets[4];
struct CompareSide {
  const engine::Program* program;
  const engine::CompareResults* results;
};
std::string write_compare_xlsx_file(const std::string& tmp, const std::string& path, const engine::Program& base,
                                    const std::vector<CompareSide>& variants);

}  // namespace cogsim::app::report
