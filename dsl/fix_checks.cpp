// A `fix` that leaves its series' random drivers drawn: `fix inflation` while `inflation_gap`,
// which `inflation` reads, is still drawn and read by `tariff`. The fixed cells no longer follow
// the driver, the other readers still do, so the model's identities (π = F̄ + u) break silently.
// The checker warns at the fix, naming where the fixed series and the other reader read the driver.
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "dsl/declare.hpp"

namespace cogsim::dsl {
namespace {

// A whole number of plausible size as an int, or nothing (a mutant's 1e308 is not converted: the
// declarations report it; converting it would be undefined).
std::optional<int> small_int(double v) {
  if (!(std::fabs(v) <= 1e6) || std::floor(v) != v) return std::nullopt;
  return int(v);
}


bool is_draw(const std::string& fn) {
  static const std::set<std::string> draws = {"normal", "lognormal",   "uniform",  "triangular",
                                              "pert",   "discrete",    "truncnormal", "truncated"};
  return draws.count(fn) > 0;
}

// The year a reference reads relative to the cell's year: `x[t]` 0, `x[e, t - 1]` −1, where t
// is the year binder; nullopt for any other year index.
// The one node of type T that operand O is, through parentheses and precedence levels.
template <typename T>
const T* lone_in(const ast::Operand& o) {
  if (const auto* e = boost::get<x3::forward_ast<ast::Expr>>(&o)) return lone<T>(e->get());
  if constexpr (std::is_same_v<T, ast::Number>) return boost::get<ast::Number>(&o);
  else {
    const auto* f = boost::get<x3::forward_ast<T>>(&o);
    return f ? &f->get() : nullptr;
  }
}

std::optional<int> year_shift(const ast::Ref& r, const std::string& binder) {
  if (!r.index || r.index->empty() || binder.empty()) return std::nullopt;
  const ast::Expr* e = &r.index->back();
  if (const auto* t = lone<ast::Ref>(*e))
    return t->name.name == binder && !t->index ? std::optional<int>(0) : std::nullopt;
  while (e->rest.empty()) {
    const auto* inner = boost::get<x3::forward_ast<ast::Expr>>(&e->first);
    if (!inner) return std::nullopt;
    e = &inner->get();
  }
  if (e->rest.size() != 1 || (e->rest[0].op != "+" && e->rest[0].op != "-")) return std::nullopt;
  const auto* t = lone_in<ast::Ref>(e->first);
  const auto* k = lone_in<ast::Number>(e->rest[0].rhs);
  if (!t || t->name.name != binder || t->index || !k || !k->unit.empty()) return std::nullopt;
  return small_int(e->rest[0].op == "+" ? k->value : -k->value);
}

// The references of one expression with their year shift (the ones with a known shift).
struct ShiftedRef {
  std::string name;
  SourceLoc loc;
  int shift = 0;
};

// What one var's definition reads: the names it refers to (first place each) and whether it draws.
struct Reads {
  std::map<std::string, SourceLoc> names;
  bool draws = false;
};

struct Walker {
  Reads& out;
  std::vector<ShiftedRef>* shifted = nullptr;  // when set, the references with a known year shift
  std::string binder;                          // the year binder, for the shifts
  void expr(const ast::Expr& e) {
    operand(e.first);
    for (const auto& op : e.rest) operand(op.rhs);
  }
  void operand(const ast::Operand& o) { boost::apply_visitor(*this, o); }
  void operator()(const ast::Number&) {}
  void operator()(const x3::forward_ast<ast::Ref>& r) {
    out.names.emplace(r.get().name.name, r.get().name.loc);
    if (shifted)
      if (auto k = year_shift(r.get(), binder)) shifted->push_back({r.get().name.name, r.get().name.loc, *k});
    if (r.get().index)
      for (const auto& i : *r.get().index) expr(i);
  }
  void operator()(const x3::forward_ast<ast::Call>& c) {
    if (is_draw(c.get().fn.name)) out.draws = true;
    for (const auto& a : c.get().args) expr(a);
  }
  void operator()(const x3::forward_ast<ast::Unary>& u) { operand(u.get().operand); }
  void operator()(const x3::forward_ast<ast::Expr>& e) { expr(e.get()); }
  void operator()(const x3::forward_ast<ast::If>& f) {
    expr(f.get().cond);
    expr(f.get().then_);
    expr(f.get().else_);
  }
  void operator()(const x3::forward_ast<ast::Agg>& a) { expr(a.get().body); }
};

Reads reads_of(const ast::VarDecl& v) {
  Reads r;
  Walker w{r, nullptr, {}};
  for (const auto& c : v.clauses) w.expr(c.body);
  return r;
}

// A year of a clause's range: a literal year, `base` or `horizon`.
std::optional<int> clause_year(const ast::Expr& e, const Model& m) {
  if (const auto* n = lone<ast::Number>(e)) return small_int(n->value);
  if (const auto* r = lone<ast::Ref>(e)) {
    if (r->name.name == "base") return m.base;
    if (r->name.name == "horizon") return m.horizon;
  }
  return std::nullopt;
}

// The clause of VAR that defines YEAR: the first whose range holds it, else `else`.
const ast::Clause* clause_for(const ast::VarDecl& var, int year, const Model& m) {
  const ast::Clause* other = nullptr;
  for (const auto& c : var.clauses) {
    if (!c.when) {
      other = other ? other : &c;
      continue;
    }
    auto a = clause_year(c.when->from, m), b = clause_year(c.when->to, m);
    if (a && b && *a <= year && year <= *b) return &c;
  }
  return other;
}

// The checks, over every var's definition as written.
struct FixChecker {
  const Model& model;
  const Sources& src;
  Reporter& reporter;
  std::map<int, const ast::FixDecl*> fixes;  // symbol -> its first `fix`
  std::map<int, Reads> reads;                // every var's definition
  std::map<int, bool> random;

