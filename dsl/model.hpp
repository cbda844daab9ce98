// The checker's middle: what the declarations stage (declare.hpp) builds from the parsed files
// and the lowering stage (lowering.hpp) reads — a Model of typed symbols — and what both
// stages share: where diagnostics go (Reporter) and the values of the syntax (Stage).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "dsl/compiler.hpp"
#include "dsl/symbols.hpp"

namespace cogsim::dsl {
namespace x3 = boost::spirit::x3;

// "4000 %" for 40: a fraction as a percentage, for messages.
std::string percent_text(double fraction);

// The grammar nests one Expr per precedence level; a lone operand sits at the bottom.
inline const ast::Operand* lone_operand(const ast::Expr& e) {
  const ast::Expr* cur = &e;
  while (cur->rest.empty()) {
    const auto* inner = boost::get<x3::forward_ast<ast::Expr>>(&cur->first);
    if (!inner) return &cur->first;
    cur = &inner->get();
  }
  return nullptr;
}
template <typename T>
const T* lone(const ast::Expr& e) {
  const ast::Operand* o = lone_operand(e);
  if (!o) return nullptr;
  if constexpr (std::is_same_v<T, ast::Number>) return boost::get<ast::Number>(o);
  else {
    const auto* f = boost::get<x3::forward_ast<T>>(o);
    return f ? &f->get() : nullptr;
  }
}

// A lowered value: its operand in the program being built, and its unit.
struct Val {
  engine::Operand op = -1;
  Dim dim;
};

struct Binding {
  std::string name;
  bool is_year = false;
  int set = -1;
  int value = 0;  // member index or year
};

struct Env {
  std::vector<Binding> binds;
  int symbol = -1;           // the definition being lowered (for draw streams and errors)
  std::string stream_name;   // prefix of the draw streams
  int draw_ordinal = 0;      // draws met so far in this cell, in syntactic order
  bool in_param = false;     // params may not be random
  const Binding* find(const std::string& n) const {
    for (auto it = binds.rbegin(); it != binds.rend(); ++it)
      if (it->name == n) return &*it;
    return nullptr;
  }
};

// A group of correlated definitions: the Cholesky factor of the (repaired) matrix.
struct CorrGroup {
  std::vector<int> syms;
  std::vector<std::vector<double>> chol;  // lower-triangular factor of the matrix used
};

// What the declarations say, resolved: sets, symbols (params, vars, events, fund lines), funds,
// indicators, and the statements lowered later (outputs, asserts, report layout).
struct Model {
  std::string model_name, scenario_name;
  int base = 0, first = 0, horizon = -1, conv0 = 0, conv1 = -1;  // conv0..conv1: every convention
  std::vector<std::pair<int, int>> conventions;                     // the periods, in order
  bool has_model = false;
  // The last year of the convention period that holds YEAR (or of the next one; past the last
  // period, the last one's): where carry-over stops and credits are cancelled.
  int period_end(int year) const;

  std::vector<SetInfo> sets;
  std::unordered_map<std::string, int> set_index;
  std::vector<Symbol> symbols;
  std::unordered_map<std::string, int> symbol_index;
  std::vector<LineInfo> lines;
  std::vector<FundInfo> funds;
  std::unordered_map<std::string, int> line_index;
  std::vector<IndicatorInfo> indicators;
  std::unordered_map<std::string, int> indicator_index;
  std::vector<std::pair<const ast::OutputDecl*, int>> outputs;  // with their layer
  std::vector<const ast::AssertDecl*> asserts;
  std::vector<const ast::CorrelateDecl*> correlates;
  std::vector<const ast::ReportDecl*> reports;

  std::vector<CorrGroup> corr_groups;
  std::unordered_map<int, std::pair<int, int>> corr_of;  // symbol -> (group, index)
  std::vector<std::pair<int, int>> corr_pairs;          // per correlation below: its two symbols
  std::vector<engine::CorrelationOut> correlations;     // as declared (uniforms set by the lowering)

  // Cells of a definition: a flat index over its set axes (row-major), and a year.
  int cell_count(const Symbol& s) const;
  int flat_index(const Symbol& s, const std::vector<int>& members) const;
  std::vector<int> unflatten(const Symbol& s, int flat) const;
  std::string cell_name(const Symbol& s, int flat, int year) const;
  // Every name a reference may use here (for "did you mean"): symbols, and ENV's bound indices.
  std::vector<std::string> known_names(const Env* env) const;
};

// Where the checker's diagnostics go: each distinct (place, message) once.
class Reporter {
 public:
  void error(SourceLoc loc, const std::string& msg);
  void warning(SourceLoc loc, const std::string& msg);
  void note(SourceLoc loc, const std::string& msg) { diags_.push_back({Severity::Note, loc, msg}); }
  void add(const Diagnostic& d);
  int errors() const { return error_count_; }
  // The diagnostics so far, in source order.
  Diagnostics take();

 private:
  Diagnostics diags_;
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::string>> seen_;
  int error_count_ = 0;
};

// What the declaration and lowering stages share: the model they build or read, where their
// diagnostics go, and the values of the syntax (numbers with units, years, year ranges).
class Stage {
 protected:
  Stage(Sources& sources, Reporter& reporter, Model model = {})
      : m_(std::move(model)), sources_(sources), rep_(reporter) {}

  void error(SourceLoc loc, const std::string& msg) { rep_.error(loc, msg); }
  void warning(SourceLoc loc, const std::string& msg) { rep_.warning(loc, msg); }

  std::optional<std::pair<double, Dim>> literal(const ast::Number& n);
  bool sane_year(int year, SourceLoc loc);                // in kMinYear..kMaxYear, or an error at LOC
  std::optional<int> year_literal(const ast::Number& n);  // a whole number in that range, or an error
  std::optional<int> year_of(const ast::Expr& e, const Env& env);  // 2022, t - 1, base, horizon + 1
  std::optional<int> const_year(const ast::Expr& e);
  std::optional<std::pair<int, int>> const_range(const ast::Range& r);

  Model m_;
  Sources& sources_;
  Reporter& rep_;
};

}  // namespace cogsim::dsl
