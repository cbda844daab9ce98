#include "src/cli_numbers.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace cogsim::app {

namespace {

std::string show(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

CLI::Validator unsigned_in(std::uint64_t lo, std::uint64_t hi) {
  const std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        std::uint64_t v = 0;
        const char *b = s.data(), *e = s.data() + s.size();
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
          return "'" + s + "' is not a whole number without sign: give " + range;
        auto [end, ec] = std::from_chars(b, e, v);
        if (ec == std::errc::result_out_of_range || end != e || v < lo || v > hi)
          return "'" + s + "' is out of range: give " + range;
        return "";
      },
      range);
}

CLI::Validator finite_in(double lo, double hi) {
  const bool bounded = lo > -std::numeric_limits<double>::max() || hi < std::numeric_limits<double>::max();
  const std::string range = bounded ? "a number from " + show(lo) + " to " + show(hi) : "a finite number";
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return "'" + s + "' is not a number: give " + range;
        if (!std::isfinite(v)) return "'" + s + "' is not finite: give " + range;
        if (v < lo || v > hi) return "'" + s + "' is out of range: give " + range;
        return "";
      },
      range);
}

CLI::Validator finite() {
  return finite_in(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
}

CLI::Validator path_given() {
  return CLI::Validator([](std::string& s) { return s.empty() ? std::string("an empty path (no file to write)") : std::string(); },
                        "PATH");
}

}  // namespace cogsim::app
