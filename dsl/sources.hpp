// The text of every file read for one model, so diagnostics can quote the source line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/diagnostic.hpp"

namespace cogsim::dsl {

// The largest rules file read (a model is a few dozen kilobytes): a bigger one is refused.
inline constexpr std::size_t kMaxFileBytes = 16u << 20;
// Errors shown by format_all; the rest are counted ("and M more errors").
inline constexpr std::size_t kMaxShownErrors = 50;

class Sources {
 public:
  // Registers a file's text and returns its id. A UTF-8 byte order mark is dropped and CRLF or
  // CR line ends become LF, so a file saved on Windows or an old Mac reads as the same text.
  std::uint32_t add(std::string path, std::string text);
  // Reads a file from disk: a regular file of at most kMaxFileBytes. When it cannot be read,
  // nullopt, and *why says why ("does not exist", "is a device, a FIFO or a socket", ...).
  std::optional<std::uint32_t> load(const std::string& path, std::string* why = nullptr);
  const std::string& path(std::uint32_t id) const { return files_[id].path; }
  const std::string& text(std::uint32_t id) const { return files_[id].text; }
  std::size_t size() const { return files_.size(); }
  // 1-based line and column (column counts characters, not bytes) of a byte offset.
  std::pair<int, int> line_col(std::uint32_t file, std::uint32_t offset) const;
  // "file:line:col: error: message", then the source line and a caret.
  std::string format(const Diagnostic& d) const;
  // Every diagnostic formatted, up to kMaxShownErrors errors, then "and M more errors".
  std::string format_all(const Diagnostics& ds) const;

 private:
  std::string format_at(const Diagnostic& d) const;
  struct File {
    std::string path, text;
  };
  std::vector<File> files_;
};

}  // namespace cogsim::dsl
