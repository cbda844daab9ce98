// Expressions: names, indices, units, functions, distributions, sums.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dsl/lowering.hpp"
#include "dsl/suggest.hpp"
#include "engine/random.hpp"

namespace cogsim::dsl {

using engine::Op;
using engine::Operand;

namespace {

Val failed() {
  Val v;
  v.dim.error = true;
  return v;
}

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = {
      "min", "max", "abs", "exp", "log", "sqrt", "sin", "cos", "pow", "met", "all_met", "target",
      "normal", "lognormal", "uniform", "triangular", "pert", "discrete", "truncnormal", "truncated"};
  return names;
}

}  // namespace

Val Lowering::expr(const ast::Expr& e, Env& env) {
  Val v = operand(e.first, env);
  for (const auto& op : e.rest) v = binary(op.op, v, operand(op.rhs, env), op.loc, operand_loc(op.rhs));
  return v;
}

Val Lowering::operand(const ast::Operand& o, Env& env) {
  struct Visitor {
    Lowering& l;
    Env& env;
    Val operator()(const ast::Number& n) const {
      auto lit = l.literal(n);
      return l.em_.constant(lit->first, lit->second);
    }
    Val operator()(const x3::forward_ast<ast::Ref>& r) const { return l.reference(r.get(), env); }
    Val operator()(const x3::forward_ast<ast::Call>& c) const { return l.call(c.get(), env); }
    Val operator()(const x3::forward_ast<ast::Expr>& e) const { return l.expr(e.get(), env); }
    Val operator()(const x3::forward_ast<ast::Agg>& a) const { return l.aggregate(a.get(), env); }
    Val operator()(const x3::forward_ast<ast::Unary>& u) const {
      Val v = l.operand(u.get().operand, env);
      if (v.dim.error) return v;
      if (u.get().op == "not") {
        if (!v.dim.boolean) {
          l.error(u.get().loc, "`not` needs a condition, but this is " + describe(v.dim));
          return failed();
        }
        return {l.em_.emit(Op::Not, v.op), v.dim};
      }
      if (v.dim.boolean) {
        l.error(u.get().loc, "cannot negate a condition (use `not`)");
        return failed();
      }
      return {l.em_.emit(Op::Neg, v.op), v.dim};
    }
    Val operator()(const x3::forward_ast<ast::If>& f) const {
      const ast::If& i = f.get();
      Val c = l.expr(i.cond, env), a = l.expr(i.then_, env), b = l.expr(i.else_, env);
      if (!c.dim.error && !c.dim.boolean)
        l.error(i.cond.loc, "the condition of `if` must be a comparison, but this is " + describe(c.dim));
      Val same = l.binary("-", a, b, i.else_.loc, i.else_.loc, "the `then` branch is");  // unit check only
      if (same.dim.error) return failed();
      Dim d = a.dim.wild ? b.dim : a.dim;
      return {l.em_.emit(Op::Select, c.op, a.op, b.op), d};
    }
  };
  return boost::apply_visitor(Visitor{*this, env}, o);
}

namespace {
struct LocOf {
  template <typename T>
  SourceLoc operator()(const T& n) const {
    if constexpr (requires { n.get().loc; }) return n.get().loc;
    else return n.loc;
  }
};
}  // namespace

// Where an operand was written: the node its alternative holds.
SourceLoc Lowering::operand_loc(const ast::Operand& o) { return boost::apply_visitor(LocOf{}, o); }

// "unit mismatch: 'rate' is a plain number or rate, but it is added to an amount in €": the right
// operand (where the unit changes), named as written when it is short enough to read.
std::string Lowering::mismatch_message(const std::string& op, const Dim& left, const Dim& right, SourceLoc at,
                                       const std::string& against) {
  const std::string& text = sources_.text(at.file);
  std::string name = "this operand";
  if (at.length > 0 && at.length <= 40 && at.offset + at.length <= text.size()) {
    std::string written = text.substr(at.offset, at.length);
    if (written.find('\n') == std::string::npos) name = "'" + written + "'";
  }
  const char* verb = op == "+" ? "it is added to" : op == "-" ? "it is subtracted from" : "it is compared with";
  return "unit mismatch: " + name + " is " + describe(right) + ", but " + (against.empty() ? verb : against) + " " +
         describe(left);
}

