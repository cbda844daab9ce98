#include "engine/stats.hpp"

#include <boost/math/distributions/students_t.hpp>

#include "engine/simd.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cfloat>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace cogsim::engine {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kAbsMask = 0x7FFFFFFFFFFFFFFFull;
constexpr std::uint64_t kInfBits = 0x7FF0000000000000ull;  // |x| bits at or above: inf or NaN
constexpr std::int64_t kNoneRange = INT64_MAX;                // a magnitude range min: nothing needed
}

// ---------------------------------------------------------------------------------------------
// Moments

// Same inline add() as the scalar path, in the same order, so the result is bit-identical.
// (Would break only if one path were compiled with FMA contraction and the other not.)
void Moments::add(const double* x, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) add(x[i]);
}

COGSIM_CLONES
void LaneMoments::add(const double* x, std::size_t count, std::uint64_t first_path) {
  auto one = [&](std::size_t k) {
    const std::size_t lane = (first_path + k) % kLanes;
    const double d = x[k] - shift;
    s1[lane] += d;
    s2[lane] += d * d;
  };
  std::size_t k = 0;
  for (; k < count && (first_path + k) % kLanes != 0; ++k) one(k);
  // The lanes in locals: x may alias the members, which would send every sum through memory.
  double a1[kLanes], a2[kLanes];
  std::copy(s1, s1 + kLanes, a1);
  std::copy(s2, s2 + kLanes, a2);
  for (; k + kLanes <= count; k += kLanes)
    for (std::size_t j = 0; j < kLanes; ++j) {
      const double d = x[k + j] - shift;
      a1[j] += d;
      a2[j] += d * d;
    }
  std::copy(a1, a1 + kLanes, s1);
  std::copy(a2, a2 + kLanes, s2);
  for (; k < count; ++k) one(k);
  n += count;
}

Moments LaneMoments::fold() const {
  Moments m;
  m.shift = shift;
  m.n = n;
  for (std::size_t j = 0; j < kLanes; ++j) m.s1 += s1[j], m.s2 += s2[j];
  return m;
}

COGSIM_CLONES
std::uint64_t count_nonzero(const double* x, std::size_t count) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < count; ++i) n += x[i] != 0;
  return n;
}

void Moments::merge(const Moments& o) {
  if (o.n == 0) return;
  if (n == 0) { *this = o; return; }  // 0 + s == s exactly, so adopting o is the same as adding
  if (shift != o.shift) throw std::invalid_argument("Moments::merge: different shifts");
  n += o.n;
  s1 += o.s1;
  s2 += o.s2;
}

void Moments::serialize(Writer& w) const {
  w.put(shift);
  w.put(n);
  w.put(s1);
  w.put(s2);
}

Moments Moments::deserialize(Reader& r) {
  Moments m;
  m.shift = r.get<double>();
  m.n = r.get<std::uint64_t>();
  m.s1 = r.get<double>();
  m.s2 = r.get<double>();
  return m;
}

double Moments::mean() const { return n == 0 ? kNaN : shift + s1 / static_cast<double>(n); }

double Moments::variance() const {
  if (n < 2) return kNaN;
  const double nd = static_cast<double>(n);
  // Rounding can push a (near-)zero variance slightly negative.
  return std::max(0.0, (s2 - s1 * (s1 / nd)) / (nd - 1));
}

double Moments::sd() const { return std::sqrt(variance()); }

double Moments::std_error() const { return sd() / std::sqrt(static_cast<double>(n)); }

// ---------------------------------------------------------------------------------------------
// QuantileSketch

namespace {

constexpr double kAlphaMargin = 1e-11;

// The number of leading mantissa bits that splits each octave finely enough for alpha: a bucket
// [L, U) has U/L <= 1 + 2^-k, and its representative 2LU/(L+U) is within (U-L)/(U+L) <=
// 2^-k / (2 + 2^-k) of every point in it.
int mantissa_bits(double alpha) {
  const double a = alpha - kAlphaMargin;
  int k = 0;
  while (std::ldexp(1.0, -k) / (2 + std::ldexp(1.0, -k)) > a) ++k;
  return k;  // <= 19 for alpha >= 1e-6
}

}  // namespace

