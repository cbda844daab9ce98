// RM1 simulation speed: paths per second by thread count and block size, against the floor of
// producing exactly RM1's random draws with the same generator and transforms.
#include <benchmark/benchmark.h>

#include "bench/model.hpp"
#include "engine/simulator.hpp"

namespace {

using cogsim::bench::rm1;

// Whole simulation (evaluate + statistics), args: paths, threads, block size.
void BM_SimulateRM1(benchmark::State& state) {
  cogsim::engine::RunOptions opt;
  opt.paths = std::uint64_t(state.range(0));
  opt.threads = int(state.range(1));
  opt.block_size = std::size_t(state.range(2));
  for (auto _ : state) benchmark::DoNotOptimize(cogsim::engine::simulate(rm1(), opt));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SimulateRM1)
    ->ArgNames({"paths", "threads", "block"})
    ->Args({1 << 18, 1, 256})
    ->Args({1 << 18, 1, 1024})
    ->Args({1 << 18, 1, 4096})
    ->Args({1 << 18, 2, 1024})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// One thread, block after block of RM1 through `step` (the whole evaluation, or the draws only).
template <typename Step>
void run_blocks(benchmark::State& state, Step step) {
  const auto& p = rm1();
  cogsim::engine::Workspace ws;
  const std::size_t block = std::size_t(state.range(0));
  ws.reserve(p, block);
  std::uint64_t first = 0;
  for (auto _ : state) {
    cogsim::engine::BlockSpec spec{42, first, block, cogsim::engine::DrawMode::Sample};
    benchmark::DoNotOptimize(step(p, spec, ws));
    first += block;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Evaluation only (no statistics): the interpreter over blocks.
void BM_EvaluateRM1(benchmark::State& state) { run_blocks(state, cogsim::engine::run_block); }
BENCHMARK(BM_EvaluateRM1)->ArgName("block")->Arg(256)->Arg(1024)->Arg(4096);

// The random-number floor: exactly RM1's draws, same generator and transforms, nothing else.
void BM_DrawsOnlyRM1(benchmark::State& state) { run_blocks(state, cogsim::engine::run_draws_only); }
BENCHMARK(BM_DrawsOnlyRM1)->ArgName("block")->Arg(1024);

}  // namespace
