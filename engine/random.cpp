#include "engine/random.hpp"

#include "engine/detmath.hpp"

#include "engine/simd.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace cogsim::engine {

std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t hash_name(std::string_view name) {
  std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a 64 offset basis
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ull;  // FNV-1a 64 prime
  }
  return mix64(h);  // FNV alone leaves the high bits weakly mixed for short names
}

std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v) {
  // Boost-style asymmetric combine (order-sensitive), then a full avalanche.
  return mix64(h ^ (mix64(v) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2)));
}

namespace {

inline std::uint32_t lo32(std::uint64_t x) { return static_cast<std::uint32_t>(x); }
inline std::uint32_t hi32(std::uint64_t x) { return static_cast<std::uint32_t>(x >> 32); }
inline std::uint64_t join(std::uint32_t lo, std::uint32_t hi) {
  return static_cast<std::uint64_t>(lo) | (static_cast<std::uint64_t>(hi) << 32);
}

}  // namespace

namespace {

// Random123's Philox4x32 constants (Salmon et al. 2011).
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // round multipliers
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // key schedule (Weyl) increments

// (double)(x >> 12) without an int64 -> double conversion (AVX2 has none, so the loop would not
// vectorise): the 52 bits become the mantissa of 2^52 + k, exact, then 2^52 is taken off, exact.
inline double top52(std::uint64_t x) {
  return std::bit_cast<double>((x >> 12) | 0x4330000000000000ull) - 0x1p52;
}

// Philox4x32-10 over consecutive counters {k0 + j, stream}, j < m, written as the two doubles of
// each counter: u[2j] from words 0,1 and u[2j+1] from words 2,3. Bit-identical to r123::Philox4x32
// in every version below (tested in tests/random_test.cpp).
void philox_pairs_scalar(std::uint64_t seed, std::uint64_t stream, std::uint64_t k0, std::size_t m, double* u) {
  const std::uint32_t key0 = lo32(seed), key1 = hi32(seed);
  const std::uint32_t s0 = lo32(stream), s1 = hi32(stream);
  for (std::size_t j = 0; j < m; ++j) {
    const std::uint64_t k = k0 + j;
    std::uint32_t c0 = lo32(k), c1 = hi32(k), c2 = s0, c3 = s1;
    std::uint32_t a = key0, b = key1;
    for (int r = 0; r < 10; ++r) {
      const std::uint64_t p0 = std::uint64_t{kM0} * c0, p1 = std::uint64_t{kM1} * c2;
      const std::uint32_t n0 = hi32(p1) ^ c1 ^ a, n1 = lo32(p1), n2 = hi32(p0) ^ c3 ^ b, n3 = lo32(p0);
      c0 = n0, c1 = n1, c2 = n2, c3 = n3;
      a += kW0, b += kW1;
    }
    u[2 * j] = (top52(join(c0, c1)) + 0.5) * 0x1p-52;
    u[2 * j + 1] = (top52(join(c2, c3)) + 0.5) * 0x1p-52;
  }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(COGSIM_NO_CLONES)
#define COGSIM_PHILOX_SIMD 1
// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized on their own _mm512_undefined_* temporaries.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// Hand-vectorised versions: each 32-bit Philox word sits in a 64-bit lane, so one vpmuludq gives
// the full 32x32->64 products of 8 (AVX-512) or 4 (AVX2) counters. The multiplier reads only the
// low half of a lane, so the words are masked once, at the end, not every round.

__attribute__((target("avx512f"))) void philox_pairs_avx512(std::uint64_t seed, std::uint64_t stream,
                                                             std::uint64_t k0, std::size_t m, double* u) {
  const __m512i m0 = _mm512_set1_epi64(kM0), m1 = _mm512_set1_epi64(kM1);
  const __m512i lo_mask = _mm512_set1_epi64(0xFFFFFFFFll);
  __m512i ka[10], kb[10];
  for (int r = 0; r < 10; ++r) {
    ka[r] = _mm512_set1_epi64(static_cast<std::uint32_t>(lo32(seed) + r * kW0));
    kb[r] = _mm512_set1_epi64(static_cast<std::uint32_t>(hi32(seed) + r * kW1));
  }
  const __m512i s0 = _mm512_set1_epi64(lo32(stream)), s1 = _mm512_set1_epi64(hi32(stream));
  const __m512i magic = _mm512_set1_epi64(0x4330000000000000ll);
  const __m512d two52 = _mm512_set1_pd(0x1p52), half = _mm512_set1_pd(0.5), scale = _mm512_set1_pd(0x1p-52);
  const __m512i even = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), odd = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
  __m512i k = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(k0)), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
  const __m512i eight = _mm512_set1_epi64(8);
  std::size_t j = 0;
  for (; j + 8 <= m; j += 8, k = _mm512_add_epi64(k, eight)) {
    __m512i c0 = _mm512_and_si512(k, lo_mask), c1 = _mm512_srli_epi64(k, 32), c2 = s0, c3 = s1;
    for (int r = 0; r < 10; ++r) {
      const __m512i p0 = _mm512_mul_epu32(c0, m0), p1 = _mm512_mul_epu32(c2, m1);
      c0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1, ka[r], 0x96);  // a ^ b ^ c
      c1 = p1;
      c2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3, kb[r], 0x96);
      c3 = p0;
    }
    __m512d a, b;  // paths 2k and 2k+1: (bits >> 12 as a double + 1/2) / 2^52, as top52 does
    {
      const __m512i bits = _mm512_or_si512(_mm512_and_si512(c0, lo_mask), _mm512_slli_epi64(c1, 32));
      const __m512d d = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(bits, 12), magic)), two52);
      a = _mm512_mul_pd(_mm512_add_pd(d, half), scale);
    }
    {
      const __m512i bits = _mm512_or_si512(_mm512_and_si512(c2, lo_mask), _mm512_slli_epi64(c3, 32));
      const __m512d d = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(bits, 12), magic)), two52);
      b = _mm512_mul_pd(_mm512_add_pd(d, half), scale);
    }
    _mm512_storeu_pd(u + 2 * j, _mm512_permutex2var_pd(a, even, b));
    _mm512_storeu_pd(u + 2 * j + 8, _mm512_permutex2var_pd(a, odd, b));
  }
  philox_pairs_scalar(seed, stream, k0 + j, m - j, u + 2 * j);
}

