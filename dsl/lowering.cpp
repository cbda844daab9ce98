// Cells: every (member tuple, year) of a definition, lowered once, in dependency order.
#include "dsl/lowering.hpp"
#include "dsl/report_layout.hpp"

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "dsl/suggest.hpp"
#include "engine/evaluator.hpp"

namespace cogsim::dsl {

using engine::Op;
using engine::Operand;

// ---------------------------------------------------------------- cells

Env Lowering::cell_env(const Symbol& s, int flat, int year) {
  Env env;
  std::vector<int> m = m_.unflatten(s, flat);
  for (int i = 0; i < s.set_axes(); ++i) env.binds.push_back({s.axes[i].var, false, s.axes[i].set, m[i]});
  if (s.has_year()) env.binds.push_back({s.axes.back().var, true, -1, year});
  env.symbol = int(&s - m_.symbols.data());
  env.stream_name = s.name;
  return env;
}

// The key bit of a cell before its `adjust` (cell_key leaves the top bit free).
constexpr std::uint64_t kRawCell = std::uint64_t(1) << 63;

namespace {
// Cells are lowered depth first, each one's inputs before it: a chain of definitions each reading
// the next (v2999 = v2998 + 1, ..., written dependents first) recurses once per link, a few KB of
// stack each. Past what the thread's stack holds, lowering stops with an error at the link rather
// than overflowing it (which was a segfault). The room is measured, not counted, because stacks and
// frames differ: the main thread's follows `ulimit -s`, a server thread's is smaller, and a
// sanitizer build's frames are larger.
// Left for the error and what follows: 1 MiB, or a quarter of a smaller stack. Checked only past
// 64 links, so that no model of ordinary depth depends on the stack's size.
constexpr std::size_t kStackReserve = std::size_t(1) << 20;
constexpr std::size_t kUncheckedDepth = 64;

// A number in a message, as it would be written in a rules file (in the model's base unit).
std::string shown(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", v);
  return text;
}

// This thread's stack: its lowest address and its size (null, 0 where they cannot be known).
struct ThreadStack {
  const char* low = nullptr;
  std::size_t size = 0;
};
const ThreadStack& thread_stack() {
  thread_local const ThreadStack stack = [] {
    ThreadStack t;
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
      void* addr = nullptr;
      std::size_t size = 0;
      if (pthread_attr_getstack(&a, &addr, &size) == 0) t = {static_cast<const char*>(addr), size};
      pthread_attr_destroy(&a);
    }
    return t;
  }();
  return stack;
}

// Whether the stack below the current frame is shorter than the reserve.
bool stack_short() {
  const ThreadStack& t = thread_stack();
  if (t.low == nullptr) return false;
  // The frame's address, not a local's: a sanitizer may keep locals in a heap-allocated fake stack.
  const auto* here = static_cast<const char*>(__builtin_frame_address(0));
  const std::size_t left = here > t.low ? static_cast<std::size_t>(here - t.low) : 0;
  return left < std::min(kStackReserve, t.size / 4);
}
}  // namespace

std::uint64_t cell_key(int sym, int flat, int year) {
  return (std::uint64_t(sym) << 44) ^ (std::uint64_t(flat) << 20) ^ std::uint64_t(year & 0xFFFFF);
}

Val Lowering::cell(int sym, int flat, int year, SourceLoc use, bool raw) {
  std::uint64_t key = cell_key(sym, flat, year) | (raw ? kRawCell : 0);
  auto it = cells_.find(key);
  if (it != cells_.end()) {
    if (it->second.state == State::Done) return it->second.val;
    // A cycle: report the chain from the first occurrence of this cell.
    std::string chain;
    auto pos = std::find(stack_.begin(), stack_.end(), key);
    for (auto p = pos; p != stack_.end(); ++p) {
      int s = int((*p & ~kRawCell) >> 44);
      chain += m_.cell_name(m_.symbols[s], int((*p >> 20) & 0xFFFFFF), int(*p & 0xFFFFF)) + " -> ";
    }
    chain += m_.cell_name(m_.symbols[sym], flat, year);
    // One report per definition: the same cycle usually repeats for every member and year.
    if (cycle_reported_.insert(sym).second) error(use, "cycle: " + chain);
    Val v = em_.constant(0);
    v.dim.error = true;
    return v;
  }
  if (stack_.size() >= kUncheckedDepth && stack_short()) {
    if (!too_deep_reported_) {
      too_deep_reported_ = true;
      const std::uint64_t first = stack_.front();
      error(use, "definitions read one another " + std::to_string(stack_.size()) + " deep here (from " +
                     m_.cell_name(m_.symbols[int((first & ~kRawCell) >> 44)], int((first >> 20) & 0xFFFFFF),
                                  int(first & 0xFFFFF)) +
                     " to " + m_.cell_name(m_.symbols[sym], flat, year) +
                     "), more than this thread's stack holds: shorten the chain, or raise the stack limit "
                     "(`ulimit -s`)");
    }
    Val v = em_.constant(0);
    v.dim.error = true;
    return v;
  }
  cells_[key] = {State::InProgress, {}};
  stack_.push_back(key);
  Val v = lower_cell(sym, flat, year, raw);
  stack_.pop_back();
  cells_[key] = {State::Done, v};
  return v;
}

