#include "engine/compare.hpp"

#include <cmath>
#include <map>
#include <set>

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
  std::set<std::pair<std::string, int>> base_years;
  for (const auto& o : base.outputs)
    for (const auto& y : o.years) base_years.insert({o.name, y.first});
  for (const auto& o : variant.outputs)
    for (const auto& y : o.years)
      if (base_years.count({o.name, y.first})) {
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

// Outputs present in both, by name and year; the others listed as present on one side only.
void pair_outputs(const Program& base, const Program& variant, CompareResults& r, Pairing& pairing) {
  std::map<std::pair<std::string, int>, Operand> base_out;
  for (const auto& o : base.outputs)
    for (const auto& [y, op] : o.years) base_out[{o.name, y}] = op;
  std::map<std::string, bool> variant_names;
  for (const auto& o : variant.outputs) {
    variant_names[o.name] = true;
    OutputDelta d{o.name, o.label, o.unit, {}};
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

// A series that is not finite, named rather than numbered, and located at the variant's output.
void name_nonfinite(const CoreResult& core, const Program& variant, CompareResults& r) {
  std::size_t k = core.nonfinite_series;
  std::string what = "an indicator or event";
  for (const auto& o : r.outputs)
    for (const auto& y : o.years)
      if (k-- == 0) {
        what = "output " + o.name + " in " + std::to_string(y.year);
        r.error->loc = output_loc(variant, o.name);
        r.error_model = 1;
      }
  r.error->message = what + " (variant − base) " + r.error->message;
}

// The kernel's flat figures back into the comparison's shape; a mean or variance of differences
// that overflows is an error (status 5), though every path is finite.
void scatter(CoreResult& core, const Program& variant, CompareResults& r) {
  std::size_t s = 0, h = 0;
  for (auto& o : r.outputs)
    for (auto& y : o.years) {
      y.delta = std::move(core.series[s++]);
      if (!r.error)
        r.error = overflow_of(y.delta, "output " + o.name + " in " + std::to_string(y.year) + " (variant − base)",
                              output_loc(variant, o.name));
    }
  if (r.error) {
    r.error_model = 1;
    return;
  }
  for (auto* group : {&r.indicators, &r.events})
    for (auto& d : *group)
      for (auto& y : d.years) {
        const std::uint32_t R = core.replicates;
        y.base = {core.hits[h], r.paths, R, R ? core.hit_se[h] : 0};
        y.variant = {core.hits[h + 1], r.paths, R, R ? core.hit_se[h + 1] : 0};
        h += 2;
        y.replicates = R;
        y.design_se = core.series[s].design_se;
        y.paired = core.series[s++].moments;
      }
}

}  // namespace

CompareResults compare(const Program& base, const Program& variant, const RunOptions& opt) {
  CompareResults r;
  Pairing pairing;
  pair_outputs(base, variant, r, pairing);
  auto ind_years = [](const IndicatorOut& i) {
    std::vector<std::pair<int, Operand>> v;
    for (const auto& y : i.years) v.push_back({y.year, y.met});
    return v;
  };
  pair_probabilities(base.indicators, variant.indicators, [](const IndicatorOut& i) { return i.id; }, ind_years,
                     r.indicators, pairing);
  pair_probabilities(base.events, variant.events, [](const EventOut& e) { return e.name; },
                     [](const EventOut& e) { return e.years; }, r.events, pairing);

  CoreResult core = run_core({&base, &variant}, pairing.series, pairing.hits, 0, opt);
  r.paths = core.paths;
  r.replicates = core.replicates;
  r.error = core.error;
  r.error_model = static_cast<int>(core.error_program);
  if (r.error && core.nonfinite_series != SIZE_MAX) name_nonfinite(core, variant, r);
  if (!r.error) scatter(core, variant, r);
  return r;
}

}  // namespace cogsim::engine
