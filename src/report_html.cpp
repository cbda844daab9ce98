#include "src/report_html.hpp"
#include "src/sampling_option.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "src/convergence.hpp"
#include "src/report_csv.hpp"
#include "src/report_style.hpp"
#include "src/report_why.hpp"
#include "src/shortfall.hpp"
#include "src/tornado_html.hpp"

namespace cogsim::app::report {

namespace {

using namespace svg;

// The short name of an entity: the part of its output label after " — " ("Résultat — Centres de
// santé" gives "Centres de santé"), else the whole label.
std::string short_label(const std::string& label) {
  const std::string sep = " \u2014 ";
  std::size_t at = label.find(sep);
  return at == std::string::npos ? label : label.substr(at + sep.size());
}

std::string entity_name(const engine::Program& p, const engine::IndicatorOut& ind) {
  int o = find_output(p, ind.on);
  if (o >= 0 && !p.outputs[o].label.empty()) return short_label(p.outputs[o].label);
  return ind.label;
}

// "≥ −841 655 €" for a target of the given kind.
// target_hi: the upper bound of a `between` target (unused for other kinds).
std::string target_value(const engine::IndicatorYear& y, double target, double target_hi) {
  if (y.has_upper()) return "entre " + fr_euros(target) + " et " + fr_euros(target_hi);
  const auto& k = engine::info(y.kind);
  const std::string sign = k.strict ? ">" : k.met_above ? "≥" : "≤";
  return sign + std::string(kNbsp) + fr_euros(k.zero_target ? 0.0 : target);
}
// "déficit réduit de 70 %", "équilibre"…: the kind of target in words.
std::string target_kind(const engine::IndicatorYear& y) {
  const auto& k = engine::info(y.kind);
  return std::string(k.phrase_fr) + (k.has_rate ? " " + fr_percent(y.rate, 0) : "");
}
std::string target_text(const engine::IndicatorYear& y, double target, double target_hi) {
  std::string k = target_kind(y);
  return target_value(y, target, target_hi) + (k.empty() ? "" : " (" + k + ")");
}
bool met_above(const engine::IndicatorYear& y) { return engine::info(y.kind).met_above; }

// The run's inputs, as (label, value) pairs.
std::vector<std::pair<std::string, std::string>> run_inputs(const engine::Program& p, const engine::RunResults& r,
                                                            const RunMeta& meta, const std::string& generated_at) {
  std::vector<std::pair<std::string, std::string>> v;
  v.emplace_back("Modèle", p.model_name);
  v.emplace_back("Scénario", p.scenario_name.empty() ? "(modèle de référence)" : p.scenario_name);
  v.emplace_back("Fichier de règles", meta.model_path);
  v.emplace_back("Trajectoires simulées",
                 fr_number(double(r.paths), 0) + (r.stopped_early ? " (arrêt anticipé : précision atteinte)" : ""));
  v.emplace_back("Graine", std::to_string(meta.seed));
  v.emplace_back("Échantillonnage", sampling_label_fr(meta.sampling));
  v.emplace_back("Erreurs-types", r.replicates > 0 ? "dispersion de " + std::to_string(r.replicates) +
                                                      " réplications indépendantes du plan"
                                                : "trajectoires indépendantes (écart-type / √n)");
  if (!p.correlations.empty())
    v.emplace_back("Corrélations", meta.correlation == "iman-conover" ? "Iman–Conover (groupes de 1 024 trajectoires)"
                                                                      : "copule gaussienne");
  v.emplace_back("Années", std::to_string(p.base_year) + " (base), " + std::to_string(p.first_year) + "–" +
                               std::to_string(p.horizon));
  std::string periods;
  for (const auto& [y0, y1] : p.conventions)
    periods += (periods.empty() ? "" : ", ") + std::to_string(y0) + "–" + std::to_string(y1);
  if (!periods.empty()) v.emplace_back(p.conventions.size() > 1 ? "Conventions" : "Convention", periods);
  v.emplace_back("Calcul", fr_number(meta.wall_seconds, 2) + std::string(kNbsp) + "s, " + std::to_string(meta.threads) +
                               " fil" + (meta.threads > 1 ? "s" : "") + ", blocs de " +
                               std::to_string(meta.block_size));
  v.emplace_back("Date", generated_at);
  v.emplace_back("Version de cogsim", COGSIM_VERSION);
  return v;
}

// The report page, section after section (build() calls them in order).
class Page {
 public:
  Page(const engine::Program& program, const engine::RunResults& results, const RunMeta& run_meta,
       std::string generated, const Why* why_section)
      : p(program), r(results), meta(run_meta), generated_at(std::move(generated)), why(why_section) {}

