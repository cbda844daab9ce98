// The checked view of a model: sets, symbols (params, vars, budget lines, events), indicators.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "dsl/ast.hpp"

namespace cogsim::dsl {

// Years are whole numbers in this range: a model's years, its tables' and its sums' ranges
// are bounded by it, so that no year (1e308, 2147483647) makes the checker unroll forever.
inline constexpr int kMinYear = 1900;
// CompileOptions::max_cells by default; the checker stops after kMaxCheckErrors errors.
inline constexpr std::uint64_t kDefaultMaxCells = 2'000'000;
inline constexpr int kMaxCheckErrors = 200;
inline constexpr int kMaxYear = 2200;
inline std::string year_range_message(const std::string& year) {
  return "year " + year + " is out of range: years are whole numbers from " + std::to_string(kMinYear) +
         " to " + std::to_string(kMaxYear);
}

struct SetInfo {
  std::string name, label, source;
  SourceLoc loc;
  int layer = 0;
  int parent = -1;
  std::vector<std::string> members, labels;
  std::unordered_map<std::string, int> index;
};

struct AxisInfo {
  std::string var;  // binder name, may be empty
  bool is_year = false;
  int set = -1;
  int y0 = 0, y1 = -1;
  int size(const std::vector<SetInfo>& sets) const {
    return is_year ? y1 - y0 + 1 : static_cast<int>(sets[set].members.size());
  }
};

// The dimension of a value: the power of € it carries (0 for rates and plain numbers), or a
// condition (true/false). `wild` marks a literal 0, which fits any unit.
struct Dim {
  int money = 0;
  bool boolean = false;
  bool wild = false;
  bool error = false;  // already reported: do not report again
  bool operator==(const Dim& o) const { return money == o.money && boolean == o.boolean; }
};

std::string describe(const Dim& d);

enum class Kind {
  Param, Var, Event,
  LineEnvelope, LineAuthorised, LineExecuted, LineUnspent, LineCarried, LineAmount,
  FundCancelled, FundCarriedBeyond,
};

struct LineInfo {
  std::string fund, name, full, label, source;
  std::string nature;  // limitative | evaluative
  std::string group;   // personnel | fonctionnement | investissement
  bool programme = false, carry_over = false;
  const ast::Table* amounts = nullptr;
  const ast::LineAttr* index = nullptr;     // index_inflation(forecast, realised) from Y
  const ast::LineAttr* actualise = nullptr; // actualise_rmpp(realised, reference) from Y
  const ast::Expr* execution = nullptr;
  const ast::Expr* raised = nullptr;         // raised_by(AMOUNT): added to the envelope of each year
  std::map<int, double> amount;             // year -> € from the table (and its extensions)
  std::string continued;                    // `continue_amounts`: why the last amount goes on to the horizon
  std::vector<std::pair<int, const ast::TransferDecl*>> transfers_in, transfers_out;
  SourceLoc loc;
};

struct FundInfo {
  std::string name, label, source;
  std::string fungibility, fungibility_source;  // "asymmetric" | "within_groups" | ""
  std::vector<int> lines;
  int y0 = 0, y1 = -1;
  SourceLoc loc;
};

struct Fixed {
  double value;
  SourceLoc loc;
  std::string unit;  // as written: "", "%", "€", "k€", "M€" or "Md€"
};

struct Symbol {
  std::string name, label, source, unit_word;
  Kind kind = Kind::Param;
  SourceLoc loc;
  int layer = 0;
  std::vector<AxisInfo> axes;  // set axes, then the year axis last if there is one
  int map_set = -1;            // a param whose values are members of this set
  Dim declared;
  bool has_declared = false;
  const ast::ParamDecl* param = nullptr;
  const ast::ParamRange* range = nullptr;  // `range LO .. HI` (the last `extend param`'s, if it gives one)
  const ast::VarDecl* var = nullptr;
  const ast::EventDecl* event = nullptr;
  int line = -1, fund = -1;
  // Cells fixed by `actual` or by a scenario's `fix`, keyed by (flat member index, year).
  std::map<std::pair<int, int>, Fixed> fixed;
  // Amounts added by a scenario's `adjust`, keyed like `fixed`: a level change of the series
  // that its own lags do not see (so it does not compound).
  // Per (member tuple or -1, year): the amounts added, one per layer that adjusts the cell, lowest first.
  std::map<std::pair<int, int>, std::vector<const ast::Number*>> adjust;
  // Param tables, keyed by (flat member index, year or 0).
  std::map<std::pair<int, int>, ast::Cell> table;

  bool has_year() const { return !axes.empty() && axes.back().is_year; }
  int set_axes() const { return static_cast<int>(axes.size()) - (has_year() ? 1 : 0); }
};

struct IndicatorInfo {
  const ast::IndicatorDecl* decl = nullptr;
  std::string id;
  int layer = 0;
  std::vector<const ast::IndicatorDecl*> extensions;  // `extend indicator`: more targets, in layer order
};

}  // namespace cogsim::dsl