Val Lowering::binary(const std::string& op, Val a, Val b, SourceLoc loc, SourceLoc right, const std::string& against) {
  if (a.dim.error || b.dim.error) return failed();
  bool logic = op == "and" || op == "or";
  if (logic) {
    if (!a.dim.boolean || !b.dim.boolean) {
      error(loc, "`" + op + "` joins conditions, but this joins " + describe(a.dim) + " and " +
                     describe(b.dim));
      return failed();
    }
    return {em_.emit(op == "and" ? Op::And : Op::Or, a.op, b.op), a.dim};
  }
  if (a.dim.boolean || b.dim.boolean) {
    error(loc, "cannot use a condition in arithmetic ('" + op + "')");
    return failed();
  }
  Dim d;
  auto same_units = [&](const char* what) {
    if (a.dim.wild) return b.dim;
    if (b.dim.wild) return a.dim;
    if (!(a.dim == b.dim)) {
      if (right.length > 0)
        error(right, mismatch_message(op, a.dim, b.dim, right, against));
      else
        error(loc, std::string("unit mismatch: cannot ") + what + " " + describe(a.dim) + " and " +
                       describe(b.dim));
      Dim e;
      e.error = true;
      return e;
    }
    return a.dim;
  };
  if (op == "+" || op == "-") {
    d = same_units(op == "+" ? "add" : "subtract");
    if (d.error) return failed();
    return {em_.emit(op == "+" ? Op::Add : Op::Sub, a.op, b.op), d};
  }
  if (op == "*" || op == "/") {
    d.money = op == "*" ? a.dim.money + b.dim.money : a.dim.money - b.dim.money;
    d.wild = (op == "*" && (a.dim.wild || b.dim.wild)) || (op == "/" && a.dim.wild);
    if (d.wild) d.money = 0;
    return {em_.emit(op == "*" ? Op::Mul : Op::Div, a.op, b.op), d};
  }
  if (op == "^") {
    if ((a.dim.money != 0 && !a.dim.wild) || (b.dim.money != 0 && !b.dim.wild)) {
      error(loc, "`^` needs plain numbers, not " + describe(a.dim.money ? a.dim : b.dim));
      return failed();
    }
    return {em_.emit(Op::Pow, a.op, b.op), {}};
  }
  static const std::vector<std::pair<std::string, Op>> cmp = {
      {"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}, {"==", Op::Eq}, {"!=", Op::Ne}};
  for (const auto& [name, code] : cmp) {
    if (name != op) continue;
    d = same_units("compare");
    if (d.error) return failed();
    Dim r;
    r.boolean = true;
    return {em_.emit(code, a.op, b.op), r};
  }
  error(loc, "unknown operator '" + op + "'");
  return failed();
}

std::optional<int> Stage::year_of(const ast::Expr& e, const Env& env) {
  auto term = [&](const ast::Operand& o) -> std::optional<int> {
    if (const auto* n = boost::get<ast::Number>(&o)) {
      if (n->unit.empty() && std::floor(n->value) == n->value) {
        if (std::fabs(n->value) <= kMaxYear) return int(n->value);
        char text[32];
        std::snprintf(text, sizeof text, "%.15g", n->value);
        error(n->loc, year_range_message(text));
        return std::nullopt;
      }
      error(n->loc, "expected a year (such as 2022, t - 1, base or horizon)");
      return std::nullopt;
    }
    if (const auto* r = boost::get<x3::forward_ast<ast::Ref>>(&o)) {
      const ast::Ref& ref = r->get();
      if (!ref.index) {
        if (const Binding* b = env.find(ref.name.name)) {
          if (b->is_year) return b->value;
          error(ref.loc, "'" + ref.name.name + "' ranges over a set, not over years");
          return std::nullopt;
        }
        if (ref.name.name == "base") return m_.base;
        if (ref.name.name == "horizon") return m_.horizon;
      }
      std::vector<std::string> names = {"base", "horizon"};
      for (const auto& b : env.binds)
        if (b.is_year) names.push_back(b.name);
      error(ref.loc, "expected a year (such as 2022, t - 1, base or horizon), found '" + ref.name.name +
                         "'" + did_you_mean(ref.name.name, names));
      return std::nullopt;
    }
    if (const auto* inner = boost::get<x3::forward_ast<ast::Expr>>(&o)) return year_of(inner->get(), env);
    error(e.loc, "expected a year (such as 2022, t - 1, base or horizon)");
    return std::nullopt;
  };
  auto y = term(e.first);
  if (!y) return std::nullopt;
  for (const auto& op : e.rest) {
    auto r = term(op.rhs);
    if (!r) return std::nullopt;
    if (op.op == "+") *y += *r;
    else if (op.op == "-") *y -= *r;
    else {
      error(op.loc, "a year can only be shifted with + or -");
      return std::nullopt;
    }
  }
  return y;
}

std::optional<int> Lowering::map_member(int from_set, int idx, int to_set, SourceLoc loc,
                                        const std::string& what) {
  if (from_set == to_set) return idx;
  const std::string& name = m_.sets[from_set].members[idx];
  auto it = m_.sets[to_set].index.find(name);
  if (it == m_.sets[to_set].index.end()) {
    // A member of a subset is always in its parent; the other way round may fail.
    error(loc, what + " ranges over '" + m_.sets[from_set].name + "', but '" + name +
                   "' is not a member of '" + m_.sets[to_set].name + "'");
    return std::nullopt;
  }
  return it->second;
}

std::optional<int> Lowering::member_of(const ast::Expr& e, Env& env, int set) {
  const ast::Ref* ref = lone<ast::Ref>(e);
  const SetInfo& S = m_.sets[set];
  if (!ref) {
    error(e.loc, "expected a member of '" + S.name + "' here");
    return std::nullopt;
  }
  const std::string& n = ref->name.name;
  if (!ref->index) {
    if (const Binding* b = env.find(n)) {
      if (b->is_year) {
        error(ref->loc, "'" + n + "' is a year, but this index expects a member of '" + S.name + "'");
        return std::nullopt;
      }
      return map_member(b->set, b->value, set, ref->loc, "'" + n + "'");
    }
    auto it = S.index.find(n);
    if (it != S.index.end()) return it->second;
  }
  // A param that maps members to members: kind[e].
  auto sit = m_.symbol_index.find(n);
  if (sit != m_.symbol_index.end() && m_.symbols[sit->second].map_set >= 0) {
    int sym = -1;
    auto c = resolve_cell(*ref, env, sym);
    if (!c) return std::nullopt;
    Val v = cell(sym, c->first, c->second, ref->loc);
    if (!is_const(v)) return std::nullopt;
    const double value = em_.const_value(v);
    const int from_set = m_.symbols[sym].map_set;
    if (!(value >= 0 && value < double(m_.sets[from_set].members.size()))) return std::nullopt;  // reported where it was given
    int idx = int(value);
    return map_member(m_.symbols[sym].map_set, idx, set, ref->loc, "'" + n + "'");
  }
  std::vector<std::string> names = S.members;
  for (const auto& b : env.binds) names.push_back(b.name);
  error(ref->loc, "'" + n + "' is not a member of '" + S.name + "'" + did_you_mean(n, names));
  return std::nullopt;
}

int Lowering::resolve_symbol(const ast::Ident& name, std::vector<const ast::Expr*>& extra,
                             std::vector<ast::Expr>& storage) {
  auto it = m_.symbol_index.find(name.name);
  if (it != m_.symbol_index.end()) return it->second;
  // `resultat.CDS` means `resultat[CDS]`: peel trailing words off as leading indices.
  std::string n = name.name;
  std::vector<std::string> members;
  for (auto dot = n.rfind('.'); dot != std::string::npos; dot = n.rfind('.')) {
    members.insert(members.begin(), n.substr(dot + 1));
    n = n.substr(0, dot);
    auto jt = m_.symbol_index.find(n);
    if (jt == m_.symbol_index.end()) continue;
    storage.reserve(members.size());
    for (const auto& m : members) {
      ast::Ref r;
      r.loc = name.loc;
      r.name.name = m;
      r.name.loc = name.loc;
      ast::Expr e;
      e.loc = name.loc;
      e.first = r;
      storage.push_back(e);
    }
    for (const auto& e : storage) extra.push_back(&e);
    return jt->second;
  }
  return -1;
}

// Resolves a reference to one cell: (flat member index, year). Reports what is wrong.
std::optional<std::pair<int, int>> Lowering::resolve_cell(const ast::Ref& r, Env& env, int& sym) {
  std::vector<const ast::Expr*> idx;
  std::vector<ast::Expr> storage;
  sym = resolve_symbol(r.name, idx, storage);
  if (sym < 0) {
    std::vector<std::string> names = m_.known_names(&env);
    std::string msg = "unknown name '" + r.name.name + "'";
    if (m_.set_index.count(r.name.name)) msg = "'" + r.name.name + "' is a set, not a value (sum over it with sum(x in " + r.name.name + ": ...))";
    else msg += did_you_mean(r.name.name, names);
    error(r.name.loc, msg);
    return std::nullopt;
  }
  if (r.index)
    for (const auto& e : *r.index) idx.push_back(&e);
  const Symbol& s = m_.symbols[sym];
  // An indicator's `on` names the series without its year.
  bool open_year = s.has_year() && int(idx.size()) == s.set_axes() && env.symbol < 0 && env.binds.empty();
  if (int(idx.size()) != int(s.axes.size()) && !open_year) {
    std::string want;
    for (const auto& a : s.axes)
      want += (want.empty() ? "" : ", ") + (a.is_year ? std::string("year") : m_.sets[a.set].name);
    error(r.loc, "'" + s.name + "' takes " + std::to_string(s.axes.size()) + " ind" +
                     (s.axes.size() == 1 ? "ex" : "ices") + (want.empty() ? "" : " [" + want + "]") +
                     ", not " + std::to_string(idx.size()));
    return std::nullopt;
  }
  std::vector<int> members;
  int year = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const AxisInfo& ax = s.axes[i];
    if (ax.is_year) {
      auto y = year_of(*idx[i], env);
      if (!y) return std::nullopt;
      if (*y < ax.y0 || *y > ax.y1) {
        std::string msg = "'" + s.name + "' has no value for " + std::to_string(*y) + ": its years are " +
                          std::to_string(ax.y0) + ".." + std::to_string(ax.y1);
        if (*y < ax.y0) msg += " (missing base value: give '" + s.name + "' a value for " + std::to_string(*y) + ")";
        error(idx[i]->loc, msg);
        return std::nullopt;
      }
      year = *y;
    } else {
      auto m = member_of(*idx[i], env, ax.set);
      if (!m) return std::nullopt;
      members.push_back(*m);
    }
  }
  return std::make_pair(m_.flat_index(s, members), year);
}

Val Lowering::reference(const ast::Ref& r, Env& env) {
  if (!r.index) {
    if (const Binding* b = env.find(r.name.name)) {
      if (b->is_year) return em_.constant(b->value);
      error(r.loc, "'" + r.name.name + "' is an index over '" + m_.sets[b->set].name + "', not a value");
      return failed();
    }
    if (r.name.name == "base" && !m_.symbol_index.count("base")) return em_.constant(m_.base);
    if (r.name.name == "horizon" && !m_.symbol_index.count("horizon")) return em_.constant(m_.horizon);
  }
  int sym = -1;
  auto c = resolve_cell(r, env, sym);
  if (!c) return failed();
  const Symbol& s = m_.symbols[sym];
  if (s.map_set >= 0) {
    error(r.loc, "'" + s.name + "' maps to members of '" + m_.sets[s.map_set].name +
                     "': use it as an index, not as a value");
    return failed();
  }
  if (s.kind == Kind::Event && env.symbol >= 0 && m_.symbols[env.symbol].kind != Kind::Event) {
    error(r.loc, "'" + s.name + "' is an event; only events and asserts can use it");
    return failed();
  }
  // A series' own lags read it before a scenario's `adjust`: a level change does not compound.
  const bool raw = sym == env.symbol && !s.adjust.empty();
  Val v = cell(sym, c->first, c->second, r.loc, raw);
  if (s.kind == Kind::Event) {
    v.dim.boolean = true;
    if (met_trace_) {
      const MetSet& inner = event_mets_[cell_key(sym, c->first, c->second)];
      met_trace_->insert(inner.begin(), inner.end());
    }
  }
  if (env.in_param && s.kind != Kind::Param && !v.dim.error) {
    error(r.loc, "a param cannot depend on the var '" + s.name + "'; declare it as a var");
    return failed();
  }
  return v;
}

Val Lowering::aggregate(const ast::Agg& a, Env& env) {
  Binding b;
  b.name = a.over.var ? a.over.var->name : "";
  std::vector<int> values;
  if (const auto* id = boost::get<ast::Ident>(&a.over.domain)) {
    auto it = m_.set_index.find(id->name);
    if (it == m_.set_index.end()) {
      std::vector<std::string> names;
      for (auto& x : m_.sets) names.push_back(x.name);
      error(id->loc, "unknown set '" + id->name + "'" + did_you_mean(id->name, names));
      return failed();
    }
    b.set = it->second;
    for (int i = 0; i < int(m_.sets[b.set].members.size()); ++i) values.push_back(i);
  } else {
    const auto& r = boost::get<ast::Range>(a.over.domain);
    auto y0 = year_of(r.from, env), y1 = year_of(r.to, env);
    if (!y0 || !y1 || !sane_year(*y0, r.from.loc) || !sane_year(*y1, r.to.loc)) return failed();
    b.is_year = true;
    for (int y = *y0; y <= *y1; ++y) values.push_back(y);
  }
  bool is_sum = a.fn == "sum";
  Val acc = em_.constant(is_sum ? 0 : 1);
  if (is_sum) acc.dim.wild = true;
  if ((sum_terms_ += values.size()) > max_cells_) {
    error(a.loc, "this " + a.fn + "() takes the model past its limit of " + std::to_string(max_cells_) +
                     " unrolled terms (--max-cells raises it)");
    return failed();
  }
  for (int v : values) {
    b.value = v;
    env.binds.push_back(b);
    Val x = expr(a.body, env);
    env.binds.pop_back();
    if (x.dim.error) return failed();
    if (is_sum) {
      acc = binary("+", acc, x, a.body.loc);
    } else {
      if (x.dim.money != 0 && !x.dim.wild) {
        error(a.body.loc, "prod(...) multiplies plain numbers, not " + describe(x.dim));
        return failed();
      }
      acc = {em_.emit(Op::Mul, acc.op, x.op), {}};
    }
    if (acc.dim.error) return failed();
  }
  return acc;
}

Val Lowering::indicator_value(const std::string& which, const ast::Call& c, Env& env) {
  std::size_t want = which == "all_met" ? 1 : 2;
  if (c.args.size() != want) {
    error(c.loc, which + "() takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s"));
    return failed();
  }
  auto year = year_of(c.args.back(), env);
  if (!year) return failed();
  Dim cond;
  cond.boolean = true;
  if (which == "all_met") {
    Operand acc = em_.intern(1);
    int n = 0;
    for (const auto& [key, v] : indicator_cells_)
      if (key.second == *year) {
        acc = em_.emit(Op::And, acc, v.first.op), ++n;
        if (met_trace_) met_trace_->insert(key);
      }
    if (n == 0) error(c.loc, "no indicator has a target for " + std::to_string(*year));
    return {acc, cond};
  }
  // The indicator is named by its number or name, as written.
  std::string id;
  if (const auto* n = lone<ast::Number>(c.args[0])) id = n->spelling;
  else if (const auto* r = lone<ast::Ref>(c.args[0]); r && !r->index) id = r->name.name;
  else {
    error(c.args[0].loc, "name the indicator by its number or name, e.g. " + which + "(8, 2024)");
    return failed();
  }
  auto it = indicator_cells_.find({id, *year});
  if (it == indicator_cells_.end()) {
    std::vector<std::string> ids;
    for (const auto& i : m_.indicators) ids.push_back(i.id);
    error(c.args[0].loc, m_.indicator_index.count(id)
                             ? "indicator " + id + " has no target for " + std::to_string(*year)
                             : "unknown indicator '" + id + "'" + did_you_mean(id, ids));
    return failed();
  }
  if (which == "met") {
    if (met_trace_) met_trace_->insert(it->first);
    return {it->second.first.op, cond};
  }
  return it->second.second;
}

