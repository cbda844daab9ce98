#include "engine/quantiles.hpp"

#include "engine/simd.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace cogsim::engine {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

std::uint64_t rank_of(double q, std::uint64_t n) {  // as QuantileSketch::quantile
  const double rank = std::ceil(q * static_cast<double>(n));
  return rank < 1 ? 1 : std::min(n, static_cast<std::uint64_t>(rank));
}
}  // namespace

QuantileWindows::QuantileWindows(std::vector<Window> windows) {
  double w0 = kInf, origin = kInf;
  for (std::size_t j = 0; j < windows.size(); ++j) {
    const Window& w = windows[j];
    if (!(w.width >= 0) || w.bins == 0 || !std::isfinite(w.lo) || !std::isfinite(w.hi()))
      throw std::invalid_argument("QuantileWindows: a window must be finite with at least one bin");
    if (j > 0 && !(w.lo > windows[j - 1].hi()))
      throw std::invalid_argument("QuantileWindows: windows must be sorted and disjoint");
    if (w.width > 0) w0 = std::min(w0, w.width), origin = std::min(origin, w.lo);
  }
  if (std::isfinite(w0)) origin_ = origin, inv_step_ = 1 / w0;
  constexpr double kGrid = 1 << 30;
  std::int64_t end = 0;  // grid steps already covered
  std::size_t off = 0;
  for (Window w : windows) {
    if (w.width > 0) {
      w.shift = std::max(0, std::ilogb(w.width * inv_step_));
      const double first = std::floor((w.lo - origin_) * inv_step_), last = std::ceil((w.hi() - origin_) * inv_step_);
      if (!(last < kGrid)) continue;
      const std::int64_t a = std::max(end, static_cast<std::int64_t>(first));
      const std::int64_t n = (static_cast<std::int64_t>(last) - a + (std::int64_t{1} << w.shift)) >> w.shift;
      w.a = static_cast<std::int32_t>(a);
      w.bins = static_cast<std::uint32_t>(std::max<std::int64_t>(1, n));
      w.width = std::ldexp(w0, w.shift);
      w.lo = origin_ + static_cast<double>(a) * w0;
      end = a + (std::int64_t{w.bins} << w.shift);
    } else {
      w.bins = 1;
    }
    w.offset = off;
    off += w.bins;
    windows_.push_back(w);
  }
  below_.assign(windows_.size(), 0);
  at_lo_.assign(windows_.size(), 0);
  bins_ = off;
}

void QuantileWindows::settle() {
  if (settled_.empty()) settled_.assign(bins_, 0);
  for (std::size_t j = 0; j < fresh_.size(); ++j) settled_[j] += fresh_[j];
  std::fill(fresh_.begin(), fresh_.end(), 0);
  fresh_n_ = 0;
}

