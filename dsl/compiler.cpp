#include "dsl/compiler.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <tuple>

#include "dsl/declare.hpp"
#include "dsl/lowering.hpp"
#include "dsl/passes.hpp"
#include "dsl/text_checks.hpp"

namespace cogsim::dsl {

std::string describe(const Dim& d) {
  if (d.boolean) return "a condition";
  if (d.money == 0) return "a plain number or rate";
  if (d.money == 1) return "an amount in €";
  return "a value in €^" + std::to_string(d.money);
}

// The checker's diagnostics after the parser's. A missing model header is not reported when a
// statement failed to parse: it is most likely the broken one.
static void merge_diagnostics(Diagnostics& parsed, const Diagnostics& checked) {
  const bool syntax_errors = has_errors(parsed);
  for (const auto& d : checked)
    if (!(syntax_errors && d.code == DiagCode::NoModel)) parsed.push_back(d);
}

// The label, unit and source of every definition and budget line's execution rate, by the name
// its draws are grouped under (Lowering's stream names).
static std::map<std::string, InputInfo> describe_inputs(const Model& m) {
  std::map<std::string, InputInfo> v;
  for (const auto& s : m.symbols) v[s.name] = {s.name, s.label, s.unit_word, s.source};
  for (const auto& l : m.lines) {
    const std::string name = l.full + ".execution";
    v[name] = {name, l.label + " : taux d'exécution", "%", l.source};
  }
  return v;
}

// The stages: declare (a Model) -> lower (a Program) -> passes over the IR. Text checks (labels
// and sources as UTF-8) run on the loaded files whatever the other stages found.
Compiled compile(const Loaded& loaded, Sources& sources, const CompileOptions& options) {
  Reporter reporter;
  Compiled c;
  Model model = Declarer(loaded, sources, reporter, options.max_cells).run();
  if (model.has_model) {
    const auto described = describe_inputs(model);
    Lowered lowered =
        Lowering(std::move(model), sources, reporter, {options.param_overrides, options.cse, options.max_cells}).run();
    c.params = std::move(lowered.params);
    c.param_sections = std::move(lowered.sections);
    if (reporter.errors() == 0) {
      eliminate_dead_code(lowered.program);
      if (options.fuse) fuse_pairs(lowered.program);
      reuse_slots(lowered.program);
      c.program = std::move(lowered.program);
      for (const auto& g : c.program->draw_groups) {
        auto d = described.find(g);
        c.inputs.push_back(d == described.end() ? InputInfo{g, "", "", ""} : d->second);
      }
    }
  }
  c.diags = reporter.take();
  Diagnostics text = check_text(loaded, sources);
  if (text.empty()) return c;
  c.diags.insert(c.diags.end(), text.begin(), text.end());
  std::stable_sort(c.diags.begin(), c.diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.file, a.loc.offset) < std::tie(b.loc.file, b.loc.offset);
  });
  if (has_errors(c.diags)) c.program.reset();
  return c;
}

Compiled compile_file(const std::string& path, Sources& sources, const CompileOptions& options) {
  Diagnostics diags;
  Loaded loaded = load(path, sources, diags);
  Compiled c = compile(loaded, sources, options);
  merge_diagnostics(diags, c.diags);
  c.diags = std::move(diags);
  if (has_errors(c.diags)) c.program.reset();
  return c;
}

Compiled compile_text(const std::string& name, const std::string& text, Sources& sources,
                      const CompileOptions& options) {
  Diagnostics diags;
  Loaded loaded = load_text(name, text, sources, diags);
  Compiled c = compile(loaded, sources, options);
  merge_diagnostics(diags, c.diags);
  c.diags = std::move(diags);
  if (has_errors(c.diags)) c.program.reset();
  return c;
}

static std::string fmt_num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

Diagnostics run_checks(const engine::Program& p) {
  Diagnostics out;
  auto central = engine::run_central(p);
  if (central.error) {
    out.push_back(*central.error);
    return out;
  }
  for (const auto& c : p.checks) {
    double lhs = engine::value_at(p, central.ws, c.lhs, 0);
    double rhs = engine::value_at(p, central.ws, c.rhs, 0);
    double tol = engine::value_at(p, central.ws, c.tolerance, 0);
    bool ok;
    if (c.op == "==")
      ok = std::fabs(lhs - rhs) <= tol;
    else if (c.op == "!=")
      ok = std::fabs(lhs - rhs) > tol;
    else
      ok = lhs != 0;  // a condition, lowered whole
    const double gap = std::fabs(lhs - rhs);
    if (ok && c.rounding && gap > 1e-9 * std::max(std::fabs(lhs), std::fabs(rhs)))
      out.push_back({Severity::Warning, c.loc,
                     "rounding gap: " + c.label + ": got " + fmt_num(lhs) + ", expected " + fmt_num(rhs) + " (gap " +
                         fmt_num(gap) + ", within the rounding tolerance " + fmt_num(tol) + ")"});
    if (!ok) {
      std::string msg = "assert failed: " + c.label;
      if (c.op == "==" || c.op == "!=")
        msg += ": got " + fmt_num(lhs) + ", expected " + (c.op == "!=" ? "not " : "") +
               fmt_num(rhs) + " (tolerance " + fmt_num(tol) + ")";
      out.push_back({Severity::Error, c.loc, msg});
    }
  }
  return out;
}

}  // namespace cogsim::dsl
