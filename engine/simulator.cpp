#include "engine/simulator.hpp"

#include "engine/partition.hpp"
#include "engine/design.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <array>
#include <cmath>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "engine/finite.hpp"
#include "engine/memory_check.hpp"

namespace cogsim::engine {

namespace {

struct ChunkResult {
  std::uint64_t index = 0, paths = 0;
  std::vector<LaneMoments> moments;
  std::vector<std::uint64_t> hits;
  std::vector<QuantileSketch> sketches;  // only when the run may stop early
  std::vector<CorrSums> corr;
  std::optional<Diagnostic> error;
  std::size_t nonfinite_series = SIZE_MAX;
  ReplicateSums replicates;  // a design run's (engine/replicates.hpp)
  std::uint32_t error_program = 0;  // with error: which of progs raised it
};

struct ThreadState {
  std::vector<Workspace> ws;  // one per program
  std::vector<QuantileSketch> sketches;
  std::vector<double> diff;
};

double value_of(const std::vector<const Program*>& progs, const std::vector<Workspace>& ws, const Term& t,
                std::size_t i) {
  return value_at(*progs[t.prog], ws[t.prog], t.op, i);
}

bool constant_series(const SeriesSpec& s) {
  return is_const(s.plus.op) && (!s.minus || is_const(s.minus->op));
}

ChunkSummary summarize(ChunkResult&& cr) {
  ChunkSummary s{cr.index, cr.paths, {}, std::move(cr.hits), std::move(cr.sketches), std::move(cr.corr),
                 std::move(cr.error), cr.nonfinite_series, std::move(cr.replicates), cr.error_program};
  s.moments.reserve(cr.moments.size());
  for (const auto& m : cr.moments) s.moments.push_back(m.fold());
  return s;
}

}  // namespace

namespace {

// The kernel knows series by index: its message is the predicate alone, and CoreResult's
// nonfinite_series says which series; simulate() and compare() put the series' name in front.
Diagnostic nonfinite(const std::string& where) {
  Diagnostic d;
  d.loc.file = UINT32_MAX;
  d.message = "is not a finite number " + where +
              " (a logarithm or square root of a negative number, or a division by zero?)";
  d.code = DiagCode::NonFinite;
  return d;
}

// One Monte Carlo run, as named steps: central path -> pilot -> chunks in parallel, merged in
// order -> constant series and correlations filled in. Each step reads the state the previous
// ones left; run_core() below calls them in that order.
class Kernel {
 public:
  Kernel(const std::vector<const Program*>& progs, const std::vector<SeriesSpec>& series,
         const std::vector<Term>& hit_terms, std::size_t stop_hits, const RunOptions& opt)
      : progs_(progs), series_(series), hit_terms_(hit_terms), stop_hits_(stop_hits), opt_(opt),
        corrs_(progs[0]->correlations) {}

  CoreResult run() {
    if (central_pass() && (opt_.central || pilot())) {
      total_.resize(series_.size());
      for (std::size_t i = 0; i < total_.size(); ++i) total_[i].shift = centre_[i];
      hits_.assign(hit_terms_.size(), 0);
      corr_.assign(corrs_.size(), {0, 0, 0, 0, 0});
      sketches_ = make_sketches();
      if (opt_.central) central_only();
      else sample();
    }
    if (!r_.error) finish();
    return std::move(r_);
  }

 private:
  double series_value(const std::vector<Workspace>& ws, const SeriesSpec& s, std::size_t i) const {
    double v = value_of(progs_, ws, s.plus, i);
    return s.minus ? v - value_of(progs_, ws, *s.minus, i) : v;
  }
  // Which program a series' value that is not finite at path i comes from: the side whose own value
  // is not finite (a difference is blamed on the base when only the base's is), else the first.
  std::uint32_t nonfinite_program(const std::vector<Workspace>& ws, const SeriesSpec& s, std::size_t i) const {
    if (s.minus && std::isfinite(value_of(progs_, ws, s.plus, i)) && !std::isfinite(value_of(progs_, ws, *s.minus, i)))
      return static_cast<std::uint32_t>(s.minus->prog);
    return static_cast<std::uint32_t>(s.plus.prog);
  }

