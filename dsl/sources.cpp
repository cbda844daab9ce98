#include "dsl/sources.hpp"

#include <fstream>
#include <sstream>

namespace cogsim::dsl {

std::uint32_t Sources::add(std::string path, std::string text) {
  files_.push_back({std::move(path), std::move(text)});
  return static_cast<std::uint32_t>(files_.size() - 1);
}

std::optional<std::uint32_t> Sources::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return add(path, ss.str());
}

static bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::pair<int, int> Sources::line_col(std::uint32_t file, std::uint32_t offset) const {
  const std::string& t = files_.at(file).text;
  if (offset > t.size()) offset = static_cast<std::uint32_t>(t.size());
  int line = 1, col = 1;
  for (std::uint32_t i = 0; i < offset; ++i) {
    if (t[i] == '\n') {
      ++line;
      col = 1;
    } else if (!is_continuation(static_cast<unsigned char>(t[i]))) {
      ++col;
    }
  }
  return {line, col};
}

std::string Sources::format(const Diagnostic& d) const {
  static const char* names[] = {"error", "warning", "note"};
  std::ostringstream out;
  if (d.loc.file >= files_.size()) {
    out << "cogsim: " << names[int(d.severity)] << ": " << d.message << "\n";
    return out.str();
  }
  Diagnostic at = d;
  // An error at the very end of a file that ends with a newline belongs to the last line.
  const std::string& whole = files_[d.loc.file].text;
  if (at.loc.offset >= whole.size() && at.loc.offset > 0 && whole[at.loc.offset - 1] == '\n') {
    at.loc.offset = static_cast<std::uint32_t>(whole.size() - 1);
    while (at.loc.offset > 0 && (whole[at.loc.offset - 1] == '\n' || whole[at.loc.offset - 1] == '\r'))
      --at.loc.offset;
    at.loc.length = 1;
  }
  return format_at(at);
}

std::string Sources::format_at(const Diagnostic& d) const {
  static const char* names[] = {"error", "warning", "note"};
  std::ostringstream out;
  auto [line, col] = line_col(d.loc.file, d.loc.offset);
  out << files_[d.loc.file].path << ":" << line << ":" << col << ": " << names[int(d.severity)]
      << ": " << d.message << "\n";
  const std::string& t = files_[d.loc.file].text;
  std::size_t start = t.rfind('\n', d.loc.offset == 0 ? 0 : d.loc.offset - 1);
  start = (start == std::string::npos || d.loc.offset == 0) ? 0 : start + 1;
  if (d.loc.offset > 0 && t[d.loc.offset - 1] == '\n') start = d.loc.offset;
  std::size_t end = t.find('\n', start);
  if (end == std::string::npos) end = t.size();
  std::string src = t.substr(start, end - start);
  out << "  " << src << "\n  ";
  for (int i = 1; i < col; ++i) out << ' ';
  out << "^";
  // Underline the rest of the range when it stays on the line.
  int chars = 0;
  for (std::uint32_t i = d.loc.offset; i < d.loc.offset + d.loc.length && i < end; ++i)
    if (!is_continuation(static_cast<unsigned char>(t[i]))) ++chars;
  for (int i = 1; i < chars; ++i) out << '~';
  out << "\n";
  return out.str();
}

std::string Sources::format_all(const Diagnostics& ds) const {
  std::string s;
  for (const auto& d : ds) s += format(d);
  return s;
}

}  // namespace cogsim::dsl
