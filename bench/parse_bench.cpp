// Parse + check + lower of the shipped COG model (RM1): should take milliseconds.
#include <benchmark/benchmark.h>

#include "bench/model.hpp"
#include "dsl/compiler.hpp"

static void BM_CompileCogModel(benchmark::State& state) {
  const std::string& path = cogsim::bench::model_path();
  for (auto _ : state) {
    cogsim::dsl::Sources sources;
    auto c = cogsim::dsl::compile_file(path, sources);
    if (!c.program) state.SkipWithError("the model does not compile");
    benchmark::DoNotOptimize(c.program);
  }
}
BENCHMARK(BM_CompileCogModel)->Unit(benchmark::kMillisecond);
