// The intermediate representation the engine evaluates: a straight-line program over blocks of
// paths. Every instruction reads and writes whole vectors (one value per path of the block), so
// the cost of interpreting it is paid once per block, not once per path. The program knows
// nothing of the model it came from: names are only carried for the results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/target_kind.hpp"

#include "engine/diagnostic.hpp"
#include "engine/distributions.hpp"

namespace cogsim::engine {

// >= 0: a slot (a vector over the block); < 0: constant number -1 - k of Program::constants.
using Operand = std::int32_t;
inline bool is_const(Operand o) { return o < 0; }
inline std::size_t const_index(Operand o) { return static_cast<std::size_t>(-1 - o); }

enum class Op : std::uint8_t {
  Add, Sub, Mul, Div, Neg, Min, Max, Abs, Exp, Log, Sqrt, Sin, Cos, Pow,
  Lt, Le, Gt, Ge, Eq, Ne, And, Or, Not, Select,
  Fused,  // dst = outer(inner(a, b), c), or outer(c, inner(a, b)) when t_right: two binary
          // instructions in one loop over the block (the inner value read by nothing else)
  Draw,  // dst = quantile of `dist` at a uniform addressed by (seed, stream, path), or at the
         // uniform in operand `a` when `external_u` (a correlated draw)
  CorrUniform,  // dst = Φ(Σ_i L_i Φ⁻¹(u(stream_i))): one column of a Gaussian copula
};

// The binary operations that two-instruction fusion (Op::Fused) combines.
inline bool fusable(Op o) { return o == Op::Add || o == Op::Sub || o == Op::Mul || o == Op::Div || o == Op::And; }

struct Instr {
  Op op{};
  Dist dist{};
  Operand dst = 0, a = 0, b = 0, c = 0;
  std::uint32_t params_begin = 0, params_count = 0;  // Draw: operands in Program::draw_params
  std::uint64_t stream = 0;                          // Draw: identity of the random cell
  std::uint32_t origin = 0;                          // index into Program::origins
  std::uint32_t streams_begin = 0;                   // CorrUniform: Program::streams[begin..+count)
  bool external_u = false;                           // Draw: the uniform comes from operand a
  std::uint32_t group = 0;                           // Draw: index in Program::draw_groups
  bool truncated = false;                            // Draw: the last two params are lo, hi
  Op inner{}, outer{};                               // Fused: the two operations
  bool t_right = false;                              // Fused: inner's value is outer's right operand
};

// A correlation between the draws of two definitions, as asked and as used after repair.
struct CorrelationOut {
  std::string a, b;
  bool rank = false;          // asked as a rank (Spearman) correlation
  double requested = 0;       // as written
  double used = 0;            // Spearman (rank) or Pearson of the normal scores, after any repair
  Operand ua = 0, ub = 0;     // the copula uniforms of one cell of each, to measure the rank correlation
};

struct SeriesOut {
  std::string name, label, source, unit;
  std::vector<std::pair<int, Operand>> years;
  SourceLoc loc{UINT32_MAX, 0, 0};  // the definition of the series (for run-time errors)
  std::string definition;  // the definition it comes from (`income` for income.NORTH)
};

struct IndicatorYear {
  int year = 0;
  TargetKind kind = TargetKind::AtLeast;
  double rate = 0;   // the reduction/increase rate where the kind has one
  Operand value = 0, target = 0, target_hi = 0, met = 0;
  bool has_upper() const { return info(kind).has_upper; }  // target_hi is a bound (else unused)
  bool has_rate() const { return info(kind).has_rate; }
};

struct IndicatorOut {
  std::string id, label, source, on;
  std::vector<IndicatorYear> years;
  SourceLoc loc{UINT32_MAX, 0, 0};  // the indicator's line
};

struct EventOut {
  std::string name, label, source;
  std::vector<std::pair<int, Operand>> years;
  std::vector<int> indicators;  // per year: how many indicator targets of the model it reads (met, all_met)
};

// An `assert` of the rules file, checked on the central path.
struct CheckOut {
  std::string label;
  SourceLoc loc;
  std::string op;
  Operand lhs = 0, rhs = 0, tolerance = 0;
  bool rounding = false;  // `within rounding(T)`: a gap up to T is a warning, not silent
};

// How the model asks its results to be presented (`report` lines of the rules file). The engine
// ignores it; the writers of src/ read it, so that what a report headlines, which series form a
// section and which side of an event is good come from the model, not from the C++.
enum class Polarity : std::uint8_t { Neutral, Good, Bad };  // of an event: is it good when true?

struct ReportItem {
  enum class What : std::uint8_t { Output, Event } what = What::Output;
  int index = 0;  // into Program::outputs or Program::events
  Polarity polarity = Polarity::Neutral;
};

struct ReportPart {
  enum class Kind : std::uint8_t {
    Headline,  // events shown as headline figures of the summary
    Entities,  // one card per output (fan chart, last year's distribution, its indicator)
    Section,   // a section of fan charts (outputs) and probability bars (events)
    Table,     // a table of means and P5-P95 per year
  } kind = Kind::Headline;
  std::string title;
  std::vector<ReportItem> items;
};

struct Program {
  std::vector<double> constants;
  std::vector<Instr> code;
  std::vector<Operand> draw_params;
  std::vector<SourceLoc> origins;
  std::vector<std::uint64_t> streams;  // CorrUniform streams
  // The uncertain inputs, one per definition holding draws (for sensitivity analysis).
  std::vector<std::string> draw_groups;
  std::vector<CorrelationOut> correlations;
  std::int32_t num_slots = 0;

