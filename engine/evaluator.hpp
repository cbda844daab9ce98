// Evaluates a Program over a block of paths (structure of arrays: one vector per slot).
#pragma once

#include <optional>
#include <new>
#include <vector>

#include "engine/ir.hpp"

namespace cogsim::engine {

enum class DrawMode {
  Mean,    // the central path: every draw replaced by the mean of its distribution
  Fixed,   // each group's draws at the quantile BlockSpec::group_u (NaN: at the mean)
  Sample,  // Monte Carlo: uniforms from the counter-based generator, through the quantile function
};

enum class Sampling {
  MonteCarlo,     // independent uniforms
  LatinHypercube, // each random cell's uniforms stratified over a replicate's paths (engine/design.hpp)
  QuasiMonteCarlo, // each random cell a dimension of a scrambled Sobol' sequence (engine/design.hpp)
};

class Design;

struct BlockSpec {
  std::uint64_t seed = 0;
  std::uint64_t first_path = 0;
  std::size_t size = 1;
  DrawMode mode = DrawMode::Sample;
  Sampling sampling = Sampling::MonteCarlo;
  std::uint64_t total_paths = 0;  // the run's paths
  // Latin Hypercube and quasi-Monte Carlo: the run's design (replicates, strata, Sobol' dimensions);
  // required by those samplings, ignored by Monte Carlo.
  const Design* design = nullptr;
  // Correlated draws by Iman–Conover reordering in groups of paths (engine/iman_conover.hpp)
  // instead of the Gaussian copula's uniforms.
  bool iman_conover = false;
  // Sensitivity analysis: a seed per draw group (Sobol's resampling), or a quantile per group
  // (DrawMode::Fixed; with DrawMode::Sample, the groups whose quantile is not NaN are held there).
  const std::vector<std::uint64_t>* group_seed = nullptr;
  const std::vector<double>* group_u = nullptr;
};

// An allocator of cache-line-aligned storage: a 64-byte vector load or store that straddles two
// lines costs two accesses, and malloc only promises 16 bytes, so without it a workspace's
// alignment, hence the evaluator's speed (±10 %), would depend on what was allocated before it.
template <typename T>
struct CacheAligned {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  CacheAligned() = default;
  template <typename U>
  CacheAligned(const CacheAligned<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, kAlign); }
  template <typename U>
  bool operator==(const CacheAligned<U>&) const noexcept { return true; }
};
using AlignedDoubles = std::vector<double, CacheAligned<double>>;

// The vectors of one block; reused from block to block so nothing is allocated per block. Every
// slot starts on a cache line when the block size is a multiple of 8 (the CLI's powers of two from
// 8 up; smaller blocks are slow anyway).
class Workspace {
 public:
  void reserve(const Program& p, std::size_t block_size);
  double* slot(Operand o) { return data_.data() + static_cast<std::size_t>(o) * stride_; }
  const double* slot(Operand o) const {
    return data_.data() + static_cast<std::size_t>(o) * stride_;
  }
  std::size_t stride() const { return stride_; }
  AlignedDoubles& scratch() { return scratch_; }

 private:
  AlignedDoubles data_, scratch_;
  std::size_t stride_ = 0;
};

// The uniforms of one random cell for the block: the counter-based generator's, or the design's.
void fill_cell_uniforms(const BlockSpec& spec, std::uint64_t stream, double* u);

// Runs every instruction over the block. Returns a diagnostic (pointing at the rules file through
// Program::origins) when a draw meets invalid parameters at run time.
std::optional<Diagnostic> run_block(const Program& p, const BlockSpec& spec, Workspace& ws);

// Runs only the random draws of the program (same generator and transforms): the floor that the
// whole evaluation is measured against in bench/.
std::optional<Diagnostic> run_draws_only(const Program& p, const BlockSpec& spec, Workspace& ws);

// The value of an operand for path i of the block just run.
inline double value_at(const Program& p, const Workspace& ws, Operand o, std::size_t i) {
  return is_const(o) ? p.constants[const_index(o)] : ws.slot(o)[i];
}

// The scalar meaning of an arithmetic or logical instruction, shared by the evaluator's loops and
// by constant folding in the compiler so both agree to the bit.
double apply_op(Op op, double a, double b, double c);

// Convenience for the central path: runs a block of one path in Mean mode.
struct CentralResult {
  Workspace ws;
  std::optional<Diagnostic> error;
};
CentralResult run_central(const Program& p);

}  // namespace cogsim::engine