// A cell with a scenario's `adjust`: its value before the adjustment, plus each amount (whose
// unit must be the series'), one per layer that adjusts it: an avenant on an avenant adds to it.
Val Lowering::adjusted(int sym, int flat, int year, const std::vector<const ast::Number*>& amounts) {
  Val v = cell(sym, flat, year, amounts.front()->loc, /*raw=*/true);
  for (const ast::Number* amount : amounts) {
    auto lit = literal(*amount);
    if (!lit) continue;
    Val add = em_.constant(lit->first);
    add.dim = lit->second;
    if (!v.dim.error && !v.dim.wild && !add.dim.wild && !(add.dim == v.dim)) {
      error(amount->loc, "unit mismatch: '" + m_.symbols[sym].name + "' is " + describe(v.dim) +
                             " but this adjustment is " + describe(add.dim));
      continue;
    }
    v = binary("+", v, add, amount->loc);
  }
  return v;
}

// A mismatch is reported here, once; the cell then reads as declared (or as unknown), so that the
// definitions reading it do not each report it again as their own unit error.
void Lowering::check_dim(int sym, Val& v, SourceLoc where, int year) {
  if (v.dim.error || v.dim.wild) return;
  Symbol& s = m_.symbols[sym];
  if (s.has_declared && !(v.dim == s.declared)) {
    error(where, "'" + s.name + "' is declared as " + describe(s.declared) + " but this is " +
                     describe(v.dim));
    v.dim = s.declared;
    return;
  }
  auto& known = sym_dim_[sym];
  if (!known) {
    known = v.dim;
    return;
  }
  if (!(*known == v.dim)) {
    error(where, "unit mismatch: '" + s.name + "' is " + describe(v.dim) + " for " +
                     std::to_string(year) + " but " + describe(*known) + " for other years");
    v.dim.error = true;
  }
}

Val Lowering::lower_cell(int sym, int flat, int year, bool raw) {
  const Symbol& s = m_.symbols[sym];
  if (!raw && !s.adjust.empty())
    for (int f : {flat, -1})
      if (auto it = s.adjust.find({f, year}); it != s.adjust.end()) return adjusted(sym, flat, year, it->second);
  switch (s.kind) {
    case Kind::Param: {
      Val v = lower_param_cell(s, flat, year);
      note_param_cell(s, flat, year, v);
      return v;
    }
    case Kind::Var:
    case Kind::Event: return lower_var_cell(s, flat, year);
    default: return lower_line_cell(s, year);
  }
}

// The number a param cell is written as (its table cell, the table's default, or a value that is a
// lone number), or nullptr when it is computed or a member.
static const ast::Number* written_literal(const Symbol& s, int flat, int year) {
  if (!s.param) return nullptr;
  const ast::ParamDecl& d = *s.param;
  if (boost::get<ast::Table>(&d.value)) {
    auto it = s.table.find({flat, year});
    const ast::Cell* c = it != s.table.end() ? &it->second : d.fallback ? &*d.fallback : nullptr;
    return c ? boost::get<ast::Number>(c) : nullptr;
  }
  const auto* e = boost::get<ast::Expr>(&d.value);
  return e ? lone<ast::Number>(*e) : nullptr;
}