  std::string model_name, scenario_name;
  int base_year = 0, first_year = 0, horizon = 0;
  std::vector<std::pair<int, int>> conventions;  // the model's convention periods, in order
  std::vector<SeriesOut> outputs;
  std::vector<IndicatorOut> indicators;
  std::vector<EventOut> events;
  std::vector<CheckOut> checks;
  std::vector<ReportPart> report;  // empty: the writers' default layout
  std::size_t num_draws() const;
};

// Visits every operand an instruction reads, by reference (p and in const or not): a draw's
// parameters (and its uniform when external), a for unary operations, a and b for binary ones,
// a, b and c for select and fused ones.
template <typename P, typename I, typename F>
void for_each_operand(P& p, I& in, F&& f) {
  switch (in.op) {
    case Op::Draw:
      for (std::uint32_t k = 0; k < in.params_count; ++k) f(p.draw_params[in.params_begin + k]);
      if (in.external_u) f(in.a);
      return;
    case Op::CorrUniform: return;  // reads streams, not slots
    case Op::Neg: case Op::Abs: case Op::Exp: case Op::Log: case Op::Sqrt: case Op::Sin: case Op::Cos:
    case Op::Not:
      f(in.a);
      return;
    case Op::Select:
    case Op::Fused:
      f(in.a), f(in.b), f(in.c);
      return;
    default:
      f(in.a), f(in.b);
      return;
  }
}

// Visits every operand the results read, by reference: outputs, indicator values, targets and
// met flags, events, asserts and correlation probes (the roots of the program).
template <typename P, typename F>
void for_each_result(P& p, F&& f) {
  for (auto& s : p.outputs)
    for (auto& y : s.years) f(y.second);
  for (auto& ind : p.indicators)
    for (auto& y : ind.years) f(y.value), f(y.target), f(y.target_hi), f(y.met);
  for (auto& e : p.events)
    for (auto& y : e.years) f(y.second);
  for (auto& c : p.checks) f(c.lhs), f(c.rhs), f(c.tolerance);
  for (auto& c : p.correlations) f(c.ua), f(c.ub);
}

}  // namespace cogsim::engine
