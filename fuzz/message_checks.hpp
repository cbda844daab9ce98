// What no message shown to a user may hold, whatever the input: the words "internal error", or
// text that looks like a C++ type name (a mangled one such as `N5boost6spirit2x3...`, or a
// namespace path such as `boost::spirit`), which would come from an unnamed X3 parser.
#pragma once

#include <optional>
#include <string>

namespace cogsim::fuzz {

// Why MESSAGE must not be shown, or nullopt when it is fine.
std::optional<std::string> message_problem(const std::string& message);

}  // namespace cogsim::fuzz
