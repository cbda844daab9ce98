// Passes over the lowered program (passes.hpp).
#include <algorithm>
#include <utility>

#include "dsl/passes.hpp"

#include <cstdint>
#include <vector>

namespace cogsim::dsl {

void eliminate_dead_code(engine::Program& p) {
  std::vector<char> live(static_cast<std::size_t>(p.num_slots), 0);
  auto mark = [&](engine::Operand o) {
    if (!engine::is_const(o)) live[static_cast<std::size_t>(o)] = 1;
  };
  engine::for_each_result(std::as_const(p), mark);
  // Instructions are in dependency order, so one backward sweep finds everything needed.
  std::vector<char> keep(p.code.size(), 0);
  for (std::size_t i = p.code.size(); i-- > 0;) {
    const engine::Instr& in = p.code[i];
    if (!live[static_cast<std::size_t>(in.dst)]) continue;
    keep[i] = 1;
    engine::for_each_operand(std::as_const(p), in, mark);
  }
  std::vector<engine::Operand> renum(live.size(), -1);
  std::vector<engine::Instr> code;
  engine::Operand next = 0;
  for (std::size_t i = 0; i < p.code.size(); ++i) {
    if (!keep[i]) continue;
    engine::Instr in = p.code[i];
    renum[static_cast<std::size_t>(in.dst)] = next;
    in.dst = next++;
    code.push_back(in);
  }
  auto fix = [&](engine::Operand& o) {
    if (!engine::is_const(o)) o = renum[static_cast<std::size_t>(o)];
  };
  for (auto& in : code) engine::for_each_operand(p, in, fix);
  engine::for_each_result(p, fix);
  p.code = std::move(code);
  p.num_slots = next;
}

// Two-instruction fusion: `t = inner(a, b)` followed at once by `d = outer(t, c)` (or
// `outer(c, t)`), where t is read by nothing else and is not a result, becomes one Op::Fused
// instruction: one loop over the block instead of two, t never stored. RM1 has 330 such pairs
// among its ~930 arithmetic instructions. Runs on the renumbered program, where every
// instruction writes its own slot.
void fuse_pairs(engine::Program& p) {
  std::vector<std::uint32_t> uses(static_cast<std::size_t>(p.num_slots), 0);
  auto use = [&](engine::Operand o) {
    if (!engine::is_const(o)) ++uses[static_cast<std::size_t>(o)];
  };
  for (const auto& in : p.code) engine::for_each_operand(std::as_const(p), in, use);
  engine::for_each_result(std::as_const(p), [&](engine::Operand o) {
    if (!engine::is_const(o)) uses[static_cast<std::size_t>(o)] += 2;  // never fused away
  });
  std::vector<engine::Instr> code;
  code.reserve(p.code.size());
  for (std::size_t i = 0; i < p.code.size(); ++i) {
    const engine::Instr& t = p.code[i];
    if (i + 1 < p.code.size() && engine::fusable(t.op) && engine::fusable(p.code[i + 1].op) &&
        uses[static_cast<std::size_t>(t.dst)] == 1) {
      const engine::Instr& d = p.code[i + 1];
      const bool left = d.a == t.dst, right = d.b == t.dst;
      if (left != right) {  // reads t exactly once
        engine::Instr f = d;
        f.op = engine::Op::Fused;
        f.inner = t.op;
        f.outer = d.op;
        f.a = t.a;
        f.b = t.b;
        f.c = left ? d.b : d.a;
        f.t_right = right;
        code.push_back(f);
        ++i;
        continue;
      }
    }
    code.push_back(t);
  }
  p.code = std::move(code);
}

// Linear-scan reuse of slots: a value's vector is recycled after its last reader, so the block's
// working set is the model's live values, not one vector per instruction. Results (outputs,
// indicators, events, asserts, correlations) stay live to the end: the statistics read them after
// the block. A destination never takes a slot read by its own instruction (a draw writes its
// uniforms before it reads its parameters).
void reuse_slots(engine::Program& p) {
  const std::size_t n = static_cast<std::size_t>(p.num_slots);
  constexpr std::size_t kForever = SIZE_MAX;
  std::vector<std::size_t> last(n, 0);
  auto reads = [&](const engine::Instr& in, auto&& f) { engine::for_each_operand(std::as_const(p), in, f); };
  for (std::size_t i = 0; i < p.code.size(); ++i)
    reads(p.code[i], [&](engine::Operand o) {
      if (!engine::is_const(o)) last[static_cast<std::size_t>(o)] = i;
    });
  auto keep = [&](engine::Operand o) {
    if (!engine::is_const(o)) last[static_cast<std::size_t>(o)] = kForever;
  };
  engine::for_each_result(std::as_const(p), keep);

  std::vector<engine::Operand> phys(n, -1), free_slots;
  engine::Operand used = 0;
  for (std::size_t i = 0; i < p.code.size(); ++i) {
    engine::Instr& in = p.code[i];
    std::vector<engine::Operand> dying;
    reads(in, [&](engine::Operand o) {
      if (!engine::is_const(o) && last[static_cast<std::size_t>(o)] == i) dying.push_back(o);
    });
    const std::size_t v = static_cast<std::size_t>(in.dst);
    if (free_slots.empty()) phys[v] = used++;
    else phys[v] = free_slots.back(), free_slots.pop_back();
    std::sort(dying.begin(), dying.end());
    dying.erase(std::unique(dying.begin(), dying.end()), dying.end());
    for (engine::Operand o : dying) free_slots.push_back(phys[static_cast<std::size_t>(o)]);
  }
  auto fix = [&](engine::Operand& o) {
    if (!engine::is_const(o)) o = phys[static_cast<std::size_t>(o)];
  };
  for (auto& in : p.code) {
    engine::for_each_operand(p, in, fix);
    fix(in.dst);
  }
  engine::for_each_result(p, fix);
  p.num_slots = used;
}

}  // namespace cogsim::dsl
