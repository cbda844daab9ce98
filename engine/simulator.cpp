#include "engine/simulator.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <mutex>

namespace cogsim::engine {

namespace {

// Where each reported figure lives in the program, flattened once.
struct Layout {
  std::vector<Operand> series;     // outputs (by year), then indicator targets
  std::vector<Operand> hits;       // indicator met flags, then events
  std::size_t n_output_series = 0, n_indicator_hits = 0;
};

Layout layout(const Program& p) {
  Layout l;
  for (const auto& o : p.outputs)
    for (const auto& [y, op] : o.years) l.series.push_back(op);
  l.n_output_series = l.series.size();
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years) l.series.push_back(y.target);
  for (const auto& ind : p.indicators)
    for (const auto& y : ind.years) l.hits.push_back(y.met);
  l.n_indicator_hits = l.hits.size();
  for (const auto& e : p.events)
    for (const auto& [y, op] : e.years) l.hits.push_back(op);
  return l;
}

struct ChunkResult {
  std::uint64_t index = 0, paths = 0;
  std::vector<Moments> moments;
  std::vector<std::uint64_t> hits;
  std::vector<QuantileSketch> sketches;  // only when the run may stop early
  std::vector<std::array<double, 5>> corr;  // Σa, Σb, Σa², Σb², Σab of copula uniforms (centred)
  std::optional<Diagnostic> error;
};

struct ThreadState {
  Workspace ws;
  std::vector<QuantileSketch> sketches;
  std::vector<double> broadcast;
};

}  // namespace

