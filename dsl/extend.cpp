// `extend param` and `extend indicator`: a scenario adds years (or replaces some cells) of a
// lower layer's table or targets without restating the rest — how a model is carried to a
// further horizon (docs/language.md §2.3). `extend fund` is in funds.cpp.
#include <string>

#include "dsl/declare.hpp"
#include "dsl/suggest.hpp"
#include "dsl/text_checks.hpp"

namespace cogsim::dsl {

void Declarer::extend_param(const ast::ParamDecl& d, int layer) {
  auto it = m_.symbol_index.find(d.name.name);
  if (d.is_override) {
    error(d.name.loc, "write `override param` or `extend param`, not both");
    return;
  }
  if (it != m_.symbol_index.end() && m_.symbols[it->second].layer == layer && m_.symbols[it->second].kind == Kind::Param) {
    // Overridden by this same layer: the override restates the table, so the new cells go there.
    error(d.name.loc, "'" + d.name.name + "' is overridden in this layer (at " +
                          file_line(sources_, m_.symbols[it->second].loc) + "): give the cells in that `override param`, not in an `extend param` beside it");
    return;
  }
  if (it == m_.symbol_index.end() || m_.symbols[it->second].layer >= layer) {
    std::vector<std::string> names;
    for (const auto& x : m_.symbols)
      if (x.kind == Kind::Param && x.layer < layer) names.push_back(x.name);
    error(d.name.loc, "nothing to extend: the base model has no param '" + d.name.name + "'" +
                          did_you_mean(d.name.name, names));
    return;
  }
  Symbol& old = m_.symbols[it->second];
  extended_in_.emplace(std::pair{it->second, layer}, d.name.loc);  // an override in this layer would drop it
  const auto* table = boost::get<ast::Table>(&d.value);
  if (old.kind != Kind::Param || !old.param || !boost::get<ast::Table>(&old.param->value) || !old.has_year()) {
    error(d.name.loc, "only a param given by a table with a year index can be extended; '" + old.name +
                          "' is not one (write `override " + (old.kind == Kind::Param ? "param" : "var") + "`)");
    return;
  }
  if (!table) {
    const auto* e = boost::get<ast::Expr>(&d.value);
    error(e ? e->loc : d.name.loc,
          "`extend param` gives a table of the added cells, e.g. { 2025: 1.5 %, 2026: 1.5 % }");
    return;
  }
  if (d.unit) error(d.unit->loc, "`extend param` keeps the unit of '" + old.name + "': leave out `: " + d.unit->name + "`");
  Symbol ext = new_symbol(d.name, Kind::Param, d.attrs, layer);
  if (d.axes) {
    if (!make_axes(d.axes, ext)) return;
  } else {
    ext.axes = old.axes;  // the same indices; the years run on to the horizon
    ext.axes.back().y1 = std::max(old.axes.back().y1, m_.horizon);
  }
  ext.declared = old.declared, ext.has_declared = old.has_declared, ext.map_set = old.map_set;
  bool same = ext.axes.size() == old.axes.size() && ext.has_year();
  for (std::size_t i = 0; same && i + 1 < old.axes.size(); ++i) same = ext.axes[i].set == old.axes[i].set;
  if (!same) {
    error(d.name.loc, "`extend param " + old.name + "` must have the indices of the base's (" +
                          std::to_string(old.set_axes()) + " set index" + (old.set_axes() == 1 ? "" : "es") +
                          ", then the years), with other years");
    return;
  }
  fill_table(ext, *table, d.fallback, /*complete=*/false);
  if (d.range) old.range = &*d.range;  // a range for the whole extended table
  if (merge_param_cells(old, ext, d) && d.attrs.source)
    old.source += (old.source.empty() ? "" : "; ") + std::to_string(ext.axes.back().y0) + "–" +
                  std::to_string(ext.axes.back().y1) + " : " + *d.attrs.source;
}

// The extension's cells over the base's (a cell it gives replaces the base's); the years become
// the span of both, which must leave no gap; every new cell needs a value or a default.
bool Declarer::merge_param_cells(Symbol& old, const Symbol& ext, const ast::ParamDecl& d) {
  AxisInfo& years = old.axes.back();
  const AxisInfo& more = ext.axes.back();
  if (more.y0 > years.y1 + 1 || more.y1 < years.y0 - 1) {
    error(d.name.loc, "the years of this extension (" + std::to_string(more.y0) + ".." + std::to_string(more.y1) +
                          ") leave a gap after those of '" + old.name + "' (" + std::to_string(years.y0) + ".." +
                          std::to_string(years.y1) + ")");
    return false;
  }
  const int y0 = std::min(years.y0, more.y0), y1 = std::max(years.y1, more.y1);
  const int cells = m_.cell_count(old);
  for (const auto& [key, cell] : ext.table) old.table[key] = cell;
  const bool base_default = old.param->fallback.has_value();
  for (int flat = 0; flat < cells; ++flat)
    for (int y = y0; y <= y1; ++y) {
      const bool inside_base = y >= years.y0 && y <= years.y1;
      if (old.table.count({flat, y}) || (inside_base && base_default)) continue;
      if (d.fallback && y >= more.y0 && y <= more.y1) {
        old.table[{flat, y}] = *d.fallback;
        continue;
      }
      if (base_default) continue;
      error(d.name.loc, "'" + old.name + "' has no value for " + m_.cell_name(old, flat, y) +
                            " after this extension (give it, or a `default`)");
      return false;
    }
  years.y0 = y0;
  years.y1 = y1;
  return true;
}

void Declarer::extend_indicator(const ast::IndicatorDecl& d, int layer) {
  auto it = m_.indicator_index.find(d.id.name);
  if (d.is_override) {
    error(d.id.loc, "write `override indicator` or `extend indicator`, not both");
    return;
  }
  if (it == m_.indicator_index.end() || m_.indicators[it->second].layer >= layer) {
    std::vector<std::string> ids;
    for (const auto& i : m_.indicators) ids.push_back(i.id);
    error(d.id.loc, "nothing to extend: the base model has no indicator " + d.id.name + did_you_mean(d.id.name, ids));
    return;
  }
  if (d.on || d.vs) {
    error(d.on ? d.on->loc : d.vs->loc, "`extend indicator` adds targets to the series the base follows; "
                                        "to follow another, write `override indicator`");
    return;
  }
  m_.indicators[it->second].extensions.push_back(&d);
}

}  // namespace cogsim::dsl
