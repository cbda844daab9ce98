// exp, log, pow, sin and cos of our own, for the multiversioned kernels (engine/simd.hpp): plain
// IEEE additions, multiplications and divisions and bit manipulation, no libm call, no FMA
// contraction (-ffp-contract=off) — so every clone (AVX-512, AVX2, baseline) and every x86-64 CPU
// gives the same bits. glibc's own functions pick their code by CPU (FMA variants), which would make
// a model that uses them machine-dependent.
//
// Accuracy (tests/detmath_test.cpp measures it against libm): exp and log < 1 ulp (fdlibm's
// e_exp.c and e_log.c as simplified in musl); sin and cos < 1 ulp for |x| < 2^20·π/2 (fdlibm's
// kernels after a three-part Cody–Waite reduction; beyond, the reduction loses accuracy but stays
// deterministic); pow exact for integer exponents up to 2^10 in magnitude on values that stay
// representable (binary powering: < 2·log2|y| ulp), else exp(y·log x), within ~|y·ln x| ulp.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace cogsim::engine::det {

inline constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;

// 2^k for k in [-1022, 1023].
inline double pow2i(int k) { return std::bit_cast<double>(std::uint64_t(0x3ff + k) << 52); }

// log of a positive normal double, < 1 ulp: fdlibm's e_log.c as simplified in musl (argument
// reduced to [sqrt(2)/2, sqrt(2)), then a degree-14 minimax series in s = f/(2+f)). Branch-free, so
// that the batch inverse normal CDF (engine/random.cpp) vectorises with it.
inline double log_normal_positive(double x) {
  constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                   kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                   kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                   kLg7 = 1.479819860511658591e-01;
  const auto ix = std::bit_cast<std::uint64_t>(x);
  std::uint32_t hx = static_cast<std::uint32_t>(ix >> 32) + (0x3ff00000u - 0x3fe6a09eu);
  const std::uint64_t kb = hx >> 20;  // k + 1023, in [1, 2047]
  hx = (hx & 0x000fffffu) + 0x3fe6a09eu;
  const double m = std::bit_cast<double>((std::uint64_t{hx} << 32) | (ix & 0xffffffffull));
  // k as a double without an int -> double conversion (exact, and vectorises on AVX2 too).
  const double dk = std::bit_cast<double>(kb | 0x4330000000000000ull) - (0x1p52 + 1023.0), f = m - 1.0, hfsq = 0.5 * f * f, s = f / (2.0 + f), z = s * s, w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  return s * (hfsq + (t2 + t1)) + dk * kLn2Lo - hfsq + f + dk * kLn2Hi;
}

inline double log(double x) {
  if (std::isnan(x)) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  if (x < std::numeric_limits<double>::min()) return log_normal_positive(x * 0x1p54) - 54 * kLn2Hi - 54 * kLn2Lo;
  return log_normal_positive(x);
}

inline double exp(double x) {
  constexpr double kInvLn2 = 1.44269504088896338700e+00, kOver = 7.09782712893383973096e+02,
                   kUnder = -7.45133219101941108420e+02;
  constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                   P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                   P5 = 4.13813679705723846039e-08;
  if (std::isnan(x)) return x;
  if (x > kOver) return std::numeric_limits<double>::infinity();
  if (x < kUnder) return 0.0;
  const double ax = std::fabs(x);
  if (ax < 0x1p-28) return 1.0 + x;
  int k = 0;
  double hi = x, lo = 0;
  if (ax > 0.5 * 0.6931471805599453) {
    const double fk = std::nearbyint(kInvLn2 * x);  // rounding to nearest even: the mode is never changed
    k = int(fk);
    hi = x - fk * kLn2Hi;  // exact: kLn2Hi has 32 significant bits
    lo = fk * kLn2Lo;
    x = hi - lo;
  }
  const double t = x * x, c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k > 1023) return y * 2.0 * 0x1p1023;
  if (k >= -1021) return y * pow2i(k);
  return y * pow2i(k + 1000) * 0x1p-1000;
}

