// Golden tests of the diagnostics, and of the command line's exit statuses.
//
// Every tests/data/diagnostics/NAME.cog is a small broken rules file; NAME.expected holds the
// exact stderr of `cogsim check tests/data/diagnostics/NAME.cog` run from the repository root
// (so paths in the messages are relative). To add a case, write both files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = COGSIM_SOURCE_DIR;
const fs::path kDiagnosticsDir = fs::path(COGSIM_TEST_DATA) / "diagnostics";
const std::string kExe = COGSIM_EXE;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh, empty folder, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("cogsim_diagnostics_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Result {
  int status = -1;  // the exit status, or -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// Runs `cogsim ARGS` from the repository root; ARGS is already quoted for the shell.
Result run_cogsim(const std::string& args) {
  TempDir tmp;
  fs::path out = tmp.path() / "stdout", err = tmp.path() / "stderr";
  std::string cmd = "cd " + quote(kSourceDir.string()) + " && " + quote(kExe) + " " + args + " >" +
                    quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  int raw = std::system(cmd.c_str());
  Result r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::vector<std::string> diagnostic_cases() {
  std::vector<std::string> stems;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kDiagnosticsDir, ec))
    if (e.is_regular_file() && e.path().extension() == ".cog") stems.push_back(e.path().stem().string());
  std::sort(stems.begin(), stems.end());
  return stems;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

// ---------------------------------------------------------------- golden diagnostics

class DiagnosticsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagnosticsTest, MatchesExpectedOutput) {
  const std::string stem = GetParam();
  const fs::path cog = kDiagnosticsDir / (stem + ".cog");
  const fs::path expected_file = kDiagnosticsDir / (stem + ".expected");
  ASSERT_TRUE(fs::exists(expected_file)) << "missing " << expected_file << " (the exact stderr of "
                                         << "`cogsim check` on " << cog << ")";
  // Relative to the repository root, as a user would type it there.
  const std::string rel = fs::relative(cog, kSourceDir).generic_string();
  Result r = run_cogsim("check " + quote(rel));
  EXPECT_EQ(r.status, 3) << "`cogsim check " << rel << "` must exit with 3 (invalid rules file)\n"
                         << r.err;
  EXPECT_EQ(r.err, read_file(expected_file)) << "stderr of `cogsim check " << rel << "`";
  EXPECT_EQ(r.out, "") << "an invalid rules file must print nothing on stdout";
}

INSTANTIATE_TEST_SUITE_P(Diagnostics, DiagnosticsTest, ::testing::ValuesIn(diagnostic_cases()), test_name);

TEST(DiagnosticsCorpus, HasAtLeastTwentyCases) {
  EXPECT_GE(diagnostic_cases().size(), 20u) << "in " << kDiagnosticsDir;
}

TEST(DiagnosticsCorpus, EveryExpectedFileHasItsRulesFile) {
  for (const auto& e : fs::directory_iterator(kDiagnosticsDir)) {
    if (e.path().extension() != ".expected") continue;
    fs::path cog = e.path();
    cog.replace_extension(".cog");
    EXPECT_TRUE(fs::exists(cog)) << e.path() << " has no " << cog.filename();
  }
}

// ---------------------------------------------------------------- command line

const std::string kGoodModel = "scenarios/cog-2022-2024";
const std::string kBadModel = "tests/data/diagnostics/10-index-arity.cog";

