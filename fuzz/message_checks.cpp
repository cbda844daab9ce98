#include "fuzz/message_checks.hpp"

#include <regex>

namespace cogsim::fuzz {

namespace {

// The message without its quoted parts ('...' and "..."): those echo the user's own text.
std::string unquoted(const std::string& message) {
  std::string out;
  char open = 0;
  for (char c : message) {
    if (open) {
      if (c == open) open = 0;
    } else if (c == '\'' || c == '"') {
      open = c;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> message_problem(const std::string& message) {
  // Outside quotes: a file name or an identifier may spell "internal error" (fuzzing found one).
  const std::string text = unquoted(message);
  if (text.find("internal error") != std::string::npos) return "an internal error";
  // X3 names an unnamed parser by typeid(...).name(): N5boost6spirit2x34listI... (Itanium ABI).
  static const std::regex mangled(R"((^|[^A-Za-z0-9_])(_Z|N[0-9]+[A-Za-z_]|St[0-9]+[A-Za-z_]))");
  static const std::regex cpp_name(R"(boost|spirit|\bx3\b|::)");
  if (std::regex_search(text, mangled)) return "a mangled C++ type name";
  if (std::regex_search(text, cpp_name)) return "a C++ type name";
  return std::nullopt;
}

}  // namespace cogsim::fuzz
