// Which uncertain inputs a value depends on, read from the IR: the draw groups (one per definition
// holding draws, Program::draw_groups) whose draws the instructions computing the value read,
// directly or through other instructions. A correlated draw depends on every group whose uniform
// stream its copula combines. Structural: `0 * x` still depends on x (the IR does not fold it,
// as 0 * ∞ is not 0).
#pragma once

#include <vector>

#include "engine/ir.hpp"

namespace cogsim::engine {

// One flag per Program::draw_groups: true when some root depends on a draw of that group.
std::vector<bool> groups_feeding(const Program& p, const std::vector<Operand>& roots);

// One flag per draw instruction, in code order: true when some root reads that draw's value (a
// draw that only lends its stream to a correlated draw's copula is not flagged).
std::vector<bool> draws_feeding(const Program& p, const std::vector<Operand>& roots);

}  // namespace cogsim::engine
