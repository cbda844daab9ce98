// The convergence view (issue 14): each headline probability and its 95 % interval as paths grow,
// from engine::RunResults::convergence — in the results file (`convergence`) and as small charts
// in the HTML report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/simulator.hpp"

namespace cogsim::app {

// Which hit term (index into ConvergencePoint::p) holds an indicator's or an event's year.
std::size_t indicator_hit(const engine::Program& p, std::size_t indicator, std::size_t year_index);
std::size_t event_hit(const engine::Program& p, std::size_t event, std::size_t year_index);

// {"indicators": {id: {year: {paths, p, se}}}, "events": {name: {year: …}}}, for the last year of
// every indicator and event (the figures the report's summary shows).
nlohmann::ordered_json convergence_json(const engine::Program& p, const engine::RunResults& r);

struct ConvergenceItem {
  std::string label;
  std::size_t hit = 0;
};
// One small chart per item: the estimate and its 95 % interval (± 1.96 se) against the paths
// (log scale); "" when the run has fewer than two points.
std::string convergence_svg(const std::vector<engine::ConvergencePoint>& points, const ConvergenceItem& item);

}  // namespace cogsim::app
