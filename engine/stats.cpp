#include "engine/stats.hpp"

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
  return k;  // <= 20 for alpha >= 1e-6
}

}  // namespace

QuantileSketch::QuantileSketch(double alpha, double zero_threshold)
    : alpha_(alpha), zero_threshold_(zero_threshold) {
  if (!(alpha >= 1e-6 && alpha < 1)) throw std::invalid_argument("QuantileSketch: alpha not in [1e-6, 1)");
  if (!(zero_threshold >= 0 && zero_threshold <= DBL_MAX))
    throw std::invalid_argument("QuantileSketch: zero_threshold must be finite and >= 0");
  // Subnormals join the zero band: their representative could not be rounded to relative alpha.
  zero_cut_ = std::max(zero_threshold, std::nextafter(DBL_MIN, 0.0));
  zero_cut_bits_ = std::bit_cast<std::uint64_t>(zero_cut_);
  shift_ = 52 - mantissa_bits(alpha);
}

double QuantileSketch::value(std::int32_t i) const {
  // The bucket holds [L, U); 2LU/(L+U) = 2L / (1 + L/U) without overflowing. The top bucket's U is
  // 2^1024 (infinite as a double): then 2L, capped at DBL_MAX, which is closer to every value in it.
  const double lo = std::bit_cast<double>(static_cast<std::uint64_t>(i) << shift_);
  const double hi = std::bit_cast<double>(static_cast<std::uint64_t>(i + 1) << shift_);
  return std::min(2 * lo / (1 + lo / hi), DBL_MAX);
}

void QuantileSketch::Store::grow(std::int32_t i) {
  // Exact range plus 25% slack (at least 64 buckets) in the growth direction: the extremes of a
  // series keep creeping outwards as paths accumulate, and each extension copies the store, so
  // the slack is what bounds the number of copies (a few per store instead of dozens).
  const bool empty = counts.empty();
  const std::int32_t old_hi = empty ? i : static_cast<std::int32_t>(min_index + counts.size() - 1);
  std::int32_t lo = empty ? i : std::min(min_index, i), hi = std::max(old_hi, i);
  const std::int32_t pad = (hi - lo + 1) / 4 + 64;
  if (empty || i < min_index) lo -= pad;
  if (empty || i > old_hi) hi += pad;
  const auto size = static_cast<std::size_t>(hi - lo + 1), at = static_cast<std::size_t>(empty ? 0 : min_index - lo);
  std::vector<std::uint64_t> grown(size, 0);
  std::vector<std::uint16_t> grown_fresh(size, 0);
  std::copy(counts.begin(), counts.end(), grown.begin() + static_cast<std::ptrdiff_t>(at));
  std::copy(fresh.begin(), fresh.end(), grown_fresh.begin() + static_cast<std::ptrdiff_t>(at));
  counts.swap(grown);
  fresh.swap(grown_fresh);
  min_index = lo;
}

inline void QuantileSketch::Store::increment(std::int32_t i, std::uint64_t c) {
  auto off = static_cast<std::size_t>(static_cast<std::int64_t>(i) - min_index);  // <0 wraps high
  if (off >= counts.size()) {
    grow(i);
    off = static_cast<std::size_t>(i - min_index);
  }
  counts[off] += c;
}

void QuantileSketch::Store::settle() {
  for (std::size_t j = 0; j < counts.size(); ++j) counts[j] += fresh[j];  // vectorises
  std::fill(fresh.begin(), fresh.end(), 0);
}

void QuantileSketch::add(double x) { add_general(&x, 1); }

