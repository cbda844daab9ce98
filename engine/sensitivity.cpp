#include "engine/sensitivity.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>

#include "engine/dependencies.hpp"
#include "engine/evaluator.hpp"
#include "engine/random.hpp"

namespace cogsim::engine {

namespace {

constexpr std::size_t kBlock = 1024;

// A copy of the program where every draw keeps its own slot to the end of the block (the
// compiler recycles slots once a value is dead), so the draws can be read after evaluation.
// Reads of a recycled slot are renamed for as long as the draw's value is the one held there.
Program pin_draws(const Program& in) {
  Program p = in;
  std::vector<Operand> pinned(static_cast<std::size_t>(p.num_slots), -1);  // slot -> pinned slot
  auto rename = [&](Operand& o) {
    if (!is_const(o) && pinned[static_cast<std::size_t>(o)] >= 0) o = pinned[static_cast<std::size_t>(o)];
  };
  for (auto& ins : p.code) {
    for_each_operand(p, ins, rename);
    const auto d = static_cast<std::size_t>(ins.dst);
    if (ins.op == Op::Draw) {
      pinned[d] = p.num_slots++;
      ins.dst = pinned[d];
    } else {
      pinned[d] = -1;  // the slot now holds another value
    }
  }
  for_each_result(p, rename);
  return p;
}

// Evaluates `target` (and optionally every draw) for paths [0, n) with per-group seeds.
// Blocks are independent and write to their own rows: the result does not depend on threads.
std::optional<Diagnostic> sample(const Program& p, Operand target, std::uint64_t n, std::uint64_t seed,
                                 const std::vector<std::uint64_t>* group_seed, std::vector<double>& out,
                                 std::vector<std::vector<double>>* draws, const std::vector<double>* group_u = nullptr) {
  out.assign(n, 0);
  std::vector<Operand> draw_slots;
  for (const auto& in : p.code)
    if (in.op == Op::Draw) draw_slots.push_back(in.dst);
  if (draws) draws->assign(draw_slots.size(), std::vector<double>(n));
  std::optional<Diagnostic> error;
  std::mutex m;
  const std::uint64_t blocks = (n + kBlock - 1) / kBlock;
  tbb::parallel_for(std::uint64_t(0), blocks, [&](std::uint64_t b) {
    Workspace ws;
    ws.reserve(p, kBlock);
    BlockSpec spec{seed, b * kBlock, std::size_t(std::min<std::uint64_t>(kBlock, n - b * kBlock)), DrawMode::Sample};
    spec.group_seed = group_seed;
    spec.group_u = group_u;
    if (auto e = run_block(p, spec, ws)) {
      std::lock_guard<std::mutex> lock(m);
      error = e;
      return;
    }
    for (std::size_t i = 0; i < spec.size; ++i) out[spec.first_path + i] = value_at(p, ws, target, i);
    if (draws)
      for (std::size_t d = 0; d < draw_slots.size(); ++d)
        for (std::size_t i = 0; i < spec.size; ++i) (*draws)[d][spec.first_path + i] = ws.slot(draw_slots[d])[i];
  });
  return error;
}

std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < idx.size();) {  // ties get their average rank
    std::size_t j = i;
    while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = 0.5 * double(i + j);
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= double(a.size()), mb /= double(b.size());
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

struct SobolSums {
  double first, total;
};

// Saltelli (2010) first order and Jansen (1999) total, on the paths listed in `idx`, with f centred
// by the mean f0 of the A and B evaluations (as SALib does by standardising the output):
//   S1 = mean((f_B − f0)(f_AB − f_A)) / V,   ST = mean((f_A − f_AB)²) / (2V),
//   V = mean over A and B of (f − f0)².
// Without the centring, S1's estimator carries f0·mean(f_AB − f_A), whose variance grows with
// (f0/sd)²: an output whose mean is 5 sd needs ~25× the paths for the same precision. Two passes,
// so that an offset of 10⁹ on an sd of 1 costs no precision either.
SobolSums sobol_estimate(const std::vector<double>& fa, const std::vector<double>& fb, const std::vector<double>& fab,
                         const std::vector<std::uint64_t>& idx) {
  double f0 = 0;
  for (std::uint64_t i : idx) f0 += fa[i] + fb[i];
  const double n = double(idx.size());
  f0 /= 2 * n;
  double var = 0, s1 = 0, st = 0;
  for (std::uint64_t i : idx) {
    const double a = fa[i] - f0, b = fb[i] - f0, d = fab[i] - fa[i];
    var += a * a + b * b;
    s1 += b * d;
    st += d * d;
  }
  var /= 2 * n;
  if (!(var > 0)) return {0, 0};
  return {s1 / n / var, st / (2 * n) / var};
}

// Tornado: each group alone at its P10 and P90, the others at their means; largest swing first.
// The spider chart's points: the same at each of kSpiderCentiles (one path each).
std::optional<Diagnostic> tornado(const Program& p, Operand bar_target, const std::vector<bool>& feeds,
                                  SensitivityResults& r) {
  const std::size_t groups = p.draw_groups.size();
  Workspace ws;
  ws.reserve(p, 1);
  BlockSpec spec;
  spec.mode = DrawMode::Fixed;
  std::vector<double> u(groups, std::nan(""));
  spec.group_u = &u;
  if (auto e = run_block(p, spec, ws)) return e;
  r.central = value_at(p, ws, bar_target, 0);
  for (std::size_t g = 0; g < groups; ++g) {
    if (!feeds[g]) continue;
    TornadoBar bar;
    bar.input = p.draw_groups[g];
    for (double c : kSpiderCentiles) {
      u[g] = c;
      run_block(p, spec, ws);
      const double v = value_at(p, ws, bar_target, 0);
      bar.spider.push_back(v);
      if (c == 0.1) bar.low = v;
      if (c == 0.9) bar.high = v;
    }
    u[g] = std::nan("");
    r.tornado.push_back(bar);
  }
  std::stable_sort(r.tornado.begin(), r.tornado.end(), [](const TornadoBar& a, const TornadoBar& b) {
    return std::fabs(a.high - a.low) > std::fabs(b.high - b.low);
  });
  return std::nullopt;
}

// Contributions to variance: squared rank correlations of each draw with the output, by group.
void contributions(const Program& p, const std::vector<double>& fa, const std::vector<std::vector<double>>& draws,
                   const std::vector<bool>& feeds, SensitivityResults& r) {
  const std::size_t groups = p.draw_groups.size();
  std::vector<double> out_rank = ranks(fa);
  std::vector<double> sum_sq(groups, 0), strongest(groups, 0);
  std::size_t d = 0;
  for (const auto& in : p.code) {
    if (in.op != Op::Draw) continue;
    if (!feeds[in.group]) {
      ++d;
      continue;
    }
    double rho = pearson(ranks(draws[d++]), out_rank);
    sum_sq[in.group] += rho * rho;
    if (std::fabs(rho) > std::fabs(strongest[in.group])) strongest[in.group] = rho;
  }
  double total = std::accumulate(sum_sq.begin(), sum_sq.end(), 0.0);
  for (std::size_t g = 0; g < groups; ++g)
    if (feeds[g])
      r.contributions.push_back({p.draw_groups[g], strongest[g], total > 0 ? sum_sq[g] / total : 0});
  std::stable_sort(r.contributions.begin(), r.contributions.end(),
                   [](const Contribution& a, const Contribution& b) { return a.share > b.share; });
}

// A Sobol index with its bootstrap interval: the estimate on all paths, then on each resample.
SobolIndex sobol_index(const std::string& group, const std::vector<double>& fa, const std::vector<double>& fb,
                       const std::vector<double>& fab, const std::vector<std::vector<std::uint64_t>>& resamples) {
  std::vector<std::uint64_t> all(fa.size());
  std::iota(all.begin(), all.end(), 0);
  SobolIndex s{group};
  SobolSums est = sobol_estimate(fa, fb, fab, all);
  s.first = est.first;
  s.total = est.total;
  std::vector<double> firsts, totals;
  for (const auto& idx : resamples) {
    SobolSums e = sobol_estimate(fa, fb, fab, idx);
    firsts.push_back(e.first);
    totals.push_back(e.total);
  }
  auto pct = [](std::vector<double> v, double q) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(q * double(v.size())))];
  };
  s.first_lo = pct(firsts, 0.025), s.first_hi = pct(firsts, 0.975);
  s.total_lo = pct(totals, 0.025), s.total_hi = pct(totals, 0.975);
  return s;
}

