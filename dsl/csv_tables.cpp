#include "dsl/csv_tables.hpp"
#include "dsl/loader.hpp"
#include "dsl/units.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace cogsim::dsl {
namespace fs = std::filesystem;

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_unit(const std::string& u) { return u == "%" || is_money_unit(u); }
bool is_space(char c) { return c == ' ' || c == '\t'; }

// One cell of a CSV line: its text, trimmed, and where it is in the file.
struct CsvCell {
  std::string_view text;
  std::uint32_t offset = 0;
};

std::vector<CsvCell> split(std::string_view line, std::uint32_t at, char sep) {
  std::vector<CsvCell> cells;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find(sep, start);
    std::size_t stop = end == std::string_view::npos ? line.size() : end;
    std::size_t a = start, b = stop;
    while (a < b && is_space(line[a])) ++a;
    while (b > a && is_space(line[b - 1])) --b;
    cells.push_back({line.substr(a, b - a), at + static_cast<std::uint32_t>(a)});
    if (end == std::string_view::npos) return cells;
    start = end + 1;
  }
}

// A number as the language writes it (docs/language.md §1): `-26 633 000.50 €`, `1.5 %`, `0.05`.
// On failure, *why says what is wrong with it.
// With COMMA (a `;`-separated file, as a French spreadsheet writes it), `1,5` is 1.5.
std::optional<ast::Number> csv_number(std::string_view s, std::string* why, bool comma = false) {
  std::size_t i = 0;
  std::string digits;
  if (i < s.size() && s[i] == '-') digits += s[i++];
  std::size_t run = 0;
  while (i < s.size() && is_digit(s[i])) digits += s[i++], ++run;
  // 26 633 000: groups of three digits after single spaces.
  while (run >= 1 && i + 3 < s.size() && s[i] == ' ' && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
         is_digit(s[i + 3]) && (i + 4 >= s.size() || !is_digit(s[i + 4]))) {
    digits.append(s.substr(i + 1, 3));
    i += 4;
  }
  if (run == 0) return *why = "is not a number", std::nullopt;
  if (i < s.size() && (s[i] == '.' || (comma && s[i] == ','))) {
    digits += '.';
    ++i;
    if (i == s.size() || !is_digit(s[i])) return *why = "is not a number", std::nullopt;
    while (i < s.size() && is_digit(s[i])) digits += s[i++];
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E') && i + 1 < s.size() &&
      (is_digit(s[i + 1]) || s[i + 1] == '-' || s[i + 1] == '+')) {
    digits += s[i++];
    if (s[i] == '-' || s[i] == '+') digits += s[i++];
    if (i == s.size() || !is_digit(s[i])) return *why = "is not a number", std::nullopt;
    while (i < s.size() && is_digit(s[i])) digits += s[i++];
  }
  while (i < s.size() && is_space(s[i])) ++i;
  ast::Number n;
  n.unit = std::string(s.substr(i));
  if (n.unit.find_first_of("0123456789.,-+") != std::string::npos) return *why = "is not a number", std::nullopt;
  if (!n.unit.empty() && !is_unit(n.unit))
    return *why = "has an unknown unit '" + n.unit + "' (the units are %, €, k€, M€, Md€)", std::nullopt;
  n.value = std::strtod(digits.c_str(), nullptr);
  n.spelling = std::string(s);
  return n;
}

bool is_name(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
  return true;
}

struct CsvReader {
  ast::Table& table;
  std::uint32_t file;
  Diagnostics& diags;
  std::string header_unit;  // `(M€)` at the end of the header's first cell
  char sep = 0;             // `;` if the header has one, else `,`
  std::string param, declared;  // a param's name and declared unit word (`: €`, `: %`), if any

  std::size_t errors = 0;  // the reading stops at kMaxCheckErrors, as the checker does

  void error(std::uint32_t offset, std::size_t length, std::string msg) {
    ++errors;
    table.unreadable = true;
    diags.push_back({Severity::Error, {file, offset, static_cast<std::uint32_t>(length)}, std::move(msg)});
  }
  SourceLoc loc(const CsvCell& c) const { return {file, c.offset, static_cast<std::uint32_t>(c.text.size())}; }
  std::string where() const { return "'" + *table.csv + "'"; }

