#include "dsl/report_layout.hpp"

#include <optional>
#include <string>

#include "dsl/suggest.hpp"

namespace cogsim::dsl {
namespace {

using engine::ReportItem;
using engine::ReportPart;

struct KindInfo {
  const char* keyword;
  ReportPart::Kind kind;
  bool events, outputs;  // what its items may name
};

// The kinds of `report` line: keyword, meaning, what the items may be.
constexpr KindInfo kKinds[] = {
    {"headline", ReportPart::Kind::Headline, true, false},
    {"entities", ReportPart::Kind::Entities, false, true},
    {"section", ReportPart::Kind::Section, true, true},
    {"table", ReportPart::Kind::Table, false, true},
};

const KindInfo* find_kind(const std::string& word) {
  for (const auto& k : kKinds)
    if (word == k.keyword) return &k;
  return nullptr;
}

std::string kind_list() {
  std::string s;
  for (const auto& k : kKinds) s += (s.empty() ? "" : ", ") + std::string(k.keyword);
  return s + ", params";  // `report params`: the page's sections of params (dsl/param_info.cpp)
}

// The outputs an item names: the output of that name, else every output of the definition of that
// name (`resultat` names resultat.CDS, resultat.SAP, …), else every output under that dotted
// prefix (`bnass` names bnass.fonct.PA, bnass.cancelled, …).
std::vector<int> outputs_named(const engine::Program& p, const std::string& name) {
  std::vector<int> exact, family, prefixed;
  for (std::size_t i = 0; i < p.outputs.size(); ++i) {
    const auto& o = p.outputs[i];
    if (o.name == name) exact.push_back(int(i));
    else if (o.definition == name) family.push_back(int(i));
    else if (o.name.rfind(name + ".", 0) == 0) prefixed.push_back(int(i));
  }
  return !exact.empty() ? exact : !family.empty() ? family : prefixed;
}

std::optional<int> event_named(const engine::Program& p, const std::string& name) {
  for (std::size_t i = 0; i < p.events.size(); ++i)
    if (p.events[i].name == name) return int(i);
  return std::nullopt;
}

std::vector<std::string> candidates(const engine::Program& p, const KindInfo& k) {
  std::vector<std::string> names;
  if (k.outputs)
    for (const auto& o : p.outputs) names.push_back(o.name), names.push_back(o.definition);
  if (k.events)
    for (const auto& e : p.events) names.push_back(e.name);
  return names;
}

engine::Polarity polarity(const std::string& word) {
  return word == "good" ? engine::Polarity::Good : word == "bad" ? engine::Polarity::Bad : engine::Polarity::Neutral;
}

// Adds what one item names to part; false (and an error) when it names nothing it may.
bool add_item(const ast::ReportItem& item, const KindInfo& k, const engine::Program& p, ReportPart& part,
              Diagnostics& diags) {
  const std::string& name = item.ref.name.name;
  auto fail = [&](const std::string& msg) {
    diags.push_back({Severity::Error, item.ref.loc, msg});
    return false;
  };
  if (item.ref.index) return fail("a report names whole series or events, without indices: write '" + name + "'");
  if (k.events)
    if (auto e = event_named(p, name)) {
      part.items.push_back({ReportItem::What::Event, *e, polarity(item.polarity)});
      return true;
    }
  if (k.outputs) {
    auto outs = outputs_named(p, name);
    if (!outs.empty()) {
      if (!item.polarity.empty())
        return fail("'" + item.polarity + "' says which side of an event is good; '" + name + "' is a series");
      for (int i : outs) part.items.push_back({ReportItem::What::Output, i, engine::Polarity::Neutral});
      return true;
    }
  }
  const char* what = k.events && k.outputs ? "an output or an event" : k.events ? "an event" : "an output";
  const char* whats = k.events && k.outputs ? "outputs and events" : k.events ? "events" : "outputs";
  return fail("'" + name + "' is not " + what + " of the model (a `report " + k.keyword + "` line lists " + whats +
              (k.outputs ? "; outputs are declared with `output`" : "") + ")" + did_you_mean(name, candidates(p, k)));
}

}  // namespace

void resolve_report(const std::vector<const ast::ReportDecl*>& lines, engine::Program& program,
                    Diagnostics& diags) {
  for (const ast::ReportDecl* line : lines) {
    if (line->kind.name == "params") continue;  // resolved against the params (dsl/param_info.cpp)
    const KindInfo* k = find_kind(line->kind.name);
    if (!k) {
      std::vector<std::string> words = {"params"};
      for (const auto& kk : kKinds) words.push_back(kk.keyword);
      diags.push_back({Severity::Error, line->kind.loc,
                       "unknown report part '" + line->kind.name + "' (one of: " + kind_list() + ")" +
                           did_you_mean(line->kind.name, words)});
      continue;
    }
    ReportPart part;
    part.kind = k->kind;
    part.title = line->title.value_or("");
    bool ok = true;
    for (const auto& item : line->items) ok &= add_item(item, *k, program, part, diags);
    if (ok) program.report.push_back(std::move(part));
  }
}

}  // namespace cogsim::dsl
