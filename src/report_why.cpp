#include "src/report_why.hpp"

#include <sstream>

#include "src/fr_format.hpp"
#include "src/report_csv.hpp"
#include "src/report_sensitivity.hpp"
#include "src/tornado_html.hpp"

namespace cogsim::app::report {

std::optional<Diagnostic> why_fragile(const engine::Program& p, const engine::RunResults& r, int count,
                                      const engine::SensitivityOptions& options, Why& out) {
  const int last = last_indicator_year(p);
  const std::vector<std::size_t> risk = indicators_by_risk(p, r, last);
  engine::SensitivityOptions opt = options;
  opt.probability = true;
  opt.sobol = false;
  out.paths = opt.paths;
  for (std::size_t k = 0; k < risk.size() && int(k) < count; ++k) {
    const auto& ind = p.indicators[risk[k]];
    const int y = year_index(ind, last);
    if (y < 0) continue;
    WhyItem item{risk[k], std::size_t(y), r.indicator_met[risk[k]][std::size_t(y)],
                 engine::sensitivity(p, ind.years[y].met, opt, ind.years[y].value)};
    if (item.r.error) return item.r.error;
    out.items.push_back(std::move(item));
  }
  return std::nullopt;
}

namespace {

// One indicator: its probability, the tornado in points, the inputs without effect, and the two
// inputs furthest from usual when the target is missed.
void why_item(std::ostream& o, const engine::Program& p, const Why& w, const WhyItem& it) {
  const auto& ind = p.indicators[it.indicator];
  const int year = ind.years[it.year].year;
  FigureText f;
  f.of = "P(indicateur " + ind.id + " atteint en " + std::to_string(year) + ")";
  o << "<div class=\"card why\"><h3>n°&nbsp;" << html_escape(ind.id) << " — " << html_escape(ind.label)
    << "</h3><p class=\"small\">Probabilité d'atteindre la cible " << year << " : <b>" << fr_probability(it.run_p)
    << "</b> ; les écarts ci-dessous sur " << fr_number(double(w.paths), 0) << " trajectoires.</p>";
  TornadoSpec t = probability_tornado(it.r, f, w.inputs);
  t.id += "-" + ind.id;
  t.centre_text = "probabilité sur ces trajectoires (" + fr_percent(it.r.mean) + ")";
  o << tornado_html(t);
  if (!it.r.missed.empty()) {
    o << "<p class=\"small\">Quand la cible est manquée, ";
    for (std::size_t k = 0; k < std::min<std::size_t>(2, it.r.missed.size()); ++k) {
      const auto& m = it.r.missed[k];
      const std::string name = input_name(w.inputs, m.input);
      o << (k ? " et " : "") << "« " << html_escape(name.empty() ? m.input : name) << " » est en moyenne au "
        << fr_number(100 * m.centile_missed, 0) << "<sup>e</sup> centile (" << fr_number(100 * m.centile_met, 0)
        << "<sup>e</sup> quand elle est atteinte)";
    }
    o << ".</p>";
  }
  if (!it.r.no_effect.empty()) {
    o << "<p class=\"small src\">Sans effet sur cet indicateur (d'après les équations du modèle) : ";
    for (std::size_t k = 0; k < it.r.no_effect.size(); ++k)
      o << (k ? ", " : "") << html_escape(input_label(w.inputs, it.r.no_effect[k]));
    o << ".</p>";
  }
  o << "</div>";
}

}  // namespace

std::string why_section_html(const engine::Program& p, const Why& w) {
  if (w.items.empty()) return "";
  std::ostringstream o;
  o << "<section id=\"pourquoi\"><h2>Et pourquoi ? Ce qui décide des indicateurs les plus fragiles</h2>"
    << "<p class=\"small\">Pour chacun, la probabilité d'atteindre la cible quand une hypothèse est seule tenue à son "
    << "10<sup>e</sup> puis à son 90<sup>e</sup> centile, les autres tirées au hasard comme dans la simulation "
    << "(écart en points, mêmes trajectoires). La commande <code>cogsim sensitivity</code> donne le détail "
    << "(tornado en euros, indices de Sobol).</p>";
  for (const auto& it : w.items) why_item(o, p, w, it);
  o << "</section>";
  return o.str();
}

}  // namespace cogsim::app::report
