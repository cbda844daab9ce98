// Declarations: the model header, sets, params, vars, events, funds, indicators, fixes.
#include <cmath>
#include <cstdio>

#include "dsl/csv_tables.hpp"
#include "dsl/declare.hpp"
#include "dsl/suggest.hpp"
#include "dsl/text_checks.hpp"
#include "dsl/units.hpp"

namespace cogsim::dsl {

namespace {
template <typename T>
const T* get(const ast::Statement& s) {
  return boost::get<T>(&s);
}
}  // namespace

Declarer::Declarer(const Loaded& loaded, Sources& sources, Reporter& reporter, std::uint64_t max_cells)
    : Stage(sources, reporter), loaded_(loaded), max_cells_(max_cells) {}

std::string percent_text(double fraction) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g %%", 100 * fraction);
  return buf;
}

// As each definition is declared, before anything is lowered or indexed: its cells, counted in
// 64 bits, and the model's so far, against max_cells_. The definition past which the model
// explodes is named.
bool Declarer::within_cell_limit(const Symbol& s) {
  std::uint64_t n = 1;
  bool over = false;
  for (const auto& a : s.axes) {
    n *= static_cast<std::uint64_t>(std::max(0, a.size(m_.sets)));
    if (n > max_cells_) {
      over = true;
      break;
    }
  }
  if (!over && declared_cells_ + n <= max_cells_) {
    declared_cells_ += n;
    return true;
  }
  std::string count = over ? "more than " + std::to_string(max_cells_) : std::to_string(n);
  error(s.loc, "'" + s.name + "' unrolls to " + count + " cells, which takes the model past its limit of " +
                   std::to_string(max_cells_) + " cells (--max-cells raises it)");
  return false;
}

std::optional<std::pair<double, Dim>> Stage::literal(const ast::Number& n) {
  Dim d;
  double v = n.value;
  if (n.unit == "%" && std::fabs(n.value) > 1000 && std::isfinite(n.value))  // an infinity has its own error
    warning(n.loc, "implausible rate: " + percent_text(n.value / 100) + " is above 1 000 % (did you mean " +
                       percent_text(n.value / 10000) + "?)");
  if (n.unit.find("€") != std::string::npos) d.money = 1;
  v = unit_value(v, n.unit);  // 2.8 % is 0.028, not 2.8 / 100
  if (n.unit.empty() && n.value == 0) d.wild = true;
  if (!std::isfinite(v))  // 1e309, or 1e305 M€: the model fails to compile, located (the value is kept)
    error(n.loc, "'" + n.spelling + "' is not a finite number: numbers are at most about 1.8e308" +
                     std::string(n.unit.empty() || n.unit == "%" ? "" : " once in €"));
  return std::make_pair(v, d);
}

bool Stage::sane_year(int year, SourceLoc loc) {
  if (year >= kMinYear && year <= kMaxYear) return true;
  error(loc, year_range_message(std::to_string(year)));
  return false;
}

