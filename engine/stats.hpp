#pragma once
// Streaming statistics for Monte Carlo outputs. Results must be bit-identical for any thread count
// and block size: the driver adds values in path order within a chunk and merges Moments/Proportion
// in chunk order; QuantileSketch merges are exact (integer counts), so their order is free.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/quantiles.hpp"

namespace cogsim::engine {

// Mean / variance by shifted sums: x is accumulated as d = x - shift, keeping n, sum d, sum d^2.
// A shift near the mean (the caller passes the central-path value) avoids the cancellation of the
// naive sum-of-squares formula. merge() is plain addition, so it is exact up to floating-point
// rounding, whose order the driver fixes.
struct Moments {
  double shift = 0;
  std::uint64_t n = 0;
  double s1 = 0, s2 = 0;

  // Inline: called once per path and output.
  void add(double x) {
    const double d = x - shift;
    ++n;
    s1 += d;
    s2 += d * d;
  }
  void add(const double* x, std::size_t count);  // sequential: bit-identical to repeated add(x[i])
  // Requires the same shift, except that an empty side is absorbed whatever its shift (so a
  // default-constructed accumulator can be a merge target). Throws std::invalid_argument otherwise.
  void merge(const Moments& o);
  // The state, for a merge in another process (distributed runs); exact: the same bits back.
  void serialize(Writer& w) const;
  static Moments deserialize(Reader& r);
  double mean() const;       // NaN if n == 0
  double variance() const;   // unbiased (n-1); NaN if n < 2
  double sd() const;
  double std_error() const;  // sd / sqrt(n)
};

// The moments of a chunk of paths, kept in 8 lanes by path index (path mod 8) so that the sums of a
// block vectorise instead of waiting on one running sum; fold() adds the lanes in a fixed order.
// A value's lane depends only on its path, so the result does not depend on how the chunk was cut
// into blocks (nor on threads: chunks are merged in order).
struct LaneMoments {
  static constexpr std::size_t kLanes = 8;
  double shift = 0;
  std::uint64_t n = 0;
  double s1[kLanes] = {}, s2[kLanes] = {};
  void add(const double* x, std::size_t count, std::uint64_t first_path);
  Moments fold() const;
};

// Relative-accuracy quantile sketch (a DDSketch, Masson et al. 2019, with the log-linear mapping of
// HdrHistogram), linear near zero.
//  * |x| >= T goes to the bucket named by the top 11 + k bits of its IEEE representation
//    (exponent and k leading mantissa bits): each octave [2^e, 2^(e+1)) is cut into 2^k equal
//    buckets [L, U), with k the smallest such that 2^-k / (2 + 2^-k) <= alpha (k = 9 for
//    alpha = 1e-3, i.e. 9.8e-4). Bucket [L, U) is reported as sign * 2LU/(L+U), within relative
//    distance (U-L)/(U+L) <= alpha of every point in it. The index is a shift of the bits (no
//    logarithm), which is what makes add() cheap.
//  * |x| < T goes to one of 2^k linear steps of width T / 2^k (the buckets of |x| + T, in the
//    octave [T, 2T)), reported as its middle; the first step, |x| < T / 2^k, is the zero bucket,
//    reported as 0. T is the largest power of two <= 2^k * zero_threshold, at least DBL_MIN (then
//    the steps split the subnormals), so a step is never wider than max(zero_threshold, DBL_MIN).
//    Relative accuracy below T would buy nothing over that absolute one, and a series crossing
//    zero needs 2^k steps per sign there instead of log2(2^k) = k octaves of 2^k buckets.
//  * Counts are uint64, so merge() is exact, associative and commutative.
//
// GUARANTEE. For every q in [0,1] with n > 0, let x_q be the exact empirical quantile: the element of
// 1-based rank r = max(1, ceil(q*n)) (q*n evaluated in double) of the sorted inputs. Then
//     |quantile(q) - x_q| <= alpha * |x_q| + max(zero_threshold, DBL_MIN).
// (The DBL_MIN term only matters for subnormal inputs.) The bucket index is exact (integer bits);
// k is chosen against alpha - 1e-11, a margin far above the ~1e-16 relative rounding of the
// representative.
//
// Layout: a key that grows with x names each bucket: 0 for the zero bucket, +/-j for the j-th
// bucket of |x| counted from it (linear steps first, then logarithmic buckets). One dense store
// holds the negative keys seen (by decreasing magnitude), the zero bucket, then the positive keys
// seen, so its order is the order of x and a series of one sign does not pay for the other. Each
// key has a settled 64-bit count and a 16-bit fresh one: 10 bytes per key over the magnitudes seen
// plus up to 25% growth slack, i.e. about 10 * 2^k * log2(max|x| / min|x|) bytes per sign, ~75-95 KB
// for 1e6 lognormal(0,1) values at alpha = 1e-3. It grows with the log range of the data, not with
// the count; near zero the linear steps cap it.
class QuantileSketch {
 public:
  // alpha in [1e-6, 1), zero_threshold >= 0 (finite); throws std::invalid_argument otherwise.
  explicit QuantileSketch(double alpha = 1e-3, double zero_threshold = 0);

