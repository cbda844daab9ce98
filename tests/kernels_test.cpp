// The vectorised kernels must not change a single bit of the results: a whole RM1 run with each
// Philox kernel forced (COGSIM_PHILOX, see engine/random.cpp) gives the same JSON, wall time aside.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

namespace {

nlohmann::json run_with(const std::string& kernel, const std::filesystem::path& out) {
  const std::string env = kernel.empty() ? "" : "COGSIM_PHILOX=" + kernel + " ";
  const std::string cmd = env + COGSIM_EXE + std::string(" run ") + COGSIM_SOURCE_DIR +
                          "/scenarios/cog-2022-2024 --paths 20011 --block-size 256 --threads 2 --quiet --json " +
                          out.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(out);
  nlohmann::json j = nlohmann::json::parse(in);
  j["meta"].erase("wall_seconds");
  return j;
}

}  // namespace

TEST(Kernels, EveryPhiloxKernelGivesTheSameRun) {
  const auto dir = std::filesystem::temp_directory_path() / ("cogsim-kernels-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto best = run_with("", dir / "best.json");
  EXPECT_EQ(run_with("scalar", dir / "scalar.json"), best);
  EXPECT_EQ(run_with("avx2", dir / "avx2.json"), best);
  std::filesystem::remove_all(dir);
}