 private:
  const engine::Program& p;
  const engine::RunResults& r;
  const RunMeta& meta;
  std::string generated_at;
  const Why* why = nullptr;
  std::ostringstream o;
  int last_year = 0;  // last year of the indicators
  int cog_from = 0, cog_to = 0;
  std::vector<engine::ReportPart> parts;  // the model's `report` lines, or the default layout

  static std::string anchor(std::size_t part) { return "partie-" + std::to_string(part + 1); }

  void head() {
    o << "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<meta name=\"generator\" content=\"cogsim " << COGSIM_VERSION << "\">"
      << "<title>" << html_escape(p.model_name) << " — rapport de simulation</title><style>" << kStyle
      << kTornadoStyle << "</style></head><body><div class=\"page\">";
    o << "<header class=\"top\"><div class=\"kicker\">Rapport de simulation Monte Carlo · cogsim</div><h1>"
      << html_escape(p.model_name) << "</h1><p class=\"sub\">Probabilité de tenir les engagements financiers de la "
      << "convention, sur " << fr_number(double(r.paths), 0) << " trajectoires simulées";
    if (!p.scenario_name.empty()) o << " — scénario <b>" << html_escape(p.scenario_name) << "</b>";
    o << " — " << html_escape(generated_at) << "</p><nav class=\"toc\"><a href=\"#synthese\">Synthèse</a>"
      << "<a href=\"#indicateurs\">Indicateurs</a>";
    if (why && !why->items.empty()) o << "<a href=\"#pourquoi\">Et pourquoi ?</a>";
    for (std::size_t k = 0; k < parts.size(); ++k)
      if (parts[k].kind != engine::ReportPart::Kind::Headline && has_figures(parts[k]))
        o << "<a href=\"#" << anchor(k) << "\">" << html_escape(title_of(parts[k])) << "</a>";
    o << "<a href=\"#methode\">Lecture et méthode</a></nav></header>";
  }

  static std::string title_of(const engine::ReportPart& part) {
    if (!part.title.empty()) return part.title;
    switch (part.kind) {
      case engine::ReportPart::Kind::Entities: return "Entités";
      case engine::ReportPart::Kind::Table: return "Séries";
      default: return "Section";
    }
  }

  bool has_figures(const engine::ReportPart& part) const {
    for (const auto& it : part.items)
      if (it.what == engine::ReportItem::What::Event ? !p.events[it.index].years.empty()
                                                     : !p.outputs[it.index].years.empty())
        return true;
    return false;
  }

  // The headline events, in the order of the model's `report headline` lines.
  std::vector<engine::ReportItem> headline() const {
    std::vector<engine::ReportItem> v;
    for (const auto& part : parts)
      if (part.kind == engine::ReportPart::Kind::Headline)
        for (const auto& it : part.items)
          if (it.what == engine::ReportItem::What::Event && !p.events[it.index].years.empty()) v.push_back(it);
    return v;
  }

  // The CSS class of a probability that an event happens, given which side of it is good.
  static const char* event_class(double pr, engine::Polarity pol) {
    if (pol == engine::Polarity::Neutral) return "neutral";
    return risk_class(pol == engine::Polarity::Bad ? 1 - pr : pr);
  }

  std::string event_name(int i) const { return p.events[i].label.empty() ? p.events[i].name : p.events[i].label; }

  // " (3 indicateurs)": how many indicators an "all met" event covers in its last year.
  static std::string covers(const engine::EventOut& e) {
    if (e.indicators.empty() || e.indicators.back() == 0) return "";
    const int n = e.indicators.back();
    return " (" + std::to_string(n) + (n > 1 ? " indicateurs)" : " indicateur)");
  }

