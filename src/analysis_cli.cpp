#include "src/analysis_cli.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <thread>

#include "dsl/compiler.hpp"
#include "engine/evaluator.hpp"
#include "engine/sensitivity.hpp"
#include "src/cli.hpp"
#include "src/cli_numbers.hpp"
#include "src/goal.hpp"
#include "src/output_set.hpp"
#include "src/compare_block.hpp"
#include "src/fr_format.hpp"
#include "src/report_csv.hpp"
#include "src/report_sensitivity.hpp"
#include "src/results.hpp"

namespace cogsim::app {

namespace {

struct SensitivityArgs {
  std::string path, output, indicator;
  int year = 0;
  engine::SensitivityOptions opt;
  std::string json, report, evaluations;
};

// The Sobol evaluations as CSV: one row per path, f on A, on B, and on A with each input from B.
std::string evaluations_csv(const engine::SensitivityResults::Evaluations& e) {
  std::ostringstream o;
  o.precision(17);
  o << "path,f_A,f_B";
  for (const auto& g : e.ab_inputs) o << ",f_AB:" << g;
  o << "\n";
  for (std::size_t i = 0; i < e.a.size(); ++i) {
    o << i << ',' << e.a[i] << ',' << e.b[i];
    for (const auto& ab : e.ab) o << ',' << ab[i];
    o << '\n';
  }
  return o.str();
}

struct GoalArgs {
  GoalRequest req;
  std::string json;
};

// The --json document of `cogsim sensitivity`.
nlohmann::ordered_json sensitivity_json(const engine::Program& p, const std::string& what,
                                        const engine::SensitivityOptions& opt, const engine::SensitivityResults& r) {
  nlohmann::ordered_json j, tor = nlohmann::ordered_json::array(), con = nlohmann::ordered_json::array(),
                            sob = nlohmann::ordered_json::array();
  for (const auto& t : r.tornado) {
    nlohmann::ordered_json spider = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < t.spider.size(); ++k)
      spider["p" + std::to_string(std::lround(100 * engine::kSpiderCentiles[k]))] = t.spider[k];
    tor.push_back({{"input", t.input}, {"p10", t.low}, {"p90", t.high}, {"spider", spider}});
  }
  for (const auto& x : r.contributions)
    con.push_back({{"input", x.input}, {"share", x.share}, {"rank_correlation", x.rank_correlation}});
  for (const auto& s : r.sobol)
    sob.push_back({{"input", s.input},
                   {"first", s.first},
                   {"first_ci", {s.first_lo, s.first_hi}},
                   {"total", s.total},
                   {"total_ci", {s.total_lo, s.total_hi}}});
  j["meta"] = {{"model", p.model_name}, {"of", what}, {"paths", opt.paths}, {"seed", opt.seed},
               {"bootstrap", opt.bootstrap}};
  j["central"] = r.central;
  j["mean"] = r.mean;
  j["variance"] = r.variance;
  j["tornado"] = tor;
  j["contribution_to_variance"] = con;
  j["sobol"] = sob;
  j["no_effect"] = r.no_effect;
  if (opt.probability) {
    nlohmann::ordered_json pt = nlohmann::ordered_json::array(), mi = nlohmann::ordered_json::array();
    for (const auto& b : r.probability_tornado)
      pt.push_back({{"input", b.input}, {"p10", b.low}, {"p90", b.high}, {"p10_se", b.low_se}, {"p90_se", b.high_se}});
    for (const auto& m : r.missed)
      mi.push_back({{"input", m.input}, {"mean_missed", m.mean_missed}, {"mean_met", m.mean_met},
                    {"centile_missed", m.centile_missed}, {"centile_met", m.centile_met}});
    j["probability_tornado"] = pt;
    j["missed"] = {{"paths", r.missed_paths}, {"inputs", mi}};
  }
  return j;
}

// The figure a sensitivity studies: an output's value in a year, or an indicator's met flag (so
// P(met), with its tornado on the indicator's series).
struct Figure {
  engine::Operand target = 0;
  std::optional<engine::Operand> tornado_on;
  std::string what, tornado_what;
  SourceLoc where{UINT32_MAX, 0, 0};  // the definition of the figure, for a run-time error
  report::FigureText text;            // in French, with the tornado's unit
  const engine::IndicatorYear* indicator_year = nullptr;  // the figure is this indicator's met flag
};

// The indicator's target on the central path (every draw at its mean), for the tornado's line.
void set_target(const engine::Program& p, Figure& f) {
  if (!f.indicator_year) return;
  const auto c = engine::run_central(p);
  if (c.error) return;
  const auto& y = *f.indicator_year;
  const double t = engine::value_at(p, c.ws, y.target, 0);
  if (!std::isfinite(t)) return;
  const auto& k = engine::info(y.kind);
  f.text.target = k.zero_target ? 0.0 : t;
  f.text.target_text = "cible " + std::string(y.has_upper() ? "≥ " : k.strict ? "> " : k.met_above ? "≥ " : "≤ ") +
                       report::fr_amount(*f.text.target, f.text.unit);
}

std::string output_words(const engine::Program& p, const std::string& name, int year) {
  const int o = report::find_output(p, name);
  const std::string label = o < 0 || p.outputs[o].label.empty() ? "" : p.outputs[o].label + " (" + name + ")";
  return (label.empty() ? name : label) + " en " + std::to_string(year);
}

std::string output_unit(const engine::Program& p, const std::string& name) {
  const int o = report::find_output(p, name);
  return o < 0 ? std::string() : p.outputs[o].unit;
}

std::optional<Figure> find_figure(const engine::Program& p, const SensitivityArgs& a) {
  const std::string year = std::to_string(a.year);
  if (!a.indicator.empty()) {
    for (const auto& ind : p.indicators)
      if (ind.id == a.indicator)
        for (const auto& y : ind.years)
          if (y.year == a.year) {
            Figure f{y.met, y.value, "P(indicator " + ind.id + " met in " + year + ")", ind.on + " in " + year, ind.loc,
                     {"P(indicateur " + ind.id + " atteint en " + year + ")", output_words(p, ind.on, a.year),
                      output_unit(p, ind.on), true, "", 0, std::nullopt, ""}};
            f.text.detail = "Indicateur n° " + ind.id + (ind.label.empty() ? "" : " : " + ind.label) +
                            (ind.source.empty() ? "" : " (" + ind.source + ")");
            f.text.better = y.has_upper() ? 0 : engine::info(y.kind).met_above ? 1 : -1;
            f.indicator_year = &y;
            return f;
          }
  } else {
    for (const auto& o : p.outputs)
      if (o.name == a.output)
        for (const auto& [y, op] : o.years)
          if (y == a.year) {
            const std::string words = output_words(p, o.name, a.year);
            return Figure{op, std::nullopt, o.name + " in " + year, "", o.loc, {words, words, o.unit, false, "", 0, std::nullopt, ""}};
          }
  }
  return std::nullopt;
}

// An input's label and code within `columns`: the label is cut, never the code.
std::string input_cell(const std::vector<dsl::InputInfo>& inputs, const std::string& name, std::size_t columns) {
  const std::string full = report::input_label(inputs, name);
  std::size_t n = 0;
  for (unsigned char c : full) n += (c & 0xC0) != 0x80;
  if (n <= columns || full == name) return report::pad_columns(full, columns);
  const std::string code = " (" + name + ")";
  const std::string label = full.substr(0, full.size() - code.size());
  const std::size_t room = columns > code.size() + 4 ? columns - code.size() : 4;
  return report::pad_columns(fit_columns(label, room) + code, columns);
}

// The terminal table, in French: the model's labels, amounts in their unit, the inputs the
// figure does not depend on listed as "sans effet" (no bar).
void print_sensitivity(std::ostream& out, const engine::Program& p, const Figure& f,
                       const engine::SensitivityResults& r, const std::vector<dsl::InputInfo>& inputs,
                       std::uint64_t paths) {
  const auto& t = f.text;
  auto value = [&](double v) { return report::fr_amount(v, t.unit); };
  out << "Sensibilité de " << t.of << " — " << p.model_name << "\n";
  if (t.probability)
    out << "probabilité " << report::fr_percent(r.mean) << " ; valeur centrale de " << t.tornado_of << " : "
        << value(r.central);
  else
    out << "valeur centrale " << value(r.central) << ", moyenne " << value(r.mean) << ", écart-type "
        << value(std::sqrt(std::max(0.0, r.variance)));
  out << " (" << report::fr_number(double(paths), 0) << " trajectoires par matrice de Sobol)\n\n";
  if (!r.probability_tornado.empty()) {
    out << "Probabilité d'atteindre la cible, hypothèse par hypothèse\n  (seule à son P10 puis à son P90, les "
           "autres tirées ; écart en points, mêmes trajectoires)\n";
    for (const auto& b : r.probability_tornado)
      out << "  " << input_cell(inputs, b.input, 44) << " " << report::pad_columns(report::fr_percent(b.low), 7)
          << " → " << report::pad_columns(report::fr_percent(b.high), 7) << " ("
          << report::fr_number(100 * (b.low - r.mean), 1) << " / " << report::fr_number(100 * (b.high - r.mean), 1)
          << " pts)\n";
    out << "\n";
  }
  out << "Tornado de " << t.tornado_of << "\n  (chaque hypothèse seule à son P10 puis à son P90, les autres à leur moyenne)\n";
  double widest = r.tornado.empty() ? 1 : std::fabs(r.tornado.front().high - r.tornado.front().low);
  for (const auto& b : r.tornado) {
    const int w = widest > 0 ? int(std::lround(24 * std::fabs(b.high - b.low) / widest)) : 0;
    out << "  " << input_cell(inputs, b.input, 44) << " " << report::pad_columns(value(b.low), 12) << " → "
        << report::pad_columns(value(b.high), 12) << " " << std::string(std::size_t(w), '#') << "\n";
  }
  if (!r.no_effect.empty()) {
    out << "Sans effet (le chiffre n'en dépend pas, d'après les équations du modèle) :\n";
    for (const auto& n : r.no_effect) out << "  " << report::input_label(inputs, n) << "\n";
  }
  if (!r.missed.empty()) {
    out << "\nÀ quoi ressemble une cible manquée (" << report::fr_number(double(r.missed_paths), 0)
        << " trajectoires) : centile moyen de chaque hypothèse, cible manquée / atteinte\n";
    for (const auto& m : r.missed)
      out << "  " << input_cell(inputs, m.input, 44) << " " << report::fr_number(100 * m.centile_missed, 0) << " / "
          << report::fr_number(100 * m.centile_met, 0) << "\n";
  }
  out << "\nContribution à la variance (carrés des corrélations de rang, normalisés)\n";
  for (const auto& c2 : r.contributions)
    out << "  " << input_cell(inputs, c2.input, 44) << " " << report::pad_columns(report::fr_percent(c2.share), 8)
        << "  corrélation de rang " << (c2.rank_correlation > 0 ? "+" : "") << report::fr_number(c2.rank_correlation, 3)
        << "\n";
  out << "\nIndices de Sobol (premier ordre S1, total ST ; intervalles bootstrap à 95 %)\n";
  for (const auto& s : r.sobol)
    out << "  " << input_cell(inputs, s.input, 44) << " S1 " << report::fr_number(s.first, 3) << " ["
        << report::fr_number(s.first_lo, 3) << " ; " << report::fr_number(s.first_hi, 3) << "]   ST "
        << report::fr_number(s.total, 3) << " [" << report::fr_number(s.total_lo, 3) << " ; "
        << report::fr_number(s.total_hi, 3) << "]\n";
}

int run_sensitivity(const SensitivityArgs& a, std::ostream& out, std::ostream& err) {
  const std::vector<Destination> dests = {{"--json", a.json}, {"--report", a.report}, {"--evaluations", a.evaluations}};
  if (int rc = destination_status(check_destinations(dests), err)) return rc;
  dsl::Sources sources;
  auto c = dsl::compile_file(a.path, sources);
  err << sources.format_all(c.diags);
  if (!c.program) return kInvalidModel;
  if (int rc = destination_status(check_not_inputs(dests, sources), err)) return rc;
  const engine::Program& p = *c.program;
  auto f = find_figure(p, a);
  if (f) set_target(p, *f);
  if (!f) {
    err << "cogsim: " << (a.indicator.empty() ? "no output '" + a.output + "'" : "no indicator '" + a.indicator + "'")
        << " for " << a.year << " in " << a.path << "\n";
    return kUsage;
  }
  engine::SensitivityOptions opt = a.opt;
  opt.keep_evaluations = !a.evaluations.empty();
  if (opt.threads <= 0) opt.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  opt.probability = f->text.probability;
  auto r = engine::sensitivity(p, f->target, opt, f->tornado_on);
  bool finite = std::isfinite(r.central) && std::isfinite(r.mean) && std::isfinite(r.variance);
  for (const auto& t : r.tornado) finite = finite && std::isfinite(t.low) && std::isfinite(t.high);
  if (!r.error && !finite)  // never a NaN printed with status 0
    r.error = Diagnostic{Severity::Error, f->where,
                         f->what + (f->tornado_what.empty() ? "" : " (" + f->tornado_what + ")") +
                             " is not a finite number on some paths, or its variance overflows (a logarithm or "
                             "square root of a negative number, or a division by zero?)"};
  if (r.error) {
    err << sources.format(*r.error) << "cogsim: the model failed while running\n";
    return kRuntime;
  }
  print_sensitivity(out, p, *f, r, c.inputs, opt.paths);
  OutputSet set;
  std::string e;
  if (!a.json.empty()) e = set.add_file(a.json, json_text(sensitivity_json(p, f->what, opt, r)));
  if (e.empty() && !a.report.empty())
    e = set.add_file(a.report, report::sensitivity_html(p.model_name, f->text, r, c.inputs, opt.paths, opt.seed));
  if (e.empty() && !a.evaluations.empty()) e = set.add_file(a.evaluations, evaluations_csv(r.evaluations));
  return commit_or_report(set, e, err);
}

int run_goal(GoalArgs a, std::ostream& out, std::ostream& err) {
  const std::vector<Destination> dests = {{"--json", a.json}};
  if (int rc = destination_status(check_destinations(dests), err)) return rc;
  if (a.req.indicator.empty() == a.req.event.empty()) {
    err << "cogsim: give either --indicator or --event\n";
    return kUsage;
  }
  if (!(a.req.lo < a.req.hi)) {
    err << "cogsim: --lo must be below --hi\n";
    return kUsage;
  }
  {  // the model's files, to refuse a --json that would overwrite one (goal_seek reports errors)
    dsl::Sources sources;
    Diagnostics ignored;
    dsl::load(a.req.model_path, sources, ignored);
    if (int rc = destination_status(check_not_inputs(dests, sources), err)) return rc;
  }
  if (a.req.run.threads <= 0) a.req.run.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  GoalResult g = goal_seek(a.req);
  if (!g.error.empty()) {
    err << g.diagnostics << "cogsim: " << g.error << "\n";
    if (g.usage) return kUsage;
    return g.runtime || g.diagnostics.empty() ? kRuntime : kInvalidModel;
  }
  std::string of = a.req.indicator.empty() ? "P(" + a.req.event + ")" : "P(indicator " + a.req.indicator + " met)";
  out << goal_text(a.req, g);
  if (!a.json.empty()) {
    nlohmann::ordered_json j = {{"param", a.req.param},      {"of", of},
                                {"year", a.req.year},        {"probability", a.req.probability},
                                {"value", g.value},          {"std_error", g.std_error},
                                {"unit", g.unit},
                                {"current", g.current ? nlohmann::ordered_json(*g.current) : nlohmann::ordered_json()},
                                {"p_at_value", g.p_at_value}, {"iterations", g.iterations},
                                {"paths", a.req.run.paths},  {"seed", a.req.run.seed}};
    OutputSet set;
    return commit_or_report(set, set.add_file(a.json, json_text(j)), err);
  }
  return kOk;
}

}  // namespace