namespace {

// What a piece of values does to the windows: per window, the values below it and those equal to its
// lower edge are counted into below[] and at_lo[]; the bin of each value a window claims is written
// to out[] (windows are disjoint, so at most one claims a value). Returns the number written.
struct Claim {
  const QuantileWindows::Window* w;
  std::size_t windows;
  double origin, inv_step;
  std::uint64_t *below, *at_lo;
  bool lanes = false;  // every window has bins, at most 16 of them: claim_avx512_lanes may count
};

// The grid step of x: one subtraction and one product, clamped to [-1, 2^30], floored.
inline std::int32_t grid_step(const Claim& c, double x) {
  const double t = std::clamp((x - c.origin) * c.inv_step, -1.0, 1073741824.0);
  return static_cast<std::int32_t>(t + 1) - 1;  // floor, t >= -1
}

// Per window an integer range test over the piece's grid steps (vectorises 8 or 16 wide), then a
// branch-free compaction of the claimed values.
COGSIM_CLONES
std::size_t claim_scalar(const Claim& c, const double* xb, std::size_t m, std::int32_t* out) {
  constexpr std::size_t kPiece = 256;
  std::int32_t step[kPiece], idx[kPiece];
  for (std::size_t i = 0; i < m; ++i) step[i] = grid_step(c, xb[i]), idx[i] = -1;
  for (std::size_t j = 0; j < c.windows; ++j) {
    const QuantileWindows::Window& w = c.w[j];
    std::int32_t below = 0, at = 0;
    const auto off = static_cast<std::int32_t>(w.offset);
    const double lo = w.lo;
    if (w.width == 0) {
      for (std::size_t i = 0; i < m; ++i) {
        below += xb[i] < lo;
        idx[i] = xb[i] == lo ? off : idx[i];
      }
    } else {
      const std::int32_t a = w.a, sh = w.shift;
      const std::uint32_t span = w.bins << w.shift;
      for (std::size_t i = 0; i < m; ++i) {
        const std::int32_t rel = step[i] - a;
        below += rel < 0;
        at += xb[i] == lo;
        idx[i] = static_cast<std::uint32_t>(rel) < span ? off + (rel >> sh) : idx[i];
      }
    }
    c.at_lo[j] += static_cast<std::uint64_t>(at);
    c.below[j] += static_cast<std::uint64_t>(below);
  }
  std::size_t n = 0;
  for (std::size_t i = 0; i < m; ++i) {
    out[n] = idx[i];
    n += idx[i] >= 0;
  }
  return n;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(COGSIM_NO_CLONES)
#define COGSIM_WINDOWS_AVX512 1
#if !defined(__clang__)  // GCC 12's AVX-512 headers trip it on their own _mm512_undefined_* temporaries
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// The 16 values of xb at i (fewer at the end: `valid` marks them, the others load as 0) and their
// grid steps, grid_step() 8 lanes at a time (max/min are std::clamp for a finite t).
struct Group16 {
  __mmask16 valid;
  __m512d x0, x1;
  __m512i step;
};
__attribute__((target("avx512f,popcnt"), always_inline)) inline Group16 load_group(const Claim& c, const double* xb,
                                                                                   std::size_t i, std::size_t m) {
  const __m512d org = _mm512_set1_pd(c.origin), inv = _mm512_set1_pd(c.inv_step);
  const __m512d floor_t = _mm512_set1_pd(-1.0), ceil_t = _mm512_set1_pd(1073741824.0), one = _mm512_set1_pd(1.0);
  const std::size_t left = std::min<std::size_t>(16, m - i);
  Group16 g;
  g.valid = static_cast<__mmask16>(left == 16 ? 0xFFFF : (1u << left) - 1);
  const auto v0 = static_cast<__mmask8>(g.valid & 0xFF), v1 = static_cast<__mmask8>(g.valid >> 8);
  g.x0 = _mm512_maskz_loadu_pd(v0, xb + i), g.x1 = _mm512_maskz_loadu_pd(v1, xb + i + 8);
  const __m512d t0 = _mm512_min_pd(_mm512_max_pd(_mm512_mul_pd(_mm512_sub_pd(g.x0, org), inv), floor_t), ceil_t);
  const __m512d t1 = _mm512_min_pd(_mm512_max_pd(_mm512_mul_pd(_mm512_sub_pd(g.x1, org), inv), floor_t), ceil_t);
  g.step = _mm512_sub_epi32(_mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvttpd_epi32(_mm512_add_pd(t0, one))),
                                               _mm512_cvttpd_epi32(_mm512_add_pd(t1, one)), 1),
                            _mm512_set1_epi32(1));
  return g;
}