  void header(const std::vector<CsvCell>& cells, std::uint32_t at, std::size_t length) {
    if (cells.size() < 2) {
      error(at, length, "the header of " + where() + " needs a key column and at least one value column");
      return;
    }
    for (const auto& c : cells) table.columns.push_back(ast::Ident{{loc(c)}, std::string(c.text)});
    std::string_view first = cells[0].text;
    if (first.size() > 2 && first.back() == ')') {
      std::size_t open = first.rfind('(');
      if (open != std::string_view::npos) header_unit = std::string(first.substr(open + 1, first.size() - open - 2));
      if (!is_unit(header_unit))
        error(cells[0].offset + std::uint32_t(open), first.size() - open,
              "unknown unit '" + header_unit + "' in the header of " + where() + " (the units are %, €, k€, M€, Md€)");
      // A header unit of the other dimension than the param's declared one: one error here, and
      // the cells read in the declared unit (not one error per cell, each repeating it).
      const bool plain = declared == "%" || declared == "rate" || declared == "number";
      if (is_unit(header_unit) && (is_money_unit(declared) || plain) && is_money_unit(header_unit) != is_money_unit(declared)) {
        error(cells[0].offset + std::uint32_t(open), first.size() - open,
              "the header of " + where() + " gives its values in " + header_unit + " but '" + param +
                  "' is declared `: " + declared + "` (write the header's unit as the param's, or none)");
        header_unit = is_unit(declared) ? declared : "";
      }
    }
  }

  std::optional<ast::Cell> value(const CsvCell& c, std::size_t column) {
    const std::string col = "in column '" + table.columns[column].name + "' of " + where() + ": ";
    if (c.text.empty()) return error(c.offset, 1, col + "empty cell"), std::nullopt;
    if (is_name(c.text)) return ast::Cell(ast::Ident{{loc(c)}, std::string(c.text)});
    std::string why;
    auto n = csv_number(c.text, &why, sep == ';');
    if (!n) return error(c.offset, c.text.size(), col + "'" + std::string(c.text) + "' " + why), std::nullopt;
    if (n->unit.empty() && !header_unit.empty()) n->unit = header_unit;
    n->loc = loc(c);
    return ast::Cell(*n);
  }

  void row(const std::vector<CsvCell>& cells, std::uint32_t at, std::size_t length) {
    if (cells.size() != table.columns.size()) {
      std::string hint;
      for (std::size_t j = 1; j < cells.size() && sep == ',' && cells.size() > table.columns.size(); ++j)
        if (!cells[j].text.empty() && is_digit(cells[j].text[0]) && !cells[j - 1].text.empty() &&
            is_digit(cells[j - 1].text.back()) && cells[j].offset == cells[j - 1].offset + cells[j - 1].text.size() + 1)
          hint = " (a decimal comma splits a value in two: use a decimal point, or ';' between the cells)";
      error(at, length, "this row of " + where() + " has " + std::to_string(cells.size()) + " cells, but its header has " +
                            std::to_string(table.columns.size()) + hint);
      return;
    }
    ast::Row r;
    r.loc = {file, at, static_cast<std::uint32_t>(length)};
    const CsvCell& key = cells[0];
    std::string why;
    if (is_name(key.text)) {
      r.key = ast::Ident{{loc(key)}, std::string(key.text)};
    } else if (auto n = csv_number(key.text, &why); n && n->unit.empty()) {
      n->loc = loc(key);
      r.key = *n;
    } else {
      error(key.offset, std::max<std::size_t>(key.text.size(), 1),
            "expected a member or a year as the row key, not '" + std::string(key.text) + "' (" + where() + ")");
      return;
    }
    bool ok = true;
    for (std::size_t j = 1; j < cells.size(); ++j) {
      auto v = value(cells[j], j);
      if (v) r.cells.push_back(*v);
      else ok = false;
    }
    if (ok) table.rows.push_back(std::move(r));
  }

  void read(const std::string& text) {
    std::size_t pos = 0;
    while (pos < text.size() && errors < std::size_t(kMaxCheckErrors)) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + pos, end - pos);
      while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
      std::size_t lead = 0;
      while (lead < line.size() && is_space(line[lead])) ++lead;
      const auto at = static_cast<std::uint32_t>(pos);
      pos = end + 1;
      if (lead == line.size() || line[lead] == '#') continue;  // blank line or comment
      if (line.find('"') != std::string_view::npos) {
        error(at + std::uint32_t(line.find('"')), 1, "quoted cells are not read in " + where() + ": write the cells without quotes");
        continue;
      }
      if (!sep) {
        sep = line.find(';') != std::string_view::npos ? ';' : ',';
        header(split(line, at, sep), at, line.size());
      } else if (table.columns.size() >= 2) {
        row(split(line, at, sep), at, line.size());
      }
    }
    if (!sep) {
      table.unreadable = true;
      diags.push_back({Severity::Error, table.loc, "'" + *table.csv + "' has no header line (the file is empty)"});
    }
  }
};

