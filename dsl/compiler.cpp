#include "dsl/compiler.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <string_view>
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
// The text of a node as written, its runs of spaces and line ends collapsed to one space.
static std::string written(const Sources& sources, const SourceLoc& loc) {
  const std::string& text = sources.text(loc.file);
  if (loc.offset >= text.size()) return "";
  std::string out;
  for (char c : std::string_view(text).substr(loc.offset, loc.length)) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A var's definition as written: its clauses ("2022..2023: expr" or the expression alone).
static std::string law_of(const Sources& sources, const ast::VarDecl& v) {
  std::string law;
  for (const auto& c : v.clauses) {
    const std::string body = written(sources, c.body.loc);
    const std::string when = c.when ? written(sources, c.when->loc) : "";
    law += (law.empty() ? "" : " ; ") + (when.empty() ? body : when + ": " + body);
  }
  return law;
}

static std::map<std::string, InputInfo> describe_inputs(const Model& m, const Sources& sources) {
  std::map<std::string, InputInfo> v;
  for (const auto& s : m.symbols)
    v[s.name] = {s.name, s.label, s.unit_word, s.source, s.var ? law_of(sources, *s.var) : "", {}};
  for (const auto& l : m.lines) {
    const std::string name = l.full + ".execution";
    v[name] = {name, l.label + " : taux d'exécution", "%", l.source, l.execution ? written(sources, l.execution->loc) : "", {}};
  }
  return v;
}

// The cells of the params whose names appear as words in `law`, in the order of `params`.
static std::vector<std::size_t> cells_named(const std::vector<ParamCell>& params, const std::string& law) {
  std::set<std::string> words;
  for (std::size_t i = 0; i < law.size();) {
    const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    if (!is_word(law[i])) { ++i; continue; }
    std::size_t j = i;
    while (j < law.size() && is_word(law[j])) ++j;
    words.insert(law.substr(i, j - i));
    i = j;
  }
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < params.size(); ++k)
    if (words.count(params[k].param)) out.push_back(k);
  return out;
}

// The stages: declare (a Model) -> lower (a Program) -> passes over the IR. Text checks (labels
// and sources as UTF-8) run on the loaded files whatever the other stages found.
Compiled compile(const Loaded& loaded, Sources& sources, const CompileOptions& options) {
  Reporter reporter;
  Compiled c;
  Model model = Declarer(loaded, sources, reporter, options.max_cells).run();
  if (model.has_model) {
    const auto described = describe_inputs(model, sources);
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
        c.inputs.push_back(d == described.end() ? InputInfo{g, "", "", "", "", {}} : d->second);
        c.inputs.back().param_cells = cells_named(c.params, c.inputs.back().law);
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