QuantileSketch::QuantileSketch(double alpha, double zero_threshold)
    : alpha_(alpha), zero_threshold_(zero_threshold) {
  if (!(alpha >= 1e-6 && alpha < 1)) throw std::invalid_argument("QuantileSketch: alpha not in [1e-6, 1)");
  if (!(zero_threshold >= 0 && zero_threshold <= DBL_MAX))
    throw std::invalid_argument("QuantileSketch: zero_threshold must be finite and >= 0");
  // Near zero, relative accuracy is worth nothing beyond the zero band's absolute one: below
  // T = the largest power of two <= 2^k zero_threshold (at least DBL_MIN, at most 2^1022), buckets
  // are 2^k linear steps of T / 2^k: those of |x| + T, which lies in the octave [T, 2T). A step
  // is at most zero_threshold wide (or DBL_MIN / 2^k: subnormals), the first one, |x| < T / 2^k, is
  // the zero bucket, and every other reports its middle.
  const int k = mantissa_bits(alpha);
  shift_ = 52 - k;
  const double scaled = std::ldexp(zero_threshold, k);
  lin_top_ = scaled < DBL_MIN ? DBL_MIN : std::ldexp(1.0, std::min(std::ilogb(scaled), 1022));  // ilogb(inf): INT_MAX
  lin_top_bits_ = std::bit_cast<std::uint64_t>(lin_top_);
  base_ = static_cast<std::int64_t>(lin_top_bits_ >> shift_);
  lin_keys_ = std::int64_t{1} << k;
}

double QuantileSketch::value(std::int32_t key) const {
  if (key == 0) return 0.0;
  const std::int64_t j = key < 0 ? -std::int64_t{key} : key;
  double v;
  if (j < lin_keys_) {  // the middle of [T (1 + j/2^k), T (1 + (j+1)/2^k)) - T: exact (Sterbenz)
    const auto b = static_cast<std::uint64_t>(base_ + j);
    const double lo = std::bit_cast<double>(b << shift_) - lin_top_, hi = std::bit_cast<double>((b + 1) << shift_) - lin_top_;
    v = lo + 0.5 * (hi - lo);
  } else {
    // Bucket b holds [L, U); 2LU/(L+U) = 2L / (1 + L/U). Above DBL_MAX / 2, where 2L overflows,
    // L · (2 / (1 + L/U)) instead (below, the first form: the same bits as ever). The top bucket's U
    // is 2^1024 (infinite as a double): then 2L, capped at DBL_MAX, which is closer to every value in it.
    const auto b = static_cast<std::uint64_t>(base_ + j - lin_keys_);
    const double lo = std::bit_cast<double>(b << shift_), hi = std::bit_cast<double>((b + 1) << shift_);
    v = std::min(lo <= DBL_MAX / 2 ? 2 * lo / (1 + lo / hi) : lo * (2 / (1 + lo / hi)), DBL_MAX);
  }
  return key < 0 ? -v : v;
}

std::size_t QuantileSketch::Store::index(std::int32_t key) const {
  if (key < 0) return static_cast<std::size_t>(neg_hi + key);
  return neg_size() + (key == 0 ? 0 : 1 + static_cast<std::size_t>(key - pos_lo));
}

std::int32_t QuantileSketch::Store::key_at(std::size_t j) const {
  const std::size_t n = neg_size();
  if (j < n) return static_cast<std::int32_t>(j) - neg_hi;
  return j == n ? 0 : pos_lo + static_cast<std::int32_t>(j - n - 1);
}

