#include "engine/ir_text.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace cogsim::engine {

namespace {

const char* op_name(Op op) {
  static const char* const names[] = {"add", "sub", "mul", "div", "neg", "min", "max", "abs", "exp", "log", "sqrt",
                                      "sin", "cos", "pow", "lt",  "le",  "gt",  "ge",  "eq",  "ne",  "and", "or",
                                      "not", "select", "fused", "draw", "corr_uniform"};
  return names[static_cast<int>(op)];
}

bool unary(Op op) {
  return op == Op::Neg || op == Op::Abs || op == Op::Exp || op == Op::Log || op == Op::Sqrt || op == Op::Sin ||
         op == Op::Cos || op == Op::Not;
}

std::string operand(const Program& p, Operand o) {
  if (!is_const(o)) return "s" + std::to_string(o);
  // The shortest of %.15g, %.16g, %.17g that reads back as the same double.
  const double v = p.constants[const_index(o)];
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string instruction(const Program& p, const Instr& in) {
  auto x = [&](Operand o) { return operand(p, o); };
  std::string t = "s" + std::to_string(in.dst) + " = ";
  switch (in.op) {
    case Op::Fused: {
      const std::string inner = std::string(op_name(in.inner)) + "(" + x(in.a) + ", " + x(in.b) + ")";
      return t + "fused " + op_name(in.outer) + "(" + (in.t_right ? x(in.c) + ", " + inner : inner + ", " + x(in.c)) +
             ")";
    }
    case Op::Draw: {
      t += "draw " + std::string(dist_name(in.dist)) + (in.truncated ? " truncated" : "") + "(";
      for (std::uint32_t k = 0; k < in.params_count; ++k) t += (k ? ", " : "") + x(p.draw_params[in.params_begin + k]);
      t += ")";
      if (in.external_u) t += " at " + x(in.a);
      return t;
    }
    case Op::CorrUniform: {
      t += "corr_uniform(";
      for (std::uint32_t k = 0; k < in.params_count; ++k) t += (k ? ", " : "") + x(p.draw_params[in.params_begin + k]);
      return t + ")";
    }
    case Op::Select:
      return t + "select " + x(in.a) + ", " + x(in.b) + ", " + x(in.c);
    default:
      return t + op_name(in.op) + " " + x(in.a) + (unary(in.op) ? "" : ", " + x(in.b));
  }
}

}  // namespace

std::string to_text(const Program& p) {
  std::ostringstream o;
  for (const auto& in : p.code) o << instruction(p, in) << "\n";
  auto result = [&](const std::string& what, int year, Operand op) {
    o << what << "[" << year << "] = " << operand(p, op) << "\n";
  };
  for (const auto& s : p.outputs)
    for (const auto& [y, op] : s.years) result("output " + s.name, y, op);
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years) {
      result("indicator " + ind.id + " value", y.year, y.value);
      result("indicator " + ind.id + " target", y.year, y.target);
      result("indicator " + ind.id + " met", y.year, y.met);
    }
  for (const auto& e : p.events)
    for (const auto& [y, op] : e.years) result("event " + e.name, y, op);
  return o.str();
}

}  // namespace cogsim::engine
