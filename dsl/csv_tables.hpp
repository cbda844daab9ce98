// Tables read from CSV files: `csv "FILE"` wherever a table in braces may stand (a param's
// value, `actual`, `fix NAME`, a budget line's table). The loader turns the file's rows into the
// same rows as braces would give, with positions in the CSV file, so every check of a table
// (unknown member, duplicate row, wrong count, unit) names the CSV file, its line and column.
// The format is in docs/language.md §4.4.
#pragma once

#include <string>

#include "dsl/ast.hpp"
#include "dsl/model.hpp"
#include "dsl/sources.hpp"

namespace cogsim::dsl {

// Reads the rows of every `csv "FILE"` table of FILE_AST (FILE relative to DIR, the folder of the
// rules file that names it) into the table. A CSV file is read like an included file (a regular
// file within Sources' size limit, no device); a bad cell is an error at its place.
void read_csv_tables(ast::File& file_ast, const std::string& dir, Sources& sources, Diagnostics& diags);

// A CSV table of a param with two indices: the header's value columns must be the members or
// years of the second index, in order (a missing year is named). False after an error.
bool check_csv_columns(const Symbol& s, const ast::Table& t, const Model& m, Reporter& rep);

}  // namespace cogsim::dsl