  void kpi(const std::string& what, const std::string& when, const engine::Proportion& pr, const char* cls,
           const std::string& note) {
    o << "<div class=\"card kpi " << cls << "\"><div class=\"what\">" << what
      << "</div><div class=\"small\">" << when << "</div><div class=\"big\">" << fr_probability(pr)
      << "</div><div class=\"small\">IC 95&nbsp;%&nbsp;: " << fr_interval(pr) << (note.empty() ? "" : " · ") << note
      << "</div></div>";
  }

  // The lead paragraph: the headline events and the indicators, in plain words.
  void lead(const std::vector<std::size_t>& risk) {
    o << "<p class=\"lead\">Sur " << fr_number(double(r.paths), 0) << " trajectoires simulées : ";
    for (const auto& it : headline())
      o << "« " << html_escape(event_name(it.index)) << " » en " << p.events[it.index].years.back().first
        << covers(p.events[it.index]) << " dans <b>" << fr_probability(r.events[it.index].back()) << " des cas</b> ; ";
    if (p.indicators.empty()) o << "le modèle ne déclare aucun indicateur. ";
    if (!risk.empty()) {
      std::size_t below = 0;
      for (std::size_t i : risk)
        if (r.indicator_met[i][year_index(p.indicators[i], last_year)].p() < 0.5) ++below;
      if (below == 0)
        o << "<b>aucun indicateur</b> n'a moins d'une chance sur deux d'être atteint en " << last_year;
      else
        o << "<b>" << below << " indicateur" << (below > 1 ? "s" : "") << " sur " << risk.size() << "</b> "
          << (below > 1 ? "ont" : "a") << " moins d'une chance sur deux d'être atteint" << (below > 1 ? "s" : "")
          << " en " << last_year;
      o << " ; le plus fragile est l'indicateur n°&nbsp;" << html_escape(p.indicators[risk[0]].id) << " ("
        << html_escape(entity_name(p, p.indicators[risk[0]])) << ", "
        << fr_probability(r.indicator_met[risk[0]][year_index(p.indicators[risk[0]], last_year)]) << "). ";
    }
    o << "</p>";
  }

  void headline_cards(const std::vector<std::size_t>& risk) {
    o << "<div class=\"cards\">";
    for (const auto& it : headline()) {
      const auto& e = p.events[it.index];
      const auto& pr = r.events[it.index].back();
      kpi(html_escape(event_name(it.index)), "probabilité, en " + std::to_string(e.years.back().first) + covers(e), pr,
          event_class(pr.p(), it.polarity), "<span class=\"src\">" + html_escape(e.source) + "</span>");
    }
    if (!risk.empty()) {
      std::size_t count[3] = {0, 0, 0};  // bad, warn, ok
      for (std::size_t i : risk) {
        double pm = r.indicator_met[i][year_index(p.indicators[i], last_year)].p();
        ++count[pm < 0.5 ? 0 : pm < 0.8 ? 1 : 2];
      }
      const char* worst = count[0] ? "bad" : count[1] ? "warn" : "ok";
      o << "<div class=\"card kpi " << worst << "\"><div class=\"what\">Les " << risk.size()
        << " indicateurs par niveau de risque</div><div class=\"small\">probabilité d'atteindre la cible " << last_year
        << "</div><div class=\"levels\"><span class=\"lv bad\"><b>" << count[0]
        << "</b>&lt; 50 %</span><span class=\"lv warn\"><b>" << count[1]
        << "</b>50 à 80 %</span><span class=\"lv ok\"><b>" << count[2]
        << "</b>≥ 80 %</span></div><div class=\"small\">Les plus à risque : ";
      for (std::size_t k = 0; k < std::min<std::size_t>(3, risk.size()); ++k)
        o << (k ? ", " : "") << "n°&nbsp;" << html_escape(p.indicators[risk[k]].id);
      o << "</div></div>";
    }
    o << "</div>";
  }