// AVX-512: 16 values at a time, all windows tested while they sit in registers, and the claimed
// bins packed by vpcompressd (the scalar loop above spends most of its time on that compaction).
// The same tests as claim_scalar, in the same arithmetic, so the same counts.
// A piece whose length is not a multiple of 16 ends in a masked step (the lanes past the end load
// zeros and count nowhere): the sketch gives its windows only some values, so every call has a tail.
__attribute__((target("avx512f,popcnt"))) std::size_t claim_avx512(const Claim& c, const double* xb, std::size_t m,
                                                                  std::int32_t* out) {
  const __m512i ones = _mm512_set1_epi32(1), none = _mm512_set1_epi32(-1), zero = _mm512_setzero_si512();
  const __m512i two = _mm512_set1_epi32(2);
  constexpr std::size_t kMaxWindows = 64;  // per piece, counts of values below each window (lanes)
  if (c.windows > kMaxWindows) return claim_scalar(c, xb, m, out);
  __m512i below[kMaxWindows];
  for (std::size_t j = 0; j < c.windows; ++j) below[j] = zero;
  std::size_t n = 0;
  for (std::size_t i = 0; i < m; i += 16) {
    const auto [valid, x0, x1, step] = load_group(c, xb, i, m);
    __m512i idx = none;
    __mmask16 claimed = 0;
    for (std::size_t j = 0; j < c.windows; ++j) {
      const QuantileWindows::Window& w = c.w[j];
      const __m512d lo = _mm512_set1_pd(w.lo);
      const __m512i off = _mm512_set1_epi32(static_cast<std::int32_t>(w.offset));
      if (w.width == 0) {
        const auto eq = static_cast<__mmask16>((_mm512_cmp_pd_mask(x0, lo, _CMP_EQ_OQ) |
                                                (unsigned(_mm512_cmp_pd_mask(x1, lo, _CMP_EQ_OQ)) << 8)) & valid);
        const unsigned lt =
            (_mm512_cmp_pd_mask(x0, lo, _CMP_LT_OQ) | (unsigned(_mm512_cmp_pd_mask(x1, lo, _CMP_LT_OQ)) << 8)) & valid;
        c.below[j] += static_cast<std::uint64_t>(__builtin_popcount(lt));
        idx = _mm512_mask_mov_epi32(idx, eq, off);
        claimed |= eq;
        continue;
      }
      const __m512i rel = _mm512_sub_epi32(step, _mm512_set1_epi32(w.a));
      below[j] = _mm512_mask_add_epi32(below[j], _mm512_mask_cmplt_epi32_mask(valid, rel, zero), below[j], ones);
      // x == lo puts x on grid step a - 1 or a (the step's rounding is far below one step), so the
      // two floating-point tests run only when a lane is there: about one value in a window's bins.
      if (_mm512_mask_cmplt_epu32_mask(valid, _mm512_add_epi32(rel, ones), two)) {
        const unsigned eq =
            (_mm512_cmp_pd_mask(x0, lo, _CMP_EQ_OQ) | (unsigned(_mm512_cmp_pd_mask(x1, lo, _CMP_EQ_OQ)) << 8)) & valid;
        c.at_lo[j] += static_cast<std::uint64_t>(__builtin_popcount(eq));
      }
      const __mmask16 in = _mm512_mask_cmplt_epu32_mask(
          valid, rel, _mm512_set1_epi32(static_cast<std::int32_t>(w.bins << w.shift)));
      idx = _mm512_mask_mov_epi32(idx, in, _mm512_add_epi32(off, _mm512_sra_epi32(rel, _mm_cvtsi32_si128(w.shift))));
      claimed |= in;
    }
    // Compress in a register, then a plain store (a compressing store to memory is slow on Intel);
    // `out` has room for 16 past any count (QuantileWindows::add).
    _mm512_storeu_si512(out + n, _mm512_maskz_compress_epi32(claimed, idx));
    n += static_cast<std::size_t>(__builtin_popcount(claimed));
  }
  for (std::size_t j = 0; j < c.windows; ++j)
    c.below[j] += static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm512_reduce_add_epi32(below[j])));
  return n;
}

