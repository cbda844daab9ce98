#pragma once
// Counter-based random numbers: every draw is a pure function of (seed, stream, path), so results
// do not depend on block sizes, thread counts or evaluation order.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cogsim::engine {

// splitmix64 finaliser: a cheap bijective 64-bit mixer.
std::uint64_t mix64(std::uint64_t x);

// 64-bit stream identity of a random variable cell, built by hashing its parts.
// FNV-1a 64 over the bytes then mix64, so it is stable across platforms and runs (no std::hash).
std::uint64_t hash_name(std::string_view name);
std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v);  // order-sensitive, well mixed

// Maps 64 random bits to a double strictly inside (0,1): (k + 1/2) / 2^52 for the top 52 bits k,
// i.e. the odd multiples of 2^-53. Symmetric about 1/2 and never 0 or 1, so the inverse CDFs stay finite.
inline double bits_to_open01(std::uint64_t x) {
  return (static_cast<double>(x >> 12) + 0.5) * 0x1p-52;
}

// Philox4x32-10 with key = seed and counter = {path>>1, stream}; words 0,1 feed the even path and
// words 2,3 the odd one. Fills u[0..n) for paths first_path .. first_path+n-1; the value for a path
// does not depend on first_path or n.
void fill_uniforms(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_path, std::size_t n,
                   double* u);
double uniform_at(std::uint64_t seed, std::uint64_t stream, std::uint64_t path);

// Inverse of the standard normal CDF (Wichura AS241 PPND16, ~1e-16 relative).
// p <= 0 gives -inf, p >= 1 gives +inf, NaN gives NaN.
double inverse_normal_cdf(double p);
void inverse_normal_cdf(const double* p, double* z, std::size_t n);  // batch; p == z (in place) is fine
// x[i] = mean + sd * inverse_normal_cdf(u[i]), bit for bit, in one pass; u == x is fine.
void normal_quantiles(const double* u, double* x, std::size_t n, double mean, double sd);
double normal_cdf(double x);                                          // 0.5 * erfc(-x / sqrt 2)

// Keyed pseudo-random permutation of [0, n) (Feistel on the next power of two, cycle walking).
// Used by Latin Hypercube sampling: the stratum of path p is a pure function of (seed, stream, n, p).
// Requires p < n.
std::uint64_t permute_index(std::uint64_t seed, std::uint64_t stream, std::uint64_t n, std::uint64_t p);

}  // namespace cogsim::engine
