// Checks a loaded model and lowers it to the engine's IR.
//
// The checker works cell by cell: every (member tuple, year) of every definition is lowered in
// dependency order, so names, indices, units, years and cycles are all checked on the exact
// cells the model defines, and a lag that reaches before the first year is caught where it is
// written. Errors do not stop the walk: each one is reported once, and the walk goes on.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dsl/loader.hpp"
#include "dsl/symbols.hpp"
#include "dsl/units.hpp"
#include "engine/evaluator.hpp"
#include "engine/ir.hpp"

namespace cogsim::dsl {

// One cell of a param of numbers as the model (with its overrides) defines it: what `cogsim serve`
// lists and edits. `value` is empty when the cell is not a constant (an expression of draws).
struct ParamAxis {
  std::string name;                  // the set's name, or "2020..2024" for the year axis
  std::vector<std::string> members;  // its members (years as text)
};
struct ParamCell {
  std::string param, cell, label, unit, source;  // cell: name or name[MEMBER, YEAR]
  std::vector<ParamAxis> axes;                   // the param's axes (a table's rows are the first)
  std::optional<double> value;
  bool overridden = false;  // set by CompileOptions::param_overrides
  std::optional<std::pair<double, double>> range;  // `range LO .. HI` (docs/language.md §4.5): a slider's span
  bool table = false;  // given by a table with a year index: `extend param` can replace some of its cells
  bool money = false;  // an amount in € (declared, or inferred from the values when no unit word is)
  bool written_percent = false;  // its value is one number written with `%` in the model (`2 %`)
  // An amount: money by its value, or by its declared unit word (a cell of 0 has no unit of its own).
  bool amount() const { return money || is_money_unit(unit); }
};

// A group of params for the page of `cogsim serve`: a `report params "TITLE" a, b` line, or
// (a model without such lines) the params declared in one file, titled by the file's name.
struct ParamSection {
  std::string title;
  std::vector<std::string> params;  // in the line's order (a file's: declaration order)
};

// An uncertain input of the program, one per engine::Program::draw_groups in its order: the
// definition whose draws it gathers, with the model's label, unit and source. A budget line's
// execution rate (`L.execution`) takes the line's label and source; its unit is "%".
struct InputInfo {
  std::string name, label, unit, source;
  std::string law;  // the definition as written (clauses joined by " ; ", spaces collapsed), or ""
  std::vector<std::size_t> param_cells;  // the cells (Compiled::params) of the params its law names
};

struct Compiled {
  std::optional<engine::Program> program;  // empty when there is an error
  std::vector<InputInfo> inputs;           // with program: its draw groups described
  Diagnostics diags;                       // errors and warnings, in source order
  std::vector<ParamCell> params;           // every param cell of numbers lowered, in lowering order
  std::vector<ParamSection> param_sections;  // how the page groups them (dsl/param_info.cpp)
};

// A param cell's name without its spaces: how cells are matched everywhere (overrides, --set,
// --grid, goal --param, the serve page): "savings[CDS, 2024]" is "savings[CDS,2024]".
inline std::string spaceless(std::string name) {
  std::erase(name, ' ');
  return name;
}

struct CompileOptions {
  // Param cells replaced by a value, e.g. {"savings[CDS,2024]", 0.02} or {"gap_sd", 0.01}
  // (what `cogsim goal` searches over). Spaces in the names do not matter.
  std::map<std::string, double> param_overrides;
  // Fuse pairs of arithmetic instructions (Op::Fused): same results to the bit, fewer passes over
  // the block. Off only to test that claim.
  bool fuse = true;
  // Compute an operation on the same operands once (common subexpressions) and drop x * 1, x / 1:
  // same results to the bit, fewer instructions. Off only to test that claim.
  bool cse = true;
  // The most cells (one value per member tuple and year) the model's definitions may unroll to,
  // and the most terms its sums may unroll to: past it, an error naming the definition, instead
  // of hours of lowering and gigabytes of memory (`--max-cells` raises it).
  std::uint64_t max_cells = kDefaultMaxCells;
};

Compiled compile(const Loaded& loaded, Sources& sources, const CompileOptions& options = {});

// Reads PATH (a .cog file or a folder with main.cog) and compiles it.
Compiled compile_file(const std::string& path, Sources& sources, const CompileOptions& options = {});
// Compiles text held in memory (tests); includes resolve relative to the current directory.
Compiled compile_text(const std::string& name, const std::string& text, Sources& sources,
                      const CompileOptions& options = {});

// Evaluates the rules file's `assert` lines on the central path; failures become diagnostics.
Diagnostics run_checks(const engine::Program& program);

}  // namespace cogsim::dsl
