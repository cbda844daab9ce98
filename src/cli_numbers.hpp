// Strict values on the command line: CLI11 validators that run on the text before it is
// converted, so that `--seed -1` or `--seed 18446744073709551616` is refused rather than wrapped
// to 2⁶⁴−1, and `--target-se nan` or `-p inf` is refused rather than compared as false.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace cogsim::app {

// Decimal digits only (no sign, no exponent, no spaces), a value in [lo, hi].
CLI::Validator unsigned_in(std::uint64_t lo, std::uint64_t hi);
// A finite number (strtod syntax, nothing after it) in [lo, hi]; ±infinity and NaN are refused.
CLI::Validator finite_in(double lo, double hi);
// Any finite number.
CLI::Validator finite();
// A path that is not empty: `--json ""` (an unset variable in a script) is refused, not taken as
// "no output", which would write nothing and exit 0.
CLI::Validator path_given();

}  // namespace cogsim::app
