#pragma once
// Fine quantile windows: histograms placed around the reported quantile levels, so that a quantile's
// error is far below its Monte Carlo error whatever the series' level.
//
// The relative-accuracy sketch (engine/stats.hpp) errs by up to alpha·|x|: for a series whose spread
// is small next to its level (offset 1e9, sd 1) that is a million standard deviations. A window is
// an interval [lo, lo + bins·width) cut into equal bins, placed from a pilot sample (the first paths
// of the run, the same whatever the threads) around the pilot's quantile, with a bin width set from
// the pilot's local spacing of order statistics, i.e. from the density at the quantile. Counts are
// integers, so merge() is exact and the result does not depend on thread count or block size.
//
// GUARANTEE. Let x_r be the exact empirical quantile of rank r = max(1, ceil(q·n)). When x_r falls in
// a window (the window counted it), quantile() returns the middle of its bin, so
//     |quantile(q) - x_r| <= width / 2 (+ rounding: a few ulps of |x_r|),
// and `bound(q)` reports that half-width — except when x_r is a point mass at a window's lower edge
// (a series floored at 0 on many paths): values equal to lo are counted apart, and such a rank is
// answered exactly. A point window (width 0, placed where the pilot saw a run
// of equal values, e.g. a series constant across paths) counts x == lo exactly: error 0.
// The bin width is chosen so that width / 2 <= SE(q) / 4 at the planned number of paths (see
// place_windows), where SE(q) = sqrt(q(1-q)/n) / f(x_q) is the quantile's Monte Carlo standard error.
// When x_r is outside every window, quantile() says so (nullopt) and the caller (the sketch that
// carries the windows, QuantileSketch::fine_quantile) falls back on its own answer, clamped between
// the neighbouring windows' edges.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "engine/bytes.hpp"

namespace cogsim::engine {

class QuantileWindows {
 public:
  struct Window {
    double lo = 0, width = 0;  // width 0: a point window, counting x == lo
    std::uint32_t bins = 1;
    // Set by the constructor: the first bin's place in the counts, and the window on the grid of
    // steps of the finest width w0 from the lowest lo: it covers grid steps [a, a + bins << shift).
    std::size_t offset = 0;
    std::int32_t a = 0;
    int shift = 0;
    double hi() const { return lo + width * bins; }
  };
  struct Answer {
    double value, bound;  // |value - exact| <= bound
  };

  QuantileWindows() = default;  // no window: every quantile falls back
  // Windows must be sorted by lo and disjoint (place_windows() makes them so). Each is snapped onto
  // one grid: widths rounded down to w0·2^k, w0 the finest, lo down to a grid step (so bounds only
  // shrink); a window more than 2^30 steps of w0 from the first is dropped (its levels fall back).
  explicit QuantileWindows(std::vector<Window> windows);

  void add(const double* x, std::size_t count);  // x finite (the sketch beside it checks)
  void add_repeated(double x, std::uint64_t count);  // `count` copies of a finite x: the same counts
  // Requires the same windows (std::invalid_argument otherwise).
  void merge(const QuantileWindows& o);
  // The value of rank r = max(1, ceil(q·n)) among n values, when a window counted it. The windows
  // count the values below them among those add() was given; `extra_below` (one per window, or
  // null) adds those counted elsewhere (QuantileSketch gives its windows only the values near them).
  std::optional<Answer> quantile(double q, std::uint64_t n, const std::uint64_t* extra_below = nullptr) const;
  // Bounds on the value of rank r from the windows it is not in: {largest hi below, smallest lo above}.
  std::pair<double, double> bracket(std::uint64_t r, const std::uint64_t* extra_below = nullptr) const;
  const std::vector<Window>& windows() const { return windows_; }
  // The grid: its origin and the finest width w0 (0 without a window of bins).
  double origin() const { return origin_; }
  double grid_step() const { return inv_step_ > 0 ? 1 / inv_step_ : 0; }
  std::size_t memory_bytes() const;
  void serialize(Writer& w) const;
  static QuantileWindows deserialize(Reader& r);