void Lowering::note_param_cell(const Symbol& s, int flat, int year, const Val& v) {
  if (s.map_set >= 0 || v.dim.error) return;
  ParamCell c{s.name, m_.cell_name(s, flat, year), s.label, s.unit_word, s.source, {}, std::nullopt, false, std::nullopt};
  for (const auto& a : s.axes) {
    ParamAxis axis;
    if (a.is_year) {
      axis.name = std::to_string(a.y0) + ".." + std::to_string(a.y1);
      for (int y = a.y0; y <= a.y1; ++y) axis.members.push_back(std::to_string(y));
    } else {
      axis.name = m_.sets[a.set].name, axis.members = m_.sets[a.set].members;
    }
    c.axes.push_back(std::move(axis));
  }
  if (engine::is_const(v.op)) c.value = em_.const_value(v);
  c.table = s.param && boost::get<ast::Table>(&s.param->value) && s.has_year();
  c.money = v.dim.money == 1;
  const ast::Number* lit = written_literal(s, flat, year);
  c.written_percent = lit && lit->unit == "%";
  const std::string key = spaceless(c.cell);
  c.overridden = param_overrides_.count(key) > 0;
  param_cells_.push_back(std::move(c));
}

Val Lowering::lower_param_cell(const Symbol& s, int flat, int year) {
  int sym = int(&s - m_.symbols.data());
  if (!param_overrides_.empty()) {
    const std::string key = spaceless(m_.cell_name(s, flat, year));
    auto it = param_overrides_.find(key);
    if (it != param_overrides_.end()) {
      it->second.second = true;
      if (s.map_set >= 0) {  // its cells are members, not numbers: no value can replace one
        error(s.loc, "cannot set '" + it->first + "' to a number: '" + s.name + "' maps to members of '" +
                         m_.sets[s.map_set].name + "' (only a param of numbers can be varied)");
        Val bad = em_.constant(0);
        bad.dim.error = true;
        return bad;
      }
      Val v = em_.constant(it->second.first);
      if (s.has_declared) v.dim = s.declared;
      else v.dim.wild = true;
      return v;
    }
  }
  const ast::ParamDecl& d = *s.param;
  auto cell_value = [&](const ast::Cell& c) -> Val {
    if (const auto* n = boost::get<ast::Number>(&c)) {
      auto lit = literal(*n);
      Val v = em_.constant(lit->first, lit->second);
      if (s.map_set >= 0) {
        error(n->loc, "'" + s.name + "' maps to members of '" + m_.sets[s.map_set].name +
                          "', not numbers");
        v.dim.error = true;
      } else if (!n->unit.empty() || n->value != 0 || !s.has_declared) {
        if (s.has_declared && n->unit.empty() && n->value != 0 && s.declared.money != 0)
          error(n->loc, "this value has no unit but '" + s.name + "' is declared in " + s.unit_word +
                            " (write " + s.unit_word + " after the number)");
        else
          check_dim(sym, v, n->loc, year);
      }
      return v;
    }
    const auto& id = boost::get<ast::Ident>(c);
    if (s.map_set < 0) {
      error(id.loc, "expected a number, found '" + id.name + "' (to map '" + s.name +
                        "' to members, declare it `: SETNAME`)");
      return em_.constant(0);
    }
    const SetInfo& set = m_.sets[s.map_set];
    auto it = set.index.find(id.name);
    if (it == set.index.end()) {
      error(id.loc, "'" + id.name + "' is not a member of '" + set.name + "'" +
                        did_you_mean(id.name, set.members));
      return em_.constant(0);
    }
    return em_.constant(it->second);
  };
  if (boost::get<ast::Table>(&d.value)) {
    auto it = s.table.find({flat, year});
    if (it != s.table.end()) return cell_value(it->second);
    if (d.fallback) return cell_value(*d.fallback);
    Val v = em_.constant(0);
    v.dim.error = true;
    return v;  // the missing row was reported when the table was read
  }
  Env env = cell_env(s, flat, year);
  env.in_param = true;
  const auto& e = boost::get<ast::Expr>(d.value);
  Val v = expr(e, env);
  if (s.map_set >= 0) {
    error(e.loc, "'" + s.name + "' maps to members of a set: give it a table");
    return em_.constant(0);
  }
  check_dim(sym, v, e.loc, year);
  return v;
}

