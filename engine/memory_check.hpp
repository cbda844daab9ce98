// The memory a run will take, estimated before anything is allocated for it (issue 12): a model
// that unrolls to hundreds of thousands of output series, or a block of 1 024 paths over millions
// of cells, is refused with a located message instead of running the machine out of memory.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/diagnostic.hpp"
#include "engine/ir.hpp"
#include "engine/simulator.hpp"

namespace cogsim::engine {

// About what run_core allocates, in bytes, at its peak: the larger of the pilot phase (every
// series' pilot values) and the run phase (per thread: one block of every program's slots, and one
// quantile sketch per series; plus the run's own sketches). An upper estimate of the sketches
// (every fine window at its most bins), close enough to refuse what cannot fit.
struct MemoryEstimate {
  std::uint64_t bytes = 0;
  std::uint64_t pilot = 0, workspaces = 0, sketches = 0;  // the terms
};
MemoryEstimate estimate_run_memory(const std::vector<const Program*>& programs, std::size_t series,
                                   const RunOptions& options);

struct MemoryRefusal {
  Diagnostic error;
  std::size_t program = 0;  // whose sources locate it
};
// When the estimate exceeds options.memory_limit (0: no limit): an error located at the
// definition that takes the most (the one behind the most series, or with the most cells).
std::optional<MemoryRefusal> check_run_memory(const std::vector<const Program*>& programs,
                                              const std::vector<SeriesSpec>& series, const RunOptions& options);

}  // namespace cogsim::engine
