#include "src/goal.hpp"

#include <algorithm>
#include <cmath>

#include "dsl/compiler.hpp"
#include "src/fr_format.hpp"

namespace cogsim::app {

namespace {

using report::fr_number;
using report::fr_percent;
using report::kNbsp;

struct Probe {
  double p = 0;
  std::string error;
  bool runtime = false;  // the error happened while running (status 5), not while compiling
  bool usage = false;    // the request names what the model does not have (status 2)
};

Probe probability_at(const GoalRequest& q, double value, std::string& diagnostics) {
  dsl::Sources sources;
  dsl::CompileOptions options;
  options.param_overrides = q.overrides;
  options.param_overrides[q.param] = value;
  dsl::Compiled c = q.compile ? q.compile(options) : dsl::compile_file(q.model_path, sources, options);
  if (!c.program) {
    if (!q.compile) diagnostics = sources.format_all(c.diags);  // a hook's sources are its own
    // The request's fault (a cell it names that the model has not) when the model compiles
    // without the request's cells; the model's otherwise (a missing file, a typo in it).
    // (A cell that exists but cannot take a number, `kind[CDS]`, is reported at its declaration:
    // the model's message, status 3, as documented.)
    const bool unlocated = std::all_of(c.diags.begin(), c.diags.end(), [](const Diagnostic& d) {
      return d.severity != Severity::Error || d.loc.file == UINT32_MAX;
    });
    dsl::Sources plain_sources;
    const dsl::Compiled plain =
        !unlocated ? dsl::Compiled{} : q.compile ? q.compile({}) : dsl::compile_file(q.model_path, plain_sources, {});
    if (plain.program)
      return {0, "--param " + q.param + (q.overrides.empty() ? "" : " or an edited cell") + " names no param cell of the model",
              false, true};
    return {0, "the model does not compile"};
  }
  const engine::Program& p = *c.program;
  engine::RunResults r = engine::simulate(p, q.run);
  if (r.error) {
    // located: file:line:col of the definition (a hook's sources are its own: the message alone)
    diagnostics = q.compile ? r.error->message + "\n" : sources.format(*r.error);
    char at[64];
    std::snprintf(at, sizeof at, "%.15g", value);
    return {0, "the model failed while running with " + q.param + " = " + at, true};
  }
  if (!q.indicator.empty()) {
    for (std::size_t i = 0; i < p.indicators.size(); ++i)
      if (p.indicators[i].id == q.indicator)
        for (std::size_t k = 0; k < p.indicators[i].years.size(); ++k)
          if (p.indicators[i].years[k].year == q.year) return {r.indicator_met[i][k].p(), ""};
    return {0, "indicator " + q.indicator + " has no target for " + std::to_string(q.year), false, true};
  }
  for (std::size_t i = 0; i < p.events.size(); ++i)
    if (p.events[i].name == q.event)
      for (std::size_t k = 0; k < p.events[i].years.size(); ++k)
        if (p.events[i].years[k].first == q.year) return {r.events[i][k].p(), ""};
  return {0, "no event " + q.event + " for " + std::to_string(q.year), false, true};
}

// The cell searched, as the model has it without the trial's value: its label, unit and value.
void describe_cell(const GoalRequest& q, GoalResult& g) {
  dsl::Sources sources;
  dsl::CompileOptions options;
  options.param_overrides = q.overrides;
  dsl::Compiled c = q.compile ? q.compile(options) : dsl::compile_file(q.model_path, sources, options);
  for (const auto& cell : c.params)
    if (dsl::spaceless(cell.cell) == dsl::spaceless(q.param)) {
      g.label = cell.label, g.unit = cell.unit, g.current = cell.value;
      return;
    }
}

// How a param's unit word shows its values (as the page of `cogsim serve` does): `%` and `rate` in
// percent, `k€`, `M€`, `Md€` in that multiple of €, `€` in euros, anything else as the number.
struct Shown {
  double scale;
  std::string suffix;
};
Shown shown_as(const std::string& unit) {
  if (unit == "%" || unit == "rate") return {100, std::string(kNbsp) + "%"};
  if (dsl::is_money_unit(unit))
    return {unit == "k€" ? 1e-3 : unit == "M€" ? 1e-6 : unit == "Md€" ? 1e-9 : 1, kNbsp + unit};
  return {1, ""};
}

std::string in_unit(double v, const std::string& unit, int decimals) {
  const Shown s = shown_as(unit);
  return fr_number(s.scale * v, decimals) + s.suffix;
}

// An exact value (the model's, or a bound of the search) without the zeros that would claim a
// precision: "0,018" rather than "0,0180".
std::string exact_in_unit(double v, const std::string& unit, int decimals) {
  std::string t = in_unit(v, unit, decimals);
  const auto comma = t.find(','), end = t.find(kNbsp);
  if (comma == std::string::npos) return t;
  std::size_t last = (end == std::string::npos ? t.size() : end) - 1;
  std::size_t cut = last;
  while (cut > comma && t[cut] == '0') --cut;
  if (cut == comma) --cut;  // "2,000" -> "2"
  return t.substr(0, cut + 1) + t.substr(last + 1);
}

// One significant digit of the standard error (two decimals at least for a percentage, as the
// reports print them), at most 6.
int decimals_for(double se, const std::string& unit) {
  const Shown s = shown_as(unit);
  const double shown = s.scale * se;
  int d = std::isfinite(shown) && shown > 0 ? int(-std::floor(std::log10(shown))) : 2;
  return std::clamp(d, s.scale == 100 ? 2 : 0, 6);
}

}  // namespace

std::string goal_text(const GoalRequest& q, const GoalResult& g) {
  const int d = decimals_for(g.std_error, g.unit);
  std::string s = q.param + (g.label.empty() ? "" : " — " + g.label) + " : " + in_unit(g.value, g.unit, d);
  if (std::isfinite(g.std_error)) s += " ± " + in_unit(g.std_error, g.unit, d);
  if (g.current) s += " (aujourd'hui " + exact_in_unit(*g.current, g.unit, 6) + ")";
  const std::string of = q.indicator.empty() ? "P(" + q.event + " en " + std::to_string(q.year) + ")"
                                             : "P(indicateur " + q.indicator + " atteint en " + std::to_string(q.year) + ")";
  s += "\n  pour " + of + " = " + fr_percent(q.probability, 1) + " (± : erreur-type Monte Carlo)\n  (P = " +
       fr_percent(g.p_lo, 1) + " à " + exact_in_unit(q.lo, g.unit, 6) + ", " + fr_percent(g.p_hi, 1) + " à " +
       exact_in_unit(q.hi, g.unit, 6) + " ; " + std::to_string(g.iterations) + " bissections sur " +
       fr_number(double(q.run.paths), 0) + " trajectoires ; P à la réponse " + fr_percent(g.p_at_value, 1) +
       ")\n";
  return s;
}

GoalResult goal_seek(const GoalRequest& q) {
  GoalResult g;
  double lo = q.lo, hi = q.hi;
  Probe plo = probability_at(q, lo, g.diagnostics), phi = probability_at(q, hi, g.diagnostics);
  for (const Probe* p : {&plo, &phi})
    if (!p->error.empty()) {
      g.error = p->error;
      g.runtime = p->runtime;
      g.usage = p->usage;
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
    g.usage = true;  // the interval asked holds no answer: the request, not the model
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
  describe_cell(q, g);
  return g;
}

}  // namespace cogsim::app