  void risk_ranking(const std::vector<std::size_t>& risk) {
    if (risk.empty()) return;
    o << "<div class=\"card\"><h3>Entités les plus à risque en " << last_year
      << "</h3><p class=\"small\" style=\"margin:0 0 6px\">Probabilité d'atteindre la cible " << last_year
      << " de chaque indicateur, de la plus faible à la plus forte (traits : 50 % et 80 %).</p><table "
         "class=\"rank\">";
    for (std::size_t i : risk) {
      const auto& ind = p.indicators[i];
      const auto& pr = r.indicator_met[i][year_index(ind, last_year)];
      o << "<tr><td class=\"nm\"><b>n°&nbsp;" << html_escape(ind.id) << "</b> " << html_escape(entity_name(p, ind))
        << "</td><td class=\"barcell\"><div class=\"track\"><div class=\"fill " << risk_class(pr.p())
        << "\" style=\"width:" << num(100 * pr.p())
        << "%\"></div><div class=\"tick50\"></div><div class=\"tick80\"></div>"
        << "</div></td><td class=\"pv\">" << fr_probability(pr) << "</td></tr>";
    }
    o << "</table></div>";
  }

  // The headline events and the three indicators most at risk, as paths grew (src/convergence.hpp).
  void convergence(const std::vector<std::size_t>& risk) {
    std::vector<ConvergenceItem> items;
    for (const auto& it : headline())
      items.push_back({event_name(it.index) + " (" + std::to_string(p.events[it.index].years.back().first) + ")",
                       event_hit(p, std::size_t(it.index), p.events[it.index].years.size() - 1)});
    for (std::size_t k = 0; k < std::min<std::size_t>(3, risk.size()); ++k) {
      const auto& ind = p.indicators[risk[k]];
      const std::size_t y = year_index(ind, last_year);
      items.push_back({"n° " + ind.id + " (" + std::to_string(ind.years[y].year) + ")", indicator_hit(p, risk[k], y)});
    }
    if (items.empty() || r.convergence.size() < 2) return;
    o << "<div class=\"card\"><h3>Convergence</h3><p class=\"small\" style=\"margin:0 0 6px\">Estimation de "
         "chaque probabilité et son intervalle à 95&nbsp;% à mesure que les trajectoires s'ajoutent (échelle "
         "logarithmique)&nbsp;: une bande étroite et plate à droite signifie un chiffre stable.</p>";
    for (const auto& it : items) o << convergence_svg(r.convergence, it);
    o << "</div>";
  }

  void summary() {
    o << "<section id=\"synthese\" class=\"first\"><h2>Synthèse</h2>";
    const std::vector<std::size_t> risk = indicators_by_risk(p, r, last_year);
    lead(risk);
    headline_cards(risk);
    o << "<div class=\"two\">";
    risk_ranking(risk);
    convergence(risk);
    o << "<div class=\"card\"><h3>Paramètres du calcul</h3><dl class=\"inputs\">";
    for (const auto& [k, v] : run_inputs(p, r, meta, generated_at))
      o << "<dt>" << html_escape(k) << "</dt><dd>" << html_escape(v) << "</dd>";
    o << "</dl></div></div></section>";
  }

  void indicators() {
    o << "<section id=\"indicateurs\"><h2>Indicateurs : probabilité d'atteindre chaque cible</h2>";
    if (p.indicators.empty()) {
      o << "<p>Le modèle ne déclare aucun indicateur.</p></section>";
      return;
    }
    std::set<int> years;
    for (const auto& ind : p.indicators)
      for (const auto& y : ind.years) years.insert(y.year);
    o << "<table class=\"grid\"><thead><tr><th>n°</th><th>Indicateur (libellé du modèle) et source</th>";
    // Year columns share at most two thirds of the table: with six years (a model over two
    // conventions) the label column kept ~100 px and its labels wrapped word by word.
    char width[32];
    std::snprintf(width, sizeof width, "%.1f%%", std::min(16.0, 64.0 / double(std::max<std::size_t>(1, years.size()))));
    for (int y : years) o << "<th style=\"text-align:center;width:" << width << "\">" << y << "</th>";
    o << "</tr></thead><tbody>";
    for (std::size_t i = 0; i < p.indicators.size(); ++i) {
      const auto& ind = p.indicators[i];
      o << "<tr><td><b>" << html_escape(ind.id) << "</b></td><td>" << html_escape(ind.label) << "<div class=\"src\">"
        << html_escape(ind.source) << "</div></td>";
      for (int y : years) {
        int k = year_index(ind, y);
        if (k < 0) {
          o << "<td class=\"pc\">—</td>";
          continue;
        }
        const auto& pr = r.indicator_met[i][k];
        o << "<td class=\"pc " << risk_class(pr.p()) << "\"><span class=\"p\">" << fr_probability(pr)
          << "</span><span class=\"ci\">IC 95&nbsp;%&nbsp;: " << fr_interval(pr) << "</span><span class=\"tg\">cible "
          << target_value(ind.years[k], r.indicator_target[i][k].moments.mean(),
                          r.indicator_target_hi[i][k].moments.mean())
          << "</span><span class=\"ci\">"
          << target_kind(ind.years[k]) << "</span></td>";
      }
      o << "</tr>";
    }
    o << "</tbody></table><p class=\"legendrow\">Probabilité d'atteindre la cible :<span class=\"sw ok\"></span>"
      << "≥ 80 %<span class=\"sw warn\"></span>50 à 80 %<span class=\"sw bad\"></span>&lt; 50 %. "
      << "IC 95 % : intervalle de confiance (Wilson) de l'estimation, dû au nombre fini de trajectoires.</p></section>";
  }


