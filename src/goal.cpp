#include "src/goal.hpp"

#include <cmath>

#include "dsl/compiler.hpp"

namespace cogsim::app {

namespace {

struct Probe {
  double p = 0;
  std::string error;
  bool runtime = false;  // the error happened while running (status 5), not while compiling
};

Probe probability_at(const GoalRequest& q, double value, std::string& diagnostics) {
  dsl::Sources sources;
  dsl::CompileOptions options;
  options.param_overrides = q.overrides;
  options.param_overrides[q.param] = value;
  dsl::Compiled c = q.compile ? q.compile(options) : dsl::compile_file(q.model_path, sources, options);
  if (!c.program) {
    if (!q.compile) diagnostics = sources.format_all(c.diags);  // a hook's sources are its own
    return {0, "the model does not compile"};
  }
  const engine::Program& p = *c.program;
  engine::RunResults r = engine::simulate(p, q.run);
  if (r.error) {
    // located: file:line:col of the definition (a hook's sources are its own: the message alone)
    diagnostics = q.compile ? r.error->message + "\n" : sources.format(*r.error);
    return {0, "the model failed while running", true};
  }
  if (!q.indicator.empty()) {
    for (std::size_t i = 0; i < p.indicators.size(); ++i)
      if (p.indicators[i].id == q.indicator)
        for (std::size_t k = 0; k < p.indicators[i].years.size(); ++k)
          if (p.indicators[i].years[k].year == q.year) return {r.indicator_met[i][k].p(), ""};
    return {0, "indicator " + q.indicator + " has no target for " + std::to_string(q.year)};
  }
  for (std::size_t i = 0; i < p.events.size(); ++i)
    if (p.events[i].name == q.event)
      for (std::size_t k = 0; k < p.events[i].years.size(); ++k)
        if (p.events[i].years[k].first == q.year) return {r.events[i][k].p(), ""};
  return {0, "no event " + q.event + " for " + std::to_string(q.year)};
}

}  // namespace

GoalResult goal_seek(const GoalRequest& q) {
  GoalResult g;
  double lo = q.lo, hi = q.hi;
  Probe plo = probability_at(q, lo, g.diagnostics), phi = probability_at(q, hi, g.diagnostics);
  for (const Probe* p : {&plo, &phi})
    if (!p->error.empty()) {
      g.error = p->error;
      g.runtime = p->runtime;
      return g;
    }
  g.p_lo = plo.p;
  g.p_hi = phi.p;
  const double target = q.probability;
  if ((plo.p - target) * (phi.p - target) > 0) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "the probability does not cross %.4g between %g (P = %.4g) and %g (P = %.4g): widen --lo/--hi",
                  target, lo, plo.p, hi, phi.p);
    g.error = buf;
    return g;
  }
  const bool rising = phi.p > plo.p;
  const double tol = 1e-7 * std::max({1.0, std::fabs(lo), std::fabs(hi)});
  while (hi - lo > tol && g.iterations < 60) {
    double mid = 0.5 * (lo + hi);
    Probe pm = probability_at(q, mid, g.diagnostics);
    if (!pm.error.empty()) {
      g.error = pm.error;
      g.runtime = pm.runtime;
      return g;
    }
    ++g.iterations;
    if ((pm.p < target) == rising) lo = mid;
    else hi = mid;
  }
  g.value = 0.5 * (lo + hi);
  g.p_at_value = probability_at(q, g.value, g.diagnostics).p;
  // Uncertainty of the answer: the standard error of P at the answer over the local slope.
  const double h = (q.hi - q.lo) / 40;
  double slope = (probability_at(q, g.value + h, g.diagnostics).p - probability_at(q, g.value - h, g.diagnostics).p) / (2 * h);
  double n = double(q.run.paths);
  double se_p = std::sqrt(std::max(target * (1 - target), 1e-12) / n);
  g.std_error = slope != 0 ? se_p / std::fabs(slope) : std::nan("");
  return g;
}

}  // namespace cogsim::app