Val Lowering::lower_var_cell(const Symbol& s, int flat, int year) {
  int sym = int(&s - m_.symbols.data());
  for (int f : {flat, -1}) {
    auto it = s.fixed.find({f, year});
    if (it != s.fixed.end()) {
      // A fixed value takes the unit of the series (checked against its literal after the walk).
      Val v = em_.constant(it->second.value);
      if (s.has_declared) v.dim = s.declared;
      else v.dim.wild = true;
      return v;
    }
  }
  if (s.kind == Kind::Event) {
    MetSet mets;
    MetSet* outer = met_trace_;
    met_trace_ = &mets;
    Env env = cell_env(s, flat, year);
    Val v = expr(s.event->body, env);
    met_trace_ = outer;
    event_mets_[cell_key(sym, flat, year)] = std::move(mets);
    if (!v.dim.error && !v.dim.boolean)
      error(s.event->body.loc, "an event must be a condition (a comparison), but this is " +
                                   describe(v.dim));
    return v;
  }
  const ast::Clause* chosen = nullptr;
  for (const auto& c : s.var->clauses) {
    if (!c.when) continue;
    auto r = const_range(*c.when);
    if (r && year >= r->first && year <= r->second) {
      chosen = &c;
      break;
    }
  }
  if (!chosen)
    for (const auto& c : s.var->clauses)
      if (!c.when) chosen = &c;
  if (!chosen) {
    // Reported once per definition, with every uncovered year, after the walk.
    undefined_years_[sym].insert(year);
    Val v = em_.constant(0);
    v.dim.error = true;
    return v;
  }
  Env env = cell_env(s, flat, year);
  Val v = expr(chosen->body, env);
  if (v.dim.boolean && !v.dim.error) {
    error(chosen->body.loc, "'" + s.name + "' is a condition; declare it as an `event` instead");
    v.dim.error = true;
  }
  check_dim(sym, v, chosen->body.loc, year);
  return v;
}

// ---------------------------------------------------------------- roots

void Lowering::lower_everything() {
  // Every cell of every definition, so that unused definitions are checked too.
  for (int sym = 0; sym < int(m_.symbols.size()); ++sym) {
    const Symbol& s = m_.symbols[sym];
    int n = m_.cell_count(s);
    int y0 = s.has_year() ? s.axes.back().y0 : 0, y1 = s.has_year() ? s.axes.back().y1 : 0;
    for (int flat = 0; flat < n; ++flat)
      for (int y = y0; y <= y1; ++y) {
        if (rep_.errors() >= kMaxCheckErrors) return;  // enough to read; the rest is not checked
        cell(sym, flat, y, s.loc);
      }
  }
  for (const auto& [sym, years] : undefined_years_) {
    std::string list;
    for (int y : years) list += (list.empty() ? "" : ", ") + std::to_string(y);
    error(m_.symbols[sym].loc, "'" + m_.symbols[sym].name + "' has no definition for " + list +
                                 " (add a clause for " + (years.size() == 1 ? "it" : "them") +
                                 ", an `else` clause, or `actual` values)");
  }
  // A fixed value must have the unit of its series.
  for (int sym = 0; sym < int(m_.symbols.size()); ++sym) {
    const Symbol& s = m_.symbols[sym];
    if (!sym_dim_[sym] && !s.has_declared) continue;
    Dim want = s.has_declared ? s.declared : *sym_dim_[sym];
    for (const auto& [key, fx] : s.fixed) {
      (void)key;
      const bool money = fx.unit.find("€") != std::string::npos, percent = fx.unit == "%";
      if (money && want.money != 1)
        error(fx.loc, "unit mismatch: '" + s.name + "' is " + describe(want) + ", not an amount in €");
      else if (!money && want.money == 1 && fx.value != 0)
        error(fx.loc, "unit mismatch: '" + s.name + "' is an amount in €; write € after the number");
      else if (percent && want.money != 0)
        error(fx.loc, "unit mismatch: '" + s.name + "' is " + describe(want) + ", not a rate");
    }
  }
}