namespace {
// The range [lo, hi] of one sign's magnitudes grown to cover [need_lo, need_hi] (need_lo > need_hi:
// nothing needed): the exact range plus 25% slack (at least 64 keys) in each direction that grows.
// The extremes of a series keep creeping outwards as paths accumulate and each extension copies
// the store, so the slack is what bounds the number of copies (a few per store instead of dozens).
// Magnitudes stay in [1, 2^31 - 1] (they are at most 2^(11+k) + 2^k, k <= 19).
std::pair<std::int64_t, std::int64_t> grown_range(std::int64_t lo, std::int64_t hi, std::int64_t need_lo,
                                                  std::int64_t need_hi) {
  if (need_lo > need_hi) return {lo, hi};
  const bool empty = lo > hi;
  if (!empty && need_lo >= lo && need_hi <= hi) return {lo, hi};
  std::int64_t new_lo = empty ? need_lo : std::min(lo, need_lo), new_hi = empty ? need_hi : std::max(hi, need_hi);
  const std::int64_t pad = (new_hi - new_lo + 1) / 4 + 64;
  if (empty || need_lo < lo) new_lo = std::max<std::int64_t>(1, new_lo - pad);
  if (empty || need_hi > hi) new_hi = std::min<std::int64_t>(INT32_MAX, new_hi + pad);
  return {new_lo, new_hi};
}
}  // namespace

void QuantileSketch::Store::cover(std::int64_t neg_min, std::int64_t neg_max, std::int64_t pos_min,
                                  std::int64_t pos_max) {
  const auto [nlo, nhi] = grown_range(neg_lo, neg_hi, neg_min, neg_max);
  const auto [plo, phi] = grown_range(pos_lo, pos_hi, pos_min, pos_max);
  if (!counts.empty() && nlo == neg_lo && nhi == neg_hi && plo == pos_lo && phi == pos_hi) return;
  Store g;
  g.neg_lo = std::int32_t(nlo), g.neg_hi = std::int32_t(nhi), g.pos_lo = std::int32_t(plo), g.pos_hi = std::int32_t(phi);
  const std::size_t n = g.neg_size() + 1 + (phi >= plo ? std::size_t(phi - plo) + 1 : 0);
  g.counts.assign(n, 0);
  g.fresh.assign(n, 0);
  // The old ranges sit inside the new ones: each of the three runs (negatives, zero, positives)
  // moves as a block.
  const std::size_t old_neg = neg_size();
  if (!counts.empty()) {
    auto move = [&](std::size_t from, std::size_t len, std::size_t to) {
      std::copy_n(counts.begin() + std::ptrdiff_t(from), len, g.counts.begin() + std::ptrdiff_t(to));
      std::copy_n(fresh.begin() + std::ptrdiff_t(from), len, g.fresh.begin() + std::ptrdiff_t(to));
    };
    if (old_neg > 0) move(0, old_neg, g.index(-neg_hi));
    move(old_neg, 1, g.index(0));
    if (size() > old_neg + 1) move(old_neg + 1, size() - old_neg - 1, g.index(pos_lo));
  }
  *this = std::move(g);
}

void QuantileSketch::Store::settle() {
  for (std::size_t j = 0; j < counts.size(); ++j) counts[j] += fresh[j];
  std::fill(fresh.begin(), fresh.end(), 0);
}

void QuantileSketch::add(double x) {
  add_general(&x, 1);
  if (flagged(key(std::bit_cast<std::uint64_t>(x)))) windows_.add(&x, 1);
}

void QuantileSketch::set_windows(QuantileWindows w) {
  windows_ = std::move(w);
  place_window_keys();
}

void QuantileSketch::place_window_keys() {
  window_keys_.clear();
  flag_keys_.clear();
  const double origin = windows_.origin(), step = windows_.grid_step();
  const double eps = std::numeric_limits<double>::epsilon();
  auto key_of = [&](double x) { return key(std::bit_cast<std::uint64_t>(std::clamp(x, -DBL_MAX, DBL_MAX))); };
  std::vector<KeyRange> ranges;
  for (const QuantileWindows::Window& w : windows_.windows()) {
    // A grid window: x - origin and the product by 1/w0 each round by half an ulp, lo and hi are
    // within an ulp of the grid; 16 ulps of the magnitudes involved and a whole step cover that.
    // A point window counts x == lo and tests x < lo exactly: its key alone.
    const double m = w.width == 0 ? 0 : step + 16 * eps * (std::fabs(w.lo) + std::fabs(w.hi()) + std::fabs(origin));
    ranges.push_back({key_of(w.lo - m), key_of(w.hi() + m)});
    window_keys_.push_back(ranges.back().lo);
  }
  std::sort(ranges.begin(), ranges.end(), [](const KeyRange& a, const KeyRange& b) { return a.lo < b.lo; });
  for (const KeyRange& r : ranges) {
    if (!flag_keys_.empty() && std::int64_t{r.lo} <= std::int64_t{flag_keys_.back().hi} + 1)
      flag_keys_.back().hi = std::max(flag_keys_.back().hi, r.hi);
    else
      flag_keys_.push_back(r);
  }
  moved_keys_.resize(flag_keys_.size());
}