// The same counts when every window has bins (no point window) and there are at most 16: the grid
// windows are sorted and disjoint on the grid (the constructor starts each at or after the last
// one's end), so a value's window is the last whose first step a_j is at or below its step, p - 1
// for p = #{j : a_j <= step}, and the value is below exactly the windows j >= p. Each lane then
// reads its window's start, end, first bin and shift from tables held in registers (vpermd), instead
// of being tested against every window: two operations per window and lane instead of about nine.
// A value equal to lo_j sits on step a_j (then p = j + 1, rel = 0) or a_j - 1 (then p = j and
// step + 1 = a_p); only such a lane is tested against that lower edge.
__attribute__((target("avx512f,popcnt"))) std::size_t claim_avx512_lanes(const Claim& c, const double* xb,
                                                                        std::size_t m, std::int32_t* out) {
  const __m512i ones = _mm512_set1_epi32(1), zero = _mm512_setzero_si512();
  alignas(64) std::int32_t ta[16], te[16], toff[16], tsh[16];
  for (std::size_t j = 0; j < 16; ++j) {
    const bool real = j < c.windows;
    const QuantileWindows::Window* w = real ? &c.w[j] : nullptr;
    ta[j] = real ? w->a : INT32_MAX;  // never at or below a step (steps are at most 2^30)
    te[j] = real ? static_cast<std::int32_t>(static_cast<std::uint32_t>(w->a) + (w->bins << w->shift)) : 0;
    toff[j] = real ? static_cast<std::int32_t>(w->offset) : 0;
    tsh[j] = real ? w->shift : 0;
  }
  const __m512i A = _mm512_load_si512(ta), E = _mm512_load_si512(te), OFF = _mm512_load_si512(toff),
                SH = _mm512_load_si512(tsh);
  const __m512i nwin = _mm512_set1_epi32(static_cast<std::int32_t>(c.windows));
  constexpr std::size_t kMaxWindows = 16;
  __m512i below[kMaxWindows];
  __m512i a_of[kMaxWindows];
  for (std::size_t j = 0; j < c.windows; ++j) below[j] = zero, a_of[j] = _mm512_set1_epi32(ta[j]);
  std::size_t n = 0;
  for (std::size_t i = 0; i < m; i += 16) {
    const auto [valid, x0, x1, step] = load_group(c, xb, i, m);
    __m512i p = zero;
    for (std::size_t j = 0; j < c.windows; ++j) {
      const __mmask16 lt = _mm512_mask_cmplt_epi32_mask(valid, step, a_of[j]);
      below[j] = _mm512_mask_add_epi32(below[j], lt, below[j], ones);
      p = _mm512_mask_add_epi32(p, static_cast<__mmask16>(valid & ~lt), p, ones);
    }
    const __mmask16 above_first = _mm512_mask_cmpgt_epi32_mask(valid, p, zero);
    const __m512i w = _mm512_max_epi32(_mm512_sub_epi32(p, ones), zero);
    const __m512i rel = _mm512_sub_epi32(step, _mm512_permutexvar_epi32(w, A));
    const __mmask16 in = _mm512_mask_cmplt_epi32_mask(above_first, step, _mm512_permutexvar_epi32(w, E));
    const __m512i idx = _mm512_add_epi32(_mm512_permutexvar_epi32(w, OFF),
                                         _mm512_srav_epi32(rel, _mm512_permutexvar_epi32(w, SH)));
    const __mmask16 at_own = _mm512_mask_cmpeq_epi32_mask(above_first, rel, zero);
    const __mmask16 below_next = _mm512_mask_cmpeq_epi32_mask(
        _mm512_mask_cmplt_epi32_mask(valid, p, nwin), _mm512_add_epi32(step, ones), _mm512_permutexvar_epi32(p, A));
    if (at_own | below_next) {  // each such lane against the one edge it sits by (values below
                                // the first window, clamped to step -1, sit by its edge: often)
      alignas(64) double xs[16];
      alignas(64) std::int32_t ps[16];
      _mm512_store_pd(xs, x0), _mm512_store_pd(xs + 8, x1), _mm512_store_si512(ps, p);
      for (unsigned bits = at_own; bits; bits &= bits - 1) {
        const int l = __builtin_ctz(bits), j = ps[l] - 1;
        c.at_lo[j] += xs[l] == c.w[j].lo;
      }
      for (unsigned bits = below_next; bits; bits &= bits - 1) {
        const int l = __builtin_ctz(bits), j = ps[l];
        c.at_lo[j] += xs[l] == c.w[j].lo;
      }
    }
    _mm512_storeu_si512(out + n, _mm512_maskz_compress_epi32(in, idx));
    n += static_cast<std::size_t>(__builtin_popcount(in));
  }
  for (std::size_t j = 0; j < c.windows; ++j)
    c.below[j] += static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm512_reduce_add_epi32(below[j])));
  return n;
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

// Whether this machine runs the AVX-512 kernels (asked once).
bool has_avx512() {
#ifdef COGSIM_WINDOWS_AVX512
  static const bool yes = __builtin_cpu_supports("avx512f") != 0;
  return yes;
#else
  return false;
#endif
}

std::atomic<WindowKernel> g_kernel{WindowKernel::Best};

std::size_t claim(const Claim& c, const double* xb, std::size_t m, std::int32_t* out) {
#ifdef COGSIM_WINDOWS_AVX512
  const WindowKernel k = g_kernel.load(std::memory_order_relaxed);
  if (has_avx512() && k != WindowKernel::Scalar)
    return (c.lanes && k == WindowKernel::Best ? claim_avx512_lanes : claim_avx512)(c, xb, m, out);
#endif
  return claim_scalar(c, xb, m, out);
}

// ---------------------------------------------------------------------------------------------
// Selection by key

COGSIM_CLONES
std::size_t select_scalar(const double* x, const std::int32_t* keys, std::size_t m, const KeyRange* ranges,
                          std::size_t nr, double* out) {
  constexpr std::size_t kPiece = 256;
  std::uint8_t in[kPiece] = {};
  for (std::size_t r = 0; r < nr; ++r) {
    // Unsigned throughout: a range moved to store indices (QuantileSketch::add) may wrap.
    const auto lo = static_cast<std::uint32_t>(ranges[r].lo);
    const auto span = static_cast<std::uint32_t>(ranges[r].hi) - lo;
    for (std::size_t i = 0; i < m; ++i) in[i] |= static_cast<std::uint32_t>(keys[i]) - lo <= span;
  }
  std::size_t n = 0;
  for (std::size_t i = 0; i < m; ++i) {
    out[n] = x[i];
    n += in[i];
  }
  return n;
}