__attribute__((target("avx2"))) void philox_pairs_avx2(std::uint64_t seed, std::uint64_t stream,
                                                        std::uint64_t k0, std::size_t m, double* u) {
  const __m256i m0 = _mm256_set1_epi64x(kM0), m1 = _mm256_set1_epi64x(kM1);
  const __m256i lo_mask = _mm256_set1_epi64x(0xFFFFFFFFll);
  __m256i ka[10], kb[10];
  for (int r = 0; r < 10; ++r) {
    ka[r] = _mm256_set1_epi64x(static_cast<std::uint32_t>(lo32(seed) + r * kW0));
    kb[r] = _mm256_set1_epi64x(static_cast<std::uint32_t>(hi32(seed) + r * kW1));
  }
  const __m256i s0 = _mm256_set1_epi64x(lo32(stream)), s1 = _mm256_set1_epi64x(hi32(stream));
  const __m256i magic = _mm256_set1_epi64x(0x4330000000000000ll);
  const __m256d two52 = _mm256_set1_pd(0x1p52), half = _mm256_set1_pd(0.5), scale = _mm256_set1_pd(0x1p-52);
  __m256i k = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(k0)), _mm256_set_epi64x(3, 2, 1, 0));
  const __m256i four = _mm256_set1_epi64x(4);
  std::size_t j = 0;
  for (; j + 4 <= m; j += 4, k = _mm256_add_epi64(k, four)) {
    __m256i c0 = _mm256_and_si256(k, lo_mask), c1 = _mm256_srli_epi64(k, 32), c2 = s0, c3 = s1;
    for (int r = 0; r < 10; ++r) {
      const __m256i p0 = _mm256_mul_epu32(c0, m0), p1 = _mm256_mul_epu32(c2, m1);
      c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), ka[r]);
      c1 = p1;
      c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), kb[r]);
      c3 = p0;
    }
    __m256d a, b;
    {
      const __m256i bits = _mm256_or_si256(_mm256_and_si256(c0, lo_mask), _mm256_slli_epi64(c1, 32));
      const __m256d d = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 12), magic)), two52);
      a = _mm256_mul_pd(_mm256_add_pd(d, half), scale);
    }
    {
      const __m256i bits = _mm256_or_si256(_mm256_and_si256(c2, lo_mask), _mm256_slli_epi64(c3, 32));
      const __m256d d = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 12), magic)), two52);
      b = _mm256_mul_pd(_mm256_add_pd(d, half), scale);
    }
    const __m256d lo = _mm256_unpacklo_pd(a, b), hi = _mm256_unpackhi_pd(a, b);  // a0 b0 a2 b2 | a1 b1 a3 b3
    _mm256_storeu_pd(u + 2 * j, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd(u + 2 * j + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
  }
  philox_pairs_scalar(seed, stream, k0 + j, m - j, u + 2 * j);
}
#pragma GCC diagnostic pop
#endif