 private:
  void settle();
  std::uint64_t count(std::size_t bin) const {
    return (settled_.empty() ? 0 : settled_[bin]) + (fresh_.empty() ? 0 : fresh_[bin]);
  }
  void allocate() { if (fresh_.empty()) fresh_.assign(bins_, 0); }  // counts only once used: copies are cheap

  std::vector<Window> windows_;
  double origin_ = 0, inv_step_ = 0;   // the grid: step k is [origin + k w0, origin + (k+1) w0)
  std::vector<std::uint64_t> below_;   // per window: values < lo
  std::vector<std::uint64_t> at_lo_;   // per window of bins: values == lo exactly (a point mass at its edge)
  std::size_t bins_ = 0;               // over all windows
  std::vector<std::uint16_t> fresh_;   // per bin, allocated by the first add() or merge(); settled_ takes
                                       // them before any could wrap (half the cache lines of 32-bit counts)
  std::vector<std::uint64_t> settled_; // per bin, once fresh counts could overflow
  std::uint64_t fresh_n_ = 0;
};

// Which kernel counts the windows' values (QuantileWindows::add). All give the same counts; the
// choice exists for the tests that prove it and for benchmarks. Best: AVX-512 with each value's
// window looked up per lane where every window has bins (at most 16), else AVX-512 testing every
// window; PerWindow: always the latter; Scalar: the portable loop. Process-wide; returns whether
// the machine has the kernel asked for (the scalar one otherwise).
enum class WindowKernel { Best, PerWindow, Scalar };
bool use_window_kernel(WindowKernel k);

// A range of a sketch's bucket keys, both ends included (QuantileSketch::key).
struct KeyRange {
  std::int32_t lo, hi;
};
// Copies to `out` the x[i] whose keys[i] lies in one of the `nr` ranges, in order; returns how many
// (at most m). `out` must have room for m + 8 values (the vector kernel stores whole registers).
// Vectorised (AVX-512 compress where the machine has it).
std::size_t select_by_key(const double* x, const std::int32_t* keys, std::size_t m, const KeyRange* ranges,
                          std::size_t nr, double* out);

// The windows for the levels `qs` of a series, from its pilot values (any order), for a run
// of `paths` paths. Around level q the window spans the pilot's order statistics of ranks
// q·m ± (5 sqrt(m q(1-q)) + 1) (m pilot values: the true quantile is inside with probability
// ~1 - 6e-7), cut into bins so that width/2 <= SE(q)/4 at `paths` paths with a margin of 1.25 on the
// spacing's noise, at most kMaxBins per window. Overlapping windows are fused (finest width).
constexpr std::uint32_t kMaxWindowBins = 4096;
// A pilot sample: its values (placement reads exact order statistics, so that a run of equal values
// gives a point window at that exact value) and whether all are finite.
struct PilotSample {
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
  bool finite = true;
  std::vector<double> values;
  void add(double x) { values.push_back(note(x)); }
  double note(double x);  // notes x in the extremes; returns it
  void merge_extremes(const PilotSample& o);
};
QuantileWindows place_windows(PilotSample pilot, const std::vector<double>& qs, std::uint64_t paths);
QuantileWindows place_windows(const std::vector<double>& pilot, const std::vector<double>& qs, std::uint64_t paths);

// The number of pilot paths for a run of `paths`: all of them up to 1024, then paths/8 within
// [1024, 8192].
std::uint64_t pilot_paths(std::uint64_t paths);

// The levels reported in results files and tables, with their names there (P5 .. P95): the one
// list every writer reads.
struct ReportedQuantile {
  double level;
  const char* name;
};
inline constexpr ReportedQuantile kReportedQuantiles[] = {{0.05, "p5"},  {0.10, "p10"}, {0.25, "p25"}, {0.50, "p50"},
                                                         {0.75, "p75"}, {0.90, "p90"}, {0.95, "p95"}};
const std::vector<double>& reported_quantiles();  // their levels

}  // namespace cogsim::engine