  void add(double x);  // throws std::domain_error for NaN or infinite x
  void add(const double* x, std::size_t count);
  // Requires the same alpha and zero_threshold (std::invalid_argument otherwise).
  void merge(const QuantileSketch& o);
  // The state, for a merge in another process (distributed runs): parameters and counts (the
  // fresh ones settled), so that merging the copy is merging the original.
  void serialize(Writer& w) const;
  static QuantileSketch deserialize(Reader& r);

  // NaN if empty or q outside [0,1]; the bucket's representative clamped to [min(), max()], and
  // exactly min() or max() for a rank among the values equal to it (a cap, a floor, rank 1 and n).
  double quantile(double q) const;
  double min() const { return min_; }  // the exact extremes (+inf, -inf when empty)
  double max() const { return max_; }
  // Fine windows (engine/quantiles.hpp) counted beside the sketch by add() and merge(): both sides
  // of a merge must carry the same windows (or the other none, never added to).
  //
  // Each value is tested against the windows only when its bucket key lies in a window's key range:
  // the keys of [lo - m, hi + m], m a grid step plus the grid arithmetic's rounding (one step more
  // than a value's grid step can be off by). Every value a window would count in a bin, at its
  // lower edge, or below it while in its key range is therefore given to the windows; a value whose
  // key is below a window's range is below it on the grid too, and one above is above. So the
  // count below window j is the windows' own count plus the sketch's counts of keys below the
  // range of j and outside every range (unflagged_below()): the same counts as testing every value,
  // for the cost of one range test on the keys the sketch computes anyway (issue 14's speed).
  void set_windows(QuantileWindows w);
  const QuantileWindows& windows() const { return windows_; }  // their geometry; counts: window_quantile
  // The windows' answer for q, when a window counted its rank (QuantileWindows::quantile).
  std::optional<QuantileWindows::Answer> window_quantile(double q) const;
  // Computes once what every quantile query of the current counts needs from the whole store
  // (unflagged_below), so that the many queries of the writers (charts ask for dozens per series)
  // do not each walk it. Counts change only with count(), so a later add or merge is seen.
  void seal();
  // The window's answer when a window counted the rank of q, else quantile(q) clamped between the
  // edges of the windows around it; with a bound on the distance to the exact empirical quantile
  // (the window's half bin, or the sketch's alpha·|x| + zero_threshold).
  QuantileWindows::Answer fine_quantile(double q) const;
  std::uint64_t count() const { return n_; }
  double alpha() const { return alpha_; }
  double zero_threshold() const { return zero_threshold_; }
  std::size_t memory_bytes() const;  // object plus allocated bucket storage

 private:
  // Dense counts for the negative keys -neg_hi .. -neg_lo, the zero band, and the positive keys
  // pos_lo .. pos_hi (an empty sign has lo > hi), in that order. The count at index j is
  // counts[j] + fresh[j]: add() increments the 16-bit `fresh` counts (denser in
  // cache than 64-bit ones: the counts of ~100 series must stay in L2 while a block is added) and
  // settles them into `counts` before any could overflow.
  struct Store {
    std::int32_t neg_lo = 1, neg_hi = 0, pos_lo = 1, pos_hi = 0;  // key magnitudes, with slack
    std::vector<std::uint64_t> counts;
    std::vector<std::uint16_t> fresh;
    std::size_t size() const { return counts.size(); }
    std::size_t neg_size() const { return neg_hi >= neg_lo ? std::size_t(neg_hi - neg_lo) + 1 : 0; }
    std::uint64_t at(std::size_t j) const { return counts[j] + fresh[j]; }
    std::size_t index(std::int32_t key) const;  // of a key the store covers
    std::int32_t key_at(std::size_t j) const;
    // Grows (with slack) until the magnitudes neg_min..neg_max and pos_min..pos_max are covered;
    // a sign with min > max needs nothing.
    void cover(std::int64_t neg_min, std::int64_t neg_max, std::int64_t pos_min, std::int64_t pos_max);
    void settle();  // counts += fresh; fresh = 0
  };
  // The key of a finite x, from its bits; branch-free, so add()'s pass over a block vectorises
  // (inlined there, it is compiled for each instruction set). Below T the bucket of |x| + T (a
  // linear step), above it the bucket of |x| (see the constructor); negated for x < 0.
  [[gnu::always_inline]] std::int32_t key(std::uint64_t bits) const {
    const std::uint64_t abs = bits & 0x7FFFFFFFFFFFFFFFull;
    const auto neg = static_cast<std::int64_t>(0 - (bits >> 63));  // all ones if x < 0
    const auto lin = static_cast<std::int64_t>(0 - std::uint64_t{abs < lin_top_bits_});
    const double shifted = std::bit_cast<double>(abs) + lin_top_;
    const std::int64_t mag_lin = static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(shifted) >> shift_) - base_;
    const std::int64_t mag_log = static_cast<std::int64_t>(abs >> shift_) - base_ + lin_keys_;
    const std::int64_t mag = (mag_lin & lin) | (mag_log & ~lin);
    return static_cast<std::int32_t>((mag ^ neg) - neg);
  }
  double value(std::int32_t key) const;  // the representative of a key's bucket, with its sign
  void add_general(const double* x, std::size_t count);  // any values, one at a time
  // `count` copies of a finite x at once: the same counts as adding them one by one, without a
  // chain of increments on one counter (a series constant on a block of paths, e.g. a realised
  // year, is the slowest case of the block loop otherwise).
  void add_repeated(double x, std::uint64_t count);
  void place_window_keys();          // window_keys_ and flag_keys_ from windows_
  bool flagged(std::int32_t k) const;  // whether key k lies in flag_keys_
  // Per window, the values the windows were not given that lie below it (see set_windows).
  std::vector<std::uint64_t> unflagged_below() const;
  std::vector<std::uint64_t> below_for_queries() const {  // seal()'s result while it holds
    return sealed_n_ == n_ ? sealed_below_ : unflagged_below();
  }