void read_table(ast::Table& t, const fs::path& dir, Sources& sources, Diagnostics& diags,
                const ast::ParamDecl* of = nullptr) {
  if (!t.csv) return;
  const std::string path = (dir / *t.csv).string();
  std::string why;
  auto id = sources.load(path, &why);
  if (!id) {
    diags.push_back({Severity::Error, t.loc, "cannot read '" + shown_path(path) + "': the file " + why});
    t.unreadable = true;
    return;
  }
  CsvReader r{t, *id, diags, {}};
  if (of) r.param = of->name.name, r.declared = of->unit ? of->unit->name : "";
  r.read(sources.text(*id));
}

void read_line_attrs(std::vector<ast::LineAttr>& attrs, const fs::path& dir, Sources& sources, Diagnostics& diags) {
  for (auto& a : attrs)
    if (a.table) read_table(*a.table, dir, sources, diags);
}

}  // namespace

void read_csv_tables(ast::File& file_ast, const std::string& dir, Sources& sources, Diagnostics& diags) {
  for (auto& st : file_ast.statements) {
    if (auto* p = boost::get<ast::ParamDecl>(&st)) {
      if (auto* t = boost::get<ast::Table>(&p->value)) read_table(*t, dir, sources, diags, p);
    } else if (auto* v = boost::get<ast::VarDecl>(&st)) {
      if (v->actual) read_table(*v->actual, dir, sources, diags);
    } else if (auto* f = boost::get<ast::FixDecl>(&st)) {
      read_table(f->values, dir, sources, diags);
    } else if (auto* fund = boost::get<ast::FundDecl>(&st)) {
      read_line_attrs(fund->fund_attrs, dir, sources, diags);
      for (auto& line : fund->lines) read_line_attrs(line.attrs, dir, sources, diags);
    }
  }
}

bool check_csv_columns(const Symbol& s, const ast::Table& t, const Model& m, Reporter& rep) {
  if (t.unreadable) return false;
  if (!t.csv || t.columns.size() < 2 || s.axes.size() != 2) return true;
  const AxisInfo& ax = s.axes[1];
  std::vector<std::string> want;
  for (int k = 0; k < ax.size(m.sets); ++k)
    want.push_back(ax.is_year ? std::to_string(ax.y0 + k) : m.sets[ax.set].members[k]);
  const std::string range = ax.is_year ? std::to_string(ax.y0) + ".." + std::to_string(ax.y1)
                                       : "the members of '" + m.sets[ax.set].name + "'";
  const std::string rule = " (its value columns are " + range + ", in order)";
  for (std::size_t j = 0; j < want.size(); ++j) {
    const std::string& w = want[j];
    bool present = false;
    for (std::size_t c = 1; c < t.columns.size(); ++c) present = present || t.columns[c].name == w;
    if (!present) {
      // `2020 (%)`: a unit written on a value column, where it is not read.
      for (std::size_t c = 1; c < t.columns.size(); ++c)
        if (t.columns[c].name.rfind(w + " (", 0) == 0 || t.columns[c].name.rfind(w + "(", 0) == 0) {
          rep.error(t.columns[c].loc, "column '" + t.columns[c].name + "' of '" + *t.csv + "': write " + w +
                                          " alone; a unit for the whole file goes at the end of the first cell, "
                                          "e.g. 'entité (%)'");
          return false;
        }
      rep.error(t.columns.front().loc, "column " + w + " is missing from the header of '" + *t.csv + "'" + rule);
      return false;
    }
    if (j + 1 >= t.columns.size() || t.columns[j + 1].name != w) {
      const ast::Ident& at = t.columns[std::min(j + 1, t.columns.size() - 1)];
      rep.error(at.loc, "column '" + at.name + "' of '" + *t.csv + "' is not where " + w + " belongs" + rule);
      return false;
    }
  }
  if (t.columns.size() - 1 > want.size()) {
    const ast::Ident& extra = t.columns[want.size() + 1];
    rep.error(extra.loc, "column '" + extra.name + "' of '" + *t.csv + "' is not " +
                             (ax.is_year ? "a year of '" + s.name + "' (" + range + ")" : "one of " + range));
    return false;
  }
  return true;
}

}  // namespace cogsim::dsl