#ifdef COGSIM_WINDOWS_AVX512
__attribute__((target("avx512f,popcnt"))) std::size_t select_avx512(const double* x, const std::int32_t* keys,
                                                                   std::size_t m, const KeyRange* ranges,
                                                                   std::size_t nr, double* out) {
  constexpr std::size_t kMaxRanges = 16;  // the sketch's windows: at most 7 levels
  if (nr > kMaxRanges) return select_scalar(x, keys, m, ranges, nr, out);
  __m512i los[kMaxRanges], spans[kMaxRanges];  // broadcast once, not per 16 keys
  for (std::size_t r = 0; r < nr; ++r) {
    los[r] = _mm512_set1_epi32(ranges[r].lo);
    spans[r] = _mm512_set1_epi32(static_cast<std::int32_t>(static_cast<std::uint32_t>(ranges[r].hi) -
                                                           static_cast<std::uint32_t>(ranges[r].lo)));
  }
  std::size_t n = 0, i = 0;
  for (; i + 16 <= m; i += 16) {
    const __m512i k = _mm512_loadu_si512(keys + i);
    __mmask16 in = 0;
    for (std::size_t r = 0; r < nr; ++r) in |= _mm512_cmple_epu32_mask(_mm512_sub_epi32(k, los[r]), spans[r]);
    if (!in) continue;
    // Compressed in registers, then plain stores (a compressing store to memory is slow on Intel):
    // `out` has room for 8 past any count (select_by_key's contract).
    const auto lo8 = static_cast<__mmask8>(in & 0xFF), hi8 = static_cast<__mmask8>(in >> 8);
    _mm512_storeu_pd(out + n, _mm512_maskz_compress_pd(lo8, _mm512_loadu_pd(x + i)));
    n += static_cast<std::size_t>(__builtin_popcount(lo8));
    _mm512_storeu_pd(out + n, _mm512_maskz_compress_pd(hi8, _mm512_loadu_pd(x + i + 8)));
    n += static_cast<std::size_t>(__builtin_popcount(hi8));
  }
  return n + (i < m ? select_scalar(x + i, keys + i, m - i, ranges, nr, out + n) : 0);
}
#endif

}  // namespace

bool use_window_kernel(WindowKernel k) {
  g_kernel.store(k, std::memory_order_relaxed);
  return k == WindowKernel::Scalar || has_avx512();
}

std::size_t select_by_key(const double* x, const std::int32_t* keys, std::size_t m, const KeyRange* ranges,
                          std::size_t nr, double* out) {
  using SelectFn = std::size_t (*)(const double*, const std::int32_t*, std::size_t, const KeyRange*, std::size_t,
                                   double*);
  static const SelectFn pick = [] {
#ifdef COGSIM_WINDOWS_AVX512
    if (has_avx512()) return SelectFn{select_avx512};
#endif
    return SelectFn{select_scalar};
  }();
  std::size_t n = 0;
  for (std::size_t base = 0; base < m; base += 256)  // select_scalar's flags hold a piece
    n += pick(x + base, keys + base, std::min<std::size_t>(256, m - base), ranges, nr, out + n);
  return n;
}

void QuantileWindows::add(const double* x, std::size_t count) {
  if (windows_.empty()) return;
  allocate();
  // Per piece of 256 values: the windows claim their values (claim()), then only the claimed ones
  // are counted (about a fifth of them at 1M paths).
  constexpr std::size_t kPiece = 256;
  std::int32_t idx[kPiece + 16];  // claim_avx512 stores 16 lanes past its count
  const bool lanes = windows_.size() <= 16 &&
                     std::all_of(windows_.begin(), windows_.end(), [](const Window& w) { return w.width > 0; });
  const Claim c{windows_.data(), windows_.size(), origin_, inv_step_, below_.data(), at_lo_.data(), lanes};
  std::uint16_t* const f = fresh_.data();
  for (std::size_t base = 0; base < count; base += kPiece) {
    const std::size_t m = std::min(kPiece, count - base);
    if (fresh_n_ + m > UINT16_MAX) settle();
    const std::size_t n = claim(c, x + base, m, idx);
    for (std::size_t i = 0; i < n; ++i) ++f[idx[i]];
    fresh_n_ += m;
  }
}

void QuantileWindows::add_repeated(double x, std::uint64_t count) {
  if (windows_.empty()) return;
  // claim_scalar's tests on one value, into counts of one, then each count multiplied.
  std::vector<std::uint64_t> below(windows_.size()), at(windows_.size());
  const Claim c{windows_.data(), windows_.size(), origin_, inv_step_, below.data(), at.data()};
  std::int32_t bin = 0;
  const bool claimed = claim_scalar(c, &x, 1, &bin) == 1;
  for (std::size_t j = 0; j < windows_.size(); ++j) below_[j] += below[j] * count, at_lo_[j] += at[j] * count;
  if (!claimed) return;
  if (settled_.empty()) settled_.assign(bins_, 0);
  settled_[static_cast<std::size_t>(bin)] += count;
}

