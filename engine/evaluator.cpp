#include "engine/evaluator.hpp"

#include "engine/detmath.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/design.hpp"
#include "engine/iman_conover.hpp"
#include "engine/random.hpp"
#include "engine/simd.hpp"

namespace cogsim::engine {

std::size_t Program::num_draws() const {
  return static_cast<std::size_t>(
      std::count_if(code.begin(), code.end(), [](const Instr& i) { return i.op == Op::Draw; }));
}

void Workspace::reserve(const Program& p, std::size_t block_size) {
  stride_ = block_size;
  data_.assign(static_cast<std::size_t>(p.num_slots) * block_size, 0.0);
  scratch_.assign(block_size * 2, 0.0);
}

namespace {

// A read-only view of an operand over the block: a constant broadcast or a slot.
struct View {
  const double* v;
  double k;
  bool vec;
  double operator[](std::size_t i) const { return vec ? v[i] : k; }
};

[[gnu::always_inline]] inline View view(const Program& p, const Workspace& ws, Operand o) {
  if (is_const(o)) return {nullptr, p.constants[const_index(o)], false};
  return {ws.slot(o), 0.0, true};
}

template <typename F>
[[gnu::always_inline]] inline void unary(const Program& p, Workspace& ws, const Instr& in, std::size_t n, F f) {
  View a = view(p, ws, in.a);
  double* d = ws.slot(in.dst);
  if (a.vec)
    for (std::size_t i = 0; i < n; ++i) d[i] = f(a.v[i]);
  else
    std::fill(d, d + n, f(a.k));
}

// Always inlined, so that they are compiled for the instruction set of each version of run_block
// (engine/simd.hpp); an outlined copy would be the baseline one.
// The three shapes (vector-vector, vector-constant, constant-vector) get their own loops so the
// compiler vectorises each; constant-constant was folded away by the lowering.
template <typename F>
[[gnu::always_inline]] inline void binary(const Program& p, Workspace& ws, const Instr& in, std::size_t n, F f) {
  View a = view(p, ws, in.a), b = view(p, ws, in.b);
  double* d = ws.slot(in.dst);
  if (a.vec && b.vec) {
    for (std::size_t i = 0; i < n; ++i) d[i] = f(a.v[i], b.v[i]);
  } else if (a.vec) {
    for (std::size_t i = 0; i < n; ++i) d[i] = f(a.v[i], b.k);
  } else if (b.vec) {
    for (std::size_t i = 0; i < n; ++i) d[i] = f(a.k, b.v[i]);
  } else {
    std::fill(d, d + n, f(a.k, b.k));
  }
}

// Two binary instructions in one pass: the inner value stays in a register instead of going
// through a slot (a store and a load per path saved, and one loop instead of two). The same two
// roundings as the separate instructions (no FMA contraction), so the same bits. The operand
// shapes (constant or vector) are loop-invariant tests that the compiler unswitches.
template <typename F1, typename F2>
[[gnu::always_inline]] inline void fused_loop(const View& a, const View& b, const View& c, double* d, std::size_t n,
                                              bool t_right, F1 f1, F2 f2) {
  if (t_right)
    for (std::size_t i = 0; i < n; ++i) d[i] = f2(c[i], f1(a[i], b[i]));
  else
    for (std::size_t i = 0; i < n; ++i) d[i] = f2(f1(a[i], b[i]), c[i]);
}

template <typename F1>
[[gnu::always_inline]] inline void fused_outer(const View& a, const View& b, const View& c, double* d, std::size_t n,
                                               bool t_right, Op outer, F1 f1) {
  switch (outer) {
    case Op::Add: fused_loop(a, b, c, d, n, t_right, f1, [](double x, double y) { return x + y; }); break;
    case Op::Sub: fused_loop(a, b, c, d, n, t_right, f1, [](double x, double y) { return x - y; }); break;
    case Op::Mul: fused_loop(a, b, c, d, n, t_right, f1, [](double x, double y) { return x * y; }); break;
    case Op::Div: fused_loop(a, b, c, d, n, t_right, f1, [](double x, double y) { return x / y; }); break;
    case Op::And:
      fused_loop(a, b, c, d, n, t_right, f1, [](double x, double y) { return double((x != 0) & (y != 0)); });
      break;
    default: break;  // the lowering fuses nothing else (fusable_op)
  }
}

[[gnu::always_inline]] inline void fused(const Program& p, Workspace& ws, const Instr& in, std::size_t n) {
  const View a = view(p, ws, in.a), b = view(p, ws, in.b), c = view(p, ws, in.c);
  double* d = ws.slot(in.dst);
  switch (in.inner) {
    case Op::Add: fused_outer(a, b, c, d, n, in.t_right, in.outer, [](double x, double y) { return x + y; }); break;
    case Op::Sub: fused_outer(a, b, c, d, n, in.t_right, in.outer, [](double x, double y) { return x - y; }); break;
    case Op::Mul: fused_outer(a, b, c, d, n, in.t_right, in.outer, [](double x, double y) { return x * y; }); break;
    case Op::Div: fused_outer(a, b, c, d, n, in.t_right, in.outer, [](double x, double y) { return x / y; }); break;
    case Op::And:
      fused_outer(a, b, c, d, n, in.t_right, in.outer, [](double x, double y) { return double((x != 0) & (y != 0)); });
      break;
    default: break;
  }
}

// The uniforms of one random cell for the block: the counter-based generator's, or the design's
// (Latin Hypercube, quasi-Monte Carlo); a pure function of the path either way.
void uniforms(const BlockSpec& spec, std::uint64_t stream, double* u) { fill_cell_uniforms(spec, stream, u); }

void corr_uniform(const Program& p, const BlockSpec& spec, Workspace& ws, const Instr& in) {
  const std::size_t n = spec.size;
  double* d = ws.slot(in.dst);
  if (spec.mode != DrawMode::Sample) {
    std::fill(d, d + n, 0.5);
    return;
  }
  if (spec.iman_conover) return iman_conover_uniforms(p, spec, in, d);
  double* tmp = ws.scratch().data();
  std::fill(d, d + n, 0.0);
  for (std::uint32_t k = 0; k < in.params_count; ++k) {
    double coef = p.constants[const_index(p.draw_params[in.params_begin + k])];
    if (coef == 0) continue;
    uniforms(spec, p.streams[in.streams_begin + k], tmp);
    inverse_normal_cdf(tmp, tmp, n);
    for (std::size_t i = 0; i < n; ++i) d[i] += coef * tmp[i];
  }
  const double lo = 0x1p-53, hi = 1 - 0x1p-53;
  for (std::size_t i = 0; i < n; ++i) d[i] = std::clamp(normal_cdf(d[i]), lo, hi);
}

// The parameters of one draw instruction: constants read once, the others path by path (load).
struct DrawLaw {
  const Program& p;
  const Instr& in;
  const Workspace& ws;
  // Every parameter: a discrete law has as many as its values and probabilities (no cap: a cap
  // once dropped a tenth outcome without a word). Held inline up to kInline (every law but a long
  // discrete one), so that a draw instruction does not allocate on each block.
  static constexpr std::size_t kInline = 18;
  double inline_params[kInline];
  std::vector<double> heap_params;
  double* params;
  std::size_t np_all, np;  // all parameters; the law's own (without a truncation's bounds)
  bool all_const = true;