COGSIM_CLONES
void QuantileSketch::add(const double* x, std::size_t count) {
  // Per piece of 256 values: a branch-free pass computes every bucket index, the index range of
  // each store and whether any value is not finite (it vectorises); each store then grows at most once per piece,
  // and a second branch-free pass adds the counts without range checks. A piece with a NaN or an
  // infinity goes through the general loop, which throws at the first one.
  //
  // Keys: k (the bucket of |x|) for x > 0, ~k = -1 - k for x < 0, and -1 for the zero band (k = 0 is
  // never a bucket: it would hold subnormals, which are in the zero band).
  constexpr std::size_t kPiece = 256;
  constexpr std::int64_t kNone = INT64_MAX;
  std::int64_t keys[kPiece];
  for (std::size_t base = 0; base < count; base += kPiece) {
    const std::size_t m = std::min(kPiece, count - base);
    const double* xb = x + base;
    if (fresh_n_ + m > UINT16_MAX) {  // no fresh count can pass fresh_n_: settle before one could wrap
      pos_.settle();
      neg_.settle();
      fresh_n_ = 0;
    }
    std::uint64_t bad = 0;
    // The index range of each store, by masked reductions (a ternary here becomes a branch).
    std::int64_t lo_pos = kNone, hi_pos = -1, lo_neg = kNone, hi_neg = -1;
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t bits = std::bit_cast<std::uint64_t>(xb[i]), abs = bits & kAbsMask;
      // For a non-negative double the bit pattern read as an integer grows with the value, so
      // its top (11 exponent + k mantissa) bits are a monotone bucket index: a shift, no log.
      const std::uint64_t k = abs >> shift_;
      const std::uint64_t neg_mask = 0 - (bits >> 63);  // all ones if x < 0
      const std::uint64_t zero_mask = 0 - std::uint64_t{abs <= zero_cut_bits_};
      bad |= abs >= kInfBits;
      keys[i] = static_cast<std::int64_t>(((k ^ neg_mask) & ~zero_mask) | zero_mask);
      const std::uint64_t in_pos = ~neg_mask & ~zero_mask, in_neg = neg_mask & ~zero_mask;
      const auto none = static_cast<std::uint64_t>(kNone), minus1 = ~std::uint64_t{0};
      lo_pos = std::min(lo_pos, static_cast<std::int64_t>((k & in_pos) | (none & ~in_pos)));
      hi_pos = std::max(hi_pos, static_cast<std::int64_t>((k & in_pos) | (minus1 & ~in_pos)));
      lo_neg = std::min(lo_neg, static_cast<std::int64_t>((k & in_neg) | (none & ~in_neg)));
      hi_neg = std::max(hi_neg, static_cast<std::int64_t>((k & in_neg) | (minus1 & ~in_neg)));
    }
    if (bad) {
      add_general(xb, m);
      continue;
    }
    if (hi_pos >= 0) pos_.increment(std::int32_t(lo_pos), 0), pos_.increment(std::int32_t(hi_pos), 0);
    if (hi_neg >= 0) neg_.increment(std::int32_t(lo_neg), 0), neg_.increment(std::int32_t(hi_neg), 0);
    // Where each class of key counts: positive store, negative store, zero band.
    std::uint16_t zeros = 0;
    std::uint16_t* const counts[3] = {pos_.fresh.data(), neg_.fresh.data(), &zeros};
    const std::int64_t first[3] = {pos_.min_index, neg_.min_index, 0};
    // Runs of one key (a capped series: many paths share its cap) are counted in a register:
    // incrementing the same counter back to back would wait on the previous store every time.
    std::uint64_t run = 0;
    std::int64_t prev = keys[0];
    auto flush = [&]() {  // branch-free: the sign of a series that crosses zero is a coin toss
      const std::size_t cls = (static_cast<std::uint64_t>(prev) >> 63) + (prev == -1);
      const std::int64_t k = prev ^ (prev >> 63);  // k for either sign, 0 for the zero band
      counts[cls][k - first[cls]] += run;
    };
    for (std::size_t i = 0; i < m; ++i) {
      if (keys[i] == prev) {
        ++run;
        continue;
      }
      flush();
      prev = keys[i];
      run = 1;
    }
    flush();
    zero_count_ += zeros;
    n_ += m;
    fresh_n_ += m;
  }
}

