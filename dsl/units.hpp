// The value of a number written with a unit, in the model's own units (a rate as a fraction, money
// in euros): the rules language, its CSV tables and the serve page's typed values read units
// through this one function.
#pragma once

#include <string>

namespace cogsim::dsl {

// `written` scaled by the unit ("%": 10^-2, "k€": 10^3, "M€": 10^6, "Md€": 10^9, "€" or "": 1) as
// a decimal shift: the double nearest the decimal value, i.e. what the same number written without
// the unit would read. `2.8 %` is 0.028 exactly as `0.028` is, where 2.8 / 100 is one unit in the
// last place above. Any other unit: `written` unchanged.
double unit_value(double written, const std::string& unit);

// Whether a unit word is an amount of money: €, k€, M€ or Md€.
inline bool is_money_unit(const std::string& unit) {
  return unit == "€" || unit == "k€" || unit == "M€" || unit == "Md€";
}

}  // namespace cogsim::dsl