  // The central path of each program first: it gives the shift of every moment accumulator.
  bool central_pass() {
    central_.resize(progs_.size());
    for (std::size_t k = 0; k < progs_.size(); ++k) {
      CentralResult c = run_central(*progs_[k]);
      if (c.error) {
        r_.error = c.error;
        r_.error_program = k;
        return false;
      }
      central_[k] = std::move(c.ws);
    }
    centre_.resize(series_.size());
    for (std::size_t i = 0; i < series_.size(); ++i) {
      centre_[i] = series_value(central_, series_[i], 0);
      if (!std::isfinite(centre_[i])) {
        r_.error = nonfinite("on the central path");
        r_.nonfinite_series = i;
        r_.error_program = nonfinite_program(central_, series_[i], 0);
        return false;
      }
    }
    band_.assign(series_.size(), 1e-12);
    windows_.assign(series_.size(), {});
    return true;
  }

  // A pilot sample (the first paths, Monte Carlo, the same whatever the threads) sizes the zero band
  // of each sketch on the series' scale, so a series that crosses zero keeps a bounded number of
  // buckets (|error| <= alpha·|x| + 1e-6·(|central| + pilot sd)), and places the fine quantile
  // windows that each sketch carries around the reported levels (engine/quantiles.hpp).
  bool pilot() {
    const std::size_t n = pilot_paths(opt_.paths), piece = 1024, n_pieces = (n + piece - 1) / piece;
    // A series that depends on no draw has no pilot: it is known exactly (finish()).
    std::vector<std::size_t> drawn;
    for (std::size_t i = 0; i < series_.size(); ++i)
      if (!constant_series(series_[i])) drawn.push_back(i);
    std::vector<PilotSample> pilot(series_.size());
    std::vector<std::vector<PilotSample>> extremes(n_pieces, std::vector<PilotSample>(series_.size()));
    for (std::size_t i : drawn) pilot[i].values.resize(n);
    std::vector<std::optional<Diagnostic>> errs(n_pieces);
    std::vector<std::size_t> err_prog(n_pieces, 0);
    // One set of workspaces per thread, reused piece after piece (run_block writes every slot it
    // reads): a model's workspace is megabytes, and fresh pages cost more than the pilot's work.
    tbb::enumerable_thread_specific<std::vector<Workspace>> local([&] {
      std::vector<Workspace> ws(progs_.size());
      for (std::size_t k = 0; k < progs_.size(); ++k) ws[k].reserve(*progs_[k], piece);
      return ws;
    });
    tbb::task_arena(threads()).execute([&] {
      tbb::parallel_for(std::size_t{0}, n_pieces, [&](std::size_t p) {
        std::vector<Workspace>& ws = local.local();
        BlockSpec spec{opt_.seed, p * piece, std::min(piece, n - p * piece), DrawMode::Sample, Sampling::MonteCarlo,
                       opt_.paths};
        spec.iman_conover = opt_.iman_conover;  // the run's joint law (its groups: pieces of 1 024)
        for (std::size_t k = 0; k < progs_.size() && !errs[p]; ++k)
          if ((errs[p] = run_block(*progs_[k], spec, ws[k]))) err_prog[p] = k;
        for (std::size_t j = 0; j < drawn.size() && !errs[p]; ++j) {
          const std::size_t i = drawn[j];
          for (std::size_t k = 0; k < spec.size; ++k)
            pilot[i].values[spec.first_path + k] = extremes[p][i].note(series_value(ws, series_[i], k));
        }
      });
    });
    for (std::size_t p = 0; p < n_pieces; ++p)
      if (errs[p]) {
        r_.error = errs[p];
        r_.error_program = err_prog[p];
        return false;
      }
    // Each series on its own (a pure function of its pilot), so in parallel: the same windows.
    tbb::task_arena(threads()).execute([&] {
      tbb::parallel_for(std::size_t{0}, series_.size(), [&](std::size_t i) {
        if (constant_series(series_[i])) {  // the band a pilot of equal values would give
          band_[i] = 1e-6 * std::fabs(centre_[i]) + 1e-12;
          return;
        }
        for (const auto& e : extremes) pilot[i].merge_extremes(e[i]);
        Moments m;
        m.shift = centre_[i];
        m.add(pilot[i].values.data(), pilot[i].values.size());
        band_[i] = 1e-6 * (std::fabs(centre_[i]) + m.sd()) + 1e-12;
        if (!std::isfinite(band_[i])) band_[i] = 1e-12;  // a NaN or infinity is reported below
        windows_[i] = place_windows(std::move(pilot[i]), reported_quantiles(), opt_.paths);
      });
    });
    return true;
  }