  DrawLaw(const Program& prog, const Instr& instr, const Workspace& w)
      : p(prog), in(instr), ws(w),
        heap_params(instr.params_count > kInline ? instr.params_count : 0),
        params(instr.params_count > kInline ? heap_params.data() : inline_params) {
    np_all = in.params_count;
    np = in.truncated ? np_all - 2 : np_all;
    for (std::size_t k = 0; k < np_all; ++k) {
      Operand o = p.draw_params[in.params_begin + k];
      if (!is_const(o)) all_const = false;
      else params[k] = p.constants[const_index(o)];
    }
  }
  DrawLaw(const DrawLaw&) = delete;  // `params` may point into the object
  DrawLaw& operator=(const DrawLaw&) = delete;
  const double* bounds() const { return params + np; }  // lo, hi when truncated
  void load(std::size_t i) {
    for (std::size_t k = 0; k < np_all; ++k) {
      Operand o = p.draw_params[in.params_begin + k];
      if (!is_const(o)) params[k] = ws.slot(o)[i];
    }
  }
  std::string check() const {
    std::string msg = dist_check(in.dist, params, np);
    if (msg.empty() && in.truncated) msg = truncated_check(in.dist, params, np, bounds()[0], bounds()[1]);
    return msg;
  }
  double quantile(double u) const {
    return in.truncated ? truncated_quantile(in.dist, params, np, bounds()[0], bounds()[1], u)
                        : dist_quantile(in.dist, params, np, u);
  }
  double mean() const {
    return in.truncated ? truncated_mean(in.dist, params, np, bounds()[0], bounds()[1]) : dist_mean(in.dist, params, np);
  }
  Diagnostic bad(const std::string& msg) const {
    Diagnostic diag;
    diag.loc = p.origins.at(in.origin);
    diag.message = msg;
    return diag;
  }
};

// The uniforms of a sampled draw: its copula's, its group's stream (replay), or its own.
void draw_uniforms(const BlockSpec& spec, const Workspace& ws, const Instr& in, double* d) {
  if (in.external_u) {
    const double* u = ws.slot(in.a);
    std::copy(u, u + spec.size, d);
  } else if (spec.group_seed) {
    BlockSpec own = spec;
    own.seed = (*spec.group_seed)[in.group];
    uniforms(own, in.stream, d);
  } else {
    uniforms(spec, in.stream, d);
  }
}

// dist_quantile's triangular formula, operation for operation (the same bits: no operation here can
// be fused, and sqrt is correctly rounded in every instruction set), both branches computed (their
// arguments are >= 0) so that the loop vectorises; compiled per instruction set (the baseline's
// scalar square roots made it a tenth of a run of a model with many triangular draws).
COGSIM_CLONES
void triangular_quantiles(double* d, std::size_t n, double lo, double mode, double hi) {
  const double w = hi - lo, ml = mode - lo, hm = hi - mode;
  for (std::size_t i = 0; i < n; ++i) {
    const double uw = d[i] * w;
    const double below = lo + std::sqrt(uw * ml), above = hi - std::sqrt((1.0 - d[i]) * w * hm);
    d[i] = std::clamp(uw < ml ? below : above, lo, hi);
  }
}

// Laws with constant parameters whose quantile is a loop that vectorises. False: not one of them.
bool constant_law_quantiles(const DrawLaw& law, double* d, std::size_t n) {
  if (!law.all_const || law.in.truncated) return false;
  const double* params = law.params;
  switch (law.in.dist) {
    case Dist::Normal:
      normal_quantiles(d, d, n, params[0], params[1]);
      return true;
    case Dist::Uniform: {
      const double lo = params[0], w = params[1] - params[0];
      for (std::size_t i = 0; i < n; ++i) d[i] = lo + w * d[i];
      return true;
    }
    case Dist::Triangular:
      if (!(params[0] < params[2])) return false;
      triangular_quantiles(d, n, params[0], params[1], params[2]);
      return true;
    case Dist::Discrete:
      return discrete_quantiles(params, law.np, d, n);
    default:
      return false;
  }
}

std::optional<Diagnostic> draw(const Program& p, const BlockSpec& spec, Workspace& ws, const Instr& in) {
  const std::size_t n = spec.size;
  double* d = ws.slot(in.dst);
  DrawLaw law(p, in, ws);
  // Fixed: every group at its quantile (NaN: its mean). Sample with group_u: a group whose u is not
  // NaN held at that quantile, the others drawn (the tornado in probability, engine/sensitivity.cpp).
  const double fixed_u = spec.group_u ? (*spec.group_u)[in.group] : std::nan("");
  if (spec.mode == DrawMode::Fixed || !std::isnan(fixed_u)) {
    const double u = fixed_u;
    for (std::size_t i = 0; i < n; ++i) {
      law.load(i);
      d[i] = std::isnan(u) ? law.mean() : law.quantile(u);
    }
    return std::nullopt;
  }
  const bool mean = spec.mode == DrawMode::Mean;
  if (!mean) {
    draw_uniforms(spec, ws, in, d);
    if (constant_law_quantiles(law, d, n)) return std::nullopt;
  }
  for (std::size_t i = 0; i < n; ++i) {
    law.load(i);
    if (!law.all_const) {
      std::string msg = law.check();
      if (!msg.empty()) return law.bad(msg);
    }
    d[i] = mean ? law.mean() : law.quantile(d[i]);
  }
  return std::nullopt;
}

}  // namespace

void fill_cell_uniforms(const BlockSpec& spec, std::uint64_t stream, double* u) {
  if (spec.sampling == Sampling::MonteCarlo) return fill_uniforms(spec.seed, stream, spec.first_path, spec.size, u);
  if (!spec.design) throw std::logic_error("a Latin Hypercube or quasi-Monte Carlo block without its design");
  spec.design->fill(spec.seed, stream, spec.first_path, spec.size, u);
}

COGSIM_CLONES
std::optional<Diagnostic> run_block(const Program& p, const BlockSpec& spec, Workspace& ws) {
  const std::size_t n = spec.size;
  for (const Instr& in : p.code) {
    switch (in.op) {
      case Op::Add: binary(p, ws, in, n, [](double x, double y) { return x + y; }); break;
      case Op::Sub: binary(p, ws, in, n, [](double x, double y) { return x - y; }); break;
      case Op::Mul: binary(p, ws, in, n, [](double x, double y) { return x * y; }); break;
      case Op::Div: binary(p, ws, in, n, [](double x, double y) { return x / y; }); break;
      case Op::Min: binary(p, ws, in, n, [](double x, double y) { return std::min(x, y); }); break;
      case Op::Max: binary(p, ws, in, n, [](double x, double y) { return std::max(x, y); }); break;
      case Op::Pow: binary(p, ws, in, n, [](double x, double y) { return det::pow(x, y); }); break;
      case Op::Lt: binary(p, ws, in, n, [](double x, double y) { return double(x < y); }); break;
      case Op::Le: binary(p, ws, in, n, [](double x, double y) { return double(x <= y); }); break;
      case Op::Gt: binary(p, ws, in, n, [](double x, double y) { return double(x > y); }); break;
      case Op::Ge: binary(p, ws, in, n, [](double x, double y) { return double(x >= y); }); break;
      case Op::Eq: binary(p, ws, in, n, [](double x, double y) { return double(x == y); }); break;
      case Op::Ne: binary(p, ws, in, n, [](double x, double y) { return double(x != y); }); break;
      // & and | rather than && and ||: both sides are plain loads, and a short circuit is a branch
      // that keeps the loop from vectorising.
      case Op::And:
        binary(p, ws, in, n, [](double x, double y) { return double((x != 0) & (y != 0)); });
        break;
      case Op::Or:
        binary(p, ws, in, n, [](double x, double y) { return double((x != 0) | (y != 0)); });
        break;
      case Op::Neg: unary(p, ws, in, n, [](double x) { return -x; }); break;
      case Op::Abs: unary(p, ws, in, n, [](double x) { return std::fabs(x); }); break;
      case Op::Exp: unary(p, ws, in, n, [](double x) { return det::exp(x); }); break;
      case Op::Log: unary(p, ws, in, n, [](double x) { return det::log(x); }); break;
      case Op::Sqrt: unary(p, ws, in, n, [](double x) { return std::sqrt(x); }); break;
      case Op::Sin: unary(p, ws, in, n, [](double x) { return det::sin(x); }); break;
      case Op::Cos: unary(p, ws, in, n, [](double x) { return det::cos(x); }); break;
      case Op::Not: unary(p, ws, in, n, [](double x) { return double(x == 0); }); break;
      case Op::Select: {
        View c = view(p, ws, in.a), t = view(p, ws, in.b), e = view(p, ws, in.c);
        double* d = ws.slot(in.dst);
        for (std::size_t i = 0; i < n; ++i) d[i] = c[i] != 0 ? t[i] : e[i];
        break;
      }
      case Op::Fused: fused(p, ws, in, n); break;
      case Op::Draw:
        if (auto err = draw(p, spec, ws, in)) return err;
        break;
      case Op::CorrUniform: corr_uniform(p, spec, ws, in); break;
    }
  }
  return std::nullopt;
}

std::optional<Diagnostic> run_draws_only(const Program& p, const BlockSpec& spec, Workspace& ws) {
  for (const Instr& in : p.code) {
    if (in.op == Op::Draw) {
      if (auto err = draw(p, spec, ws, in)) return err;
    } else if (in.op == Op::CorrUniform) {
      corr_uniform(p, spec, ws, in);
    }
  }
  return std::nullopt;
}

double apply_op(Op op, double a, double b, double c) {
  switch (op) {
    case Op::Add: return a + b;
    case Op::Sub: return a - b;
    case Op::Mul: return a * b;
    case Op::Div: return a / b;
    case Op::Min: return std::min(a, b);
    case Op::Max: return std::max(a, b);
    case Op::Pow: return det::pow(a, b);
    case Op::Lt: return double(a < b);
    case Op::Le: return double(a <= b);
    case Op::Gt: return double(a > b);
    case Op::Ge: return double(a >= b);
    case Op::Eq: return double(a == b);
    case Op::Ne: return double(a != b);
    case Op::And: return double(a != 0 && b != 0);
    case Op::Or: return double(a != 0 || b != 0);
    case Op::Neg: return -a;
    case Op::Abs: return std::fabs(a);
    case Op::Exp: return det::exp(a);
    case Op::Log: return det::log(a);
    case Op::Sqrt: return std::sqrt(a);
    case Op::Sin: return det::sin(a);
    case Op::Cos: return det::cos(a);
    case Op::Not: return double(a == 0);
    case Op::Select: return a != 0 ? b : c;
    case Op::Fused:  // made after constant folding, never folded
    case Op::Draw:
    case Op::CorrUniform: break;
  }
  return 0;
}

CentralResult run_central(const Program& p) {
  CentralResult r;
  r.ws.reserve(p, 1);
  BlockSpec spec;
  spec.mode = DrawMode::Mean;
  spec.size = 1;
  r.error = run_block(p, spec, r.ws);
  return r;
}

}  // namespace cogsim::engine
