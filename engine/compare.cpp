#include "engine/compare.hpp"

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "engine/finite.hpp"

namespace cogsim::engine {

namespace {

// Where the variant defines output `name`: a paired difference is located there (the variant's
// sources hold the base's files too when it extends the base).
SourceLoc output_loc(const Program& variant, const std::string& name) {
  for (const auto& o : variant.outputs)
    if (o.name == name) return o.loc;
  return SourceLoc{UINT32_MAX, 0, 0};
}

}  // namespace

double ProbabilityDelta::std_error() const {
  if (replicates > 0) return design_se;
  return paired.n > 1 ? paired.sd() / std::sqrt(double(paired.n)) : 0.0;
}


SharedCounts shared_counts(const Program& base, const Program& variant) {
  SharedCounts c;
  std::set<std::tuple<std::string, std::string, int>> base_years;  // name, unit, year: as compare() pairs
  for (const auto& o : base.outputs)
    for (const auto& y : o.years) base_years.insert({o.name, o.unit, y.first});
  for (const auto& o : variant.outputs)
    for (const auto& y : o.years)
      if (base_years.count({o.name, o.unit, y.first})) {
        ++c.series;
        break;
      }
  c.base_series = base.outputs.size();
  c.variant_series = variant.outputs.size();
  auto streams = [](const Program& p) {
    std::multiset<std::uint64_t> s;
    for (const auto& in : p.code)
      if (in.op == Op::Draw) s.insert(in.stream);
    return s;
  };
  const auto b = streams(base), v = streams(variant);
  c.base_draws = b.size();
  c.variant_draws = v.size();
  for (std::uint64_t id : v) c.draws += b.count(id) > 0;
  return c;
}

namespace {

// What the kernel evaluates for a comparison: the paired series (variant − base) and the hits of
// each side, in the order the results are scattered back.
struct Pairing {
  std::vector<SeriesSpec> series;
  std::vector<Term> hits;
};

// The unit of each output of a program, by name: two outputs of one name but different units
// (an amount in the base, a rate in the variant) are different series, never subtracted.
std::map<std::string, std::string> units_of(const Program& p) {
  std::map<std::string, std::string> u;
  for (const auto& o : p.outputs) u[o.name] = o.unit;
  return u;
}
bool shared_name(const std::map<std::string, std::string>& other_units, const SeriesOut& o) {
  const auto it = other_units.find(o.name);
  return it != other_units.end() && it->second == o.unit;
}

// Outputs present in both, by name (with the same unit) and year; the others listed as present
// on one side only.
void pair_outputs(const Program& base, const Program& variant, CompareResults& r, Pairing& pairing) {
  std::map<std::pair<std::string, int>, Operand> base_out;
  const auto base_units = units_of(base), variant_units = units_of(variant);
  for (const auto& o : base.outputs)
    if (shared_name(variant_units, o))
      for (const auto& [y, op] : o.years) base_out[{o.name, y}] = op;
  std::map<std::string, bool> variant_names;
  for (const auto& o : variant.outputs) {
    if (!shared_name(base_units, o)) {
      r.only_in_variant.push_back(o.name);
      continue;
    }
    variant_names[o.name] = true;
    OutputDelta d;
    d.name = o.name, d.label = o.label, d.unit = o.unit;
    for (const auto& [y, op] : o.years) {
      auto it = base_out.find({o.name, y});
      if (it == base_out.end()) continue;
      PairedYear py;
      py.year = y;
      d.years.push_back(std::move(py));
      pairing.series.push_back({{1, op}, Term{0, it->second}});
    }
    if (d.years.empty()) r.only_in_variant.push_back(o.name);
    else r.outputs.push_back(std::move(d));
  }
  for (const auto& o : base.outputs)
    if (!variant_names.count(o.name)) r.only_in_base.push_back(o.name);
}

// Indicators or events, by id and year: the hits of each side and the paired difference.
template <class Items, class NameOf, class YearsOf>
void pair_probabilities(const Items& b_items, const Items& v_items, NameOf name_of, YearsOf years_of,
                        std::vector<IndicatorDelta>& out, Pairing& pairing) {
  std::map<std::pair<std::string, int>, Operand> b;
  for (const auto& it : b_items)
    for (const auto& [y, op] : years_of(it)) b[{name_of(it), y}] = op;
  for (const auto& it : v_items) {
    IndicatorDelta d{name_of(it), it.label, {}};
    for (const auto& [y, op] : years_of(it)) {
      auto f = b.find({name_of(it), y});
      if (f == b.end()) continue;
      ProbabilityDelta pd;
      pd.year = y;
      d.years.push_back(pd);
      pairing.hits.push_back({0, f->second});
      pairing.hits.push_back({1, op});
      pairing.series.push_back({{1, op}, Term{0, f->second}});
    }
    if (!d.years.empty()) out.push_back(std::move(d));
  }
}

// Output-years that one side only has: their values (a series of that side alone).
void solo_outputs(const Program& base, const Program& variant, CompareResults& r, Pairing& pairing) {
  const Program* sides[2] = {&base, &variant};
  for (int side : {1, 0}) {
    std::set<std::pair<std::string, int>> other;  // the other side's output-years of the same unit
    const auto units = units_of(*sides[side]);
    for (const auto& o : sides[1 - side]->outputs)
      if (shared_name(units, o))
        for (const auto& y : o.years) other.insert({o.name, y.first});
    for (const auto& o : sides[side]->outputs) {
      OutputSolo solo{o.name, o.label, o.unit, side, {}};
      for (const auto& [y, op] : o.years) {
        if (other.count({o.name, y})) continue;
        SoloYear sy;
        sy.year = y;
        solo.years.push_back(std::move(sy));
        pairing.series.push_back({Term{side, op}, std::nullopt});
      }
      if (!solo.years.empty()) r.solo_outputs.push_back(std::move(solo));
    }
  }
}

// Indicator- or event-years that one side only has: their hits on that side.
template <class Items, class NameOf, class YearsOf>
void solo_probabilities(const Items& b_items, const Items& v_items, NameOf name_of, YearsOf years_of,
                        std::vector<ProbabilitySolo>& out, Pairing& pairing) {
  const Items* sides[2] = {&b_items, &v_items};
  for (int side : {1, 0}) {
    std::set<std::pair<std::string, int>> other;
    for (const auto& it : *sides[1 - side])
      for (const auto& y : years_of(it)) other.insert({name_of(it), y.first});
    for (const auto& it : *sides[side]) {
      ProbabilitySolo solo{name_of(it), it.label, side, {}};
      for (const auto& y : years_of(it)) {
        if (other.count({name_of(it), y.first})) continue;
        solo.years.push_back({y.first, Proportion{}});
        pairing.hits.push_back({side, y.second});
      }
      if (!solo.years.empty()) out.push_back(std::move(solo));
    }
  }
}

// The targets of every indicator-year both sides have. Two constants are compared exactly; a
// target computed on the paths is measured: the base's value, the variant's, and their paired
// difference (which says whether it differs on any path).
struct TargetTerm {
  std::size_t pair = 0;
  bool hi = false;
};
void pair_targets(const Program& base, const Program& variant, CompareResults& r, Pairing& pairing,
                  std::vector<TargetTerm>& measured) {
  std::map<std::pair<std::string, int>, const IndicatorYear*> b;
  for (const auto& ind : base.indicators)
    for (const auto& y : ind.years) b[{ind.id, y.year}] = &y;
  for (const auto& ind : variant.indicators)
    for (const auto& vy : ind.years) {
      auto f = b.find({ind.id, vy.year});
      if (f == b.end()) continue;
      const IndicatorYear& by = *f->second;
      TargetPair tp{ind.id, ind.label, vy.year, {by.kind, by.rate, 0, 0}, {vy.kind, vy.rate, 0, 0}, false};
      for (bool hi : {false, true}) {
        if (hi && !(by.has_upper() && vy.has_upper())) continue;
        const Operand ob = hi ? by.target_hi : by.target, ov = hi ? vy.target_hi : vy.target;
        if (is_const(ob) && is_const(ov)) {
          const double cb = base.constants[const_index(ob)], cv = variant.constants[const_index(ov)];
          (hi ? tp.base.value_hi : tp.base.value) = cb;
          (hi ? tp.variant.value_hi : tp.variant.value) = cv;
          tp.values_differ = tp.values_differ || cb != cv;
          continue;
        }
        measured.push_back({r.targets.size(), hi});
        pairing.series.push_back({Term{0, ob}, std::nullopt});
        pairing.series.push_back({Term{1, ov}, std::nullopt});
        pairing.series.push_back({Term{1, ov}, Term{0, ob}});
      }
      r.targets.push_back(std::move(tp));
    }
}

// Each shared output's last shared year, alone in each scenario (after every other series, so
// that their order is unchanged).
void pair_last_years(const Program& base, const Program& variant, const CompareResults& r, Pairing& pairing) {
  auto op_of = [](const Program& p, const std::string& name, int year) {
    for (const auto& o : p.outputs)
      if (o.name == name)
        for (const auto& [y, op] : o.years)
          if (y == year) return op;
    return Operand{};
  };
  for (const auto& o : r.outputs) {
    const int y = o.years.back().year;
    pairing.series.push_back({Term{0, op_of(base, o.name, y)}, std::nullopt});
    pairing.series.push_back({Term{1, op_of(variant, o.name, y)}, std::nullopt});
  }
}

// A series that is not finite, named rather than numbered, and located at the output that
// defines it: for a difference, in the model whose own value is not finite (the kernel says which,
// core.error_program: the variant's when both are, or when only the difference overflows).
void name_nonfinite(const CoreResult& core, const Program& base, const Program& variant, std::size_t paired,
                    CompareResults& r) {
  std::size_t k = core.nonfinite_series;
  const bool in_base = core.error_program == 0;
  std::string what = in_base ? "an indicator or event (base)" : "an indicator or event (variant − base)";
  for (const auto& o : r.outputs)
    for (const auto& y : o.years)
      if (k-- == 0) {
        what = "output " + o.name + " in " + std::to_string(y.year) + (in_base ? " (base)" : " (variant − base)");
        r.error->loc = output_loc(in_base ? base : variant, o.name);
        r.error_model = in_base ? 0 : 1;
      }
  k = core.nonfinite_series;
  if (k >= paired) {
    what = "an indicator's target";
    k -= paired;
    for (const auto& o : r.solo_outputs)
      for (const auto& y : o.years)
        if (k-- == 0) {
          what = "output " + o.name + " in " + std::to_string(y.year);
          r.error->loc = output_loc(o.side == 1 ? variant : base, o.name);
          r.error_model = o.side;
        }
  }
  r.error->message = what + " " + r.error->message;
}

// The kernel's flat figures back into the comparison's shape; a mean or variance of differences
// that overflows is an error (status 5), though every path is finite.
void scatter_outputs(CoreResult& core, const Program& variant, CompareResults& r, std::size_t& s) {
  for (auto& o : r.outputs)
    for (auto& y : o.years) {
      y.delta = std::move(core.series[s++]);
      if (!r.error)
        r.error = overflow_of(y.delta, "output " + o.name + " in " + std::to_string(y.year) + " (variant − base)",
                              output_loc(variant, o.name));
    }
  if (r.error) r.error_model = 1;
}

void scatter_probabilities(CoreResult& core, CompareResults& r, std::size_t& s, std::size_t& h) {
  const std::uint32_t R = core.replicates;
  for (auto* group : {&r.indicators, &r.events})
    for (auto& d : *group)
      for (auto& y : d.years) {
        y.base = {core.hits[h], r.paths, R, R ? core.hit_se[h] : 0};
        y.variant = {core.hits[h + 1], r.paths, R, R ? core.hit_se[h + 1] : 0};
        h += 2;
        y.replicates = R;
        y.design_se = core.series[s].design_se;
        y.paired = core.series[s++].moments;
      }
}

// What one side only has, and the measured targets.
void scatter_solo(CoreResult& core, const Program& base, const Program& variant, CompareResults& r,
                  const std::vector<TargetTerm>& measured, std::size_t s, std::size_t h) {
  for (auto& o : r.solo_outputs)
    for (auto& y : o.years) {
      y.value = std::move(core.series[s++]);
      if (!r.error && (r.error = overflow_of(y.value, "output " + o.name + " in " + std::to_string(y.year),
                                             output_loc(o.side == 1 ? variant : base, o.name))))
        r.error_model = o.side;
    }
  const std::uint32_t R = core.replicates;
  for (auto* group : {&r.solo_indicators, &r.solo_events})
    for (auto& d : *group)
      for (auto& y : d.years) {
        y.second = {core.hits[h], r.paths, R, R ? core.hit_se[h] : 0};
        ++h;
      }
  for (const auto& m : measured) {
    TargetPair& tp = r.targets[m.pair];
    const Moments& d = core.series[s + 2].moments;
    (m.hi ? tp.base.value_hi : tp.base.value) = core.series[s].moments.mean();
    (m.hi ? tp.variant.value_hi : tp.variant.value) = core.series[s + 1].moments.mean();
    tp.values_differ = tp.values_differ || d.mean() != 0 || (d.n > 1 && d.sd() != 0);
    s += 3;
  }
  for (auto& o : r.outputs) {
    o.last_base = std::move(core.series[s++]);
    o.last_variant = std::move(core.series[s++]);
  }
}

}  // namespace

bool TargetPair::changed() const {
  return base.kind != variant.kind || base.rate != variant.rate || values_differ;
}

CompareResults compare(const Program& base, const Program& variant, const RunOptions& opt) {
  CompareResults r;
  Pairing pairing;
  pair_outputs(base, variant, r, pairing);
  auto ind_years = [](const IndicatorOut& i) {
    std::vector<std::pair<int, Operand>> v;
    for (const auto& y : i.years) v.push_back({y.year, y.met});
    return v;
  };
  auto ind_id = [](const IndicatorOut& i) { return i.id; };
  auto ev_name = [](const EventOut& e) { return e.name; };
  auto ev_years = [](const EventOut& e) { return e.years; };
  pair_probabilities(base.indicators, variant.indicators, ind_id, ind_years, r.indicators, pairing);
  pair_probabilities(base.events, variant.events, ev_name, ev_years, r.events, pairing);
  const std::size_t paired = pairing.series.size(), paired_hits = pairing.hits.size();
  solo_outputs(base, variant, r, pairing);
  solo_probabilities(base.indicators, variant.indicators, ind_id, ind_years, r.solo_indicators, pairing);
  solo_probabilities(base.events, variant.events, ev_name, ev_years, r.solo_events, pairing);
  std::vector<TargetTerm> measured;
  pair_targets(base, variant, r, pairing, measured);
  pair_last_years(base, variant, r, pairing);

  CoreResult core = run_core({&base, &variant}, pairing.series, pairing.hits, 0, opt);
  r.paths = core.paths;
  r.replicates = core.replicates;
  r.error = core.error;
  r.error_model = static_cast<int>(core.error_program);
  if (r.error && core.nonfinite_series != SIZE_MAX) name_nonfinite(core, base, variant, paired, r);
  if (r.error) return r;
  std::size_t s = 0, h = 0;
  scatter_outputs(core, variant, r, s);
  if (r.error) return r;
  scatter_probabilities(core, r, s, h);
  scatter_solo(core, base, variant, r, measured, paired, paired_hits);
  return r;
}

}  // namespace cogsim::engine
