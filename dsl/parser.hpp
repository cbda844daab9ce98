// Entry point of the grammar (dsl/parser.cpp is the only translation unit that includes
// Boost.Spirit X3's parser headers), and the language's keyword table.
#pragma once

#include <string>
#include <string_view>

#include "dsl/ast.hpp"
#include "dsl/sources.hpp"

namespace cogsim::dsl {

// Parses one file. Statements that parse are returned; each syntax error becomes a diagnostic
// and parsing resumes at the next statement, so every error in a file is reported.
ast::File parse(const Sources& sources, std::uint32_t file, Diagnostics& diags);

// How deeply expressions may nest (parentheses, `-`, `not`, `if`, calls, sums, indices): past it,
// "too deeply nested (limit N)". It bounds the recursion of the parser and of every pass over the
// tree (the checker, the lowering), so that no input overflows the stack.
inline constexpr int kMaxNesting = 100;

// The words that cannot be names, each named once: the parser reserves them, resumes after an
// error at the next statement keyword, lists those in "expected a statement (...)" and suggests
// the closest one for a misspelt word ("did you mean 'override'?").
struct Keyword {
  const char* word;
  bool starts_statement;
};
inline constexpr Keyword kKeywords[] = {
    {"model", true},   {"include", true},   {"extends", true},   {"scenario", true},
    {"set", true},     {"param", true},     {"var", true},       {"fix", true},
    {"indicator", true}, {"event", true},   {"fund", true},      {"transfer", true},
    {"output", true},  {"assert", true},    {"correlate", true}, {"override", true},
    {"extend", true},  {"report", true},    {"adjust", true},
    {"in", false},     {"if", false},       {"then", false},     {"else", false},
    {"and", false},    {"or", false},       {"not", false},      {"sum", false},
    {"prod", false},   {"within", false},   {"from", false},     {"to", false}};

inline bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
// The keyword WORD is, or nullptr.
inline const Keyword* keyword_at(std::string_view word) {
  for (const Keyword& k : kKeywords)
    if (word == k.word) return &k;
  return nullptr;
}

}  // namespace cogsim::dsl
