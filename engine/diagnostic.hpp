// One diagnostic type for the parser, the checker and the runtime. A position is a file id
// and a byte range; dsl::Sources turns it into file:line:col and a caret line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cogsim {

struct SourceLoc {
  std::uint32_t file = 0;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

enum class Severity { Error, Warning, Note };

// What a diagnostic is about, for code that must act on a particular one (never its text).
enum class DiagCode : std::uint8_t {
  None,
  NoModel,    // the files declare no model (not reported after a syntax error: that is the cause)
  NonFinite,  // a series is not a finite number (the engine's message is the predicate; callers name the series)
};

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLoc loc;
  std::string message;
  DiagCode code = DiagCode::None;
};

using Diagnostics = std::vector<Diagnostic>;

inline bool has_errors(const Diagnostics& ds) {
  for (const auto& d : ds)
    if (d.severity == Severity::Error) return true;
  return false;
}

}  // namespace cogsim
