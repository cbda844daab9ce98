// The Model's cell arithmetic, and the Reporter (model.hpp).
#include "dsl/model.hpp"

#include <algorithm>
#include <cstdio>

namespace cogsim::dsl {

void Reporter::error(SourceLoc loc, const std::string& msg) {
  if (seen_.insert({loc.file, loc.offset, msg}).second) {
    diags_.push_back({Severity::Error, loc, msg});
    ++error_count_;
  }
}

void Reporter::warning(SourceLoc loc, const std::string& msg) {
  if (seen_.insert({loc.file, loc.offset, msg}).second) diags_.push_back({Severity::Warning, loc, msg});
}

void Reporter::add(const Diagnostic& d) {
  if (d.severity == Severity::Note) diags_.push_back(d);
  else if (seen_.insert({d.loc.file, d.loc.offset, d.message}).second) {
    diags_.push_back(d);
    error_count_ += d.severity == Severity::Error;
  }
}

Diagnostics Reporter::take() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.file, a.loc.offset) < std::tie(b.loc.file, b.loc.offset);
  });
  return std::move(diags_);
}

int Model::period_end(int year) const {
  for (const auto& period : conventions)
    if (year <= period.second) return period.second;
  return conventions.empty() ? horizon : conventions.back().second;
}

int Model::cell_count(const Symbol& s) const {
  int n = 1;
  for (int i = 0; i < s.set_axes(); ++i) n *= s.axes[i].size(sets);
  return n;
}

int Model::flat_index(const Symbol& s, const std::vector<int>& members) const {
  int flat = 0;
  for (int i = 0; i < s.set_axes(); ++i) flat = flat * s.axes[i].size(sets) + members[i];
  return flat;
}

std::vector<int> Model::unflatten(const Symbol& s, int flat) const {
  std::vector<int> m(s.set_axes());
  for (int i = s.set_axes(); i-- > 0;) {
    int n = s.axes[i].size(sets);
    m[i] = flat % n;
    flat /= n;
  }
  return m;
}

std::string Model::cell_name(const Symbol& s, int flat, int year) const {
  std::string n = s.name;
  std::vector<int> m = unflatten(s, flat);
  std::string idx;
  for (int i = 0; i < s.set_axes(); ++i) idx += (idx.empty() ? "" : ", ") + sets[s.axes[i].set].members[m[i]];
  if (s.has_year()) idx += (idx.empty() ? "" : ", ") + std::to_string(year);
  return idx.empty() ? n : n + "[" + idx + "]";
}

std::vector<std::string> Model::known_names(const Env* env) const {
  std::vector<std::string> names;
  for (const auto& s : symbols) names.push_back(s.name);
  if (env)
    for (const auto& b : env->binds) names.push_back(b.name);
  return names;
}

}  // namespace cogsim::dsl
