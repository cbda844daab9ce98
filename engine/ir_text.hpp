// A readable listing of a Program, one instruction a line: what `cogsim check --ir` prints and
// what the lowering's tests compare, text for text.
//
//   s0 = draw normal(100, 15)           a draw (its parameters: constants or slots)
//   s1 = mul s0, 1.02                   arithmetic on slots and constants
//   s2 = fused add(mul(s0, s1), 3)      two instructions in one loop (Op::Fused)
//   output x[2021] = s1                 the results read after the block
#pragma once

#include <string>

#include "engine/ir.hpp"

namespace cogsim::engine {

std::string to_text(const Program& p);

}  // namespace cogsim::engine