  // One card per output: fan chart with its indicator's targets, last year's distribution.
  void entity_card(std::size_t oi) {
    const auto& out = p.outputs[oi];
    int ii = find_indicator_on(p, out.name);
    FanSpec f;
    f.title = out.label;
    f.shade_from = cog_from, f.shade_to = cog_to;
    for (std::size_t k = 0; k < out.years.size(); ++k)
      f.years.push_back(fan_year(out.years[k].first, r.outputs[oi][k]));
    const engine::IndicatorOut* ind = ii >= 0 ? &p.indicators[ii] : nullptr;
    if (ind) {
      f.notes_title = "P(atteint)";
      for (std::size_t k = 0; k < ind->years.size(); ++k) {
        f.targets.push_back({ind->years[k].year, r.indicator_target[ii][k].moments.mean()});
        const auto& pr = r.indicator_met[ii][k];
        f.notes.push_back({ind->years[k].year, fr_probability(pr), risk_class(pr.p())});
      }
    }
    o << "<div class=\"card entity\"><h3>" << html_escape(out.label) << "</h3>";
    if (ind)
      o << "<p class=\"ind\">Indicateur n°&nbsp;" << html_escape(ind->id) << " : " << html_escape(ind->label)
        << " <span class=\"src\">(" << html_escape(ind->source) << ")</span></p>";
    o << "<div class=\"charts\"><figure style=\"margin:0\">" << fan_svg(f) << "</figure>";
    // The last year's distribution.
    int last = out.years.back().first;
    int ky = ind ? year_index(*ind, last) : -1;
    HistSpec hs;
    hs.stats = &r.outputs[oi].back();
    hs.year = last;
    hs.title = "Distribution du résultat " + std::to_string(last) + " — " + out.label;
    if (ky >= 0) {
      hs.has_target = true;
      hs.target = r.indicator_target[ii][ky].moments.mean();
      hs.above = met_above(ind->years[ky]);
      if (ind->years[ky].has_upper()) hs.target_hi = r.indicator_target_hi[ii][ky].moments.mean();
      hs.met = &r.indicator_met[ii][ky];
    }
    o << "<figure style=\"margin:0\">" << histogram_svg(hs) << "</figure></div>";
    HistSpec curve = hs;
    curve.w = 420, curve.h = 150;
    o << "<figure class=\"scurve\">" << cdf_svg(curve) << "</figure>";
    const auto& last_stats = r.outputs[oi].back();
    double q5 = last_stats.quantile(0.05), q50 = last_stats.quantile(0.5), q95 = last_stats.quantile(0.95),
           scale = std::max(std::fabs(q5), std::fabs(q95));
    o << "<p class=\"cap\">" << last << " : médiane " << fr_short_euros(q50, scale) << " · P5–P95 "
      << fr_short_euros(q5, scale) << " à " << fr_short_euros(q95, scale);
    if (ky >= 0)
      o << " · cible " << target_text(ind->years[ky], hs.target, hs.target_hi) << " · <b>P(atteint) " << fr_probability(*hs.met)
        << "</b>";
    o << " <span class=\"src\">— " << html_escape(out.source) << "</span></p>";
    if (ky >= 0 && !ind->years[ky].has_upper()) missed_by(last_stats, hs.target, hs.above, scale);
    o << "</div>";
  }