// One target of an indicator (`2024: reduce_deficit(30 %)`) on the cell it follows: its value,
// target, upper bound and met flag, or nothing after a reported error.
std::optional<engine::IndicatorYear> Lowering::lower_target(const IndicatorInfo& info, const Followed& f,
                                                             const ast::TargetSpec& t, int year) {
  const ast::IndicatorDecl& d = *info.decl;
  const Symbol& s = m_.symbols[f.sym];
  const AxisInfo& ya = s.axes.back();
  const engine::TargetKindInfo* kind = engine::find_target_kind(t.kind);
  if (!kind) {
    error(t.loc, "unknown target '" + t.kind + "'" + did_you_mean(t.kind, engine::target_keywords()) +
                     " (targets: " + engine::target_kind_list() + ")");
    return std::nullopt;
  }
  const std::size_t want = std::size_t(kind->arity);
  if (t.args.size() != want) {
    error(t.loc, "'" + t.kind + "' takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") +
                     ", not " + std::to_string(t.args.size()));
    return std::nullopt;
  }
  Val value = cell(f.sym, f.flat, year, d.on->loc);
  engine::IndicatorYear iy;
  iy.year = year;
  iy.kind = kind->kind;
  iy.value = value.op;
  Env tenv;
  tenv.binds.push_back({"t", true, -1, year});
  Val target_v = em_.constant(0), hi = em_.constant(0), met;
  Dim money = value.dim;
  auto amount_arg = [&](const ast::Expr& e) -> Val {
    Val a = expr(e, tenv);
    if (!a.dim.error && !a.dim.wild && !value.dim.error && !(a.dim == money))
      error(e.loc, "unit mismatch: '" + s.name + "' is " + describe(money) + " but this target is " + describe(a.dim));
    return a;
  };
  if (kind->has_rate) {
    if (f.vs < ya.y0 || f.vs > ya.y1) {
      error(d.vs ? d.vs->loc : d.on->loc,
            "the reference year " + std::to_string(f.vs) + " is outside the years of '" + s.name + "'");
      return std::nullopt;
    }
    Val r = expr(t.args[0], tenv);
    if (!r.dim.error && !r.dim.wild && (r.dim.money != 0 || r.dim.boolean))
      error(t.args[0].loc, "'" + t.kind + "' takes a rate (such as 40 %), not " + describe(r.dim));
    const bool deficit = kind->kind == engine::TargetKind::ReduceDeficit;
    if (is_const(r)) iy.rate = em_.const_value(r);
    if (is_const(r) && (deficit ? iy.rate > 1 : std::fabs(iy.rate) > 10))
      warning(t.args[0].loc, "implausible rate for '" + t.kind + "': " + percent_text(iy.rate) +
                                 (deficit ? " (a deficit cannot shrink by more than 100 %" : " (above 1 000 %") +
                                 "; a rate is written 40 % or 0.4, not 40)");
    Val base = cell(f.sym, f.flat, f.vs, d.on->loc);
    Operand factor = em_.emit(kind->kind == engine::TargetKind::Increase ? Op::Add : Op::Sub, em_.intern(1), r.op);
    target_v = {em_.emit(Op::Mul, factor, base.op), money};
    met = {em_.emit(Op::Ge, value.op, target_v.op), {}};
  } else if (kind->zero_target) {
    met = {em_.emit(kind->strict ? Op::Gt : Op::Ge, value.op, em_.intern(0)), {}};
  } else if (!kind->has_upper) {
    target_v = amount_arg(t.args[0]);
    met = {em_.emit(kind->met_above ? Op::Ge : Op::Le, value.op, target_v.op), {}};
  } else {
    target_v = amount_arg(t.args[0]);
    hi = amount_arg(t.args[1]);
    // between(200 €, 100 €) is met by no value: reported where it is written, not as a 0 % forever.
    if (is_const(target_v) && is_const(hi) && em_.const_value(target_v) > em_.const_value(hi))
      error(t.args[1].loc, "'" + t.kind + "' needs its lower bound first: " + shown(em_.const_value(target_v)) +
                               " is above " + shown(em_.const_value(hi)) + ", so no value could meet it");
    met = {em_.emit(Op::And, em_.emit(Op::Ge, value.op, target_v.op), em_.emit(Op::Le, value.op, hi.op)), {}};
  }
  iy.target = target_v.op;
  iy.target_hi = hi.op;
  iy.met = met.op;
  indicator_cells_[{info.id, year}] = {met, target_v};
  return iy;
}

namespace {
// A target's year when it is a plain year (else its error is reported where it is lowered).
std::optional<int> plain_year(const ast::Number& n) {
  if (!n.unit.empty() || std::floor(n.value) != n.value || n.value < kMinYear || n.value > kMaxYear) return std::nullopt;
  return int(n.value);
}
}  // namespace

// The targets of an indicator: the base's, then each `extend indicator`'s; a year an extension
// gives replaces the base's target for it (two targets for one year in one block stay an error).
std::vector<const ast::TargetSpec*> Lowering::targets_of(const IndicatorInfo& info) {
  std::vector<const ast::TargetSpec*> all;
  std::set<int> later;  // years given by an extension
  for (const auto* ext : info.extensions)
    for (const auto& t : ext->targets)
      if (auto y = plain_year(t.year)) later.insert(*y);
  for (const auto& t : info.decl->targets) {
    auto y = plain_year(t.year);
    if (!y || !later.count(*y)) all.push_back(&t);
  }
  for (std::size_t i = 0; i < info.extensions.size(); ++i) {
    std::set<int> after;  // a year a still later extension gives
    for (std::size_t j = i + 1; j < info.extensions.size(); ++j)
      for (const auto& t : info.extensions[j]->targets)
        if (auto y = plain_year(t.year)) after.insert(*y);
    for (const auto& t : info.extensions[i]->targets) {
      auto y = plain_year(t.year);
      if (!y || !after.count(*y)) all.push_back(&t);
    }
  }
  return all;
}

