// Emission of IR instructions with constant folding and common-subexpression reuse: what the
// lowering stage writes into the Program through.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <unordered_map>

#include "dsl/model.hpp"
#include "engine/ir.hpp"

namespace cogsim::dsl {

class Emitter {
 public:
  // CSE: reuse the same operation on the same operands (CompileOptions::cse).
  Emitter(engine::Program& program, bool cse) : program_(program), cse_(cse) {}

  engine::Operand intern(double v);  // a constant operand (one per distinct bit pattern)
  Val constant(double v, Dim d = {}) { return {intern(v), d}; }
  // A new instruction, or a constant when every operand is, or an equal one already emitted.
  engine::Operand emit(engine::Op op, engine::Operand a, engine::Operand b = 0, engine::Operand c = 0);
  double const_value(const Val& v) const { return program_.constants[engine::const_index(v.op)]; }

 private:
  engine::Program& program_;
  bool cse_;
  std::unordered_map<std::uint64_t, engine::Operand> const_pool_;
  // Instructions emitted so far by (op, a, b, c): the same computation twice is one (emit()).
  std::map<std::tuple<engine::Op, engine::Operand, engine::Operand, engine::Operand>, engine::Operand> computed_;
};

inline bool is_const(const Val& v) { return engine::is_const(v.op); }

}  // namespace cogsim::dsl