RunResults simulate(const Program& p, const RunOptions& opt) {
  RunResults r;
  const Layout lay = layout(p);
  // The central path first: it gives the shift of every moment accumulator.
  CentralResult central = run_central(p);
  if (central.error) {
    r.error = central.error;
    return r;
  }
  std::vector<double> centre(lay.series.size());
  for (std::size_t i = 0; i < lay.series.size(); ++i) centre[i] = value_at(p, central.ws, lay.series[i], 0);

  std::vector<Moments> total(lay.series.size());
  for (std::size_t i = 0; i < total.size(); ++i) total[i].shift = centre[i];
  std::vector<std::uint64_t> hits(lay.hits.size(), 0);
  std::vector<std::array<double, 5>> corr(p.correlations.size(), {0, 0, 0, 0, 0});
  std::vector<QuantileSketch> sketches;
  // The zero band of each sketch is sized on the series' scale, from a fixed pilot block (the
  // first paths, the same whatever the threads), so a series that crosses zero keeps a bounded
  // number of buckets: |error| <= alpha·|x| + 1e-6·(|central| + pilot sd).
  std::vector<double> band(lay.series.size(), 1e-12);
  if (!opt.central) {
    Workspace pilot;
    const std::size_t n = 1024;
    pilot.reserve(p, n);
    BlockSpec spec{opt.seed, 0, n, DrawMode::Sample, Sampling::MonteCarlo, 0};
    if (auto err = run_block(p, spec, pilot)) {
      r.error = err;
      return r;
    }
    for (std::size_t i = 0; i < lay.series.size(); ++i) {
      Moments m;
      m.shift = centre[i];
      for (std::size_t k = 0; k < n; ++k) m.add(value_at(p, pilot, lay.series[i], k));
      band[i] = 1e-6 * (std::fabs(centre[i]) + m.sd()) + 1e-12;
    }
  }
  auto make_sketches = [&]() {
    std::vector<QuantileSketch> s;
    s.reserve(lay.series.size());
    for (std::size_t i = 0; i < lay.series.size(); ++i) s.emplace_back(opt.quantile_alpha, band[i]);
    return s;
  };
  sketches = make_sketches();

  if (opt.central) {
    r.paths = 1;
    for (std::size_t i = 0; i < lay.series.size(); ++i) {
      total[i].add(centre[i]);
      sketches[i].add(centre[i]);
    }
    for (std::size_t i = 0; i < lay.hits.size(); ++i) hits[i] = value_at(p, central.ws, lay.hits[i], 0) != 0;
  } else {
    const std::size_t block = std::max<std::size_t>(1, opt.block_size);
    const std::size_t chunk = std::max<std::size_t>(block, opt.chunk_size / block * block);
    const std::uint64_t n_chunks = (opt.paths + chunk - 1) / chunk;
    int threads = opt.threads > 0 ? opt.threads : tbb::this_task_arena::max_concurrency();
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    tbb::task_arena arena(threads);
    std::mutex states_mutex;
    std::vector<std::unique_ptr<ThreadState>> states;
    tbb::enumerable_thread_specific<ThreadState*> local([&]() {
      auto s = std::make_unique<ThreadState>();
      s->ws.reserve(p, block);
      s->sketches = make_sketches();
      std::lock_guard<std::mutex> lock(states_mutex);
      states.push_back(std::move(s));
      return states.back().get();
    });
    std::uint64_t next = 0, merged_paths = 0;
    bool stop = false;
    auto all_known = [&]() {
      if (opt.target_se <= 0 || merged_paths < opt.min_paths) return false;
      for (std::size_t i = 0; i < lay.n_indicator_hits; ++i) {
        Proportion pr{hits[i], merged_paths};
        // Use the Wilson half-width so that p = 0 or 1 does not stop the run after a few paths.
        auto [lo, hi] = pr.wilson();
        if ((hi - lo) / 2 / 1.959963984540054 > opt.target_se) return false;
      }
      return true;
    };
    arena.execute([&] {
      tbb::parallel_pipeline(
          static_cast<std::size_t>(threads) * 2,
          tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::uint64_t {
                                                  if (next >= n_chunks || stop) {
                                                    fc.stop();
                                                    return 0;
                                                  }
                                                  return next++;
                                                }) &
              tbb::make_filter<std::uint64_t, ChunkResult>(
                  tbb::filter_mode::parallel,
                  [&](std::uint64_t c) {
                    ThreadState& st = *local.local();
                    ChunkResult cr;
                    cr.index = c;
                    cr.moments.resize(lay.series.size());
                    for (std::size_t i = 0; i < cr.moments.size(); ++i) cr.moments[i].shift = centre[i];
                    cr.hits.assign(lay.hits.size(), 0);
                    cr.corr.assign(p.correlations.size(), {0, 0, 0, 0, 0});
                    // A run that may stop early keeps each chunk's sketches apart, so that chunks
                    // evaluated past the stopping point are left out exactly.
                    const bool own = opt.target_se > 0;
                    if (own) cr.sketches = make_sketches();
                    std::vector<QuantileSketch>& sk = own ? cr.sketches : st.sketches;
                    const std::uint64_t first = c * chunk;
                    const std::uint64_t last = std::min<std::uint64_t>(opt.paths, first + chunk);
                    cr.paths = last - first;
                    for (std::uint64_t b = first; b < last; b += block) {
                      BlockSpec spec{opt.seed, b, static_cast<std::size_t>(std::min<std::uint64_t>(block, last - b)),
                                     DrawMode::Sample, opt.sampling, opt.paths};
                      if (auto err = run_block(p, spec, st.ws)) {
                        cr.error = err;
                        return cr;
                      }
                      for (std::size_t i = 0; i < lay.series.size(); ++i) {
                        Operand o = lay.series[i];
                        if (is_const(o)) continue;  // known exactly: filled in at the end
                        const double* v = st.ws.slot(o);
                        cr.moments[i].add(v, spec.size);
                        sk[i].add(v, spec.size);
                      }
                      for (std::size_t i = 0; i < p.correlations.size(); ++i) {
                        const auto& c = p.correlations[i];
                        if (is_const(c.ua) || is_const(c.ub)) continue;
                        const double *ua = st.ws.slot(c.ua), *ub = st.ws.slot(c.ub);
                        auto& acc = cr.corr[i];
                        for (std::size_t k = 0; k < spec.size; ++k) {
                          double x = ua[k] - 0.5, y = ub[k] - 0.5;
                          acc[0] += x, acc[1] += y, acc[2] += x * x, acc[3] += y * y, acc[4] += x * y;
                        }
                      }
                      for (std::size_t i = 0; i < lay.hits.size(); ++i) {
                        Operand o = lay.hits[i];
                        if (is_const(o)) {
                          cr.hits[i] += p.constants[const_index(o)] != 0 ? spec.size : 0;
                          continue;
                        }
                        const double* v = st.ws.slot(o);
                        std::uint64_t h = 0;
                        for (std::size_t k = 0; k < spec.size; ++k) h += v[k] != 0;
                        cr.hits[i] += h;
                      }
                    }
                    return cr;
                  }) &
              tbb::make_filter<ChunkResult, void>(tbb::filter_mode::serial_in_order, [&](ChunkResult cr) {
                if (r.error || stop) return;
                if (cr.error) {
                  r.error = cr.error;
                  stop = true;
                  return;
                }
                for (std::size_t i = 0; i < total.size(); ++i) total[i].merge(cr.moments[i]);
                for (std::size_t i = 0; i < hits.size(); ++i) hits[i] += cr.hits[i];
                for (std::size_t i = 0; i < cr.corr.size(); ++i)
                  for (int k = 0; k < 5; ++k) corr[i][k] += cr.corr[i][k];
                for (std::size_t i = 0; i < cr.sketches.size(); ++i) sketches[i].merge(cr.sketches[i]);
                merged_paths += cr.paths;
                if (opt.progress) opt.progress(merged_paths, opt.paths);
                if (all_known()) {
                  stop = true;
                  r.stopped_early = merged_paths < opt.paths;
                }
              }));
    });
    for (auto& st : states)
      for (std::size_t i = 0; i < sketches.size(); ++i) sketches[i].merge(st->sketches[i]);
    r.paths = merged_paths;
  }
  if (r.error) return r;
  // Series that do not depend on any draw: every path has the central value.
  if (!opt.central)
    for (std::size_t i = 0; i < lay.series.size(); ++i)
      if (is_const(lay.series[i])) {
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
  // Scatter the flat figures back into the program's shape.
  std::size_t s = 0;
  for (const auto& o : p.outputs) {
    r.outputs.emplace_back();
    for (std::size_t k = 0; k < o.years.size(); ++k, ++s)
      r.outputs.back().push_back({total[s], std::move(sketches[s]), centre[s]});
  }
  for (const auto& ind : p.indicators) {
    r.indicator_target.emplace_back();
    for (std::size_t k = 0; k < ind.years.size(); ++k, ++s)
      r.indicator_target.back().push_back({total[s], std::move(sketches[s]), centre[s]});
  }
  std::size_t h = 0;
  for (const auto& ind : p.indicators) {
    r.indicator_met.emplace_back();
    for (std::size_t k = 0; k < ind.years.size(); ++k, ++h) r.indicator_met.back().push_back({hits[h], r.paths});
  }
  for (const auto& e : p.events) {
    r.events.emplace_back();
    for (std::size_t k = 0; k < e.years.size(); ++k, ++h) r.events.back().push_back({hits[h], r.paths});
  }
  return r;
}

}  // namespace cogsim::engine