Val Lowering::call(const ast::Call& c, Env& env) {
  const std::string& fn = c.fn.name;
  if (fn == "met" || fn == "all_met" || fn == "target") return indicator_value(fn, c, env);
  if (auto dist = engine::dist_from_name(fn)) return draw(c, *dist, env);
  if (fn == "truncated") {
    const ast::Call* inner = c.args.size() == 3 ? lone<ast::Call>(c.args[0]) : nullptr;
    auto d = inner ? engine::dist_from_name(inner->fn.name) : std::nullopt;
    if (!d) {
      error(c.loc, "write truncated(DISTRIBUTION(...), lo, hi), e.g. truncated(lognormal(0, 0.5), 0.5, 3)");
      return failed();
    }
    return draw(*inner, *d, env, &c);
  }
  auto args = [&](std::size_t lo, std::size_t hi) -> std::optional<std::vector<Val>> {
    if (c.args.size() < lo || c.args.size() > hi) {
      error(c.loc, fn + "() takes " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + " or more") +
                       " argument" + (hi == 1 ? "" : "s") + ", not " + std::to_string(c.args.size()));
      return std::nullopt;
    }
    std::vector<Val> v;
    for (const auto& a : c.args) v.push_back(expr(a, env));
    for (const auto& x : v)
      if (x.dim.error) return std::nullopt;
    return v;
  };
  if (fn == "min" || fn == "max") {
    auto v = args(2, 64);
    if (!v) return failed();
    Val acc = (*v)[0];
    for (std::size_t i = 1; i < v->size(); ++i) {
      Val chk = binary("-", acc, (*v)[i], c.args[i].loc, c.args[i].loc, "the arguments before it in " + fn + "() are");
      if (chk.dim.error) return failed();
      acc = {em_.emit(fn == "min" ? Op::Min : Op::Max, acc.op, (*v)[i].op), acc.dim.wild ? (*v)[i].dim : acc.dim};
    }
    return acc;
  }
  if (fn == "abs" || fn == "exp" || fn == "log" || fn == "sqrt" || fn == "sin" || fn == "cos") {
    auto v = args(1, 1);
    if (!v) return failed();
    Val x = (*v)[0];
    if (fn == "abs") return {em_.emit(Op::Abs, x.op), x.dim};
    if ((x.dim.money != 0 && !x.dim.wild) || x.dim.boolean) {
      error(c.args[0].loc, fn + "() needs a plain number, not " + describe(x.dim));
      return failed();
    }
    Op op = fn == "exp" ? Op::Exp : fn == "log" ? Op::Log : fn == "sin" ? Op::Sin : fn == "cos" ? Op::Cos : Op::Sqrt;
    return {em_.emit(op, x.op), {}};
  }
  if (fn == "pow") {
    auto v = args(2, 2);
    if (!v) return failed();
    return binary("^", (*v)[0], (*v)[1], c.loc);
  }
  error(c.fn.loc, "unknown function '" + fn + "'" + did_you_mean(fn, function_names()));
  return failed();
}

