// The checker and lowerer: declarations first (declare.cpp), then every cell of every definition
// lowered in dependency order (lowering.cpp, expressions in expressions.cpp, budget rules in
// funds.cpp), then dead code removed (program.cpp).
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

class Lowering {
 public:
  Lowering(const Loaded& loaded, Sources& sources);
  Compiled run();

  // -- diagnostics (each distinct (place, message) once)
  void error(SourceLoc loc, const std::string& msg);
  void warning(SourceLoc loc, const std::string& msg);

  // -- declarations (declare.cpp)
  void declare();
  void declare_model();
  void declare_set(const ast::SetDecl& d, int layer);
  void declare_param(const ast::ParamDecl& d, int layer);
  void declare_var(const ast::VarDecl& d, int layer);
  void declare_event(const ast::EventDecl& d, int layer);
  void declare_fund(const ast::FundDecl& d, int layer);
  void add_money_series(const std::string& name, Kind kind, const std::string& label, const std::string& source,
                        SourceLoc loc, int layer, int line, int fund, int y0, int y1);
  void declare_indicator(const ast::IndicatorDecl& d, int layer);
  void declare_fix(const ast::FixDecl& d);
  void declare_transfer(const ast::TransferDecl& d);
  bool make_axes(const boost::optional<std::vector<ast::Axis>>& axes, Symbol& s);
  int add_symbol(Symbol s, bool is_override, SourceLoc name_loc);
  void fill_table(Symbol& s, const ast::Table& t, const boost::optional<ast::Cell>& fallback);
  std::optional<std::pair<double, Dim>> literal(const ast::Number& n);
  std::optional<int> const_year(const ast::Expr& e);
  bool sane_year(int year, SourceLoc loc);  // in kMinYear..kMaxYear, or an error at LOC
  std::optional<int> year_literal(const ast::Number& n);  // a whole number in that range, or an error
  std::optional<std::pair<int, int>> const_range(const ast::Range& r);

  // -- cells (lowering.cpp)
  Val cell(int sym, int flat, int year, SourceLoc use);
  Val lower_cell(int sym, int flat, int year);
  Val lower_var_cell(const Symbol& s, int flat, int year);
  Val lower_param_cell(const Symbol& s, int flat, int year);
  Env cell_env(const Symbol& s, int flat, int year);
  void check_dim(int sym, const Val& v, SourceLoc where, int year);
  std::string cell_name(const Symbol& s, int flat, int year) const;
  int flat_index(const Symbol& s, const std::vector<int>& members) const;
  std::vector<int> unflatten(const Symbol& s, int flat) const;
  int cell_count(const Symbol& s) const;
  void lower_everything();
  void lower_indicators();
  void lower_events();
  void lower_outputs();
  void lower_asserts();

  // -- expressions (expressions.cpp)
  Val expr(const ast::Expr& e, Env& env);
  Val operand(const ast::Operand& o, Env& env);
  Val binary(const std::string& op, Val a, Val b, SourceLoc loc);
  Val reference(const ast::Ref& r, Env& env);
  Val call(const ast::Call& c, Env& env);
  Val aggregate(const ast::Agg& a, Env& env);
  Val draw(const ast::Call& c, engine::Dist dist, Env& env, const ast::Call* truncation = nullptr);
  std::optional<int> year_of(const ast::Expr& e, const Env& env);
  std::optional<int> member_of(const ast::Expr& e, Env& env, int set);
  int resolve_symbol(const ast::Ident& name, std::vector<const ast::Expr*>& extra,
                     std::vector<ast::Expr>& storage);
  std::optional<std::pair<int, int>> resolve_cell(const ast::Ref& r, Env& env, int& sym);
  std::vector<std::string> known_names(const Env* env) const;
  std::optional<int> map_member(int from_set, int idx, int to_set, SourceLoc loc,
                                const std::string& what);
  Val indicator_value(const std::string& which, const ast::Call& c, Env& env);

