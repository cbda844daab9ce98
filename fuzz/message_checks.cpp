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

bool word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

// Whether some match of RE in TEXT is not the user's own text: a match whose whole word (letters,
// digits, `_` and `:` around it) appears in INPUT is an echo of a name the input wrote (fuzzing
// inserts `N5boost6spirit...`, taken from the binary's type-name comparisons, as a member name).
bool found_outside_input(const std::string& text, const std::regex& re, const std::string& input) {
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    std::size_t begin = static_cast<std::size_t>(it->position(0));
    std::size_t end = begin + static_cast<std::size_t>(it->length(0));
    while (begin < end && !word_char(text[begin])) ++begin;  // the separator the regex matched
    while (begin > 0 && word_char(text[begin - 1])) --begin;
    while (end < text.size() && word_char(text[end])) ++end;
    const std::string word = text.substr(begin, end - begin);
    if (word.empty() || input.find(word) == std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> message_problem(const std::string& message, const std::string& input) {
  // Outside quotes: a file name or an identifier may spell "internal error" (fuzzing found one).
  const std::string text = unquoted(message);
  if (text.find("internal error") != std::string::npos) return "an internal error";
  // X3 names an unnamed parser by typeid(...).name(): N5boost6spirit2x34listI... (Itanium ABI).
  static const std::regex mangled(R"((^|[^A-Za-z0-9_])(_Z|N[0-9]+[A-Za-z_]|St[0-9]+[A-Za-z_]))");
  static const std::regex cpp_name(R"(boost|spirit|\bx3\b|::)");
  if (found_outside_input(text, mangled, input)) return "a mangled C++ type name";
  if (found_outside_input(text, cpp_name, input)) return "a C++ type name";
  return std::nullopt;
}

}  // namespace cogsim::fuzz