void QuantileWindows::merge(const QuantileWindows& o) {
  if (o.windows_.empty() && o.bins_ == 0) return;
  if (windows_.size() != o.windows_.size() || bins_ != o.bins_)
    throw std::invalid_argument("QuantileWindows::merge: different windows");
  for (std::size_t j = 0; j < windows_.size(); ++j)
    if (windows_[j].lo != o.windows_[j].lo || windows_[j].width != o.windows_[j].width)
      throw std::invalid_argument("QuantileWindows::merge: different windows");
  for (std::size_t j = 0; j < below_.size(); ++j) below_[j] += o.below_[j], at_lo_[j] += o.at_lo_[j];
  if (o.fresh_.empty() && o.settled_.empty()) return;  // no bin counted
  allocate();
  if (settled_.empty() && o.settled_.empty() && fresh_n_ + o.fresh_n_ <= UINT16_MAX) {  // no wider counts needed
    for (std::size_t b = 0; b < bins_; ++b) fresh_[b] += o.fresh_[b];
    fresh_n_ += o.fresh_n_;
  } else {
    if (settled_.empty()) settled_.assign(bins_, 0);
    for (std::size_t b = 0; b < bins_; ++b) settled_[b] += o.count(b);
  }
}

std::optional<QuantileWindows::Answer> QuantileWindows::quantile(double q, std::uint64_t n,
                                                                 const std::uint64_t* extra_below) const {
  if (n == 0 || !(q >= 0 && q <= 1)) return std::nullopt;
  const std::uint64_t r = rank_of(q, n);
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    const Window& w = windows_[j];
    std::uint64_t seen = below_[j] + (extra_below ? extra_below[j] : 0);
    if (r <= seen) return std::nullopt;  // below this window, hence outside every window
    // A point mass at the window's lower edge (a series floored at 0 on many paths): exact.
    if (w.width > 0 && r <= seen + at_lo_[j]) return Answer{w.lo, 0.0};
    for (std::uint32_t b = 0; b < w.bins; ++b)
      if ((seen += count(w.offset + b)) >= r) {
        if (w.width == 0) return Answer{w.lo, 0.0};
        const double v = w.lo + (b + 0.5) * w.width;
        // Rounding: x - origin, lo and the middle each within half an ulp of |x|, |origin|, |lo| or
        // |v|; the grid step (x - origin) / w0 < 2^30 within 2^30 ulps of w0.
        // (2 eps scales exactly: summed apart, the same bits, without overflowing near DBL_MAX.)
        const double eps = std::numeric_limits<double>::epsilon();
        return Answer{v, 0.5 * w.width + (2 * eps * std::fabs(v) + 2 * eps * std::fabs(origin_)) + 1e-6 * w.width};
      }
  }
  return std::nullopt;
}

std::pair<double, double> QuantileWindows::bracket(std::uint64_t r, const std::uint64_t* extra_below) const {
  double lo = -kInf, hi = kInf;
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    const Window& w = windows_[j];
    std::uint64_t in = 0;
    for (std::uint32_t b = 0; b < w.bins; ++b) in += count(w.offset + b);
    const std::uint64_t below = below_[j] + (extra_below ? extra_below[j] : 0);
    if (r <= below) hi = std::min(hi, w.lo);
    if (r > below + in) lo = std::max(lo, w.hi());
  }
  return {lo, hi};
}

std::size_t QuantileWindows::memory_bytes() const {
  return sizeof(*this) + windows_.capacity() * sizeof(Window) + (below_.capacity() + at_lo_.capacity()) * 8 +
         fresh_.capacity() * 2 +
         settled_.capacity() * 8;
}

// The state as it is (windows already on their grid), so that a deserialised copy merges with the
// original and answers the same to the bit.
void QuantileWindows::serialize(Writer& w) const {
  w.put(origin_), w.put(inv_step_);
  w.put<std::uint64_t>(windows_.size());
  for (const Window& x : windows_) w.put(x.lo), w.put(x.width), w.put(x.bins), w.put(x.a), w.put(x.shift);
  std::vector<std::uint64_t> counts(bins_);
  for (std::size_t b = 0; b < bins_; ++b) counts[b] = count(b);
  w.put_vector(counts);
  w.put_vector(below_);
  w.put_vector(at_lo_);
}

