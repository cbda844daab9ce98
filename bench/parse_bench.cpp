// Parse + check + lower of the shipped COG model (RM1): should take milliseconds.
#include <benchmark/benchmark.h>

#include "dsl/compiler.hpp"

static void BM_CompileCogModel(benchmark::State& state) {
  const std::string path = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
  for (auto _ : state) {
    cogsim::dsl::Sources sources;
    auto c = cogsim::dsl::compile_file(path, sources);
    if (!c.program) state.SkipWithError("the model does not compile");
    benchmark::DoNotOptimize(c.program);
  }
}
BENCHMARK(BM_CompileCogModel)->Unit(benchmark::kMillisecond);
