// docs/tutorial.md, run: each file the page shows is the file under docs/tutorial/, and each
// claim the page makes about what cogsim prints or computes holds. The expected figures come
// from the page's own arithmetic (1 M€ a year on the FNMO), not from a run of the engine.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path kRoot = COGSIM_SOURCE_DIR;

using cogsim::test::read_text;

struct CliRun {
  int status = -1;
  std::string out, err;
};

// `cogsim ARGS` from the repository root (so paths in messages read as on the page).
CliRun cogsim(const std::string& args, const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("cogsim_tutorial_" + std::to_string(::getpid()) + "_" + tag);
  fs::create_directories(dir);
  const std::string cmd = "cd \"" + kRoot.string() + "\" && \"" + COGSIM_EXE + "\" " + args + " > \"" +
                          (dir / "out").string() + "\" 2> \"" + (dir / "err").string() + "\"";
  const int rc = std::system(cmd.c_str());
  CliRun r{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_text(dir / "out"), read_text(dir / "err")};
  fs::remove_all(dir);
  return r;
}

json run_json(const std::string& model, const std::string& args, const std::string& tag) {
  const fs::path out = fs::temp_directory_path() / ("cogsim_tutorial_" + std::to_string(::getpid()) + "_" + tag + ".json");
  CliRun r = cogsim("run " + model + " " + args + " --json \"" + out.string() + "\"", tag);
  EXPECT_EQ(r.status, 0) << r.err;
  std::ifstream f(out);
  json doc = f ? json::parse(f) : json::object();
  fs::remove(out);
  return doc;
}

double mean(const json& doc, const std::string& name, int year) {
  return doc.at("outputs").at(name).at(std::to_string(year)).at("mean").get<double>();
}

TEST(Tutorial, EveryFileShownIsTheFileInDocsTutorial) {
  const std::string page = read_text(kRoot / "docs" / "tutorial.md");
  ASSERT_FALSE(page.empty());
  int shown = 0;
  const std::string marker = "File `";
  for (std::size_t at = page.find(marker); at != std::string::npos; at = page.find(marker, at + 1)) {
    const std::size_t end = page.find('`', at + marker.size());
    const std::string path = page.substr(at + marker.size(), end - at - marker.size());
    const std::size_t open = page.find("```", end);
    const std::size_t body = page.find('\n', open) + 1;
    const std::size_t close = page.find("\n```", body);
    ASSERT_NE(close, std::string::npos) << path;
    EXPECT_EQ(page.substr(body, close + 1 - body), read_text(kRoot / path)) << path;
    ++shown;
  }
  EXPECT_EQ(shown, 5);  // with the shipped horizon-2027 (section 3)
}

TEST(Tutorial, AvenantRaisesTheReserveByOneMillionEachYear) {
  const json base = run_json("scenarios/cog-2022-2024", "--central", "base");
  const json avenant = run_json("docs/tutorial/avenant", "--central", "avenant");
  for (int t = 2021; t <= 2024; ++t)
    EXPECT_NEAR(mean(avenant, "fnmo.reserve", t) - mean(base, "fnmo.reserve", t), (t - 2020) * 1e6, 0.005) << t;
  for (int t = 2022; t <= 2024; ++t) EXPECT_EQ(mean(avenant, "resultat.total", t), mean(base, "resultat.total", t));
  // On every path: the probability of a negative reserve can only fall.
  const json base_mc = run_json("scenarios/cog-2022-2024", "-n 20000 --seed 5", "base_mc");
  const json avenant_mc = run_json("docs/tutorial/avenant", "-n 20000 --seed 5", "avenant_mc");
  const double p_base = base_mc.at("events").at("fnmo.negative").at("2024").get<double>();
  const double p_avenant = avenant_mc.at("events").at("fnmo.negative").at("2024").get<double>();
  EXPECT_LT(p_avenant, p_base);
}

TEST(Tutorial, RealisedYearChecksCleanWithItsFourAsserts) {
  CliRun r = cogsim("check docs/tutorial/realised-2022", "realised");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("docs/tutorial/realised-2022: ok (", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(", 4 asserts passed, "), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("warning"), std::string::npos) << r.out;
  // Two fixed cells that drew (u and ρ of 2022): two random cells fewer than RM1.
  CliRun base = cogsim("check scenarios/cog-2022-2024", "rm1");
  EXPECT_NE(base.out.find(", 75 random cells)"), std::string::npos) << base.out;
  EXPECT_NE(r.out.find(", 73 random cells)"), std::string::npos) << r.out;
}

TEST(Tutorial, FixingTheInflationItselfWarnsAsThePageSays) {
  CliRun r = cogsim("check docs/tutorial/realised-2022-wrong", "wrong");
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string page = read_text(kRoot / "docs" / "tutorial.md");
  const std::string first = "docs/tutorial/realised-2022-wrong/main.cog:4:5: warning: ";
  const std::size_t at = page.find(first);
  ASSERT_NE(at, std::string::npos);
  const std::string line = page.substr(at, page.find('\n', at) - at);
  EXPECT_EQ(r.err.substr(0, line.size() + 1), line + "\n") << r.err;
}

}  // namespace
