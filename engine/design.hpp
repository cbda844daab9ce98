// Sampling designs beyond plain Monte Carlo, and the replicates that give them a standard error.
//
// A design run (Latin Hypercube or randomised quasi-Monte Carlo) is cut into R independent
// replicates: replicate r covers the paths [start(r), start(r+1)) and is a whole design of its own
// (its own strata, or its own scrambling), randomised by (seed, r). The replicates are independent
// and identically distributed estimates, so the spread of their means is an honest standard error
// of the run's mean, whatever the design bought (docs/design.md, "Standard errors").
//
// Every uniform is still a pure function of (seed, stream, path): the path says its replicate and
// its index inside it, so results do not depend on threads or block sizes.
//
//  * Latin Hypercube: in replicate r of m paths, the local path i falls in stratum π_r(i) of a keyed
//    permutation of [0, m) (one per replicate and random cell), jittered within it by the path's
//    Monte Carlo uniform.
//  * Quasi-Monte Carlo: each random cell is a dimension of a Sobol' sequence (Joe and Kuo's
//    direction numbers, as shipped by Boost.Random: 3667 dimensions), numbered by first
//    appearance in the programs' code (the first program's cells first, so a comparison gives the
//    base the dimensions a run of the base alone gives it, and a cell both programs share the
//    same uniforms: common random numbers). Point i of replicate r (natural order, i < 2^32) is
//    scrambled by a nested uniform (Owen-type) scramble of its 32 bits, the hash-based one of
//    Burley (2020, "Practical hash-based Owen scrambling", Laine-Karras permutation on reversed
//    bits), keyed by (seed, r, cell); the bits below 2^-32 are the path's Monte Carlo uniform.
//    Each point is then exactly uniform on (0,1) and the net structure of the replicate is kept.
//    Cells beyond the table's 3667 dimensions are padded with plain Monte Carlo uniforms (still
//    unbiased; the replicate spread still measures the error); the run reports how many.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/evaluator.hpp"

namespace cogsim::engine {

struct Program;

class Design {
 public:
  static constexpr std::uint32_t kMaxSobolDimensions = 3667;

  Design() = default;
  // `align`: every replicate but the last a multiple of this many paths (a run that may stop
  // early stops at a replicate boundary, which must be a chunk boundary); 0: R replicates of
  // sizes differing by at most one path.
  Design(const std::vector<const Program*>& programs, Sampling sampling, std::uint64_t paths,
         std::uint32_t replicates, std::uint64_t align);

  Sampling sampling() const { return sampling_; }
  std::uint32_t replicates() const { return static_cast<std::uint32_t>(starts_.size() - 1); }
  std::uint64_t start(std::uint32_t r) const { return starts_[r]; }
  std::uint64_t size(std::uint32_t r) const { return starts_[r + 1] - starts_[r]; }
  std::uint32_t replicate_of(std::uint64_t path) const;
  std::uint32_t dimensions() const { return static_cast<std::uint32_t>(dims_.size()); }
  std::uint32_t padded_dimensions() const {  // QMC: cells given Monte Carlo uniforms
    return sampling_ == Sampling::QuasiMonteCarlo && dimensions() > kMaxSobolDimensions
               ? dimensions() - kMaxSobolDimensions : 0;
  }

  // The uniforms of one random cell for paths first_path .. first_path + n - 1.
  void fill(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_path, std::size_t n, double* u) const;

  // The Sobol' coordinate (unscrambled, 32 bits) of point i in dimension d: exposed for tests.
  std::uint32_t sobol_point(std::uint64_t i, std::uint32_t d) const;

 private:
  void fill_lhs(std::uint64_t seed, std::uint64_t stream, std::uint32_t r, std::uint64_t first, std::size_t n,
                double* u) const;
  void fill_qmc(std::uint64_t seed, std::uint64_t stream, std::uint32_t dim, std::uint32_t r, std::uint64_t first,
                std::size_t n, double* u) const;
  std::int64_t dim_of(std::uint64_t stream) const;

  Sampling sampling_ = Sampling::MonteCarlo;
  std::vector<std::uint64_t> starts_{0, 0};
  std::vector<std::pair<std::uint64_t, std::uint32_t>> dims_;  // (stream, dimension), by stream
  std::vector<std::uint32_t> direction_;                       // [d * 32 + j]: v_j of dimension d
};

// Burley's hash-based nested uniform scramble of a 32-bit Sobol' coordinate (exposed for tests).
std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t seed);

}  // namespace cogsim::engine
