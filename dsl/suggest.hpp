// "Did you mean …" for misspelt names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cogsim::dsl {

// Names longer than this get no suggestion (and are not suggested).
inline constexpr std::size_t kMaxSuggestedLength = 64;

std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a distance proportional to the name's length, or "".
std::string closest(std::string_view name, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace cogsim::dsl