// The tornado in probability: each group held at its P10, then its P90, the others drawn on the
// paths of matrix A (fa); the change of the mean with its paired standard error.
std::optional<Diagnostic> probability_tornado(const Program& p, Operand target, std::uint64_t n, std::uint64_t seed,
                                              const std::vector<bool>& feeds, const std::vector<double>& fa,
                                              SensitivityResults& r) {
  std::vector<double> u(p.draw_groups.size(), std::nan("")), f;
  auto shifted = [&](double& mean, double& se) {
    double sum = 0, sq = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const double d = f[i] - fa[i];
      sum += d, sq += d * d;
    }
    const double md = sum / double(n);
    mean = r.mean + md;
    se = n > 1 ? std::sqrt(std::max(0.0, (sq - double(n) * md * md) / double(n - 1)) / double(n)) : 0;
  };
  for (std::size_t g = 0; g < u.size(); ++g) {
    if (!feeds[g]) continue;
    ProbabilityBar bar{p.draw_groups[g]};
    for (double q : {0.1, 0.9}) {
      u[g] = q;
      if (auto e = sample(p, target, n, seed, nullptr, f, nullptr, &u)) return e;
      q < 0.5 ? shifted(bar.low, bar.low_se) : shifted(bar.high, bar.high_se);
    }
    u[g] = std::nan("");
    r.probability_tornado.push_back(bar);
  }
  std::stable_sort(r.probability_tornado.begin(), r.probability_tornado.end(),
                   [](const ProbabilityBar& a, const ProbabilityBar& b) {
                     return std::fabs(a.high - a.low) > std::fabs(b.high - b.low);
                   });
  return std::nullopt;
}