  // Random: draws itself, or reads a random var; a fixed var counts as known.
  bool is_random(int i) {
    if (fixes.count(i) || !reads.count(i)) return false;
    auto [at, fresh] = random.emplace(i, false);  // false while in progress (a var reads itself)
    if (!fresh) return at->second;
    bool r = reads[i].draws;
    for (const auto& [name, loc] : reads[i].names) {
      auto s = model.symbol_index.find(name);
      if (!r && s != model.symbol_index.end() && s->second != i) r = is_random(s->second);
    }
    return random[i] = r;
  }
  std::string where(SourceLoc loc) const {
    auto [line, col] = src.line_col(loc.file, loc.offset);
    const std::string file = std::filesystem::path(src.path(loc.file)).lexically_normal().generic_string();
    return file + ":" + std::to_string(line) + ":" + std::to_string(col);
  }
  // Another var than X and Y that reads NAME (Y's name), and where; none: -1.
  std::pair<int, SourceLoc> other_reader(int x, int y, const std::string& name) const {
    for (const auto& [z, rz] : reads) {
      auto at_z = rz.names.find(name);
      if (z != x && z != y && !fixes.count(z) && at_z != rz.names.end()) return {z, at_z->second};
    }
    return {-1, {}};
  }
  void check_fixes() {
    const auto& syms = model.symbols;
    for (const auto& [x, fix] : fixes) {
      for (const auto& [name, at_x] : reads[x].names) {
        auto y = model.symbol_index.find(name);
        if (y == model.symbol_index.end() || y->second == x || !is_random(y->second)) continue;
        auto [z, at_z] = other_reader(x, y->second, name);
        if (z < 0) continue;
        reporter.warning(fix->name.loc,
                "fixing '" + syms[x].name + "' leaves '" + name + "' random, which '" + syms[x].name +
                    "' reads (" + where(at_x) + ") and '" + syms[z].name + "' still reads (" + where(at_z) +
                    "): '" + syms[z].name + "' will not see the fixed values; fix '" + name + "' instead, or as well");
      }
    }
  }
  // Is var D random in YEAR: not fixed then, and the clause for YEAR draws or reads a random var.
  bool random_in(int d, int year) {
    const Symbol& s = model.symbols[d];
    if (fixes.count(d) || !s.var || !s.has_year() || year < s.axes.back().y0 || year > s.axes.back().y1) return false;
    for (const auto& [cell, value] : s.fixed)
      if (cell.second == year) return false;
    const ast::Clause* c = clause_for(*s.var, year, model);
    if (!c) return false;
    Reads r;
    Walker{r, nullptr, {}}.expr(c->body);
    if (r.draws) return true;
    for (const auto& [name, loc] : r.names) {
      auto i = model.symbol_index.find(name);
      if (i != model.symbol_index.end() && i->second != d && is_random(i->second)) return true;
    }
    return false;
  }
  void check_actual(int x);
};

// `actual` values of X, year by year: a year whose equation reads a driver that is random that
// year (RM1's own `actual` years read u(2021) = 0 and no u(2020): no warning).
void FixChecker::check_actual(int x) {
  const Symbol& sx = model.symbols[x];
  if (!sx.var || !sx.var->actual || !sx.has_year()) return;
  std::set<int> warned;
  for (const auto& row : sx.var->actual->rows) {
    const auto* key = boost::get<ast::Number>(&row.key);
    // Only a plain year inside the series' years (a bad key, 1e308 say, is reported by the declarations).
    const std::optional<int> y0 = key ? small_int(key->value) : std::nullopt;
    if (!y0 || *y0 < sx.axes.back().y0 || *y0 > sx.axes.back().y1) continue;
    const ast::Clause* c = clause_for(*sx.var, *y0, model);
    if (!c) continue;
    Reads r;
    std::vector<ShiftedRef> refs;
    Walker{r, &refs, sx.axes.back().var}.expr(c->body);
    for (const auto& ref : refs) {
      auto y = model.symbol_index.find(ref.name);
      if (y == model.symbol_index.end() || y->second == x || warned.count(y->second)) continue;
      const int year = *y0 + ref.shift;
      if (!random_in(y->second, year)) continue;
      auto [z, at_z] = other_reader(x, y->second, ref.name);
      if (z < 0) continue;
      warned.insert(y->second);
      const std::string& zn = model.symbols[z].name;
      reporter.warning(key->loc, "the actual value of '" + sx.name + "' for " + std::to_string(*y0) +
                                     " leaves '" + ref.name + "' random in " + std::to_string(year) + ", which '" +
                                     sx.name + "' reads (" + where(ref.loc) + ") and '" + zn + "' still reads (" +
                                     where(at_z) + "): '" + zn + "' will not see the actual value; give '" + ref.name +
                                     "' its actual value instead, or as well");
    }
  }
}

}  // namespace

bool holds_a_draw(const ast::VarDecl& v) { return reads_of(v).draws; }

void warn_partial_fixes(const Loaded& loaded, const Model& model, const Sources& src, Reporter& reporter) {
  FixChecker c{model, src, reporter, {}, {}, {}};
  for (const auto& it : loaded.items)
    if (const auto* d = boost::get<ast::FixDecl>(&*it.statement); d && d->verb == "fix") {
      auto s = model.symbol_index.find(d->name.name);
      if (s != model.symbol_index.end() && model.symbols[s->second].var) c.fixes.emplace(s->second, d);
    }
  for (int i = 0; i < int(model.symbols.size()); ++i)
    if (model.symbols[i].var) c.reads[i] = reads_of(*model.symbols[i].var);
  c.check_fixes();
  for (int i = 0; i < int(model.symbols.size()); ++i) c.check_actual(i);
}

}  // namespace cogsim::dsl