TEST(CliCheck, MissingFileIsReportedWithItsPath) {
  const std::string path = "tests/data/no-such-folder/missing.cog";
  Result r = run_cogsim("check " + quote(path));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("'" + path + "'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  // One mistake, one error: a file that cannot be read has no other fault to report.
  EXPECT_EQ(r.err.find("no model declaration"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cogsim: 1 error in " + path), std::string::npos) << r.err;
}

TEST(CliRun, MissingFileIsReportedWithItsPath) {
  const std::string path = "tests/data/no-such-folder/missing.cog";
  Result r = run_cogsim("run " + quote(path) + " --central --quiet");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("'" + path + "'"), std::string::npos) << r.err;
}

TEST(CliRun, UnknownFlagIsAUsageError) {
  Result r = run_cogsim("run " + quote(kGoodModel) + " --central --no-such-flag");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(CliRun, ZeroPathsIsAUsageError) {
  Result r = run_cogsim("run " + quote(kGoodModel) + " --paths 0");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("--paths"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(CliRun, MissingSubcommandIsAUsageError) {
  Result r = run_cogsim("");
  EXPECT_EQ(r.status, 2) << r.err;
}

TEST(CliRun, JsonIntoMissingFolderCannotWrite) {
  TempDir tmp;
  const fs::path json = tmp.path() / "no-such-folder" / "results.json";
  Result r = run_cogsim("run " + quote(kGoodModel) + " --central --quiet --json " + quote(json.string()));
  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(json.string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(json));
  EXPECT_FALSE(fs::exists(json.parent_path())) << "cogsim must not create the folder";
}

// Every command checks its output files before it starts, with the same message and status.
TEST(CliRun, EveryCommandRefusesAnOutputIntoAMissingFolder) {
  TempDir tmp;
  const std::string out = quote((tmp.path() / "no-such-folder" / "out").string());
  const std::string m = quote(kGoodModel);
  for (const std::string& cmd :
       {"compare " + m + " " + m + " -n 100 --quiet --json " + out, "compare " + m + " " + m + " -n 100 --quiet --report " + out,
        "sensitivity " + m + " --indicator 8 --year 2024 -n 100 --json " + out,
        "sensitivity " + m + " --indicator 8 --year 2024 -n 100 --report " + out,
        "goal " + m + " --param \"savings[CDS, 2024]\" --indicator 8 --year 2024 -p 0.8 --lo 0 --hi 0.1 --json " + out,
        "replay " + m + " --path 3 --json " + out, "run " + m + " -n 100 --quiet --report " + out,
        "run " + m + " -n 100 --quiet --xlsx " + out}) {
    Result r = run_cogsim(cmd);
    EXPECT_EQ(r.status, 4) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("cogsim: cannot write"), std::string::npos) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("no-such-folder"), std::string::npos) << cmd << "\n" << r.err;
  }
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(CliRun, JsonOntoAFolderCannotWrite) {
  TempDir tmp;
  Result r = run_cogsim("run " + quote(kGoodModel) + " --central --quiet --json " + quote(tmp.path().string()));
  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_directory(tmp.path()));
}

TEST(CliRun, JsonIsNotWrittenWhenTheModelIsInvalid) {
  TempDir tmp;
  const fs::path json = tmp.path() / "results.json";
  Result r = run_cogsim("run " + quote(kBadModel) + " --central --quiet --json " + quote(json.string()));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find(kBadModel + ":6:42: error:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(json)) << "no results file for a model with errors";
  // No temporary file left behind either.
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(CliRun, CentralPathWritesJson) {
  TempDir tmp;
  const fs::path json = tmp.path() / "results.json";
  Result r = run_cogsim("run " + quote(kGoodModel) + " --central --quiet --json " + quote(json.string()));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(json));
  EXPECT_EQ(r.out, "") << "--quiet prints no summary";
}

// The options of `cogsim run` that `help` does not mention, separated by spaces.
std::string missing_options(const std::string& help) {
  static const std::vector<std::string> options = {"--central", "--paths", "--seed",
                                                   "--threads", "--json",  "--quiet"};
  std::string missing;
  for (const auto& opt : options)
    if (help.find(opt) == std::string::npos) missing += (missing.empty() ? "" : " ") + opt;
  return missing;
}

TEST(CliHelp, TopLevelHelpMentionsEveryOption) {
  Result r = run_cogsim("--help");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(missing_options(r.out), "") << "`cogsim --help` does not mention them:\n" << r.out;
}

TEST(CliHelp, RunHelpMentionsEveryOption) {
  Result r = run_cogsim("run --help");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(missing_options(r.out), "") << "`cogsim run --help` does not mention them:\n" << r.out;
}

// ---------------------------------------------------------------- fixes that leave drivers drawn

// `fix inflation` leaves `inflation_gap` drawn while other equations read it: a warning at the
// fix naming where the fixed series and another reader read the driver; the check still passes.
TEST(CliCheck, FixThatLeavesItsDriverDrawnWarnsWithBothPlaces) {
  Result r = run_cogsim("check tests/data/fixes/inflation-only.cog");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err,
            "tests/data/fixes/inflation-only.cog:4:5: warning: fixing 'inflation' leaves 'inflation_gap' random, "
            "which 'inflation' reads (scenarios/cog-2022-2024/drivers.cog:31:29) and 'published_forecast' still "
            "reads (scenarios/cog-2022-2024/drivers.cog:36:47): 'published_forecast' will not see the fixed "
            "values; fix 'inflation_gap' instead, or as well\n"
            "  fix inflation { 2022: 5.3 %, 2023: 4.8 %, 2024: 1.8 % }\n"
            "      ^~~~~~~~~\n");
  EXPECT_NE(r.out.find("tests/data/fixes/inflation-only.cog: ok ("), std::string::npos) << r.out;
}

// realised-history fixes the gap itself (and the forecasts and RMPP that read it): no warning.
TEST(CliCheck, RealisedHistoryFixesItsPrimitiveDriversWithoutWarning) {
  Result r = run_cogsim("check scenarios/realised-history");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

// The same trap with `actual`: year by year, so RM1's own actual years (2020 and 2021, whose
// gap is not drawn) give no warning, and 2022 does.
TEST(CliCheck, ActualValueThatLeavesItsDriverDrawnWarnsWithBothPlaces) {
  Result r = run_cogsim("check tests/data/fixes/actual-inflation.cog");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err,
            "tests/data/fixes/actual-inflation.cog:6:38: warning: the actual value of 'inflation' for 2022 leaves "
            "'inflation_gap' random in 2022, which 'inflation' reads (tests/data/fixes/actual-inflation.cog:5:29) "
            "and 'published_forecast' still reads (scenarios/cog-2022-2024/drivers.cog:36:47): "
            "'published_forecast' will not see the actual value; give 'inflation_gap' its actual value instead, "
            "or as well\n"
            "    actual { 2020: 0.5 %, 2021: 1.6 %, 2022: 5.3 % }\n"
            "                                       ^~~~\n");
  Result rm1 = run_cogsim("check scenarios/cog-2022-2024");
  EXPECT_EQ(rm1.status, 0) << rm1.err;
  EXPECT_EQ(rm1.err, "");
}

// Every count of the `ok` line agrees with its noun: "1 assert passed", "0 indicators".
TEST(CliCheck, OkLineCountsAreSingularForOne) {
  Result r = run_cogsim("check tests/data/fixes/one-of-each.cog");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "tests/data/fixes/one-of-each.cog: ok (1 output, 0 indicators, 1 event, 1 assert passed, "
                   "2 instructions, 1 random cell)\n");
}

}  // namespace
