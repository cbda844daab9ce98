// cogsim_bench's main: Google Benchmark's, plus `--model=PATH` (or COGSIM_MODEL), checked first.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "bench/model.hpp"
#include "dsl/compiler.hpp"

namespace cogsim::bench {

namespace {
std::string& path_setting() {
  static std::string p = [] {
    const char* env = std::getenv("COGSIM_MODEL");
    return env && *env ? std::string(env) : std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  }();
  return p;
}
}  // namespace

const std::string& model_path() { return path_setting(); }

const engine::Program& rm1() {
  static const engine::Program p = [] {
    dsl::Sources sources;
    auto c = dsl::compile_file(model_path(), sources);
    if (!c.program) {
      std::cerr << "cogsim_bench: the model " << model_path() << " does not compile:\n"
                << sources.format_all(c.diags)
                << "(give the model with --model=PATH or COGSIM_MODEL=PATH)\n";
      std::exit(2);
    }
    return std::move(*c.program);
  }();
  return p;
}

}  // namespace cogsim::bench

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strncmp(argv[i], "--model=", 8) == 0) cogsim::bench::path_setting() = argv[i] + 8;
    else args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  cogsim::bench::rm1();  // fails loudly now rather than inside a timed loop
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