// The unit of a draw from its parameters: lognormal works on plain numbers; discrete pairs values
// (one unit) with probabilities; the others take every parameter in the unit of the result.
std::optional<Dim> Lowering::draw_unit(const ast::Call& c, engine::Dist dist, const std::vector<Val>& args) {
  const std::string name(engine::dist_name(dist));
  const std::size_t n = args.size();
  Dim result;
  bool ok = true;
  auto need_plain = [&](std::size_t i) {
    if (args[i].dim.money != 0 && !args[i].dim.wild) {
      error(c.args[i].loc, name + "(): this parameter must be a plain number, not " + describe(args[i].dim));
      ok = false;
    }
  };
  if (dist == engine::Dist::LogNormal) {
    need_plain(0), need_plain(1);
  } else {
    const std::size_t step = dist == engine::Dist::Discrete ? 2 : 1;
    for (std::size_t i = 0; i < n; i += step) {
      if (step == 2) need_plain(i + 1);
      Val chk = binary("-", args[0], args[i], c.args[i].loc);
      if (chk.dim.error) ok = false;
      if (!args[i].dim.wild) result = args[i].dim;
    }
  }
  if (!ok) return std::nullopt;
  return result;
}

// The bounds of `truncated(LAW, LO, HI)` appended to ARGS, in the unit of the draw.
bool Lowering::truncation_bounds(const ast::Call& truncation, const Dim& result, Env& env, std::vector<Val>& args) {
  for (std::size_t i = 1; i < 3; ++i) {
    Val b = expr(truncation.args[i], env);
    if (b.dim.error) return false;
    if (!b.dim.wild && !result.wild && !(b.dim == result) && !(result.money == 0 && b.dim.money == 0)) {
      error(truncation.args[i].loc, "unit mismatch: the bounds of truncated() are in the unit of the draw (" +
                                        describe(result) + "), not " + describe(b.dim));
      return false;
    }
    args.push_back(b);
  }
  return true;
}