std::optional<int> Stage::year_literal(const ast::Number& n) {
  if (n.unit.empty() && std::floor(n.value) == n.value && n.value >= kMinYear && n.value <= kMaxYear)
    return int(n.value);
  if (!n.unit.empty() || (std::isfinite(n.value) && std::floor(n.value) != n.value)) {
    error(n.loc, "expected a year (a whole number such as 2022)");
    return std::nullopt;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", n.value);
  error(n.loc, year_range_message(text));
  return std::nullopt;
}

std::optional<int> Stage::const_year(const ast::Expr& e) {
  Env env;
  return year_of(e, env);
}

std::optional<std::pair<int, int>> Stage::const_range(const ast::Range& r) {
  auto a = const_year(r.from), b = const_year(r.to);
  if (!a || !b || !sane_year(*a, r.from.loc) || !sane_year(*b, r.to.loc)) return std::nullopt;
  if (*a > *b) {
    error(r.loc, "bad year range " + std::to_string(*a) + ".." + std::to_string(*b) +
                     ": the first year is after the last");
    return std::nullopt;
  }
  return std::make_pair(*a, *b);
}

void Declarer::declare_model() {
  const ast::ModelDecl* m = nullptr;
  int layer = -1, scenario_layer = -1;
  for (const auto& it : loaded_.items) {
    if (const auto* d = get<ast::ModelDecl>(*it.statement)) {
      if (m && layer == it.layer)
        error(d->loc, "a second model declaration in the same scenario");
      m = d;
      layer = it.layer;
    }
    if (const auto* s = get<ast::ScenarioDecl>(*it.statement)) {
      // One per layer (a later layer's names its own scenario); two in one, the last silently won.
      if (scenario_layer == it.layer) error(s->loc, "a second scenario line in the same layer: a scenario has one name");
      m_.scenario_name = s->name;
      scenario_layer = it.layer;
    }
  }
  if (!m) {
    if (loaded_.files.empty()) return;  // nothing could be read: that error is already reported
    // At the top of the main file (the first one read), even when it is empty.
    SourceLoc loc{loaded_.items.empty() ? (sources_.size() ? 0u : UINT32_MAX) : loaded_.items.front().file, 0, 0};
    rep_.add({Severity::Error, loc, "no model declaration: start the file with `model \"name\" base YEAR years A..B`",
              DiagCode::NoModel});
    return;
  }
  m_.model_name = m->name;
  Env env;
  // The header's years are plain numbers (base and horizon are not known yet).
  bool out_of_range = false;
  auto plain = [&](const ast::Expr& e) -> std::optional<int> {
    if (const auto* n = lone<ast::Number>(e))
      if (n->unit.empty() && std::floor(n->value) == n->value) {
        if (n->value >= kMinYear && n->value <= kMaxYear) return int(n->value);
        char text[32];
        std::snprintf(text, sizeof text, "%.15g", n->value);
        error(n->loc, year_range_message(text));
        out_of_range = true;
        return std::optional<int>();
      }
    return std::optional<int>();
  };
  auto b = plain(m->base), y0 = plain(m->years.from), y1 = plain(m->years.to);
  if (!b || !y0 || !y1) {
    if (!out_of_range) error(m->loc, "the model's base and years must be plain years, such as base 2019 years 2020..2024");
    return;
  }
  if (*y0 > *y1) {
    error(m->years.loc, "bad year range " + std::to_string(*y0) + ".." + std::to_string(*y1) +
                            ": the first year is after the last");
    return;
  }
  if (*b >= *y0) {
    error(m->base.loc, "the base year " + std::to_string(*b) +
                           " must come before the first projection year " + std::to_string(*y0));
    return;
  }
  m_.base = *b;
  m_.first = *y0;
  m_.horizon = *y1;
  m_.has_model = true;
  declare_conventions(*m);
}

// The convention periods of the header (`convention 2022..2024, 2025..2027`), in order and
// disjoint; without any, the whole projection is one convention.
void Declarer::declare_conventions(const ast::ModelDecl& m) {
  if (!m.convention) {
    m_.conventions = {{m_.first, m_.horizon}};
  } else {
    for (const auto& range : *m.convention) {
      auto r = const_range(range);
      if (!r) continue;
      if (!m_.conventions.empty() && r->first <= m_.conventions.back().second) {
        error(range.loc, "convention periods must follow each other without overlapping: " +
                             std::to_string(r->first) + ".." + std::to_string(r->second) + " starts before " +
                             std::to_string(m_.conventions.back().second) + " ends");
        continue;
      }
      m_.conventions.push_back(*r);
    }
    if (m_.conventions.empty()) m_.conventions = {{m_.first, m_.horizon}};
  }
  m_.conv0 = m_.conventions.front().first;
  m_.conv1 = m_.conventions.back().second;
}

void Declarer::declare_set(const ast::SetDecl& d, int layer) {
  if (auto it = m_.set_index.find(d.name.name); it != m_.set_index.end()) {
    error(d.name.loc, "duplicate definition of set '" + d.name.name + "'");
    return;
  }
  SetInfo s;
  s.name = d.name.name;
  s.label = d.label.value_or("");
  s.source = d.source.value_or("");
  s.loc = d.name.loc;
  s.layer = layer;
  if (d.parent) {
    auto it = m_.set_index.find(d.parent->name);
    if (it == m_.set_index.end()) {
      std::vector<std::string> names;
      for (auto& x : m_.sets) names.push_back(x.name);
      error(d.parent->loc, "unknown set '" + d.parent->name + "'" + did_you_mean(d.parent->name, names));
    } else {
      s.parent = it->second;
    }
  }
  for (const auto& m : d.members) {
    if (s.index.count(m.name.name)) {
      error(m.name.loc, "member '" + m.name.name + "' appears twice in set '" + s.name + "'");
      continue;
    }
    if (s.parent >= 0) {
      const SetInfo& p = m_.sets[s.parent];
      auto pit = p.index.find(m.name.name);
      if (pit == p.index.end()) {
        error(m.name.loc, "'" + m.name.name + "' is not a member of '" + p.name + "'" +
                              did_you_mean(m.name.name, p.members));
        continue;
      }
      s.index[m.name.name] = int(s.members.size());
      s.members.push_back(m.name.name);
      s.labels.push_back(m.label ? *m.label : p.labels[pit->second]);
      continue;
    }
    s.index[m.name.name] = int(s.members.size());
    s.members.push_back(m.name.name);
    s.labels.push_back(m.label.value_or(""));
  }
  if (s.members.empty()) error(d.name.loc, "set '" + s.name + "' has no members");
  m_.set_index[s.name] = int(m_.sets.size());
  m_.sets.push_back(std::move(s));
}

bool Declarer::make_axes(const boost::optional<std::vector<ast::Axis>>& axes, Symbol& s) {
  if (!axes) return true;
  bool ok = true;
  for (std::size_t i = 0; i < axes->size(); ++i) {
    const ast::Axis& a = (*axes)[i];
    AxisInfo ax;
    if (a.var) ax.var = a.var->name;
    if (const auto* id = boost::get<ast::Ident>(&a.domain)) {
      auto it = m_.set_index.find(id->name);
      if (it == m_.set_index.end()) {
        std::vector<std::string> names;
        for (auto& x : m_.sets) names.push_back(x.name);
        error(id->loc, "unknown set '" + id->name + "'" + did_you_mean(id->name, names));
        ok = false;
        continue;
      }
      ax.set = it->second;
    } else {
      const auto& r = boost::get<ast::Range>(a.domain);
      auto yr = const_range(r);
      if (!yr) {
        ok = false;
        continue;
      }
      ax.is_year = true;
      ax.y0 = yr->first;
      ax.y1 = yr->second;
      if (i + 1 != axes->size()) {
        error(a.loc, "the year index must come last, after the set indices");
        ok = false;
      }
    }
    s.axes.push_back(ax);
  }
  return ok && within_cell_limit(s);
}

int Declarer::add_symbol(Symbol s, bool is_override, SourceLoc name_loc) {
  auto it = m_.symbol_index.find(s.name);
  if (it != m_.symbol_index.end()) {
    Symbol& old = m_.symbols[it->second];
    if (auto ext = extended_in_.find({it->second, s.layer}); is_override && ext != extended_in_.end()) {
      error(name_loc, "'" + s.name + "' is extended in this layer (at " + file_line(sources_, ext->second) +
                          "), which this override would drop: give those cells here, and remove the `extend param`");
      return -1;
    }
    if (is_override && old.layer < s.layer) {
      old = std::move(s);
      return it->second;
    }
    if (old.layer < s.layer)
      error(name_loc, "'" + s.name + "' is already defined in the base model; write `override` "
                      "before the definition to replace it");
    else
      error(name_loc, "duplicate definition of '" + s.name + "' (first defined at " + file_line(sources_, old.loc) + ")");
    return -1;
  }
  if (is_override) {
    std::vector<std::string> names;
    for (auto& x : m_.symbols) names.push_back(x.name);
    error(name_loc, "nothing to override: the base model has no '" + s.name + "'" +
                        did_you_mean(s.name, names));
    return -1;
  }
  m_.symbol_index[s.name] = int(m_.symbols.size());
  m_.symbols.push_back(std::move(s));
  return int(m_.symbols.size()) - 1;
}

static Dim dim_of_unit_word(const std::string& w, bool& known) {
  known = true;
  Dim d;
  if (is_money_unit(w)) d.money = 1;
  else if (w == "%" || w == "number" || w == "rate") d.money = 0;
  else known = false;
  return d;
}

static void set_unit(const Model& m, Reporter& rep, Symbol& s, const boost::optional<ast::Ident>& unit) {
  if (!unit) return;
  bool known;
  s.unit_word = unit->name;
  s.declared = dim_of_unit_word(unit->name, known);
  if (known) {
    s.has_declared = true;
    return;
  }
  auto it = m.set_index.find(unit->name);
  if (it != m.set_index.end()) {
    s.map_set = it->second;
    return;
  }
  std::vector<std::string> names = {"€", "%", "number", "rate"};
  for (auto& x : m.sets) names.push_back(x.name);
  rep.error(unit->loc, "unknown unit '" + unit->name + "': write €, %, number, or the name of a set" +
                         did_you_mean(unit->name, names));
}

Symbol new_symbol(const ast::Ident& name, Kind kind, const ast::Attrs& attrs, int layer) {
  Symbol s;
  s.name = name.name;
  s.kind = kind;
  s.loc = name.loc;
  s.layer = layer;
  s.label = attrs.label.value_or("");
  s.source = attrs.source.value_or("");
  return s;
}

void Declarer::declare_param(const ast::ParamDecl& d, int layer) {
  if (d.is_extend) return extend_param(d, layer);
  Symbol s = new_symbol(d.name, Kind::Param, d.attrs, layer);
  s.param = &d;
  if (d.range) s.range = &*d.range;
  if (!make_axes(d.axes, s)) return;
  set_unit(m_, rep_, s, d.unit);
  if (const auto* t = boost::get<ast::Table>(&d.value)) {
    if (s.axes.empty()) {
      error(t->loc, "param '" + s.name + "' has no index, so it takes one value, not a table");
      return;
    }
    fill_table(s, *t, d.fallback);
  }
  add_symbol(std::move(s), d.is_override, d.name.loc);
}

void Declarer::fill_table(Symbol& s, const ast::Table& t, const boost::optional<ast::Cell>& fallback, bool complete) {
  if (!check_csv_columns(s, t, m_, rep_)) return;
  const AxisInfo& first = s.axes.front();
  int per_row = 1;
  for (std::size_t i = 1; i < s.axes.size(); ++i) per_row *= s.axes[i].size(m_.sets);
  std::vector<bool> seen(first.size(m_.sets), false);
  for (const auto& row : t.rows) {
    if (rep_.errors() >= kMaxCheckErrors) break;  // a CSV of a million bad rows: enough to read
    int k = -1;
    if (first.is_year) {
      const auto* n = boost::get<ast::Number>(&row.key);
      if (!n || !n->unit.empty() || std::floor(n->value) != n->value) {
        error(row.loc, "expected a year as the row key of table '" + s.name + "'");
        continue;
      }
      auto yl = year_literal(*n);
      if (!yl) continue;
      int y = *yl;
      if (y < first.y0 || y > first.y1) {
        error(n->loc, "year " + std::to_string(y) + " is outside the years of '" + s.name + "' (" +
                          std::to_string(first.y0) + ".." + std::to_string(first.y1) + ")");
        continue;
      }
      k = y - first.y0;
    } else {
      const auto* id = boost::get<ast::Ident>(&row.key);
      const SetInfo& set = m_.sets[first.set];
      if (!id) {
        error(row.loc, "expected a member of '" + set.name + "' as the row key of table '" + s.name + "'");
        continue;
      }
      auto it = set.index.find(id->name);
      if (it == set.index.end()) {
        error(id->loc, "'" + id->name + "' is not a member of '" + set.name + "'" +
                           did_you_mean(id->name, set.members));
        continue;
      }
      k = it->second;
    }
    if (seen[k]) {
      error(row.loc, "duplicate row in table '" + s.name + "'");
      continue;
    }
    seen[k] = true;
    if (int(row.cells.size()) != per_row) {
      error(row.loc, "this row of '" + s.name + "' has " + std::to_string(row.cells.size()) +
                         " value" + (row.cells.size() == 1 ? "" : "s") + ", expected " +
                         std::to_string(per_row));
      continue;
    }
    for (int j = 0; j < per_row; ++j) {
      // Decompose (k, j) into one index per axis, row-major.
      std::vector<int> idx(s.axes.size());
      idx[0] = k;
      int rem = j;
      for (std::size_t a = s.axes.size(); a-- > 1;) {
        int n = s.axes[a].size(m_.sets);
        idx[a] = rem % n;
        rem /= n;
      }
      std::vector<int> members;
      int year = 0;
      for (std::size_t a = 0; a < s.axes.size(); ++a) {
        if (s.axes[a].is_year) year = s.axes[a].y0 + idx[a];
        else members.push_back(idx[a]);
      }
      s.table[{m_.flat_index(s, members), year}] = row.cells[j];
    }
  }
  for (std::size_t k = 0; k < seen.size(); ++k) {
    if (seen[k] || fallback || !complete) continue;
    std::string key = first.is_year ? std::to_string(first.y0 + int(k)) : m_.sets[first.set].members[k];
    error(t.loc, "table '" + s.name + "' has no row for " + key + " (give one, or a `default`)");
  }
}

void Declarer::declare_var(const ast::VarDecl& d, int layer) {
  if (d.is_extend) {
    error(d.name.loc, "a var is not extended: write its years as `t in …..horizon` and it follows the "
                      "horizon; to change it, write `override var` (or `fix` for known values)");
    return;
  }
  Symbol s = new_symbol(d.name, Kind::Var, d.attrs, layer);
  s.var = &d;
  if (!make_axes(d.axes, s)) return;
  set_unit(m_, rep_, s, d.unit);
  if (s.map_set >= 0) {
    error(d.unit->loc, "a var holds numbers; only a param can map to members of a set");
    return;
  }
  int else_count = 0;
  for (const auto& c : d.clauses) {
    if (!c.when) {
      if (++else_count > 1) error(c.loc, "more than one `else` clause in '" + s.name + "'");
      continue;
    }
    auto r = const_range(*c.when);
    if (!r) continue;
    if (!s.has_year()) {
      error(c.when->loc, "'" + s.name + "' has no year index, so its clauses cannot name years");
      continue;
    }
    const AxisInfo& ya = s.axes.back();
    if (r->first < ya.y0 || r->second > ya.y1)
      error(c.when->loc, "years " + std::to_string(r->first) + ".." + std::to_string(r->second) +
                             " are outside the years of '" + s.name + "' (" + std::to_string(ya.y0) +
                             ".." + std::to_string(ya.y1) + ")");
  }
  if (d.actual) {
    if (!s.has_year()) {
      error(d.actual->loc, "`actual` values need a year index on '" + s.name + "'");
    } else {
      for (const auto& row : d.actual->rows) {
        const auto* y = boost::get<ast::Number>(&row.key);
        const auto* v = row.cells.size() == 1 ? boost::get<ast::Number>(&row.cells[0]) : nullptr;
        if (!y || !v) {
          error(row.loc, "expected `YEAR: value` in the actual values of '" + s.name + "'");
          continue;
        }
        auto yl = year_literal(*y);
        if (!yl) continue;
        int year = *yl;
        if (year < s.axes.back().y0 || year > s.axes.back().y1) {
          error(y->loc, "year " + std::to_string(year) + " is outside the years of '" + s.name + "'");
          continue;
        }
        s.fixed[{-1, year}] = {literal(*v)->first, v->loc, v->unit};
      }
    }
  }
  add_symbol(std::move(s), d.is_override, d.name.loc);
}

void Declarer::declare_event(const ast::EventDecl& d, int layer) {
  if (d.is_extend) {
    error(d.name.loc, "an event is not extended: write its years as `t in …..horizon` and it follows the "
                      "horizon; to change it, write `override event`");
    return;
  }
  Symbol s = new_symbol(d.name, Kind::Event, d.attrs, layer);
  s.event = &d;
  if (!make_axes(d.axes, s)) return;
  add_symbol(std::move(s), d.is_override, d.name.loc);
}

void Declarer::declare_indicator(const ast::IndicatorDecl& d, int layer) {
  if (d.is_extend) return extend_indicator(d, layer);
  if (!d.on) {
    error(d.id.loc, "indicator " + d.id.name + " needs the series it follows: `on SERIES[MEMBER]` before its targets");
    return;
  }
  IndicatorInfo info{&d, d.id.name, layer, {}};
  auto it = m_.indicator_index.find(info.id);
  if (it != m_.indicator_index.end()) {
    IndicatorInfo& old = m_.indicators[it->second];
    if (d.is_override && old.layer < layer) {
      old = info;
      return;
    }
    error(d.id.loc, old.layer < layer ? "indicator " + info.id +
                                            " is already defined in the base model; write "
                                            "`override indicator` to replace it"
                                      : "duplicate definition of indicator " + info.id);
    return;
  }
  if (d.is_override) {
    error(d.id.loc, "nothing to override: the base model has no indicator " + info.id);
    return;
  }
  m_.indicator_index[info.id] = int(m_.indicators.size());
  m_.indicators.push_back(info);
}

// `fix NAME[members] { YEAR: value }` (known values) and `adjust …` (amounts added, a level
// change): the cells they name, checked; FLAT is -1 when no member is named (every member).
void Declarer::declare_fix(const ast::FixDecl& d, int layer) {
  const bool adjust = d.verb == "adjust";
  auto it = m_.symbol_index.find(d.name.name);
  if (it == m_.symbol_index.end()) {
    error(d.name.loc, "cannot " + d.verb + " unknown name '" + d.name.name + "'" +
                          did_you_mean(d.name.name, m_.known_names(nullptr)));
    return;
  }
  Symbol& s = m_.symbols[it->second];
  const bool fits = s.has_year() && (s.kind == Kind::Var || (adjust && s.kind == Kind::Param && s.map_set < 0));
  if (!fits) {
    error(d.name.loc, adjust ? "only a var or a param of numbers with a year index can be adjusted; '" + s.name + "' is not one"
                             : "only a var with a year index can be fixed; '" + s.name +
                                   "' is not one (to change a param, use `override param` or `adjust`)");
    return;
  }
  auto flat = fixed_members(d, s);
  if (!flat) return;
  for (const auto& row : d.values.rows) {
    const auto* y = boost::get<ast::Number>(&row.key);
    const auto* v = row.cells.size() == 1 ? boost::get<ast::Number>(&row.cells[0]) : nullptr;
    if (!y || !v) {
      error(row.loc, "expected `YEAR: value` in `" + d.verb + " " + s.name + "`");
      continue;
    }
    auto yl = year_literal(*y);
    if (!yl) continue;
    int year = *yl;
    if (year < s.axes.back().y0 || year > s.axes.back().y1) {
      error(y->loc, "year " + std::to_string(year) + " is outside the years of '" + s.name + "' (" +
                        std::to_string(s.axes.back().y0) + ".." + std::to_string(s.axes.back().y1) + ")");
      continue;
    }
    // The same cell twice in one layer is a slip (as a table's duplicate row); across layers a
    // `fix` replaces the lower one's value and an `adjust` adds to it (an avenant on an avenant).
    const auto key = std::tuple{it->second, *flat, year, adjust};
    if (auto [seen, fresh] = fixed_where_.emplace(key, std::pair{layer, v->loc}); !fresh) {
      if (seen->second.first == layer) {
        error(y->loc, "'" + s.name + "' " + (adjust ? "is already adjusted" : "is already fixed") + " for " +
                          std::to_string(year) + " in this layer (at " + file_line(sources_, seen->second.second) + ")");
        continue;
      }
      seen->second = {layer, v->loc};
    }
    if (adjust) s.adjust[{*flat, year}].push_back(v);
    else s.fixed[{*flat, year}] = {literal(*v)->first, v->loc, v->unit};
  }
}

// The members a `fix` or `adjust` names: all of S's set indices, or none (-1).
std::optional<int> Declarer::fixed_members(const ast::FixDecl& d, const Symbol& s) {
  if (!d.index) return -1;
  if (int(d.index->size()) != s.set_axes()) {
    error(d.name.loc, "'" + s.name + "' has " + std::to_string(s.set_axes()) + " set indices; `" + d.verb +
                          "` names them all, or none");
    return std::nullopt;
  }
  std::vector<int> members;
  for (std::size_t i = 0; i < d.index->size(); ++i) {
    // A member by name: `fix` is declared before anything is lowered, so no mapped index.
    const SetInfo& S = m_.sets[s.axes[i].set];
    const ast::Ref* ref = lone<ast::Ref>((*d.index)[i]);
    if (!ref || ref->index) {
      error((*d.index)[i].loc, "expected a member of '" + S.name + "' here");
      return std::nullopt;
    }
    auto it = S.index.find(ref->name.name);
    if (it == S.index.end()) {
      error(ref->loc, "'" + ref->name.name + "' is not a member of '" + S.name + "'" +
                          did_you_mean(ref->name.name, S.members));
      return std::nullopt;
    }
    members.push_back(it->second);
  }
  return m_.flat_index(s, members);
}

// A label written but blank ("", "  "): the reports would show nothing where the name goes.
void Declarer::check_labels() {
  auto check = [&](const boost::optional<std::string>& label, SourceLoc name) {
    if (label && blank(*label))
      error(quoted_after(sources_, name), "an empty label: write between the quotes what the reports should show, or "
                                "leave the quotes out (the name is shown then)");
  };
  for (const auto& it : loaded_.items) {
    const ast::Statement& st = *it.statement;
    if (const auto* d = get<ast::ScenarioDecl>(st)) {
      const SourceLoc id = quoted_after(sources_, d->loc);
      if (blank(d->name))
        error(id, "an empty scenario name: results and comparisons name the scenario by it (scenario \"avenant-2023\" …)");
      check(d->label, {id.file, id.offset + id.length, 0});
    } else if (const auto* d = get<ast::ModelDecl>(st)) {
      if (blank(d->name))
        error(quoted_after(sources_, d->loc), "an empty model name: the reports headline it (model \"COG 2022-2024\" …)");
    } else if (const auto* d = get<ast::SetDecl>(st)) {
      check(d->label, d->name.loc);
      for (const auto& m : d->members) check(m.label, m.name.loc);
    } else if (const auto* d = get<ast::ParamDecl>(st)) {
      check(d->attrs.label, d->name.loc);
    } else if (const auto* d = get<ast::VarDecl>(st)) {
      check(d->attrs.label, d->name.loc);
    } else if (const auto* d = get<ast::EventDecl>(st)) {
      check(d->attrs.label, d->name.loc);
    } else if (const auto* d = get<ast::IndicatorDecl>(st)) {
      check(d->attrs.label, d->id.loc);
    } else if (const auto* d = get<ast::FundDecl>(st)) {
      check(d->attrs.label, d->name.loc);
      for (const auto& l : d->lines) check(l.label, l.name.loc);
    }
  }
}

Model Declarer::run() {
  declare_model();
  if (!m_.has_model) return std::move(m_);
  check_labels();
  // Sets first: every other declaration refers to them.
  for (const auto& it : loaded_.items)
    if (const auto* d = get<ast::SetDecl>(*it.statement)) declare_set(*d, it.layer);
  collect_fund_changes();
  for (const auto& it : loaded_.items) {
    const ast::Statement& st = *it.statement;
    if (const auto* d = get<ast::ParamDecl>(st)) declare_param(*d, it.layer);
    else if (const auto* d = get<ast::FundDecl>(st)) declare_fund_item(*d, it.layer);
    else if (const auto* d = get<ast::VarDecl>(st)) declare_var(*d, it.layer);
    else if (const auto* d = get<ast::EventDecl>(st)) declare_event(*d, it.layer);
    else if (const auto* d = get<ast::IndicatorDecl>(st)) declare_indicator(*d, it.layer);
    else if (const auto* d = get<ast::OutputDecl>(st)) m_.outputs.push_back({d, it.layer});
    else if (const auto* d = get<ast::ReportDecl>(st)) m_.reports.push_back(d);
    // An assert speaks of the model it was written for: a scenario that changes assumptions
    // checks its own asserts, not those of the base it extends.
    else if (const auto* d = get<ast::AssertDecl>(st)) {
      if (it.layer == loaded_.top_layer) m_.asserts.push_back(d);
    }
  }
  // Fixes and transfers refer to the symbols above, from any layer.
  for (const auto& it : loaded_.items) {
    if (const auto* d = get<ast::FixDecl>(*it.statement)) declare_fix(*d, it.layer);
    else if (const auto* d = get<ast::TransferDecl>(*it.statement)) declare_transfer(*d);
    else if (const auto* d = get<ast::CorrelateDecl>(*it.statement)) m_.correlates.push_back(d);
  }
  warn_partial_fixes(loaded_, m_, sources_, rep_);
  declare_correlations();
  return std::move(m_);
}

}  // namespace cogsim::dsl
