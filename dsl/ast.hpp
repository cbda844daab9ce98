// The syntax tree of a rules file. Plain structs; the only Spirit piece is x3::variant,
// which the grammar needs to build recursive alternatives. Every node that a diagnostic can
// blame derives from Node and carries its source position.
#pragma once

#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include "engine/diagnostic.hpp"

#include <cstdint>
#include <boost/optional.hpp>
#include <string>
#include <vector>

namespace cogsim::dsl::ast {

namespace x3 = boost::spirit::x3;

using Loc = SourceLoc;

struct Node {
  Loc loc;
};

struct Ident : Node {
  std::string name;
};

// A literal number with its unit as written: "", "%", "€", "k€", "M€", "Md€".
struct Number : Node {
  double value = 0;
  std::string unit;
  std::string spelling;  // as written, unit included (an indicator named by its number: met(8, 2024))
};

struct Ref;
struct Call;
struct Unary;
struct Expr;
struct If;
struct Agg;

struct Operand : x3::variant<Number, x3::forward_ast<Ref>, x3::forward_ast<Call>,
                             x3::forward_ast<Unary>, x3::forward_ast<Expr>, x3::forward_ast<If>,
                             x3::forward_ast<Agg>> {
  using base_type::base_type;
  using base_type::operator=;
};

// A chain of binary operations of one precedence level: first op1 rhs1 op2 rhs2 ...
struct Operation : Node {
  std::string op;
  Operand rhs;
};

struct Expr : Node {
  Operand first;
  std::vector<Operation> rest;
};

struct Ref : Node {
  Ident name;
  boost::optional<std::vector<Expr>> index;
};

struct Call : Node {
  Ident fn;
  std::vector<Expr> args;
};

struct Unary : Node {
  std::string op;  // "-" or "not"
  Operand operand;
};

struct If : Node {
  Expr cond, then_, else_;
};

struct Range : Node {
  Expr from, to;
};

// `e in entities`, `t in 2020..2024`, or without a binder (`entities`, `2022..2024`).
struct Domain : x3::variant<Ident, Range> {
  using base_type::base_type;
  using base_type::operator=;
};

struct Axis : Node {
  boost::optional<Ident> var;
  Domain domain;
};

// sum(e in ambulatoires: R[e, t]) and prod(n in 2022..t: 1 + r[n])
struct Agg : Node {
  std::string fn;
  Axis over;
  Expr body;
};

// A table cell: a signed literal or a member name.
struct Cell : x3::variant<Number, Ident> {
  using base_type::base_type;
  using base_type::operator=;
};

struct Row : Node {
  Cell key;  // a year (Number) or a member (Ident)
  std::vector<Cell> cells;
};

struct Table : Node {
  std::vector<Row> rows;
  // `csv "FILE"` instead of braces: the loader reads the rows from FILE (dsl/csv_tables.hpp),
  // relative to the file that names it, and keeps its header cells (the key column's first).
  boost::optional<std::string> csv;
  std::vector<Ident> columns;
  bool unreadable = false;  // the file had errors (reported): its table is not checked further
};

struct Attrs {
  boost::optional<std::string> label;
  boost::optional<std::string> source;
};

struct ModelDecl : Node {
  std::string name;
  Expr base;
  Range years;
  boost::optional<std::vector<Range>> convention;  // one period or several: 2022..2024, 2025..2027
  boost::optional<std::string> source;
};

struct IncludeDecl : Node {
  std::string path;
};

struct ExtendsDecl : Node {
  std::string path;
};

struct ScenarioDecl : Node {
  std::string name;
  boost::optional<std::string> label;
};

struct Member : Node {
  Ident name;
  boost::optional<std::string> label;
};

struct SetDecl : Node {
  Ident name;
  boost::optional<std::string> label;
  boost::optional<Ident> parent;  // a subset of another set
  boost::optional<std::string> source;
  std::vector<Member> members;
};

struct ParamValue : x3::variant<Table, Expr> {
  using base_type::base_type;
  using base_type::operator=;
};

// `range LO .. HI` on a param: the span a slider offers for its cells (docs/language.md §4.5).
// Presentation only: it changes no result.
struct ParamRange : Node {
  Number lo, hi;
};

struct ParamDecl : Node {
  bool is_override = false;
  bool is_extend = false;  // `extend param`: cells added to (or replacing) the base table's
  Ident name;
  boost::optional<std::vector<Axis>> axes;
  boost::optional<Ident> unit;  // a unit word (€, %, number) or a set name for member maps
  Attrs attrs;
  boost::optional<ParamRange> range;  // `range 0 % .. 8 %`
  boost::optional<Cell> fallback;  // `default 0`
  ParamValue value;
};

// One piece of a piecewise definition: `2021: expr`, `2022..2024: expr`, `else: expr`.
struct Clause : Node {
  boost::optional<Range> when;  // empty means every year not claimed by another clause
  Expr body;
};

struct VarDecl : Node {
  bool is_override = false;
  bool is_extend = false;  // refused: a var is changed by `override` or `fix`
  Ident name;
  boost::optional<std::vector<Axis>> axes;
  boost::optional<Ident> unit;
  Attrs attrs;
  std::vector<Clause> clauses;  // `= expr` is one clause with `else`
  boost::optional<Table> actual;
};

// A scenario fixes some cells of a series to known values: fix inflation { 2022: 5.3 %, ... }
// `adjust` has the same shape: amounts added to the series in those years (a level change).
struct FixDecl : Node {
  std::string verb;  // "fix" or "adjust"
  Ident name;
  boost::optional<std::vector<Expr>> index;
  Table values;
  boost::optional<std::string> source;
};

struct TargetSpec : Node {
  Number year;
  std::string kind;  // reduce_deficit, equilibre, excedent, at_least, at_most, between, increase
  std::vector<Expr> args;
};

struct IndicatorDecl : Node {
  bool is_override = false;
  bool is_extend = false;  // `extend indicator`: targets added for more years
  Ident id;  // a number or a name, kept as written
  Attrs attrs;
  boost::optional<Ref> on;  // required except in `extend indicator`
  boost::optional<Number> vs;
  std::vector<TargetSpec> targets;
};

struct EventDecl : Node {
  bool is_override = false;
  bool is_extend = false;  // refused: an event over `..horizon` extends by itself
  Ident name;
  boost::optional<std::vector<Axis>> axes;
  Attrs attrs;
  Expr body;
};

struct LineAttr : Node {
  Ident key;
  boost::optional<std::string> text;
  boost::optional<std::vector<Expr>> args;
  boost::optional<Table> table;
  boost::optional<Number> from;
};

struct LineDecl : Node {
  Ident name;
  boost::optional<std::string> label;
  std::vector<LineAttr> attrs;
};

struct FundDecl : Node {
  bool is_override = false;
  bool is_extend = false;  // `extend fund`: lines continued, amounts added, lines added
  Ident name;
  Attrs attrs;
  std::vector<LineAttr> fund_attrs;
  std::vector<LineDecl> lines;
};

struct TransferDecl : Node {
  Expr amount;
  Ident from, to;
  Number year;
  boost::optional<std::string> source;
  boost::optional<std::string> voted;
};

// correlate a, b = 0.4 [rank]: the draws of two definitions, cell by cell.
struct CorrelateDecl : Node {
  Ident a, b;
  Number value;
  bool rank = false;
  boost::optional<std::string> source;
};

struct OutputDecl : Node {
  std::vector<Ref> items;
};

// report KIND ["title"] item [good|bad], ...: how the results are presented (docs/language.md).
struct ReportItem : Node {
  Ref ref;
  std::string polarity;  // "", "good" or "bad"
};

struct ReportDecl : Node {
  Ident kind;
  boost::optional<std::string> title;
  std::vector<ReportItem> items;
};

struct AssertDecl : Node {
  std::string label;
  Expr body;
  boost::optional<Expr> within;
};

struct Statement : x3::variant<ModelDecl, IncludeDecl, ExtendsDecl, ScenarioDecl, SetDecl, ParamDecl,
                               VarDecl, FixDecl, IndicatorDecl, EventDecl, FundDecl, TransferDecl,
                               OutputDecl, AssertDecl, CorrelateDecl, ReportDecl> {
  using base_type::base_type;
  using base_type::operator=;
};

struct File {
  std::vector<Statement> statements;
};

}  // namespace cogsim::dsl::ast
