// Stage 2 of the checker (after parsing and loading): the declarations. Reads every statement of
// the loaded files, layer by layer (a scenario's `override` replaces the base's definition), and
// builds the Model: sets, params, vars, events, fund lines, indicators, fixes, transfers and
// correlations, each checked where it is written. Nothing is lowered yet.
#pragma once

#include "dsl/model.hpp"

namespace cogsim::dsl {

class Declarer : Stage {
 public:
  // MAX_CELLS: the most cells the definitions may unroll to (CompileOptions::max_cells).
  Declarer(const Loaded& loaded, Sources& sources, Reporter& reporter, std::uint64_t max_cells);
  Model run();

 private:
  void declare_model();
  void declare_set(const ast::SetDecl& d, int layer);
  void declare_param(const ast::ParamDecl& d, int layer);
  void declare_var(const ast::VarDecl& d, int layer);
  void declare_event(const ast::EventDecl& d, int layer);
  void declare_fund(const ast::FundDecl& d, int layer);  // funds.cpp, with the four below
  FundInfo fund_info(const ast::FundDecl& d);
  bool line_clauses(LineInfo& l, const ast::LineDecl& ld, const FundInfo& f);
  void line_clause(LineInfo& l, const ast::LineAttr& a, const ast::LineAttr*& carry);
  std::optional<std::pair<int, int>> line_amounts(LineInfo& l);
  void add_money_series(const std::string& name, Kind kind, const std::string& label, const std::string& source,
                        SourceLoc loc, int layer, int line, int fund, int y0, int y1);
  void declare_indicator(const ast::IndicatorDecl& d, int layer);
  void declare_fix(const ast::FixDecl& d);
  void declare_transfer(const ast::TransferDecl& d);  // funds.cpp
  void declare_correlations();                        // correlations.cpp, with the two below
  struct CorrPair {
    int a, b;
    double rho;
    bool rank;
    const ast::CorrelateDecl* d;
  };
  std::optional<CorrPair> correlation_pair(const ast::CorrelateDecl& d);
  void factor_group(int group, const std::vector<CorrPair>& pairs);
  bool make_axes(const boost::optional<std::vector<ast::Axis>>& axes, Symbol& s);
  int add_symbol(Symbol s, bool is_override, SourceLoc name_loc);
  void fill_table(Symbol& s, const ast::Table& t, const boost::optional<ast::Cell>& fallback);
  bool within_cell_limit(const Symbol& s);  // counts S's cells against max_cells_

  const Loaded& loaded_;
  std::uint64_t max_cells_;
  std::uint64_t declared_cells_ = 0;  // cells of the definitions declared so far
};

// The checker's warning for a `fix` that replaces a series whose draws other equations still
// read (fix_checks.cpp).
void warn_partial_fixes(const Loaded& loaded, const Model& model, const Sources& sources, Reporter& reporter);

}  // namespace cogsim::dsl
