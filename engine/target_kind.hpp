// The kinds of indicator target, named once: keyword of the rules language, number of arguments,
// what the writers need to know (a rate? an upper bound? met above or below the target?) and
// their French wording. The lowering, the results file, the CSV tables, the workbook and the
// HTML report all read this table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cogsim::engine {

enum class TargetKind : std::uint8_t { ReduceDeficit, Equilibre, Excedent, AtLeast, AtMost, Between, Increase };

struct TargetKindInfo {
  TargetKind kind;
  const char* keyword;    // as written: reduce_deficit(40 %)
  int arity;              // arguments in parentheses
  bool has_rate;          // its argument is a rate applied to the reference year's value
  bool has_upper;         // a second bound (target_hi)
  bool met_above;         // met when the value is >= the target (else <=)
  bool strict;            // met when the value is > the target (not >=)
  bool zero_target;       // the target is 0 (no argument)
  const char* name_fr;    // "réduction du déficit": the kind in a table column
  const char* phrase_fr;  // "déficit réduit de": the kind in a sentence, followed by the rate if any
};

inline constexpr TargetKindInfo kTargetKinds[] = {
    {TargetKind::ReduceDeficit, "reduce_deficit", 1, true, false, true, false, false, "réduction du déficit",
     "déficit réduit de"},
    {TargetKind::Equilibre, "equilibre", 0, false, false, true, false, true, "équilibre", "équilibre"},
    {TargetKind::Excedent, "excedent", 0, false, false, true, true, true, "excédent", "excédent"},
    {TargetKind::AtLeast, "at_least", 1, false, false, true, false, false, "au moins", ""},
    {TargetKind::AtMost, "at_most", 1, false, false, false, false, false, "au plus", ""},
    {TargetKind::Between, "between", 2, false, true, true, false, false, "entre", "intervalle"},
    {TargetKind::Increase, "increase", 1, true, false, true, false, false, "hausse", "hausse de"},
};

inline const TargetKindInfo& info(TargetKind k) { return kTargetKinds[static_cast<int>(k)]; }

inline const TargetKindInfo* find_target_kind(std::string_view keyword) {
  for (const auto& k : kTargetKinds)
    if (keyword == k.keyword) return &k;
  return nullptr;
}

// "reduce_deficit(r), equilibre, …, increase(r)": the kinds as a user writes them, for messages.
inline std::string target_kind_list() {
  static const char* const args[] = {"", "(x)", "(lo, hi)"};
  std::string s;
  for (const auto& k : kTargetKinds)
    s += (s.empty() ? "" : ", ") + std::string(k.keyword) + (k.has_rate ? "(r)" : args[k.arity]);
  return s;
}

inline std::vector<std::string> target_keywords() {
  std::vector<std::string> v;
  for (const auto& k : kTargetKinds) v.push_back(k.keyword);
  return v;
}

}  // namespace cogsim::engine