// Each group's value on a path (the mean of its draws) on the paths where the flag is 0 and 1.
// A group's value on a path is the mean of its draws the flag reads (e.g. the centres' activity
// of each year, not the other entities'), or of all its draws when it only feeds a copula.
void missed_profiles(const Program& p, const std::vector<double>& fa, const std::vector<std::vector<double>>& draws,
                     const std::vector<bool>& feeds, const std::vector<bool>& read, SensitivityResults& r) {
  const std::size_t n = fa.size();
  std::uint64_t missed = 0;
  for (double v : fa) missed += v < 0.5;
  r.missed_paths = missed;
  if (missed == 0 || missed == n) return;
  std::vector<std::vector<double>> value(p.draw_groups.size());
  std::vector<int> count(p.draw_groups.size(), 0);
  std::vector<bool> any_read(p.draw_groups.size(), false);
  std::size_t d = 0;
  for (const auto& in : p.code)
    if (in.op == Op::Draw && read[d++]) any_read[in.group] = true;
  d = 0;
  for (const auto& in : p.code) {
    if (in.op != Op::Draw) continue;
    if (!read[d++] && any_read[in.group]) continue;
    auto& v = value[in.group];
    if (v.empty()) v.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) v[i] += draws[d - 1][i];
    ++count[in.group];
  }
  for (std::size_t g = 0; g < value.size(); ++g) {
    if (!feeds[g] || value[g].empty()) continue;
    for (double& x : value[g]) x /= count[g];
    const std::vector<double> rk = ranks(value[g]);
    MissedProfile m{p.draw_groups[g]};
    for (std::size_t i = 0; i < n; ++i) {
      const bool miss = fa[i] < 0.5;
      (miss ? m.mean_missed : m.mean_met) += value[g][i];
      (miss ? m.centile_missed : m.centile_met) += rk[i] / double(n - 1);
    }
    m.mean_missed /= double(missed), m.centile_missed /= double(missed);
    m.mean_met /= double(n - missed), m.centile_met /= double(n - missed);
    r.missed.push_back(m);
  }
  std::stable_sort(r.missed.begin(), r.missed.end(), [](const MissedProfile& a, const MissedProfile& b) {
    return std::fabs(a.centile_missed - a.centile_met) > std::fabs(b.centile_missed - b.centile_met);
  });
}