void Lowering::lower_indicator(const IndicatorInfo& info) {
  const ast::IndicatorDecl& d = *info.decl;
  engine::IndicatorOut out;
  out.id = info.id;
  out.loc = d.loc;
  out.label = d.attrs.label.value_or("");
  out.source = d.attrs.source.value_or("");
  Followed f;
  Env env;
  auto target = resolve_cell(*d.on, env, f.sym);
  if (f.sym < 0) return;
  const Symbol& s = m_.symbols[f.sym];
  if (!s.has_year()) {
    error(d.on->loc, "an indicator follows a yearly series, but '" + s.name + "' has no year index");
    return;
  }
  if (!target) return;
  f.flat = target->first;
  // The series followed, spelled with dots: resultat.FREYMING.
  out.on = s.name;
  std::vector<int> members = m_.unflatten(s, f.flat);
  for (int i = 0; i < s.set_axes(); ++i) out.on += "." + m_.sets[s.axes[i].set].members[members[i]];
  f.vs = m_.base;
  if (d.vs) {
    auto v = year_literal(*d.vs);
    if (!v) return;
    f.vs = *v;
  }
  const AxisInfo& ya = s.axes.back();
  std::set<int> years;
  for (const ast::TargetSpec* tp : targets_of(info)) {
    const ast::TargetSpec& t = *tp;
    auto yl = year_literal(t.year);
    if (!yl) continue;
    int year = *yl;
    if (year < ya.y0 || year > ya.y1) {
      error(t.year.loc, "year " + std::to_string(year) + " is outside the years of '" + s.name + "' (" +
                            std::to_string(ya.y0) + ".." + std::to_string(ya.y1) + ")");
      continue;
    }
    if (!years.insert(year).second) {
      error(t.year.loc, "indicator " + info.id + " has two targets for " + std::to_string(year));
      continue;
    }
    if (auto iy = lower_target(info, f, t, year)) out.years.push_back(*iy);
  }
  std::sort(out.years.begin(), out.years.end(), [](const auto& a, const auto& b) { return a.year < b.year; });
  program_.indicators.push_back(std::move(out));
}

void Lowering::lower_indicators() {
  for (const auto& info : m_.indicators) lower_indicator(info);
}

void Lowering::lower_events() {
  for (int sym = 0; sym < int(m_.symbols.size()); ++sym) {
    const Symbol& s = m_.symbols[sym];
    if (s.kind != Kind::Event) continue;
    for (int flat = 0; flat < m_.cell_count(s); ++flat) {
      engine::EventOut ev;
      ev.name = s.name;
      std::vector<int> m = m_.unflatten(s, flat);
      for (int i = 0; i < s.set_axes(); ++i) ev.name += "." + m_.sets[s.axes[i].set].members[m[i]];
      ev.label = s.label;
      ev.source = s.source;
      int y0 = s.has_year() ? s.axes.back().y0 : 0, y1 = s.has_year() ? s.axes.back().y1 : 0;
      for (int y = y0; y <= y1; ++y) {
        ev.years.push_back({y, cell(sym, flat, y, s.loc).op});
        ev.indicators.push_back(int(event_mets_[cell_key(sym, flat, y)].size()));
      }
      program_.events.push_back(std::move(ev));
    }
  }
}

