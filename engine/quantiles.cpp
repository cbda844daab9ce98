#include "engine/quantiles.hpp"

#include "engine/simd.hpp"

#include <algorithm>
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

COGSIM_CLONES
void QuantileWindows::add(const double* x, std::size_t count) {
  if (windows_.empty()) return;
  allocate();
  // Per piece: the grid step of every value (one subtraction and one product, clamped to
  // [-1, 2^30] before the int32 conversion), then per window an integer range test that vectorises
  // 8 or 16 wide; windows are disjoint, so at most one claims a value. Only the claimed values are
  // counted (about a fifth of them at 1M paths), after a branch-free compaction.
  constexpr std::size_t kPiece = 256;
  std::int32_t step[kPiece], idx[kPiece];
  for (std::size_t base = 0; base < count; base += kPiece) {
    const std::size_t m = std::min(kPiece, count - base);
    const double* xb = x + base;
    if (fresh_n_ + m > UINT32_MAX) settle();
    for (std::size_t i = 0; i < m; ++i) {
      const double t = std::clamp((xb[i] - origin_) * inv_step_, -1.0, 1073741824.0);
      step[i] = static_cast<std::int32_t>(t + 1) - 1;  // floor, t >= -1
      idx[i] = -1;
    }
    for (std::size_t j = 0; j < windows_.size(); ++j) {
      const Window& w = windows_[j];
      std::int32_t below = 0;
      const auto off = static_cast<std::int32_t>(w.offset);
      if (w.width == 0) {
        const double lo = w.lo;
        for (std::size_t i = 0; i < m; ++i) {
          below += xb[i] < lo;
          idx[i] = xb[i] == lo ? off : idx[i];
        }
      } else {
        const std::int32_t a = w.a, sh = w.shift;
        const std::uint32_t span = w.bins << w.shift;
        const double lo = w.lo;
        std::int32_t at = 0;
        for (std::size_t i = 0; i < m; ++i) {
          const std::int32_t rel = step[i] - a;
          below += rel < 0;
          at += xb[i] == lo;
          idx[i] = static_cast<std::uint32_t>(rel) < span ? off + (rel >> sh) : idx[i];
        }
        at_lo_[j] += static_cast<std::uint64_t>(at);
      }
      below_[j] += static_cast<std::uint64_t>(below);
    }
    std::size_t n = 0;
    for (std::size_t i = 0; i < m; ++i) {
      step[n] = idx[i];
      n += idx[i] >= 0;
    }
    std::uint32_t* const f = fresh_.data();
    for (std::size_t i = 0; i < n; ++i) ++f[step[i]];
    fresh_n_ += m;
  }
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
  if (settled_.empty() && o.settled_.empty() && fresh_n_ + o.fresh_n_ <= UINT32_MAX) {  // no wider counts needed
    for (std::size_t b = 0; b < bins_; ++b) fresh_[b] += o.fresh_[b];
    fresh_n_ += o.fresh_n_;
  } else {
    if (settled_.empty()) settled_.assign(bins_, 0);
    for (std::size_t b = 0; b < bins_; ++b) settled_[b] += o.count(b);
  }
}

std::optional<QuantileWindows::Answer> QuantileWindows::quantile(double q, std::uint64_t n) const {
  if (n == 0 || !(q >= 0 && q <= 1)) return std::nullopt;
  const std::uint64_t r = rank_of(q, n);
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    const Window& w = windows_[j];
    std::uint64_t seen = below_[j];
    if (r <= seen) return std::nullopt;  // below this window, hence outside every window
    // A point mass at the window's lower edge (a series floored at 0 on many paths): exact.
    if (w.width > 0 && r <= seen + at_lo_[j]) return Answer{w.lo, 0.0};
    for (std::uint32_t b = 0; b < w.bins; ++b)
      if ((seen += count(w.offset + b)) >= r) {
        if (w.width == 0) return Answer{w.lo, 0.0};
        const double v = w.lo + (b + 0.5) * w.width;
        // Rounding: x - origin, lo and the middle each within half an ulp of |x|, |origin|, |lo| or
        // |v|; the grid step (x - origin) / w0 < 2^30 within 2^30 ulps of w0.
        const double eps = std::numeric_limits<double>::epsilon();
        return Answer{v, 0.5 * w.width + 2 * eps * (std::fabs(v) + std::fabs(origin_)) + 1e-6 * w.width};
      }
  }
  return std::nullopt;
}

std::pair<double, double> QuantileWindows::bracket(std::uint64_t r) const {
  double lo = -kInf, hi = kInf;
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    const Window& w = windows_[j];
    std::uint64_t in = 0;
    for (std::uint32_t b = 0; b < w.bins; ++b) in += count(w.offset + b);
    if (r <= below_[j]) hi = std::min(hi, w.lo);
    if (r > below_[j] + in) lo = std::max(lo, w.hi());
  }
  return {lo, hi};
}

std::size_t QuantileWindows::memory_bytes() const {
  return sizeof(*this) + windows_.capacity() * sizeof(Window) + (below_.capacity() + at_lo_.capacity()) * 8 +
         fresh_.capacity() * 4 +
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

// The window around level q of the sorted pilot y (see place_windows).
QuantileWindows::Window window_at(const std::vector<double>& y, double q, std::uint64_t paths) {
  const double m = static_cast<double>(y.size()), pq = q * (1 - q);
  const double delta = std::ceil(5 * std::sqrt(m * pq)) + 1;
  const double mid = q * m;
  const auto i_lo = static_cast<std::size_t>(std::max(0.0, std::floor(mid) - delta));
  const auto i_hi = static_cast<std::size_t>(std::min(m - 1, std::ceil(mid) + delta));
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
  std::sort(pilot.values.begin(), pilot.values.end());
  std::vector<QuantileWindows::Window> ws;
  for (double q : qs)
    if (q > 0 && q < 1) ws.push_back(window_at(pilot.values, q, std::max<std::uint64_t>(paths, 1)));
  return QuantileWindows(fuse(std::move(ws)));
}

QuantileWindows place_windows(const std::vector<double>& pilot, const std::vector<double>& qs, std::uint64_t paths) {
  PilotSample s;
  s.values.reserve(pilot.size());
  for (double x : pilot) s.add(x);
  return place_windows(std::move(s), qs, paths);
}

}  // namespace cogsim::engine
