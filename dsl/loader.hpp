// Reads a rules file and everything it includes or extends, in order.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/sources.hpp"

namespace cogsim::dsl {

// A statement with the layer it belongs to: a base model is layer 0, a scenario that extends it
// layer 1, and so on. Definitions of a higher layer may override those of a lower one.
struct Item {
  const ast::Statement* statement;
  std::uint32_t file;
  int layer;
};

struct Loaded {
  std::deque<ast::File> files;  // owns the syntax trees (stable addresses)
  std::vector<Item> items;      // in order: base model first, then each scenario on top
  int top_layer = 0;
};

// PATH is a .cog file, or a folder holding main.cog. Syntax and file errors go to diags.
Loaded load(const std::string& path, Sources& sources, Diagnostics& diags);
// For tests: the main file's text is given; includes are resolved against `dir`.
Loaded load_text(const std::string& name, const std::string& text, Sources& sources,
                 Diagnostics& diags);

// A file name as messages quote it: control characters, DEL and quote marks written \xNN, so that
// a name read from a model (any bytes) cannot break the message's quoting or the terminal.
std::string shown_path(const std::string& path);

}  // namespace cogsim::dsl
