#include "dsl/units.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace cogsim::dsl {

double unit_value(double written, const std::string& unit) {
  const int shift = unit == "%" ? -2 : unit == "k€" ? 3 : unit == "M€" ? 6 : unit == "Md€" ? 9 : 0;
  if (shift == 0 || !std::isfinite(written) || written == 0) return written;
  // The shortest decimal that reads back as `written` (the digits as typed, for a literal of up to
  // 17 significant digits), its exponent moved by the shift, read again: one correct rounding.
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, written, std::chars_format::scientific);
  const std::string s(buf, r.ptr);
  const auto e = s.find('e');
  const long exponent = std::strtol(s.c_str() + e + 1, nullptr, 10) + shift;
  return std::strtod((s.substr(0, e) + "e" + std::to_string(exponent)).c_str(), nullptr);
}

}  // namespace cogsim::dsl