bool QuantileSketch::flagged(std::int32_t k) const {
  for (const KeyRange& r : flag_keys_)
    if (k >= r.lo && k <= r.hi) return true;
  return false;
}

std::vector<std::uint64_t> QuantileSketch::unflagged_below() const {
  // One walk up the store (keys ascend with the index), the windows taken by their lowest key.
  std::vector<std::size_t> order(window_keys_.size());
  for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return window_keys_[a] < window_keys_[b]; });
  std::vector<std::uint64_t> below(window_keys_.size(), 0);
  std::size_t w = 0, r = 0;
  std::uint64_t acc = 0;  // the unflagged values of the keys walked so far
  for (std::size_t j = 0; j < store_.size() && w < order.size(); ++j) {
    const std::int32_t k = store_.key_at(j);
    while (w < order.size() && k >= window_keys_[order[w]]) below[order[w++]] = acc;
    while (r < flag_keys_.size() && flag_keys_[r].hi < k) ++r;
    if (!(r < flag_keys_.size() && flag_keys_[r].lo <= k)) acc += store_.at(j);
  }
  while (w < order.size()) below[order[w++]] = acc;
  return below;
}

void QuantileSketch::seal() {
  sealed_below_ = unflagged_below();
  sealed_n_ = n_;
}

std::optional<QuantileWindows::Answer> QuantileSketch::window_quantile(double q) const {
  if (windows_.windows().empty()) return std::nullopt;
  const std::vector<std::uint64_t> extra = below_for_queries();
  return windows_.quantile(q, n_, extra.data());
}

namespace {
// A double as a signed integer in the doubles' order (-0 just below +0), and back: a negative's
// magnitude bits flipped, an involution.
[[gnu::always_inline]] inline std::int64_t ordered(double x) {
  const auto i = std::bit_cast<std::int64_t>(x);
  return i ^ ((i >> 63) & INT64_MAX);
}
inline double unordered(std::int64_t o) { return std::bit_cast<double>(o ^ ((o >> 63) & INT64_MAX)); }
// How many of x[0..m) equal v (vectorises).
COGSIM_CLONES
std::uint64_t count_equal(const double* x, std::size_t m, double v) {
  std::uint64_t c = 0;
  for (std::size_t i = 0; i < m; ++i) c += x[i] == v;
  return c;
}
// Whether x[0..count) are all the same bits (a finite value repeated: add_repeated's case).
COGSIM_CLONES
bool all_same_bits(const double* x, std::size_t count) {
  const std::uint64_t first = std::bit_cast<std::uint64_t>(x[0]);
  std::uint64_t differ = 0;
  for (std::size_t i = 0; i < count; ++i) differ |= std::bit_cast<std::uint64_t>(x[i]) ^ first;
  return differ == 0;
}
}  // namespace

void QuantileSketch::add_repeated(double x, std::uint64_t count) {
  const std::int32_t k = key(std::bit_cast<std::uint64_t>(x));
  note_extreme(x, count);
  store_.cover(k < 0 ? -k : kNoneRange, k < 0 ? -k : 0, k > 0 ? k : kNoneRange, k > 0 ? k : 0);
  store_.counts[store_.index(k)] += count;
  n_ += count;
  if (flagged(k)) windows_.add_repeated(x, count);
}

