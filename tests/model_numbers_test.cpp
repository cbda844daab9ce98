// Numbers in the model that must not pass silently: overflowing statistics and non-finite values
// are located run-time errors; invalid UTF-8, a unit on a year key and two clauses of one kind on a
// budget line are located errors; implausible rates are located warnings.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "dsl/compiler.hpp"
#include "dsl/text_checks.hpp"
#include "dsl/units.hpp"
#include "engine/finite.hpp"
#include "engine/simulator.hpp"

namespace cogsim {
namespace {

struct Checked {
  dsl::Compiled c;
  std::string text;  // every diagnostic, formatted
};

Checked check(const std::string& text) {
  dsl::Sources sources;
  Checked r{dsl::compile_text("m.cog", text, sources), ""};
  r.text = sources.format_all(r.c.diags);
  return r;
}

// The run-time error of a Monte Carlo run of `text` (which must compile), formatted.
std::string run_error(const std::string& text, std::uint64_t paths = 1000) {
  dsl::Sources sources;
  auto c = dsl::compile_text("m.cog", text, sources);
  EXPECT_TRUE(c.program) << sources.format_all(c.diags);
  if (!c.program) return "";
  engine::RunOptions opt;
  opt.paths = paths;
  opt.threads = 1;
  auto r = engine::simulate(*c.program, opt);
  return r.error ? sources.format(*r.error) : "";
}

const std::string kHead = "model \"m\" base 2019 years 2020..2022\n";

TEST(ModelNumbers, AVarianceThatOverflowsIsALocatedRuntimeError) {
  // Every value is finite (about 1e200), but their squares are not: the variance overflows.
  std::string e = run_error(kHead + "var big[t in 2020..2022] = normal(1e200, 1e199)\noutput big\n");
  EXPECT_NE(e.find("m.cog:2:5: error: output big in 2020: its variance over the paths overflows"), std::string::npos)
      << e;
  // A sum that overflows: the mean.
  e = run_error(kHead + "var huge[t in 2020..2022] = 1.7e308 * uniform(0.5, 1)\noutput huge\n");
  EXPECT_NE(e.find("m.cog:2:5: error: output huge in 2020: its mean over the paths overflows"), std::string::npos) << e;
  // Large but representable: no error (values of 1e150 have squares of 1e300).
  EXPECT_EQ(run_error(kHead + "var ok[t in 2020..2022] = normal(1e150, 1e149)\noutput ok\n"), "");
}

TEST(ModelNumbers, ANonFiniteOutputNamesItsDefinition) {
  std::string e = run_error(kHead + "var x[t in 2020..2022] = normal(0, 1)\nvar y[t in 2020..2022] = log(x[t])\noutput y\n");
  EXPECT_NE(e.find("m.cog:3:5: error: output y in 2020 is not a finite number"), std::string::npos) << e;
  // On a path rather than the central path: the central value is finite, a path's is not.
  e = run_error(kHead + "var x[t in 2020..2022] = normal(1, 1)\nvar y[t in 2020..2022] = sqrt(x[t])\noutput y\n");
  EXPECT_NE(e.find("m.cog:3:5: error: output y in 2020 is not a finite number on path "), std::string::npos) << e;
}

TEST(ModelNumbers, Utf8IsCheckedWithTheOffendingByteLocated) {
  EXPECT_EQ(dsl::first_invalid_utf8("plain, é, €, 𝄞"), std::string::npos);
  EXPECT_EQ(dsl::first_invalid_utf8("ab\xE9z"), 2u);          // Latin-1 é
  EXPECT_EQ(dsl::first_invalid_utf8("a\xC0\x80"), 1u);        // overlong NUL
  EXPECT_EQ(dsl::first_invalid_utf8("a\xED\xA0\x80"), 1u);    // a surrogate
  EXPECT_EQ(dsl::first_invalid_utf8("a\xF4\x90\x80\x80"), 1u);  // above U+10FFFF
  EXPECT_EQ(dsl::first_invalid_utf8("abc\xE2\x82"), 3u);      // cut short
  auto r = check(kHead + "var x[t in 2020..2022] \"R\xE9sultat\" = 1\noutput x\n");
  EXPECT_FALSE(r.c.program);
  EXPECT_NE(r.text.find("m.cog:2:26: error: this file is not valid UTF-8 (byte 0xE9)"), std::string::npos) << r.text;
}

TEST(ModelNumbers, AUnitOnAYearKeyIsAnError) {
  auto r = check(kHead + "param p[t in 2020..2022] : % = { 2020: 1 %, 2021 %: 2 %, 2022: 3 % }\noutput p\n");
  EXPECT_FALSE(r.c.program);
  EXPECT_NE(r.text.find("m.cog:2:45: error: a year takes no unit: '2021 %:'"), std::string::npos) << r.text;
  EXPECT_TRUE(check(kHead + "param p[t in 2020..2022] : % = { 2020: 1 %, 2021: 2 %, 2022: 3 % }\noutput p\n").c.program);
}

TEST(ModelNumbers, TwoClausesOfOneKindOnABudgetLineAreAnError) {
  auto r = check(kHead + "fund f \"F\" {\n  line c \"C\" limitative fonctionnement amounts { 2020: 1 €, 2021: 2 €, 2022: 3 € }"
                         " amounts { 2020: 5 €, 2021: 6 €, 2022: 7 € }\n}\n");
  EXPECT_FALSE(r.c.program);
  EXPECT_NE(r.text.find("m.cog:3:84: error: budget line 'f.c' has two `amounts` clauses ('amounts' at 3:40, then 'amounts')"),
            std::string::npos)
      << r.text;
  r = check(kHead + "fund f \"F\" {\n  line c \"C\" limitative evaluative fonctionnement amounts { 2020: 1 €, 2021: 2 €, 2022: 3 € }\n}\n");
  EXPECT_NE(r.text.find("m.cog:3:25: error: budget line 'f.c' has two `limitative/evaluative` clauses"),
            std::string::npos)
      << r.text;
}

TEST(ModelNumbers, ImplausibleRatesAreLocatedWarnings) {
  const std::string model = kHead + "var r[t in 2019..2022] : € = -100 €\n"
                                    "indicator 1 \"I\" on r vs 2019 { 2022: reduce_deficit(RATE) }\n";
  auto with = [&](const std::string& rate) {
    std::string m = model;
    m.replace(m.find("RATE"), 4, rate);
    return check(m);
  };
  auto r = with("40");
  EXPECT_TRUE(r.c.program) << "a warning, not an error";
  EXPECT_NE(r.text.find("m.cog:3:53: warning: implausible rate for 'reduce_deficit': 4000 % (a deficit cannot shrink "
                        "by more than 100 %"),
            std::string::npos)
      << r.text;
  EXPECT_EQ(with("40 %").text, "");
  EXPECT_EQ(with("100 %").text, "");
  r = check(kHead + "var g[t in 2020..2022] = 1 + 2500 %\noutput g\n");
  EXPECT_NE(r.text.find("m.cog:2:30: warning: implausible rate: 2500 % is above 1 000 % (did you mean 25 %?)"),
            std::string::npos)
      << r.text;
}

// sensitivity used to print "mean -nan" and Sobol indices of NaN with status 0.
TEST(ModelNumbers, SensitivityOfANonFiniteFigureIsALocatedRuntimeError) {
  const std::string path = testing::TempDir() + "/sens_nan.cog";
  std::ofstream(path) << kHead << "var s[t in 2020..2022] = sqrt(normal(1, 1))\noutput s\n";
  FILE* f = ::popen((std::string(COGSIM_EXE) + " sensitivity " + path + " --output s --year 2020 -n 100 2>&1").c_str(), "r");
  std::string out;
  char buf[1024];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  const int raw = ::pclose(f);
  EXPECT_EQ(WEXITSTATUS(raw), 5) << out;
  EXPECT_NE(out.find("sens_nan.cog:2:5: error: s in 2020 is not a finite number on some paths"), std::string::npos) << out;
  EXPECT_EQ(out.find("nan ["), std::string::npos) << out;
  std::remove(path.c_str());
}

// replay used to print nan and write null with status 0 for a path whose output is not finite.
TEST(ModelNumbers, ReplayOfAPathWithANonFiniteOutputFailsAtItsDefinition) {
  const std::string path = testing::TempDir() + "/replay_nan.cog", json = testing::TempDir() + "/replay_nan.json";
  std::ofstream(path) << kHead << "var x[t in 2020..2022] = normal(1, 1)\nvar s[t in 2020..2022] = sqrt(x[t])\noutput s\n";
  int failed = 0, fine = 0;
  for (int k = 0; k < 8; ++k) {  // about one path in six has x < 0 in 2020, so some fail and some do not
    std::remove(json.c_str());
    const std::string cmd = std::string(COGSIM_EXE) + " replay " + path + " --path " + std::to_string(k) + " --json " +
                            json + " 2>&1 >/dev/null";
    FILE* f = ::popen(cmd.c_str(), "r");
    std::string err;
    char buf[1024];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) err.append(buf, n);
    const int status = WEXITSTATUS(::pclose(f));
    if (status == 5) {
      ++failed;
      EXPECT_NE(err.find("replay_nan.cog:3:5: error: output s in "), std::string::npos) << err;
      EXPECT_FALSE(std::ifstream(json).good());
    } else {
      ++fine;
      EXPECT_EQ(status, 0) << err;
      std::ifstream in(json);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(text.find("null"), std::string::npos) << text;
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(fine, 0);
  std::remove(path.c_str());
}

// A number with a unit is the double nearest its decimal value, the value the same number reads
// written in the model's units: `2.8 %` is `0.028` (2.8 / 100 is one unit in the last place above),
// `1.88 %` is `0.0188`, `13.6 M€` is `13600000`.
TEST(ModelNumbers, AUnitIsADecimalShiftNotADivision) {
  EXPECT_NE(2.8 / 100, 0.028);  // the reason for this test
  EXPECT_EQ(dsl::unit_value(2.8, "%"), 0.028);
  EXPECT_EQ(dsl::unit_value(-2.8, "%"), -0.028);
  EXPECT_EQ(dsl::unit_value(1.88, "%"), 0.0188);
  EXPECT_EQ(dsl::unit_value(1e2, "%"), 1.0);
  EXPECT_EQ(dsl::unit_value(0.7, "%"), 0.007);
  EXPECT_EQ(dsl::unit_value(13.6, "M€"), 13600000.0);
  EXPECT_EQ(dsl::unit_value(26633000.5, "€"), 26633000.5);
  EXPECT_EQ(dsl::unit_value(0.5, "k€"), 500.0);
  EXPECT_EQ(dsl::unit_value(1.35, "Md€"), 1350000000.0);
  EXPECT_EQ(dsl::unit_value(0.0, "%"), 0.0);
  // Every literal of up to 4 decimals in [0, 100] %, against the plain literal strtod reads.
  for (int k = 0; k <= 1000000; k += 7) {
    const std::string pct = std::to_string(k / 10000) + "." + std::to_string(10000 + k % 10000).substr(1);
    const std::string frac = std::to_string(k / 1000000) + "." + std::to_string(1000000 + k % 1000000).substr(1);
    ASSERT_EQ(dsl::unit_value(std::strtod(pct.c_str(), nullptr), "%"), std::strtod(frac.c_str(), nullptr)) << pct;
  }
  // Through the language: the param's cell and the run read 0.028.
  auto r = check("model \"m\" base 2019 years 2020..2020\nparam a : % = 2.8 %\nparam b = 0.028\n"
                 "var x[t in 2020..2020] = a - b\noutput x\n");
  ASSERT_TRUE(r.c.program) << r.text;
  ASSERT_EQ(r.c.params.size(), 2u);
  EXPECT_EQ(r.c.params[0].value, 0.028);
  EXPECT_EQ(r.c.params[1].value, 0.028);
}

}  // namespace
}  // namespace cogsim
