// "Enregistrer l'avenant": the page's edits as a scenario file — `extends` the served model, and
// per edited param either an `extend param` with only the edited rows and years (a param given by
// a table with a year index) or an `override param` with its whole table or value (the edited
// cells changed, the others as the model has them, its range kept), each with a source line
// saying it came from the page and when.
// Values are written with the fewest digits (15 to 17) that read back as the same double, so the file lowers to the same constants as
// the page's overrides and `cogsim compare BASE AVENANT` reproduces the page to the bit.
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "src/output_set.hpp"
#include "src/report_csv.hpp"
#include "src/results.hpp"
#include "src/serve.hpp"

namespace cogsim::app::serve {

namespace {

using json = nlohmann::ordered_json;

// A string of the rules language: `\"` and `\\` escaped (docs/language.md §1), so that a label
// holding either reads back as it is; a line break (strings are one line) becomes a space.
std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c == '\n' || c == '\r' ? ' ' : c;
  }
  return q + "\"";
}

// A value as stored (euros for an amount, a fraction for a rate), with the fewest digits that read
// back as the same double; an amount gets `€`, whatever its declared multiple (`: M€` reads
// `3000000 €` as 3 M€), a value without a unit word would change the param's dimension.
std::string number(double v, bool money) {
  char buf[64];
  for (int digits = 15; digits <= 17; ++digits) {  // the shortest that reads back as the same double
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return money ? std::string(buf) + " €" : std::string(buf);
}

// The cell name of each combination of `axes` (from index `from` on), in table order: the last
// axis varies fastest.
void combos(const std::vector<dsl::ParamAxis>& axes, std::size_t from, std::vector<std::string>& out,
            const std::string& prefix) {
  if (from == axes.size()) {
    out.push_back(prefix);
    return;
  }
  for (const auto& m : axes[from].members) combos(axes, from + 1, out, prefix.empty() ? m : prefix + ", " + m);
}

struct Failure {
  std::string message;
};

// A param's cells with the page's edits applied, by key, and how the file writes them.
struct EditedCells {
  std::map<std::string, double> value;
  bool money;
  std::string edited;  // the edited cells' names, for the source line

  EditedCells(const std::vector<const dsl::ParamCell*>& cells, const std::map<std::string, double>& edits)
      : money(cells.front()->amount()) {
    for (const auto* c : cells) {
      auto e = edits.find(cell_key(c->cell));
      if (e != edits.end()) value[cell_key(c->cell)] = e->second;
      else if (c->value) value[cell_key(c->cell)] = *c->value;
    }
    for (const auto& [cell, v] : edits) edited += (edited.empty() ? "" : ", ") + cell;
  }
  std::string at(const std::string& cell) const {
    auto it = value.find(cell_key(cell));
    if (it == value.end())
      throw Failure{"overrides: '" + cell + "' is not a number in the model: its param cannot be written as a table"};
    return number(it->second, money);
  }
  // The rows of PARAM's table over AXES for the first axis' members KEEP accepts: each row's values
  // run over the other axes, the last fastest.
  template <typename Keep>
  void rows(std::ostream& o, const std::string& param, const std::vector<dsl::ParamAxis>& axes, Keep keep) const {
    std::vector<std::string> rest;
    combos(axes, 1, rest, "");
    for (const auto& row : axes.front().members) {
      if (!keep(row)) continue;
      o << "  " << row << ":";
      for (std::size_t k = 0; k < rest.size(); ++k)
        o << (k ? ", " : " ") << at(param + "[" + row + (rest[k].empty() ? "" : ", " + rest[k]) + "]");
      o << "\n";
    }
  }
};

std::string axes_text(const std::vector<dsl::ParamAxis>& axes) {
  std::string s;
  for (const auto& a : axes) s += (s.empty() ? "[" : ", ") + a.name;
  return s.empty() ? s : s + "]";
}

// One param's `override param` statement, with `edits` (cell -> value) applied.
std::string override_of(const std::vector<const dsl::ParamCell*>& cells, const std::map<std::string, double>& edits,
                        const std::string& when) {
  const dsl::ParamCell& c0 = *cells.front();
  const EditedCells t(cells, edits);
  std::ostringstream o;
  o << "override param " << c0.param << axes_text(c0.axes);
  if (!c0.unit.empty()) o << " : " << c0.unit;
  if (!c0.label.empty()) o << " " << quoted(c0.label);  // none: the name is shown, as in the model
  o << "\n  source "
    << quoted("page cogsim serve, " + when + " (" + t.edited + ")" + (c0.source.empty() ? "" : "; avant : " + c0.source));
  if (c0.range) o << " range " << number(c0.range->first, t.money) << " .. " << number(c0.range->second, t.money);
  if (c0.axes.empty()) return o.str() + " = " + t.at(c0.param) + "\n";
  o << " = {\n";
  t.rows(o, c0.param, c0.axes, [](const std::string&) { return true; });
  return o.str() + "}\n";
}

// The members and year of a cell's name, "savings[CDS, 2024]" -> {"CDS", "2024"}.
std::vector<std::string> indices_of(const std::string& cell) {
  std::vector<std::string> out;
  const auto open = cell.find('[');
  if (open == std::string::npos) return out;
  std::string cur;
  for (std::size_t i = open + 1; i + 1 < cell.size(); ++i) {
    if (cell[i] == ',') out.push_back(cur), cur.clear();
    else if (cell[i] != ' ') cur += cell[i];
  }
  out.push_back(cur);
  return out;
}

// One param's `extend param` statement, for a param given by a table with a year index: the rows
// (first index) that have an edited cell, over the years from the first to the last edited one;
// in those rows and years a cell not edited keeps the model's value. The base's other cells, its
// label, unit and range stay as they are (docs/language.md §2.4).
std::string extend_of(const std::vector<const dsl::ParamCell*>& cells, const std::map<std::string, double>& edits,
                      const std::string& when) {
  const dsl::ParamCell& c0 = *cells.front();
  const EditedCells t(cells, edits);
  std::set<std::string> rows;
  int y0 = INT_MAX, y1 = INT_MIN;
  for (const auto& [key, v] : edits) {
    const auto idx = indices_of(key);
    const int year = std::stoi(idx.back());
    y0 = std::min(y0, year), y1 = std::max(y1, year);
    rows.insert(idx.front());
  }
  std::vector<dsl::ParamAxis> axes = c0.axes;
  dsl::ParamAxis& years = axes.back();
  years.name = std::to_string(y0) + ".." + std::to_string(y1);
  years.members.clear();
  for (int y = y0; y <= y1; ++y) years.members.push_back(std::to_string(y));
  std::ostringstream o;
  o << "extend param " << c0.param << axes_text(axes) << "\n  source "
    << quoted("page cogsim serve, " + when + " (" + t.edited + ")") << " = {\n";
  t.rows(o, c0.param, axes, [&rows](const std::string& row) { return rows.count(row) > 0; });
  return o.str() + "}\n";
}

// The ASCII letter of a Latin-1 accented letter written in UTF-8 as C3 xx (é -> e), or 0.
char unaccented(unsigned char second) {
  static const char* const kFrom = "AAAAAAACEEEEIIIIDNOOOOO*OUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";  // C3 80 .. C3 BF
  if (second < 0x80 || second > 0xBF) return 0;
  const char c = kFrom[second - 0x80];
  return std::isalpha(static_cast<unsigned char>(c)) ? c : 0;
}

// A file name from what the page sent: letters, digits, '-' and '_' only (an accented letter as
// its plain one: "Avenant n°2 été" -> "Avenant-n-2-ete"), no run of '-', at most 64.
std::string sanitised(const std::string& name) {
  std::string s;
  auto put = [&s](char c) {
    if (c == '-' && (s.empty() || s.back() == '-')) return;
    s += c;
  };
  for (std::size_t i = 0; i < name.size() && s.size() < 64; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {
      const char plain = unaccented(static_cast<unsigned char>(name[i + 1]));
      ++i;
      put(plain ? plain : '-');
      continue;
    }
    if (c >= 0x80) {  // any other non-ASCII byte: one '-' for the whole character
      while (i + 1 < name.size() && (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80) ++i;
      put('-');
      continue;
    }
    put(std::isalnum(c) || c == '_' ? static_cast<char>(c) : '-');
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s.empty() ? "avenant-page" : s;
}

// The scenario file `extends`: the model's main file, relative to the folder the avenant goes to.
std::string extends_path(const Options& o) {
  namespace fs = std::filesystem;
  fs::path main = fs::absolute(o.path);
  if (fs::is_directory(main)) main /= "main.cog";
  main = main.lexically_normal();
  if (o.save_dir.empty()) return main.string();
  return main.lexically_relative(fs::absolute(o.save_dir).lexically_normal()).string();
}

}  // namespace

// Declared here, used by Session::avenant: the text of the scenario file.
std::string avenant_text(const dsl::Compiled& base, const std::map<std::string, double>& edits, const Options& o,
                         const std::string& name, const std::string& when) {
  std::map<std::string, std::vector<const dsl::ParamCell*>> by_param;
  std::vector<std::string> order;
  for (const auto& c : base.params) {
    if (!by_param.count(c.param)) order.push_back(c.param);
    by_param[c.param].push_back(&c);
  }
  std::ostringstream out;
  out << "# Avenant préparé sur la page de `cogsim serve` (" << when << ").\n"
      << "# Reproduire les chiffres de la page : cogsim compare " << o.path << " "
      << (o.save_dir.empty() ? name + ".cog" : (std::filesystem::path(o.save_dir) / (name + ".cog")).string())
      << " --seed SEED --paths PATHS\n\n"
      << "extends " << quoted(extends_path(o)) << "\n"
      << "scenario " << quoted(name) << " " << quoted("Avenant préparé sur la page (" + when + ")") << "\n";
  for (const auto& p : order) {
    std::map<std::string, double> mine;  // this param's edited cells, by key
    for (const auto* c : by_param[p])
      if (auto e = edits.find(cell_key(c->cell)); e != edits.end()) mine.insert(*e);
    if (mine.empty()) continue;
    const bool extend = by_param[p].front()->table;  // a table with years: only the edited rows and years
    out << "\n" << (extend ? extend_of(by_param[p], mine, when) : override_of(by_param[p], mine, when));
  }
  return out.str();
}

Reply avenant_reply(const dsl::Compiled& base, const dsl::Sources& sources, const std::map<std::string, double>& edits,
                    const Options& o, const std::string& requested_name) {
  const std::string name = sanitised(requested_name);
  std::string text;
  try {
    text = avenant_text(base, edits, o, name, report::timestamp_now());
  } catch (const Failure& f) {
    return {400, json{{"error", f.message}}.dump(-1, ' ', false, json::error_handler_t::replace)};
  }
  json j{{"name", name}, {"text", text}};
  if (!o.save_dir.empty()) {
    const std::string file = (std::filesystem::path(o.save_dir) / (name + ".cog")).string();
    // --save-dir may be the model's own folder: an avenant named after one of its files (main,
    // drivers) would replace it, and the model would then extend itself.
    if (const DestinationError clash = check_not_inputs({{"the avenant", file, false}}, sources); !clash.message.empty())
      return {409, json{{"error", clash.message + " (choose another name)"}}.dump(-1, ' ', false, json::error_handler_t::replace)};
    if (std::string e = write_atomically(file, text); !e.empty())
      return {500, json{{"error", "cannot write " + file + ": " + e}}.dump(-1, ' ', false, json::error_handler_t::replace)};
    j["file"] = file;
  }
  return {200, j.dump(-1, ' ', false, json::error_handler_t::replace)};
}

}  // namespace cogsim::app::serve
