// The lowering stage, in process: the IR of tiny models, text for text (engine/ir_text.hpp), so
// that constant folding, common subexpressions, dead code, fusion and slot reuse are each pinned
// where they act. Each expected listing was checked by hand against the model above it.
#include <gtest/gtest.h>

#include "engine/ir_text.hpp"
#include "tests/support.hpp"

namespace cogsim {
namespace {

std::string ir(const std::string& body, const dsl::CompileOptions& options = {}) {
  return engine::to_text(test::compile_model("model \"m\" base 2020 years 2021..2021\n" + body, options));
}

// Params are constants: a whole expression of them folds to one number, and no code is left.
TEST(Lower, ConstantsFold) {
  EXPECT_EQ(ir("param a = 2\nvar x[t in 2021..2021] = a * 3 + 1\noutput x\n"), "output x[2021] = 7\n");
}

// A draw, then arithmetic on it; x * 1 is x, exactly, and costs nothing.
TEST(Lower, DrawAndArithmetic) {
  EXPECT_EQ(ir("var d[t in 2021..2021] = normal(100, 15)\nvar x[t in 2021..2021] = d[t] * 1 + 5\noutput x\n"),
            "s0 = draw normal(100, 15)\n"
            "s1 = add 5, s0\n"
            "output x[2021] = s1\n");
}

// The same operation on the same operands is computed once (y * 2 and 2 * y: a commutative
// operation's operands are put in one order, constants first), and the draw's slot is reused.
TEST(Lower, CommonSubexpressionsOnce) {
  EXPECT_EQ(ir("var y[t in 2021..2021] = normal(0, 1)\nvar x[t in 2021..2021] = y[t] * 2 + 2 * y[t]\noutput x\n"),
            "s0 = draw normal(0, 1)\n"
            "s1 = mul 2, s0\n"
            "s0 = add s1, s1\n"
            "output x[2021] = s0\n");
}

// A definition nothing reported reads is not evaluated, its draw included.
TEST(Lower, DeadCodeIsDropped) {
  EXPECT_EQ(ir("var unused[t in 2021..2021] = uniform(0, 1)\nvar x[t in 2021..2021] = normal(0, 1)\noutput x\n"),
            "s0 = draw normal(0, 1)\n"
            "output x[2021] = s0\n");
}

// An addition whose value only the next multiplication reads becomes one fused instruction, and
// its slot is reused once the draws are dead; with fusion off, two instructions.
TEST(Lower, FusionAndSlotReuse) {
  const std::string model =
      "var a[t in 2021..2021] = normal(0, 1)\nvar b[t in 2021..2021] = normal(1, 1)\n"
      "var x[t in 2021..2021] = (a[t] + 1) * b[t]\noutput x\n";
  EXPECT_EQ(ir(model),
            "s0 = draw normal(0, 1)\n"
            "s1 = draw normal(1, 1)\n"
            "s2 = fused mul(s1, add(1, s0))\n"
            "output x[2021] = s2\n");
  dsl::CompileOptions no_fusion;
  no_fusion.fuse = false;
  EXPECT_EQ(ir(model, no_fusion),
            "s0 = draw normal(0, 1)\n"
            "s1 = draw normal(1, 1)\n"
            "s2 = add 1, s0\n"
            "s0 = mul s1, s2\n"
            "output x[2021] = s0\n");
}

// The unary minus binds tighter than ^ (docs/language.md): -two ^ 2 is (-two) ^ 2; an `if` is a
// select.
TEST(Lower, PrecedenceAndSelect) {
  EXPECT_EQ(ir("var two[t in 2021..2021] = normal(2, 1)\n"
               "var x[t in 2021..2021] = if two[t] > 0 then -two[t] ^ 2 else 0\noutput x\n"),
            "s0 = draw normal(2, 1)\n"
            "s1 = gt s0, 0\n"
            "s2 = neg s0\n"
            "s0 = pow s2, 2\n"
            "s2 = select s1, s0, 0\n"
            "output x[2021] = s2\n");
}

// An indicator: its value, its target (a rate of the reference year) and its met flag.
TEST(Lower, IndicatorTargetAndMet) {
  EXPECT_EQ(ir("var r[t in 2020..2021] = if t == 2020 then 100 else normal(90, 10)\n"
               "indicator 1 on r vs 2020 { 2021: reduce_deficit(10 %) }\n"),
            "s0 = draw normal(90, 10)\n"
            "s1 = ge s0, 90\n"
            "indicator 1 value[2021] = s0\n"
            "indicator 1 target[2021] = 90\n"
            "indicator 1 met[2021] = s1\n");
}

}  // namespace
}  // namespace cogsim
