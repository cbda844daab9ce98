// Run-time refusals and failures that must name where they come from: a run that would exhaust
// memory (refused before anything is allocated, issue 12) and a run-time error inside
// `cogsim compare`, located in whichever of the two models raised it (issue 19).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "dsl/compiler.hpp"
#include "engine/compare.hpp"
#include "engine/memory_check.hpp"
#include "engine/quantiles.hpp"
#include "engine/simulator.hpp"

namespace cogsim {
namespace {

namespace fs = std::filesystem;

const std::string kHead = "model \"m\" base 2019 years 2020..2022\n";

// A set of n members, m0..m(n-1).
std::string members(int n) {
  std::string s = "set s = { ";
  for (int i = 0; i < n; ++i) s += (i ? ", m" : "m") + std::to_string(i);
  return s + " }\n";
}

// `cogsim ARGS 2>&1`: its exit status and what it printed.
std::pair<int, std::string> cogsim(const std::string& args) {
  FILE* f = ::popen((std::string(COGSIM_EXE) + " " + args + " 2>&1").c_str(), "r");
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  const int raw = ::pclose(f);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, text};
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// ---------------------------------------------------------------- memory (was: bad_alloc, OOM)

TEST(RunMemory, ARunPastTheMemoryLimitIsRefusedAtTheDefinitionBehindMostSeries) {
  // 2 000 members × 3 years = 6 000 output series from one definition (line 4).
  const std::string text = kHead + members(2000) + "param p = 1\nvar v[i in s, t in 2020..2022] = normal(p, 1)\noutput v\n";
  dsl::Sources sources;
  auto c = dsl::compile_text("t.cog", text, sources);
  ASSERT_TRUE(c.program) << sources.format_all(c.diags);
  engine::RunOptions opt;
  opt.paths = 100000;
  opt.threads = 2;
  // The estimate from its parts, independently: per series, 3 sets of sketches (two threads and
  // the run's), each 7 windows of at most 4 096 counts of 4 bytes; per thread a block of 1 024
  // paths of every slot; the pilot (8 192 paths per series) comes before, and is smaller.
  const double sketches = 6000.0 * 3 * (7 * 4096 * 4 + 1024);
  const double workspaces = 2.0 * (c.program->num_slots + 2) * 1024 * 8;
  const auto e = engine::estimate_run_memory({&*c.program}, 6000, opt);
  EXPECT_EQ(double(e.bytes), sketches + workspaces);
  EXPECT_EQ(double(e.pilot), 6000.0 * 8192 * 8);
  opt.memory_limit = 1'000'000'000;
  auto r = engine::simulate(*c.program, opt);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.paths, 0u);
  EXPECT_EQ(first_line(sources.format(*r.error)),
            "t.cog:4:5: error: a run would need about 2.2 GB of memory, more than the 1.0 GB available: this "
            "definition gives 6000 of its 6000 series, and each series keeps its quantile counts in every thread; "
            "output fewer series (a sum over the members rather than each one) or run with fewer --threads");
  // Within the limit: it runs.
  opt.memory_limit = 3'000'000'000;
  opt.paths = 2000;
  EXPECT_FALSE(engine::simulate(*c.program, opt).error);
}

TEST(RunMemory, ABlockOfEveryCellPastTheLimitNamesTheLargestDefinition) {
  // Few series, many cells kept at once: a block of 65 536 paths over 2 000 × 3 draws.
  const std::string text = kHead + members(2000) + "var v[i in s, t in 2020..2022] = normal(0, 1)\n"
                           "var total[t in 2020..2022] = sum(i in s: v[i, t])\noutput total\n";
  dsl::Sources sources;
  auto c = dsl::compile_text("t.cog", text, sources);
  ASSERT_TRUE(c.program) << sources.format_all(c.diags);
  engine::RunOptions opt;
  opt.paths = 100000;
  opt.threads = 1;
  opt.block_size = 65536;
  opt.memory_limit = 100'000'000;
  auto r = engine::simulate(*c.program, opt);
  ASSERT_TRUE(r.error);
  const std::string m = first_line(sources.format(*r.error));
  // At the draw of v (line 3, column 34), which most instructions evaluate.
  EXPECT_EQ(m.rfind("t.cog:3:34: error: a run would need about ", 0), 0u) << m;
  EXPECT_NE(m.find(" instructions; each thread keeps a block of 65536 paths of the model's " +
                   std::to_string(c.program->num_slots) + " values; a smaller --block-size or fewer --threads"),
            std::string::npos) << m;
}

TEST(RunMemory, TheCommandLineRefusesARunThatCannotFitBeforeAllocatingIt) {
  // 20 000 members × 3 years = 60 000 series on 64 threads: about 450 GB of quantile counts.
  const fs::path dir = fs::path(testing::TempDir()) / "run_memory";
  fs::create_directories(dir);
  std::ofstream(dir / "big.cog") << kHead << members(20000) << "var v[i in s, t in 2020..2022] = normal(0, 1)\noutput v\n";
  const fs::path json = dir / "big.json";
  fs::remove(json);
  auto [status, text] = cogsim("run " + (dir / "big.cog").string() + " -n 100000 --threads 64 --json " + json.string());
  EXPECT_EQ(status, 5) << text;
  EXPECT_EQ(text.rfind((dir / "big.cog").string() + ":3:5: error: a run would need about ", 0), 0u) << text;
  EXPECT_NE(text.find("this definition gives 60000 of its 60000 series"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(json));
}

// ---------------------------------------------------------------- compare: which model failed

struct Pair {
  fs::path dir;
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
};

Pair folder(const std::string& name) {
  Pair p{fs::path(testing::TempDir()) / name};
  fs::create_directories(p.dir);
  return p;
}

const std::string kBase = kHead + "var x[t in 2020..2022] = normal(5, 1)\nvar y[t in 2020..2022] = sqrt(x[t])\noutput y\n";

TEST(CompareErrors, ANonFiniteDifferenceIsLocatedAtTheVariantsDefinition) {
  Pair p = folder("cmp_nan");
  auto base = p.write("base.cog", kBase);
  // Two blank lines: the variant's y is on line 5, the base's on line 3.
  auto variant = p.write("variant.cog", kHead + "\n\nvar x[t in 2020..2022] = normal(1, 1)\nvar y[t in 2020..2022] = sqrt(x[t])\noutput y\n");
  const fs::path json = p.dir / "r.json";
  auto [status, text] = cogsim("compare " + base.string() + " " + variant.string() + " -n 2000 --json " + json.string());
  EXPECT_EQ(status, 5) << text;
  EXPECT_EQ(first_line(text).substr(0, first_line(text).find(" on path ")),
            variant.string() + ":5:5: error: output y in 2020 (variant − base) is not a finite number") << text;
  EXPECT_NE(text.find("cogsim: " + variant.string() + " failed while running; no results written"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(json));
}

// The same pair the other way round: the base's y is not finite, the variant's is. The error used
// to say "(variant − base)" at the variant's definition, blaming the healthy model.
TEST(CompareErrors, ANonFiniteBaseIsLocatedInTheBase) {
  Pair p = folder("cmp_nan_base");
  auto good = p.write("good.cog", kBase);
  auto bad = p.write("bad.cog", kHead + "\n\nvar x[t in 2020..2022] = normal(1, 1)\nvar y[t in 2020..2022] = sqrt(x[t])\noutput y\n");
  auto [status, text] = cogsim("compare " + bad.string() + " " + good.string() + " -n 2000");
  EXPECT_EQ(status, 5) << text;
  EXPECT_EQ(first_line(text).substr(0, first_line(text).find(" on path ")),
            bad.string() + ":5:5: error: output y in 2020 (base) is not a finite number") << text;
  EXPECT_NE(text.find("cogsim: " + bad.string() + " failed while running; no results written"), std::string::npos) << text;
}

TEST(CompareErrors, AnInvalidDrawIsLocatedInTheModelThatDrewIt) {
  Pair p = folder("cmp_draw");
  auto good = p.write("good.cog", kBase);
  // A standard deviation that is negative on about half the paths (line 4).
  auto bad = p.write("bad.cog", kHead + "var x[t in 2020..2022] = normal(5, 1)\nvar s[t in 2020..2022] = normal(0, 1)\n"
                                        "var y[t in 2020..2022] = sqrt(x[t]) + normal(0, s[t])\noutput y\n");
  for (const bool bad_is_variant : {true, false}) {
    const fs::path& base = bad_is_variant ? good : bad;
    const fs::path& variant = bad_is_variant ? bad : good;
    auto [status, text] = cogsim("compare " + base.string() + " " + variant.string() + " -n 2000");
    EXPECT_EQ(status, 5) << text;
    EXPECT_EQ(text.rfind(bad.string() + ":4:", 0), 0u) << text;
    EXPECT_NE(text.find("cogsim: " + bad.string() + " failed while running"), std::string::npos) << text;
  }
}

TEST(CompareErrors, AnErrorPastThePilotTravelsWithItsModelThroughTheChunks) {
  // A draw that fails on about 1 path in 17 000 (u < 2e-5 in one of three years): with seed 3 no
  // pilot path (the first 8 192) fails, so the error comes back from a chunk of the parallel run.
  Pair p = folder("cmp_rare");
  auto good = p.write("good.cog", kBase);
  auto rare = p.write("rare.cog", kHead + "var x[t in 2020..2022] = normal(5, 1)\nvar u[t in 2020..2022] = uniform(0, 1)\n"
                                          "var y[t in 2020..2022] = sqrt(x[t]) + normal(0, if u[t] < 2e-5 then -1 else 1)\n"
                                          "output y\n");
  EXPECT_EQ(cogsim("compare " + good.string() + " " + rare.string() + " -n 8192 --seed 3 --quiet").first, 0)
      << "the pilot alone does not fail";
  auto [status, text] = cogsim("compare " + good.string() + " " + rare.string() + " -n 200000 --seed 3 -t 2");
  EXPECT_EQ(status, 5) << text;
  EXPECT_EQ(text.rfind(rare.string() + ":4:", 0), 0u) << text;
}

TEST(CompareErrors, AMeanOfDifferencesThatOverflowsIsStatusFiveAtTheVariant) {
  // Each difference is finite (at most 1.7e308 in size); their sum and their squares are not.
  Pair p = folder("cmp_overflow");
  auto base = p.write("base.cog", kHead + "var u[t in 2020..2022] = uniform(0.5, 1)\nvar y[t in 2020..2022] = 0.85e308 * u[t]\noutput y\n");
  auto variant = p.write("variant.cog", kHead + "var u[t in 2020..2022] = uniform(0.5, 1)\nvar y[t in 2020..2022] = -0.85e308 * u[t]\noutput y\n");
  const fs::path json = p.dir / "r.json";
  auto [status, text] = cogsim("compare " + base.string() + " " + variant.string() + " -n 2000 --json " + json.string());
  EXPECT_EQ(status, 5) << text;
  EXPECT_EQ(text.rfind(variant.string() + ":3:5: error: output y in 2020 (variant − base): its ", 0), 0u) << text;
  EXPECT_NE(first_line(text).find(" over the paths overflows a double"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(json));
}

}  // namespace
}  // namespace cogsim