QuantileWindows QuantileWindows::deserialize(Reader& r) {
  QuantileWindows q;
  q.origin_ = r.get<double>(), q.inv_step_ = r.get<double>();
  q.windows_.resize(r.get<std::uint64_t>());
  for (Window& x : q.windows_) {
    x.lo = r.get<double>(), x.width = r.get<double>(), x.bins = r.get<std::uint32_t>();
    x.a = r.get<std::int32_t>(), x.shift = r.get<int>();
    x.offset = q.bins_;
    q.bins_ += x.bins;
  }
  auto counts = r.get_vector<std::uint64_t>();
  q.below_ = r.get_vector<std::uint64_t>();
  q.at_lo_ = r.get_vector<std::uint64_t>();
  if (counts.size() != q.bins_ || q.below_.size() != q.windows_.size() || q.at_lo_.size() != q.windows_.size())
    throw std::runtime_error("QuantileWindows::deserialize: inconsistent sizes");
  if (q.bins_ > 0) q.settled_ = std::move(counts);
  return q;
}

// ---------------------------------------------------------------------------------------------
// Placement

std::uint64_t pilot_paths(std::uint64_t paths) {
  if (paths <= 1024) return paths;
  return std::clamp<std::uint64_t>(paths / 8, 1024, 8192);
}

const std::vector<double>& reported_quantiles() {
  static const std::vector<double> qs = [] {
    std::vector<double> v;
    for (const auto& q : kReportedQuantiles) v.push_back(q.level);
    return v;
  }();
  return qs;
}

namespace {

// The pilot ranks the window around level q reads (0-based, in [0, m)).
std::pair<std::size_t, std::size_t> window_ranks(std::size_t size, double q) {
  const double m = static_cast<double>(size), pq = q * (1 - q);
  const double delta = std::ceil(5 * std::sqrt(m * pq)) + 1;
  const double mid = q * m;
  return {static_cast<std::size_t>(std::max(0.0, std::floor(mid) - delta)),
          static_cast<std::size_t>(std::min(m - 1, std::ceil(mid) + delta))};
}

// Puts at each of the sorted `ranks` of [first, last) the value a full sort would put there, by
// nested selections (O(m log k) for k ranks instead of a sort's O(m log m)).
void select_ranks(double* first, double* last, const std::size_t* r_first, const std::size_t* r_last,
                  std::size_t offset) {
  if (r_first == r_last || first == last) return;
  const std::size_t* mid = r_first + (r_last - r_first) / 2;
  double* nth = first + (*mid - offset);
  std::nth_element(first, nth, last);
  select_ranks(first, nth, r_first, mid, offset);
  select_ranks(nth + 1, last, mid + 1, r_last, *mid + 1);
}

// The window around level q of the pilot y, whose ranks i_lo, i_hi = window_ranks(q) hold their
// sorted values (see place_windows).
QuantileWindows::Window window_at(const std::vector<double>& y, double q, std::size_t i_lo, std::size_t i_hi,
                                  std::uint64_t paths) {
  const double m = static_cast<double>(y.size()), pq = q * (1 - q);
  QuantileWindows::Window w;
  w.lo = y[i_lo];
  const double span = y[i_hi] - y[i_lo];
  if (!(span > 0)) return w;  // a run of equal values: a point window
  // span ~ k / (m f) for k = i_hi - i_lo ranks, so SE(q) at `paths` ~ sqrt(pq / paths) · span · m / k;
  // width / 2 <= SE / 4 needs bins >= 2 k sqrt(paths) / (m sqrt(pq)); 1.25 for the spacing's noise (~5 sd).
  const double k = static_cast<double>(i_hi - i_lo);
  const double need = 1.25 * 2 * k * std::sqrt(static_cast<double>(paths)) / (m * std::sqrt(pq));
  w.bins = static_cast<std::uint32_t>(std::clamp(std::ceil(need), 1.0, double(kMaxWindowBins)));
  w.width = span / w.bins;
  w.bins += 1;  // y[i_hi] itself inside
  return w;
}
// The distinct values among the pilot's ranks i_lo..i_hi when they look like the outcomes of a
// discrete law there: each seen at least twice, at most kMaxAtoms of them (empty otherwise: a value
// seen once, as every value of a continuous law is). Each becomes a point window, so that a rank
// on one of them is answered exactly (a law of counts, 0/1/2 agreements, reports 1, not 1.004).
constexpr std::size_t kMaxAtoms = 8;
std::vector<double> atoms_between(const std::vector<double>& y, std::size_t i_lo, std::size_t i_hi) {
  // y[i_lo] is the smallest value there (place_windows selected it): seen once, as it is in a
  // continuous series, it rules the range out without a sort.
  const auto b = y.begin() + static_cast<std::ptrdiff_t>(i_lo), e = y.begin() + static_cast<std::ptrdiff_t>(i_hi) + 1;
  if (std::count(b, e, y[i_lo]) < 2) return {};
  std::vector<double> v(y.begin() + static_cast<std::ptrdiff_t>(i_lo), y.begin() + static_cast<std::ptrdiff_t>(i_hi) + 1);
  std::sort(v.begin(), v.end());
  std::vector<double> atoms;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j < v.size() && v[j] == v[i]) ++j;
    if (j - i < 2 || atoms.size() == kMaxAtoms) return {};
    atoms.push_back(v[i]);
    i = j;
  }
  return atoms;
}