  std::vector<QuantileSketch> make_sketches() const {
    std::vector<QuantileSketch> s;
    s.reserve(series_.size());
    for (std::size_t i = 0; i < series_.size(); ++i) {
      s.emplace_back(opt_.quantile_alpha, band_[i]);
      s.back().set_windows(windows_[i]);  // counts allocated on first use
    }
    return s;
  }

  int threads() const { return opt_.threads > 0 ? opt_.threads : tbb::this_task_arena::max_concurrency(); }
  std::size_t block() const { return std::max<std::size_t>(1, opt_.block_size); }

  void central_only() {
    r_.paths = 1;
    for (std::size_t i = 0; i < series_.size(); ++i) {
      total_[i].add(centre_[i]);
      sketches_[i].add(centre_[i]);
    }
    for (std::size_t i = 0; i < hit_terms_.size(); ++i)
      hits_[i] = value_of(progs_, central_, hit_terms_[i], 0) != 0;
  }

  ThreadState* new_thread_state() {
    auto s = std::make_unique<ThreadState>();
    s->ws.resize(progs_.size());
    for (std::size_t k = 0; k < progs_.size(); ++k) s->ws[k].reserve(*progs_[k], block());
    s->sketches = make_sketches();
    s->diff.resize(block());
    std::lock_guard<std::mutex> lock(states_mutex_);
    states_.push_back(std::move(s));
    return states_.back().get();
  }

  // One block of a chunk: every series into the chunk's moments and sketches. False on a value
  // that is not finite (cr.error then says which series and path).
  bool accumulate_series(ThreadState& st, ChunkResult& cr, std::vector<QuantileSketch>& sk, const BlockSpec& spec) {
    for (std::size_t i = 0; i < series_.size(); ++i) {
      const SeriesSpec& s = series_[i];
      if (constant_series(s)) continue;  // known exactly: filled in at the end
      const double* v;
      if (!s.minus && !is_const(s.plus.op)) {
        v = st.ws[s.plus.prog].slot(s.plus.op);
      } else {
        for (std::size_t k = 0; k < spec.size; ++k) st.diff[k] = series_value(st.ws, s, k);
        v = st.diff.data();
      }
      cr.moments[i].add(v, spec.size, spec.first_path);
      if (replicated_) cr.replicates.add(design_, i, v, spec.size, spec.first_path, centre_[i]);
      try {
        sk[i].add(v, spec.size);  // its index pass already tests every value for NaN and infinity
      } catch (const std::domain_error&) {
        const std::size_t k = static_cast<std::size_t>(
            std::find_if(v, v + spec.size, [](double x) { return !std::isfinite(x); }) - v);
        cr.error = nonfinite("on path " + std::to_string(spec.first_path + k));
        cr.nonfinite_series = i;
        cr.error_program = nonfinite_program(st.ws, s, k);
        return false;
      }
    }
    return true;
  }

  // The copula uniforms of each correlated pair, for the achieved rank correlation.
  void accumulate_correlations(const ThreadState& st, ChunkResult& cr, std::size_t n) const {
    for (std::size_t i = 0; i < corrs_.size(); ++i) {
      const auto& co = corrs_[i];
      if (is_const(co.ua) || is_const(co.ub)) continue;
      const double *ua = st.ws[0].slot(co.ua), *ub = st.ws[0].slot(co.ub);
      auto& acc = cr.corr[i];
      for (std::size_t k = 0; k < n; ++k) {
        double x = ua[k] - 0.5, y = ub[k] - 0.5;
        acc[0] += x, acc[1] += y, acc[2] += x * x, acc[3] += y * y, acc[4] += x * y;
      }
    }
  }