  // "Quand la cible est manquée": by how much, over the paths that miss it (src/shortfall.hpp).
  void missed_by(const engine::SeriesStats& st, double target, bool above, double scale) {
    if (st.constant) return;
    const auto m = shortfall(st.sketch, target, above);
    if (!m) return;
    o << "<p class=\"cap miss\">Quand la cible est manquée (" << fr_percent(m->missed) << " des trajectoires), "
      << "elle l'est de <b>" << fr_short_euros(m->median, scale) << "</b> en médiane, de plus de "
      << fr_short_euros(m->p90, scale) << " une fois sur dix, de " << fr_short_euros(m->mean, scale)
      << " en moyenne.</p>";
  }

  void entities(const engine::ReportPart& part, std::size_t k) {
    o << "<section id=\"" << anchor(k) << "\"><h2>" << html_escape(title_of(part)) << "</h2>"
      << "<p class=\"small\">À gauche, l'éventail des valeurs simulées année par année (bandes P5–P95 et P25–P75, "
      << "médiane) et la trajectoire cible de l'indicateur (tirets) ; sous chaque année, la probabilité d'atteindre "
      << "la cible. À droite, la distribution de la dernière année (hauteur : part des trajectoires) : en vert "
      << "les trajectoires qui atteignent la cible, en rouge celles qui la manquent. Puis la courbe en S : "
      << "la part des trajectoires dont le résultat est au plus une valeur donnée, et celle sous la cible.</p>"
      << "<div class=\"entities\">";
    for (const auto& it : part.items)
      if (it.what == engine::ReportItem::What::Output && !p.outputs[it.index].years.empty()) entity_card(it.index);
    o << "</div></section>";
  }

  // A section: for each series a fan chart (with the P(event) row of the section's first event) and
  // a table of quantiles; for each event, its probability by year.
  void section(const engine::ReportPart& part, std::size_t k) {
    const engine::ReportItem* ev = nullptr;
    for (const auto& it : part.items)
      if (it.what == engine::ReportItem::What::Event && !ev) ev = &it;
    o << "<section id=\"" << anchor(k) << "\"><h2>" << html_escape(title_of(part)) << "</h2>";
    for (const auto& it : part.items)
      if (it.what == engine::ReportItem::What::Output) section_series(it.index, ev);
    for (const auto& it : part.items)
      if (it.what == engine::ReportItem::What::Event) section_event(it);
    o << "</section>";
  }

  void section_series(int oi, const engine::ReportItem* ev) {
    const auto& out = p.outputs[oi];
    const int ei = ev ? ev->index : -1;
    o << "<p class=\"small\"><b>" << html_escape(out.label.empty() ? out.name : out.label)
      << "</b> <span class=\"src\">— " << html_escape(out.source) << "</span></p><div class=\"split\"><div class=\"card\">";
    FanSpec f;
    f.title = out.label;
    f.force_zero = true;
    f.zero_label = "zéro";
    f.shade_from = cog_from, f.shade_to = cog_to;
    f.w = 560, f.h = 280;
    for (std::size_t y = 0; y < out.years.size(); ++y) f.years.push_back(fan_year(out.years[y].first, r.outputs[oi][y]));
    if (ei >= 0) {
      f.notes_title = "P(évén.)";
      for (std::size_t y = 0; y < p.events[ei].years.size(); ++y) {
        const auto& pr = r.events[ei][y];
        f.notes.push_back({p.events[ei].years[y].first, fr_probability(pr), event_class(pr.p(), ev->polarity)});
      }
    }
    o << fan_svg(f) << "</div><div class=\"card\"><table class=\"grid\"><thead><tr><th>Fin d'année</th><th "
      << "class=\"num\">Médiane</th><th class=\"num\">P5</th><th class=\"num\">P95</th>";
    if (ei >= 0) o << "<th class=\"num\">" << html_escape(event_name(ei)) << "</th>";
    o << "</tr></thead><tbody>";
    for (std::size_t y = 0; y < out.years.size(); ++y) {
      const auto& s = r.outputs[oi][y];
      int ek = ei >= 0 ? year_index(p.events[ei], out.years[y].first) : -1;
      o << "<tr><td>" << out.years[y].first << "</td><td class=\"num\">" << fr_short_euros(s.quantile(0.5))
        << "</td><td class=\"num\">" << fr_short_euros(s.quantile(0.05)) << "</td><td class=\"num\">"
        << fr_short_euros(s.quantile(0.95)) << "</td>";
      if (ei >= 0) o << "<td class=\"num\">" << (ek >= 0 ? fr_probability(r.events[ei][ek]) : "—") << "</td>";
      o << "</tr>";
    }
    o << "</tbody></table></div></div>";
  }