COGSIM_CLONES
void QuantileSketch::add(const double* x, std::size_t count) {
  // A block on which the series is one finite value (checked on 16 values first, so that other
  // series pay almost nothing): counted at once.
  if (count >= 32 && std::isfinite(x[0]) && all_same_bits(x, 16) && all_same_bits(x, count)) {
    add_repeated(x[0], count);
    return;
  }
  // Per piece of 256 values: a branch-free pass finds the exact extremes and whether any value is
  // not finite (it vectorises); a piece with a NaN or an infinity goes through the general loop,
  // which throws at the first one. A second pass computes every value's store index (the store
  // grows at most once per piece, to the piece's key range), and a third adds the counts without
  // range checks, one load and one store per value.
  constexpr std::size_t kPiece = 256;
  constexpr std::size_t kNarrowKeys = 64, kCopies = 4;  // a narrow piece, its local histograms
  std::int32_t keys[kPiece];
  // The values whose key lies in a window's range (set_windows), gathered over pieces so that the
  // windows' kernel sees long runs; room for a piece more and select_by_key's 8 slack.
  double near[2 * kPiece + 8];
  std::size_t n_near = 0;
  for (std::size_t base = 0; base < count; base += kPiece) {
    const std::size_t m = std::min(kPiece, count - base);
    const double* xb = x + base;
    if (fresh_n_ + m > UINT16_MAX) {  // no fresh count can pass fresh_n_: settle before one could wrap
      store_.settle();
      fresh_n_ = 0;
    }
    // Whether any value is not finite, and the exact extremes, on integers that order as the
    // doubles do (a floating-point min reduction does not vectorise without fast-math; this one
    // does). The same pass computes the keys too, unless the last piece was a one-sign piece (below),
    // whose indices come from the bits more cheaply.
    const bool guess_one_sign = one_sign_hint_;
    std::uint64_t bad = 0;
    std::int64_t omin = INT64_MAX, omax = INT64_MIN;
    auto scan = [&]<bool kKeys>() {
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(xb[i]);
        bad |= (bits & kAbsMask) >= kInfBits;
        if constexpr (kKeys) keys[i] = key(bits);
        const std::int64_t o = ordered(xb[i]);
        omin = std::min(omin, o);
        omax = std::max(omax, o);
      }
    };
    if (guess_one_sign) scan.template operator()<false>();
    else scan.template operator()<true>();
    if (bad) {
      add_general(xb, m);  // throws at the first NaN or infinity
      continue;
    }
    // How many values sit exactly at each extreme (a series capped at 1, floored at 0): counted
    // only in a piece that reaches an extreme seen so far (rare for a continuous series).
    const double pmin = unordered(omin), pmax = unordered(omax);
    if (pmin <= min_) note_extreme(pmin, count_equal(xb, m, pmin), true, false);
    if (pmax >= max_) note_extreme(pmax, count_equal(xb, m, pmax), false, true);
    // Keys grow with x: the extremes' keys are the piece's first and last.
    const std::int32_t kmin = key(std::bit_cast<std::uint64_t>(pmin)), kmax = key(std::bit_cast<std::uint64_t>(pmax));
    const bool one_sign = pmin >= lin_top_ || pmax <= -lin_top_;
    one_sign_hint_ = one_sign;
    if (one_sign) {
      // The common piece: one sign, every |x| at or above T. A key is then its magnitude's bits
      // shifted, with the sign (key()'s logarithmic branch), so the extremes' keys are the piece's
      // range (no range reduction) and each value's store index is a constant plus or minus its
      // shifted bits (the same indices as the general pass below).
      const bool neg = pmax < 0;
      if (neg) store_.cover(-std::int64_t{kmax}, -std::int64_t{kmin}, kNoneRange, 0);
      else store_.cover(kNoneRange, 0, kmin, kmax);
      // index = key + off: off_neg = neg_hi for a negative key, off_pos = neg_size + 1 - pos_lo.
      const std::int32_t off = neg ? store_.neg_hi : std::int32_t(store_.neg_size()) + 1 - store_.pos_lo;
      if (guess_one_sign) {
        const auto flip = static_cast<std::int32_t>(-std::int32_t{neg});  // all ones for negatives
        const auto c = static_cast<std::int32_t>(off + ((lin_keys_ - base_) ^ flip) - flip);
        for (std::size_t i = 0; i < m; ++i) {
          const auto a = static_cast<std::int32_t>((std::bit_cast<std::uint64_t>(xb[i]) & kAbsMask) >> shift_);
          keys[i] = c + ((a ^ flip) - flip);
        }
      } else {
        for (std::size_t i = 0; i < m; ++i) keys[i] += off;
      }
      // The windows' key ranges moved by the same constant (wrapping: select_by_key tests k - lo
      // as unsigned, which the move leaves unchanged).
      if (!flag_keys_.empty()) {
        const auto u_off = static_cast<std::uint32_t>(off);
        for (std::size_t r = 0; r < flag_keys_.size(); ++r)
          moved_keys_[r] = {static_cast<std::int32_t>(static_cast<std::uint32_t>(flag_keys_[r].lo) + u_off),
                            static_cast<std::int32_t>(static_cast<std::uint32_t>(flag_keys_[r].hi) + u_off)};
        n_near += select_by_key(xb, keys, m, moved_keys_.data(), moved_keys_.size(), near + n_near);
      }
    } else {
      // Any other piece (both signs, or values below T): the general key.
      if (guess_one_sign)
        for (std::size_t i = 0; i < m; ++i) keys[i] = key(std::bit_cast<std::uint64_t>(xb[i]));
      // The magnitude nearest zero of each sign, by masked reductions on the 32-bit keys (16 to a
      // vector on AVX-512; a ternary on a value that is not a key is a select, not a branch); the
      // farthest are the extremes' keys.
      std::int32_t neg_near = INT32_MIN, pos_near = INT32_MAX;
      for (std::size_t i = 0; i < m; ++i) {
        const std::int32_t k = keys[i];
        const std::int32_t is_neg = k >> 31, is_pos = (-k) >> 31;  // all ones if k < 0 / k > 0
        neg_near = std::max(neg_near, (k & is_neg) | (INT32_MIN & ~is_neg));
        pos_near = std::min(pos_near, (k & is_pos) | (INT32_MAX & ~is_pos));
      }
      const std::int64_t neg_min = kmin < 0 ? -std::int64_t{neg_near} : kNoneRange, neg_max = kmin < 0 ? -std::int64_t{kmin} : 0;
      const std::int64_t pos_min = kmax > 0 ? pos_near : kNoneRange, pos_max = kmax > 0 ? kmax : 0;
      if (!flag_keys_.empty()) n_near += select_by_key(xb, keys, m, flag_keys_.data(), flag_keys_.size(), near + n_near);
      store_.cover(neg_min, neg_max, pos_min, pos_max);
      // Keys to store indices (vectorises): index = key + an offset for its sign.
      const std::int32_t off_neg = store_.neg_hi, off_zero = std::int32_t(store_.neg_size()),
                         off_pos = off_zero + 1 - store_.pos_lo;
      for (std::size_t i = 0; i < m; ++i) {
        const std::int32_t k = keys[i], is_neg = k >> 31, is_pos = (-k) >> 31;
        keys[i] = k + ((off_neg & is_neg) | (off_pos & is_pos) | (off_zero & ~(is_neg | is_pos)));
      }
    }
    // One load and one store per value. (Two fresh counts per key, alternating by position so that
    // a run of equal values does not chain every increment on the last, measured slower on RM1:
    // its wider fresh arrays cost more in cache than the runs they break.) A piece whose values
    // fall in few buckets (a series whose spread is small against its level: a few buckets hold
    // every path) would chain its increments on the same counters, each waiting for the last; it
    // counts in kCopies local histograms by position instead, then adds them to the store.
    std::uint16_t* const f = store_.fresh.data();
    const std::size_t lo = store_.index(kmin), span = store_.index(kmax) - lo + 1;  // indices grow with keys
    if (span <= kNarrowKeys) {
      alignas(64) std::uint16_t local[kCopies][kNarrowKeys] = {};
      std::size_t i = 0;
      for (; i + kCopies <= m; i += kCopies)
        for (std::size_t c = 0; c < kCopies; ++c) ++local[c][static_cast<std::size_t>(keys[i + c]) - lo];
      for (; i < m; ++i) ++local[0][static_cast<std::size_t>(keys[i]) - lo];
      for (std::size_t j = 0; j < span; ++j)
        f[lo + j] = static_cast<std::uint16_t>(f[lo + j] + local[0][j] + local[1][j] + local[2][j] + local[3][j]);
    } else {
      for (std::size_t i = 0; i < m; ++i) ++f[keys[i]];
    }
    n_ += m;
    fresh_n_ += m;
    if (n_near >= kPiece) windows_.add(near, n_near), n_near = 0;
  }
  if (n_near > 0) windows_.add(near, n_near);
}

