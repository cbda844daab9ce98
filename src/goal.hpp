// Goal seek: the value of one param cell that brings a probability to a level, by bisection
// on common random numbers (every trial value runs on the same paths, so P(θ) is a monotone
// step function of θ for a monotone model and bisection converges on it).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "dsl/compiler.hpp"
#include "engine/simulator.hpp"

namespace cogsim::app {

struct GoalRequest {
  std::string model_path;
  std::string param;      // a param cell: name or name[MEMBER, YEAR]
  std::string indicator;  // an indicator id, or empty when `event` is used
  std::string event;      // an event name
  int year = 0;
  double probability = 0.8;
  double lo = 0, hi = 1;
  engine::RunOptions run;
  // Other param cells held at a value in every trial (`cogsim serve`'s page edits).
  std::map<std::string, double> overrides;
  // Compiles the model with the trial's overrides; empty: reads model_path each time.
  std::function<dsl::Compiled(const dsl::CompileOptions&)> compile;
};

struct GoalResult {
  double value = 0;       // the param value found
  double std_error = 0;   // its Monte Carlo standard error (delta method: se(P) / |dP/dθ|)
  double p_at_value = 0;  // P at the value found
  double p_lo = 0, p_hi = 0;
  int iterations = 0;
  std::string error;      // non-empty when no answer (with the reason)
  std::string diagnostics;  // compile errors, or the run-time error, formatted (with file:line:col)
  bool runtime = false;     // the error happened while running (status 5)
  bool usage = false;       // the request asks what the model has not, or an interval with no answer (status 2)
  // The param cell searched, as the model (with the request's other overrides) has it.
  std::string label, unit;
  std::optional<double> current;  // its value today (empty: not a constant)
};

GoalResult goal_seek(const GoalRequest& request);

// The answer in French, in the param's unit, to the decimals its standard error warrants:
// "savings[CDS, 2024] (Plan d'économies) = 3,26 % ± 0,01 % (aujourd'hui 1,80 %)" and, on a second
// line, the probability reached and the search.
std::string goal_text(const GoalRequest& request, const GoalResult& result);

}  // namespace cogsim::app
