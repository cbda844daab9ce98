// A `fix` that leaves its series' random drivers drawn: `fix inflation` while `inflation_gap`,
// which `inflation` reads, is still drawn and read by `tariff`. The fixed cells no longer follow
// the driver, the other readers still do, so the model's identities (π = F̄ + u) break silently.
// The checker warns at the fix, naming where the fixed series and the other reader read the driver.
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dsl/declare.hpp"

namespace cogsim::dsl {
namespace {

bool is_draw(const std::string& fn) {
  static const std::set<std::string> draws = {"normal", "lognormal",   "uniform",  "triangular",
                                              "pert",   "discrete",    "truncnormal", "truncated"};
  return draws.count(fn) > 0;
}

// What one var's definition reads: the names it refers to (first place each) and whether it draws.
struct Reads {
  std::map<std::string, SourceLoc> names;
  bool draws = false;
};

struct Walker {
  Reads& out;
  void expr(const ast::Expr& e) {
    operand(e.first);
    for (const auto& op : e.rest) operand(op.rhs);
  }
  void operand(const ast::Operand& o) { boost::apply_visitor(*this, o); }
  void operator()(const ast::Number&) {}
  void operator()(const x3::forward_ast<ast::Ref>& r) {
    out.names.emplace(r.get().name.name, r.get().name.loc);
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
  Walker w{r};
  for (const auto& c : v.clauses) w.expr(c.body);
  return r;
}

}  // namespace

void warn_partial_fixes(const Loaded& loaded, const Model& model, const Sources& src, Reporter& reporter) {
  const auto& index = model.symbol_index;
  const auto& syms = model.symbols;
  std::map<int, const ast::FixDecl*> fixes;  // symbol -> its first `fix`
  for (const auto& it : loaded.items)
    if (const auto* d = boost::get<ast::FixDecl>(&*it.statement); d && d->verb == "fix") {
      auto s = index.find(d->name.name);
      if (s != index.end() && syms[s->second].var) fixes.emplace(s->second, d);
    }
  if (fixes.empty()) return;
  std::map<int, Reads> reads;  // every var's definition
  for (int i = 0; i < int(syms.size()); ++i)
    if (syms[i].var) reads[i] = reads_of(*syms[i].var);
  // Random: draws itself, or reads a random var; a fixed var counts as known.
  std::map<int, bool> random;
  std::function<bool(int)> is_random = [&](int i) {
    if (fixes.count(i) || !reads.count(i)) return false;
    auto [at, fresh] = random.emplace(i, false);  // false while in progress (a var reads itself)
    if (!fresh) return at->second;
    bool r = reads[i].draws;
    for (const auto& [name, loc] : reads[i].names) {
      auto s = index.find(name);
      if (!r && s != index.end() && s->second != i) r = is_random(s->second);
    }
    return random[i] = r;
  };
  auto where = [&](SourceLoc loc) {
    auto [line, col] = src.line_col(loc.file, loc.offset);
    const std::string file = std::filesystem::path(src.path(loc.file)).lexically_normal().generic_string();
    return file + ":" + std::to_string(line) + ":" + std::to_string(col);
  };
  for (const auto& [x, fix] : fixes) {
    for (const auto& [name, at_x] : reads[x].names) {
      auto y = index.find(name);
      if (y == index.end() || y->second == x || !is_random(y->second)) continue;
      for (const auto& [z, rz] : reads) {
        auto at_z = rz.names.find(name);
        if (z == x || z == y->second || fixes.count(z) || at_z == rz.names.end()) continue;
        reporter.warning(fix->name.loc,
                "fixing '" + syms[x].name + "' leaves '" + name + "' random, which '" + syms[x].name +
                    "' reads (" + where(at_x) + ") and '" + syms[z].name + "' still reads (" +
                    where(at_z->second) + "): '" + syms[z].name + "' will not see the fixed values; fix '" +
                    name + "' instead, or as well");
        break;
      }
    }
  }
}

}  // namespace cogsim::dsl