void QuantileSketch::add_general(const double* x, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isfinite(x[i])) throw std::domain_error("QuantileSketch::add: NaN or infinite value");
    const std::int32_t k = key(std::bit_cast<std::uint64_t>(x[i]));
    store_.cover(k < 0 ? -k : kNoneRange, k < 0 ? -k : 0, k > 0 ? k : kNoneRange, k > 0 ? k : 0);
    ++store_.counts[store_.index(k)];
    ++n_;
    note_extreme(x[i]);
  }
}

void QuantileSketch::merge(const QuantileSketch& o) {
  if (shift_ != o.shift_ || zero_threshold_ != o.zero_threshold_)
    throw std::invalid_argument("QuantileSketch::merge: different alpha or zero_threshold");
  if (&o == this) {  // the loop below would read what it writes
    const QuantileSketch copy(o);
    merge(copy);
    return;
  }
  windows_.merge(o.windows_);
  if (o.n_ > 0) note_extreme(o.min_, o.at_min_, true, false), note_extreme(o.max_, o.at_max_, false, true);
  // Each of src's three runs (negatives, zero, positives) without its empty ends (growth slack):
  // cover them once, then add them range at once.
  const Store& src = o.store_;
  if (src.counts.empty()) {
    n_ += o.n_;
    return;
  }
  auto trim = [&](std::size_t b, std::size_t e) {
    while (b < e && src.at(b) == 0) ++b;
    while (e > b && src.at(e - 1) == 0) --e;
    return std::pair{b, e};
  };
  const std::size_t sn = src.neg_size();
  const auto [nb, ne] = trim(0, sn);
  const auto [pb, pe] = trim(sn + 1, src.size());
  // A negative run's magnitudes fall as its index rises.
  store_.cover(nb < ne ? -src.key_at(ne - 1) : kNoneRange, nb < ne ? -src.key_at(nb) : 0,
               pb < pe ? src.key_at(pb) : kNoneRange, pb < pe ? src.key_at(pe - 1) : 0);
  auto add_run = [&](std::size_t from, std::size_t to_end) {
    if (from >= to_end) return;
    const std::size_t to = store_.index(src.key_at(from));
    for (std::size_t j = from; j < to_end; ++j) store_.counts[to + (j - from)] += src.at(j);
  };
  add_run(nb, ne);
  add_run(sn, sn + 1);  // the zero bucket
  add_run(pb, pe);
  n_ += o.n_;
}

