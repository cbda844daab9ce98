// Checks on what the rules files say literally, before any meaning is given to it: every file is
// valid UTF-8 (labels and sources end up in JSON, HTML and XLSX, which require it), and a year key
// of a table carries no unit (`2024 %: 3` is a mistake that would otherwise be ignored).
#pragma once

#include "dsl/loader.hpp"
#include "engine/diagnostic.hpp"

namespace cogsim::dsl {

// Byte offset of the first invalid UTF-8 sequence of `text` (overlong forms, surrogates and code
// points above U+10FFFF are invalid too), or npos.
std::size_t first_invalid_utf8(const std::string& text);

// The diagnostics of the checks above, located: the invalid byte, the unit after a year key.
Diagnostics check_text(const Loaded& loaded, const Sources& sources);

// Where a label or title is written: the first string literal at or after FROM (comments
// skipped), its quotes included; FROM itself when none follows.
SourceLoc quoted_after(const Sources& sources, SourceLoc from);
// A label that would show nothing: empty, or only spaces and tabs.
bool blank(const std::string& s);
// "FILE:LINE" of a place, as messages name an earlier one ("first defined at main.cog:4").
std::string file_line(const Sources& sources, SourceLoc loc);

}  // namespace cogsim::dsl