// The draw instruction: its identity (the definition, the draw's rank in it, the cell's indices:
// correlated_uniform computes the same identity for the partners of a correlation), its copula
// uniform when correlated, its parameters and where it was written.
Operand Lowering::emit_draw(const ast::Call& c, engine::Dist dist, Env& env, const std::vector<Val>& args,
                            bool truncated) {
  std::uint64_t stream = engine::hash_name(env.stream_name);
  stream = engine::hash_combine(stream, std::uint64_t(env.draw_ordinal++));
  for (const auto& b : env.binds)
    stream = engine::hash_combine(stream, b.is_year ? std::uint64_t(b.value)
                                                    : engine::hash_name(m_.sets[b.set].members[b.value]));
  engine::Instr in;
  in.op = Op::Draw;
  in.dist = dist;
  in.stream = stream;
  if (auto u = correlated_uniform(env, c.loc)) {
    in.external_u = true;
    in.a = *u;
  }
  in.params_begin = std::uint32_t(program_.draw_params.size());
  in.params_count = std::uint32_t(args.size());
  in.truncated = truncated;
  for (const auto& a : args) program_.draw_params.push_back(a.op);
  auto g = std::find(program_.draw_groups.begin(), program_.draw_groups.end(), env.stream_name);
  in.group = std::uint32_t(g - program_.draw_groups.begin());
  if (g == program_.draw_groups.end()) program_.draw_groups.push_back(env.stream_name);
  in.origin = std::uint32_t(program_.origins.size());
  program_.origins.push_back(c.loc);
  in.dst = program_.num_slots++;
  program_.code.push_back(in);
  return in.dst;
}