// x reduced to y0 + y1 in [-π/4, π/4] with x = n·π/2 + y0 + y1; returns n mod 4.
inline int reduce_half_pi(double x, double& y0, double& y1) {
  constexpr double kInvPio2 = 6.36619772367581382433e-01;
  constexpr double kPio2_1 = 1.57079632673412561417e+00, kPio2_2 = 6.07710050630396597660e-11,
                   kPio2_2t = 2.02226624879595063154e-21, kPio2_3 = 2.02226624871116645580e-21,
                   kPio2_3t = 8.47842766036889956997e-32;
  const double fn = std::nearbyint(x * kInvPio2);
  double r = x - fn * kPio2_1, t = r, w = fn * kPio2_2;
  r = t - w;
  w = fn * kPio2_2t - ((t - r) - w);
  t = r;
  w = fn * kPio2_3;
  r = t - w;
  w = fn * kPio2_3t - ((t - r) - w);
  y0 = r - w;
  y1 = (r - y0) - w;
  return int(std::fmod(fn, 4.0) + 4.0) & 3;
}

inline double kernel_sin(double x, double y) {
  constexpr double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
                   S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
                   S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  const double z = x * x, w = z * z, r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6), v = z * x;
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

inline double kernel_cos(double x, double y) {
  constexpr double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
                   C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
                   C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  const double z = x * x, w = z * z;
  const double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const double hz = 0.5 * z, u = 1.0 - hz;
  return u + (((1.0 - u) - hz) + (z * r - x * y));
}

inline double sin(double x) {
  if (!std::isfinite(x)) return x - x;
  if (std::fabs(x) < 0x1p-26) return x;
  double y0, y1;
  switch (reduce_half_pi(x, y0, y1)) {
    case 0: return kernel_sin(y0, y1);
    case 1: return kernel_cos(y0, y1);
    case 2: return -kernel_sin(y0, y1);
    default: return -kernel_cos(y0, y1);
  }
}

inline double cos(double x) {
  if (!std::isfinite(x)) return x - x;
  if (std::fabs(x) < 0x1p-27) return 1.0;
  double y0, y1;
  switch (reduce_half_pi(x, y0, y1)) {
    case 0: return kernel_cos(y0, y1);
    case 1: return -kernel_sin(y0, y1);
    case 2: return -kernel_cos(y0, y1);
    default: return kernel_sin(y0, y1);
  }
}

inline bool is_odd_integer(double y) { return std::fabs(y) < 0x1p53 && std::fmod(y, 2.0) != 0 && y == std::trunc(y); }

inline double pow(double x, double y) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (y == 0 || x == 1) return 1.0;
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  const bool odd = is_odd_integer(y);
  if (x == 0) return y < 0 ? (odd ? std::copysign(kInf, x) : kInf) : (odd ? x : 0.0);
  if (std::isinf(y)) return std::fabs(x) == 1 ? 1.0 : ((std::fabs(x) < 1) == (y > 0) ? 0.0 : kInf);
  if (std::isinf(x)) {
    const double m = y < 0 ? 0.0 : kInf;
    return x < 0 && odd ? -m : m;
  }
  if (x < 0) {
    if (y != std::trunc(y)) return std::numeric_limits<double>::quiet_NaN();
    const double m = pow(-x, y);
    return odd ? -m : m;
  }
  if (y == std::trunc(y) && std::fabs(y) <= 1024) {  // binary powering
    double base = x, acc = 1.0;
    for (auto n = static_cast<std::uint32_t>(std::fabs(y)); n; n >>= 1, base *= base)
      if (n & 1) acc *= base;
    if (std::isfinite(acc) && acc != 0) return y < 0 ? 1.0 / acc : acc;
  }
  return exp(y * log(x));
}

}  // namespace cogsim::engine::det