using PhiloxKernel = void (*)(std::uint64_t, std::uint64_t, std::uint64_t, std::size_t, double*);

PhiloxKernel pick_philox() {
#ifdef COGSIM_PHILOX_SIMD
  if (const char* force = std::getenv("COGSIM_PHILOX")) {  // tests compare every version
    const std::string_view f(force);
    if (f == "scalar") return philox_pairs_scalar;
    if (f == "avx2" && __builtin_cpu_supports("avx2")) return philox_pairs_avx2;
  }
  if (__builtin_cpu_supports("avx512f")) return philox_pairs_avx512;
  if (__builtin_cpu_supports("avx2")) return philox_pairs_avx2;
#endif
  return philox_pairs_scalar;
}

void philox_pairs(std::uint64_t seed, std::uint64_t stream, std::uint64_t k0, std::size_t m, double* u) {
  static const PhiloxKernel kernel = pick_philox();
  kernel(seed, stream, k0, m, u);
}

}  // namespace

void fill_uniforms(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_path, std::size_t n,
                   double* u) {
  if (n == 0) return;
  std::uint64_t path = first_path;
  std::size_t i = 0;
  double edge[2];  // one counter gives the uniforms of paths 2k and 2k+1
  if (path & 1) {  // odd start: only the odd half of the first counter is ours
    philox_pairs_scalar(seed, stream, path >> 1, 1, edge);
    u[i++] = edge[1];
    ++path;
  }
  const std::size_t pairs = (n - i) / 2;
  philox_pairs(seed, stream, path >> 1, pairs, u + i);
  i += 2 * pairs;
  path += 2 * pairs;
  if (i < n) {  // odd end: only the even half of the last counter
    philox_pairs_scalar(seed, stream, path >> 1, 1, edge);
    u[i] = edge[0];
  }
}

double uniform_at(std::uint64_t seed, std::uint64_t stream, std::uint64_t path) {
  double u;
  fill_uniforms(seed, stream, path, 1, &u);
  return u;
}

namespace {

// Wichura (1988), Algorithm AS 241 PPND16; coefficients lowest degree first.
constexpr double kA[8] = {3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                          1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                          3.3430575583588128105e+4, 2.5090809287301226727e+3};
constexpr double kB[8] = {1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
                          5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
                          2.8729085735721942674e+4, 5.2264952788528545610e+3};
constexpr double kC[8] = {1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                          3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                          2.27238449892691845833e-2, 7.74545014278341407640e-4};
constexpr double kD[8] = {1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
                          6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                          5.47593808499534494600e-4, 1.05075007164441684324e-9};
constexpr double kE[8] = {6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
                          2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                          2.71155556874348757815e-5, 2.01033439929228813265e-7};
constexpr double kF[8] = {1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
                          1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
                          1.42151175831644588870e-7, 2.04426310338993978564e-15};

inline double poly7(const double (&c)[8], double x) {
  return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x + c[1]) * x + c[0];
}

inline double central(double q) {  // |q| <= 0.425
  const double r = 0.180625 - q * q;
  return q * poly7(kA, r) / poly7(kB, r);
}

// Natural logarithm of a positive normal double: ours (engine/detmath.hpp) rather than libm's,
// because it must vectorise (the tail pass below) and must not change with the CPU.
inline double log_positive(double x) { return det::log_normal_positive(x); }

// The tail formula for r = min(p, 1-p) in (kNearCut, 0.075]:
// the common tail case, in a form the tail pass of the batch version vectorises.
inline double tail_near(double r) {
  const double t = std::sqrt(-log_positive(r)) - 1.6;
  return poly7(kC, t) / poly7(kD, t);
}

