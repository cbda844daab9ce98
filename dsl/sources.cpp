#include "dsl/sources.hpp"

#include <cerrno>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace cogsim::dsl {

namespace {

// Drops a UTF-8 byte order mark; CRLF and a lone CR become LF.
std::string normalise(std::string text) {
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  if (text.find('\r') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') out += text[i];
    else if (i + 1 >= text.size() || text[i + 1] != '\n') out += '\n';
  }
  return out;
}

}  // namespace

std::uint32_t Sources::add(std::string path, std::string text) {
  files_.push_back({std::move(path), normalise(std::move(text))});
  return static_cast<std::uint32_t>(files_.size() - 1);
}

std::optional<std::uint32_t> Sources::load(const std::string& path, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<std::uint32_t> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  // stat first: opening a FIFO would block, reading /dev/zero would never end.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e == ELOOP) return fail("cannot be reached: its path goes through a loop of symbolic links (or too many links)");
    if (e == EACCES) return fail("cannot be reached (permission denied on a folder of its path)");
    if (e == ENOTDIR) return fail("does not exist (a part of its path is a file, not a folder)");
    if (e == ENAMETOOLONG) return fail("does not exist (its path is too long)");
    return fail("does not exist");
  }
  if (S_ISDIR(st.st_mode)) return fail("is a folder");
  if (!S_ISREG(st.st_mode)) return fail("is not a regular file (a device, a FIFO or a socket)");
  if (static_cast<std::uint64_t>(st.st_size) > kMaxFileBytes)
    return fail("is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                std::to_string(kMaxFileBytes >> 20) + " MiB)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot be read");
  // Read in chunks up to the limit: the size stat gives is 0 for some files (/proc).
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= kMaxFileBytes && in.read(chunk, sizeof chunk).gcount() > 0)
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return fail("cannot be read");
  if (text.size() > kMaxFileBytes)
    return fail("is too large (the limit is " + std::to_string(kMaxFileBytes >> 20) + " MiB)");
  return add(path, std::move(text));
}

static bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The most bytes of a source line quoted under a message.
constexpr std::size_t kMaxQuotedBytes = 160;

// A message that quotes a huge name (a 1 MB identifier) is cut, at a character boundary.
static std::string shortened(const std::string& message) {
  constexpr std::size_t kMaxMessageBytes = 400;
  if (message.size() <= kMaxMessageBytes) return message;
  std::size_t cut = kMaxMessageBytes;
  while (cut > 0 && is_continuation(static_cast<unsigned char>(message[cut]))) --cut;
  return message.substr(0, cut) + "...";
}

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
    out << "cogsim: " << names[int(d.severity)] << ": " << shortened(d.message) << "\n";
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
      << ": " << shortened(d.message) << "\n";
  const std::string& t = files_[d.loc.file].text;
  std::size_t start = t.rfind('\n', d.loc.offset == 0 ? 0 : d.loc.offset - 1);
  start = (start == std::string::npos || d.loc.offset == 0) ? 0 : start + 1;
  if (d.loc.offset > 0 && t[d.loc.offset - 1] == '\n') start = d.loc.offset;
  std::size_t end = t.find('\n', start);
  if (end == std::string::npos) end = t.size();
  // A long line (a 1 MB name) is quoted around the column only.
  std::size_t from = start;
  int caret = col;
  if (end - start > kMaxQuotedBytes && col > 40) {
    from = std::min<std::size_t>(d.loc.offset, end);
    for (int back = 0; back < 30 && from > start; ++back) {
      --from;
      while (from > start && is_continuation(static_cast<unsigned char>(t[from]))) --from;
    }
    caret = 4 + line_col(d.loc.file, d.loc.offset).second - line_col(d.loc.file, static_cast<std::uint32_t>(from)).second;
  }
  std::size_t stop = std::min(end, from + kMaxQuotedBytes);
  while (stop < end && is_continuation(static_cast<unsigned char>(t[stop]))) ++stop;
  std::string src = (from > start ? "..." : "") + t.substr(from, stop - from) + (stop < end ? "..." : "");
  out << "  " << src << "\n  ";
  for (int i = 1; i < caret; ++i) out << ' ';
  out << "^";
  // Underline the rest of the range when it stays on the line.
  int chars = 0;
  for (std::uint32_t i = d.loc.offset; i < d.loc.offset + d.loc.length && i < stop; ++i)
    if (!is_continuation(static_cast<unsigned char>(t[i]))) ++chars;
  for (int i = 1; i < chars; ++i) out << '~';
  out << "\n";
  return out.str();
}

std::string Sources::format_all(const Diagnostics& ds) const {
  std::string s;
  std::size_t shown = 0, more = 0;
  for (const auto& d : ds) {
    if (shown >= kMaxShownErrors) {
      more += d.severity == Severity::Error;
      continue;
    }
    shown += d.severity == Severity::Error;
    s += format(d);
  }
  if (more > 0)
    s += "cogsim: and " + std::to_string(more) + " more error" + (more == 1 ? "" : "s") +
         " (only the first " + std::to_string(kMaxShownErrors) + " are shown)\n";
  return s;
}

}  // namespace cogsim::dsl
