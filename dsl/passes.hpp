// Passes over a lowered Program, run in this order by compile(): each keeps every result to the
// bit and changes only how much work and memory a block of paths takes.
#pragma once

#include "engine/ir.hpp"

namespace cogsim::dsl {

// Drops instructions no result needs and renumbers the slots densely (one slot per instruction).
void eliminate_dead_code(engine::Program& p);
// Fuses an arithmetic instruction with the one right after it that alone reads it (Op::Fused).
void fuse_pairs(engine::Program& p);
// Recycles a slot after its last reader (linear scan): the block's working set is the live values.
void reuse_slots(engine::Program& p);

}  // namespace cogsim::dsl