std::function<int(std::ostream&, std::ostream&)> add_analysis_commands(CLI::App& app) {
  auto sa = std::make_shared<SensitivityArgs>();
  auto* sens = app.add_subcommand("sensitivity",
                                  "Which uncertain input matters for an output or an indicator: tornado, "
                                  "contribution to variance, Sobol indices.");
  sens->add_option("PATH", sa->path, "Rules file (.cog) or scenario folder")->required();
  sens->add_option("--output", sa->output, "An output name, as in the results file (e.g. a.B for a[B])");
  sens->add_option("--indicator", sa->indicator, "An indicator id: studies P(met)");
  sens->add_option("--year", sa->year, "The year studied")->required()->check(unsigned_in(1, 9999));
  sens->add_option("--paths,-n", sa->opt.paths, "Paths per Sobol matrix (default 20000)")
      ->check(unsigned_in(100, std::uint64_t(1) << 30));
  sens->add_option("--seed,-s", sa->opt.seed, "Seed (default 42)")
      ->check(unsigned_in(0, UINT64_MAX));
  sens->add_option("--threads,-t", sa->opt.threads, "Worker threads (default: all cores)")->check(unsigned_in(1, 1024));
  sens->add_option("--bootstrap", sa->opt.bootstrap, "Bootstrap resamples for the Sobol intervals (default 200)")
      ->check(unsigned_in(0, 100000));
  sens->add_option("--json", sa->json, "Write the results (JSON) here")->check(path_given());
  sens->add_option("--report", sa->report, "Write an HTML page with the tornado chart here (self-contained)")->check(path_given());
  sens->add_option("--evaluations", sa->evaluations,
                   "Write the model evaluations behind the Sobol indices here (CSV: f on A, on B, and on A with "
                   "each input taken from B, path by path), to run another estimator on the same evaluations")
      ->check(path_given());

  auto ga = std::make_shared<GoalArgs>();
  ga->req.run.paths = 100000;
  auto* goal = app.add_subcommand("goal",
                                  "Find the value of a param that brings a probability to a level, e.g. the 2024 "
                                  "savings rate of the centres de santé that gives P(indicator 8 met) = 80 %.");
  goal->add_option("PATH", ga->req.model_path, "Rules file (.cog) or scenario folder")->required();
  goal->add_option("--param", ga->req.param, "The param cell to vary: name or name[MEMBER, YEAR]")->required();
  goal->add_option("--indicator", ga->req.indicator, "An indicator id (its P(met))");
  goal->add_option("--event", ga->req.event, "Or an event name (its probability)");
  goal->add_option("--year", ga->req.year, "The year of the indicator or event")->required()->check(unsigned_in(1, 9999));
  goal->add_option("--probability,-p", ga->req.probability, "The probability to reach, e.g. 0.8")
      ->required()
      ->check(finite_in(0.0, 1.0));
  goal->add_option("--lo", ga->req.lo, "Lower end of the search interval")->required()->check(finite());
  goal->add_option("--hi", ga->req.hi, "Upper end of the search interval")->required()->check(finite());
  goal->add_option("--paths,-n", ga->req.run.paths, "Paths per trial (default 100000)")
      ->check(unsigned_in(100, std::uint64_t(1) << 40));
  goal->add_option("--seed,-s", ga->req.run.seed, "Seed (default 42)")
      ->check(unsigned_in(0, UINT64_MAX));
  goal->add_option("--threads,-t", ga->req.run.threads, "Worker threads (default: all cores)")->check(unsigned_in(1, 1024));
  goal->add_option("--json", ga->json, "Write the answer (JSON) here")->check(path_given());

  return [=](std::ostream& out, std::ostream& err) {
    if (*sens) {
      if (sa->output.empty() == sa->indicator.empty()) {
        err << "cogsim: give either --output or --indicator\n";
        return int(kUsage);
      }
      return run_sensitivity(*sa, out, err);
    }
    if (*goal) return run_goal(*ga, out, err);
    return -1;
  };
}

}  // namespace cogsim::app
