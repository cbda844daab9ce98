// Every shipped scenario's results, pinned to a stored digest: a refactoring that changes one bit
// of one figure fails here. The digests were taken from the build before the reshape of issue 11
// (tests/data/digests.txt); a change that is meant to move figures regenerates them with
//   COGSIM_UPDATE_DIGESTS=1 build/tests/cogsim_tests --gtest_filter='Digest.*'
// and says in its commit which figures moved and why.
//
// What is hashed: the results file of `cogsim run` (Monte Carlo, Latin Hypercube, central path),
// the CSV tables and `cogsim compare`'s file, each parsed and printed again in one canonical form
// (sorted keys, doubles with 17 significant digits: the round trip is exact), with the `meta`
// object (wall time, thread count, version) removed — so "same digest" means "same numbers and
// names to the bit".
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kDigestFile = std::string(COGSIM_TEST_DATA) + "/digests.txt";

// FNV-1a, 64 bits: a regression detector, not a cryptographic hash.
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(std::uint64_t h) {
  std::ostringstream o;
  o << std::hex;
  o.width(16);
  o.fill('0');
  o << h;
  return o.str();
}

// Runs the cogsim binary; fails the test on a non-zero status.
void run_cogsim(const std::string& args) {
  const std::string cmd = std::string(COGSIM_EXE) + " run " + args + " -q";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

std::string canonical_json(const fs::path& p) {
  auto j = nlohmann::json::parse(cogsim::test::read_text(p));
  j.erase("meta");
  return j.dump(1);
}

std::string scratch(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("cogsim-digest-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

std::map<std::string, std::string> load_digests() {
  std::map<std::string, std::string> m;
  std::ifstream in(kDigestFile);
  std::string name, digest;
  while (in >> name >> digest) m[name] = digest;
  return m;
}

void check_digest(const std::string& name, const std::string& canonical) {
  const std::string got = hex(fnv1a(canonical));
  if (std::getenv("COGSIM_UPDATE_DIGESTS")) {
    auto m = load_digests();
    m[name] = got;
    std::ofstream out(kDigestFile);
    for (const auto& [k, v] : m) out << k << ' ' << v << '\n';
    return;
  }
  const auto m = load_digests();
  auto it = m.find(name);
  ASSERT_NE(it, m.end()) << "no stored digest for " << name << " in " << kDigestFile;
  if (it->second != got) {
    const auto dump = scratch(name + ".canonical");
    std::ofstream(dump) << canonical;
    FAIL() << name << ": digest " << got << ", stored " << it->second << " (canonical text in " << dump << ")";
  }
}

class Digest : public ::testing::TestWithParam<const char*> {};

TEST_P(Digest, MonteCarloResultsFileIsUnchanged) {
  const std::string s = GetParam();
  const auto out = scratch(s + "-mc.json");
  run_cogsim(std::string(COGSIM_SOURCE_DIR) + "/scenarios/" + s + " -n 20000 --seed 7 --threads 2 --json " + out);
  check_digest(s + ":mc", canonical_json(out));
}

TEST_P(Digest, LatinHypercubeResultsFileIsUnchanged) {
  const std::string s = GetParam();
  const auto out = scratch(s + "-lhs.json");
  run_cogsim(std::string(COGSIM_SOURCE_DIR) + "/scenarios/" + s +
             " -n 8192 --seed 11 --threads 2 --sampling lhs --json " + out);
  check_digest(s + ":lhs", canonical_json(out));
}

TEST_P(Digest, QuasiMonteCarloResultsFileIsUnchanged) {
  const std::string s = GetParam();
  const auto out = scratch(s + "-qmc.json");
  run_cogsim(std::string(COGSIM_SOURCE_DIR) + "/scenarios/" + s +
             " -n 8192 --seed 11 --threads 2 --sampling qmc --replicates 8 --json " + out);
  check_digest(s + ":qmc", canonical_json(out));
}

TEST_P(Digest, CentralPathIsUnchanged) {
  const std::string s = GetParam();
  const auto out = scratch(s + "-central.json");
  run_cogsim(std::string(COGSIM_SOURCE_DIR) + "/scenarios/" + s + " --central --json " + out);
  check_digest(s + ":central", canonical_json(out));
}

TEST_P(Digest, CsvTablesAreUnchanged) {
  const std::string s = GetParam();
  const auto dir = scratch(s + "-csv");
  run_cogsim(std::string(COGSIM_SOURCE_DIR) + "/scenarios/" + s + " -n 20000 --seed 7 --threads 2 --csv " + dir);
  std::string all;
  for (const char* table : {"outputs.csv", "indicators.csv", "events.csv", "labels.csv"})
    all += std::string(table) + "\n" + cogsim::test::read_text(fs::path(dir) / table);
  check_digest(s + ":csv", all);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Digest,
                         ::testing::Values("cog-2022-2024", "realised-history", "avenant-inflation"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(DigestCompare, ComparisonFileIsUnchanged) {
  const auto out = scratch("compare.json");
  const std::string dir = std::string(COGSIM_SOURCE_DIR) + "/scenarios/";
  const std::string cmd = std::string(COGSIM_EXE) + " compare " + dir + "cog-2022-2024 " + dir +
                          "avenant-inflation -n 20000 --seed 7 --threads 2 -q --json " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  check_digest("compare:avenant-inflation", canonical_json(out));
}

}  // namespace