void QuantileSketch::serialize(Writer& w) const {
  w.put(alpha_);
  w.put(zero_threshold_);
  w.put(n_);
  w.put(min_), w.put(max_), w.put(at_min_), w.put(at_max_);
  w.put(store_.neg_lo), w.put(store_.neg_hi), w.put(store_.pos_lo), w.put(store_.pos_hi);
  std::vector<std::uint64_t> counts(store_.size());
  for (std::size_t j = 0; j < counts.size(); ++j) counts[j] = store_.at(j);
  w.put_vector(counts);
  windows_.serialize(w);
}

QuantileSketch QuantileSketch::deserialize(Reader& r) {
  const double alpha = r.get<double>(), zero_threshold = r.get<double>();
  QuantileSketch s(alpha, zero_threshold);
  s.n_ = r.get<std::uint64_t>();
  s.min_ = r.get<double>(), s.max_ = r.get<double>();
  s.at_min_ = r.get<std::uint64_t>(), s.at_max_ = r.get<std::uint64_t>();
  s.store_.neg_lo = r.get<std::int32_t>(), s.store_.neg_hi = r.get<std::int32_t>();
  s.store_.pos_lo = r.get<std::int32_t>(), s.store_.pos_hi = r.get<std::int32_t>();
  s.store_.counts = r.get_vector<std::uint64_t>();
  s.store_.fresh.assign(s.store_.counts.size(), 0);
  s.set_windows(QuantileWindows::deserialize(r));
  return s;
}

