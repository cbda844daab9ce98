// The text of every file read for one model, so diagnostics can quote the source line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/diagnostic.hpp"

namespace cogsim::dsl {

class Sources {
 public:
  // Registers a file's text and returns its id.
  std::uint32_t add(std::string path, std::string text);
  // Reads a file from disk; nullopt when it cannot be read.
  std::optional<std::uint32_t> load(const std::string& path);
  const std::string& path(std::uint32_t id) const { return files_[id].path; }
  const std::string& text(std::uint32_t id) const { return files_[id].text; }
  std::size_t size() const { return files_.size(); }
  // 1-based line and column (column counts characters, not bytes) of a byte offset.
  std::pair<int, int> line_col(std::uint32_t file, std::uint32_t offset) const;
  // "file:line:col: error: message", then the source line and a caret.
  std::string format(const Diagnostic& d) const;
  std::string format_all(const Diagnostics& ds) const;

 private:
  std::string format_at(const Diagnostic& d) const;
  struct File {
    std::string path, text;
  };
  std::vector<File> files_;
};

}  // namespace cogsim::dsl