// Sobol indices with bootstrap intervals: matrix B (another seed), and A with group g's draws
// taken from B; the paths resampled from a fixed generator.
void sobol_indices(const Program& p, Operand target, const std::vector<bool>& feeds, const std::vector<double>& fa,
                   const SensitivityOptions& opt, SensitivityResults& r) {
  const std::uint64_t n = opt.paths, seed_a = opt.seed, seed_b = mix64(opt.seed ^ 0x5EEDB5EEDull);
  const std::size_t groups = p.draw_groups.size();
  std::vector<double> fb;
  sample(p, target, n, seed_b, nullptr, fb, nullptr);
  std::vector<std::vector<std::uint64_t>> resamples(std::size_t(std::max(0, opt.bootstrap)));
  for (std::size_t b = 0; b < resamples.size(); ++b) {
    resamples[b].resize(n);
    for (std::uint64_t i = 0; i < n; ++i)
      resamples[b][i] = std::min<std::uint64_t>(n - 1, std::uint64_t(uniform_at(opt.seed, 0xB007 + b, i) * double(n)));
  }
  for (std::size_t g = 0; g < groups; ++g) {
    if (!feeds[g]) continue;
    std::vector<std::uint64_t> seeds(groups, seed_a);
    seeds[g] = seed_b;
    std::vector<double> fab;
    sample(p, target, n, seed_a, &seeds, fab, nullptr);
    r.sobol.push_back(sobol_index(p.draw_groups[g], fa, fb, fab, resamples));
    if (opt.keep_evaluations) r.evaluations.ab_inputs.push_back(p.draw_groups[g]), r.evaluations.ab.push_back(std::move(fab));
  }
  if (opt.keep_evaluations) r.evaluations.a = fa, r.evaluations.b = std::move(fb);
  std::stable_sort(r.sobol.begin(), r.sobol.end(),
                   [](const SobolIndex& a, const SobolIndex& b) { return a.total > b.total; });
}

}  // namespace

SensitivityResults sensitivity(const Program& compiled, Operand target_in, const SensitivityOptions& opt,
                               std::optional<Operand> tornado_on) {
  // The targets are given in the compiled program's slots; pin_draws renames them consistently
  // only through the program's roots, so look them up as roots of a copy.
  Program marked = compiled;
  marked.outputs.push_back({"__target", "", "", "", {{0, target_in}, {1, tornado_on.value_or(target_in)}}, {UINT32_MAX, 0, 0}, ""});
  const Program p = pin_draws(marked);
  const Operand target = p.outputs.back().years[0].second;
  const Operand bar_target = p.outputs.back().years[1].second;
  SensitivityResults r;
  const int threads = opt.threads > 0 ? opt.threads : tbb::this_task_arena::max_concurrency();
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::size_t groups = p.draw_groups.size();
  const std::vector<bool> feeds = groups_feeding(compiled, {target_in, tornado_on.value_or(target_in)});
  for (std::size_t g = 0; g < groups; ++g)
    if (!feeds[g]) r.no_effect.push_back(p.draw_groups[g]);
  if ((r.error = tornado(p, bar_target, feeds, r))) return r;
  // Matrix A (the seed); Sobol's matrices in sobol_indices.
  const std::uint64_t n = opt.paths, seed_a = opt.seed;
  std::vector<double> fa;
  std::vector<std::vector<double>> draws;
  if ((r.error = sample(p, target, n, seed_a, nullptr, fa, &draws))) return r;
  // Two passes, the first about the first value: sum(x²) − n·mean² cancels catastrophically for a
  // large level with a small spread (a constant −13.6 M€ came out with variance −158 and a mean
  // 5e-6 € off its value). A constant gives its value and variance 0 exactly.
  double shifted = 0;
  for (std::uint64_t i = 0; i < n; ++i) shifted += fa[i] - fa[0];
  r.mean = n > 0 ? fa[0] + shifted / double(n) : 0;
  r.paths = n;
  double ss = 0;
  for (std::uint64_t i = 0; i < n; ++i) ss += (fa[i] - r.mean) * (fa[i] - r.mean);
  r.variance = n > 1 ? ss / double(n - 1) : 0;
  contributions(p, fa, draws, feeds, r);
  if (opt.probability) {
    missed_profiles(p, fa, draws, feeds, draws_feeding(p, {target}), r);
    if ((r.error = probability_tornado(p, target, n, seed_a, feeds, fa, r))) return r;
  }
  if (opt.sobol) sobol_indices(p, target, feeds, fa, opt, r);
  return r;
}

}  // namespace cogsim::engine
