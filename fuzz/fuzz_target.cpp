// The fuzz target: parse -> check -> lower -> central evaluation of one rules file, and the
// properties every input must have whatever it holds: no crash, no hang (libFuzzer's -timeout),
// no exception escaping, every error located in a file that was read, no "internal error", no
// C++ type name in a message. Built with libFuzzer (clang, -DCOGSIM_FUZZ=ON) as `cogsim_fuzz`,
// and with fuzz/replay_main.cpp as `cogsim_fuzz_replay`, which runs it over fuzz/corpus and
// fuzz/regressions (a ctest test, in every build, with the sanitisers too).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "dsl/compiler.hpp"
#include "fuzz/message_checks.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& message) {
  std::fprintf(stderr, "cogsim_fuzz: %s: %s\n", what.c_str(), message.c_str());
  std::abort();
}

void check_diagnostics(const cogsim::dsl::Sources& sources, const cogsim::Diagnostics& diags,
                       const std::string& input) {
  for (const auto& d : diags) {
    if (d.severity == cogsim::Severity::Error && d.loc.file >= sources.size())
      fail("an error without a location", d.message);
    if (auto why = cogsim::fuzz::message_problem(d.message, input)) fail(*why, d.message);
  }
  (void)sources.format_all(diags);  // quoting the line and the caret must work for every location
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    cogsim::dsl::Sources sources;
    cogsim::dsl::Compiled c = cogsim::dsl::compile_text("fuzz.cog", text, sources);
    check_diagnostics(sources, c.diags, text);
    if (c.program) check_diagnostics(sources, cogsim::dsl::run_checks(*c.program), text);
  } catch (const std::exception& e) {
    fail("an exception escaped", e.what());
  }
  return 0;
}
