#include "engine/simulator.hpp"

#include "engine/partition.hpp"

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
                 std::move(cr.error), cr.nonfinite_series};
  s.moments.reserve(cr.moments.size());
  for (const auto& m : cr.moments) s.moments.push_back(m.fold());
  return s;
}

}  // namespace

CoreResult run_core(const std::vector<const Program*>& progs, const std::vector<SeriesSpec>& series,
                    const std::vector<Term>& hit_terms, std::size_t stop_hits, const RunOptions& opt) {
  CoreResult r;
  // The central path of each program first: it gives the shift of every moment accumulator.
  std::vector<Workspace> central(progs.size());
  for (std::size_t k = 0; k < progs.size(); ++k) {
    CentralResult c = run_central(*progs[k]);
    if (c.error) {
      r.error = c.error;
      return r;
    }
    central[k] = std::move(c.ws);
  }
  auto series_value = [&](const std::vector<Workspace>& ws, const SeriesSpec& s, std::size_t i) {
    double v = value_of(progs, ws, s.plus, i);
    return s.minus ? v - value_of(progs, ws, *s.minus, i) : v;
  };
  std::vector<double> centre(series.size());
  for (std::size_t i = 0; i < series.size(); ++i) {
    centre[i] = series_value(central, series[i], 0);
    if (!std::isfinite(centre[i])) {
      Diagnostic d;
      d.loc.file = UINT32_MAX;
      d.message = "series " + std::to_string(i) +
                  " is not a finite number on the central path (a logarithm or square root of a negative "
                  "number, or a division by zero?)";
      r.error = d;
      r.nonfinite_series = i;
      return r;
    }
  }

  std::vector<Moments> total(series.size());
  for (std::size_t i = 0; i < total.size(); ++i) total[i].shift = centre[i];
  std::vector<std::uint64_t> hits(hit_terms.size(), 0);
  const auto& corrs = progs[0]->correlations;
  std::vector<CorrSums> corr(corrs.size(), {0, 0, 0, 0, 0});

  // A pilot sample (the first paths, Monte Carlo, the same whatever the threads) sizes the zero band
  // of each sketch on the series' scale, so a series that crosses zero keeps a bounded number of
  // buckets (|error| <= alpha·|x| + 1e-6·(|central| + pilot sd)), and places the fine quantile
  // windows that each sketch carries around the reported levels (engine/quantiles.hpp).
  std::vector<double> band(series.size(), 1e-12);
  std::vector<QuantileWindows> windows(series.size());
  if (!opt.central) {
    const std::size_t n = pilot_paths(opt.paths), piece = 1024, n_pieces = (n + piece - 1) / piece;
    std::vector<PilotSample> pilot(series.size());
    std::vector<std::vector<PilotSample>> extremes(n_pieces, std::vector<PilotSample>(series.size()));
    for (auto& ps : pilot) ps.values.resize(n);
    std::vector<std::optional<Diagnostic>> errs(n_pieces);
    tbb::task_arena(opt.threads > 0 ? opt.threads : tbb::this_task_arena::max_concurrency()).execute([&] {
      tbb::parallel_for(std::size_t{0}, n_pieces, [&](std::size_t p) {
        std::vector<Workspace> ws(progs.size());
        BlockSpec spec{opt.seed, p * piece, std::min(piece, n - p * piece), DrawMode::Sample, Sampling::MonteCarlo, 0};
        for (std::size_t k = 0; k < progs.size() && !errs[p]; ++k) {
          ws[k].reserve(*progs[k], spec.size);
          errs[p] = run_block(*progs[k], spec, ws[k]);
        }
        for (std::size_t i = 0; i < series.size() && !errs[p]; ++i)
          for (std::size_t k = 0; k < spec.size; ++k)
            pilot[i].values[spec.first_path + k] = extremes[p][i].note(series_value(ws, series[i], k));
      });
    });
    for (auto& e : errs)
      if (e) {
        r.error = e;
        return r;
      }
    for (std::size_t i = 0; i < series.size(); ++i) {
      for (const auto& e : extremes) pilot[i].merge_extremes(e[i]);
      Moments m;
      m.shift = centre[i];
      m.add(pilot[i].values.data(), pilot[i].values.size());
      band[i] = 1e-6 * (std::fabs(centre[i]) + m.sd()) + 1e-12;
      if (!std::isfinite(band[i])) band[i] = 1e-12;  // a NaN or infinity is reported below
      windows[i] = place_windows(std::move(pilot[i]), reported_quantiles(), opt.paths);
    }
  }
  auto make_sketches = [&]() {
    std::vector<QuantileSketch> s;
    s.reserve(series.size());
    for (std::size_t i = 0; i < series.size(); ++i) {
      s.emplace_back(opt.quantile_alpha, band[i]);
      s.back().set_windows(windows[i]);  // counts allocated on first use
    }
    return s;
  };
  std::vector<QuantileSketch> sketches = make_sketches();

  if (opt.central) {
    r.paths = 1;
    for (std::size_t i = 0; i < series.size(); ++i) {
      total[i].add(centre[i]);
      sketches[i].add(centre[i]);
    }
    for (std::size_t i = 0; i < hit_terms.size(); ++i) hits[i] = value_of(progs, central, hit_terms[i], 0) != 0;
  } else {
    const std::size_t block = std::max<std::size_t>(1, opt.block_size);
    const std::size_t chunk = std::max<std::size_t>(block, opt.chunk_size / block * block);
    const std::uint64_t n_chunks = (opt.paths + chunk - 1) / chunk;
    const int threads = opt.threads > 0 ? opt.threads : tbb::this_task_arena::max_concurrency();
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    tbb::task_arena arena(threads);
    std::mutex states_mutex;
    std::vector<std::unique_ptr<ThreadState>> states;
    tbb::enumerable_thread_specific<ThreadState*> local([&]() {
      auto s = std::make_unique<ThreadState>();
      s->ws.resize(progs.size());
      for (std::size_t k = 0; k < progs.size(); ++k) s->ws[k].reserve(*progs[k], block);
      s->sketches = make_sketches();
      s->diff.resize(block);
      std::lock_guard<std::mutex> lock(states_mutex);
      states.push_back(std::move(s));
      return states.back().get();
    });
    std::uint64_t next = 0, merged_paths = 0;
    // Written by the merge filter, read by the input filter: two serial filters that TBB may run
    // at the same time on two threads, so atomic (seeing it late only makes chunks that
    // merge_chunk drops). Everything else is owned by one filter (docs/design.md).
    std::atomic<bool> stop{false};
    auto all_known = [&]() {
      if (opt.target_se <= 0 || merged_paths < opt.min_paths) return false;
      for (std::size_t i = 0; i < stop_hits; ++i) {
        // The Wilson half-width, so that p = 0 or 1 does not stop the run after a few paths.
        auto [lo, hi] = Proportion{hits[i], merged_paths}.wilson();
        if ((hi - lo) / 2 / 1.959963984540054 > opt.target_se) return false;
      }
      return true;
    };
    auto run_chunk = [&](std::uint64_t c) {
      ThreadState& st = *local.local();
      ChunkResult cr;
      cr.index = c;
      cr.moments.resize(series.size());
      for (std::size_t i = 0; i < cr.moments.size(); ++i) cr.moments[i].shift = centre[i];
      cr.hits.assign(hit_terms.size(), 0);
      cr.corr.assign(corrs.size(), {0, 0, 0, 0, 0});
      // A run that may stop early keeps each chunk's sketches apart, so that chunks evaluated
      // past the stopping point are left out exactly.
      const bool own = opt.target_se > 0;
      if (own) cr.sketches = make_sketches();
      std::vector<QuantileSketch>& sk = own ? cr.sketches : st.sketches;
      const std::uint64_t first = c * chunk;
      const std::uint64_t last = std::min<std::uint64_t>(opt.paths, first + chunk);
      cr.paths = last - first;
      for (std::uint64_t b = first; b < last; b += block) {
        BlockSpec spec{opt.seed, b, static_cast<std::size_t>(std::min<std::uint64_t>(block, last - b)),
                       DrawMode::Sample, opt.sampling, opt.paths};
        for (std::size_t k = 0; k < progs.size(); ++k) {
          if (auto err = run_block(*progs[k], spec, st.ws[k])) {
            cr.error = err;
            return cr;
          }
        }
        for (std::size_t i = 0; i < series.size(); ++i) {
          const SeriesSpec& s = series[i];
          if (constant_series(s)) continue;  // known exactly: filled in at the end
          const double* v;
          if (!s.minus && !is_const(s.plus.op)) {
            v = st.ws[s.plus.prog].slot(s.plus.op);
          } else {
            for (std::size_t k = 0; k < spec.size; ++k) st.diff[k] = series_value(st.ws, s, k);
            v = st.diff.data();
          }
          cr.moments[i].add(v, spec.size, b);
          try {
            sk[i].add(v, spec.size);  // its index pass already tests every value for NaN and infinity
          } catch (const std::domain_error&) {
            const std::size_t k = static_cast<std::size_t>(
                std::find_if(v, v + spec.size, [](double x) { return !std::isfinite(x); }) - v);
            Diagnostic d;
            d.loc.file = UINT32_MAX;
            d.message = "series " + std::to_string(i) + " is not a finite number on path " + std::to_string(b + k) +
                        " (a logarithm or square root of a negative number, or a division by zero?)";
            cr.error = d;
            cr.nonfinite_series = i;
            return cr;
          }
        }
        for (std::size_t i = 0; i < corrs.size(); ++i) {
          const auto& co = corrs[i];
          if (is_const(co.ua) || is_const(co.ub)) continue;
          const double *ua = st.ws[0].slot(co.ua), *ub = st.ws[0].slot(co.ub);
          auto& acc = cr.corr[i];
          for (std::size_t k = 0; k < spec.size; ++k) {
            double x = ua[k] - 0.5, y = ub[k] - 0.5;
            acc[0] += x, acc[1] += y, acc[2] += x * x, acc[3] += y * y, acc[4] += x * y;
          }
        }
        for (std::size_t i = 0; i < hit_terms.size(); ++i) {
          const Term& t = hit_terms[i];
          if (is_const(t.op)) {
            cr.hits[i] += progs[t.prog]->constants[const_index(t.op)] != 0 ? spec.size : 0;
            continue;
          }
          const double* v = st.ws[t.prog].slot(t.op);
          cr.hits[i] += count_nonzero(v, spec.size);
        }
      }
      return cr;
    };
    auto merge_summary = [&](ChunkSummary cr) {
      if (r.error || stop) return;
      if (cr.error) {
        r.error = cr.error;
        r.nonfinite_series = cr.nonfinite_series;
        stop = true;
        return;
      }
      for (std::size_t i = 0; i < total.size(); ++i) total[i].merge(cr.moments[i]);
      for (std::size_t i = 0; i < hits.size(); ++i) hits[i] += cr.hits[i];
      for (std::size_t i = 0; i < cr.sketches.size(); ++i) sketches[i].merge(cr.sketches[i]);
      for (std::size_t i = 0; i < cr.corr.size(); ++i)
        for (int k = 0; k < 5; ++k) corr[i][k] += cr.corr[i][k];
      merged_paths += cr.paths;
      if (opt.progress) opt.progress(merged_paths, opt.paths);
      if (all_known()) {
        stop = true;
        r.stopped_early = merged_paths < opt.paths;
      }
    };
    // Shared by processes: the root merges every chunk in order, pulling the others' in turn.
    ChunkExchange* const ex = opt.exchange;
    std::uint64_t pulled = 0;  // the root: chunks before this one are merged (or skipped: stopped)
    auto pull_until = [&](std::uint64_t end) {
      for (; pulled < end && !stop; ++pulled)
        if (!ex->mine(pulled)) merge_summary(ex->receive(pulled));
    };
    auto merge_chunk = [&](ChunkResult cr) {
      if (!ex) return merge_summary(summarize(std::move(cr)));
      if (!ex->is_root()) {
        if (ex->send(summarize(std::move(cr)))) stop = true;
        return;
      }
      pull_until(cr.index);
      pulled = cr.index + 1;
      merge_summary(summarize(std::move(cr)));
      if (stop) ex->stop_all();
    };
    // Chunks are produced in order, evaluated in parallel, and merged in order.
    arena.execute([&] {
      tbb::parallel_pipeline(
          static_cast<std::size_t>(threads) * 2,
          tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::uint64_t {
                                                  while (ex && next < n_chunks && !ex->mine(next)) ++next;
                                                  if (next >= n_chunks || stop) {
                                                    fc.stop();
                                                    return 0;
                                                  }
                                                  return next++;
                                                }) &
              tbb::make_filter<std::uint64_t, ChunkResult>(tbb::filter_mode::parallel, run_chunk) &
              tbb::make_filter<ChunkResult, void>(tbb::filter_mode::serial_in_order, merge_chunk));
    });
    for (auto& st : states)
      for (std::size_t i = 0; i < sketches.size(); ++i) {
        // Into an empty sketch, a move is the merge (same parameters, same counts) without the copy.
        if (sketches[i].count() == 0) sketches[i] = std::move(st->sketches[i]);
        else sketches[i].merge(st->sketches[i]);
      }
    if (ex) {
      if (ex->is_root()) pull_until(n_chunks);
      if (ex->is_root()) ex->stop_all();
      ex->finish();
      ex->reduce_sketches(sketches);
    }
    r.paths = merged_paths;
  }
  if (r.error) return r;
  // Series that do not depend on any draw: every path has the central value.
  if (!opt.central)
    for (std::size_t i = 0; i < series.size(); ++i)
      if (constant_series(series[i])) {
        total[i].n = r.paths;
        sketches[i] = QuantileSketch(opt.quantile_alpha, band[i]);
        sketches[i].add(centre[i]);  // one entry is enough: every quantile is that value
      }
  // The Pearson correlation of the copula uniforms is the rank (Spearman) correlation achieved.
  for (const auto& c : corr) {
    double n = double(r.paths);
    double cov = c[4] / n - c[0] / n * c[1] / n;
    double va = c[2] / n - (c[0] / n) * (c[0] / n), vb = c[3] / n - (c[1] / n) * (c[1] / n);
    r.correlations.push_back(va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : std::nan(""));
  }
  for (std::size_t i = 0; i < series.size(); ++i)
    r.series.push_back({total[i], std::move(sketches[i]), centre[i], constant_series(series[i]) || opt.central});
  r.hits = std::move(hits);
  return r;
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
  if (r.error && core.nonfinite_series != SIZE_MAX) {
    const SeriesName n = series_name(p, core.nonfinite_series);
    const std::string msg = r.error->message;
    r.error->message = n.what + msg.substr(msg.find(" is not"));
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
    for (std::size_t k = 0; k < ind.years.size(); ++k) r.indicator_met.back().push_back({core.hits[h++], r.paths});
  }
  for (const auto& e : p.events) {
    r.events.emplace_back();
    for (std::size_t k = 0; k < e.years.size(); ++k) r.events.back().push_back({core.hits[h++], r.paths});
  }
  r.error = statistics_overflow(p, r);  // finite on every path, but a mean or variance overflows
  return r;
}

}  // namespace cogsim::engine
