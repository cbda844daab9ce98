// Stage 3 of the checker: the lowering. Every cell (member tuple, year) of every definition the
// results need is lowered once, in dependency order, to IR instructions (lowering.cpp; expressions
// in expressions.cpp, budget rules in funds.cpp, correlated draws in correlations.cpp), so names,
// indices, units, years and cycles are checked on the exact cells the model defines. Reads the
// Model the declarations built; the passes over the result are in passes.hpp.
#pragma once

#include "dsl/emitter.hpp"
#include "dsl/model.hpp"

namespace cogsim::dsl {

struct LowerOptions {
  std::map<std::string, double> param_overrides;  // CompileOptions::param_overrides
  bool cse = true;
  std::uint64_t max_cells = kDefaultMaxCells;  // also bounds the terms sums may unroll to
};

struct Lowered {
  engine::Program program;        // before the passes
  std::vector<ParamCell> params;  // for Compiled::params
  std::vector<ParamSection> sections;  // for Compiled::param_sections
};

// The key of one cell (symbol, flat member index, year) in the lowering's tables.
std::uint64_t cell_key(int sym, int flat, int year);

class Lowering : Stage {
 public:
  Lowering(Model model, Sources& sources, Reporter& reporter, const LowerOptions& options);
  Lowered run();

 private:
  // -- cells (lowering.cpp)
  // RAW: the cell before a scenario's `adjust` (what the series' own lags read, so that an
  // adjustment is a level change and does not compound).
  Val cell(int sym, int flat, int year, SourceLoc use, bool raw = false);
  Val lower_cell(int sym, int flat, int year, bool raw);
  Val adjusted(int sym, int flat, int year, const std::vector<const ast::Number*>& amounts);
  Val lower_var_cell(const Symbol& s, int flat, int year);
  Val lower_param_cell(const Symbol& s, int flat, int year);
  Env cell_env(const Symbol& s, int flat, int year);
  void check_dim(int sym, Val& v, SourceLoc where, int year);
  void note_param_cell(const Symbol& s, int flat, int year, const Val& v);
  void lower_everything();
  void lower_indicators();
  // The cell an indicator follows, and the reference year of its rates.
  struct Followed {
    int sym = -1, flat = 0, vs = 0;
  };
  void lower_indicator(const IndicatorInfo& info);
  std::vector<const ast::TargetSpec*> targets_of(const IndicatorInfo& info);
  std::optional<engine::IndicatorYear> lower_target(const IndicatorInfo& info, const Followed& f,
                                                    const ast::TargetSpec& t, int year);
  void lower_events();
  void lower_outputs();
  struct OutputCells {
    std::vector<int> members;  // leading member indices it is restricted to
    std::optional<int> year;   // the one year it is restricted to
  };
  std::optional<OutputCells> output_cells(const ast::Ref& r, const Symbol& s, const std::vector<const ast::Expr*>& idx);
  engine::SeriesOut output_series(int sym, int flat, const OutputCells& c, SourceLoc use);
  void lower_asserts();
  void report_unused_overrides();

  // -- what the page of `cogsim serve` shows of the params (param_info.cpp): each param's
  // `range` checked and copied to its cells, the `report params` lines resolved.
  void check_range(int sym);
  std::vector<ParamSection> param_sections();

  // -- expressions (expressions.cpp)
  Val expr(const ast::Expr& e, Env& env);
  Val operand(const ast::Operand& o, Env& env);
  // LOC is the operator's place; RIGHT, when given, the right operand's (a unit mismatch names it).
  // AGAINST replaces "it is added to" etc. in that message ("the `then` branch is").
  Val binary(const std::string& op, Val a, Val b, SourceLoc loc, SourceLoc right = {}, const std::string& against = "");
  static SourceLoc operand_loc(const ast::Operand& o);
  std::string mismatch_message(const std::string& op, const Dim& left, const Dim& right, SourceLoc at,
                               const std::string& against);
  Val reference(const ast::Ref& r, Env& env);
  Val call(const ast::Call& c, Env& env);
  Val aggregate(const ast::Agg& a, Env& env);
  Val draw(const ast::Call& c, engine::Dist dist, Env& env, const ast::Call* truncation = nullptr);
  std::optional<Dim> draw_unit(const ast::Call& c, engine::Dist dist, const std::vector<Val>& args);
  bool truncation_bounds(const ast::Call& truncation, const Dim& result, Env& env, std::vector<Val>& args);
  engine::Operand emit_draw(const ast::Call& c, engine::Dist dist, Env& env, const std::vector<Val>& args,
                            bool truncated);
  std::optional<int> member_of(const ast::Expr& e, Env& env, int set);
  int resolve_symbol(const ast::Ident& name, std::vector<const ast::Expr*>& extra,
                     std::vector<ast::Expr>& storage);
  std::optional<std::pair<int, int>> resolve_cell(const ast::Ref& r, Env& env, int& sym);
  std::optional<int> map_member(int from_set, int idx, int to_set, SourceLoc loc,
                                const std::string& what);
  Val indicator_value(const std::string& which, const ast::Call& c, Env& env);

  // -- budget rules (funds.cpp)
  Val lower_line_cell(const Symbol& s, int year);
  Val fund_total(const Symbol& s, int year);
  Val line_envelope(const LineInfo& l, int year);
  engine::Operand indexed(const LineInfo& l, int year, engine::Operand e);
  engine::Operand actualised(const LineInfo& l, int year, engine::Operand e);
  int line_symbol(const std::string& name) const;
  Val series_at(const ast::Expr& arg, int year, SourceLoc loc);

  // -- correlated draws (correlations.cpp)
  std::optional<engine::Operand> correlated_uniform(const Env& env, SourceLoc loc);

  engine::Program program_;
  Emitter em_;
  std::uint64_t max_cells_;
  std::uint64_t sum_terms_ = 0;  // terms of sum()/prod() unrolled so far

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
  bool too_deep_reported_ = false;  // a chain of cells past this thread's stack (reported once)
  std::map<std::string, std::pair<double, bool>> param_overrides_;  // cell name -> (value, used)
  std::vector<ParamCell> param_cells_;
  std::map<std::pair<std::string, int>, std::pair<Val, Val>> indicator_cells_;  // (id, year) -> met, target
  // The indicator targets (id, year) whose met() an event's cell reads, directly or through other
  // events: how many indicators a headline "all met" covers (engine::EventOut::indicators).
  using MetSet = std::set<std::pair<std::string, int>>;
  MetSet* met_trace_ = nullptr;
  std::unordered_map<std::uint64_t, MetSet> event_mets_;
  std::map<std::pair<int, std::uint64_t>, engine::Operand> corr_cells_;  // (symbol, cell) -> uniform
};

}  // namespace cogsim::dsl