// Above this r the tail formula's sqrt(-ln r) is below 5 (AS241's switch to its far-tail branch).
constexpr double kNearCut = 1.3887943864964021e-11;  // exp(-25)

double tail(double p, double q) {  // |q| > 0.425, or p outside [0,1], or NaN
  double r = q < 0 ? p : 1.0 - p;  // 1 - p is exact for p >= 1/2
  if (!(r > 0)) {
    if (std::isnan(r)) return r;
    return q < 0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  double z;
  if (r > kNearCut) {
    z = tail_near(r);
  } else {  // a subnormal r is beyond any uniform the generator makes; libm's log copes with it
    const double t = std::sqrt(-(r < DBL_MIN ? std::log(r) : log_positive(r))) - 5.0;
    z = poly7(kE, t) / poly7(kF, t);
  }
  return q < 0 ? -z : z;
}

inline bool is_central(double q) { return std::fabs(q) <= 0.425; }

// The indices i < m of the entries of p outside the central region (|p - 1/2| > 0.425, or NaN),
// in order; returns their number. idx needs room for m + 16 entries.
std::size_t tail_indices_scalar(const double* p, std::size_t m, std::uint32_t* idx) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < m; ++i) {
    idx[k] = static_cast<std::uint32_t>(i);
    k += !is_central(p[i] - 0.5);
  }
  return k;
}

#ifdef COGSIM_PHILOX_SIMD
// AVX-512: 16 entries per step, the tail ones' indices packed by vpcompressd (into a register,
// then stored whole: the memory form is slow on some CPUs). Same test as is_central, so the same
// indices.
__attribute__((target("avx512f,popcnt"))) std::size_t tail_indices_avx512(const double* p, std::size_t m,
                                                                           std::uint32_t* idx) {
  const __m512d half = _mm512_set1_pd(0.5), cut = _mm512_set1_pd(0.425);
  const __m512i abs_mask = _mm512_set1_epi64(0x7FFFFFFFFFFFFFFFll), sixteen = _mm512_set1_epi32(16);
  __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  std::size_t k = 0, i = 0;
  for (; i + 16 <= m; i += 16, iota = _mm512_add_epi32(iota, sixteen)) {
    const __m512d a0 = _mm512_castsi512_pd(
        _mm512_and_si512(_mm512_castpd_si512(_mm512_sub_pd(_mm512_loadu_pd(p + i), half)), abs_mask));
    const __m512d a1 = _mm512_castsi512_pd(
        _mm512_and_si512(_mm512_castpd_si512(_mm512_sub_pd(_mm512_loadu_pd(p + i + 8), half)), abs_mask));
    const unsigned tails = _mm512_cmp_pd_mask(a0, cut, _CMP_NLE_UQ) |
                           (static_cast<unsigned>(_mm512_cmp_pd_mask(a1, cut, _CMP_NLE_UQ)) << 8);
    _mm512_storeu_si512(idx + k, _mm512_maskz_compress_epi32(static_cast<__mmask16>(tails), iota));
    k += static_cast<std::size_t>(__builtin_popcount(tails));
  }
  for (; i < m; ++i) {
    idx[k] = static_cast<std::uint32_t>(i);
    k += !is_central(p[i] - 0.5);
  }
  return k;
}
#endif

using TailIndices = std::size_t (*)(const double*, std::size_t, std::uint32_t*);

std::size_t tail_indices(const double* p, std::size_t m, std::uint32_t* idx) {
  static const TailIndices pick = [] {
#ifdef COGSIM_PHILOX_SIMD
    if (__builtin_cpu_supports("avx512f")) return TailIndices{tail_indices_avx512};
#endif
    return TailIndices{tail_indices_scalar};
  }();
  return pick(p, m, idx);
}