  // -- budget rules (funds.cpp)
  Val lower_line_cell(const Symbol& s, int year);
  Val series_at(const ast::Expr& arg, int year, SourceLoc loc);

  // -- emission with constant folding
  Val constant(double v, Dim d = {});
  engine::Operand intern(double v);
  engine::Operand emit(engine::Op op, engine::Operand a, engine::Operand b = 0,
                       engine::Operand c = 0);
  bool is_const(const Val& v) const { return engine::is_const(v.op); }
  double const_value(const Val& v) const { return program_.constants[engine::const_index(v.op)]; }

  // -- correlations (correlations.cpp)
  void declare_correlations();
  std::optional<engine::Operand> correlated_uniform(const Env& env, SourceLoc loc);

  // -- final program (program.cpp)
  void eliminate_dead_code();
  void fuse_pairs();
  void reuse_slots();

  const Loaded& loaded_;
  Sources& sources_;
  Diagnostics diags_;
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::string>> seen_;

  std::string model_name_, scenario_name_;
  int base_ = 0, first_ = 0, horizon_ = -1, conv0_ = 0, conv1_ = -1;
  bool has_model_ = false;

  std::vector<SetInfo> sets_;
  std::unordered_map<std::string, int> set_index_;
  std::vector<Symbol> symbols_;
  std::unordered_map<std::string, int> symbol_index_;
  std::vector<LineInfo> lines_;
  std::vector<FundInfo> funds_;
  std::unordered_map<std::string, int> line_index_;
  std::vector<IndicatorInfo> indicators_;
  std::unordered_map<std::string, int> indicator_index_;
  std::vector<std::pair<const ast::OutputDecl*, int>> outputs_;
  std::vector<const ast::AssertDecl*> asserts_;
  std::vector<const ast::CorrelateDecl*> correlates_;
  std::vector<const ast::ReportDecl*> reports_;
  struct CorrGroup {
    std::vector<int> syms;
    std::vector<std::vector<double>> chol;  // lower-triangular factor of the matrix used
  };
  std::vector<CorrGroup> corr_groups_;
  std::unordered_map<int, std::pair<int, int>> corr_of_;  // symbol -> (group, index)
  std::map<std::pair<int, std::uint64_t>, engine::Operand> corr_cells_;  // (symbol, cell) -> uniform
  std::vector<std::pair<int, int>> corr_pairs_;          // per Program::correlations: symbols

  enum class State : std::uint8_t { InProgress, Done };
  struct CellState {
    State state;
    Val val;
  };
  std::unordered_map<std::uint64_t, CellState> cells_;
  std::vector<std::uint64_t> stack_;  // cells being lowered, for cycle reports
  std::vector<std::optional<Dim>> sym_dim_;
  std::map<int, std::set<int>> undefined_years_;
  std::set<int> cycle_reported_;
  std::map<std::string, std::pair<double, bool>> param_overrides_;  // cell name -> (value, used)
  std::vector<ParamCell> param_cells_;                              // for Compiled::params
  void note_param_cell(const Symbol& s, int flat, int year, const Val& v);
  bool fuse_ = true;  // CompileOptions::fuse
  bool cse_ = true;   // CompileOptions::cse
  std::uint64_t max_cells_ = kDefaultMaxCells;  // CompileOptions::max_cells
  std::uint64_t sum_terms_ = 0;                 // terms of sum()/prod() unrolled so far
  int error_count_ = 0;
  std::uint64_t declared_cells_ = 0;            // cells of the definitions declared so far
  bool within_cell_limit(const Symbol& s);      // counts S's cells (declare.cpp)
  std::map<std::pair<std::string, int>, std::pair<Val, Val>> indicator_cells_;  // (id, year) -> met, target

  engine::Program program_;
  std::unordered_map<std::uint64_t, engine::Operand> const_pool_;
  // Instructions emitted so far by (op, a, b, c): the same computation twice is one (emit()).
  std::map<std::tuple<engine::Op, engine::Operand, engine::Operand, engine::Operand>, engine::Operand> computed_;
};

}  // namespace cogsim::dsl