  void count_hits(const ThreadState& st, ChunkResult& cr, std::size_t n, std::uint64_t first_path) const {
    for (std::size_t i = 0; i < hit_terms_.size(); ++i) {
      const Term& t = hit_terms_[i];
      if (is_const(t.op)) {
        const bool on = progs_[t.prog]->constants[const_index(t.op)] != 0;
        cr.hits[i] += on ? n : 0;
        if (replicated_ && on) cr.replicates.add_constant_hits(design_, i, n, first_path);
        continue;
      }
      const double* v = st.ws[t.prog].slot(t.op);
      cr.hits[i] += count_nonzero(v, n);
      if (replicated_) cr.replicates.add_hits(design_, i, v, n, first_path);
    }
  }

  ChunkResult run_chunk(std::uint64_t c, ThreadState& st) {
    ChunkResult cr;
    cr.index = c;
    cr.moments.resize(series_.size());
    for (std::size_t i = 0; i < cr.moments.size(); ++i) cr.moments[i].shift = centre_[i];
    cr.hits.assign(hit_terms_.size(), 0);
    cr.corr.assign(corrs_.size(), {0, 0, 0, 0, 0});
    // A run that may stop early keeps each chunk's sketches apart, so that chunks evaluated
    // past the stopping point are left out exactly.
    const bool own = opt_.target_se > 0;
    if (own) cr.sketches = make_sketches();
    std::vector<QuantileSketch>& sk = own ? cr.sketches : st.sketches;
    const std::uint64_t first = c * chunk_;
    const std::uint64_t last = std::min<std::uint64_t>(opt_.paths, first + chunk_);
    cr.paths = last - first;
    if (replicated_) cr.replicates.reset(design_, first, last, series_.size(), hit_terms_.size());
    for (std::uint64_t b = first; b < last; b += block()) {
      BlockSpec spec{opt_.seed, b, static_cast<std::size_t>(std::min<std::uint64_t>(block(), last - b)),
                     DrawMode::Sample, opt_.sampling, opt_.paths};
      spec.design = &design_;
      spec.iman_conover = opt_.iman_conover;
      for (std::size_t k = 0; k < progs_.size(); ++k) {
        if (auto err = run_block(*progs_[k], spec, st.ws[k])) {
          cr.error = err;
          cr.error_program = static_cast<std::uint32_t>(k);
          return cr;
        }
      }
      if (!accumulate_series(st, cr, sk, spec)) return cr;
      accumulate_correlations(st, cr, spec.size);
      count_hits(st, cr, spec.size, b);
    }
    return cr;
  }

  // Early stop: every stopping hit's Wilson half-width (so that p = 0 or 1 does not stop the run
  // after a few paths) is below the target standard error. A design run: at a replicate
  // boundary, from the spread of the whole replicates so far (Wilson while p is 0 or 1).
  bool all_known() const {
    if (opt_.target_se <= 0 || merged_paths_ < opt_.min_paths) return false;
    const std::uint32_t k = replicated_ ? reps_.complete(merged_paths_) : 0;
    if (replicated_ && (k < 2 || design_.start(k - 1) + design_.size(k - 1) != merged_paths_)) return false;
    for (std::size_t i = 0; i < stop_hits_; ++i) {
      auto [lo, hi] = Proportion{hits_[i], merged_paths_}.wilson();
      const bool ends = hits_[i] == 0 || hits_[i] == merged_paths_;
      const double se = replicated_ && !ends ? reps_.hit_se(i, k) : (hi - lo) / 2 / 1.959963984540054;
      if (se > opt_.target_se) return false;
    }
    return true;
  }