// Batch kernel, per chunk of 256, writing mean + sd * Φ⁻¹(p) when kAffine (the same two roundings
// as a separate pass would make, so the same bits), else Φ⁻¹(p). p and z may alias:
//  1. the indices of the ~15% of entries in the tails, compacted (vpcompressd where the CPU has
//     AVX-512), and their p saved;
//  2. the central formula over every entry (branch-free, vectorises), written to z;
//  3. for the tail entries, r = min(p, 1-p), sqrt(-ln r) and the tail rational function,
//     vectorised, then scattered into z;
//  4. a scalar fix-up of the rare entries the tail formula does not cover (p < 1.4e-11 or > 1 -
//     1.4e-11, p outside (0,1), NaN), through the scalar `tail`, which gives the same bits.
template <bool kAffine>
[[gnu::always_inline]] inline void normal_batch(const double* p, double* z, std::size_t n, double mean, double sd) {
  constexpr std::size_t kChunk = 256;
  double ptail[kChunk], r[kChunk], t[kChunk];
  std::uint32_t idx[kChunk + 16];
  auto affine = [&](double x) { return kAffine ? mean + sd * x : x; };
  for (std::size_t base = 0; base < n; base += kChunk) {
    const std::size_t m = std::min(kChunk, n - base);
    const double* pb = p + base;
    double* zb = z + base;
    const std::size_t k = tail_indices(pb, m, idx);
    std::size_t rare = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const double pj = pb[idx[j]];
      const double rj = std::min(pj, 1.0 - pj);  // = (p < 1/2 ? p : 1 - p), branch-free
      ptail[j] = pj;
      rare += !(rj > kNearCut);
      r[j] = rj > kNearCut ? rj : 0.5;  // a harmless stand-in; fixed up below
    }
    // In place (p == z) entry i is read before it is written, so the loop may be vectorised; the
    // compiler cannot know the arrays are either equal or apart, and would fall back to scalar.
#pragma GCC ivdep
    for (std::size_t i = 0; i < m; ++i) zb[i] = affine(central(pb[i] - 0.5));
    for (std::size_t j = 0; j < k; ++j) t[j] = tail_near(r[j]);
    for (std::size_t j = 0; j < k; ++j) zb[idx[j]] = affine(std::copysign(t[j], ptail[j] - 0.5));
    if (rare != 0)
      for (std::size_t j = 0; j < k; ++j) {
        const double pj = ptail[j];
        if (!(std::min(pj, 1.0 - pj) > kNearCut)) zb[idx[j]] = affine(tail(pj, pj - 0.5));
      }
  }
}

COGSIM_CLONES
void inverse_normal_batch(const double* p, double* z, std::size_t n) { normal_batch<false>(p, z, n, 0, 1); }

COGSIM_CLONES
void normal_affine_batch(const double* u, double* x, std::size_t n, double mean, double sd) {
  normal_batch<true>(u, x, n, mean, sd);
}

}  // namespace

double inverse_normal_cdf(double p) {
  const double q = p - 0.5;
  return is_central(q) ? central(q) : tail(p, q);
}

void inverse_normal_cdf(const double* p, double* z, std::size_t n) { inverse_normal_batch(p, z, n); }

void normal_quantiles(const double* u, double* x, std::size_t n, double mean, double sd) {
  normal_affine_batch(u, x, n, mean, sd);
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x * 0.70710678118654752440); }

std::uint64_t permute_index(std::uint64_t seed, std::uint64_t stream, std::uint64_t n, std::uint64_t p) {
  if (p >= n) return p;  // outside the contract; avoid walking forever
  if (n == 1) return 0;
  // Unbalanced Feistel on bits = ceil(log2 n): each round maps (L: hi bits, R: lo bits) to
  // (R, L ^ F(R)), a bijection on [0, 2^bits) for any split. The domain is < 2n, so cycle walking
  // needs fewer than two rounds of the network on average.
  const int bits = std::bit_width(n - 1);
  const int lo = bits / 2, hi = bits - lo;  // both <= 32, so shifts stay in range
  const std::uint64_t mask_lo = (std::uint64_t{1} << lo) - 1, mask_hi = (std::uint64_t{1} << hi) - 1;
  const std::uint64_t key = hash_combine(hash_combine(mix64(seed), stream), n);
  std::uint64_t x = p;
  do {
    for (std::uint64_t round = 0; round < 6; ++round) {
      const std::uint64_t l = x >> lo, r = x & mask_lo;
      const std::uint64_t f = mix64((key + round * 0x9E3779B97F4A7C15ull) ^ r);
      x = (r << hi) | ((l ^ f) & mask_hi);
    }
  } while (x >= n);
  return x;
}

}  // namespace cogsim::engine