// What an `output` item restricts: leading member indices and the year (its last index).
std::optional<Lowering::OutputCells> Lowering::output_cells(const ast::Ref& r, const Symbol& s,
                                                             const std::vector<const ast::Expr*>& idx) {
  OutputCells c;
  Env env;
  bool ok = true;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    if (int(i) < s.set_axes()) {
      auto m = member_of(*idx[i], env, s.axes[i].set);
      if (!m) ok = false;
      else c.members.push_back(*m);
    } else if (s.has_year() && int(i) == s.set_axes()) {
      c.year = year_of(*idx[i], env);
      if (!c.year) ok = false;
      else if (*c.year < s.axes.back().y0 || *c.year > s.axes.back().y1) {
        error(idx[i]->loc, "year " + std::to_string(*c.year) + " is outside the years of '" + s.name + "'");
        ok = false;
      }
    } else {
      error(r.loc, "too many indices for '" + s.name + "'");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return c;
}

// One reported series (a cell tuple of a definition): its name with dots, label, unit and years.
engine::SeriesOut Lowering::output_series(int sym, int flat, const OutputCells& c, SourceLoc use) {
  const Symbol& s = m_.symbols[sym];
  std::vector<int> m = m_.unflatten(s, flat);
  engine::SeriesOut out;
  out.name = s.name;
  out.definition = s.name;
  for (int i = 0; i < s.set_axes(); ++i) out.name += "." + m_.sets[s.axes[i].set].members[m[i]];
  out.label = s.label;
  out.loc = s.loc;
  if (s.set_axes() == 1 && !m_.sets[s.axes[0].set].labels[m[0]].empty())
    out.label = (s.label.empty() ? "" : s.label + " — ") + m_.sets[s.axes[0].set].labels[m[0]];
  out.source = s.source;
  Dim d = s.has_declared ? s.declared : sym_dim_[sym].value_or(Dim{});
  out.unit = !s.unit_word.empty() ? s.unit_word : d.money == 1 ? "€" : "";
  int y0 = s.has_year() ? s.axes.back().y0 : 0, y1 = s.has_year() ? s.axes.back().y1 : 0;
  for (int y = y0; y <= y1; ++y)
    if (!c.year || *c.year == y) out.years.push_back({y, cell(sym, flat, y, use).op});
  return out;
}

void Lowering::lower_outputs() {
  std::set<std::string> done;
  std::unordered_map<std::string, std::size_t> position;  // series name -> its entry (no quadratic search)
  for (const auto& [decl, layer] : m_.outputs) {
    (void)layer;
    for (const ast::Ref& r : decl->items) {
      std::vector<const ast::Expr*> idx;
      std::vector<ast::Expr> storage;
      const int sym = resolve_symbol(r.name, idx, storage);
      if (sym < 0) {
        error(r.name.loc, "unknown name '" + r.name.name + "' in output" +
                              did_you_mean(r.name.name, m_.known_names(nullptr)));
        continue;
      }
      const Symbol& s = m_.symbols[sym];
      if (s.kind == Kind::Event) {
        error(r.loc, "'" + s.name + "' is an event: events are always reported");
        continue;
      }
      if (r.index)
        for (const auto& e : *r.index) idx.push_back(&e);
      const auto cells = output_cells(r, s, idx);
      if (!cells) continue;
      for (int flat = 0; flat < m_.cell_count(s); ++flat) {
        std::vector<int> m = m_.unflatten(s, flat);
        if (!std::equal(cells->members.begin(), cells->members.end(), m.begin())) continue;
        engine::SeriesOut out = output_series(sym, flat, *cells, r.loc);
        if (!done.insert(out.name + (cells->year ? "@" + std::to_string(*cells->year) : "")).second) continue;
        // The same series listed again for other years: add them to its entry.
        if (auto same = position.find(out.name); same != position.end()) {
          auto& years = program_.outputs[same->second].years;
          for (const auto& yv : out.years)
            if (std::none_of(years.begin(), years.end(), [&](const auto& e) { return e.first == yv.first; }))
              years.push_back(yv);
          std::sort(years.begin(), years.end());
          continue;
        }
        position.emplace(out.name, program_.outputs.size());
        program_.outputs.push_back(std::move(out));
      }
    }
  }
}

void Lowering::lower_asserts() {
  for (const ast::AssertDecl* a : m_.asserts) {
    engine::CheckOut c;
    c.label = a->label;
    c.loc = a->body.loc;
    Env env;
    const ast::Expr& e = a->body;
    // `lhs == rhs within tol`: the chain is or -> and -> comparison; find a lone comparison.
    const ast::Expr* cmp = &e;
    while (cmp->rest.empty()) {
      const auto* inner = boost::get<x3::forward_ast<ast::Expr>>(&cmp->first);
      if (!inner) break;
      const ast::Expr& next = inner->get();
      if (next.rest.size() == 1 && (next.rest[0].op == "==" || next.rest[0].op == "!=")) {
        cmp = &next;
        break;
      }
      cmp = &next;
    }
    if (cmp->rest.size() == 1 && (cmp->rest[0].op == "==" || cmp->rest[0].op == "!=")) {
      Val l = operand(cmp->first, env);
      Val r = operand(cmp->rest[0].rhs, env);
      binary("-", l, r, cmp->rest[0].loc, operand_loc(cmp->rest[0].rhs), "it is compared with");  // unit check only
      c.op = cmp->rest[0].op;
      c.lhs = l.op;
      c.rhs = r.op;
      if (a->within) {
        // `within rounding(T)`: a printed figure off by its rounding is reported, not hidden.
        const ast::Call* r = lone<ast::Call>(*a->within);
        c.rounding = r && r->fn.name == "rounding" && r->args.size() == 1 && c.op == "==";
        if (r && r->fn.name == "rounding" && !c.rounding)
          error(r->loc, "write `a == b within rounding(TOLERANCE)`: one tolerance, after ==");
        Val t = expr(r && r->fn.name == "rounding" && !r->args.empty() ? r->args[0] : *a->within, env);
        // A negative tolerance fails every time ("got 100, expected 100 (tolerance -1)").
        if (is_const(t) && !(em_.const_value(t) >= 0)) {
          error(a->within->loc, "a tolerance must be >= 0 (got " + shown(em_.const_value(t)) + ")");
        } else if (!t.dim.error && !t.dim.wild && !l.dim.error && !l.dim.wild && !(t.dim == l.dim)) {
          error(a->within->loc, "unit mismatch: the tolerance is " + describe(t.dim) + " but the value is " +
                                    describe(l.dim));
        }
        c.tolerance = t.op;
      } else {
        c.tolerance = em_.intern(0);
      }
    } else {
      Val v = expr(e, env);
      if (!v.dim.error && !v.dim.boolean) error(e.loc, "an assert must be a condition or `a == b`");
      c.op = "cond";
      c.lhs = v.op;
      c.rhs = c.tolerance = em_.intern(0);
    }
    program_.checks.push_back(c);
  }
}

Lowering::Lowering(Model model, Sources& sources, Reporter& reporter, const LowerOptions& options)
    : Stage(sources, reporter, std::move(model)), em_(program_, options.cse), max_cells_(options.max_cells) {
  for (const auto& [name, value] : options.param_overrides) {
    const std::string key = spaceless(name);
    param_overrides_[key] = {value, false};
  }
}

void Lowering::report_unused_overrides() {
  for (const auto& [name, v] : param_overrides_)
    if (!v.second) {
      std::vector<std::string> names;
      for (const auto& s : m_.symbols)
        if (s.kind == Kind::Param) names.push_back(s.name);
      // The param exists but takes other indices (`--set tariff_mean=1` for tariff_mean[kinds]): say
      // so with one of its cells, rather than suggest the name just written.
      const std::string bare = name.substr(0, name.find('['));
      const ParamCell* example = nullptr;
      for (const ParamCell& c : param_cells_)
        if (c.param == bare && !example) example = &c;
      if (example && example->cell != bare) {
        std::string axes;
        for (const auto& a : example->axes) axes += (axes.empty() ? "" : ", ") + a.name;
        error(SourceLoc{UINT32_MAX, 0, 0},
              "no param cell named '" + name + "': " +
                  (name.find('[') == std::string::npos
                       ? "the cells of '" + bare + "' are written with their indices, like " + example->cell
                       : "'" + bare + "' has the indices [" + axes + "], e.g. " + example->cell));
        continue;
      }
      error(SourceLoc{UINT32_MAX, 0, 0}, "no param cell named '" + name + "' (write it as name or name[MEMBER,YEAR])" +
                                            did_you_mean(bare, names));
    }
}

Lowered Lowering::run() {
  sym_dim_.assign(m_.symbols.size(), std::nullopt);
  program_.model_name = m_.model_name;
  program_.scenario_name = m_.scenario_name;
  program_.base_year = m_.base;
  program_.first_year = m_.first;
  program_.horizon = m_.horizon;
  program_.conventions = m_.conventions;
  for (engine::CorrelationOut c : m_.correlations) {
    c.ua = c.ub = em_.intern(0.5);  // until both uniforms of one cell are lowered
    program_.correlations.push_back(c);
  }
  lower_indicators();  // first: events and asserts may use met(), all_met(), target()
  lower_everything();
  lower_events();
  lower_outputs();
  lower_asserts();
  Diagnostics layout;
  resolve_report(m_.reports, program_, layout);
  for (const auto& d : layout) rep_.add(d);
  report_unused_overrides();
  for (std::size_t i = 0; i < m_.symbols.size(); ++i)
    if (m_.symbols[i].range) check_range(int(i));
  std::vector<ParamSection> sections = param_sections();
  return {std::move(program_), std::move(param_cells_), std::move(sections)};
}

}  // namespace cogsim::dsl
