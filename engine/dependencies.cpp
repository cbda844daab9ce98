#include "engine/dependencies.hpp"

#include <map>

namespace cogsim::engine {

namespace {

// Backwards over the straight-line code: a slot is needed from the roots until the instruction
// that writes it (slots are reused, so an earlier write of the same slot is another value).
// Marks the groups and the draw instructions (by their rank among the draws) the roots read.
void walk(const Program& p, const std::vector<Operand>& roots, std::vector<bool>& groups, std::vector<bool>& draws) {
  groups.assign(p.draw_groups.size(), false);
  std::vector<bool> needed(static_cast<std::size_t>(p.num_slots), false);
  for (Operand o : roots)
    if (!is_const(o)) needed[static_cast<std::size_t>(o)] = true;
  std::map<std::uint64_t, std::uint32_t> group_of_stream;
  std::size_t n_draws = 0;
  for (const auto& in : p.code)
    if (in.op == Op::Draw) group_of_stream[in.stream] = in.group, ++n_draws;
  draws.assign(n_draws, false);
  std::size_t rank = n_draws;
  for (auto it = p.code.rbegin(); it != p.code.rend(); ++it) {
    const Instr& in = *it;
    if (in.op == Op::Draw) --rank;
    const auto d = static_cast<std::size_t>(in.dst);
    if (!needed[d]) continue;
    needed[d] = false;
    if (in.op == Op::Draw) groups[in.group] = true, draws[rank] = true;
    if (in.op == Op::CorrUniform)
      for (std::uint32_t k = 0; k < in.params_count; ++k) {
        auto g = group_of_stream.find(p.streams[in.streams_begin + k]);
        if (g != group_of_stream.end()) groups[g->second] = true;
      }
    for_each_operand(p, in, [&](const Operand& o) {
      if (!is_const(o)) needed[static_cast<std::size_t>(o)] = true;
    });
  }
}

}  // namespace

std::vector<bool> groups_feeding(const Program& p, const std::vector<Operand>& roots) {
  std::vector<bool> groups, draws;
  walk(p, roots, groups, draws);
  return groups;
}

std::vector<bool> draws_feeding(const Program& p, const std::vector<Operand>& roots) {
  std::vector<bool> groups, draws;
  walk(p, roots, groups, draws);
  return draws;
}

}  // namespace cogsim::engine