void QuantileSketch::add_general(const double* x, std::size_t count) {
  // Integer compares on the bits (|x| <= zero_cut_ iff its bits are <= zero_cut_'s), and the
  // counters in locals: a store into a bucket could alias a member, which would force n_ and
  // zero_count_ through memory on every value.
  std::uint64_t zeros = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x[i]), abs = bits & kAbsMask;
    if (abs >= kInfBits) {
      zero_count_ += zeros;
      n_ += i;
      throw std::domain_error("QuantileSketch::add: NaN or infinite value");
    }
    // For a non-negative double the bit pattern read as an integer grows with the value, so
    // its top (11 exponent + k mantissa) bits are a monotone bucket index: a shift, no logarithm.
    if (abs <= zero_cut_bits_) ++zeros;
    else (bits == abs ? pos_ : neg_).increment(static_cast<std::int32_t>(abs >> shift_), 1);
  }
  zero_count_ += zeros;
  n_ += count;
}

void QuantileSketch::merge(const QuantileSketch& o) {
  if (shift_ != o.shift_ || zero_threshold_ != o.zero_threshold_)
    throw std::invalid_argument("QuantileSketch::merge: different alpha or zero_threshold");
  if (&o == this) {  // the loops below would read what they write
    const QuantileSketch copy(o);
    merge(copy);
    return;
  }
  for (auto [dst, src] : {std::pair{&pos_, &o.pos_}, std::pair{&neg_, &o.neg_}}) {
    // Trim src's empty ends (growth slack), grow dst once to the rest, then add the arrays.
    std::size_t b = 0, e = src->counts.size();
    while (b < e && src->at(b) == 0) ++b;
    while (e > b && src->at(e - 1) == 0) --e;
    if (b == e) continue;
    dst->increment(src->min_index + static_cast<std::int32_t>(b), 0);
    dst->increment(src->min_index + static_cast<std::int32_t>(e - 1), 0);
    const std::size_t off = static_cast<std::size_t>(src->min_index - dst->min_index);
    for (std::size_t j = b; j < e; ++j) dst->counts[off + j] += src->at(j);
  }
  zero_count_ += o.zero_count_;
  n_ += o.n_;
}

double QuantileSketch::quantile(double q) const {
  if (n_ == 0 || !(q >= 0 && q <= 1)) return kNaN;
  const double rank = std::ceil(q * static_cast<double>(n_));
  const std::uint64_t r = rank < 1 ? 1 : std::min(n_, static_cast<std::uint64_t>(rank));
  // Sorted order: negatives by decreasing |x| (highest index first), zeros, positives.
  std::uint64_t seen = 0;
  for (std::size_t j = neg_.counts.size(); j-- > 0;)
    if ((seen += neg_.at(j)) >= r) return -value(neg_.min_index + static_cast<std::int32_t>(j));
  if ((seen += zero_count_) >= r) return 0.0;
  for (std::size_t j = 0; j < pos_.counts.size(); ++j)
    if ((seen += pos_.at(j)) >= r) return value(pos_.min_index + static_cast<std::int32_t>(j));
  return kNaN;  // unreachable: the counts sum to n_
}

std::size_t QuantileSketch::memory_bytes() const {
  return sizeof(*this) + (pos_.counts.capacity() + neg_.counts.capacity()) * sizeof(std::uint64_t) +
         (pos_.fresh.capacity() + neg_.fresh.capacity()) * sizeof(std::uint16_t);
}

// ---------------------------------------------------------------------------------------------
// Proportion

double Proportion::p() const { return n == 0 ? kNaN : static_cast<double>(hits) / static_cast<double>(n); }

double Proportion::std_error() const {
  const double pp = p();
  return std::sqrt(pp * (1 - pp) / static_cast<double>(n));
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