Val Lowering::draw(const ast::Call& c, engine::Dist dist, Env& env, const ast::Call* truncation) {
  const std::string name(engine::dist_name(dist));
  if (env.in_param) {
    error(c.loc, "a param cannot be random: declare it as a var to draw from " + name + "()");
    return failed();
  }
  int want = engine::dist_param_count(dist);
  std::size_t n = c.args.size();
  if ((want >= 0 && int(n) != want) || (want < 0 && (n < 2 || n % 2 != 0))) {
    error(c.loc, name + "() takes " +
                     (want >= 0 ? std::to_string(want) + " arguments" : std::string("pairs of value, probability")) +
                     ", not " + std::to_string(n));
    return failed();
  }
  std::vector<Val> args;
  for (const auto& a : c.args) args.push_back(expr(a, env));
  for (const auto& a : args)
    if (a.dim.error) return failed();
  const auto result = draw_unit(c, dist, args);
  if (!result) return failed();
  const std::size_t n_law = args.size();
  if (truncation && !truncation_bounds(*truncation, *result, env, args)) return failed();
  // Parameters known at compile time are checked here, where they are written.
  bool all_const = true;
  std::vector<double> k;
  for (const auto& a : args) {
    if (!is_const(a)) all_const = false;
    else k.push_back(em_.const_value(a));
  }
  if (all_const) {
    std::string msg = engine::dist_check(dist, k.data(), n_law);
    if (msg.empty() && truncation) msg = engine::truncated_check(dist, k.data(), n_law, k[n_law], k[n_law + 1]);
    if (!msg.empty()) {
      error(c.loc, msg);
      return failed();
    }
  }
  return {emit_draw(c, dist, env, args, truncation != nullptr), *result};
}

}  // namespace cogsim::dsl