  // Latin Hypercube, quasi-Monte Carlo: the replicates (engine/design.hpp). False on a layout
  // the design refuses (r_.error says why).
  bool lay_out_design() {
    if (!replicated_) return true;
    try {
      design_ = Design(progs_, opt_.sampling, opt_.paths, opt_.replicates, opt_.target_se > 0 ? chunk_ : 0);
    } catch (const std::invalid_argument& e) {
      r_.error = Diagnostic{};
      r_.error->loc.file = UINT32_MAX;
      r_.error->message = e.what();
      return false;
    }
    reps_ = ReplicateTotals(design_, series_.size(), hit_terms_.size());
    r_.padded_dimensions = design_.padded_dimensions();
    return true;
  }

  // Every merged replicate is whole (a stop falls on a replicate boundary).
  void replicate_errors() {
    r_.replicates = reps_.complete(r_.paths);
    for (std::size_t i = 0; i < series_.size(); ++i) {
      r_.series[i].replicates = r_.replicates;
      r_.series[i].design_se = r_.series[i].constant ? 0.0 : reps_.series_se(i, r_.replicates);
    }
    for (std::size_t h = 0; h < hit_terms_.size(); ++h) r_.hit_se.push_back(reps_.hit_se(h, r_.replicates));
  }

  void merge_summary(ChunkSummary cr) {
    if (r_.error || stop_) return;
    if (cr.error) {
      r_.error = cr.error;
      r_.nonfinite_series = cr.nonfinite_series;
      r_.error_program = cr.error_program;
      stop_ = true;
      return;
    }
    for (std::size_t i = 0; i < total_.size(); ++i) total_[i].merge(cr.moments[i]);
    for (std::size_t i = 0; i < hits_.size(); ++i) hits_[i] += cr.hits[i];
    if (replicated_) reps_.merge(cr.replicates);
    for (std::size_t i = 0; i < cr.sketches.size(); ++i) sketches_[i].merge(cr.sketches[i]);
    for (std::size_t i = 0; i < cr.corr.size(); ++i)
      for (int k = 0; k < 5; ++k) corr_[i][k] += cr.corr[i][k];
    merged_paths_ += cr.paths;
    ++merged_chunks_;
    note_convergence(false);
    if (opt_.progress) opt_.progress(merged_paths_, opt_.paths);
    if (all_known()) {
      stop_ = true;
      r_.stopped_early = merged_paths_ < opt_.paths;
    }
  }

  // The convergence view (CoreResult::convergence): every hit proportion and its standard error
  // after 1, 2, 4, 8 … chunks and at the end; a design run after each whole replicate from the
  // second (the figures of the whole replicates so far, with their replicate standard error).
  void note_convergence(bool last) {
    ConvergencePoint pt;
    if (replicated_) {
      const std::uint32_t k = reps_.complete(merged_paths_);
      if (k < 2 || (!r_.convergence.empty() && r_.convergence.back().paths == design_.start(k - 1) + design_.size(k - 1)))
        return;
      pt.paths = design_.start(k - 1) + design_.size(k - 1);
      for (std::size_t h = 0; h < hits_.size(); ++h) {
        pt.p.push_back(reps_.hit_mean(h, k));
        pt.se.push_back(reps_.hit_se(h, k));
      }
    } else {
      const bool power = (merged_chunks_ & (merged_chunks_ - 1)) == 0;
      if (merged_paths_ == 0 || (!power && !last) ||
          (!r_.convergence.empty() && r_.convergence.back().paths == merged_paths_))
        return;
      pt.paths = merged_paths_;
      for (std::size_t h = 0; h < hits_.size(); ++h) {
        const Proportion pr{hits_[h], merged_paths_};
        pt.p.push_back(pr.p());
        pt.se.push_back(pr.std_error());
      }
    }
    r_.convergence.push_back(std::move(pt));
  }

  // Shared by processes: the root merges every chunk in order, pulling the others' in turn.
  void pull_until(std::uint64_t end) {
    for (; pulled_ < end && !stop_; ++pulled_)
      if (!ex_->mine(pulled_)) merge_summary(ex_->receive(pulled_));
  }

  void merge_chunk(ChunkResult cr) {
    if (!ex_) return merge_summary(summarize(std::move(cr)));
    if (!ex_->is_root()) {
      if (ex_->send(summarize(std::move(cr)))) stop_ = true;
      return;
    }
    pull_until(cr.index);
    pulled_ = cr.index + 1;
    merge_summary(summarize(std::move(cr)));
    if (stop_) ex_->stop_all();
  }