  void section_event(const engine::ReportItem& it) {
    const auto& e = p.events[it.index];
    if (e.years.empty()) return;
    std::vector<std::pair<int, engine::Proportion>> v;
    for (std::size_t y = 0; y < e.years.size(); ++y) v.emplace_back(e.years[y].first, r.events[it.index][y]);
    o << "<div class=\"card\" style=\"margin-top:10px\">"
      << prob_bars_svg(v, "Probabilité : " + event_name(it.index), it.polarity == engine::Polarity::Bad)
      << "<p class=\"src\">" << html_escape(e.label) << " — " << html_escape(e.source) << "</p></div>";
  }

  void table(const engine::ReportPart& part, std::size_t k) {
    std::set<int> years;
    for (const auto& it : part.items)
      if (it.what == engine::ReportItem::What::Output)
        for (const auto& y : p.outputs[it.index].years) years.insert(y.first);
    o << "<section id=\"" << anchor(k) << "\"><h2>" << html_escape(title_of(part)) << "</h2><p class=\"small\">"
      << "Moyenne des trajectoires simulées et, dessous, l'intervalle P5–P95 (90 % des trajectoires).</p>"
      << "<table class=\"grid\"><thead><tr><th>Série</th>";
    for (int y : years) o << "<th class=\"num\">" << y << "</th>";
    o << "</tr></thead><tbody>";
    for (const auto& it : part.items)
      if (it.what == engine::ReportItem::What::Output) table_row(it.index, years);
    o << "</tbody></table></section>";
  }

  void table_row(int i, const std::set<int>& years) {
    const auto& out = p.outputs[i];
    o << "<tr><td><b>" << html_escape(out.label.empty() ? out.name : out.label) << "</b> <span class=\"small\">("
      << html_escape(out.name) << ")</span><div class=\"src\">" << html_escape(out.source) << "</div></td>";
    const bool money = out.unit == "€";
    auto fmt = [&](double v) { return money ? fr_euros(v) : fr_number(v, std::fabs(v) >= 1000 ? 0 : 4); };
    for (int y : years) {
      int k = year_index(out, y);
      if (k < 0) {
        o << "<td class=\"num\">—</td>";
        continue;
      }
      const auto& s = r.outputs[i][k];
      o << "<td class=\"num\"><b>" << fmt(s.moments.mean()) << "</b>";
      if (s.moments.n > 1 && s.moments.sd() > 0)
        o << "<div class=\"small\">" << fmt(s.quantile(0.05)) << " à " << fmt(s.quantile(0.95)) << "</div>";
      else
        o << "<div class=\"small\">(sans aléa)</div>";
      o << "</td>";
    }
    o << "</tr>";
  }

