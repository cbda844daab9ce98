#include "engine/design.hpp"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

#include "engine/ir.hpp"
#include "engine/random.hpp"

namespace cogsim::engine {

namespace {

std::uint32_t reverse_bits(std::uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
  x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
  return (x >> 16) | (x << 16);
}

// Replicate r's key: (seed, r) mixed, so two replicates (and two seeds) are unrelated designs.
std::uint64_t replicate_key(std::uint64_t seed, std::uint32_t r) { return hash_combine(seed, 0xDE5167ull + r); }

}  // namespace

std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t seed) {
  // Laine-Karras permutation on the reversed bits: bit k of the result depends on bits >= k of x
  // (its more significant digits) only, so it permutes the digits in a nested way; adding the
  // seed first makes the result uniform over the seeds for any x.
  x = reverse_bits(x);
  x += seed;
  x ^= x * 0x6c50b47cu;
  x ^= x * 0xb82f1e52u;
  x ^= x * 0xc7afe638u;
  x ^= x * 0x8d22f6e6u;
  return reverse_bits(x);
}

Design::Design(const std::vector<const Program*>& programs, Sampling sampling, std::uint64_t paths,
               std::uint32_t replicates, std::uint64_t align)
    : sampling_(sampling) {
  if (sampling == Sampling::MonteCarlo) replicates = 1;
  if (replicates < 1) throw std::invalid_argument("a design needs at least one replicate");
  replicates = static_cast<std::uint32_t>(std::min<std::uint64_t>(replicates, std::max<std::uint64_t>(paths, 1)));
  starts_.assign(1, 0);
  if (align > 0) {
    std::uint64_t m = (paths + replicates - 1) / replicates;
    m = (m + align - 1) / align * align;
    for (std::uint64_t s = m; s < paths; s += m) starts_.push_back(s);
  } else {
    for (std::uint32_t r = 1; r < replicates; ++r) starts_.push_back(paths * r / replicates);
  }
  starts_.push_back(paths);
  if (sampling != Sampling::QuasiMonteCarlo) return;
  for (std::uint32_t r = 0; r + 1 < starts_.size(); ++r)
    if (size(r) > (std::uint64_t{1} << 32))
      throw std::invalid_argument("quasi-Monte Carlo: a replicate of more than 2^32 paths (" +
                                  std::to_string(size(r)) + "); use more replicates");
  // Dimensions by first appearance in the code, the first program first.
  std::vector<std::uint64_t> order;
  auto note = [&](std::uint64_t s) {
    if (std::find(order.begin(), order.end(), s) == order.end()) order.push_back(s);
  };
  for (const Program* p : programs)
    for (const Instr& in : p->code) {
      if (in.op == Op::Draw && !in.external_u) note(in.stream);
      if (in.op == Op::CorrUniform)
        for (std::uint32_t k = 0; k < in.params_count; ++k) note(p->streams[in.streams_begin + k]);
    }
  for (std::uint32_t d = 0; d < order.size(); ++d) dims_.push_back({order[d], d});
  std::sort(dims_.begin(), dims_.end());
  const std::size_t sobol_dims = std::clamp<std::size_t>(order.size(), 1, kMaxSobolDimensions);
  boost::random::qrng_detail::sobol_lattice<std::uint32_t, 32, boost::random::default_sobol_table> lattice(sobol_dims);
  direction_.resize(sobol_dims * 32);
  for (std::size_t d = 0; d < sobol_dims; ++d)
    for (std::size_t j = 0; j < 32; ++j) direction_[d * 32 + j] = *lattice.iter_at(sobol_dims * j + d);
}

std::uint32_t Design::replicate_of(std::uint64_t path) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), path);
  return static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(it - starts_.begin() - 1, starts_.size() - 2));
}

std::int64_t Design::dim_of(std::uint64_t stream) const {
  auto it = std::lower_bound(dims_.begin(), dims_.end(), std::pair<std::uint64_t, std::uint32_t>{stream, 0});
  return it != dims_.end() && it->first == stream ? it->second : -1;
}

std::uint32_t Design::sobol_point(std::uint64_t i, std::uint32_t d) const {
  std::uint32_t x = 0;
  for (std::uint32_t j = 0; i != 0; ++j, i >>= 1)
    if (i & 1) x ^= direction_[std::size_t(d) * 32 + j];
  return x;
}

void Design::fill(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_path, std::size_t n,
                  double* u) const {
  fill_uniforms(seed, stream, first_path, n, u);  // the jitter (or the padding) of every design
  if (sampling_ == Sampling::MonteCarlo) return;
  std::int64_t dim = 0;
  if (sampling_ == Sampling::QuasiMonteCarlo) {
    dim = dim_of(stream);
    if (dim < 0 || dim >= std::int64_t{kMaxSobolDimensions}) return;  // padded with Monte Carlo uniforms
  }
  for (std::size_t k = 0; k < n;) {
    const std::uint64_t p = first_path + k;
    const std::uint32_t r = replicate_of(p);
    const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(n - k, starts_[r + 1] - p));
    if (sampling_ == Sampling::LatinHypercube) fill_lhs(seed, stream, r, p - starts_[r], len, u + k);
    else fill_qmc(seed, stream, static_cast<std::uint32_t>(dim), r, p - starts_[r], len, u + k);
    k += len;
  }
}

void Design::fill_lhs(std::uint64_t seed, std::uint64_t stream, std::uint32_t r, std::uint64_t first, std::size_t n,
                      double* u) const {
  const std::uint64_t m = size(r);
  const double inv = 1.0 / double(m);
  const std::uint64_t key = replicate_key(seed, r);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = permute_index(key, stream ^ 0x9E3779B97F4A7C15ull, m, first + i);
    u[i] = (double(k) + u[i]) * inv;
  }
}

void Design::fill_qmc(std::uint64_t seed, std::uint64_t stream, std::uint32_t dim, std::uint32_t r,
                      std::uint64_t first, std::size_t n, double* u) const {
  const std::uint32_t key = static_cast<std::uint32_t>(mix64(hash_combine(replicate_key(seed, r), stream)) >> 32);
  const std::uint32_t* v = direction_.data() + std::size_t(dim) * 32;
  std::uint32_t x = sobol_point(first, dim);
  const double lo = 0x1p-53, hi = 1 - 0x1p-53;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) {
      // From point i-1 to point i the bits 0..ctz(i) of the index flip.
      const std::uint64_t idx = first + i;
      const int c = std::countr_zero(idx);
      for (int j = 0; j <= c; ++j) x ^= v[j];
    }
    const double y = double(owen_scramble(x, key));
    u[i] = std::clamp((y + u[i]) * 0x1p-32, lo, hi);
  }
}

}  // namespace cogsim::engine