  // Chunks are produced in order, evaluated in parallel, and merged in order.
  void sample() {
    chunk_ = std::max<std::size_t>(block(), opt_.chunk_size / block() * block());
    const std::uint64_t n_chunks = (opt_.paths + chunk_ - 1) / chunk_;
    if (!lay_out_design()) return;
    const int n_threads = threads();
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(n_threads));
    tbb::task_arena arena(n_threads);
    tbb::enumerable_thread_specific<ThreadState*> local([&]() { return new_thread_state(); });
    ex_ = opt_.exchange;
    std::uint64_t next = 0;
    arena.execute([&] {
      tbb::parallel_pipeline(
          static_cast<std::size_t>(n_threads) * 2,
          tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::uint64_t {
                                                  while (ex_ && next < n_chunks && !ex_->mine(next)) ++next;
                                                  if (next >= n_chunks || stop_) {
                                                    fc.stop();
                                                    return 0;
                                                  }
                                                  return next++;
                                                }) &
              tbb::make_filter<std::uint64_t, ChunkResult>(
                  tbb::filter_mode::parallel, [&](std::uint64_t c) { return run_chunk(c, *local.local()); }) &
              tbb::make_filter<ChunkResult, void>(tbb::filter_mode::serial_in_order,
                                                  [&](ChunkResult cr) { merge_chunk(std::move(cr)); }));
    });
    for (auto& st : states_)
      for (std::size_t i = 0; i < sketches_.size(); ++i) {
        // Into an empty sketch, a move is the merge (same parameters, same counts) without the copy.
        if (sketches_[i].count() == 0) sketches_[i] = std::move(st->sketches[i]);
        else sketches_[i].merge(st->sketches[i]);
      }
    if (ex_) {
      if (ex_->is_root()) pull_until(n_chunks);
      if (ex_->is_root()) ex_->stop_all();
      ex_->finish();
      ex_->reduce_sketches(sketches_);
    }
    r_.paths = merged_paths_;
  }

  void finish() {
    if (!opt_.central) note_convergence(true);
    // Series that do not depend on any draw: every path has the central value.
    if (!opt_.central)
      for (std::size_t i = 0; i < series_.size(); ++i)
        if (constant_series(series_[i])) {
          total_[i].n = r_.paths;
          sketches_[i] = QuantileSketch(opt_.quantile_alpha, band_[i]);
          sketches_[i].add(centre_[i]);  // one entry is enough: every quantile is that value
        }
    // The Pearson correlation of the copula uniforms is the rank (Spearman) correlation achieved.
    for (const auto& c : corr_) {
      double n = double(r_.paths);
      double cov = c[4] / n - c[0] / n * c[1] / n;
      double va = c[2] / n - (c[0] / n) * (c[0] / n), vb = c[3] / n - (c[1] / n) * (c[1] / n);
      r_.correlations.push_back(va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : std::nan(""));
    }
    for (std::size_t i = 0; i < series_.size(); ++i) {
      sketches_[i].seal();  // the writers' many quantile queries
      r_.series.push_back(
          {total_[i], std::move(sketches_[i]), centre_[i], constant_series(series_[i]) || opt_.central});
    }
    if (replicated_) replicate_errors();
    r_.hits = std::move(hits_);
  }

