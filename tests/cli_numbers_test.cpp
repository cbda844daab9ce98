// Numbers on the command line are parsed strictly: no wrapped seed, no NaN probability, no path
// outside the run, and `goal --param` only on a param of numbers.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

struct Result {
  int status = -1;
  std::string err;
};

// Runs cogsim with `args` (a shell-quoted string); stdout discarded, stderr captured.
Result cogsim(const std::string& args) {
  Result r;
  FILE* f = ::popen((std::string(COGSIM_EXE) + " " + args + " 2>&1 >/dev/null").c_str(), "r");
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.err.append(buf, n);
  int raw = ::pclose(f);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

const std::string kModel = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";

}  // namespace

TEST(CliNumbers, WrappedOrNonFiniteNumbersAreUsageErrors) {
  const std::string run = "run " + kModel + " -n 100 -q ";
  const std::string goal = "goal " + kModel + " --param 'savings[CDS, 2024]' --indicator 8 --year 2024 -n 100 ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {run + "--seed -1", "--seed: '-1' is not a whole number without sign"},
      {run + "--seed 18446744073709551616", "--seed: '18446744073709551616' is out of range"},
      {run + "--seed 1e3", "not a whole number"},
      {run + "--seed ' 7'", "not a whole number"},
      {run + "--paths -5", "--paths: '-5'"},
      {run + "--paths 0", "--paths: '0' is out of range: give an integer from 1 to 1099511627776"},
      {run + "--threads 4294967297", "--threads: '4294967297' is out of range"},
      {run + "--block-size 16x", "--block-size: must be a power of two"},
      {run + "--target-se nan", "--target-se: 'nan' is not finite"},
      {run + "--target-se inf", "--target-se: 'inf' is not finite"},
      {run + "--target-se 0.7", "--target-se: '0.7' is out of range: give a number from 0 to 0.5"},
      {"compare " + kModel + " " + kModel + " --seed -3", "--seed: '-3'"},
      {"replay " + kModel + " --path -1", "--path: '-1' is not a whole number"},
      {"replay " + kModel + " --path 18446744073709551615", "--path: '18446744073709551615' is out of range"},
      {"replay " + kModel + " --path 100000", "--path 100000 is outside a run of 100000 paths"},
      {"replay " + kModel + " --path 50 --paths 50", "--path 50 is outside a run of 50 paths"},
      {"sensitivity " + kModel + " --output resultat.CDS --year 2024 --bootstrap -1", "--bootstrap: '-1'"},
      {goal + "-p nan --lo 0 --hi 0.1", "--probability: 'nan' is not finite"},
      {goal + "-p 1.5 --lo 0 --hi 0.1", "--probability: '1.5' is out of range"},
      {goal + "-p 0.5 --lo -inf --hi 0.1", "--lo: '-inf' is not finite"},
      {goal + "-p 0.5 --lo 0 --hi nan", "--hi: 'nan' is not finite"},
      {goal + "-p 0.5 --lo 0 --hi 1e999", "--hi: '1e999' is not finite"},
      {goal + "-p 0.5 --lo 0 --hi 0.1 --seed 18446744073709551617", "--seed"},
  };
  for (const auto& [args, message] : cases) {
    Result r = cogsim(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
  }
}

TEST(CliNumbers, TheLargestSeedAndTheLastPathAreAccepted) {
  const std::string json = ::testing::TempDir() + "cli_numbers_seed.json";
  Result r = cogsim("run " + kModel + " --central -q --seed 18446744073709551615 --json " + json);
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(std::ifstream(json));
  EXPECT_EQ(j["meta"]["seed"].get<std::uint64_t>(), 18446744073709551615ull);
  std::remove(json.c_str());
  EXPECT_EQ(cogsim("replay " + kModel + " --path 49 --paths 50").status, 0);
}

TEST(CliNumbers, GoalVariesOnlyAParamOfNumbers) {
  // kind[CDS] is a member (kinds), not a number: refused with the param's location, never used.
  Result r = cogsim("goal " + kModel + " --param 'kind[CDS]' --indicator 8 --year 2024 -p 0.5 --lo -1e300 --hi 1e300 -n 100");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("entities.cog:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(": error: cannot set 'kind[CDS]' to a number: 'kind' maps to members of 'kinds'"),
            std::string::npos)
      << r.err;
}
