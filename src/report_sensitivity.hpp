// The HTML page of `cogsim sensitivity … --report FILE.html`: the tornado chart, the
// contributions to variance and the Sobol indices, self-contained like the run report, in French
// with the model's labels; the inputs the figure does not depend on are listed "sans effet".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dsl/compiler.hpp"
#include "engine/sensitivity.hpp"
#include "src/tornado_html.hpp"

namespace cogsim::app::report {

// The figure studied, in words.
struct FigureText {
  std::string of;          // "P(indicateur 8 atteint en 2024)", "Résultat (resultat.CDS) en 2024"
  std::string tornado_of;  // what the tornado shows (the same, or the series an indicator follows)
  std::string unit;        // the tornado figure's unit ("€", "%", "")
  bool probability = false;  // `of` is a probability (the mean of a 0/1 flag)
  std::string detail;        // the indicator's label and source, when the figure is one
  // The direction the model gives: +1 when a higher tornado figure is good (an indicator met at or
  // above its target), −1 when lower is good, 0 when unknown (an output alone, a `between`).
  int better = 0;
  std::optional<double> target;  // the indicator's target on the central path, in `unit`
  std::string target_text;       // "cible ≥ −841 655 €"
};

// The model's label of an input ("" when it gives none).
std::string input_name(const std::vector<dsl::InputInfo>& inputs, const std::string& name);
// "Label (code)", or the code when the model gives no label.
std::string input_label(const std::vector<dsl::InputInfo>& inputs, const std::string& name);

// The tornado of P(met) in points (SensitivityResults::probability_tornado), for tornado_html.
TornadoSpec probability_tornado(const engine::SensitivityResults& r, const FigureText& f,
                                const std::vector<dsl::InputInfo>& inputs);

std::string sensitivity_html(const std::string& model, const FigureText& f, const engine::SensitivityResults& r,
                             const std::vector<dsl::InputInfo>& inputs, std::uint64_t paths, std::uint64_t seed);

}  // namespace cogsim::app::report