  const std::vector<const Program*>& progs_;
  const std::vector<SeriesSpec>& series_;
  const std::vector<Term>& hit_terms_;
  const std::size_t stop_hits_;
  const RunOptions& opt_;
  const std::vector<CorrelationOut>& corrs_;
  CoreResult r_;
  std::vector<Workspace> central_;
  std::vector<double> centre_, band_;
  std::vector<QuantileWindows> windows_;
  std::vector<Moments> total_;
  std::vector<std::uint64_t> hits_;
  std::vector<CorrSums> corr_;
  std::vector<QuantileSketch> sketches_;
  std::size_t chunk_ = 0;
  std::mutex states_mutex_;
  std::vector<std::unique_ptr<ThreadState>> states_;
  std::uint64_t merged_paths_ = 0, merged_chunks_ = 0;
  // Written by the merge filter, read by the input filter: two serial filters that TBB may run
  // at the same time on two threads, so atomic (seeing it late only makes chunks that
  // merge_chunk drops). Everything else is owned by one filter (docs/design.md).
  std::atomic<bool> stop_{false};
  ChunkExchange* ex_ = nullptr;
  std::uint64_t pulled_ = 0;
  const bool replicated_ = opt_.sampling != Sampling::MonteCarlo && !opt_.central;
  Design design_;  // Latin Hypercube, quasi-Monte Carlo: replicates (engine/design.hpp)
  ReplicateTotals reps_;  // the root: chunks before this one are merged (or skipped: stopped)
};

}  // namespace

CoreResult run_core(const std::vector<const Program*>& progs, const std::vector<SeriesSpec>& series,
                    const std::vector<Term>& hit_terms, std::size_t stop_hits, const RunOptions& opt) {
  if (auto refused = check_run_memory(progs, series, opt)) {  // before anything is allocated
    CoreResult r;
    r.error = refused->error;
    r.error_program = refused->program;
    return r;
  }
  return Kernel(progs, series, hit_terms, stop_hits, opt).run();
}

RunResults simulate(const Program& p, const RunOptions& opt) {
  std::vector<SeriesSpec> series;
  std::vector<Term> hits;
  for (const auto& o : p.outputs)
    for (const auto& [y, op] : o.years) series.push_back({{0, op}, std::nullopt});
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years) series.push_back({{0, y.target}, std::nullopt});
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years)
      if (y.has_upper()) series.push_back({{0, y.target_hi}, std::nullopt});
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years) hits.push_back({0, y.met});
  const std::size_t stop_hits = hits.size();
  for (const auto& e : p.events)
    for (const auto& [y, op] : e.years) hits.push_back({0, op});

  CoreResult core = run_core({&p}, series, hits, stop_hits, opt);
  RunResults r;
  r.paths = core.paths;
  r.stopped_early = core.stopped_early;
  r.error = core.error;
  r.correlations = core.correlations;
  r.replicates = core.replicates;
  r.padded_dimensions = core.padded_dimensions;
  r.convergence = std::move(core.convergence);
  if (r.error && core.nonfinite_series != SIZE_MAX) {
    const SeriesName n = series_name(p, core.nonfinite_series);
    r.error->message = n.what + " " + r.error->message;
    r.error->loc = n.loc;
  }
  if (r.error) return r;
  // Scatter the flat figures back into the program's shape.
  std::size_t s = 0;
  for (const auto& o : p.outputs) {
    r.outputs.emplace_back();
    for (std::size_t k = 0; k < o.years.size(); ++k) r.outputs.back().push_back(std::move(core.series[s++]));
  }
  for (const auto& ind : p.indicators) {
    r.indicator_target.emplace_back();
    for (std::size_t k = 0; k < ind.years.size(); ++k)
      r.indicator_target.back().push_back(std::move(core.series[s++]));
  }
  for (const auto& ind : p.indicators) {
    r.indicator_target_hi.emplace_back(ind.years.size());
    for (std::size_t k = 0; k < ind.years.size(); ++k)
      if (ind.years[k].has_upper()) r.indicator_target_hi.back()[k] = std::move(core.series[s++]);
  }
  std::size_t h = 0;
  for (const auto& ind : p.indicators) {
    r.indicator_met.emplace_back();
    for (std::size_t k = 0; k < ind.years.size(); ++k, ++h)
      r.indicator_met.back().push_back({core.hits[h], r.paths, core.replicates, core.replicates ? core.hit_se[h] : 0});
  }
  for (const auto& e : p.events) {
    r.events.emplace_back();
    for (std::size_t k = 0; k < e.years.size(); ++k, ++h)
      r.events.back().push_back({core.hits[h], r.paths, core.replicates, core.replicates ? core.hit_se[h] : 0});
  }
  r.error = statistics_overflow(p, r);  // finite on every path, but a mean or variance overflows
  return r;
}

}  // namespace cogsim::engine
