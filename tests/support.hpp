// Helpers shared by the test files: models that must compile, and the sample moments that the
// statistical tests compare with closed forms.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/compiler.hpp"

namespace cogsim::test {

// The bytes of a file ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The standard output of a shell command that must succeed (its exit status is checked).
inline std::string run_command(const std::string& cmd) {
  FILE* f = ::popen(cmd.c_str(), "r");
  std::string out;
  if (!f) {
    ADD_FAILURE() << "cannot run " << cmd;
    return out;
  }
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(f), 0) << cmd;
  return out;
}

// Compiles rules text that must compile (a failure is reported with its diagnostics, and an empty
// program returned).
inline engine::Program compile_model(const std::string& text, const dsl::CompileOptions& options = {}) {
  dsl::Sources sources;
  auto c = dsl::compile_text("test.cog", text, sources, options);
  EXPECT_TRUE(c.program.has_value()) << sources.format_all(c.diags);
  return c.program ? std::move(*c.program) : engine::Program{};
}

// The same for a model file or folder of the repository, e.g. "scenarios/cog-2022-2024".
inline engine::Program load_model(const std::string& relative_path, const dsl::CompileOptions& options = {}) {
  dsl::Sources sources;
  auto c = dsl::compile_file(std::string(COGSIM_SOURCE_DIR) + "/" + relative_path, sources, options);
  EXPECT_TRUE(c.program.has_value()) << sources.format_all(c.diags);
  return c.program ? std::move(*c.program) : engine::Program{};
}

// Sample mean, variance (n - 1) and fourth central moment (n) of x: the mean's standard error is
// sqrt(var / n), the variance's sqrt((m4 - var²) / n).
struct SampleMoments {
  double mean = 0, var = 0, m4 = 0;
};

inline SampleMoments sample_moments(const std::vector<double>& x) {
  const double n = double(x.size());
  SampleMoments s;
  for (double v : x) s.mean += v;
  s.mean /= n;
  for (double v : x) {
    const double d = (v - s.mean) * (v - s.mean);
    s.var += d;
    s.m4 += d * d;
  }
  s.var /= n - 1;
  s.m4 /= n;
  return s;
}

}  // namespace cogsim::test
