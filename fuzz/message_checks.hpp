// What no message shown to a user may hold, whatever the input: the words "internal error", or
// text that looks like a C++ type name (a mangled one such as `N5boost6spirit2x3...`, or a
// namespace path such as `boost::spirit`), which would come from an unnamed X3 parser.
#pragma once

#include <optional>
#include <string>

namespace cogsim::fuzz {

// Why MESSAGE must not be shown, or nullopt when it is fine. INPUT is the text the message was
// made from: a name it wrote (even one spelt like a C++ type) may be echoed unquoted.
std::optional<std::string> message_problem(const std::string& message,
                                           const std::string& input = {});

}  // namespace cogsim::fuzz
