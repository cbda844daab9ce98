#include "dsl/text_checks.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace cogsim::dsl {

std::size_t first_invalid_utf8(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = s[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return i;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    static const std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

namespace {

void check_year_keys(const ast::Table& t, Diagnostics& out) {
  for (const auto& row : t.rows)
    if (const auto* y = boost::get<ast::Number>(&row.key); y && !y->unit.empty()) {
      char year[32];
      std::snprintf(year, sizeof year, "%g", y->value);
      out.push_back({Severity::Error, y->loc,
                     "a year takes no unit: '" + std::string(year) + " " + y->unit + ":' — write '" + year +
                         ":' and put the unit after the value"});
    }
}

struct TableVisitor {
  Diagnostics& out;
  void operator()(const ast::ParamDecl& d) const {
    if (const auto* t = boost::get<ast::Table>(&d.value)) check_year_keys(*t, out);
  }
  void operator()(const ast::VarDecl& d) const {
    if (d.actual) check_year_keys(*d.actual, out);
  }
  void operator()(const ast::FixDecl& d) const { check_year_keys(d.values, out); }
  void operator()(const ast::FundDecl& d) const {
    for (const auto& l : d.lines)
      for (const auto& a : l.attrs)
        if (a.table) check_year_keys(*a.table, out);
  }
  template <class T>
  void operator()(const T&) const {}
};

}  // namespace

Diagnostics check_text(const Loaded& loaded, const Sources& sources) {
  Diagnostics out;
  for (std::uint32_t f = 0; f < sources.size(); ++f) {
    const std::size_t at = first_invalid_utf8(sources.text(f));
    if (at == std::string::npos) continue;
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(sources.text(f)[at]));
    out.push_back({Severity::Error, SourceLoc{f, std::uint32_t(at), 1},
                   std::string("this file is not valid UTF-8 (byte ") + byte +
                       "): labels, sources and names must be UTF-8 (save the file as UTF-8)"});
  }
  for (const auto& item : loaded.items) boost::apply_visitor(TableVisitor{out}, *item.statement);
  return out;
}

SourceLoc quoted_after(const Sources& sources, SourceLoc from) {
  const std::string& text = sources.text(from.file);
  for (std::size_t p = from.offset; p < text.size(); ++p) {
    if (text[p] == '#' || text.compare(p, 2, "//") == 0) {
      p = std::min(text.find('\n', p), text.size());
      continue;
    }
    if (text[p] != '"') continue;
    std::size_t close = p + 1;  // the closing quote: \" and \\ are escapes inside the string
    while (close < text.size() && text[close] != '"' && text[close] != '\n') close += text[close] == '\\' ? 2 : 1;
    if (close >= text.size() || text[close] != '"') return {from.file, std::uint32_t(p), 1};
    return {from.file, std::uint32_t(p), std::uint32_t(close - p + 1)};
  }
  return from;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; }

std::string file_line(const Sources& sources, SourceLoc loc) {
  return sources.path(loc.file) + ":" + std::to_string(sources.line_col(loc.file, loc.offset).first);
}

}  // namespace cogsim::dsl