  void method() {
    o << "<section id=\"methode\" class=\"method\"><h2>Lecture et méthode</h2>"
      << "<p><b>Probabilité d'atteindre une cible.</b> Le modèle (les fichiers de règles cités en sources) est "
      << "rejoué sur " << fr_number(double(r.paths), 0) << " trajectoires où les aléas (inflation, RMPP, tarifs, "
      << "activité…) sont tirés au hasard selon leurs lois. P(atteint) est la part des trajectoires où la cible "
      << "de l'indicateur est tenue. L'IC 95 % (Wilson) mesure la seule précision de cette estimation, due au "
      << "nombre fini de trajectoires ; il ne reflète pas l'incertitude sur les hypothèses du modèle.</p>"
      << "<p><b>Couleurs.</b> Vert : au moins 80 % de chances ; orange : de 50 à 80 % ; rouge : moins d'une "
      << "chance sur deux. Pour un événement défavorable (déclaré <code>bad</code> dans le modèle), la couleur suit la probabilité qu'il ne se produise pas.</p>"
      << "<p><b>Graphique en éventail.</b> Pour chaque année, la bande claire contient 90 % des trajectoires "
      << "simulées (du 5<sup>e</sup> au 95<sup>e</sup> centile), la bande foncée la moitié centrale (du "
      << "25<sup>e</sup> au 75<sup>e</sup> centile) ; la ligne pleine est la médiane. Les tirets donnent la cible "
      << "de l'indicateur : quand la médiane est juste au niveau de la cible, la cible n'est tenue qu'une fois sur deux. "
      << "Les années passées, connues, n'ont pas d'éventail ; la zone grisée est la période de la convention.</p>"
      << "<p><b>Distribution.</b> L'histogramme répartit les trajectoires selon le résultat de la dernière année ; "
      << "le trait vertical marque la cible, les barres vertes les trajectoires qui l'atteignent. Les 0,5 % de "
      << "trajectoires les plus extrêmes de chaque côté sont hors du graphique.</p>"
      << "<p><b>Précision des centiles.</b> Les centiles des tableaux et de l'éventail (P5 à P95) sont lus dans des "
      << "histogrammes fins placés autour de chaque centile d'après les premières trajectoires : leur erreur, donnée "
      << "dans le fichier de résultats (<code>quantile_error</code>), reste bien en deçà de l'erreur d'échantillonnage "
      << "(les séries listées dans <code>quantile_sketch_only</code> font exception : l'esquisse ci-dessous les donne). "
      << "L'histogramme et les courbes en S lisent une esquisse de quantiles (DDSketch) d'une précision relative "
      << "de 0,1 %. Moyennes et probabilités sont exactes sur les trajectoires simulées.</p>"
      << "<p><b>Fichiers joints.</b> Les mêmes chiffres, complets, sont dans le fichier de résultats JSON, le "
      << "classeur XLSX et les tables CSV de la même exécution (<code>cogsim run … --json --xlsx --csv</code>).</p>"
      << "</section>";
  }

 public:
  std::string build() {
    parts = report_layout(p);
    last_year = last_indicator_year(p);
    if (last_year == 0) last_year = p.horizon;
    // The charts shade the model's convention periods (the header's `convention`).
    cog_from = p.conventions.empty() ? 0 : p.conventions.front().first;
    cog_to = p.conventions.empty() ? 0 : p.conventions.back().second;
    head();
    summary();
    indicators();
    if (why) o << why_section_html(p, *why);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (!has_figures(parts[k])) continue;
      switch (parts[k].kind) {
        case engine::ReportPart::Kind::Headline: break;
        case engine::ReportPart::Kind::Entities: entities(parts[k], k); break;
        case engine::ReportPart::Kind::Section: section(parts[k], k); break;
        case engine::ReportPart::Kind::Table: table(parts[k], k); break;
      }
    }
    method();
    o << "<footer>Produit par cogsim " << COGSIM_VERSION << " le " << html_escape(generated_at) << " — "
      << html_escape(p.model_name) << (p.scenario_name.empty() ? "" : " / " + html_escape(p.scenario_name))
      << ", graine " << meta.seed << ", " << fr_number(double(r.paths), 0)
      << " trajectoires. Les libellés et les sources sont ceux des fichiers de règles.</footer>";
    o << "</div></body></html>\n";
    return o.str();
  }
};

}  // namespace

const char* report_style() { return kStyle; }

std::string report_html(const engine::Program& p, const engine::RunResults& r, const RunMeta& meta,
                        const std::string& generated_at, const Why* why) {
  return Page(p, r, meta, generated_at, why).build();
}

std::string write_report_html(const std::string& path, const engine::Program& p, const engine::RunResults& r,
                              const RunMeta& meta, const std::string& generated_at) {
  return write_atomically(path, report_html(p, r, meta, generated_at));
}

}  // namespace cogsim::app::report
