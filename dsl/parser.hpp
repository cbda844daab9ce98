// Entry point of the grammar (dsl/parser.cpp is the only translation unit that includes
// Boost.Spirit X3's parser headers).
#pragma once

#include "dsl/ast.hpp"
#include "dsl/sources.hpp"

namespace cogsim::dsl {

// Parses one file. Statements that parse are returned; each syntax error becomes a diagnostic
// and parsing resumes at the next statement, so every error in a file is reported.
ast::File parse(const Sources& sources, std::uint32_t file, Diagnostics& diags);

}  // namespace cogsim::dsl
