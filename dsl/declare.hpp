// Stage 2 of the checker (after parsing and loading): the declarations. Reads every statement of
// the loaded files, layer by layer (a scenario's `override` replaces the base's definition), and
// builds the Model: sets, params, vars, events, fund lines, indicators, fixes, transfers and
// correlations, each checked where it is written. Nothing is lowered yet.
#pragma once

#include <map>

#include "dsl/model.hpp"

namespace cogsim::dsl {

// A symbol named NAME of KIND, with the label and source of ATTRS, declared in LAYER.
Symbol new_symbol(const ast::Ident& name, Kind kind, const ast::Attrs& attrs, int layer);

class Declarer : Stage {
 public:
  // MAX_CELLS: the most cells the definitions may unroll to (CompileOptions::max_cells).
  Declarer(const Loaded& loaded, Sources& sources, Reporter& reporter, std::uint64_t max_cells);
  Model run();

 private:
  void declare_model();
  void check_labels();                            // a label written but blank is an error
  void declare_conventions(const ast::ModelDecl& m);
  void declare_set(const ast::SetDecl& d, int layer);
  void declare_param(const ast::ParamDecl& d, int layer);
  void declare_var(const ast::VarDecl& d, int layer);
  void declare_event(const ast::EventDecl& d, int layer);
  // A fund with the scenarios' `extend fund` blocks over it (funds.cpp, with the five below).
  void declare_fund(const ast::FundDecl& d, int layer, const std::vector<const ast::FundDecl*>& extensions);
  bool declare_line(FundInfo& f, int fund_id, const ast::LineDecl& ld, const std::vector<const ast::LineDecl*>& more,
                    const ast::LineAttr* cont, int layer);
  void extend_line(LineInfo& l, const ast::LineDecl& ext);
  void continue_amounts(LineInfo& l, const ast::LineAttr& why);
  FundInfo fund_info(const ast::FundDecl& d);
  bool line_clauses(LineInfo& l, const ast::LineDecl& ld, const FundInfo& f);
  void line_clause(LineInfo& l, const ast::LineAttr& a, const ast::LineAttr*& carry);
  void amount_rows(const LineInfo& l, const ast::Table& t, std::map<int, double>& out);
  std::optional<std::pair<int, int>> line_amounts(LineInfo& l);
  void add_money_series(const std::string& name, Kind kind, const std::string& label, const std::string& source,
                        SourceLoc loc, int layer, int line, int fund, int y0, int y1);
  void declare_indicator(const ast::IndicatorDecl& d, int layer);
  void extend_param(const ast::ParamDecl& d, int layer);          // extend.cpp, with the two below
  bool merge_param_cells(Symbol& old, const Symbol& ext, const ast::ParamDecl& d);
  void extend_indicator(const ast::IndicatorDecl& d, int layer);
  void collect_fund_changes();                               // funds.cpp: the scenarios' override/extend fund
  void declare_fund_item(const ast::FundDecl& d, int layer);  // a base fund where it is written, changed
  void declare_fix(const ast::FixDecl& d, int layer);
  // (symbol, members, year, adjust?) -> the layer and place of the last `fix`/`adjust` of that cell
  std::map<std::tuple<int, int, int, bool>, std::pair<int, SourceLoc>> fixed_where_;
  // (symbol, layer) -> where an `extend param` of that layer extended it
  std::map<std::pair<int, int>, SourceLoc> extended_in_;
  std::optional<int> fixed_members(const ast::FixDecl& d, const Symbol& s);
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
  // COMPLETE: every row of the first index must be given (or a `default`); not so for `extend`.
  void fill_table(Symbol& s, const ast::Table& t, const boost::optional<ast::Cell>& fallback, bool complete = true);
  bool within_cell_limit(const Symbol& s);  // counts S's cells against max_cells_

  std::map<std::string, std::vector<const ast::FundDecl*>> fund_extensions_;     // by fund name, in layer order
  std::map<std::string, std::pair<const ast::FundDecl*, int>> fund_overrides_;  // the highest layer's, with it
  const Loaded& loaded_;
  std::uint64_t max_cells_;
  std::uint64_t declared_cells_ = 0;  // cells of the definitions declared so far
};

// The checker's warning for a `fix` that replaces a series whose draws other equations still
// read (fix_checks.cpp).
void warn_partial_fixes(const Loaded& loaded, const Model& model, const Sources& sources, Reporter& reporter);
// Whether a var's definition calls a distribution anywhere (fix_checks.cpp): what `correlate` pairs.
bool holds_a_draw(const ast::VarDecl& v);

}  // namespace cogsim::dsl