// Fuses windows that overlap or nearly touch (a gap under one bin), keeping the finer bins.
std::vector<QuantileWindows::Window> fuse(std::vector<QuantileWindows::Window> ws) {
  std::sort(ws.begin(), ws.end(), [](const auto& a, const auto& b) { return a.lo < b.lo; });
  std::vector<QuantileWindows::Window> out;
  std::vector<std::uint32_t> parts;
  for (const auto& w : ws) {
    if (out.empty() || w.lo - out.back().hi() > std::max(w.width, out.back().width)) {
      out.push_back(w);
      parts.push_back(1);
      continue;
    }
    auto& f = out.back();
    const double lo = f.lo, hi = std::max(f.hi(), w.hi());
    if (!std::isfinite(hi - lo)) continue;  // their union spans more than the largest double: w is dropped
    double width = f.width == 0 ? w.width : w.width == 0 ? f.width : std::min(f.width, w.width);
    if (width == 0) continue;  // two point windows at the same value
    ++parts.back();
    const double cap = double(kMaxWindowBins) * parts.back();
    double bins = std::ceil((hi - lo) / width);
    if (bins > cap) bins = cap, width = (hi - lo) / cap;
    f.width = width;
    f.bins = static_cast<std::uint32_t>(bins) + 1;
  }
  return out;
}

}  // namespace

double PilotSample::note(double x) {
  finite = finite && std::isfinite(x);
  min = std::min(min, x), max = std::max(max, x);
  return x;
}

void PilotSample::merge_extremes(const PilotSample& o) {
  finite = finite && o.finite;
  min = std::min(min, o.min), max = std::max(max, o.max);
}

QuantileWindows place_windows(PilotSample pilot, const std::vector<double>& qs, std::uint64_t paths) {
  if (pilot.values.empty() || !pilot.finite) return {};  // a NaN or infinity: the run reports it
  if (pilot.min == pilot.max) return QuantileWindows({{pilot.min, 0.0, 1}});  // constant: exact
  // Only the order statistics the windows read, selected rather than sorted (the pilot's sort was
  // ~6 % of a 1M-path run of a model with a few hundred series).
  std::vector<std::size_t> ranks;
  for (double q : qs)
    if (q > 0 && q < 1) {
      const auto [i_lo, i_hi] = window_ranks(pilot.values.size(), q);
      ranks.push_back(i_lo), ranks.push_back(i_hi);
    }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  select_ranks(pilot.values.data(), pilot.values.data() + pilot.values.size(), ranks.data(),
               ranks.data() + ranks.size(), 0);
  std::vector<QuantileWindows::Window> ws;
  for (double q : qs) {
    if (!(q > 0 && q < 1)) continue;
    const auto [i_lo, i_hi] = window_ranks(pilot.values.size(), q);
    const std::vector<double> atoms = atoms_between(pilot.values, i_lo, i_hi);
    if (atoms.size() >= 2)
      for (double a : atoms) ws.push_back({a, 0.0, 1});
    else if (const auto w = window_at(pilot.values, q, i_lo, i_hi, std::max<std::uint64_t>(paths, 1));
             std::isfinite(w.width) && std::isfinite(w.hi()))
      ws.push_back(w);  // else a range past the largest double (a pilot near ±DBL_MAX): the sketch answers
  }
  return QuantileWindows(fuse(std::move(ws)));
}

QuantileWindows place_windows(const std::vector<double>& pilot, const std::vector<double>& qs, std::uint64_t paths) {
  PilotSample s;
  s.values.reserve(pilot.size());
  for (double x : pilot) s.add(x);
  return place_windows(std::move(s), qs, paths);
}

}  // namespace cogsim::engine