double QuantileSketch::quantile(double q) const {
  if (n_ == 0 || !(q >= 0 && q <= 1)) return kNaN;
  const double rank = std::ceil(q * static_cast<double>(n_));
  const std::uint64_t r = rank < 1 ? 1 : std::min(n_, static_cast<std::uint64_t>(rank));
  if (r <= at_min_) return min_;  // a rank among the values equal to an extreme: that value
  if (r > n_ - at_max_) return max_;
  // Store order is the order of x: negatives by decreasing |x|, the zero band, positives.
  std::uint64_t seen = 0;
  for (std::size_t j = 0; j < store_.size(); ++j)
    if ((seen += store_.at(j)) >= r) return std::clamp(value(store_.key_at(j)), min_, max_);
  return kNaN;  // unreachable: the counts sum to n_
}

QuantileWindows::Answer QuantileSketch::fine_quantile(double q) const {
  const double v = quantile(q);
  if (std::isnan(v)) return {v, v};
  const double rank = std::ceil(q * static_cast<double>(n_));  // as quantile()
  const std::uint64_t r = rank < 1 ? 1 : std::min(n_, static_cast<std::uint64_t>(rank));
  if (r <= at_min_ || r > n_ - at_max_) return {v, 0.0};  // a rank on an exact extreme
  const std::vector<std::uint64_t> extra = below_for_queries();
  // Clamping into [min, max], which holds the exact value, can only bring an answer closer to it.
  if (auto a = windows_.quantile(q, n_, extra.data()))
    return {std::clamp(a->value, min_, max_), std::min(a->bound, max_ - min_)};
  const auto [lo, hi] = windows_.bracket(r, extra.data());
  return {std::clamp(v, lo, std::max(lo, hi)), std::min(alpha_ * std::fabs(v) + zero_threshold_, max_ - min_)};
}

std::size_t QuantileSketch::memory_bytes() const {
  return sizeof(*this) + store_.counts.capacity() * sizeof(std::uint64_t) +
         store_.fresh.capacity() * sizeof(std::uint16_t);
}

// ---------------------------------------------------------------------------------------------
// Proportion

double Proportion::p() const { return n == 0 ? kNaN : static_cast<double>(hits) / static_cast<double>(n); }

std::string se_method(std::uint32_t replicates) {
  return replicates == 0 ? "iid" : "replicates(" + std::to_string(replicates) + ")";
}

double Proportion::std_error() const {
  if (replicates > 0 && n > 0) return design_se;
  const double pp = p();
  return std::sqrt(pp * (1 - pp) / static_cast<double>(n));
}

std::pair<double, double> Proportion::interval95() const {
  if (replicates < 2 || n == 0 || hits == 0 || hits == n) return wilson();
  const boost::math::students_t_distribution<double> t(static_cast<double>(replicates - 1));
  const double h = boost::math::quantile(t, 0.975) * design_se, pp = p();
  return {std::clamp(pp - h, 0.0, 1.0), std::clamp(pp + h, 0.0, 1.0)};
}

std::pair<double, double> Proportion::wilson(double z) const {
  if (n == 0) return {kNaN, kNaN};
  const double nd = static_cast<double>(n), pp = p(), qq = 1 - pp;
  const double a = z * z / (2 * nd);
  const double h = z * std::sqrt(pp * qq / nd + z * z / (4 * nd * nd));
  // The textbook (p + a -/+ h) / (1 + z^2/n) cancels badly near p = 0 or 1. Multiplying the lower end
  // by its conjugate gives p^2 / (p + a + h) (no cancellation); the upper end is a plain sum. For
  // p >= 1/2 use the mirror image in q = 1 - p. Ends are exactly 0 / 1 when hits == 0 / n.
  const double scale = 1 + z * z / nd;
  const bool low = pp < 0.5;
  const double s = low ? pp : qq;
  const double near = s * s / (s + a + h), far = (s + a + h) / scale;
  const double lower = low ? near : 1 - far;
  const double upper = low ? far : 1 - near;
  return {std::clamp(lower, 0.0, 1.0), std::clamp(upper, 0.0, 1.0)};
}

}  // namespace cogsim::engine
