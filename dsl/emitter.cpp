// Emission with constant folding and common subexpressions (emitter.hpp).
#include "dsl/emitter.hpp"

#include <cstring>

#include "engine/evaluator.hpp"

namespace cogsim::dsl {

using engine::Op;
using engine::Operand;

engine::Operand Emitter::intern(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  auto it = const_pool_.find(bits);
  if (it != const_pool_.end()) return it->second;
  program_.constants.push_back(v);
  Operand o = -static_cast<Operand>(program_.constants.size());
  const_pool_[bits] = o;
  return o;
}

Operand Emitter::emit(Op op, Operand a, Operand b, Operand c) {
  bool unary = op == Op::Neg || op == Op::Abs || op == Op::Exp || op == Op::Log ||
               op == Op::Sqrt || op == Op::Sin || op == Op::Cos || op == Op::Not;
  bool all_const = engine::is_const(a) && (unary || engine::is_const(b)) &&
                   (op != Op::Select || engine::is_const(c));
  auto k = [&](Operand o) { return engine::is_const(o) ? program_.constants[engine::const_index(o)] : 0.0; };
  if (all_const) return intern(engine::apply_op(op, k(a), k(b), k(c)));
  if (op == Op::Select && engine::is_const(a)) return k(a) != 0 ? b : c;
  if (cse_) {
    // x * 1, 1 * x and x / 1 are x, exactly (signed zeros, infinities and NaN included). Not x + 0:
    // -0 + 0 is +0.
    auto one = [&](Operand o) { return engine::is_const(o) && k(o) == 1.0; };
    if ((op == Op::Mul || op == Op::Div) && one(b)) return a;
    if (op == Op::Mul && one(a)) return b;
    // Common subexpressions: until the final passes every slot is written once, so the same
    // operation on the same operands is the value already computed (same IEEE result: the bits
    // cannot change). RM1 computes the same inflation and payroll factors for many cells; ~190
    // of its 1 223 instructions were such repeats. x + y is y + x, x * y is y * x.
    if ((op == Op::Add || op == Op::Mul) && b < a) std::swap(a, b);
    if (auto it = computed_.find({op, a, b, c}); it != computed_.end()) return it->second;
  }
  engine::Instr in;
  in.op = op;
  in.a = a;
  in.b = b;
  in.c = c;
  in.dst = program_.num_slots++;
  program_.code.push_back(in);
  if (cse_) computed_.emplace(std::tuple{op, a, b, c}, in.dst);
  return in.dst;
}

}  // namespace cogsim::dsl
