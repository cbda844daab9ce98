// Budget rules as built-in notions: funds and lines, nature (limitative / évaluative), groups,
// indexation on corrected inflation, RMPP actualisation, carry-over, asymmetric fungibility.
#include <cmath>

#include "dsl/lowering.hpp"
#include "dsl/suggest.hpp"

namespace cogsim::dsl {

using engine::Op;

namespace {
const char* const kCarryOverRule =
    "COG 2022-2024, Annexe 3, règles budgétaires communes: « Les crédits évaluatifs non consommés "
    "au titre d'un exercice ne peuvent donner lieu à un report »";
const char* const kAsymmetricRule =
    "asymmetric fungibility allows personnel -> fonctionnement -> investissement only";
}  // namespace

void Lowering::declare_fund(const ast::FundDecl& d, int layer) {
  for (const auto& other : funds_)
    if (other.name == d.name.name) {
      error(d.name.loc, "duplicate definition of fund '" + d.name.name + "'");
      return;
    }
  FundInfo f;
  f.name = d.name.name;
  f.label = d.attrs.label.value_or("");
  f.source = d.attrs.source.value_or("");
  f.loc = d.name.loc;
  for (const auto& a : d.fund_attrs) {
    if (a.key.name == "asymmetric_fungibility" || a.key.name == "fungibility_within_groups") {
      f.fungibility = a.key.name == "asymmetric_fungibility" ? "asymmetric" : "within_groups";
      f.fungibility_source = a.text.value_or(f.source);
    } else {
      error(a.key.loc, "unknown fund attribute '" + a.key.name + "'" +
                           did_you_mean(a.key.name, {"asymmetric_fungibility", "fungibility_within_groups"}));
    }
  }
  int fund_id = int(funds_.size());
  bool any_execution = false;
  for (const auto& ld : d.lines) {
    LineInfo l;
    l.fund = f.name;
    l.name = ld.name.name;
    l.full = f.name + "." + l.name;
    l.label = ld.label.value_or("");
    l.loc = ld.name.loc;
    static const std::vector<std::string> attrs = {
        "limitative", "evaluative", "personnel", "fonctionnement", "investissement", "programme",
        "carry_over", "source", "amounts", "index_inflation", "actualise_rmpp", "execution"};
    const ast::LineAttr* carry = nullptr;
    for (const auto& a : ld.attrs) {
      const std::string& k = a.key.name;
      if (k == "limitative" || k == "evaluative") l.nature = k;
      else if (k == "personnel" || k == "fonctionnement" || k == "investissement") l.group = k;
      else if (k == "programme") l.programme = true;
      else if (k == "carry_over") l.carry_over = true, carry = &a;
      else if (k == "source") l.source = a.text.value_or("");
      else if (k == "amounts") {
        if (!a.table) error(a.loc, "`amounts` needs a table such as { 2022: 899 200 €, 2023: ... }");
        else l.amounts = &*a.table;
      } else if (k == "index_inflation" || k == "actualise_rmpp") {
        if (!a.args || a.args->size() != 2 || !a.from) {
          error(a.loc, "write `" + k + "(" + (k == "index_inflation" ? "FORECAST, REALISED" : "REALISED, REFERENCE") +
                           ") from YEAR`");
          continue;
        }
        (k == "index_inflation" ? l.index : l.actualise) = &a;
      } else if (k == "execution") {
        if (!a.args || a.args->size() != 1) error(a.loc, "write `execution(RATE)`, e.g. execution(uniform(0.9, 1))");
        else l.execution = &a.args->front();
      } else {
        error(a.key.loc, "unknown budget line attribute '" + k + "'" + did_you_mean(k, attrs));
      }
    }
    if (l.nature.empty())
      error(ld.name.loc, "budget line '" + l.full + "' must say whether it is limitative or evaluative");
    if (l.carry_over && l.nature == "evaluative")
      error(carry->loc, "line '" + l.full + "' is évaluative: its unspent credits cannot be carried over (" +
                            std::string(kCarryOverRule) + ")");
    if (l.carry_over && !l.execution)
      error(carry->loc, "line '" + l.full + "' carries unspent credits over, so it needs an `execution(...)` rate");
    if (!l.amounts) {
      error(ld.name.loc, "budget line '" + l.full + "' has no `amounts` table");
      continue;
    }
    int y0 = 1 << 30, y1 = -(1 << 30);
    for (const auto& row : l.amounts->rows) {
      const auto* y = boost::get<ast::Number>(&row.key);
      const auto* v = row.cells.size() == 1 ? boost::get<ast::Number>(&row.cells[0]) : nullptr;
      if (!y || !v || !y->unit.empty()) {
        error(row.loc, "expected `YEAR: amount €` in the amounts of '" + l.full + "'");
        continue;
      }
      auto lit = literal(*v);
      if (lit->second.money != 1 && !(lit->second.wild)) {
        error(v->loc, "unit mismatch: the amounts of a budget line are in € (write € or M€ after the number)");
        continue;
      }
      int year = int(y->value);
      if (l.amount.count(year)) error(y->loc, "duplicate year " + std::to_string(year) + " in the amounts of '" + l.full + "'");
      l.amount[year] = lit->first;
      y0 = std::min(y0, year);
      y1 = std::max(y1, year);
    }
    if (l.amount.empty()) continue;
    for (int y = y0; y <= y1; ++y)
      if (!l.amount.count(y))
        error(l.amounts->loc, "the amounts of '" + l.full + "' skip " + std::to_string(y));
    f.y0 = f.lines.empty() ? y0 : std::min(f.y0, y0);
    f.y1 = f.lines.empty() ? y1 : std::max(f.y1, y1);
    int line_id = int(lines_.size());
    line_index_[l.full] = line_id;
    f.lines.push_back(line_id);
    // The series each line exposes to the rest of the model.
    auto add = [&](const std::string& name, Kind kind, const std::string& label) {
      Symbol s;
      s.name = name;
      s.kind = kind;
      s.loc = ld.name.loc;
      s.layer = layer;
      s.label = label;
      s.source = l.source;
      s.line = line_id;
      s.fund = fund_id;
      s.has_declared = true;
      s.declared.money = 1;
      s.unit_word = "€";
      AxisInfo ax;
      ax.is_year = true;
      ax.y0 = y0;
      ax.y1 = y1;
      ax.var = "t";
      s.axes.push_back(ax);
      add_symbol(std::move(s), false, ld.name.loc);
    };
    add(l.full, Kind::LineEnvelope, l.label);
    if (l.execution) {
      any_execution = true;
      add(l.full + ".authorised", Kind::LineAuthorised, l.label + " — crédits autorisés");
      add(l.full + ".executed", Kind::LineExecuted, l.label + " — crédits exécutés");
      add(l.full + ".unspent", Kind::LineUnspent, l.label + " — crédits non consommés");
      add(l.full + ".carried", Kind::LineCarried, l.label + " — crédits reportés");
    }
    lines_.push_back(std::move(l));
  }
  if (any_execution) {
    auto add = [&](const std::string& name, Kind kind, const std::string& label) {
      Symbol s;
      s.name = name;
      s.kind = kind;
      s.loc = d.name.loc;
      s.layer = layer;
      s.label = label;
      s.source = f.source;
      s.fund = fund_id;
      s.has_declared = true;
      s.declared.money = 1;
      s.unit_word = "€";
      AxisInfo ax;
      ax.is_year = true;
      ax.y0 = f.y0;
      ax.y1 = f.y1;
      ax.var = "t";
      s.axes.push_back(ax);
      add_symbol(std::move(s), false, d.name.loc);
    };
    add(f.name + ".cancelled", Kind::FundCancelled, "Crédits annulés");
    add(f.name + ".carried_beyond", Kind::FundCarriedBeyond, "Crédits de paiement reportés au-delà de la COG");
  }
  funds_.push_back(std::move(f));
}

void Lowering::declare_transfer(const ast::TransferDecl& d) {
  auto find = [&](const ast::Ident& n) -> int {
    auto it = line_index_.find(n.name);
    if (it != line_index_.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& l : lines_) names.push_back(l.full);
    error(n.loc, "unknown budget line '" + n.name + "'" + did_you_mean(n.name, names));
    return -1;
  };
  int from = find(d.from), to = find(d.to);
  if (from < 0 || to < 0) return;
  LineInfo &a = lines_[from], &b = lines_[to];
  int year = int(d.year.value);
  if (!a.amount.count(year) || !b.amount.count(year)) {
    error(d.year.loc, "both lines need an amount for " + std::to_string(year));
    return;
  }
  if (!d.voted) {
    if (a.fund != b.fund) {
      error(d.loc, "a transfer between two funds (" + a.fund + " to " + b.fund +
                       ") needs a vote of the board (write `voted \"...\"`)");
      return;
    }
    const FundInfo* f = nullptr;
    for (const auto& x : funds_)
      if (x.name == a.fund) f = &x;
    if (f && f->fungibility == "asymmetric") {
      static const std::vector<std::string> chain = {"personnel", "fonctionnement", "investissement"};
      auto pa = std::find(chain.begin(), chain.end(), a.group), pb = std::find(chain.begin(), chain.end(), b.group);
      bool ok = a.group == b.group || (pa != chain.end() && pb == pa + 1);
      if (!ok) {
        error(d.loc, "transfer from " + a.group + " to " + b.group + " is forbidden: " + kAsymmetricRule + " (" +
                         f->fungibility_source + ": « Tout autre virement est interdit »); a decision voted by the "
                         "board is required (write `voted \"...\"`)");
        return;
      }
    } else if (f && f->fungibility == "within_groups" && a.group != b.group) {
      error(d.loc, "transfer from " + a.group + " to " + b.group + " is outside the fungibility groups of " + f->name +
                       " (" + f->fungibility_source + "); a decision voted by the board is required (write `voted \"...\"`)");
      return;
    }
  }
  a.transfers_out.push_back({year, &d});
  b.transfers_in.push_back({year, &d});
}

// A yearly series named in a budget rule: `inflation` means inflation[year].
Val Lowering::series_at(const ast::Expr& arg, int year, SourceLoc loc) {
  const ast::Ref* ref = lone<ast::Ref>(arg);
  if (!ref || ref->index) {
    Env env;
    env.binds.push_back({"t", true, -1, year});
    return expr(arg, env);
  }
  auto it = symbol_index_.find(ref->name.name);
  if (it == symbol_index_.end()) {
    error(ref->loc, "unknown name '" + ref->name.name + "'" + did_you_mean(ref->name.name, known_names(nullptr)));
    Val v = constant(0);
    v.dim.error = true;
    return v;
  }
  const Symbol& s = symbols_[it->second];
  if (s.set_axes() != 0) {
    error(ref->loc, "'" + s.name + "' has set indices; a budget rule needs a yearly series");
    Val v = constant(0);
    v.dim.error = true;
    return v;
  }
  if (!s.has_year()) return cell(it->second, 0, 0, loc);
  const AxisInfo& ax = s.axes.back();
  if (year < ax.y0 || year > ax.y1) {
    error(ref->loc, "'" + s.name + "' has no value for " + std::to_string(year) + " (its years are " +
                        std::to_string(ax.y0) + ".." + std::to_string(ax.y1) + "), which this rule needs");
    Val v = constant(0);
    v.dim.error = true;
    return v;
  }
  return cell(it->second, 0, year, loc);
}

Val Lowering::lower_line_cell(const Symbol& s, int year) {
  auto sym_of = [&](const std::string& name) { return symbol_index_.at(name); };
  auto money = [](engine::Operand o) {
    Val v{o, {}};
    v.dim.money = 1;
    return v;
  };
  if (s.kind == Kind::FundCancelled || s.kind == Kind::FundCarriedBeyond) {
    const FundInfo& f = funds_[s.fund];
    int last = std::min(conv1_, f.y1);
    engine::Operand acc = intern(0);
    for (int li : f.lines) {
      const LineInfo& l = lines_[li];
      if (!l.execution || !l.amount.count(year)) continue;
      engine::Operand unspent = cell(sym_of(l.full + ".unspent"), 0, year, s.loc).op;
      engine::Operand carried = cell(sym_of(l.full + ".carried"), 0, year, s.loc).op;
      bool beyond = l.programme && year == last;
      if (s.kind == Kind::FundCarriedBeyond) {
        if (beyond) acc = emit(Op::Add, acc, unspent);
      } else if (!beyond) {
        acc = emit(Op::Add, acc, emit(Op::Sub, unspent, carried));
      }
    }
    return money(acc);
  }
  const LineInfo& l = lines_[s.line];
  const AxisInfo& ax = s.axes.back();
  switch (s.kind) {
    case Kind::LineEnvelope: {
      auto amt = l.amount.find(year);
      if (amt == l.amount.end()) return money(intern(0));  // a skipped year, already reported
      engine::Operand e = intern(amt->second);
      if (l.index) {
        int from = int(l.index->from->value);
        for (int n = from; n <= year; ++n) {
          Val p = series_at((*l.index->args)[0], n, l.index->loc);
          Val r = p;
          if (n - 1 >= conv0_) {
            // r(N) = p(N) + (π(N−1) − p(N−1)): the forecast corrected by last year's error.
            Val pi_prev = series_at((*l.index->args)[1], n - 1, l.index->loc);
            Val p_prev = series_at((*l.index->args)[0], n - 1, l.index->loc);
            r = {emit(Op::Add, p.op, emit(Op::Sub, pi_prev.op, p_prev.op)), {}};
          }
          e = emit(Op::Mul, e, emit(Op::Add, intern(1), r.op));
        }
      }
      if (l.actualise) {
        int from = int(l.actualise->from->value);
        for (int k = from; k <= year; ++k) {
          Val rho = series_at((*l.actualise->args)[0], k, l.actualise->loc);
          Val ref = series_at((*l.actualise->args)[1], k, l.actualise->loc);
          e = emit(Op::Mul, e, emit(Op::Add, intern(1), emit(Op::Sub, rho.op, ref.op)));
        }
      }
      Env env;
      auto amount = [&](const ast::TransferDecl* t) {
        Val a = expr(t->amount, env);
        if (!a.dim.error && !a.dim.wild && (a.dim.money != 1 || a.dim.boolean))
          error(t->amount.loc, "unit mismatch: a transfer moves an amount in €, not " + describe(a.dim));
        return a.op;
      };
      for (const auto& [y, t] : l.transfers_in)
        if (y == year) e = emit(Op::Add, e, amount(t));
      for (const auto& [y, t] : l.transfers_out)
        if (y == year) e = emit(Op::Sub, e, amount(t));
      return money(e);
    }
    case Kind::LineAuthorised: {
      engine::Operand e = cell(sym_of(l.full), 0, year, s.loc).op;
      if (year > ax.y0) e = emit(Op::Add, e, cell(sym_of(l.full + ".carried"), 0, year - 1, s.loc).op);
      return money(e);
    }
    case Kind::LineExecuted: {
      Env env;
      env.binds.push_back({"t", true, -1, year});
      env.stream_name = l.full + ".execution";
      Val x = expr(*l.execution, env);
      if (!x.dim.error && (x.dim.money != 0 || x.dim.boolean))
        error(l.execution->loc, "the execution rate must be a plain number or rate, not " + describe(x.dim));
      return money(emit(Op::Mul, x.op, cell(sym_of(l.full + ".authorised"), 0, year, s.loc).op));
    }
    case Kind::LineUnspent:
      return money(emit(Op::Sub, cell(sym_of(l.full + ".authorised"), 0, year, s.loc).op,
                        cell(sym_of(l.full + ".executed"), 0, year, s.loc).op));
    case Kind::LineCarried: {
      // Unspent limitative credits go to next year, within the convention only.
      int last = std::min(conv1_, ax.y1);
      if (!l.carry_over || l.nature != "limitative" || year >= last) return money(intern(0));
      return cell(sym_of(l.full + ".unspent"), 0, year, s.loc);
    }
    default: break;
  }
  return constant(0);
}

}  // namespace cogsim::dsl