  double alpha_, zero_threshold_;
  double lin_top_;               // T: below it, linear buckets (see the class comment)
  std::uint64_t lin_top_bits_;   // T's bit pattern: |x| < T tested on integers
  int shift_;                    // 52 - k: the bucket of a double = its bits >> shift_
  std::int64_t base_;            // the bucket of T
  std::int64_t lin_keys_;        // 2^k: keys 1 .. 2^k - 1 are the linear buckets
  std::uint64_t n_ = 0;
  std::uint64_t fresh_n_ = 0;  // values added to the fresh counts since they were last settled
  // The exact smallest and largest values added: every answer lies between them, so a series capped
  // at 1 on many paths reports 1, not its bucket's representative just above (issue 14).
  double min_ = std::numeric_limits<double>::infinity(), max_ = -std::numeric_limits<double>::infinity();
  std::uint64_t at_min_ = 0, at_max_ = 0;  // how many values equal each
  // `count` values equal to x, as a candidate for the smallest (low) and the largest (high) value.
  void note_extreme(double x, std::uint64_t count = 1, bool low = true, bool high = true) {
    x += 0.0;  // -0 as +0: which zero comes first (threads, block sizes) must not show in the result
    if (low && x < min_) min_ = x, at_min_ = count;
    else if (low && x == min_) at_min_ += count;
    if (high && x > max_) max_ = x, at_max_ = count;
    else if (high && x == max_) at_max_ += count;
  }
  Store store_;
  QuantileWindows windows_;
  std::vector<std::int32_t> window_keys_;  // per window, the lowest key of its range
  std::vector<KeyRange> flag_keys_;        // the windows' key ranges, disjoint and sorted
  std::vector<KeyRange> moved_keys_;       // room for them moved to store indices (add()'s one-sign pieces)
  bool one_sign_hint_ = true;              // whether add()'s last piece was of one sign, |x| >= T (a guess
                                           // of the next one's path; either path gives the same indices)
  std::vector<std::uint64_t> sealed_below_;  // unflagged_below() when count() was sealed_n_
  std::uint64_t sealed_n_ = UINT64_MAX;
};

// Which method gave a standard error, as the results files say it: "iid" (sd/√n of independent
// paths) or "replicates(R)" (the spread of R independent replicates of a design).
std::string se_method(std::uint32_t replicates);

// Block helper for the simulator (vectorised, multiversioned): the number of non-zero x.
std::uint64_t count_nonzero(const double* x, std::size_t count);

// Probability estimate from a count of successes (hits <= n).
struct Proportion {
  std::uint64_t hits = 0, n = 0;
  // A design run's (Latin Hypercube, quasi-Monte Carlo): the standard error measured across its
  // replicates (engine/replicates.hpp), which std_error() then reports; 0 replicates: iid paths.
  std::uint32_t replicates = 0;
  double design_se = 0;
  double p() const;          // NaN if n == 0
  double std_error() const;  // design_se, or sqrt(p(1-p)/n) for iid paths; NaN if n == 0
  // Wilson score interval, clamped to [0,1], exactly 0 / 1 at the ends when hits == 0 / hits == n.
  // {NaN, NaN} if n == 0.
  std::pair<double, double> wilson(double z = 1.959963984540054) const;
  // The 95 % interval that matches how the paths were drawn. iid paths: Wilson's. A design run:
  // p ± t·design_se with t the 97.5 % quantile of Student's t on (replicates − 1) degrees of
  // freedom (the SE is measured from that many replicates), clamped to [0, 1]; Wilson's where
  // p is 0 or 1, since the replicates then show no spread. {NaN, NaN} if n == 0.
  std::pair<double, double> interval95() const;
  // Its name in results files: "wilson95" for iid paths, "ci95" for a design run.
  const char* interval_key() const { return replicates > 0 ? "ci95" : "wilson95"; }
  void merge(const Proportion& o) { hits += o.hits; n += o.n; }
};

}  // namespace cogsim::engine
