// What the page of `cogsim serve` shows of a model's params, from the model itself
// (docs/language.md §4.5 and §12.3): the `range` a param declares for its slider, checked and
// copied to its cells, and the `report params` lines that group the params into sections. Neither
// changes a result: they only describe the params.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "dsl/lowering.hpp"
#include "dsl/suggest.hpp"
#include "dsl/text_checks.hpp"

namespace cogsim::dsl {

namespace {

// A bound as written (with its sign and unit).
const std::string& written(const ast::Number& n) { return n.spelling; }

std::string plain(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Where the title of a `report` line is written: the string after its kind (comments and line
// breaks may come between), its quotes included; the kind's own place when it has no title.
SourceLoc title_loc(const Sources& sources, const ast::ReportDecl& line) {
  if (!line.title) return line.kind.loc;
  return quoted_after(sources, {line.kind.loc.file, line.kind.loc.offset + line.kind.loc.length, 0});
}

}  // namespace

// The range of param SYM: a param of numbers, bounds in its unit, the lower first; a cell of the
// model outside it (not one a caller overrides) is a warning at the range, since its slider
// cannot show it. Every lowered cell of the param gets the range in the model's units.
void Lowering::check_range(int sym) {
  const Symbol& s = m_.symbols[sym];
  const ast::ParamRange& r = *s.range;
  if (s.map_set >= 0) {
    error(r.loc, "'" + s.name + "' maps members to members: a range is for a param of numbers");
    return;
  }
  auto lo = literal(r.lo), hi = literal(r.hi);
  if (!lo || !hi) return;
  const std::optional<Dim> dim = s.has_declared ? std::optional<Dim>(s.declared) : sym_dim_[sym];
  bool ok = true;
  for (const auto* b : {&r.lo, &r.hi}) {
    const Dim& d = (b == &r.lo ? lo : hi)->second;
    if (!dim || d.wild || d.money == dim->money) continue;
    error(b->loc, "this bound is " + describe(d) + " but '" + s.name + "' is " + describe(*dim) +
                      (dim->money ? " (write € after the number)" : ""));
    ok = false;
  }
  if (!ok) return;
  if (!(lo->first < hi->first)) {
    error(r.loc, "the range of '" + s.name + "' is empty: " + written(r.lo) + " .. " + written(r.hi) +
                     " (the lower bound comes first, and they differ)");
    return;
  }
  int outside = 0;
  std::string first;
  for (auto& c : param_cells_) {
    if (c.param != s.name) continue;
    c.range = std::make_pair(lo->first, hi->first);
    if (!c.value || c.overridden || (*c.value >= lo->first && *c.value <= hi->first)) continue;
    if (outside++ == 0) first = c.cell + " = " + plain(*c.value);
  }
  if (outside > 0)
    warning(r.loc, first + " is outside the range of '" + s.name + "' (" + written(r.lo) + " .. " + written(r.hi) +
                       ")" + (outside > 1 ? " (and " + std::to_string(outside - 1) + " other cell" + (outside > 2 ? "s)" : ")") : "") +
                       ": its slider cannot show it; widen the range");
}

// The `report params "TITLE" a, b, …` lines, in order: each names params of numbers, each param in
// one line at most. A model without such lines gets one section per file that declares params,
// titled by the file's name, in declaration order.
std::vector<ParamSection> Lowering::param_sections() {
  std::vector<ParamSection> out;
  std::map<std::string, std::string> placed;  // param -> the title of its section
  std::vector<std::string> params;
  for (const auto& s : m_.symbols)
    if (s.kind == Kind::Param && s.map_set < 0) params.push_back(s.name);
  bool any = false;
  for (const ast::ReportDecl* line : m_.reports) {
    if (line->kind.name != "params") continue;
    any = true;
    ParamSection sec{line->title.value_or(""), {}};
    if (!line->title || blank(*line->title))
      error(title_loc(sources_, *line), std::string(line->title ? "the title of a `report params` line is empty"
                                                                : "a `report params` line needs a title") +
                                            ": the page of `cogsim serve` shows it above the section's params "
                                            "(report params \"TITLE\" a, b)");
    for (const auto& item : line->items) {
      const std::string& name = item.ref.name.name;
      auto it = m_.symbol_index.find(name);
      const bool is_param = it != m_.symbol_index.end() && m_.symbols[it->second].kind == Kind::Param &&
                            m_.symbols[it->second].map_set < 0;
      if (item.ref.index)
        error(item.ref.loc, "a `report params` line names whole params, without indices: write '" + name + "'");
      else if (!item.polarity.empty())
        error(item.ref.loc, "'" + item.polarity + "' says which side of an event is good; '" + name + "' is a param");
      else if (!is_param)
        error(item.ref.loc, "'" + name + "' is not a param of numbers of the model (a `report params` line lists params)" +
                                did_you_mean(name, params));
      else if (auto p = placed.find(name); p != placed.end())
        error(item.ref.loc, "'" + name + "' is already in the section \"" + p->second + "\": a param is listed once");
      else
        placed[name] = sec.title, sec.params.push_back(name);
    }
    out.push_back(std::move(sec));
  }
  if (any) return out;
  std::map<std::uint32_t, std::size_t> by_file;
  for (const auto& s : m_.symbols) {
    if (s.kind != Kind::Param || s.map_set >= 0) continue;
    auto [it, fresh] = by_file.try_emplace(s.loc.file, out.size());
    if (fresh) out.push_back({std::filesystem::path(sources_.path(s.loc.file)).filename().string(), {}});
    out[it->second].params.push_back(s.name);
  }
  return out;
}

}  // namespace cogsim::dsl
